#include "helocheck/whatif.h"

#include <algorithm>

#include "check/log_words.h"
#include "stat/helostat_records.h"

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

// The HELO name and IP of a helostat -t record that has them.
std::optional<BatchEntry> named_record(const std::vector<std::string_view>& f) {
  using namespace helostat_record;
  auto entry = [&f](NameFields at) -> std::optional<BatchEntry> {
    if (f.size() < at.count || (at.may_be_unknown && f[at.name] == kUnknownName))
      return std::nullopt;
    return BatchEntry{std::string(f[at.name]), std::string(f[at.ip])};
  };
  if (f[0] == kHelo) return entry(kHeloName);
  if (f[0] == kRefused) return entry(kRefusedName);
  return std::nullopt;
}

std::string percent_of(std::size_t n, std::size_t all) {
  return all ? std::to_string((n * 100 + all / 2) / all) + "%" : "0%";
}

std::string where(const ControlLine& l) {
  return "badhelo line " + std::to_string(l.number) + ": " + printable(l.text);
}

}  // namespace

std::optional<BatchEntry> parse_batch_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\t') != std::string_view::npos) {
    auto fields = split(line, '\t');
    if (helostat_record::known(fields[0])) return named_record(fields);
  }
  std::string_view rest = line;
  std::string_view name = next_word(rest);
  if (name.empty() || name[0] == '#') return std::nullopt;
  return BatchEntry{std::string(name), std::string(next_word(rest))};
}

WhatIf::WhatIf(const std::vector<ControlLine>& badhelo, const std::vector<std::string>& providers)
    : all_(badhelo) {
  lines_.reserve(badhelo.size());
  for (const auto& l : badhelo) lines_.push_back(Line{l, 0, 0, {}, {}, {}});
  for (const auto& r : all_.review()) judge(r);
  for (const auto& p : providers) {
    std::vector<std::string> ignored;
    for (Line* l : lines_of(all_.all_matches(p, ignored))) l->providers.push_back(p);
  }
}

WhatIf::Line* WhatIf::line_of(int number) {
  for (auto& l : lines_)
    if (l.line.number == number) return &l;
  return nullptr;
}

std::vector<WhatIf::Line*> WhatIf::lines_of(const std::vector<BadHelo::Match>& matches) {
  std::vector<Line*> lines;
  auto l = lines_.begin();  // the matches come in file order, as lines_ does
  for (const auto& m : matches) {
    while (l != lines_.end() && l->line.number != m.line) ++l;
    if (l == lines_.end()) break;
    if (lines.empty() || lines.back() != &*l) lines.push_back(&*l);
  }
  return lines;
}

// The invalid patterns, with glibc's reason, and the ones whose meaning is probably not
// what their writer meant.
void WhatIf::judge(const BadHelo::Review& r) {
  Line* l = line_of(r.line);
  if (!l) return;
  std::string at = "badhelo line " + std::to_string(r.line) + ": " + printable(r.text) + ": ";
  if (!r.invalid.empty()) l->invalid.push_back(r.invalid);
  for (const auto& w : r.warnings) l->notes.push_back(at + w);
  if (r.matches_nothing)
    l->notes.push_back(at + (r.negated ? "this ! line refuses every client"
                                       : "this line never matches under qregex"));
}

void WhatIf::note(std::vector<std::string>& diagnostics) {
  for (auto& d : diagnostics)
    if (d.find(log_words::kGaveUp) != std::string::npos &&
        std::find(errors_.begin(), errors_.end(), d) == errors_.end())
      errors_.push_back(std::move(d));
  diagnostics.clear();
}

std::string WhatIf::check(std::string_view name) {
  if (!seen_.emplace(name).second) return "";
  std::vector<std::string> diagnostics;
  std::vector<BadHelo::Match> matches = all_.all_matches(name, diagnostics);
  note(diagnostics);
  std::vector<Line*> lines = lines_of(matches);
  for (Line* l : lines) ++l->matches;
  if (matches.empty()) return "ok       " + printable(name);
  ++refused_;
  Line* l = lines.empty() ? nullptr : lines.front();  // the first match's line
  if (l) ++l->decides;
  return "refused  " + printable(name) + "  (" +
         (l ? where(l->line) : "badhelo " + printable(matches.front().pattern)) + ")";
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
