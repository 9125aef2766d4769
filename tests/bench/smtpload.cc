// smtpload - the SMTP load client of the helowrap benchmarks (tests/bench/run.sh).
//
//   smtpload tcp ROUNDS PER_ROUND MSGS BODY RCPTS HELO NAME=PORT[:PID]...
//       Sequential sessions to the servers on 127.0.0.1:PORT, interleaved: in each
//       of ROUNDS rounds, PER_ROUND sessions to each server in turn (the first one
//       rotating), so that all see the same background load.  Each session:
//       greeting, EHLO HELO, then MSGS messages of BODY bytes to RCPTS recipients,
//       MAIL + RCPTs + DATA in one write (PIPELINING), the body and the end of data
//       in one write, then QUIT and read to EOF.  BODY 0: MAIL + RCPTs only, no
//       DATA (the short session EHLO MAIL RCPT QUIT with MSGS 1 and RCPTS 1).  Per server: the wall time of its
//       sessions and, with the PID of its tcpserver, the CPU (user+sys) of
//       everything tcpserver ran for them (its cutime+cstime in /proc, read after
//       its children have been reaped).  One output line per server.
//   smtpload exec MSGS BODY RCPTS HELO -- PROG [ARGS...]
//       One session with PROG run on a socketpair as fds 0 and 1 (as under
//       tcpserver).  Reports the wall time, the CPU of PROG's whole process tree
//       (wait4), of PROG's own process (/proc/PID/stat of the zombie) and PROG's
//       VmHWM read just before QUIT (the peak RSS of that process: helowrap in the
//       watched mode, the server after an exec).
//   smtpload maxrss -- PROG [ARGS...]
//       Runs PROG on a socketpair, reads to EOF; reports ru_maxrss of PROG (which
//       on Linux includes what PROG used before an exec).
//
// Every reply code is checked (220 greeting, 250 EHLO/MAIL/RCPT/after data, 354 DATA,
// 221 QUIT); each unexpected one, a missing PIPELINING and every lost session count as
// errors.  Output: one line of key=value pairs on stdout; the exit status is 0 when
// errors=0, 1 when there were errors, 2 on a usage or setup failure.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr int kTimeoutMs = 60000;

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "smtpload: %s\n", why.c_str());
  std::exit(2);
}

struct Conn {
  int fd = -1;
  std::string in;  // bytes read, not yet consumed
  bool eof = false;
  std::string last;  // last reply line, for diagnostics

  bool fill() {
    if (eof) return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, kTimeoutMs);
    if (r == 0) {
      std::fprintf(stderr, "smtpload: timeout waiting for a reply\n");
      eof = true;
      return false;
    }
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == -1 && errno == EINTR) return true;
    if (n <= 0) {
      eof = true;
      return false;
    }
    in.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // The code of the next complete (possibly multi-line) reply; -1 at EOF.  The
  // reply's lines are appended to *text when given.
  int reply(std::string* text = nullptr) {
    std::size_t pos = 0;
    for (;;) {
      std::size_t nl = in.find('\n', pos);
      if (nl == std::string::npos) {
        in.erase(0, pos);
        pos = 0;
        if (!fill()) return -1;
        continue;
      }
      std::string line = in.substr(pos, nl - pos);
      pos = nl + 1;
      if (text) *text += line + "\n";
      if (line.size() >= 3 && (line.size() == 3 || line[3] == ' ' || line[3] == '\r')) {
        in.erase(0, pos);
        last = line;
        return std::atoi(line.substr(0, 3).c_str());
      }
    }
  }

  bool send(const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      ssize_t w = write(fd, s.data() + off, s.size() - off);
      if (w == -1) {
        if (errno == EINTR) continue;
        std::fprintf(stderr, "smtpload: write: %s\n", std::strerror(errno));
        return false;
      }
      off += static_cast<std::size_t>(w);
    }
    return true;
  }

  void drain() {
    while (fill()) in.clear();
  }
};

