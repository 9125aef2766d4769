#include "stat/helostat_report.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "stat/helostat_records.h"

namespace {

constexpr std::size_t kBarWidth = 20;
constexpr std::size_t kNameWidth = 40;

using NameRow = std::pair<const std::string*, const NameStats*>;
using Basis = LogStats::Basis;

std::string time_text(bool has, UnixTime t) { return has ? format_local(t) : "-"; }

std::string n(std::uint64_t v) { return std::to_string(v); }

// Columns padded to their widest cell, two spaces apart; numbers right-aligned.
class Table {
 public:
  explicit Table(std::string numeric) : numeric_(std::move(numeric)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::string numeric_;  // 'n' for a right-aligned column, '-' for a left-aligned one
  std::vector<std::vector<std::string>> rows_;
};

std::string Table::render() const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line = " ";
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string pad(width[i] - row[i].size(), ' ');
      bool right = i < numeric_.size() && numeric_[i] == 'n';
      line += ' ';
      line += right ? pad + row[i] : row[i] + (i + 1 < row.size() ? pad : "");
      if (i + 1 < row.size()) line += ' ';
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::string rule_label(const RuleStats& r) {
  return r.line ? r.rule + " (line " + std::to_string(r.line) + ")" : r.rule;
}

std::string limit_note(std::size_t shown, std::size_t all) {
  return shown == all ? std::to_string(all) : std::to_string(shown) + " of " + std::to_string(all);
}

std::vector<NameRow> ranked_names(const LogStats& stats, std::size_t limit) {
  std::vector<NameRow> rows;
  for (const auto& [name, s] : stats.names())
    if (stats.count(s) > 0 || s.refused > 0) rows.emplace_back(&name, &s);
  auto before = [&stats](const NameRow& a, const NameRow& b) {
    std::uint64_t ca = stats.count(*a.second), cb = stats.count(*b.second);
    if (ca != cb) return ca > cb;
    if (a.second->refused != b.second->refused) return a.second->refused > b.second->refused;
    return *a.first < *b.first;
  };
  std::size_t keep = limit && limit < rows.size() ? limit : rows.size();
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(),
                    before);
  rows.resize(keep);
  return rows;
}

std::vector<const ClientStats*> recent_clients(const LogStats& stats, std::size_t limit) {
  std::vector<const ClientStats*> rows;
  for (const auto& entry : stats.clients()) rows.push_back(&entry.second);
  auto before = [](const ClientStats* a, const ClientStats* b) {
    if (a->has_time != b->has_time) return a->has_time;
    if (a->last != b->last) return a->last > b->last;
    if (a->ip != b->ip) return a->ip < b->ip;
    if (a->name != b->name) return a->name < b->name;
    return a->rule < b->rule;
  };
  std::size_t keep = limit && limit < rows.size() ? limit : rows.size();
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(),
                    before);
  rows.resize(keep);
  return rows;
}

// The order of the rules table: the verdicts, the DNS rules, then badhelo by pattern
// (in file order when -c named the file).
int rule_rank(const RuleStats& r) {
  static const char* const fixed[] = {"ok", "trusted", "tempfail", "G", "A", "N", "B", "nohelo"};
  for (int i = 0; i < 8; ++i)
    if (r.rule == fixed[i]) return i;
  if (starts_with(r.rule, "blocked with: ")) return 8;
  if (r.rule == "badhelo") return 9;
  if (starts_with(r.rule, "badhelo (longer than ")) return 12;
  return r.line ? 10 : 11;
}

std::vector<const RuleStats*> ordered_rules(const LogStats& stats) {
  std::vector<const RuleStats*> rows;
  for (const auto& r : stats.rules())
    if (r.helos || r.clients || r.rcpts || r.line) rows.push_back(&r);
  std::sort(rows.begin(), rows.end(), [](const RuleStats* a, const RuleStats* b) {
    int ra = rule_rank(*a), rb = rule_rank(*b);
    if (ra != rb) return ra < rb;
    if (ra == 10) return a->line < b->line;
    if (a->clients != b->clients) return a->clients > b->clients;
    return a->rule < b->rule;
  });
  return rows;
}

std::string name_text(const std::string& name, bool known) {
  return known ? name : std::string(helostat_record::kUnknownName);
}

