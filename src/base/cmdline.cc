#include "base/cmdline.h"

#include <cerrno>
#include <cstdlib>

bool parse_number(const char* s, unsigned long& value, unsigned long max) {
  char* end = nullptr;
  errno = 0;
  value = std::strtoul(s, &end, 10);
  return end != s && !*end && !errno && *s != '-' && value <= max;
}
