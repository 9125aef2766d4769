// Which EHLO keywords helowrap relays correctly and so lets the client see (SPEC §3.8).
#pragma once
#include <string_view>

// `capability` is an EHLO reply line's text after "250-" or "250 ", e.g. "SIZE 10240000".
bool ehlo_keyword_allowed(std::string_view capability);
