#include "badhelo.h"

#include <cstring>

#include "logline.h"

BadHelo::BadHelo(std::string contents) : contents_(std::move(contents)) { add_patterns(); }

BadHelo::BadHelo(const std::vector<ControlLine>& lines) {
  for (const auto& l : lines) {
    contents_ += l.text;
    contents_ += '\n';
    numbers_.push_back(l.number);
  }
  add_patterns();
}

void BadHelo::add_patterns() {
  std::size_t lines = 1;
  for (const char* p = contents_.data(), *end = p + contents_.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))));
       ++p)
    ++lines;
  patterns_.reserve(lines);
  each_control_line(contents_, [this](int number, std::string_view text) {
    if (!numbers_.empty()) number = numbers_[patterns_.size()];
    patterns_.push_back(Pattern{number, text, text[0] == '!', std::nullopt,
                                Pattern::State::uncompiled, boost::regex()});
  });
}

bool BadHelo::compile(Pattern& p, std::vector<std::string>& invalid) {
  if (p.state == Pattern::State::uncompiled) {
    std::string_view expr = p.text;
    if (p.negated) expr.remove_prefix(1);
    p.regex.assign(expr.begin(), expr.end(),
                   boost::regex::extended | boost::regex::icase | boost::regex::no_except);
    p.state = p.regex.status() == 0 ? Pattern::State::ok : Pattern::State::invalid;
    if (p.state == Pattern::State::invalid)
      invalid.push_back("badhelo: invalid pattern on line " + std::to_string(p.number) +
                        ": " + printable(p.text));
  }
  return p.state == Pattern::State::ok;
}

std::optional<bool> BadHelo::regex_matches(Pattern& p, std::string_view name,
                                           std::string_view lower,
                                           std::vector<std::string>& invalid) {
  if (!p.plan) p.plan = plan_literals(p.text.substr(p.negated ? 1 : 0));
  if (p.plan->pure) return literal_match(*p.plan, lower);
  bool possible = lower.find(p.plan->required) != std::string_view::npos;
  // Without its required text the regex cannot match; a negated pattern must still be
  // valid to count, so only it is compiled then.
  if (!possible && !p.negated) return false;
  if (!compile(p, invalid)) return std::nullopt;
  if (!possible) return false;
  try {  // match_single_line: ^ and $ only at the ends, as regexec() without REG_NEWLINE
    return boost::regex_search(name.begin(), name.end(), p.regex,
                               boost::match_default | boost::match_single_line);
  } catch (const std::exception& e) {  // Boost gives up on pathological backtracking
    invalid.push_back("badhelo: pattern on line " + std::to_string(p.number) +
                      " could not be matched: " + e.what());
    return std::nullopt;
  }
}

std::optional<BadHelo::Match> BadHelo::match(std::string_view name,
                                             std::vector<std::string>& invalid) {
  std::string lower = ascii_lower(name);
  for (auto& p : patterns_) {
    std::optional<bool> found = regex_matches(p, name, lower, invalid);
    if (found && *found != p.negated) return Match{std::string(p.text)};
  }
  return std::nullopt;
}
