#include "check/badhelo.h"

#include <algorithm>
#include <cstring>

#include "check/log_words.h"

namespace {
constexpr std::size_t kBackrefNameLimit = 1024;

// Which bytes the name holds: a pattern that needs one of a set of bytes it lacks is skipped.
std::bitset<256> bytes_of(std::string_view subject) {
  std::bitset<256> bytes;
  for (char c : subject) bytes.set(static_cast<unsigned char>(c));
  return bytes;
}
}  // namespace

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
  std::size_t count = 1;  // patterns: lines, and NULs inside them
  for (char c : contents_) count += c == '\n' || c == '\0';
  patterns_.reserve(count);
  std::size_t lines = 0;
  each_control_line(contents_, [this, &lines](int number, std::string_view text) {
    if (!numbers_.empty()) number = numbers_[lines];
    ++lines;
    // qregex walks the NUL-separated list control_readfile made: a NUL inside a line ends
    // one pattern and starts another (an empty one matches every name).
    for (;;) {
      std::size_t nul = text.find('\0');
      std::string_view one = text.substr(0, nul);
      bool negated = !one.empty() && one[0] == '!';
      patterns_.push_back(Pattern{number, one, negated, Pattern::State::unparsed, {}, false, boost::regex()});
      if (nul == std::string_view::npos) break;
      text.remove_prefix(nul + 1);
    }
  }, true);
}

std::string badhelo_invalid(int line, std::string_view text, int error) {
  return log_words::invalid_pattern(line, qregex_error_text(error), text);
}

// Keeps of the pattern's parse what matching needs: the literal plan. The Boost
// translation is made only when a name gets past the plan (regex_matches).
void BadHelo::adopt(Pattern& p, const QregexTree& tree) {
  if (tree.error) {
    p.state = Pattern::State::invalid;
    return;
  }
  p.plan = plan_literals(tree);
  for (const auto& n : tree.nodes) p.backrefs |= n.kind == QregexNode::Kind::backref;
  p.state = Pattern::State::planned;
}

// Plans the pattern as qregex reads it, once; false when glibc rejects it. Most lines are
// planned without a parse (plan_literals_quick); the others are parsed, but translated for
// Boost only when their literal text does not decide (regex_matches).
bool BadHelo::prepare(Pattern& p, std::vector<std::string>& diagnostics) {
  if (p.state == Pattern::State::unparsed) {
    std::string_view ere = p.text.substr(p.negated ? 1 : 0);
    if (plan_literals_quick(ere, p.plan)) {
      p.state = Pattern::State::planned;
      return true;
    }
    QregexTree tree = qregex_parse(ere);
    adopt(p, tree);
    if (tree.error) diagnostics.push_back(badhelo_invalid(p.number, p.text, tree.error));
  }
  return p.state != Pattern::State::invalid;
}

// Does p's regex (valid to glibc) match? nullopt when Boost gives up.
std::optional<bool> BadHelo::regex_matches(Pattern& p, std::string_view subject,
                                           const std::bitset<256>& subject_bytes,
                                           std::vector<std::string>& diagnostics) {
  if (p.plan.pure) return literal_match(p.plan, subject);
  if (!p.plan.required.empty() && subject.find(p.plan.required) == std::string_view::npos)
    return false;  // without its required text the regex cannot match
  if (p.plan.one_of_bytes.any() && (p.plan.one_of_bytes & subject_bytes).none()) return false;
  if (!p.plan.one_of_texts.empty() &&
      std::none_of(p.plan.one_of_texts.begin(), p.plan.one_of_texts.end(),
                   [&](const std::string& t) { return subject.find(t) != std::string_view::npos; }))
    return false;
  auto gave_up = [&](const char* why) {
    diagnostics.push_back(log_words::pattern_gave_up(p.number, why, p.text));
    return std::nullopt;
  };
  // Back-references on a long name can take Boost (and glibc) minutes, never counted
  // against Boost's complexity limit; no host name is that long.
  if (p.backrefs && subject.size() > kBackrefNameLimit)
    return gave_up("a back-reference on a name longer than 1024 bytes");
  if (p.state == Pattern::State::planned) {
    p.regex.assign(qregex_boost(qregex_parse(p.text.substr(p.negated ? 1 : 0))),
                   boost::regex::perl | boost::regex::no_except);
    p.state = Pattern::State::compiled;
  }
  if (p.regex.status() != 0) return gave_up("Boost cannot compile its translation");
  try {
    return std::optional<bool>(boost::regex_search(subject.begin(), subject.end(), p.regex, boost::match_default));
  } catch (const std::exception& e) {  // Boost's complexity or memory limit
    return gave_up(e.what());
  }
}

bool BadHelo::pattern_matches(Pattern& p, std::string_view subject,
                              const std::bitset<256>& subject_bytes,
                              std::vector<std::string>& diagnostics) {
  if (!prepare(p, diagnostics)) return false;
  // A line Boost gives up on counts as matching, '!' or not: the safe side (SPEC §4.3).
  std::optional<bool> found = regex_matches(p, subject, subject_bytes, diagnostics);
  return !found || *found != p.negated;
}

std::optional<BadHelo::Match> BadHelo::match(std::string_view name,
                                             std::vector<std::string>& diagnostics) {
  std::string subject = qregex_subject(name);
  std::bitset<256> bytes = bytes_of(subject);
  for (auto& p : patterns_)
    if (pattern_matches(p, subject, bytes, diagnostics)) return Match{std::string(p.text), p.number};
  return std::nullopt;
}

std::vector<BadHelo::Match> BadHelo::all_matches(std::string_view name,
                                                 std::vector<std::string>& diagnostics) {
  std::string subject = qregex_subject(name);
  std::bitset<256> bytes = bytes_of(subject);
  std::vector<Match> found;
  for (auto& p : patterns_)
    if (pattern_matches(p, subject, bytes, diagnostics)) found.push_back({std::string(p.text), p.number});
  return found;
}

std::vector<BadHelo::Review> BadHelo::review() {
  std::vector<Review> reviews;
  reviews.reserve(patterns_.size());
  for (auto& p : patterns_) {
    QregexTree tree = qregex_parse(p.text.substr(p.negated ? 1 : 0));
    if (p.state == Pattern::State::unparsed) adopt(p, tree);
    std::string invalid = tree.error ? badhelo_invalid(p.number, p.text, tree.error) : "";
    bool nothing = !tree.error && !qregex_can_match(tree);
    reviews.push_back({p.number, p.text, p.negated, std::move(invalid), std::move(tree.warnings),
                       nothing});
  }
  return reviews;
}

Verdict badhelo_verdict(BadHelo& badhelo, std::string_view name, bool whole, std::size_t limit,
                        std::vector<std::string>& diagnostics) {
  if (!whole) return Verdict::block(Verdict::Rule::badhelo_length, std::to_string(limit));
  auto match = badhelo.match(name, diagnostics);
  if (!match) return Verdict::pass();
  return Verdict::block(Verdict::Rule::badhelo, std::move(match->pattern));
}