// `n` bytes of text lines of up to 78 characters with CR LF line ends, none starting
// with a dot; n >= 2.
std::string make_text(std::size_t n, std::size_t w) {
  static const char words[] =
      "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
      "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud ";
  std::string t;
  t.reserve(n);
  while (t.size() < n) {
    std::size_t left = n - t.size();
    std::size_t len = left >= 160 ? 78 : left - 2;  // the last line takes what is left
    std::size_t start = t.size();
    while (t.size() - start < len) t += words[w++ % (sizeof words - 1)];
    t.resize(start + len);
    if (len > 0 && t[start] == '.') t[start] = '-';
    t += "\r\n";
  }
  return t;
}

std::string make_headers(unsigned long serial) {
  return "From: bench <bench@client.test>\r\nTo: rcpt <rcpt1@bench.test>\r\n"
         "Subject: helowrap benchmark message " + std::to_string(serial) +
         "\r\nMessage-ID: <" + std::to_string(serial) + "@client.test>\r\n\r\n";
}

// A message of exactly `size` bytes (at least 256): headers, then text, ending in CR LF.
std::string make_body(std::size_t size, unsigned long serial) {
  std::string h = make_headers(serial);
  if (size < 256) size = 256;
  return h + make_text(size - h.size(), serial);
}

struct Stats {
  long errors = 0;
  long messages = 0;
  long sessions_ok = 0;
};

void bad(Stats& st, const char* what, int got, const Conn& c) {
  ++st.errors;
  if (st.errors <= 5)
    std::fprintf(stderr, "smtpload: %s: got %d (%s)\n", what, got, c.last.c_str());
}

// A big message body is sent as the headers, 1 MB text chunks made once, a tail.
bool send_body(Conn& c, std::size_t size, unsigned long serial) {
  constexpr std::size_t kChunk = 1u << 20;
  if (size <= kChunk) return c.send(make_body(size, serial) + ".\r\n");
  std::string h = make_headers(serial);
  if (!c.send(h)) return false;
  std::size_t left = size - h.size();
  std::string chunk = make_text(kChunk, 0);
  while (left >= 2 * kChunk) {
    if (!c.send(chunk)) return false;
    left -= kChunk;
  }
  return c.send(make_text(left, 7) + ".\r\n");
}

// One session on a connected fd.  before_quit runs after the last message.
template <typename BeforeQuit>
void session(Conn& c, long msgs, std::size_t body, long rcpts, const std::string& helo,
             Stats& st, BeforeQuit before_quit) {
  int r = c.reply();
  if (r != 220) {
    bad(st, "greeting", r, c);
    return;
  }
  std::string ehlo;
  if (!c.send("EHLO " + helo + "\r\n")) return bad(st, "EHLO write", -1, c);
  r = c.reply(&ehlo);
  if (r != 250) return bad(st, "EHLO", r, c);
  if (ehlo.find("PIPELINING") == std::string::npos) bad(st, "EHLO without PIPELINING", r, c);
  std::string cmds = "MAIL FROM:<bench@client.test>\r\n";
  for (long i = 1; i <= rcpts; ++i) cmds += "RCPT TO:<rcpt" + std::to_string(i) + "@bench.test>\r\n";
  if (body > 0) cmds += "DATA\r\n";
  std::string small_body = body <= (1u << 20) ? make_body(body, 1) + ".\r\n" : std::string();
  for (long m = 0; m < msgs; ++m) {
    if (!c.send(cmds)) return bad(st, "write", -1, c);
    if ((r = c.reply()) != 250) bad(st, "MAIL", r, c);
    for (long i = 0; i < rcpts; ++i)
      if ((r = c.reply()) != 250) bad(st, "RCPT", r, c);
    if (body == 0) {  // the envelope only: a session of EHLO MAIL RCPT QUIT
      ++st.messages;
      continue;
    }
    if ((r = c.reply()) != 354) {
      bad(st, "DATA", r, c);
      if (r == -1) return;
      continue;
    }
    bool ok = small_body.empty() ? send_body(c, body, static_cast<unsigned long>(m))
                                 : c.send(small_body);
    if (!ok) return bad(st, "body write", -1, c);
    if ((r = c.reply()) != 250) {
      bad(st, "end of data", r, c);
      if (r == -1) return;
    } else {
      ++st.messages;
    }
  }
  before_quit();
  if (!c.send("QUIT\r\n")) return bad(st, "QUIT write", -1, c);
  if ((r = c.reply()) != 221) return bad(st, "QUIT", r, c);
  c.drain();
  ++st.sessions_ok;
}

