// helowrap: refuse the recipients of clients whose HELO is bad, in front of qmail-smtpd.
//   tcpserver ... helowrap [ -c control ] [ -t timeout ] prog [ args ]
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "child_watch.h"
#include "control.h"
#include "policy.h"
#include "relay.h"
#include "session_setup.h"

namespace {

constexpr int kUsage = 100;
constexpr int kTemporary = 111;
constexpr const char* kUsageText =
    "helowrap: usage: helowrap [ -c control ] [ -t timeout ] prog\n";
constexpr const char* kTempReply = "421 unable to read controls (#4.3.0)\r\n";

struct Options {
  std::string control_dir = "/var/qmail/control";
  unsigned timeout = 10;
  char** prog = nullptr;
};

bool parse_options(int argc, char** argv, Options& opt) {
  int c;
  opterr = 0;  // one line of usage is the whole diagnostic
  while ((c = getopt(argc, argv, "+c:t:")) != -1) {
    switch (c) {
      case 'c': opt.control_dir = optarg; break;
      case 't': {
        char* end = nullptr;
        errno = 0;
        unsigned long t = std::strtoul(optarg, &end, 10);
        if (errno || end == optarg || *end || t == 0 || t > 86400) return false;
        opt.timeout = static_cast<unsigned>(t);
        break;
      }
      default: return false;
    }
  }
  if (optind >= argc) return false;
  opt.prog = argv + optind;
  return true;
}

// The client gets qmail-smtpd's own temporary failure; tcpserver logs our status 111.
[[noreturn]] void temporary_failure(const LogPrefix& log, const std::string& why) {
  write_all(2, log.line("fatal: " + why) + "\n");
  write_all(1, kTempReply);
  _exit(kTemporary);
}

[[noreturn]] void exec_program(char** prog, const LogPrefix& log) {
  execvp(prog[0], prog);
  temporary_failure(log, std::string("unable to run ") + prog[0] + ": " + std::strerror(errno));
}

// qmail-smtpd's write timeout (control/timeoutsmtpd, 1200 s when missing), read as
// qmail-smtpd reads it; an unreadable file is a temporary failure, as it is for qmail-smtpd.
unsigned long server_write_timeout(const Options& opt, const LogPrefix& log) {
  unsigned long seconds = 1200;
  std::string path = opt.control_dir + "/timeoutsmtpd";
  if (control_readint(path, seconds) == ControlStatus::unreadable)
    temporary_failure(log, "unable to read controls: " + path + ": " + std::strerror(errno));
  return seconds > 0 ? seconds : 1;  // qmail-smtpd: timeout <= 0 is 1
}

// Runs prog on two pipes and relays; returns prog's exit status.
int run_watched(char** prog, const Options& opt, const Policy& policy, const LogPrefix& log,
                struct sigaction inherited_sigpipe) {
  RelayOptions relay_options;
  relay_options.log = log;
  relay_options.write_timeout = server_write_timeout(opt, log);
  SmtpSession session(session_config(policy, log));
  std::string error;
  auto dns = dns_driver(policy, opt.timeout, std::getenv("DNSCACHEIP"), session, error);
  if (policy.dns && !dns) temporary_failure(log, "DNS: " + error);
  relay_options.dns = dns.get();
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) == -1 || pipe2(from_child, O_CLOEXEC) == -1)
    temporary_failure(log, std::string("unable to create pipe: ") + std::strerror(errno));
  ChildWatch watch;
  if (!watch.start())
    temporary_failure(log, std::string("unable to watch the child: ") + std::strerror(errno));
  // vfork: no copy of helowrap's page tables, and no copy-on-write fault for each page it
  // touches afterwards (about a tenth of a relayed short session's CPU). The child only
  // makes system calls; it leaves why its exec failed in exec_error, which it shares.
  volatile int exec_error = 0;
  pid_t child = vfork();
  if (child == -1) temporary_failure(log, std::string("unable to fork: ") + std::strerror(errno));
  if (child == 0) {
    if (dup2(to_child[0], 0) == -1 || dup2(from_child[1], 1) == -1) _exit(kTemporary);
    sigaction(SIGPIPE, &inherited_sigpipe, nullptr);
    execvp(prog[0], prog);
    exec_error = errno;
    _exit(kTemporary);
  }
  if (exec_error != 0) {  // what the child would have said: the log line, the 421 to relay
    write_all(2, log.line(std::string("fatal: unable to run ") + prog[0] + ": " +
                          std::strerror(exec_error)) + "\n");
    write_all(from_child[1], kTempReply);
  }
  close(to_child[0]);
  close(from_child[1]);
  return relay(session, Child{child, to_child[1], from_child[0], &watch}, relay_options);
}

int helowrap_main(int argc, char** argv) {
  // An ignored SIGCHLD (swaks and other Perl programs leave it so) would make the
  // children of qmail-smtpd unwaitable; a blocked signal would stay blocked after exec.
  signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  Options opt;
  if (!parse_options(argc, argv, opt)) {
    write_all(2, kUsageText);
    return kUsage;
  }
  const char* ip = std::getenv("TCPREMOTEIP");
  LogPrefix log(static_cast<long>(getpid()), ip ? ip : "unknown");

  Policy policy;
  PolicyError error;
  if (!load_policy(opt.control_dir, [](const char* name) { return std::getenv(name); }, policy,
                   error))
    temporary_failure(log, "unable to read controls: " + error.file + ": " +
                               std::strerror(error.error));
  for (const auto& event : policy.log) write_all(2, log.line(event) + "\n");
  if (!policy.watching()) exec_program(opt.prog, log);

  struct sigaction ignore {}, inherited_sigpipe {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &inherited_sigpipe);  // a gone peer is an EPIPE, not a death
  return run_watched(opt.prog, opt, policy, log, inherited_sigpipe);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return helowrap_main(argc, argv);
  } catch (const std::exception& e) {
    write_all(2, std::string("helowrap: fatal: ") + e.what() + "\n");
  } catch (...) {
    write_all(2, "helowrap: fatal: unexpected error\n");
  }
  return kTemporary;
}
