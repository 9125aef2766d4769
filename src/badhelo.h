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

  explicit BadHelo(std::vector<ControlLine> lines);
  bool enabled() const { return !patterns_.empty(); }

  // The first pattern, in file order, that matches `name` (a '!' line matches when its
  // regex does not). A pattern is compiled only when its literal text does not already
  // decide, and then once; an invalid one is skipped and its diagnostic appended to
  // `invalid` the first time it is compiled.
  std::optional<Match> match(std::string_view name, std::vector<std::string>& invalid);

 private:
  struct Pattern {
    ControlLine line;
    bool negated;
    std::optional<LiteralPlan> plan;  // made when first needed
    enum class State { uncompiled, ok, invalid } state = State::uncompiled;
    boost::regex regex;
  };
  bool compile(Pattern& p, std::vector<std::string>& invalid);
  // Does p's regex match? nullopt when it is invalid or Boost gives up.
  std::optional<bool> regex_matches(Pattern& p, std::string_view name, std::string_view lower,
                                    std::vector<std::string>& invalid);

  std::vector<Pattern> patterns_;
};