// A table keeps its width: a longer name is cut, with "..." (-t prints it whole).
std::string shown(const std::string& name) {
  return name.size() <= kNameWidth ? name : name.substr(0, kNameWidth - 3) + "...";
}

std::string refused_by(const LogStats& stats, const NameStats& s, bool tab) {
  std::string out;
  for (const auto& [rule, count] : s.refused_by) {
    const RuleStats& r = stats.rules()[rule];
    if (tab) {
      out += '\t' + r.rule + '\t' + n(count);
    } else {
      if (!out.empty()) out += ", ";
      out += rule_label(r) + " (" + n(count) + ")";
    }
  }
  return out;
}

// --- tab-separated ---------------------------------------------------------------------

// The start of a record of `type`: its name and a tab.
std::string record(std::string_view type) { return std::string(type) + '\t'; }

std::string tab_report(const LogStats& stats, const ReportOptions& opt) {
  using namespace helostat_record;
  const LineCounts& c = stats.counts();
  std::string out = record(kStats) + n(c.lines) + '\t' + n(c.events) + '\t' + n(c.malformed) + '\t' +
                    n(c.other) + '\t' + n(c.outside) + '\t' + time_text(c.has_time, c.first) +
                    '\t' + time_text(c.has_time, c.last) + '\n';
  if (opt.names)
    for (const auto& [name, s] : ranked_names(stats, opt.limit))
      out += record(kHelo) + n(stats.count(*s)) + '\t' + n(s->refused) + '\t' + *name + '\t' +
             s->last_ip + refused_by(stats, *s, true) + '\n';
  if (opt.clients)
    for (const ClientStats* cl : recent_clients(stats, opt.limit))
      out += record(kRefused) + time_text(cl->has_time, cl->first) + '\t' +
             time_text(cl->has_time, cl->last) + '\t' + cl->ip + '\t' +
             name_text(cl->name, cl->name_known) + '\t' + stats.rules()[cl->rule].rule + '\t' +
             n(cl->connections) + '\t' + n(cl->rcpts) + '\n';
  if (opt.rules) {
    for (const RuleStats* r : ordered_rules(stats))
      out += record(kRule) + n(r->helos) + '\t' + n(r->clients) + '\t' + n(r->rcpts) + '\t' +
             (r->line ? std::to_string(r->line) : "-") + '\t' + r->rule + '\n';
    for (const auto& [text, times] : stats.invalid_patterns())
      out += record(kInvalid) + n(times) + '\t' + text + '\n';
  }
  return out;
}

// --- tables ------------------------------------------------------------------------------

std::string summary(const LogStats& stats) {
  const LineCounts& c = stats.counts();
  std::string out = "helostat: " + n(c.lines) + " lines: " + n(c.events) + " counted, " +
                    n(c.other) + " other, " + n(c.malformed) + " malformed (skipped)";
  if (c.outside) out += ", " + n(c.outside) + " outside the time window";
  out += '\n';
  if (c.has_time)
    out += "from " + format_local(c.first) + " to " + format_local(c.last) + " (local time)\n";
  return out;
}

std::string names_table(const LogStats& stats, std::size_t limit) {
  static const char* const basis[] = {
      "HELOs logged (helowrap $LOGHELO lines)",
      "qmail-smtpd/chkuser lines (remote <HELO:HOST:IP>, one a recipient)",
      "connections refused (the log has no $LOGHELO lines)"};
  std::size_t all = ranked_names(stats, 0).size();
  auto rows = ranked_names(stats, limit);
  std::string out = "\nHELO names by " + std::string(basis[static_cast<int>(stats.basis())]) +
                    ": " + limit_note(rows.size(), all) + '\n';
  if (rows.empty()) return out + "  (none)\n";
  // The first column counts what the names are ranked by; REFUSED CONNS counts refused
  // connections from every line, also those of a time when $LOGHELO was off.
  static const char* const counted[] = {"HELOS", "RCPT LINES", "REFUSED CONNS"};
  Basis by = stats.basis();
  std::uint64_t max = stats.count(*rows.front().second);
  bool more_refused = false;
  Table t(by == Basis::refused ? "n-" : "n-n");
  if (by == Basis::refused)
    t.add({counted[2], "", "HELO", "LAST IP", "REFUSED BY"});
  else
    t.add({counted[static_cast<int>(by)], "", "REFUSED CONNS", "HELO", "LAST IP", "REFUSED BY"});
  for (const auto& [name, s] : rows) {
    std::uint64_t c = stats.count(*s);
    more_refused = more_refused || s->refused > c;
    if (by == Basis::refused)
      t.add({n(c), bar(c, max, kBarWidth), shown(*name), s->last_ip, refused_by(stats, *s, false)});
    else
      t.add({n(c), bar(c, max, kBarWidth), n(s->refused), shown(*name), s->last_ip,
             refused_by(stats, *s, false)});
  }
  out += t.render();
  if (by == Basis::helo && more_refused)
    out += "  (REFUSED CONNS above HELOS: $LOGHELO was off for part of the log)\n";
  return out;
}

