#include "relay/ehlo_filter.h"

#include "base/text.h"

bool ehlo_keyword_allowed(std::string_view capability) {
  // "AUTH=LOGIN" is the old spelling some servers add for old clients: keyword AUTH.
  std::size_t end = capability.find_first_of(" =\r");
  std::string_view keyword = capability.substr(0, end);
  static const char* const allowed[] = {"PIPELINING", "8BITMIME", "SIZE", "STARTTLS",
                                        "AUTH", "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN",
                                        "HELP"};
  for (const char* a : allowed)
    if (equals_nocase(keyword, a)) return true;
  return false;
}
