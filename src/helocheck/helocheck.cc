// helocheck: what helowrap would say of a HELO, without a client or a server.
//   helocheck [ -c control ] [ -t timeout ] [ NAME [ IP ] ]
// It runs the very session and DNS driver helowrap runs, fed "HELO NAME", "MAIL", "RCPT"
// and a server that says 250 to everything, then prints the log lines helowrap would write
// and the reply the client's RCPT would get.
//   helocheck [ -c control ] -b FILE [ -w providers ] [ -p percent ]
// "What if": the verdict of control/badhelo on each name of FILE (whatif.h), then which
// lines refuse how many names, and warnings for the dangerous ones.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "base/control.h"
#include "base/ipaddr.h"
#include "base/linesplit.h"
#include "check/policy.h"
#include "relay/session_setup.h"
#include "helocheck/whatif.h"

// Where the provider list is when helocheck cannot tell where it is installed.
#ifndef PROVIDER_HELOS
#define PROVIDER_HELOS "/usr/local/share/helowrap/provider-helos.txt"
#endif

namespace {

constexpr int kUsage = 100;
constexpr int kTemporary = 111;

struct Options {
  std::string control_dir = "/var/qmail/control";
  unsigned timeout = 10;
  const char* name = nullptr;
  const char* ip = nullptr;
  const char* batch = nullptr;      // -b: the names to try, "-" for standard input
  const char* providers = nullptr;  // -w: large providers' HELO names
  unsigned percent = 10;            // -p: warn about a line matching more of the names
};

bool parse_number(const char* s, unsigned long max, unsigned long& v) {
  char* end = nullptr;
  v = std::strtoul(s, &end, 10);
  return end != s && !*end && *s != '-' && v <= max;
}

bool parse_options(int argc, char** argv, Options& opt) {
  int c;
  opterr = 0;  // one line of usage is the whole diagnostic
  unsigned long v;
  bool batch_only = false;  // -w or -p
  while ((c = getopt(argc, argv, "c:t:b:w:p:")) != -1) {
    switch (c) {
      case 'c': opt.control_dir = optarg; break;
      case 't':
        if (!parse_number(optarg, 86400, v) || v == 0) return false;
        opt.timeout = static_cast<unsigned>(v);
        break;
      case 'b': opt.batch = optarg; break;
      case 'w': opt.providers = optarg; batch_only = true; break;
      case 'p':
        if (!parse_number(optarg, 100, v)) return false;
        opt.percent = static_cast<unsigned>(v);
        batch_only = true;
        break;
      default: return false;
    }
  }
  int left = argc - optind;
  if (opt.batch) return left == 0;
  if (left > 2 || batch_only) return false;
  opt.name = left >= 1 ? argv[optind] : std::getenv("SMTPHELOHOST");
  opt.ip = left >= 2 ? argv[optind + 1] : std::getenv("TCPREMOTEIP");
  return true;
}

// The client's IP must be an IPv4 or IPv6 address as inet_pton reads it: 111.222.333.444
// or 127.0.0.002 would otherwise get a verdict no client can get.
bool valid_ip(const Options& opt) {
  if (!opt.ip || IpAddr::parse(opt.ip)) return true;
  std::cerr << "helocheck: usage: not an IPv4 or IPv6 address: " << opt.ip << '\n';
  return false;
}

// The provider list installed beside this program: BIN/../share/helowrap/ (make install
// puts both under one PREFIX, wherever that is); else the build's PREFIX.
std::string default_providers() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return PROVIDER_HELOS;
  std::string dir(exe, static_cast<std::size_t>(n));
  dir.erase(dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/'));
  if (dir.size() >= 4 && dir.compare(dir.size() - 4, 4, "/bin") == 0)
    dir.erase(dir.size() - 4);
  else
    dir += "/..";
  return dir + "/share/helowrap/provider-helos.txt";
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
  auto dns = dns_driver(policy, opt.timeout, std::getenv("DNSCACHEIP"), why);
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
    if (dns) exchange_dns(session, *dns);
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

// --- -b ---------------------------------------------------------------------------------

// The provider list: one name a line, # comments, as a control file. The default one may
// be missing (nothing to warn about then); one named with -w must be there.
bool load_providers(const Options& opt, std::vector<std::string>& names) {
  std::string path = opt.providers ? opt.providers : default_providers();
  std::vector<ControlLine> lines;
  ControlStatus status = control_readfile(path, lines);
  if (status == ControlStatus::ok) {
    for (auto& l : lines) names.push_back(std::move(l.text));
    return true;
  }
  std::cerr << "helocheck: " << (opt.providers ? "fatal" : "warning") << ": unable to read "
            << path << ": " << std::strerror(errno) << (opt.providers ? "" : ": no provider list")
            << '\n';
  return !opt.providers;
}

bool load_badhelo(const Options& opt, std::vector<ControlLine>& lines) {
  // A missing badhelo is "no patterns"; a missing directory is a mistyped -c.
  struct stat st;
  int err = stat(opt.control_dir.c_str(), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (err) {
    std::cerr << "helocheck: fatal: unable to read controls: " << opt.control_dir << ": "
              << std::strerror(err) << '\n';
    return false;
  }
  std::string path = opt.control_dir + "/badhelo";
  ControlStatus status = control_readfile(path, lines, true);  // a NUL splits a line (SPEC §4.2)
  if (status == ControlStatus::unreadable) {
    std::cerr << "helocheck: fatal: unable to read controls: " << path << ": "
              << std::strerror(errno) << '\n';
    return false;
  }
  if (lines.empty())
    std::cout << "no patterns in " << path << ": badhelo is off, every name passes\n";
  return true;
}

// Names from `fd`, one line at a time, each verdict printed as it comes.
bool read_names(int fd, const char* path, WhatIf& whatif) {
  LineSplitter split(64 * 1024);
  auto one = [&whatif](std::string_view line, bool too_long) {
    if (too_long) return;
    if (auto entry = parse_batch_line(line)) {
      std::string verdict = whatif.check(entry->name);
      if (!verdict.empty()) std::cout << verdict << '\n';
    }
  };
  char buf[65536];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      std::cerr << "helocheck: fatal: unable to read " << path << ": " << std::strerror(errno)
                << '\n';
      return false;
    }
    if (r == 0) break;
    split.feed(std::string_view(buf, static_cast<std::size_t>(r)), one);
  }
  split.finish(one);
  return true;
}

// -b: the verdicts on the names of the file, then the summary and the warnings.
int batch(const Options& opt) {
  std::vector<ControlLine> badhelo;
  std::vector<std::string> providers;
  if (!load_badhelo(opt, badhelo) || !load_providers(opt, providers)) return kTemporary;
  WhatIf whatif(badhelo, providers);
  bool stdin_input = std::string(opt.batch) == "-";
  int fd = stdin_input ? 0 : open(opt.batch, O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    std::cerr << "helocheck: fatal: unable to open " << opt.batch << ": " << std::strerror(errno)
              << '\n';
    return kTemporary;
  }
  bool ok = read_names(fd, stdin_input ? "standard input" : opt.batch, whatif);
  if (!stdin_input) close(fd);
  if (!ok) return kTemporary;
  std::cout << whatif.summary(opt.percent);
  std::cout.flush();
  return std::cout ? 0 : kTemporary;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, opt)) {
    std::cerr << "helocheck: usage: helocheck [ -c control ] [ -t timeout ] [ name [ ip ] ]"
                 " or helocheck [ -c control ] -b file [ -w providers ] [ -p percent ]\n";
    return kUsage;
  }
  if (!valid_ip(opt)) return kUsage;
  try {
    return opt.batch ? batch(opt) : check(opt);
  } catch (const std::exception& e) {
    std::cerr << "helocheck: fatal: " << e.what() << '\n';
  }
  return kTemporary;
}
