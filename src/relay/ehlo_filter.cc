#include "relay/ehlo_filter.h"

#include <strings.h>

bool ehlo_keyword_allowed(std::string_view capability) {
  // "AUTH=LOGIN" is the old spelling some servers add for old clients: keyword AUTH.
  std::size_t end = capability.find_first_of(" =\r");
  std::string_view keyword = capability.substr(0, end);
  static const char* const allowed[] = {"PIPELINING", "8BITMIME", "SIZE", "STARTTLS",
                                        "AUTH", "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN",
                                        "HELP"};
  for (const char* a : allowed) {
    std::string_view av(a);
    if (keyword.size() == av.size() && strncasecmp(keyword.data(), a, av.size()) == 0)
      return true;
  }
  return false;
}
