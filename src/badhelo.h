// control/badhelo, as qmail's qregex patch reads and matches it (SPEC §4).
#pragma once
#include <boost/regex.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control.h"

class BadHelo {
 public:
  struct Match {
    std::string pattern;  // as written in the file, with its '!'
  };

  explicit BadHelo(std::vector<ControlLine> lines);
  bool enabled() const { return !patterns_.empty(); }

  // The first pattern, in file order, that matches `name` (a '!' line matches when its
  // regex does not). Patterns are compiled lazily, once; an invalid one is skipped and
  // its diagnostic appended to `invalid` the first time it is met.
  std::optional<Match> match(std::string_view name, std::vector<std::string>& invalid);

 private:
  struct Pattern {
    ControlLine line;
    bool negated;
    enum class State { uncompiled, ok, invalid } state = State::uncompiled;
    boost::regex regex;
  };
  bool compile(Pattern& p, std::vector<std::string>& invalid);

  std::vector<Pattern> patterns_;
};
