// Reading one line of a qmail-smtpd log (multilog, with or without tai64nlocal) into the
// event helostat counts, free of I/O. It knows helowrap's lines (SPEC §4.6, §5.3, §7 and
// the $LOGHELO line), tcpserver's session start and end, and the HELO in
// qmail-smtpd/chkuser's "remote <HELO:HOST:IP>".
//
// The views in an event point into the line (or into the parser): they are valid until
// the next call of parse().
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "stat/logtime.h"

struct LogEvent {
  enum class Type {
    noise,           // a line helostat does not count (other programs, other helowrap lines)
    malformed,       // a line that looks like one helostat reads but is not well formed
                     // (a line of another program with a broken TAI64N label is noise)
    helo,            // $LOGHELO: "helo: <NAME> VERDICT"; rule = VERDICT
    badhelo_refused, // "badhelo: <NAME> at IP" [" matches pattern: P"]: one refused RCPT
    dns_blocked,     // "blocked with: MESSAGE [IP]": one refused RCPT; rule = G, A, ... or ""
    dns_name,        // a DNS check's log line naming the HELO (for a later "blocked with")
    no_helo,         // "No HELO sent from [IP]"
    invalid_pattern, // "badhelo: invalid pattern on line N: P"; name = "line N: P"
    remote,          // chkuser's "remote <HELO:HOST:IP>"
    session_start,   // "tcpserver: pid PID from IP"
    session_end,     // "tcpserver: end PID status S"
  };
  Type type = Type::noise;
  bool has_time = false;
  UnixTime time = 0;
  long pid = -1;
  std::string_view ip;
  std::string_view name;     // the HELO name as logged (control characters already '?')
  std::string_view rule;     // helo: the verdict; dns_blocked: the rule it stands for
  std::string_view pattern;  // badhelo_refused: the pattern, when the line names it;
                             // dns_blocked: the MESSAGE
  std::string_view length;   // badhelo_refused: "16384" for a HELO longer than that
};

class LogParser {
 public:
  // The patterns of control/badhelo (as logged: control characters '?'). Knowing them
  // settles the lines where a HELO name or a pattern contains "> badhelo " and the like.
  void set_patterns(const std::vector<std::string>& patterns);

  // The event of `line`, valid until the next call.
  const LogEvent& parse(std::string_view line);

 private:
  bool read_stamp(std::string_view& line, LogEvent& e, std::string_view& tai);
  static bool counted(LogEvent::Type t);
  void read_tai(std::string_view tai, LogEvent& e);
  void parse_helowrap(std::string_view text, LogEvent& e);
  void parse_event(std::string_view text, LogEvent& e);
  bool parse_helo(std::string_view rest, LogEvent& e) const;
  bool parse_refusal(std::string_view rest, LogEvent& e) const;

  LogEvent event_;
  Tai64nReader tai_;
  void parse_remote(std::string_view line, std::size_t at, LogEvent& e);

  LocalTimeReader local_;
  std::string remote_;  // the last chkuser HELO:HOST:IP read, where its HELO ends and IP starts
  std::size_t remote_helo_ = 0, remote_ip_ = 0;
  std::vector<std::string> patterns_;
};

// Splits "HELO:HOST:IP" of chkuser's remote <...>: HOST has no colon, IP is the longest
// suffix that is an IPv4 or IPv6 address, HELO (which may hold colons) is the rest.
bool split_remote(std::string_view text, std::string_view& helo, std::string_view& ip);
