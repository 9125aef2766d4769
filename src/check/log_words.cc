#include "check/log_words.h"

#include <initializer_list>

std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

LogPrefix::LogPrefix(long pid, std::string_view ip) : ip_(printable(ip)) {
  prefix_.append(log_words::kPid).append(std::to_string(pid)).append(" ");
  prefix_.append(log_words::kFrom).append(ip_).append(" ");
}

namespace log_words {

namespace {

// Joins the parts; client- and file-supplied ones go through printable() first.
std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

}  // namespace

std::string badhelo_rule(std::string_view pattern) {
  return join({rule::kBadhelo, printable(pattern)});
}

std::string badhelo_too_long_rule(std::string_view limit) {
  return join({rule::kLonger, limit, rule::kLongerEnd});
}

std::string helo(std::string_view name, std::string_view rule) {
  return join({kHelo, printable(name), kHeloEnd, rule});
}

std::string badhelo_refusal(std::string_view name, std::string_view ip) {
  return join({kRefusal, printable(name), kAt, printable(ip)});
}

std::string badhelo_refusal(std::string_view name, std::string_view ip, std::string_view pattern) {
  return join({kRefusal, printable(name), kAt, printable(ip), kMatches, printable(pattern)});
}

std::string badhelo_too_long(std::string_view start, std::string_view ip, std::string_view limit) {
  return join({kRefusal, printable(start), kCut, kAt, printable(ip), kLongerThan, limit, kBytes});
}

std::string invalid_pattern(int line, std::string_view reason, std::string_view text) {
  return join({kInvalidPattern, "line ", std::to_string(line), " (", reason, "): ",
               printable(text)});
}

std::string pattern_gave_up(int line, std::string_view why, std::string_view text) {
  return join({"badhelo: pattern on line ", std::to_string(line), kGaveUp, why,
               "), counted as matching: ", printable(text)});
}

std::string blocked_with(std::string_view message, std::string_view ip) {
  return join({kBlocked, message, kIpOpen, printable(ip), kIpClose});
}

std::string_view blocked_rule(std::string_view message) {
  for (const auto& b : kBlockedRules)
    if (message == b.message) return b.rule;
  return {};
}

std::string dns_line(const DnsLine& line, std::string_view name, std::string_view ip) {
  return join({line.prefix, printable(name), line.middle, printable(ip), line.end});
}

std::string no_helo(std::string_view ip) { return join({kNoHelo, printable(ip), kIpClose}); }

}  // namespace log_words
