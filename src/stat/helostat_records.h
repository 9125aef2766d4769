// helostat -t's records for scripts, one a line, its fields separated by tabs, the first
// naming the record (no field holds a tab: helowrap writes control characters as '?'):
//   stats    LINES COUNTED MALFORMED OTHER OUTSIDE FIRST LAST
//   helo     COUNT REFUSED NAME LAST_IP [RULE CONNECTIONS]...
//   refused  FIRST LAST IP NAME RULE CONNECTIONS RCPTS
//   rule     HELOS CONNECTIONS RCPTS LINE RULE
//   invalid  TIMES TEXT
// Times are "YYYY-MM-DD HH:MM:SS" in local time, or "-"; LINE is the pattern's line in
// control/badhelo, or "-"; NAME is "(unknown)" when the log does not name the HELO.
// helostat writes them (helostat_report.cc); helocheck -b reads the HELO names of the helo
// and refused records (whatif.cc), with this header alone.
#pragma once
#include <cstddef>
#include <string_view>

namespace helostat_record {

constexpr std::string_view kStats = "stats";
constexpr std::string_view kHelo = "helo";
constexpr std::string_view kRefused = "refused";
constexpr std::string_view kRule = "rule";
constexpr std::string_view kInvalid = "invalid";

constexpr std::string_view kUnknownName = "(unknown)";

// Where a record holds a HELO name and its client's IP: field numbers (the record's name is
// field 0), how many fields the record has, and whether its NAME may be kUnknownName.
struct NameFields {
  std::size_t name, ip, count;
  bool may_be_unknown;
};
constexpr NameFields kHeloName{3, 4, 5, false};  // then pairs of fields
constexpr NameFields kRefusedName{4, 3, 8, true};

inline bool known(std::string_view type) {
  return type == kStats || type == kHelo || type == kRefused || type == kRule ||
         type == kInvalid;
}

}  // namespace helostat_record
