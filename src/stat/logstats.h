// What helostat counts in a log, free of I/O: per HELO name, per rule and pattern, per
// refused client. It keeps counters, never lines: its memory grows with the number of
// distinct names, rules and refused clients (and of connections open at once), not with
// the length of the log.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/control.h"
#include "stat/logscan.h"
#include "stat/strindex.h"

constexpr std::uint32_t kNoRule = UINT32_MAX;

struct RuleStats {
  std::string rule;           // ok, trusted, tempfail, G, A, N, B, nohelo, "badhelo PATTERN",
                              // "badhelo" (pattern not logged), "badhelo (longer than N bytes)"
  int line = 0;               // the pattern's line in control/badhelo (-c), else 0
  std::uint64_t helos = 0;    // HELOs given this verdict ($LOGHELO lines)
  std::uint64_t clients = 0;  // connections (HELOs) with at least one refused RCPT
  std::uint64_t rcpts = 0;    // refused RCPTs
};

struct NameStats {
  std::uint64_t helos = 0;    // $LOGHELO lines
  std::uint64_t remote = 0;   // chkuser "remote <...>" lines
  std::uint64_t refused = 0;  // connections with a refused RCPT under this HELO
  std::string last_ip;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> refused_by;  // rule, connections
};

struct ClientStats {
  std::string ip;
  std::string name;
  bool name_known = true;  // false: a DNS refusal whose HELO the log does not name
  std::uint32_t rule = kNoRule;
  std::uint64_t connections = 0;
  std::uint64_t rcpts = 0;
  bool has_time = false;
  UnixTime first = 0, last = 0;
};

struct LineCounts {
  std::uint64_t lines = 0;      // read
  std::uint64_t events = 0;     // counted: helowrap's and chkuser's lines in the window
  std::uint64_t malformed = 0;  // skipped
  std::uint64_t other = 0;      // lines of other programs, helowrap lines not counted
  std::uint64_t outside = 0;    // events outside the time window, or without a time
  bool has_time = false;        // first and last: the times of the events counted
  UnixTime first = 0, last = 0;
};

class LogStats {
 public:
  // What the names are ranked by: $LOGHELO lines when the log has any, else chkuser lines,
  // else refused connections.
  enum class Basis { helo, remote, refused };

  // The time window [since, until); either may be absent.
  LogStats(std::optional<UnixTime> since, std::optional<UnixTime> until);

  // -c: the patterns of control/badhelo, so that those that never matched are listed too.
  void set_patterns(const std::vector<ControlLine>& lines);

  void add(const LogEvent& e);

  const LineCounts& counts() const { return counts_; }
  const std::deque<std::pair<std::string, NameStats>>& names() const { return names_.entries(); }
  const std::vector<RuleStats>& rules() const { return rules_; }
  const std::deque<std::pair<std::string, ClientStats>>& clients() const {
    return clients_.entries();
  }
  const std::map<std::string, std::uint64_t>& invalid_patterns() const { return invalid_; }
  Basis basis() const;
  std::uint64_t count(const NameStats& n) const;

 private:
  using NameEntry = std::pair<std::string, NameStats>;

  struct Connection {  // what is known of the connection a pid serves
    long pid = -1;                      // -1: the slot is free
    std::string ip;
    NameEntry* name = nullptr;          // its HELO; null: not known
    std::uint32_t helo_rule = kNoRule;  // the verdict of its HELO, from a "helo:" line
    bool refusal_counted = false;       // its HELO has a refused RCPT already
    bool ended = false;                 // tcpserver logged its end
  };

  bool in_window(const LogEvent& e) const;
  bool not_counted(const LogEvent& e);
  void note(const LogEvent& e, bool in);
  Connection* find_connection(long pid);
  Connection& connection(const LogEvent& e);
  void reset(Connection& c, long pid, std::string_view ip);
  void new_helo(Connection& c, NameEntry* name);
  std::uint32_t rule_id(std::string_view rule);
  std::uint32_t rule_id_of(std::string_view a, std::string_view b, std::string_view c);
  NameEntry& name(std::string_view name);
  NameStats& counted_name(std::string_view name, std::string_view ip);
  void on_helo(const LogEvent& e, bool in);
  void on_refusal(const LogEvent& e, bool in);
  std::uint32_t badhelo_rule(const Connection& c, const LogEvent& e);
  void on_dns_name(const LogEvent& e);
  void on_no_helo(const LogEvent& e);
  void on_remote(const LogEvent& e);
  void refusal(Connection& c, std::uint32_t rule, const LogEvent& e, bool in);
  void count_client(const Connection& c, std::uint32_t rule, const LogEvent& e, bool first);

  std::optional<UnixTime> since_, until_;
  LineCounts counts_;
  StrIndex<NameStats> names_;
  std::vector<RuleStats> rules_;
  std::unordered_map<std::string, std::uint32_t> rule_ids_;
  StrIndex<ClientStats> clients_;
  std::map<std::string, std::uint64_t> invalid_;
  // Connections by pid, direct-mapped: two connections open at once whose pids are a
  // multiple of the table's size apart share a slot, and the older one is forgotten.
  std::vector<Connection> connections_;
  Connection* last_connection_ = nullptr;
  std::uint64_t helo_lines_ = 0, remote_lines_ = 0;
  std::string key_;       // scratch for lookups without allocating
  std::string rule_key_;  // the same, for rule_id_of
  NameEntry* last_name_ = nullptr;  // the name last looked up
  std::uint32_t last_rule_ = kNoRule;
};
