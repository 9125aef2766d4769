#include "regex_literal.h"

#include <cctype>

namespace {

// What each byte is to the planner, looked up once per byte on the hot path.
enum Kind : unsigned char { kLiteral, kQuantifier, kSpecial, kBackslash, kBracket, kParen, kDollar, kBar };

struct KindTable {
  Kind kind[256];
  constexpr KindTable() : kind() {
    for (int c = 0; c < 256; ++c) kind[c] = c >= 0x80 ? kSpecial : kLiteral;
    for (unsigned char c : {'*', '+', '?', '{'}) kind[c] = kQuantifier;
    for (unsigned char c : {'.', '^', ')', ']', '}'}) kind[c] = kSpecial;
    kind[static_cast<unsigned char>('\\')] = kBackslash;
    kind[static_cast<unsigned char>('[')] = kBracket;
    kind[static_cast<unsigned char>('(')] = kParen;
    kind[static_cast<unsigned char>('$')] = kDollar;
    kind[static_cast<unsigned char>('|')] = kBar;
  }
};
constexpr KindTable kKinds;

Kind kind_of(char c) { return kKinds.kind[static_cast<unsigned char>(c)]; }
bool is_quantifier(char c) { return kind_of(c) == kQuantifier; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

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
  // The run being read; it is never longer than the expression. Short expressions (nearly
  // all) keep it on the stack.
  char small[256];
  std::string large;
  char* run = small;
  if (ere.size() > sizeof small) {
    large.resize(ere.size());
    run = large.data();
  }
  std::size_t len = 0;    // of the run
  std::size_t runs = 0;   // runs ended so far, empty ones not counted
  bool breaks = false;    // anything but literal characters (and the two anchors) was seen
  std::size_t i = 0;
  if (i < ere.size() && ere[i] == '^') {
    plan.anchored_start = true;
    ++i;
  }
  auto keep_run = [&] {
    if (len == 0) return;
    ++runs;
    if (len > plan.required.size()) plan.required.assign(run, len);
    len = 0;
  };
  auto end_run = [&] {
    breaks = true;
    keep_run();
  };
  const std::size_t n = ere.size();
  while (i < n) {
    char c = ere[i];
    char literal = 0;
    std::size_t next = i + 1;
    switch (kind_of(c)) {
      case kLiteral: literal = c; break;
      case kBar: return LiteralPlan{};  // a top-level alternative: nothing is required
      case kDollar:
        if (i + 1 == n) {
          plan.anchored_end = true;
          ++i;
          continue;
        }
        break;
      case kBackslash:
        if (i + 1 >= n) return LiteralPlan{};  // trailing backslash: invalid
        if (literal_escape(ere[i + 1])) literal = ere[i + 1];
        next = i + 2;
        break;
      case kBracket: next = skip_bracket(ere, i); break;
      case kParen: next = skip_group(ere, i); break;
      case kQuantifier:
      case kSpecial: break;
    }
    if (next == std::string_view::npos) return LiteralPlan{};  // unbalanced: let Boost judge
    if (literal && (next >= n || !is_quantifier(ere[next]))) {  // the common case
      run[len++] = lower(literal);
      i = next;
      continue;
    }
    bool quantified = next < n && is_quantifier(ere[next]);
    std::size_t after = quantified ? skip_quantifier(ere, next) : next;
    bool requantified = after < n && is_quantifier(ere[after]);  // "a+?" is (a+)?
    if (literal && ere[next] == '+' && !requantified) run[len++] = lower(literal);  // at least once
    end_run();
    i = after;
    while (i < n && is_quantifier(ere[i])) i = skip_quantifier(ere, i);
  }
  keep_run();
  plan.pure = !breaks && runs == 1;
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
