#include "stat/logstats.h"

#include "base/text.h"
#include "check/log_words.h"

namespace {

using Type = LogEvent::Type;

constexpr std::size_t kConnectionSlots = 1 << 16;  // a power of two

}  // namespace

LogStats::LogStats(std::optional<UnixTime> since, std::optional<UnixTime> until)
    : since_(since), until_(until), connections_(kConnectionSlots) {}

void LogStats::set_patterns(const std::vector<ControlLine>& lines) {
  for (const auto& l : lines) {
    std::uint32_t id = rule_id(log_words::badhelo_rule(l.text));
    if (rules_[id].line == 0) rules_[id].line = l.number;
  }
}

LogStats::Basis LogStats::basis() const {
  if (helo_lines_ > 0) return Basis::helo;
  if (remote_lines_ > 0) return Basis::remote;
  return Basis::refused;
}

std::uint64_t LogStats::count(const NameStats& n) const {
  switch (basis()) {
    case Basis::helo: return n.helos;
    case Basis::remote: return n.remote;
    case Basis::refused: return n.refused;
  }
  return 0;
}

bool LogStats::in_window(const LogEvent& e) const {
  if (!since_ && !until_) return true;
  if (!e.has_time) return false;
  return (!since_ || e.time >= *since_) && (!until_ || e.time < *until_);
}

void LogStats::add(const LogEvent& e) {
  ++counts_.lines;
  if (not_counted(e)) return;
  bool in = in_window(e);
  note(e, in);
  switch (e.type) {
    case Type::helo: on_helo(e, in); break;
    case Type::badhelo_refused:
    case Type::dns_blocked: on_refusal(e, in); break;
    case Type::dns_name: on_dns_name(e); break;
    case Type::no_helo: on_no_helo(e); break;
    case Type::invalid_pattern:
      if (in) ++invalid_[std::string(e.name)];
      break;
    case Type::remote:
      if (in) on_remote(e);
      break;
    default: break;
  }
}

// Malformed lines, other lines and tcpserver's (which only end connections).
bool LogStats::not_counted(const LogEvent& e) {
  switch (e.type) {
    case Type::malformed: ++counts_.malformed; return true;
    case Type::noise: ++counts_.other; return true;
    case Type::session_start:
    case Type::session_end:
      ++counts_.other;
      if (Connection* c = find_connection(e.pid)) c->ended = true;  // kept: the pid comes back
      return true;
    default: return false;
  }
}

void LogStats::note(const LogEvent& e, bool in) {
  if (!in) {
    ++counts_.outside;
    return;
  }
  ++counts_.events;
  if (!e.has_time) return;
  if (!counts_.has_time || e.time < counts_.first) counts_.first = e.time;
  if (!counts_.has_time || e.time > counts_.last) counts_.last = e.time;
  counts_.has_time = true;
}

void LogStats::on_dns_name(const LogEvent& e) {
  Connection& c = connection(e);
  if (!c.name || c.name->first != e.name) new_helo(c, &name(e.name));
}

void LogStats::on_no_helo(const LogEvent& e) {
  Connection& c = connection(e);
  if (c.name) new_helo(c, nullptr);
}

void LogStats::on_remote(const LogEvent& e) {
  ++remote_lines_;
  ++counted_name(e.name, e.ip).remote;
}

// A connection's lines mostly come one after another: the last one found is tried first.
LogStats::Connection* LogStats::find_connection(long pid) {
  if (last_connection_ && last_connection_->pid == pid) return last_connection_;
  Connection& c = connections_[static_cast<std::size_t>(pid) & (kConnectionSlots - 1)];
  if (c.pid != pid) return nullptr;
  return last_connection_ = &c;
}

LogStats::Connection& LogStats::connection(const LogEvent& e) {
  Connection* c = find_connection(e.pid);
  if (!c) {
    c = &connections_[static_cast<std::size_t>(e.pid) & (kConnectionSlots - 1)];
    reset(*c, e.pid, e.ip);
    last_connection_ = c;
  } else if (c->ended || c->ip != e.ip) {  // the pid serves another client now
    reset(*c, e.pid, e.ip);
  }
  return *c;
}

// Empties a connection in place, keeping the strings' memory.
void LogStats::reset(Connection& c, long pid, std::string_view ip) {
  c.pid = pid;
  if (c.ip != ip) c.ip.assign(ip);
  c.ended = false;
  new_helo(c, nullptr);
}

void LogStats::new_helo(Connection& c, NameEntry* name) {
  c.name = name;
  c.helo_rule = kNoRule;
  c.refusal_counted = false;
}

