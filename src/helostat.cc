// helostat: who is HELOing you, who was refused and why, from qmail-smtpd's logs.
//   helostat [ -t ] [ -n N ] [ -s since ] [ -u until ] [ -c control ] [ -HRP ] [ file ... ]
// Reads multilog files (current, @....s, gzip-compressed or not; a directory means its
// @*.s and @*.u files in order, then current) or standard input, one line at a time, and
// prints the reports of helostat_report.h. This file does the I/O; logscan, logstats and
// helostat_report decide.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "control.h"
#include "helostat_report.h"
#include "linesplit.h"
#include "logline.h"
#include "logscan.h"
#include "logstats.h"

namespace {

constexpr int kUsage = 100;
constexpr int kTemporary = 111;
constexpr std::size_t kMaxLine = 64 * 1024;
constexpr std::size_t kChunk = 64 * 1024;  // fits the cache: faster than bigger reads
const char kUsageLine[] =
    "helostat: usage: helostat [ -t ] [ -n N ] [ -s since ] [ -u until ] [ -c control ] "
    "[ -HRP ] [ file ... ]\n";

struct Options {
  ReportOptions report;
  bool limit_given = false;
  const char* since = nullptr;
  const char* until = nullptr;
  const char* control = nullptr;
  std::vector<std::string> inputs;
};

void warn(const std::string& what) { std::fprintf(stderr, "helostat: warning: %s\n", what.c_str()); }

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

bool parse_limit(const char* s, std::size_t& limit) {
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(s, &end, 10);
  if (end == s || *end || errno || *s == '-') return false;
  limit = v;
  return true;
}

bool parse_options(int argc, char** argv, Options& opt) {
  int c;
  bool some = false;
  ReportOptions& r = opt.report;
  opterr = 0;
  while ((c = getopt(argc, argv, "tn:s:u:c:HRP")) != -1) {
    switch (c) {
      case 't': r.tab = true; break;
      case 'n':
        if (!parse_limit(optarg, r.limit)) return false;
        opt.limit_given = true;
        break;
      case 's': opt.since = optarg; break;
      case 'u': opt.until = optarg; break;
      case 'c': opt.control = optarg; break;
      case 'H': case 'R': case 'P':
        if (!some) r.names = r.clients = r.rules = false;
        some = true;
        (c == 'H' ? r.names : c == 'R' ? r.clients : r.rules) = true;
        break;
      default: return false;
    }
  }
  if (r.tab && !opt.limit_given) r.limit = 0;  // scripts get everything unless told
  for (int i = optind; i < argc; ++i) opt.inputs.emplace_back(argv[i]);
  if (opt.inputs.empty()) opt.inputs.emplace_back("-");
  return true;
}

bool period(const char* spec, UnixTime now, Period& p) {
  auto parsed = parse_period(spec, now);
  if (parsed) {
    p = *parsed;
    return true;
  }
  std::fprintf(stderr, "helostat: usage: bad time: %s (YYYY-MM-DD[ HH:MM[:SS]], today, "
                       "yesterday, year)\n", spec);
  return false;
}

// -s and -u: the start of the period SINCE names, the end of the one UNTIL names.
bool window(const Options& opt, std::optional<UnixTime>& since, std::optional<UnixTime>& until) {
  UnixTime now = static_cast<UnixTime>(std::time(nullptr));
  Period p{};
  if (opt.since) {
    if (!period(opt.since, now, p)) return false;
    since = p.start;
  }
  if (opt.until) {
    if (!period(opt.until, now, p)) return false;
    until = p.end;
  }
  return true;
}

// The badhelo patterns of -c, for the parser (as logged) and for the zero-hit rows.
bool load_patterns(const char* dir, LogParser& parser, LogStats& stats) {
  std::vector<ControlLine> lines;
  std::string path = std::string(dir) + "/badhelo";
  if (control_readfile(path, lines) == ControlStatus::unreadable) {
    std::fprintf(stderr, "helostat: fatal: unable to read %s\n", why(path).c_str());
    return false;
  }
  std::vector<std::string> shown;
  for (const auto& l : lines) shown.push_back(printable(l.text));
  parser.set_patterns(shown);
  stats.set_patterns(lines);
  return true;
}

// --- reading, through gzip -dc when the data starts with gzip's magic bytes -------------

struct Source {
  int fd = -1;
  pid_t gzip = -1;
  pid_t feeder = -1;
};

[[noreturn]] void exec_gzip(int in, int out) {
  if (dup2(in, 0) == -1 || dup2(out, 1) == -1) _exit(kTemporary);
  execlp("gzip", "gzip", "-dc", static_cast<char*>(nullptr));
  std::fprintf(stderr, "helostat: fatal: unable to run gzip: %s\n", std::strerror(errno));
  _exit(kTemporary);
}

// gzip -dc reading `in`; `in` is closed in this process, whatever happens.
bool start_gzip(int in, Source& src) {
  int p[2];
  if (pipe(p) == -1) {
    close(in);
    return false;
  }
  pid_t pid = fork();
  if (pid == -1) {
    close(in);
    close(p[0]);
    close(p[1]);
    return false;
  }
  if (pid == 0) {
    close(p[0]);
    exec_gzip(in, p[1]);
  }
  close(p[1]);
  close(in);
  src.fd = p[0];
  src.gzip = pid;
  return true;
}

// For a pipe already read from: a child writes back what was read, then the rest.
bool start_feeder(int fd, std::string_view head, Source& src) {
  int p[2];
  if (pipe(p) == -1) return false;
  pid_t pid = fork();
  if (pid == -1) {
    close(p[0]);
    close(p[1]);
    return false;
  }
  if (pid == 0) {
    close(p[0]);
    std::string data(head);
    char buf[65536];
    for (;;) {
      std::size_t off = 0;
      while (off < data.size()) {
        ssize_t w = write(p[1], data.data() + off, data.size() - off);
        if (w <= 0) _exit(0);
        off += static_cast<std::size_t>(w);
      }
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) _exit(0);
      data.assign(buf, static_cast<std::size_t>(r));
    }
  }
  close(p[1]);
  src.feeder = pid;
  return start_gzip(p[0], src);
}

