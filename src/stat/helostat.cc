// helostat: who is HELOing you, who was refused and why, from qmail-smtpd's logs.
//   helostat [ -t ] [ -n N ] [ -s since ] [ -u until ] [ -c control ] [ -HRP ] [ file ... ]
// Reads multilog files (current, @....s, gzip-compressed or not; a directory means its
// @*.s and @*.u files, plain or .gz, in time order, then current) or standard input, one
// line at a time (gzip through zlib), and
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
#include <unistd.h>
#include <vector>

#include "base/cmdline.h"
#include "base/control.h"
#include "base/io.h"
#include "stat/gunzip.h"
#include "stat/helostat_report.h"
#include "base/linesplit.h"
#include "check/log_words.h"
#include "stat/logscan.h"
#include "stat/logstats.h"

namespace {

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

bool parse_options(int argc, char** argv, Options& opt) {
  int c;
  unsigned long n;
  bool some = false;
  ReportOptions& r = opt.report;
  opterr = 0;
  while ((c = getopt(argc, argv, "tn:s:u:c:HRP")) != -1) {
    switch (c) {
      case 't': r.tab = true; break;
      case 'n':
        if (!parse_number(optarg, n)) return false;
        r.limit = n;
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
  // A missing badhelo is "no patterns"; a missing directory is a mistyped -c.
  struct stat st;
  int err = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (err) {
    std::fprintf(stderr, "helostat: fatal: unable to read %s: %s\n", dir, std::strerror(err));
    return false;
  }
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

// --- reading, through zlib when the data starts with gzip's magic bytes ----------------

bool gzip_magic(std::string_view head) {
  return head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b';
}

class Reader {
 public:
  Reader(LogParser& parser, LogStats& stats)
      : parser_(parser), stats_(stats), buf_(kChunk), split_(kMaxLine) {}

  // False when the input could not be read to its end.
  bool read(const std::string& name);

 private:
  bool read_fd(const std::string& name, int fd);
  bool gunzip(const std::string& name, int fd, std::size_t have);
  void lines(std::string_view chunk);
  void end_of_input();

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

// A last line without LF counts; the next file starts a new line.
void Reader::end_of_input() {
  split_.finish([this](std::string_view line, bool) { stats_.add(parser_.parse(line)); });
}

bool Reader::read(const std::string& name) {
  if (name == "-") return read_fd("standard input", 0);
  int fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    warn("unable to open " + why(name));
    return false;
  }
  bool ok = read_fd(name, fd);
  close(fd);
  return ok;
}

// The first two bytes say whether it is gzip (a file or a pipe alike).
bool Reader::read_fd(const std::string& name, int fd) {
  std::size_t have = 0;
  while (have < 2) {
    ssize_t r = read_some(fd, buf_.data() + have, buf_.size() - have);
    if (r < 0) {
      warn("unable to read " + why(name));
      return false;
    }
    if (r == 0) break;
    have += static_cast<std::size_t>(r);
  }
  if (gzip_magic(std::string_view(buf_.data(), have))) return gunzip(name, fd, have);
  for (;;) {
    lines(std::string_view(buf_.data(), have));
    if (have == 0) break;
    ssize_t r = read_some(fd, buf_.data(), buf_.size());
    if (r < 0) {
      warn("unable to read " + why(name));
      end_of_input();
      return false;
    }
    have = static_cast<std::size_t>(r);
  }
  end_of_input();
  return true;
}

// The first `have` bytes are in buf_.
bool Reader::gunzip(const std::string& name, int fd, std::size_t have) {
  Gunzip z;
  auto out = [this](std::string_view data) { lines(data); };
  bool ok = true;
  for (;;) {
    if (!z.feed(std::string_view(buf_.data(), have), out)) {
      warn(name + ": damaged gzip data: " + z.error());
      ok = false;
      break;
    }
    if (have == 0) {
      if (!z.finish()) {
        warn(name + ": gzip data cut short: the lines up to there are counted");
        ok = false;
      }
      break;
    }
    ssize_t r = read_some(fd, buf_.data(), buf_.size());
    if (r < 0) {
      warn("unable to read " + why(name));
      ok = false;
      break;
    }
    have = static_cast<std::size_t>(r);
  }
  if (z.trailing()) warn(name + ": data after the end of the gzip data ignored");
  end_of_input();
  return ok;
}

// --- multilog directories --------------------------------------------------------------

// A finished multilog file: "@" + TAI64N label + ".s" or ".u", maybe gzip'ed (".s.gz").
// Its label, which orders the files in time; empty for other names.
std::string_view rotated_label(std::string_view n) {
  if (n.size() > 3 && n.substr(n.size() - 3) == ".gz") n.remove_suffix(3);
  if (n.size() < 3 || n[0] != '@') return {};
  std::string_view suffix = n.substr(n.size() - 2);
  if (suffix != ".s" && suffix != ".u") return {};
  return n.substr(0, n.size() - 2);
}

// multilog's own bookkeeping files, not logs: not worth a note.
bool multilog_state(std::string_view n) {
  return n == "." || n == ".." || n == "lock" || n == "state" || n == "newstate";
}

// A multilog directory: its finished files (@*.s, @*.u, plain or .gz) in the order of
// their labels, which is the order of time, then current. A file that is there both
// plain and compressed (gzip still running) is read plain. Other names are skipped, with
// a note.
bool directory_files(const std::string& dir, std::vector<std::string>& files) {
  DIR* d = opendir(dir.c_str());
  if (!d) return false;
  std::vector<std::pair<std::string, std::string>> done;  // label, name
  std::vector<std::string> skipped;
  bool current = false;
  while (dirent* e = readdir(d)) {
    std::string_view n = e->d_name;
    std::string_view label = rotated_label(n);
    if (!label.empty())
      done.emplace_back(label, n);
    else if (n == "current")
      current = true;
    else if (!multilog_state(n))
      skipped.emplace_back(n);
  }
  closedir(d);
  std::sort(done.begin(), done.end());
  for (std::size_t i = 0; i < done.size(); ++i) {
    // "@x.s" sorts before "@x.s.gz": the compressed copy of a file read plain is skipped.
    if (i > 0 && done[i].first == done[i - 1].first) {
      warn(dir + "/" + done[i].second + " skipped: " + done[i - 1].second +
           " holds the same log (still being compressed?)");
      continue;
    }
    files.push_back(dir + "/" + done[i].second);
  }
  if (current) files.push_back(dir + "/current");
  std::sort(skipped.begin(), skipped.end());
  for (const auto& n : skipped) warn(dir + "/" + n + " skipped: not a multilog log file");
  if (files.empty()) warn(dir + ": no multilog files (current, @*.s, @*.s.gz) in it");
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

int run(const Options& opt) {
  std::optional<UnixTime> since, until;
  if (!window(opt, since, until)) return kExitUsage;
  LogParser parser;
  LogStats stats(since, until);
  if (opt.control && !load_patterns(opt.control, parser, stats)) return kExitTemp;
  bool ok = true;
  std::vector<std::string> files;
  for (const auto& input : opt.inputs) ok = expand(input, files) && ok;
  Reader reader(parser, stats);
  for (const auto& f : files) ok = reader.read(f) && ok;
  if (!write_all(1, render_report(stats, opt.report))) {
    std::fprintf(stderr, "helostat: fatal: unable to write output: %s\n", std::strerror(errno));
    return kExitTemp;
  }
  return ok ? 0 : kExitTemp;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_options(argc, argv, opt)) {
    std::fputs(kUsageLine, stderr);
    return kExitUsage;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "helostat: fatal: %s\n", e.what());
  }
  return kExitTemp;
}
