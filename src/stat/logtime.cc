#include "stat/logtime.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

// tai64nlocal: a label is 2^62 + seconds; it takes 10 more off for the leap seconds of 1972.
constexpr std::uint64_t kTaiOffset = 4611686018427387914ULL;

struct HexTable {
  signed char value[256];
  constexpr HexTable() : value() {
    for (int i = 0; i < 256; ++i) value[i] = -1;
    for (int i = 0; i < 10; ++i) value['0' + i] = static_cast<signed char>(i);
    for (int i = 0; i < 6; ++i) {
      value['a' + i] = static_cast<signed char>(10 + i);
      value['A' + i] = static_cast<signed char>(10 + i);
    }
  }
};
constexpr HexTable kHex;

int hex_value(char c) { return kHex.value[static_cast<unsigned char>(c)]; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The number written by the digits s[pos, pos + n); the caller checked they are digits.
int number(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
  return v;
}

bool digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (!is_digit(s[pos + i])) return false;
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

struct Civil {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

bool valid(const Civil& c) {
  return c.year >= 1970 && c.year <= 9999 && c.month >= 1 && c.month <= 12 && c.day >= 1 &&
         c.day <= days_in_month(c.year, c.month) && c.hour <= 23 && c.minute <= 59 &&
         c.second <= 60;
}

// Local civil time to Unix time; day_offset and year_offset move it first (mktime
// normalises an out-of-range field).
UnixTime to_unix(const Civil& c, int day_offset = 0, int year_offset = 0) {
  std::tm tm{};
  tm.tm_year = c.year - 1900 + year_offset;
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day + day_offset;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  tm.tm_isdst = -1;
  return static_cast<UnixTime>(std::mktime(&tm));
}

Civil civil_of(UnixTime t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  Civil c;
  c.year = tm.tm_year + 1900;
  c.month = tm.tm_mon + 1;
  c.day = tm.tm_mday;
  c.hour = tm.tm_hour;
  c.minute = tm.tm_min;
  c.second = tm.tm_sec;
  return c;
}

// "YYYY-MM-DD" then optionally " HH:MM" and ":SS"; sets how much of it was given.
enum class Precision { none, day, minute, second };

Precision parse_civil(std::string_view s, Civil& c) {
  if (!digits_at(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits_at(s, 5, 2) ||
      s[7] != '-' || !digits_at(s, 8, 2))
    return Precision::none;
  c = Civil{number(s, 0, 4), number(s, 5, 2), number(s, 8, 2), 0, 0, 0};
  Precision p = Precision::day;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || s.size() < 16 || !digits_at(s, 11, 2) ||
        s[13] != ':' || !digits_at(s, 14, 2))
      return Precision::none;
    c.hour = number(s, 11, 2);
    c.minute = number(s, 14, 2);
    p = Precision::minute;
    if (s.size() > 16) {
      if (s.size() != 19 || s[16] != ':' || !digits_at(s, 17, 2)) return Precision::none;
      c.second = number(s, 17, 2);
      p = Precision::second;
    }
  }
  return valid(c) ? p : Precision::none;
}

Period day_period(Civil c, int day_offset) {
  c.hour = c.minute = c.second = 0;
  return {to_unix(c, day_offset), to_unix(c, day_offset + 1)};
}

}  // namespace

std::optional<UnixTime> tai64n_seconds(std::string_view stamp) {
  if (stamp.size() != 25 || stamp[0] != '@') return std::nullopt;
  std::uint64_t label = 0;
  int bad = 0;
  for (std::size_t i = 1; i < 25; ++i) {
    int v = hex_value(stamp[i]);
    bad |= v;
    if (i <= 16) label = label << 4 | static_cast<std::uint64_t>(v & 15);
  }
  if (bad < 0 || label < kTaiOffset || label - kTaiOffset > (std::uint64_t{1} << 40))
    return std::nullopt;
  return static_cast<UnixTime>(label - kTaiOffset);
}

bool Tai64nReader::same_second(std::string_view stamp) const {
  std::uint64_t a[2], b[2];
  std::memcpy(a, second_ + 1, 16);
  std::memcpy(b, stamp.data() + 1, 16);
  return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
}

std::optional<UnixTime> Tai64nReader::read(std::string_view stamp) {
  if (stamp.size() == 25 && cached_ && same_second(stamp)) {
    const char* n = stamp.data() + 17;  // the nanoseconds must be hex digits too
    int bad = hex_value(n[0]) | hex_value(n[1]) | hex_value(n[2]) | hex_value(n[3]) |
              hex_value(n[4]) | hex_value(n[5]) | hex_value(n[6]) | hex_value(n[7]);
    if (bad < 0) return std::nullopt;
    return seconds_;
  }
  auto t = tai64n_seconds(stamp);
  if (t) {
    std::memcpy(second_, stamp.data(), sizeof second_);
    seconds_ = *t;
    cached_ = true;
  }
  return t;
}

std::size_t LocalTimeReader::read(std::string_view line, UnixTime& t) {
  if (line.size() < 19 || !digits_at(line, 0, 4) || line[4] != '-' || line[7] != '-' ||
      line[10] != ' ' || line[13] != ':' || line[16] != ':' || !digits_at(line, 17, 2))
    return 0;
  if (!cached_ || std::memcmp(minute_, line.data(), sizeof minute_) != 0) {
    Civil c;
    if (parse_civil(line.substr(0, 16), c) != Precision::minute) return 0;
    minute_start_ = to_unix(c);
    std::memcpy(minute_, line.data(), sizeof minute_);
    cached_ = true;
  }
  int second = number(line, 17, 2);
  if (second > 60) return 0;
  t = minute_start_ + second;
  std::size_t len = 19;
  if (len < line.size() && line[len] == '.') {
    ++len;
    while (len < line.size() && is_digit(line[len])) ++len;
  }
  return len;
}

std::optional<Period> parse_period(std::string_view spec, UnixTime now) {
  Civil today = civil_of(now);
  if (spec == "today") return day_period(today, 0);
  if (spec == "yesterday") return day_period(today, -1);
  if (spec == "year") {
    Civil jan1{today.year, 1, 1, 0, 0, 0};
    return Period{to_unix(jan1), to_unix(jan1, 0, 1)};
  }
  Civil c;
  switch (parse_civil(spec, c)) {
    case Precision::none: return std::nullopt;
    case Precision::day: return day_period(c, 0);
    case Precision::minute: {
      UnixTime start = to_unix(c);
      return Period{start, start + 60};
    }
    case Precision::second: {
      UnixTime start = to_unix(c);
      return Period{start, start + 1};
    }
  }
  return std::nullopt;
}

std::string format_local(UnixTime t) {
  Civil c = civil_of(t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day,
                c.hour, c.minute, c.second);
  return buf;
}
