#include "check/logline.h"

std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

LogPrefix::LogPrefix(long pid, std::string_view ip)
    : ip_(printable(ip)),
      prefix_("helowrap: pid " + std::to_string(pid) + " from " + ip_ + " ") {}
