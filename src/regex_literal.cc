#include "regex_literal.h"

#include <cctype>
#include <vector>

namespace {

bool is_quantifier(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

// Index just past the bracket expression that starts at ere[i] == '[', or npos.
std::size_t skip_bracket(std::string_view ere, std::size_t i) {
  ++i;
  if (i < ere.size() && ere[i] == '^') ++i;
  if (i < ere.size() && ere[i] == ']') ++i;  // a leading ']' is a member
  while (i < ere.size() && ere[i] != ']') {
    if (ere[i] == '[' && i + 1 < ere.size() &&
        (ere[i + 1] == ':' || ere[i + 1] == '.' || ere[i + 1] == '=')) {
      char kind = ere[i + 1];
      std::size_t close = ere.find(std::string{kind, ']'}, i + 2);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close + 2;
    } else {
      ++i;
    }
  }
  return i < ere.size() ? i + 1 : std::string_view::npos;
}

// Index just past the group that starts at ere[i] == '(', or npos.
std::size_t skip_group(std::string_view ere, std::size_t i) {
  int depth = 0;
  while (i < ere.size()) {
    char c = ere[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '[') {
      i = skip_bracket(ere, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

// Index just past a quantifier at ere[i] (one of * + ? or a {m,n} interval).
std::size_t skip_quantifier(std::string_view ere, std::size_t i) {
  if (ere[i] != '{') return i + 1;
  std::size_t close = ere.find('}', i);
  return close == std::string_view::npos ? ere.size() : close + 1;
}

// Escapes that stand for one literal character: a backslash and a punctuation mark,
// except the few that Boost reads as assertions (\< \> \` \').
bool literal_escape(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x80 && std::ispunct(u) && c != '<' && c != '>' && c != '`' && c != '\'';
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

LiteralPlan plan_literals(std::string_view ere) {
  LiteralPlan plan;
  std::vector<std::string> runs(1);
  bool breaks = false;  // anything but literal characters (and the two anchors) was seen
  std::size_t i = 0;
  if (i < ere.size() && ere[i] == '^') {
    plan.anchored_start = true;
    ++i;
  }
  auto end_run = [&] {
    breaks = true;
    if (!runs.back().empty()) runs.emplace_back();
  };
  while (i < ere.size()) {
    char c = ere[i];
    if (c == '|') return LiteralPlan{};  // a top-level alternative: nothing is required
    if (c == '$' && i + 1 == ere.size()) {
      plan.anchored_end = true;
      ++i;
      continue;
    }
    char literal = 0;
    std::size_t next = i + 1;
    if (c == '\\') {
      if (i + 1 >= ere.size()) return LiteralPlan{};  // trailing backslash: invalid
      if (literal_escape(ere[i + 1])) literal = ere[i + 1];
      next = i + 2;
    } else if (c == '[') {
      next = skip_bracket(ere, i);
    } else if (c == '(') {
      next = skip_group(ere, i);
    } else if (static_cast<unsigned char>(c) >= 0x80 || c == '.' || c == '^' || c == '$' ||
               c == ')' || c == ']' || c == '}' || is_quantifier(c)) {
      literal = 0;
    } else {
      literal = c;
    }
    if (next == std::string_view::npos) return LiteralPlan{};  // unbalanced: let Boost judge
    bool quantified = next < ere.size() && is_quantifier(ere[next]);
    std::size_t after = quantified ? skip_quantifier(ere, next) : next;
    bool requantified = after < ere.size() && is_quantifier(ere[after]);  // "a+?" is (a+)?
    if (literal && !quantified) {
      runs.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(literal)));
    } else if (literal && ere[next] == '+' && !requantified) {  // at least once; run ends
      runs.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(literal)));
      end_run();
    } else {
      end_run();
    }
    i = after;
    while (i < ere.size() && is_quantifier(ere[i])) i = skip_quantifier(ere, i);
  }
  for (const auto& r : runs)
    if (r.size() > plan.required.size()) plan.required = r;
  plan.pure = !breaks && runs.size() == 1 && !plan.required.empty();
  if (!plan.pure) plan.anchored_start = plan.anchored_end = false;
  return plan;
}

bool literal_match(const LiteralPlan& plan, std::string_view name) {
  const std::string& text = plan.required;
  if (plan.anchored_start && plan.anchored_end) return name == text;
  if (plan.anchored_start) return name.substr(0, text.size()) == text;
  if (plan.anchored_end)
    return name.size() >= text.size() && name.substr(name.size() - text.size()) == text;
  return name.find(text) != std::string_view::npos;
}
