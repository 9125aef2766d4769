// helowrap: refuse the recipients of clients whose HELO is bad, in front of qmail-smtpd.
//   tcpserver ... helowrap [ -c control ] [ -t timeout ] prog [ args ]
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <unistd.h>

#include "base/cmdline.h"
#include "base/io.h"
#include "relay/child_watch.h"
#include "base/control.h"
#include "check/policy.h"
#include "relay/relay.h"
#include "relay/session_setup.h"

namespace {

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
      case 't': if (!parse_seconds(optarg, opt.timeout)) return false; break;
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
  _exit(kExitTemp);
}

[[noreturn]] void exec_program(char** prog, const LogPrefix& log) {
  execvp(prog[0], prog);
  temporary_failure(log, std::string("unable to run ") + prog[0] + ": " + std::strerror(errno));
}

// Runs prog with `in` and `out` as its descriptors 0 and 1 and the SIGPIPE disposition
// helowrap inherited. posix_spawn, not fork: glibc's clone(CLONE_VFORK) copies none of
// helowrap's page tables, and none of its pages fault on write afterwards (about a tenth
// of a relayed short session's CPU); it reports a failed exec, as the child would have.
pid_t start_program(char** prog, int in, int out, const struct sigaction& inherited_sigpipe,
                    const LogPrefix& log) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t to_default;
  sigemptyset(&to_default);
  if (inherited_sigpipe.sa_handler == SIG_DFL) sigaddset(&to_default, SIGPIPE);
  int error = posix_spawn_file_actions_init(&actions);
  if (error == 0) error = posix_spawnattr_init(&attr);
  if (error != 0) temporary_failure(log, std::string("unable to fork: ") + std::strerror(error));
  pid_t child = -1;
  error = posix_spawn_file_actions_adddup2(&actions, in, 0);
  if (error == 0) error = posix_spawn_file_actions_adddup2(&actions, out, 1);
  if (error == 0) error = posix_spawnattr_setsigdefault(&attr, &to_default);
  if (error == 0) error = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  if (error != 0) temporary_failure(log, std::string("unable to fork: ") + std::strerror(error));
  error = posix_spawnp(&child, prog[0], &actions, &attr, prog, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0)
    temporary_failure(log, std::string("unable to run ") + prog[0] + ": " + std::strerror(error));
  return child;
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
  auto dns = dns_driver(policy, opt.timeout, std::getenv("DNSCACHEIP"), error);
  if (policy.dns && !dns) temporary_failure(log, "DNS: " + error);
  relay_options.dns = dns.get();
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) == -1 || pipe2(from_child, O_CLOEXEC) == -1)
    temporary_failure(log, std::string("unable to create pipe: ") + std::strerror(errno));
  ChildWatch watch;
  if (!watch.start())
    temporary_failure(log, std::string("unable to watch the child: ") + std::strerror(errno));
  pid_t child = start_program(prog, to_child[0], from_child[1], inherited_sigpipe, log);
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
    return kExitUsage;
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
  return kExitTemp;
}
