#include <boost/test/unit_test.hpp>

#include "badhelo.h"

namespace {
std::string verdict(BadHelo& b, std::string_view name) {
  std::vector<std::string> invalid;
  auto m = b.match(name, invalid);
  return m ? m->pattern : "";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(badhelo)

BOOST_AUTO_TEST_CASE(unanchored_case_insensitive_extended) {
  BadHelo b(control_parse("mail\n^(dsl|ppp)[0-9]+\\.\n"));
  BOOST_TEST(verdict(b, "mail.bigcompany.com") == "mail");
  BOOST_TEST(verdict(b, "MX.MAIL.example") == "mail");
  BOOST_TEST(verdict(b, "PPP12.example") == "^(dsl|ppp)[0-9]+\\.");
  BOOST_TEST(verdict(b, "ppp.example") == "");
}

BOOST_AUTO_TEST_CASE(negation_and_first_match_decides) {
  BadHelo b(control_parse("!\\.\n^localhost$\nhost\n"));
  BOOST_TEST(verdict(b, "dotless") == "!\\.");
  BOOST_TEST(verdict(b, "localhost") == "!\\.");
  BOOST_TEST(verdict(b, "host.example") == "host");
  BOOST_TEST(verdict(b, "mail.example") == "");
}

BOOST_AUTO_TEST_CASE(invalid_pattern_is_skipped_and_reported_once) {
  BadHelo b(control_parse("# c\n(unclosed\n[z-a]\nbad\n"));
  std::vector<std::string> invalid;
  auto m = b.match("bad.example", invalid);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->pattern == "bad");
  BOOST_REQUIRE(invalid.size() == 2u);
  BOOST_TEST(invalid[0] == "badhelo: invalid pattern on line 2: (unclosed");
  BOOST_TEST(invalid[1] == "badhelo: invalid pattern on line 3: [z-a]");
  invalid.clear();
  b.match("other.example", invalid);
  BOOST_TEST(invalid.empty());
}

BOOST_AUTO_TEST_CASE(posix_classes_and_intervals) {
  BadHelo b(control_parse("^[[:digit:]]{1,3}([.-][[:digit:]]{1,3}){3}\n"));
  BOOST_TEST(verdict(b, "192-0-2-1.dyn.example") != "");
  BOOST_TEST(verdict(b, "mail.example") == "");
}

BOOST_AUTO_TEST_CASE(empty_file_is_off) {
  BadHelo b(control_parse("# only comments\n\n"));
  BOOST_TEST(!b.enabled());
}

BOOST_AUTO_TEST_SUITE_END()