bool gzip_magic(std::string_view head) {
  return head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b';
}

ssize_t read_some(int fd, char* buf, std::size_t n) {
  for (;;) {
    ssize_t r = read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

class Reader {
 public:
  Reader(LogParser& parser, LogStats& stats)
      : parser_(parser), stats_(stats), buf_(kChunk), split_(kMaxLine) {}

  // False when the input could not be read to its end.
  bool read(const std::string& name);

 private:
  bool read_fd(const std::string& name, int fd);
  bool drain(const std::string& name, Source& src, std::string_view head);
  bool finish(const std::string& name, Source& src, bool ok);
  void lines(std::string_view chunk);

  LogParser& parser_;
  LogStats& stats_;
  std::vector<char> buf_;
  LineSplitter split_;
};

void Reader::lines(std::string_view chunk) {
  split_.feed(chunk, [this](std::string_view line, bool too_long) {
    if (too_long) {
      LogEvent e;
      e.type = LogEvent::Type::malformed;
      stats_.add(e);
    } else {
      stats_.add(parser_.parse(line));
    }
  });
}

bool Reader::read(const std::string& name) {
  if (name == "-") return read_fd("standard input", 0);
  int fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    warn("unable to open " + why(name));
    return false;
  }
  return read_fd(name, fd);
}

// The first bytes say whether it is gzip; a file is handed to gzip from its start, a pipe
// through a feeder that writes back what was read.
bool Reader::read_fd(const std::string& name, int fd) {
  Source src;
  off_t pos = lseek(fd, 0, SEEK_CUR);
  if (pos != -1) {
    char head[2];
    ssize_t r = pread(fd, head, 2, pos);
    if (r == 2 && gzip_magic(std::string_view(head, 2))) {
      if (start_gzip(fd, src)) return drain(name, src, {});
      return finish(name, src, false);
    }
    src.fd = fd;
    return drain(name, src, {});
  }
  ssize_t r = read_some(fd, buf_.data(), buf_.size());
  if (r > 0 && gzip_magic(std::string_view(buf_.data(), static_cast<std::size_t>(r)))) {
    if (!start_feeder(fd, std::string_view(buf_.data(), static_cast<std::size_t>(r)), src))
      return finish(name, src, false);
    return drain(name, src, {});
  }
  src.fd = fd;
  if (r < 0) return finish(name, src, false);
  std::string head(buf_.data(), static_cast<std::size_t>(r));
  return drain(name, src, head);
}

bool Reader::drain(const std::string& name, Source& src, std::string_view head) {
  lines(head);
  for (;;) {
    ssize_t r = read_some(src.fd, buf_.data(), buf_.size());
    if (r == 0) break;
    if (r < 0) return finish(name, src, false);
    lines(std::string_view(buf_.data(), static_cast<std::size_t>(r)));
  }
  return finish(name, src, true);
}

bool Reader::finish(const std::string& name, Source& src, bool ok) {
  if (!ok) warn("unable to read " + why(name));
  split_.finish([this](std::string_view line, bool) { stats_.add(parser_.parse(line)); });
  if (src.fd > 0) close(src.fd);
  int status = 0;
  // gzip exits 2 for a warning (trailing garbage ignored): the data was all there.
  if (src.gzip != -1 && waitpid(src.gzip, &status, 0) == src.gzip &&
      !(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2))) {
    warn(name + ": gzip -dc failed: the file is damaged or cut short");
    ok = false;
  }
  if (src.feeder != -1) waitpid(src.feeder, &status, 0);
  return ok;
}

