#include "helocheck/whatif.h"

#include <algorithm>

#include "check/log_words.h"

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> fields;
  for (;;) {
    std::size_t at = s.find(sep);
    fields.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return fields;
    s.remove_prefix(at + 1);
  }
}

bool space(char c) { return c == ' ' || c == '\t'; }

std::string_view next_word(std::string_view& s) {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  std::size_t n = 0;
  while (n < s.size() && !space(s[n])) ++n;
  std::string_view word = s.substr(0, n);
  s.remove_prefix(n);
  return word;
}

std::optional<BatchEntry> helostat_record(const std::vector<std::string_view>& f) {
  if (f[0] == "helo" && f.size() >= 5) return BatchEntry{std::string(f[3]), std::string(f[4])};
  if (f[0] == "refused" && f.size() >= 8 && f[4] != "(unknown)")
    return BatchEntry{std::string(f[4]), std::string(f[3])};
  return std::nullopt;
}

bool helostat_type(std::string_view t) {
  return t == "helo" || t == "refused" || t == "stats" || t == "rule" || t == "invalid";
}

std::string percent_of(std::size_t n, std::size_t all) {
  return all ? std::to_string((n * 100 + all / 2) / all) + "%" : "0%";
}

std::string where(const ControlLine& l) {
  return "badhelo line " + std::to_string(l.number) + ": " + printable(l.text);
}

// What qregex makes of each pattern of a line (a NUL inside it starts another): the
// invalid ones, with glibc's reason, and the ones whose meaning is probably not what their
// writer meant. BadHelo parses a pattern only when a name needs it; here every one is.
void judge_line(const ControlLine& l, std::vector<std::string>& invalid,
                std::vector<std::string>& notes) {
  std::string_view text = l.text;
  for (;;) {
    std::string_view one = text.substr(0, text.find('\0'));
    bool negated = !one.empty() && one[0] == '!';
    QregexTree tree = qregex_parse(one.substr(negated ? 1 : 0));
    std::string at = "badhelo line " + std::to_string(l.number) + ": " + printable(one) + ": ";
    if (tree.error) invalid.push_back(badhelo_invalid(l.number, one, tree.error));
    for (const auto& w : tree.warnings) notes.push_back(at + w);
    if (!tree.error && !qregex_can_match(tree))
      notes.push_back(at + (negated ? "this ! line refuses every client"
                                    : "this line never matches under qregex"));
    if (one.size() == text.size()) return;
    text.remove_prefix(one.size() + 1);
  }
}

}  // namespace

std::optional<BatchEntry> parse_batch_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\t') != std::string_view::npos) {
    auto fields = split(line, '\t');
    if (helostat_type(fields[0])) return helostat_record(fields);
  }
  std::string_view rest = line;
  std::string_view name = next_word(rest);
  if (name.empty() || name[0] == '#') return std::nullopt;
  return BatchEntry{std::string(name), std::string(next_word(rest))};
}

WhatIf::WhatIf(const std::vector<ControlLine>& badhelo, const std::vector<std::string>& providers)
    : all_(badhelo) {
  lines_.reserve(badhelo.size());
  for (const auto& l : badhelo) {
    lines_.push_back(Line{l, std::make_unique<BadHelo>(std::vector<ControlLine>{l}), 0, 0, {}, {}, {}});
    Line& line = lines_.back();
    judge_line(l, line.invalid, line.notes);
    for (const auto& p : providers) {
      std::vector<std::string> ignored;
      if (line.alone->match(p, ignored)) line.providers.push_back(p);
    }
  }
}

WhatIf::Line* WhatIf::line_of(int number) {
  for (auto& l : lines_)
    if (l.line.number == number) return &l;
  return nullptr;
}

void WhatIf::note(std::vector<std::string>& diagnostics) {
  for (auto& d : diagnostics)
    if (d.find(" gave up (") != std::string::npos &&
        std::find(errors_.begin(), errors_.end(), d) == errors_.end())
      errors_.push_back(std::move(d));
  diagnostics.clear();
}

std::string WhatIf::check(std::string_view name) {
  if (!seen_.emplace(name).second) return "";
  std::vector<std::string> diagnostics;
  for (auto& l : lines_)
    if (l.alone->match(name, diagnostics)) ++l.matches;
  note(diagnostics);
  auto match = all_.match(name, diagnostics);
  note(diagnostics);
  if (!match) return "ok       " + printable(name);
  ++refused_;
  Line* l = line_of(match->line);
  if (l) ++l->decides;
  return "refused  " + printable(name) + "  (" +
         (l ? where(l->line) : "badhelo " + printable(match->pattern)) + ")";
}

std::string WhatIf::summary(unsigned percent) const {
  std::size_t names = seen_.size();
  std::string out = "summary: " + std::to_string(names) + " distinct names, " +
                    std::to_string(refused_) + " refused (" + percent_of(refused_, names) +
                    "), badhelo only (no DNS checks)\n";
  for (const auto& l : lines_) {
    out += "  " + where(l.line) + ": ";
    if (!l.invalid.empty() && l.invalid.size() == 1 + static_cast<std::size_t>(std::count(
                                   l.line.text.begin(), l.line.text.end(), '\0'))) {
      out += "invalid, helowrap skips it\n";
      continue;
    }
    out += "refuses " + std::to_string(l.decides) + " (" + percent_of(l.decides, names) + ")";
    if (l.matches != l.decides)
      out += ", matches " + std::to_string(l.matches) + " (" + percent_of(l.matches, names) + ")";
    out += '\n';
  }
  for (const auto& l : lines_) {
    for (const auto& i : l.invalid) out += "warning: " + i + "\n";
    for (const auto& n : l.notes) out += "warning: " + n + "\n";
    if (names && l.matches * 100 > static_cast<std::size_t>(percent) * names)
      out += "warning: " + where(l.line) + ": matches " + percent_of(l.matches, names) +
             " of the names seen (" + std::to_string(l.matches) + " of " + std::to_string(names) +
             "; more than " + std::to_string(percent) + "%)\n";
    if (!l.providers.empty()) {
      out += "warning: " + where(l.line) + ": matches " + printable(l.providers.front()) +
             ", a large provider's HELO name";
      if (l.providers.size() > 1)
        out += " (and " + std::to_string(l.providers.size() - 1) + " more in the list)";
      out += '\n';
    }
  }
  for (const auto& e : errors_) out += "warning: " + e + "\n";
  return out;
}
