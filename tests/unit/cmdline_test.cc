#include <boost/test/unit_test.hpp>

#include "base/cmdline.h"

BOOST_AUTO_TEST_SUITE(cmdline)

BOOST_AUTO_TEST_CASE(option_numbers_are_decimal_within_their_bound) {
  unsigned long v = 0;
  BOOST_TEST(parse_number("86400", v, 86400));
  BOOST_TEST(v == 86400u);
  BOOST_TEST(parse_number("0", v, 100));
  BOOST_TEST(v == 0u);
  BOOST_TEST(!parse_number("86401", v, 86400));
  BOOST_TEST(!parse_number("", v));
  BOOST_TEST(!parse_number("10s", v));
  BOOST_TEST(!parse_number("-1", v));
  BOOST_TEST(!parse_number(" -1", v));  // strtoul skips the blank, then negates
  BOOST_TEST(!parse_number("-18446744073709551615", v));  // strtoul would make it 1
  BOOST_TEST(!parse_number("99999999999999999999999", v));  // out of range
  BOOST_TEST(parse_number("18446744073709551615", v));
}

BOOST_AUTO_TEST_CASE(time_limits_are_one_second_to_a_day) {
  unsigned s = 7;
  BOOST_TEST(parse_seconds("1", s));
  BOOST_TEST(s == 1u);
  BOOST_TEST(parse_seconds("86400", s));
  BOOST_TEST(s == 86400u);
  BOOST_TEST(!parse_seconds("0", s));
  BOOST_TEST(!parse_seconds("86401", s));
  BOOST_TEST(!parse_seconds("1.5", s));
  BOOST_TEST(s == 86400u);  // untouched by a refused value
}

BOOST_AUTO_TEST_SUITE_END()