bool read_proc_stat(pid_t pid, double& self, double& children) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::size_t p = s.rfind(')');
  if (p == std::string::npos) return false;
  std::istringstream in(s.substr(p + 2));
  std::vector<std::string> v;
  std::string t;
  while (in >> t) v.push_back(t);
  // fields after the comm: state(3) ... utime(14) stime(15) cutime(16) cstime(17)
  if (v.size() < 15) return false;
  double tck = static_cast<double>(sysconf(_SC_CLK_TCK));
  self = (std::stod(v[11]) + std::stod(v[12])) / tck;
  children = (std::stod(v[13]) + std::stod(v[14])) / tck;
  return true;
}

long vmhwm_kb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.compare(0, 6, "VmHWM:") == 0) return std::atol(line.c_str() + 6);
  return -1;
}

std::string comm_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
  std::string s;
  std::getline(f, s);
  return s;
}

bool children_left(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  if (!f) return false;
  std::string s;
  f >> s;
  return !s.empty();
}

double tv(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

struct Target {
  std::string name;
  int port = 0;
  pid_t tcpserver = 0;
  double wall = 0, cpu = 0;
  long sessions = 0;
  Stats st;
};

// One session to 127.0.0.1:port.
void tcp_session(Target& t, long msgs, std::size_t body, long rcpts, const std::string& helo) {
  ++t.sessions;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1) die(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(t.port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Conn c;
  c.fd = fd;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == -1)
    bad(t.st, "connect", errno, c);
  else
    session(c, msgs, body, rcpts, helo, t.st, [] {});
  close(fd);
}

int run_tcp(int argc, char** argv) {
  if (argc < 9)
    die("usage: smtpload tcp ROUNDS PER_ROUND MSGS BODY RCPTS HELO NAME=PORT[:PID]...");
  long rounds = std::atol(argv[2]);
  long per_round = std::atol(argv[3]);
  long msgs = std::atol(argv[4]);
  std::size_t body = static_cast<std::size_t>(std::atol(argv[5]));
  long rcpts = std::atol(argv[6]);
  std::string helo = argv[7];
  std::vector<Target> targets;
  for (int i = 8; i < argc; ++i) {
    Target t;
    std::string a = argv[i];
    std::size_t eq = a.find('='), colon = a.find(':');
    if (eq == std::string::npos) die("bad target " + a);
    t.name = a.substr(0, eq);
    t.port = std::atoi(a.c_str() + eq + 1);
    if (colon != std::string::npos) t.tcpserver = static_cast<pid_t>(std::atol(a.c_str() + colon + 1));
    targets.push_back(t);
  }
  // Round r runs per_round sessions on each target in turn, starting with target
  // r mod n: every target sees the same background load, and none always follows
  // the same one.  The CPU of a target is what its tcpserver's reaped children
  // used (cutime + cstime), read once its children of the round are gone.
  const std::size_t n = targets.size();
  for (long r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < n; ++k) {
      Target& t = targets[(static_cast<std::size_t>(r) + k) % n];
      double self0 = 0, cpu0 = 0, self1 = 0, cpu1 = 0;
      if (t.tcpserver && !read_proc_stat(t.tcpserver, self0, cpu0))
        die("cannot read the stat of tcpserver " + std::to_string(t.tcpserver));
      double t0 = now();
      for (long s = 0; s < per_round; ++s) tcp_session(t, msgs, body, rcpts, helo);
      t.wall += now() - t0;
      if (t.tcpserver) {
        for (int i = 0; i < 5000 && children_left(t.tcpserver); ++i) usleep(200);
        if (!read_proc_stat(t.tcpserver, self1, cpu1))
          die("cannot read the stat of tcpserver " + std::to_string(t.tcpserver));
        t.cpu += cpu1 - cpu0;
      }
    }
  }
  bool ok = true;
  for (const Target& t : targets) {
    std::printf("name=%s wall=%.6f cpu=%.3f sessions=%ld ok=%ld messages=%ld errors=%ld\n",
                t.name.c_str(), t.wall, t.tcpserver ? t.cpu : -1.0, t.sessions,
                t.st.sessions_ok, t.st.messages, t.st.errors);
    if (t.st.errors != 0 || t.st.sessions_ok != t.sessions || t.st.messages != t.sessions * msgs)
      ok = false;
  }
  return ok ? 0 : 1;
}

