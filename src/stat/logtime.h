// Time in the logs helostat reads: multilog's TAI64N labels, tai64nlocal's local time, and
// the periods of -s and -u. Times are Unix seconds; they are shown in local time, as
// tai64nlocal shows them (TZ=UTC0 for UTC).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using UnixTime = std::int64_t;

// "@4000000068a1b2c3d4e5f6a7" (the '@' and 24 hex digits): the second it names, as
// tai64nlocal computes it (label - 2^62 - 10). nullopt if it is not a TAI64N label.
std::optional<UnixTime> tai64n_seconds(std::string_view stamp);

// The same, remembering the last second it decoded: the lines of one second share it.
class Tai64nReader {
 public:
  std::optional<UnixTime> read(std::string_view stamp);

 private:
  bool same_second(std::string_view stamp) const;

  char second_[17] = {};  // "@" and the 16 hex digits of the seconds
  UnixTime seconds_ = 0;
  bool cached_ = false;
};

// "YYYY-MM-DD HH:MM:SS" with an optional ".fraction", as tai64nlocal writes, read as
// local time. It remembers the last minute it converted, so that reading a log costs one
// mktime per minute of log, not one per line.
class LocalTimeReader {
 public:
  // The length of the stamp at the start of `line` (0 if there is none) and its time.
  std::size_t read(std::string_view line, UnixTime& t);

 private:
  char minute_[16] = {};  // "YYYY-MM-DD HH:MM" of the cached minute
  UnixTime minute_start_ = 0;
  bool cached_ = false;
};

// A span of time [start, end).
struct Period {
  UnixTime start;
  UnixTime end;
};

// What -s and -u accept: "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS" (a 'T'
// may stand for the space), "today", "yesterday", "year" (this calendar year), in local
// time. Each names a period: a day, a minute, a second, today, yesterday, this year.
// -s takes its start, -u its end.
std::optional<Period> parse_period(std::string_view spec, UnixTime now);

// "YYYY-MM-DD HH:MM:SS" in local time.
std::string format_local(UnixTime t);