std::uint32_t LogStats::rule_id(std::string_view rule) {
  if (last_rule_ != kNoRule && rules_[last_rule_].rule == rule) return last_rule_;
  key_.assign(rule);
  auto found = rule_ids_.find(key_);
  if (found != rule_ids_.end()) return last_rule_ = found->second;
  auto id = static_cast<std::uint32_t>(rules_.size());
  rules_.push_back(RuleStats{key_, 0, 0, 0, 0});
  rule_ids_.emplace(key_, id);
  return last_rule_ = id;
}

// The lines of a connection name the same HELO one after another: the last one found is
// tried first (an entry of a StrIndex stays where it is as the index grows).
LogStats::NameEntry& LogStats::name(std::string_view name) {
  if (!last_name_ || last_name_->first != name) last_name_ = &names_.get(name);
  return *last_name_;
}

NameStats& LogStats::counted_name(std::string_view n, std::string_view ip) {
  NameStats& stats = name(n).second;
  if (stats.last_ip != ip) stats.last_ip.assign(ip);
  return stats;
}

void LogStats::on_helo(const LogEvent& e, bool in) {
  Connection& c = connection(e);
  new_helo(c, &name(e.name));
  c.helo_rule = rule_id(e.rule);
  if (!in) return;
  ++helo_lines_;
  ++rules_[c.helo_rule].helos;
  ++counted_name(e.name, e.ip).helos;
}

// One refused RCPT: badhelo names the HELO; a DNS "blocked with" does not, the connection's
// earlier lines ($LOGHELO, or the DNS check's own line with L) may.
void LogStats::on_refusal(const LogEvent& e, bool in) {
  Connection& c = connection(e);
  std::uint32_t rule;
  if (e.type == Type::badhelo_refused) {
    if (!c.name || c.name->first != e.name) new_helo(c, &name(e.name));
    rule = badhelo_rule(c, e);
  } else {
    if (e.rule == log_words::rule::nohelo && c.name) new_helo(c, nullptr);
    rule = e.rule.empty() ? rule_id_of(log_words::kBlocked, e.pattern, "") : rule_id(e.rule);
  }
  refusal(c, rule, e, in);
}

// The pattern the line names ($LOGREGEX), else the one of the connection's "helo:" line.
std::uint32_t LogStats::badhelo_rule(const Connection& c, const LogEvent& e) {
  namespace rule = log_words::rule;
  if (!e.length.empty()) return rule_id_of(rule::kLonger, e.length, rule::kLongerEnd);
  if (!e.pattern.empty()) return rule_id_of(rule::kBadhelo, e.pattern, "");
  if (c.helo_rule != kNoRule && starts_with(rules_[c.helo_rule].rule, rule::badhelo))
    return c.helo_rule;
  return rule_id(rule::badhelo);
}

// The rule named by a + b + c, built in a buffer that keeps its memory.
std::uint32_t LogStats::rule_id_of(std::string_view a, std::string_view b, std::string_view c) {
  rule_key_.assign(a);
  rule_key_.append(b);
  rule_key_.append(c);
  return rule_id(rule_key_);
}

void LogStats::refusal(Connection& c, std::uint32_t rule, const LogEvent& e, bool in) {
  bool first = !c.refusal_counted;
  c.refusal_counted = true;
  if (!in) return;
  RuleStats& r = rules_[rule];
  ++r.rcpts;
  count_client(c, rule, e, first);
  if (!first) return;
  ++r.clients;
  if (!c.name) return;
  NameStats& n = c.name->second;
  if (n.last_ip != c.ip) n.last_ip.assign(c.ip);
  ++n.refused;
  for (auto& by : n.refused_by)
    if (by.first == rule) {
      ++by.second;
      return;
    }
  n.refused_by.emplace_back(rule, 1);
}

// The refused client: IP, HELO (or \1: unknown) and rule.
void LogStats::count_client(const Connection& c, std::uint32_t rule, const LogEvent& e,
                            bool first) {
  key_.assign(c.ip);
  key_ += '\t';
  if (c.name)
    key_ += c.name->first;
  else
    key_ += '\x01';
  key_ += '\t';
  key_.append(reinterpret_cast<const char*>(&rule), sizeof rule);
  ClientStats& client = clients_.get(key_).second;
  if (client.rule == kNoRule)
    client = ClientStats{c.ip, c.name ? c.name->first : std::string(), c.name != nullptr, rule,
                         0, 0, false, 0, 0};
  ++client.rcpts;
  if (first) ++client.connections;
  if (e.has_time) {
    if (!client.has_time || e.time < client.first) client.first = e.time;
    if (!client.has_time || e.time > client.last) client.last = e.time;
    client.has_time = true;
  }
}