pid_t spawn(char** prog, int& fd) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
    die(std::string("socketpair: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid == -1) die(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    if (dup2(sv[1], 0) == -1 || dup2(sv[1], 1) == -1) _exit(127);
    signal(SIGPIPE, SIG_DFL);
    execvp(prog[0], prog);
    std::fprintf(stderr, "smtpload: cannot run %s: %s\n", prog[0], std::strerror(errno));
    _exit(127);
  }
  close(sv[1]);
  fd = sv[0];
  return pid;
}

int run_exec(int argc, char** argv) {
  if (argc < 8 || std::strcmp(argv[6], "--") != 0)
    die("usage: smtpload exec MSGS BODY RCPTS HELO -- PROG [ARGS...]");
  long msgs = std::atol(argv[2]);
  std::size_t body = static_cast<std::size_t>(std::atoll(argv[3]));
  long rcpts = std::atol(argv[4]);
  std::string helo = argv[5];
  Stats st;
  long hwm = -1;
  std::string comm;
  double t0 = now();
  int fd;
  pid_t pid = spawn(argv + 7, fd);
  Conn c;
  c.fd = fd;
  session(c, msgs, body, rcpts, helo, st, [&] {
    hwm = vmhwm_kb(pid);
    comm = comm_of(pid);
  });
  close(fd);
  siginfo_t si{};
  while (waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOWAIT) == -1)
    if (errno != EINTR) die(std::string("waitid: ") + std::strerror(errno));
  double wall = now() - t0;
  double self = -1, kids = -1;
  read_proc_stat(pid, self, kids);
  int status;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) == -1)
    if (errno != EINTR) die(std::string("wait4: ") + std::strerror(errno));
  double cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (code != 0) bad(st, "exit status", code, c);
  std::printf(
      "wall=%.6f cpu=%.3f user=%.3f sys=%.3f self_cpu=%.3f child_cpu=%.3f vmhwm_kb=%ld "
      "comm=%s messages=%ld errors=%ld status=%d\n",
      wall, cpu, tv(ru.ru_utime), tv(ru.ru_stime), self, kids, hwm,
      comm.empty() ? "?" : comm.c_str(), st.messages, st.errors, code);
  return st.errors == 0 && st.messages == msgs ? 0 : 1;
}

int run_maxrss(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) die("usage: smtpload maxrss -- PROG [ARGS...]");
  int fd;
  pid_t pid = spawn(argv + 3, fd);
  Conn c;
  c.fd = fd;
  c.drain();
  close(fd);
  int status;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) == -1)
    if (errno != EINTR) die(std::string("wait4: ") + std::strerror(errno));
  std::printf("maxrss_kb=%ld status=%d\n", ru.ru_maxrss,
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) die("usage: smtpload tcp|exec|maxrss ...");
  std::string mode = argv[1];
  if (mode == "tcp") return run_tcp(argc, argv);
  if (mode == "exec") return run_exec(argc, argv);
  if (mode == "maxrss") return run_maxrss(argc, argv);
  die("unknown mode " + mode);
}
