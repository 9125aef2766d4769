#include "base/cmdline.h"

#include <cerrno>
#include <cstdlib>

bool parse_number(const char* s, unsigned long& value, unsigned long max) {
  char* end = nullptr;
  errno = 0;
  value = std::strtoul(s, &end, 10);
  return end != s && !*end && !errno && *s != '-' && value <= max;
}

bool parse_seconds(const char* s, unsigned& seconds) {
  unsigned long v;
  if (!parse_number(s, v, 86400) || v == 0) return false;
  seconds = static_cast<unsigned>(v);
  return true;
}
