// helocheck: what helowrap would say of a HELO, without a client or a server.
//   helocheck [ -c control ] [ -t timeout ] [ NAME [ IP ] ]
// It runs the very session and DNS driver helowrap runs, fed "HELO NAME", "MAIL", "RCPT"
// and a server that says 250 to everything, then prints the log lines helowrap would write
// and the reply the client's RCPT would get.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <poll.h>
#include <string>
#include <unistd.h>

#include "policy.h"
#include "session_setup.h"

namespace {

constexpr int kUsage = 100;
constexpr int kTemporary = 111;

struct Options {
  std::string control_dir = "/var/qmail/control";
  unsigned timeout = 10;
  const char* name = nullptr;
  const char* ip = nullptr;
};

bool parse_options(int argc, char** argv, Options& opt) {
  int c;
  opterr = 0;  // one line of usage is the whole diagnostic
  while ((c = getopt(argc, argv, "c:t:")) != -1) {
    switch (c) {
      case 'c': opt.control_dir = optarg; break;
      case 't': {
        char* end = nullptr;
        unsigned long t = std::strtoul(optarg, &end, 10);
        if (end == optarg || *end || t == 0 || t > 86400) return false;
        opt.timeout = static_cast<unsigned>(t);
        break;
      }
      default: return false;
    }
  }
  int left = argc - optind;
  if (left > 2) return false;
  opt.name = left >= 1 ? argv[optind] : std::getenv("SMTPHELOHOST");
  opt.ip = left >= 2 ? argv[optind + 1] : std::getenv("TCPREMOTEIP");
  return true;
}

void print_log(SmtpSession& session) {
  for (const auto& line : session.take_log()) std::cout << line << '\n';
}

// Plays a server that accepts everything, one "250 ok" per line the session sends.
void answer_as_server(SmtpSession& session) {
  std::string_view sent = session.to_server().view();
  std::string replies;
  for (char c : sent)
    if (c == '\n') replies += "250 ok\r\n";
  session.sent_to_server(sent.size());
  session.from_server(replies);
}

std::size_t replies_received(const SmtpSession& session) {
  std::size_t n = 0;
  for (char c : session.to_client().view()) n += c == '\n';
  return n;
}

std::string last_reply(const SmtpSession& session) {
  std::string_view all = session.to_client().view();
  all.remove_suffix(2);  // CR LF
  return std::string(all.substr(all.rfind('\n') + 1));
}

int check(const Options& opt) {
  if (opt.ip) setenv("TCPREMOTEIP", opt.ip, 1);
  LogPrefix log(static_cast<long>(getpid()), opt.ip ? opt.ip : "unknown");
  Policy policy;
  PolicyError error;
  if (!load_policy(opt.control_dir, [](const char* n) { return std::getenv(n); }, policy, error)) {
    std::cerr << "helocheck: fatal: unable to read controls: " << error.file << ": "
              << std::strerror(error.error) << '\n';
    return kTemporary;
  }
  for (const auto& event : policy.log) std::cout << log.line(event) << '\n';
  if (!policy.watching()) {
    std::cout << "no check applies: helowrap would run the program directly\n";
    return 0;
  }
  SmtpSession session(session_config(policy, log));
  std::string why;
  auto dns = dns_driver(policy, opt.timeout, std::getenv("DNSCACHEIP"), session, why);
  if (policy.dns && !dns) {
    std::cerr << "helocheck: fatal: DNS: " << why << '\n';
    return kTemporary;
  }
  session.from_server("220 helocheck\r\n");
  std::string client = opt.name ? "HELO " + std::string(opt.name) + "\r\n" : "";
  client += "MAIL FROM:<>\r\nRCPT TO:<postmaster>\r\n";
  std::size_t expected = 1 + (opt.name ? 1 : 0) + 2;
  session.from_client(client);
  while (replies_received(session) < expected) {
    if (dns) {
      while (auto request = session.take_dns_request()) dns->start(*request);
      dns->tick();
    }
    answer_as_server(session);
    if (replies_received(session) >= expected) break;
    pollfd p{dns ? dns->fd() : -1, POLLIN, 0};
    int timeout = dns ? dns->timeout_ms() : -1;
    if (p.fd == -1 && timeout == -1) break;  // nothing left that could answer
    if (poll(&p, 1, timeout) > 0 && dns) dns->readable();
  }
  print_log(session);
  std::cout << "reply to RCPT: " << last_reply(session) << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, opt)) {
    std::cerr << "helocheck: usage: helocheck [ -c control ] [ -t timeout ] [ name [ ip ] ]\n";
    return kUsage;
  }
  try {
    return check(opt);
  } catch (const std::exception& e) {
    std::cerr << "helocheck: fatal: " << e.what() << '\n';
  }
  return kTemporary;
}
