#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

#include "base/text.h"

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(prefixes_and_suffixes_by_literal_and_by_view) {
  std::string_view s = "badhelo: <x>";
  BOOST_TEST(starts_with(s, "badhelo"));
  BOOST_TEST(!starts_with(s, "badhelo:  "));
  BOOST_TEST(starts_with(s, std::string_view("badhelo: <")));
  BOOST_TEST(!starts_with("bad", std::string_view("badhelo")));
  BOOST_TEST(ends_with(s, "<x>"));
  BOOST_TEST(!ends_with(s, "<y>"));
  BOOST_TEST(ends_with(s, std::string_view(">")));
  BOOST_TEST(!ends_with(">", std::string_view("x>")));
  BOOST_TEST(starts_with(s, ""));
  BOOST_TEST(ends_with(s, ""));
}

BOOST_AUTO_TEST_CASE(case_is_folded_for_ascii_letters_only) {
  BOOST_TEST(ascii_lower(std::string("Mail.EXAMPLE.org")) == "mail.example.org");
  BOOST_TEST(ascii_lower(std::string("\xC4@[Z")) == "\xC4@[z");
  BOOST_TEST(equals_nocase("EHLO", "ehlo"));
  BOOST_TEST(!equals_nocase("EHLO", "ehl"));
  BOOST_TEST(!equals_nocase(std::string_view("ehl\0", 4), "ehlo"));
  BOOST_TEST(starts_with_nocase("IPv6:::1", "ipv6:"));
  BOOST_TEST(!starts_with_nocase("IPv", "ipv6:"));
  BOOST_TEST(!equals_nocase("@", "`"));  // one bit apart, not letters
}

BOOST_AUTO_TEST_SUITE_END()
