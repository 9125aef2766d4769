#include "stat/logscan.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstdint>
#include <cstring>

#include "base/text.h"
#include "check/log_words.h"

namespace {

using Type = LogEvent::Type;

// Whether s ends with a + b + c, without building the string.
bool ends_with3(std::string_view s, std::string_view a, std::string_view b, std::string_view c) {
  if (s.size() < a.size() + b.size() + c.size() || !ends_with(s, c)) return false;
  s.remove_suffix(c.size());
  if (!ends_with(s, b)) return false;
  s.remove_suffix(b.size());
  return ends_with(s, a);
}

// The last `needle` in `s` that starts before `end`, or npos: memrchr finds the candidates
// (string_view::rfind compares at every position).
std::size_t last(std::string_view s, std::string_view needle,
                 std::size_t end = std::string_view::npos) {
  if (needle.size() > s.size()) return std::string_view::npos;
  std::size_t n = std::min(end, s.size() - needle.size() + 1);
  while (n > 0) {
    const void* p = memrchr(s.data(), needle[0], n);
    if (!p) break;
    auto at = static_cast<std::size_t>(static_cast<const char*>(p) - s.data());
    if (s.compare(at, needle.size(), needle) == 0) return at;
    n = at;
  }
  return std::string_view::npos;
}

// Whether none of the 24 characters of a TAI64N label is below '0' (a space, a cut label):
// a quick test of 8 bytes at a time; read_tai checks the hex digits of the lines counted.
bool plausible_label(const char* p) {
  for (int i = 0; i < 3; ++i) {
    std::uint64_t w;
    std::memcpy(&w, p + 8 * i, 8);
    if ((w - 0x3030303030303030ULL) & ~w & 0x8080808080808080ULL) return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// helowrap writes names with control characters as '?': one that has them was not written
// by helowrap.
bool printable_text(std::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

long parse_pid(std::string_view s) {
  if (s.empty() || s.size() > 9) return -1;
  long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool address_char(char c) {
  char lower = static_cast<char>(c | 0x20);
  return (c >= '0' && c <= '9') || (lower >= 'a' && lower <= 'f') || c == '.' || c == ':';
}

// The common case without a copy: a dotted quad of decimal numbers up to 255 (no leading
// zeros, as inet_pton wants it).
bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t start = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) return false;
    if (++parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

bool is_ip(std::string_view s) {
  if (s.find(':') == std::string_view::npos) return is_ipv4(s);
  char buf[64];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

// helowrap's words (check/log_words.h), as helostat reads them.
namespace words = log_words;
namespace rule = log_words::rule;
// "> badhelo " and "> badhelo (longer than " end the name in a "helo:" line.
const std::string kBadheloCut = std::string(words::kHeloEnd) + std::string(rule::kBadhelo);
const std::string kLongerCut = std::string(words::kHeloEnd) + std::string(rule::kLonger);

// Whether s starts with one of the words: its length is a constant, so the compiler
// compares inline, as with a literal (every line of the log is tried).
template <const std::string_view& word>
bool starts_with_word(std::string_view s) {
  return s.size() >= word.size() && std::memcmp(s.data(), word.data(), word.size()) == 0;
}

// "HELO [NAME] resolves to loopback [ADDRESS], let it go": the address is the name's.
bool parse_loopback(std::string_view text, LogEvent& e) {
  const words::DnsLine& l = words::kLoopbackLine;
  if (!starts_with(text, l.prefix) || !ends_with(text, l.end)) return false;
  std::size_t m = text.rfind(l.middle);
  if (m == std::string_view::npos || m < l.prefix.size()) return false;
  e.name = text.substr(l.prefix.size(), m - l.prefix.size());
  e.type = printable_text(e.name) ? Type::dns_name : Type::malformed;
  return true;
}

bool parse_dns_name(std::string_view text, LogEvent& e) {
  if (parse_loopback(text, e)) return true;
  bool known_prefix = false;
  for (const auto& d : words::kClientLines) {
    if (!starts_with(text, d.prefix)) continue;
    known_prefix = true;
    if (text.size() < d.prefix.size() + d.middle.size() + e.ip.size() + d.end.size() ||
        !ends_with3(text, d.middle, e.ip, d.end))
      continue;
    e.name = text.substr(d.prefix.size(), text.size() - d.prefix.size() - d.middle.size() -
                                              e.ip.size() - d.end.size());
    e.type = printable_text(e.name) ? Type::dns_name : Type::malformed;
    return true;
  }
  if (known_prefix) e.type = Type::malformed;
  return known_prefix;
}

bool parse_blocked(std::string_view text, LogEvent& e) {
  if (!starts_with_word<words::kBlocked>(text)) return false;
  text.remove_prefix(words::kBlocked.size());
  std::size_t ip_size = words::kIpOpen.size() + e.ip.size() + words::kIpClose.size();
  if (!ends_with3(text, words::kIpOpen, e.ip, words::kIpClose) || text.size() == ip_size) {
    e.type = Type::malformed;
    return true;
  }
  e.pattern = text.substr(0, text.size() - ip_size);
  e.rule = words::blocked_rule(e.pattern);
  e.type = Type::dns_blocked;
  return true;
}

// "tcpserver: pid PID from IP" and "tcpserver: end PID status S".
void parse_tcpserver(std::string_view text, LogEvent& e) {
  bool start = starts_with(text, "pid ");
  if (!start && !starts_with(text, "end ")) return;
  text.remove_prefix(4);
  std::size_t sp = text.find(' ');
  if (sp == std::string_view::npos) return;
  std::string_view rest = text.substr(sp + 1);
  if (!(start ? starts_with(rest, "from ") : starts_with(rest, "status "))) return;
  e.pid = parse_pid(text.substr(0, sp));
  if (e.pid < 0) return;
  if (start) e.ip = rest.substr(5);
  e.type = start ? Type::session_start : Type::session_end;
}

// Where "remote <" is in the line: at a '<' (few in a line, memchr finds them fast).
std::size_t find_remote(std::string_view line) {
  const char* p = line.data();
  const char* end = p + line.size();
  while (const void* lt = std::memchr(p, '<', static_cast<std::size_t>(end - p))) {
    auto at = static_cast<std::size_t>(static_cast<const char*>(lt) - line.data());
    if (at >= 7 && std::memcmp(line.data() + at - 7, "remote ", 7) == 0) return at - 7;
    p = static_cast<const char*>(lt) + 1;
  }
  return std::string_view::npos;
}

}  // namespace

// chkuser: "... remote <HELO:HOST:IP> rcpt <...> ...". chkuser logs a line per recipient:
// the last HELO:HOST:IP read is remembered, and the next line that has the same is not
// read again.
void LogParser::parse_remote(std::string_view line, std::size_t at, LogEvent& e) {
  std::string_view rest = line.substr(at + 8);
  std::size_t end = rest.find("> rcpt <");
  if (end == std::string_view::npos) end = rest.rfind('>');
  if (end == std::string_view::npos) {
    e.type = Type::malformed;
    return;
  }
  std::string_view text = rest.substr(0, end);
  if (text.empty() || text != remote_) {
    std::string_view helo, ip;
    if (!split_remote(text, helo, ip) || !printable_text(helo)) {
      e.type = Type::malformed;
      return;
    }
    remote_.assign(text);
    remote_helo_ = helo.size();
    remote_ip_ = static_cast<std::size_t>(ip.data() - text.data());
  }
  e.name = text.substr(0, remote_helo_);
  e.ip = text.substr(remote_ip_);
  e.type = Type::remote;
}

bool split_remote(std::string_view text, std::string_view& helo, std::string_view& ip) {
  // An address has hex digits, dots and colons only: no suffix longer than those is one.
  std::size_t from = text.size();
  while (from > 0 && address_char(text[from - 1])) --from;
  std::size_t best = std::string_view::npos;  // the colon before the longest IP suffix
  for (std::size_t c = text.size(); c > from;) {
    if (text[--c] == ':' && is_ip(text.substr(c + 1))) best = c;
  }
  if (best == std::string_view::npos || best == 0) return false;
  const void* colon = memrchr(text.data(), ':', best);  // HOST has no colon
  if (!colon) return false;
  auto host_colon = static_cast<std::size_t>(static_cast<const char*>(colon) - text.data());
  helo = text.substr(0, host_colon);
  ip = text.substr(best + 1);
  return true;
}

void LogParser::set_patterns(const std::vector<std::string>& patterns) {
  patterns_ = patterns;
}

const LogEvent& LogParser::parse(std::string_view line) {
  LogEvent& e = event_;  // reset field by field: cheaper than a new one, on every line
  e.type = Type::noise;
  e.has_time = false;
  e.time = 0;
  e.pid = -1;
  e.ip = e.name = e.rule = e.pattern = e.length = std::string_view();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view tai;
  if (!read_stamp(line, e, tai)) {
    e.type = Type::malformed;
    return e;
  }
  char first = line.empty() ? '\0' : line[0];
  if (first == 'h' && starts_with_word<words::kPid>(line)) {
    parse_helowrap(line.substr(words::kPid.size()), e);
  } else if (first == 't' && starts_with(line, "tcpserver: ")) {
    parse_tcpserver(line.substr(11), e);
  } else {
    std::size_t at = find_remote(line);
    if (at != std::string_view::npos) parse_remote(line, at, e);
  }
  if (!tai.empty() && counted(e.type)) read_tai(tai, e);
  return e;
}

// Only the lines that are counted need their time: the TAI64N label of the others is not
// even decoded, which is most of the work on most lines.
bool LogParser::counted(LogEvent::Type t) {
  return t != Type::noise && t != Type::malformed && t != Type::session_start &&
         t != Type::session_end;
}

void LogParser::read_tai(std::string_view tai, LogEvent& e) {
  auto t = tai_.read(tai);
  if (!t) {
    e.type = Type::malformed;
    return;
  }
  e.has_time = true;
  e.time = *t;
}

// Takes a TAI64N label (into `tai`, for read_tai) or a tai64nlocal time, and the space
// after it, off the line.
bool LogParser::read_stamp(std::string_view& line, LogEvent& e, std::string_view& tai) {
  if (!line.empty() && line[0] == '@') {
    if (line.size() < 25 || (line.size() > 25 && line[25] != ' ') ||
        !plausible_label(line.data() + 1))
      return false;
    tai = line.substr(0, 25);
    line.remove_prefix(line.size() > 25 ? 26 : 25);
    return true;
  }
  if (!line.empty() && line[0] >= '0' && line[0] <= '9') {
    UnixTime t;
    std::size_t n = local_.read(line, t);
    if (n > 0 && (n == line.size() || line[n] == ' ')) {
      e.has_time = true;
      e.time = t;
      line.remove_prefix(n == line.size() ? n : n + 1);
    }
  }
  return true;
}

// After "helowrap: pid ": "PID from IP EVENT".
void LogParser::parse_helowrap(std::string_view text, LogEvent& e) {
  e.type = Type::malformed;
  std::size_t sp = text.find(' ');
  if (sp == std::string_view::npos) return;
  e.pid = parse_pid(text.substr(0, sp));
  text.remove_prefix(sp + 1);
  if (e.pid < 0 || !starts_with_word<words::kFrom>(text)) return;
  text.remove_prefix(words::kFrom.size());
  sp = text.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return;
  e.ip = text.substr(0, sp);
  e.type = Type::noise;
  parse_event(text.substr(sp + 1), e);
}

// The event after "helowrap: pid PID from IP "; e.type is noise on entry.
void LogParser::parse_event(std::string_view text, LogEvent& e) {
  if (starts_with_word<words::kHelo>(text)) {
    e.type = parse_helo(text.substr(words::kHelo.size()), e) ? Type::helo : Type::malformed;
    return;
  }
  if (starts_with_word<words::kRefusal>(text)) {
    e.type = parse_refusal(text.substr(words::kRefusal.size()), e) ? Type::badhelo_refused
                                                                   : Type::malformed;
    return;
  }
  if (starts_with_word<words::kInvalidPattern>(text)) {
    e.name = text.substr(words::kInvalidPattern.size());
    e.type = Type::invalid_pattern;
    return;
  }
  if (parse_blocked(text, e)) return;
  if (ends_with3(text, words::kNoHelo, e.ip, words::kIpClose) &&
      text.size() == words::kNoHelo.size() + e.ip.size() + words::kIpClose.size()) {
    e.type = Type::no_helo;
    return;
  }
  parse_dns_name(text, e);
}

// "NAME> VERDICT": the name is the client's, so it may hold "> ok" or "> badhelo x"; the
// verdict is at the end of the line. A pattern is the administrator's: when one is known
// (-c), a line that ends with it is read with it first.
bool LogParser::parse_helo(std::string_view rest, LogEvent& e) const {
  std::size_t cut = std::string_view::npos;
  for (const auto& p : patterns_)
    if (ends_with3(rest, words::kHeloEnd, rule::kBadhelo, p) &&
        (cut == std::string_view::npos || rest.size() - p.size() - kBadheloCut.size() < cut))
      cut = rest.size() - p.size() - kBadheloCut.size();
  if (cut == std::string_view::npos) {
    std::size_t sp = rest.rfind(' ');
    if (sp != std::string_view::npos && sp > 0 && rest[sp - 1] == '>') {
      std::string_view last = rest.substr(sp + 1);
      for (auto v : rule::kVerdicts)
        if (last == v) cut = sp - 1;
    }
  }
  if (cut == std::string_view::npos) {
    std::size_t longer =
        ends_with(rest, rule::kLongerEnd) ? last(rest, kLongerCut) : std::string_view::npos;
    if (longer != std::string_view::npos) {
      std::string_view tail = rest.substr(longer + kLongerCut.size());
      if (ends_with(tail, rule::kLongerEnd) &&
          all_digits(tail.substr(0, tail.size() - rule::kLongerEnd.size())))
        cut = longer;
    }
  }
  if (cut == std::string_view::npos) cut = last(rest, kBadheloCut);
  if (cut == std::string_view::npos) return false;
  e.name = rest.substr(0, cut);
  e.rule = rest.substr(cut + words::kHeloEnd.size());
  return !e.rule.empty() && e.rule != rule::kBadhelo && printable_text(e.name);
}

// "NAME> at IP", "NAME> at IP matches pattern: P" or "NAME...> at IP HELO longer than N
// bytes". The pattern comes last: the last " matches pattern: " after "> at IP" starts
// it, unless a known pattern ends the line.
bool LogParser::parse_refusal(std::string_view rest, LogEvent& e) const {
  std::size_t at_len = words::kAt.size() + e.ip.size();  // "> at IP"
  auto name_before = [&](std::size_t end) {
    if (end < at_len) return false;
    std::string_view head = rest.substr(0, end);
    if (!ends_with3(head, words::kAt, e.ip, "")) return false;
    e.name = head.substr(0, head.size() - at_len);
    return printable_text(e.name);
  };
  if (ends_with3(rest, words::kAt, e.ip, "")) return name_before(rest.size());
  constexpr std::string_view matches = words::kMatches;
  for (const auto& p : patterns_)
    if (rest.size() >= p.size() + matches.size() && ends_with3(rest, matches, p, "") &&
        name_before(rest.size() - p.size() - matches.size())) {
      e.pattern = rest.substr(rest.size() - p.size());
      return true;
    }
  constexpr std::string_view longer = words::kLongerThan, bytes = words::kBytes;
  std::size_t l = ends_with(rest, bytes) ? last(rest, longer) : std::string_view::npos;
  if (l != std::string_view::npos && ends_with(rest, bytes)) {
    std::string_view n = rest.substr(l + longer.size());
    n.remove_suffix(bytes.size());
    if (all_digits(n) && name_before(l) && ends_with(e.name, words::kCut)) {
      e.name.remove_suffix(words::kCut.size());
      e.length = n;
      return true;
    }
  }
  for (std::size_t m = last(rest, matches); m != std::string_view::npos && m > 0;
       m = last(rest, matches, m)) {
    if (m + matches.size() < rest.size() && name_before(m)) {
      e.pattern = rest.substr(m + matches.size());
      return true;
    }
  }
  return false;
}