// A multilog directory: its finished files (@*.s, @*.u) in the order of their names, which
// is the order of time, then current.
bool directory_files(const std::string& dir, std::vector<std::string>& files) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  std::vector<std::string> done;
  while (dirent* e = readdir(d)) {
    std::string_view n = e->d_name;
    if (n.size() > 3 && n[0] == '@' && (n.substr(n.size() - 2) == ".s" || n.substr(n.size() - 2) == ".u"))
      done.emplace_back(n);
  }
  closedir(d);
  std::sort(done.begin(), done.end());
  for (const auto& n : done) files.push_back(dir + "/" + n);
  struct stat st;
  if (stat((dir + "/current").c_str(), &st) == 0) files.push_back(dir + "/current");
  if (files.empty()) warn(dir + ": no multilog files (current, @*.s) in it");
  return true;
}

bool expand(const std::string& input, std::vector<std::string>& files) {
  struct stat st;
  if (input == "-" || stat(input.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    files.push_back(input);
    return true;
  }
  if (directory_files(input, files)) return true;
  warn("unable to list " + why(input));
  return false;
}

bool write_all(const std::string& out) {
  std::size_t off = 0;
  while (off < out.size()) {
    ssize_t w = write(1, out.data() + off, out.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    off += static_cast<std::size_t>(w);
  }
  return true;
}

int run(const Options& opt) {
  std::optional<UnixTime> since, until;
  if (!window(opt, since, until)) return kUsage;
  LogParser parser;
  LogStats stats(since, until);
  if (opt.control && !load_patterns(opt.control, parser, stats)) return kTemporary;
  bool ok = true;
  std::vector<std::string> files;
  for (const auto& input : opt.inputs) ok = expand(input, files) && ok;
  Reader reader(parser, stats);
  for (const auto& f : files) ok = reader.read(f) && ok;
  if (!write_all(render_report(stats, opt.report))) {
    std::fprintf(stderr, "helostat: fatal: unable to write output: %s\n", std::strerror(errno));
    return kTemporary;
  }
  return ok ? 0 : kTemporary;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, opt)) {
    std::fputs(kUsageLine, stderr);
    return kUsage;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "helostat: fatal: %s\n", e.what());
  }
  return kTemporary;
}
