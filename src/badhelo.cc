#include "badhelo.h"

#include "logline.h"

BadHelo::BadHelo(std::vector<ControlLine> lines) {
  patterns_.reserve(lines.size());
  for (auto& line : lines) {
    bool negated = line.text[0] == '!';
    patterns_.push_back(Pattern{std::move(line), negated, Pattern::State::uncompiled, boost::regex()});
  }
}

bool BadHelo::compile(Pattern& p, std::vector<std::string>& invalid) {
  if (p.state == Pattern::State::uncompiled) {
    std::string_view expr = p.line.text;
    if (p.negated) expr.remove_prefix(1);
    p.regex.assign(expr.begin(), expr.end(),
                   boost::regex::extended | boost::regex::icase | boost::regex::no_except);
    p.state = p.regex.status() == 0 ? Pattern::State::ok : Pattern::State::invalid;
    if (p.state == Pattern::State::invalid)
      invalid.push_back("badhelo: invalid pattern on line " + std::to_string(p.line.number) +
                        ": " + printable(p.line.text));
  }
  return p.state == Pattern::State::ok;
}

std::optional<BadHelo::Match> BadHelo::match(std::string_view name,
                                             std::vector<std::string>& invalid) {
  for (auto& p : patterns_) {
    if (!compile(p, invalid)) continue;
    bool found;
    try {
      found = boost::regex_search(name.begin(), name.end(), p.regex);
    } catch (const std::exception& e) {  // Boost gives up on pathological backtracking
      invalid.push_back("badhelo: pattern on line " + std::to_string(p.line.number) +
                        " could not be matched: " + e.what());
      continue;
    }
    if (found != p.negated) return Match{p.line.text};
  }
  return std::nullopt;
}