std::string clients_table(const LogStats& stats, std::size_t limit) {
  auto rows = recent_clients(stats, limit);
  std::string out = "\nRefused clients, most recent first: " +
                    limit_note(rows.size(), stats.clients().size()) + '\n';
  if (rows.empty()) return out + "  (none)\n";
  Table t("--nn");
  t.add({"LAST REFUSED", "IP", "CONNS", "RCPTS", "HELO", "RULE"});
  for (const ClientStats* c : rows)
    t.add({time_text(c->has_time, c->last), c->ip, n(c->connections), n(c->rcpts),
           shown(name_text(c->name, c->name_known)), rule_label(stats.rules()[c->rule])});
  return out + t.render();
}

std::string rules_table(const LogStats& stats) {
  auto rows = ordered_rules(stats);
  std::string out = "\nRules: HELOs given each verdict ($LOGHELO), connections and RCPTs refused\n";
  if (rows.empty() && stats.invalid_patterns().empty()) return out + "  (none)\n";
  std::uint64_t max = 0, unnamed = 0;
  RuleStats all{"badhelo, all patterns", 0, 0, 0, 0};
  for (const RuleStats* r : rows) {
    max = std::max(max, r->clients);
    if (!starts_with(r->rule, "badhelo")) continue;
    all.helos += r->helos;
    all.clients += r->clients;
    all.rcpts += r->rcpts;
    if (r->rule == "badhelo") unnamed = r->clients;
  }
  Table t("-nnn");
  t.add({"RULE", "HELOS", "CONNS", "RCPTS", "", ""});
  bool total_done = false;
  for (const RuleStats* r : rows) {
    bool badhelo = starts_with(r->rule, "badhelo");
    if (badhelo && !total_done) {
      t.add({all.rule, n(all.helos), n(all.clients), n(all.rcpts), "", ""});
      total_done = true;
    }
    std::string note;
    if (r->line && !r->helos && !r->clients && !r->rcpts)
      note = unnamed ? "no match logged" : "never matched";
    t.add({(badhelo ? "  " : "") + rule_label(*r), n(r->helos), n(r->clients), n(r->rcpts),
           bar(r->clients, max, kBarWidth), note});
  }
  out += t.render();
  if (unnamed)
    out += "  (" + n(unnamed) +
           " refused connections do not say which pattern matched: set $LOGREGEX or $LOGHELO)\n";
  for (const auto& [text, times] : stats.invalid_patterns())
    out += "  helowrap logged: badhelo: invalid pattern on " + text + " (" + n(times) +
           (times == 1 ? " time)\n" : " times)\n");
  return out;
}

}  // namespace

std::string bar(std::uint64_t count, std::uint64_t max, std::size_t width) {
  if (count == 0 || max == 0 || width == 0) return "";
  auto len = static_cast<std::size_t>((static_cast<double>(count) * width) / max + 0.5);
  return std::string(std::max<std::size_t>(len, 1), '#');
}

std::string render_report(const LogStats& stats, const ReportOptions& opt) {
  if (opt.tab) return tab_report(stats, opt);
  std::string out = summary(stats);
  if (opt.names) out += names_table(stats, opt.limit);
  if (opt.clients) out += clients_table(stats, opt.limit);
  if (opt.rules) out += rules_table(stats);
  return out;
}
