// helostat's reports, free of I/O: a table for a terminal (with a small bar chart) or
// tab-separated records for scripts (helostat_records.h), from what LogStats counted.
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
