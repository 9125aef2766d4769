// badhelo_bench - per-connection cost of control/badhelo (tests/bench/run.sh).
//
//   badhelo_bench gen N
//       Prints a realistic badhelo of N patterns (plus a few comment lines), the same
//       every time: anchored literals of spammer hosts, domain suffixes, alternations,
//       a few dynamic-IP regexes, '!' lines only near the end, and as the last line
//       ^helo\.last-rule\.example$.  Neither client.test nor mx1.mail.example.org
//       matches any line; helo.last-rule.example matches only the last.
//   badhelo_bench run FILE REPS MIN_SECONDS
//       Each connection is a new process, so each iteration does what helowrap does
//       for one: control_readfile(FILE), a fresh BadHelo, match(NAME).  Measured for
//       a NAME that matches nothing and one that matches the last line, and, as the
//       baseline, control_readfile alone.  Each repetition runs the three in turn,
//       each for at least MIN_SECONDS (and 3 iterations); prints one line per
//       repetition and kind: "KIND MICROSECONDS_PER_CONNECTION".  Exits 1 if a
//       verdict is not the expected one or a pattern is reported invalid.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check/badhelo.h"
#include "base/control.h"

namespace {

const char* const kNoMatch = "mx1.mail.example.org";
const char* const kLastName = "helo.last-rule.example";
const char* const kLastLine = "^helo\\.last-rule\\.example$";

struct Rng {
  unsigned long long s = 0x2545F4914F6CDD1DULL;
  unsigned next(unsigned n) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<unsigned>((s >> 11) % n);
  }
  template <typename T, std::size_t N>
  const char* pick(T (&a)[N]) { return a[next(N)]; }
};

// Pronounceable made-up words: never "example", "mail", "client", "last", "rule".
std::string word(Rng& r) {
  static const char* const syl[] = {"ka", "lo", "mi", "ze", "tor", "van", "qu", "bri", "nex",
                                    "dal", "fo", "gu", "hy", "ju", "pe", "ros", "sun", "wy",
                                    "xa", "yo", "zi", "cor", "mund", "tel", "bo", "ni", "sa"};
  std::string w;
  unsigned n = 2 + r.next(3);
  for (unsigned i = 0; i < n; ++i) w += r.pick(syl);
  return w;
}

