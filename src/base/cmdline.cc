#include "base/cmdline.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

bool parse_number(const char* s, unsigned long& value, unsigned long max) {
  char* end = nullptr;
  errno = 0;
  value = std::strtoul(s, &end, 10);
  // strtoul takes a sign after leading blanks and negates: " -1" would be ULONG_MAX
  return end != s && !*end && !errno && !std::strchr(s, '-') && value <= max;
}

bool parse_seconds(const char* s, unsigned& seconds) {
  unsigned long v;
  if (!parse_number(s, v, 86400) || v == 0) return false;
  seconds = static_cast<unsigned>(v);
  return true;
}
