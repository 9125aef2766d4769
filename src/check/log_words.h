// Every line helowrap logs on stderr (SPEC §4.6, §5.3, §5.5, §7): its fixed words, the
// formatter each writer uses (the session, verdict_text, dnscheck, badhelo), and the tables
// helostat's parser (stat/logscan.cc) reads them back with. Rewording a line here rewords
// both sides; tests/unit/log_words_test.cc checks that they still meet.
#pragma once
#include <string>
#include <string_view>

// Bytes below 0x20 and 0x7f become '?', so a client-supplied name can never forge a log line.
std::string printable(std::string_view s);

// "helowrap: pid PID from IP " + event (SPEC §7).
class LogPrefix {
 public:
  LogPrefix(long pid, std::string_view ip);
  std::string line(std::string_view event) const { return prefix_ + std::string(event); }
  const std::string& ip() const { return ip_; }

 private:
  std::string ip_;
  std::string prefix_;
};

namespace log_words {

constexpr std::string_view kPid = "helowrap: pid ", kFrom = "from ";

// The rules a verdict names: in "helo: <NAME> RULE" and in helostat's reports.
namespace rule {
constexpr std::string_view ok = "ok", trusted = "trusted", tempfail = "tempfail", G = "G",
                           A = "A", N = "N", B = "B";
constexpr std::string_view nohelo = "nohelo";    // helostat's: a RCPT before any HELO
constexpr std::string_view badhelo = "badhelo";  // helostat's, when no pattern is known
constexpr std::string_view kBadhelo = "badhelo ";                     // + PATTERN
constexpr std::string_view kLonger = "badhelo (longer than ", kLongerEnd = " bytes)";
// The rules of a "helo:" line other than the badhelo ones.
constexpr std::string_view kVerdicts[] = {ok, trusted, tempfail, G, A, N, B};
}  // namespace rule

std::string badhelo_rule(std::string_view pattern);  // "badhelo PATTERN"
std::string badhelo_too_long_rule(std::string_view limit);  // "badhelo (longer than N bytes)"

// $LOGHELO: "helo: <NAME> RULE".
constexpr std::string_view kHelo = "helo: <", kHeloEnd = "> ";
std::string helo(std::string_view name, std::string_view rule);

// A refused RCPT (SPEC §4.6): "badhelo: <NAME> at IP" [" matches pattern: PATTERN"], or for a
// HELO longer than a command line, "badhelo: <START...> at IP HELO longer than N bytes".
constexpr std::string_view kRefusal = "badhelo: <", kAt = "> at ",
                           kMatches = " matches pattern: ", kCut = "...",
                           kLongerThan = " HELO longer than ", kBytes = " bytes";
std::string badhelo_refusal(std::string_view name, std::string_view ip);
std::string badhelo_refusal(std::string_view name, std::string_view ip, std::string_view pattern);
std::string badhelo_too_long(std::string_view start, std::string_view ip, std::string_view limit);

// control/badhelo's diagnostics: "badhelo: invalid pattern on line N (REASON): TEXT" and
// "badhelo: pattern on line N gave up (WHY), counted as matching: TEXT".
constexpr std::string_view kInvalidPattern = "badhelo: invalid pattern on ";
std::string invalid_pattern(int line, std::string_view reason, std::string_view text);
constexpr std::string_view kGaveUp = " gave up (";  // tells a give-up from an invalid line
std::string pattern_gave_up(int line, std::string_view why, std::string_view text);

// The DNS checks' messages: "553 sorry, MESSAGE (#5.7.1)" to the client and
// "blocked with: MESSAGE [IP]" in the log, as helodnscheck writes them (SPEC §5.3).
namespace message {
constexpr std::string_view malformed = "malformed HELO/EHLO hostname";
constexpr std::string_view not_solving = "invalid host name in HELO/EHLO command.";
constexpr std::string_view localhost = "localhost HELO/EHLO doesn't match IP";
constexpr std::string_view ours = "HELO doesn't match IP";
constexpr std::string_view mismatch =
    "HELO/EHLO command must provide FQDN that match your IP address.";
constexpr std::string_view tempfail = "temporary failure checking HELO/EHLO host name";
constexpr std::string_view no_helo = "no HELO/EHLO hostname has been sent.";
}  // namespace message

constexpr std::string_view kBlocked = "blocked with: ", kIpOpen = " [", kIpClose = "]";
std::string blocked_with(std::string_view message, std::string_view ip);

// Which rule a "blocked with:" message stands for (G, A, N, B, tempfail, nohelo), or "".
struct Blocked {
  std::string_view message, rule;
};
constexpr Blocked kBlockedRules[] = {
    {message::malformed, rule::G},  {message::not_solving, rule::A},
    {message::localhost, rule::N},  {message::ours, rule::N},
    {message::mismatch, rule::B},   {message::tempfail, rule::tempfail},
    {message::no_helo, rule::nohelo},
};
std::string_view blocked_rule(std::string_view message);

// The DNS checks' lines that name the HELO: PREFIX NAME MIDDLE IP END (SPEC §5.3, §5.5).
struct DnsLine {
  std::string_view prefix, middle, end;
};
constexpr DnsLine kMalformedLine = {"malformed HELO/EHLO [", "] from [", "]"};
constexpr DnsLine kLocalhostLine = {"invalid HELO/EHLO [", "] from [", "]"};
constexpr DnsLine kNotSolvingLine = {"HELO [", "] from [", "] doesn't solve"};
constexpr DnsLine kOursLine = {"HELO [", "] is a local domain but IP [", "] is not a RELAYCLIENT"};
constexpr DnsLine kMismatchLine = {"HELO [", "] doesn't match IP [", "]"};
constexpr DnsLine kLetGoLine = {"HELO [", "] DNS CHECK for IP [",
                                "] temporary failed, but let it go"};
constexpr DnsLine kTempfailLine = {"HELO [", "] DNS CHECK for IP [", "] temporary failed"};
// The lines whose second field is the client's IP, in the order helostat tries them.
constexpr DnsLine kClientLines[] = {kMalformedLine, kLocalhostLine, kNotSolvingLine, kOursLine,
                                    kMismatchLine,  kLetGoLine,     kTempfailLine};
// "HELO [NAME] resolves to loopback [ADDRESS], let it go": the address is the name's.
constexpr DnsLine kLoopbackLine = {"HELO [", "] resolves to loopback [", "], let it go"};
std::string dns_line(const DnsLine& line, std::string_view name, std::string_view ip);

// "No HELO sent from [IP]": a RCPT before any HELO, with L.
constexpr std::string_view kNoHelo = "No HELO sent from [";
std::string no_helo(std::string_view ip);

constexpr std::string_view kDebug = "debug: ";  // + free text, with D (SPEC §5.7)
constexpr std::string_view kBareLfEvent = "bare LF in message: 451 and disconnect";

}  // namespace log_words
