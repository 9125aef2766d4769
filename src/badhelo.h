// control/badhelo, as qmail's qregex patch reads and matches it (SPEC §4).
#pragma once
#include <boost/regex.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control.h"
#include "regex_literal.h"

class BadHelo {
 public:
  struct Match {
    std::string pattern;  // as written in the file, with its '!'
  };

  explicit BadHelo(std::string contents);  // the text of control/badhelo
  explicit BadHelo(const std::vector<ControlLine>& lines);
  // Its patterns are views into its own text: neither copied nor moved.
  BadHelo(const BadHelo&) = delete;
  BadHelo& operator=(const BadHelo&) = delete;
  bool enabled() const { return !patterns_.empty(); }

  // The first pattern, in file order, that matches `name` (a '!' line matches when its
  // regex does not). A pattern is compiled only when its literal text does not already
  // decide, and then once; an invalid one is skipped and its diagnostic appended to
  // `invalid` the first time it is compiled.
  std::optional<Match> match(std::string_view name, std::vector<std::string>& invalid);

 private:
  struct Pattern {
    int number;             // line number in the file
    std::string_view text;  // into contents_, as written, with its '!'
    bool negated;
    std::optional<LiteralPlan> plan;  // made when first needed
    enum class State { uncompiled, ok, invalid } state = State::uncompiled;
    boost::regex regex;
  };
  bool compile(Pattern& p, std::vector<std::string>& invalid);
  // Does p's regex match? nullopt when it is invalid or Boost gives up.
  std::optional<bool> regex_matches(Pattern& p, std::string_view name, std::string_view lower,
                                    std::vector<std::string>& invalid);

  void add_patterns();

  std::string contents_;
  std::vector<int> numbers_;  // line numbers, when built from lines
  std::vector<Pattern> patterns_;
};
