// helocheck -b, "what if": what a control/badhelo would refuse among HELO names seen, and
// which of its lines look dangerous, free of I/O. The decision is helowrap's own (BadHelo,
// first matching line in file order); every line that matches is counted too, so that a
// dangerous line is found even behind another one that matches first.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "check/badhelo.h"
#include "base/control.h"

// A line of helocheck -b's input: "NAME [IP]" (blank lines and #-lines name nothing), or a
// record of helostat -t: "helo" (its NAME and LAST_IP) or "refused" (its NAME and IP); its
// other records name nothing.
struct BatchEntry {
  std::string name;
  std::string ip;
};
std::optional<BatchEntry> parse_batch_line(std::string_view line);

class WhatIf {
 public:
  // The candidate badhelo, and the HELO names of large providers that no line should match.
  WhatIf(const std::vector<ControlLine>& badhelo, const std::vector<std::string>& providers);

  // "ok       NAME" or "refused  NAME  (badhelo line N: PATTERN)" for a name not seen yet,
  // "" for one seen before (each distinct name counts once).
  std::string check(std::string_view name);

  // Names refused per line, then warnings: a line that matches more than `percent` per cent
  // of the distinct names, a line that matches a provider's name, an invalid line (with
  // glibc's reason), a line whose qregex meaning is probably not what its writer meant.
  std::string summary(unsigned percent) const;

 private:
  struct Line {
    ControlLine line;
    std::size_t decides = 0;  // names it refuses: the first line that matches them
    std::size_t matches = 0;  // names it matches on its own
    std::vector<std::string> providers;  // providers' names it matches
    std::vector<std::string> invalid;    // BadHelo's diagnostics for its invalid patterns
    std::vector<std::string> notes;      // what qregex makes of it that its writer may not mean
  };

  Line* line_of(int number);
  std::vector<Line*> lines_of(const std::vector<BadHelo::Match>& matches);
  void judge(const BadHelo::Review& review);
  void note(std::vector<std::string>& diagnostics);

  BadHelo all_;
  std::vector<Line> lines_;
  std::unordered_set<std::string> seen_;
  std::size_t refused_ = 0;
  std::vector<std::string> errors_;  // patterns Boost gave up on for some name
};
