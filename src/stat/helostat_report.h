// helostat's reports, free of I/O: a table for a terminal (with a small bar chart) or
// tab-separated records for scripts, from what LogStats counted.
//
// Tab-separated records, one a line, the first field naming the record (no field holds a
// tab: helowrap writes control characters as '?'):
//   stats    LINES COUNTED MALFORMED OTHER OUTSIDE FIRST LAST
//   helo     COUNT REFUSED NAME LAST_IP [RULE CONNECTIONS]...
//   refused  FIRST LAST IP NAME RULE CONNECTIONS RCPTS
//   rule     HELOS CONNECTIONS RCPTS LINE RULE
//   invalid  TIMES TEXT
// Times are "YYYY-MM-DD HH:MM:SS" in local time, or "-"; LINE is the pattern's line in
// control/badhelo, or "-"; NAME is "(unknown)" when the log does not name the HELO.
#pragma once
#include <cstddef>
#include <string>

#include "stat/logstats.h"

struct ReportOptions {
  bool tab = false;         // records for scripts instead of tables
  std::size_t limit = 20;   // rows of the names and the refused clients; 0: all
  bool names = true;        // HELO names ranked by count
  bool clients = true;      // refused clients, most recent first
  bool rules = true;        // per-rule and per-pattern totals
};

std::string render_report(const LogStats& stats, const ReportOptions& opt);

// "####" scaled so that `max` fills `width` (at least one '#' for a count above zero).
std::string bar(std::uint64_t n, std::uint64_t max, std::size_t width);
