// What the three programs' command lines share: qmail's exit statuses and option numbers.
#pragma once
#include <climits>

constexpr int kExitUsage = 100;  // a usage error: the command line is wrong
constexpr int kExitTemp = 111;   // a temporary failure: try again later

// A decimal number no larger than `max` (strtoul's syntax, no minus sign); false if `s` is
// anything else, `value` then unspecified.
bool parse_number(const char* s, unsigned long& value, unsigned long max = ULONG_MAX);

// A time limit in whole seconds, 1 to a day (helowrap's and helocheck's -t).
bool parse_seconds(const char* s, unsigned& seconds);