std::string gen(unsigned n) {
  static const char* const host[] = {"mail", "mx", "smtp", "relay", "out", "mta", "bulk",
                                     "news", "promo", "mailer", "send", "em"};
  static const char* const tld[] = {"com", "net", "biz", "info", "ru", "cn", "top", "xyz",
                                    "example", "online", "click", "pw"};
  static const char* const dyn[] = {"dsl", "ppp", "dialup", "cable", "dyn", "dynamic", "pool",
                                    "dhcp", "adsl", "broadband", "cust", "user"};
  static const char* const fixed_head[] = {
      "^localhost$",
      "^localhost\\.localdomain$",
      "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$",
      "^\\[",
      "^\\.",
      "\\.\\.",
      "(^|[.-])(dsl|ppp|dialup|dial-up|cable|dyn|dynamic|pool|dhcp)[-.0-9]",
      "^[0-9]+-[0-9]+-[0-9]+-[0-9]+\\.",
      "^(host|ip|client)-?[0-9]{1,3}[-.][0-9]{1,3}[-.]",
      "[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,3}-[0-9]{1,3}\\.(static|dynamic|dyn|pool)\\.",
      "^(ip|host)?[0-9a-f]{8}\\.",
  };
  static const char* const fixed_tail[] = {
      "!\\.",
      "![a-z]",
      "![.][a-z]{2,}$",
  };
  const unsigned nhead = sizeof fixed_head / sizeof *fixed_head;
  const unsigned ntail = sizeof fixed_tail / sizeof *fixed_tail;
  Rng r;
  std::string out =
      "# control/badhelo for the helowrap benchmark (tests/bench/badhelo_bench.cc gen)\n"
      "# qregex syntax: POSIX extended, case-insensitive, unanchored; ! negates\n\n";
  unsigned count = 0;  // patterns written
  auto put = [&](const std::string& l) {
    out += l + "\n";
    ++count;
  };
  for (unsigned i = 0; i < nhead && count + 1 < n; ++i) put(fixed_head[i]);
  const unsigned bulk_end = n > ntail + 1 ? n - ntail - 1 : 0;
  while (count < bulk_end) {
    unsigned k = r.next(100);
    std::string w = word(r), t = r.pick(tld);
    std::string l;
    if (k < 50) {  // anchored literal host
      l = "^" + std::string(r.pick(host)) + (r.next(3) ? std::to_string(r.next(40)) : "") +
          "\\." + w + "\\." + t + "$";
    } else if (k < 65) {  // a whole spammer domain
      l = "\\." + w + "\\." + t + "$";
    } else if (k < 75) {  // numbered hosts
      l = "^" + std::string(r.pick(host)) + "\\." + w + "[0-9]*\\." + t + "$";
    } else if (k < 85) {  // alternations
      l = "^(mx|mail|smtp|relay)[0-9]*\\." + w + "\\.(" + t + "|" + r.pick(tld) + ")$";
    } else if (k < 92) {  // an ISP's dynamic pool
      l = "(^|[.-])(" + std::string(r.pick(dyn)) + "|" + r.pick(dyn) + ")[-.0-9].*\\." + w +
          "\\." + t + "$";
    } else if (k < 96) {  // dynamic IP naming
      l = "[0-9]{1,3}[-.][0-9]{1,3}[-.][0-9]{1,3}[-.][0-9]{1,3}\\." + w + "\\." + t + "$";
    } else {  // character classes
      l = "^[a-z]{2}[0-9]{3,5}\\." + w + "\\." + t + "$";
    }
    if (r.next(20) == 0) out += "# " + w + " campaign\n";
    if (r.next(40) == 0) l += "  ";  // trailing blanks, which control_readfile removes
    put(l);
  }
  for (unsigned i = 0; i < ntail && count + 1 < n; ++i) put(fixed_tail[i]);
  put(kLastLine);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run(const std::string& file, int reps, double min_s) {
  std::vector<ControlLine> lines;
  if (control_readfile(file, lines) != ControlStatus::ok) {
    std::fprintf(stderr, "badhelo_bench: cannot read %s\n", file.c_str());
    return 2;
  }
  std::string last = lines.empty() ? std::string() : lines.back().text;
  bool ok = true;
  volatile std::size_t sink = 0;
  auto measure = [&](int kind) {  // 0 read only, 1 no match, 2 last line matches
    long iters = 0;
    auto t0 = std::chrono::steady_clock::now();
    do {
      // As helowrap reads it (policy.cc): the raw text, then BadHelo's views into it.
      std::string text;
      if (control_readraw(file, text) != ControlStatus::ok) ok = false;
      if (kind == 0) {
        sink = sink + text.size();
      } else {
        BadHelo bh(std::move(text));
        std::vector<std::string> invalid;
        auto m = bh.match(kind == 1 ? kNoMatch : kLastName, invalid);
        bool right = kind == 1 ? !m : (m && m->pattern == last);
        if (!right || !invalid.empty()) {
          if (ok)
            std::fprintf(stderr, "badhelo_bench: %s: unexpected verdict %s%s\n",
                         kind == 1 ? kNoMatch : kLastName, m ? m->pattern.c_str() : "(none)",
                         invalid.empty() ? "" : (" / " + invalid[0]).c_str());
          ok = false;
        }
        sink = sink + (m ? 1 : 0);
      }
      ++iters;
    } while (iters < 3 || seconds_since(t0) < min_s);
    return seconds_since(t0) * 1e6 / static_cast<double>(iters);
  };
  static const char* const names[] = {"read", "nomatch", "lastline"};
  for (int rep = 0; rep < reps; ++rep)
    for (int kind = 0; kind < 3; ++kind) std::printf("%s %.3f\n", names[kind], measure(kind));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "gen" && argc == 3) {
    std::fputs(gen(static_cast<unsigned>(std::atoi(argv[2]))).c_str(), stdout);
    return 0;
  }
  if (mode == "run" && argc == 5) return run(argv[2], std::atoi(argv[3]), std::atof(argv[4]));
  std::fprintf(stderr, "usage: badhelo_bench gen N | run FILE REPS MIN_SECONDS\n");
  return 2;
}
