// control/badhelo, as qmail's qregex patch reads and matches it (SPEC §4).
#pragma once
#include <boost/regex.hpp>
#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/control.h"
#include "check/regex_literal.h"
#include "check/verdict.h"

class BadHelo {
 public:
  struct Match {
    std::string pattern;  // as written in the file, with its '!'
    int line = 0;         // its line number
  };

  explicit BadHelo(std::string contents);  // the text of control/badhelo
  explicit BadHelo(const std::vector<ControlLine>& lines);  // read with keep_nuls
  // Its patterns are views into its own text: neither copied nor moved.
  BadHelo(const BadHelo&) = delete;
  BadHelo& operator=(const BadHelo&) = delete;
  bool enabled() const { return !patterns_.empty(); }

  // The first pattern, in file order, that matches `name` (a '!' line matches when its
  // regex does not), each read as qregex reads it (qregex_translate.h). A pattern is
  // planned when first needed (most lines without a parse) and translated and compiled
  // only when its literal text does not already decide; one glibc rejects is skipped and
  // its diagnostic appended to `diagnostics` the first time; one Boost gives up on counts
  // as matching, and that is appended too.
  std::optional<Match> match(std::string_view name, std::vector<std::string>& diagnostics);

  // Every pattern that matches `name` on its own, in file order; the first is match()'s.
  std::vector<Match> all_matches(std::string_view name, std::vector<std::string>& diagnostics);

  // What qregex makes of a pattern, for helocheck -b. helowrap never asks: it parses a
  // pattern only when a name needs it.
  struct Review {
    int line;
    std::string_view text;              // as written, with its '!'
    bool negated;
    std::string invalid;                // badhelo_invalid()'s text; empty when glibc takes it
    std::vector<std::string> warnings;  // what its writer probably did not mean
    bool matches_nothing;               // valid, but its regex matches no name
  };
  // Every pattern in file order, each parsed now (match() then parses none again, nor
  // reports an invalid one again).
  std::vector<Review> review();

 private:
  struct Pattern {
    int number;             // line number in the file
    std::string_view text;  // into contents_, as written, with its '!'
    bool negated;
    enum class State { unparsed, planned, compiled, invalid } state = State::unparsed;
    LiteralPlan plan;
    bool backrefs = false;   // Boost's complexity limit does not count their comparisons
    boost::regex regex;
  };
  void adopt(Pattern& p, const QregexTree& tree);
  bool prepare(Pattern& p, std::vector<std::string>& diagnostics);
  bool pattern_matches(Pattern& p, std::string_view subject,
                       const std::bitset<256>& subject_bytes,
                       std::vector<std::string>& diagnostics);
  std::optional<bool> regex_matches(Pattern& p, std::string_view subject,
                                    const std::bitset<256>& subject_bytes,
                                    std::vector<std::string>& diagnostics);

  void add_patterns();

  std::string contents_;
  std::vector<int> numbers_;  // line numbers, when built from lines
  std::vector<Pattern> patterns_;
};

// The diagnostic for a line glibc rejects: "badhelo: invalid pattern on line N (REASON): TEXT".
std::string badhelo_invalid(int line, std::string_view text, int error);

// The badhelo verdict on a HELO name (SPEC §4): a block naming the first matching pattern,
// or a pass. A name cut at `limit` bytes (`whole` false) is refused unread: no host name is
// that long, and judging the part read could let it by. Diagnostics as for match().
Verdict badhelo_verdict(BadHelo& badhelo, std::string_view name, bool whole, std::size_t limit,
                        std::vector<std::string>& diagnostics);
