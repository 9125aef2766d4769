// The differential test of SPEC §4.3: every (pattern, name) of a generated corpus is decided
// by glibc itself, as qregex decides it (regcomp(REG_EXTENDED|REG_ICASE), regexec, the C
// locale), and by helowrap's BadHelo; the verdicts must be the same, and so must glibc's
// reason for a line it rejects. glibc runs in a child with a time and memory limit: a pair
// on which it crashes, hangs or runs out of memory is left out, and counted.
//   qregex_diff              the corpus (corpus.cc); ends with "N passed, N failed"
//   qregex_diff PATTERN...   these patterns on the corpus's names, every verdict shown
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "check/badhelo.h"
#include "corpus.h"
#include "glibc_oracle.h"
#include "check/log_words.h"
#include "check/qregex_translate.h"

namespace {

constexpr int kCompileTimeoutMs = 2000;
constexpr int kMatchTimeoutMs = 300;
constexpr rlim_t kMemoryLimit = 512UL * 1024 * 1024;

enum Result : signed char { kNo = 0, kYes = 1, kLeftOut = -1 };

struct GlibcAnswer {
  int error = 0;          // regcomp's result
  bool compiled = false;  // false: glibc crashed, hung or ran out of memory compiling
  std::vector<Result> matches;
};

bool read_full(int fd, void* buf, std::size_t n, int timeout_ms) {
  char* p = static_cast<char*>(buf);
  while (n) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return false;
    ssize_t r = read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

[[noreturn]] void child(int fd, const std::string& pattern, const std::vector<std::string>& names,
                        std::size_t from) {
  rlimit mem{kMemoryLimit, kMemoryLimit};
  setrlimit(RLIMIT_AS, &mem);
  void* re = nullptr;
  std::int32_t e = glibc_compile(pattern, &re);
  if (write(fd, &e, sizeof e) != sizeof e || e) _exit(0);
  for (std::size_t k = from; k < names.size(); ++k) {
    char m = glibc_matches(re, names[k]) ? 1 : 0;
    if (write(fd, &m, 1) != 1) _exit(1);
  }
  _exit(0);
}

// Runs glibc on every name, in as many children as it takes: one that dies or hangs on a
// name leaves that name out, and the next child starts after it.
GlibcAnswer ask_glibc(const std::string& pattern, const std::vector<std::string>& names) {
  GlibcAnswer a;
  std::size_t from = 0;
  while (from < names.size() || !a.compiled) {
    int p[2];
    if (pipe(p) != 0) {
      std::perror("qregex_diff: pipe");
      std::exit(111);
    }
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      close(p[0]);
      child(p[1], pattern, names, from);
    }
    close(p[1]);
    std::int32_t e;
    bool ok = read_full(p[0], &e, sizeof e, kCompileTimeoutMs);
    if (ok && !a.compiled) {
      a.compiled = e != glibc_espace();
      a.error = e;
    }
    if (!ok || !a.compiled || e) {
      if (!ok) a.compiled = false;
      kill(pid, SIGKILL);
      close(p[0]);
      waitpid(pid, nullptr, 0);
      return a;
    }
    while (from < names.size()) {
      char m;
      if (!read_full(p[0], &m, 1, kMatchTimeoutMs)) break;
      a.matches.push_back(m ? kYes : kNo);
      ++from;
    }
    kill(pid, SIGKILL);
    close(p[0]);
    waitpid(pid, nullptr, 0);
    if (from < names.size()) {  // this name killed or stalled glibc
      a.matches.push_back(kLeftOut);
      ++from;
    }
  }
  return a;
}

struct Totals {
  long pairs = 0, disagreements = 0, left_out = 0, gave_up = 0;
  int passed = 0, failed = 0, patterns_left_out = 0;
  const char* label = "DIFFERENT";
};

std::string shown(const std::string& s) {
  if (s.size() > 60) return printable(s.substr(0, 40)) + "...(" + std::to_string(s.size()) + " bytes)";
  return printable(s);
}

// One badhelo line against every name; false on any disagreement.
bool compare(const std::string& line, const std::vector<std::string>& names, Totals& t,
             bool verbose) {
  bool negated = !line.empty() && line[0] == '!';
  std::string expr = line.substr(negated ? 1 : 0);
  GlibcAnswer glibc = ask_glibc(expr, names);
  QregexTree tree = qregex_parse(expr);
  if (!glibc.compiled) {
    ++t.patterns_left_out;
    t.left_out += static_cast<long>(names.size());
    std::printf("left out: [%s]: glibc crashed, hung or ran out of memory compiling it\n",
                printable(line).c_str());
    return true;
  }
  bool ok = true;
  if (glibc.error != tree.error) {
    std::printf("%s: [%s]: glibc says %s, helowrap %s\n", t.label, printable(line).c_str(),
                glibc.error ? qregex_error_text(glibc.error) : "valid",
                tree.error ? qregex_error_text(tree.error) : "valid");
    ok = false;
    ++t.disagreements;
  }
  BadHelo b(line + "\n");
  int shown_names = 0;
  for (std::size_t k = 0; k < names.size(); ++k) {
    bool glibc_refuses = !glibc.error && glibc.matches[k] != kLeftOut &&
                         (glibc.matches[k] == kYes) != negated;
    std::vector<std::string> diagnostics;
    bool refused = b.match(names[k], diagnostics).has_value();
    bool gave_up = false;
    for (const auto& d : diagnostics) gave_up |= d.find(" gave up (") != std::string::npos;
    if (!glibc.error && glibc.matches[k] == kLeftOut) {
      ++t.left_out;
      std::printf("left out: [%s] on [%s]: glibc crashed or hung\n", printable(line).c_str(),
                  shown(names[k]).c_str());
      continue;
    }
    ++t.pairs;
    if (verbose)
      std::printf("[%s] on [%s]: glibc %s, helowrap %s%s\n", printable(line).c_str(),
                  shown(names[k]).c_str(), glibc_refuses ? "refuses" : "passes",
                  refused ? "refuses" : "passes", gave_up ? " (Boost gave up)" : "");
    if (gave_up) ++t.gave_up;
    if (refused == glibc_refuses) continue;
    if (gave_up) {  // SPEC §4.3 says refuse; counted, and shown, apart
      std::printf("gave up: [%s] on [%s]: refused by SPEC 4.3, glibc passes\n",
                  printable(line).c_str(), shown(names[k]).c_str());
      continue;
    }
    ++t.disagreements;
    ok = false;
    if (shown_names++ < 5)
      std::printf("%s: [%s] on [%s]: glibc %s, helowrap %s (Boost: %s)\n", t.label,
                  printable(line).c_str(), shown(names[k]).c_str(),
                  glibc_refuses ? "refuses" : "passes", refused ? "refuses" : "passes",
                  printable(qregex_boost(tree)).c_str());
  }
  return ok;
}

// qmail's control_readfile would drop or change these; they are not badhelo lines as such.
bool usable_line(const std::string& p) {
  if (p.empty() || p[0] == '#') return false;
  if (p.find('\n') != std::string::npos || p.find('\0') != std::string::npos) return false;
  return p.back() != ' ' && p.back() != '\t';
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> names = corpus_names();
  std::vector<std::string> patterns;
  bool verbose = argc > 1;
  if (verbose)
    for (int i = 1; i < argc; ++i) patterns.push_back(argv[i]);
  else
    patterns = corpus_patterns();
  Totals t;
  for (const auto& p : patterns) {
    if (!usable_line(p)) continue;
    if (compare(p, names, t, verbose)) ++t.passed;
    else ++t.failed;
    if (!verbose && p[0] != '!' && usable_line("!" + p) && (t.passed + t.failed) % 7 == 0) {
      if (compare("!" + p, names, t, false)) ++t.passed;  // some negated lines too
      else ++t.failed;
    }
  }
  if (!verbose) {
    Totals known;
    known.label = "known difference";
    for (const auto& p : corpus_known_differences()) compare(p, names, known, false);
    std::printf("qregex_diff: %ld known, documented disagreements (not counted)\n",
                known.disagreements);
  }
  std::printf("qregex_diff: %ld pairs compared, %ld disagreements, %ld excluded (glibc crashed,"
              " hung or ran out of memory; %d whole patterns), %ld gave up (refused, SPEC 4.3)\n",
              t.pairs, t.disagreements, t.left_out, t.patterns_left_out, t.gave_up);
  std::printf("%d passed, %d failed\n", t.passed, t.failed);
  return t.failed ? 1 : 0;
}
