#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

#include "base/control.h"

BOOST_AUTO_TEST_SUITE(control)

BOOST_AUTO_TEST_CASE(reads_like_qmail_control_readfile) {
  auto lines = control_parse("# comment\n\n^bad \t\n  \n!\\.\t\nx\r\nlast-without-lf");
  BOOST_REQUIRE(lines.size() == 4u);
  BOOST_TEST(lines[0].text == "^bad");
  BOOST_TEST(lines[0].number == 3);
  BOOST_TEST(lines[1].text == "!\\.");
  BOOST_TEST(lines[1].number == 5);
  BOOST_TEST(lines[2].text == "x\r");  // qmail strips spaces and tabs, not CR
  BOOST_TEST(lines[3].text == "last-without-lf");
}

BOOST_AUTO_TEST_CASE(a_nul_ends_a_line_as_in_c) {
  auto lines = control_parse(std::string("ab\0cd\n\0x\n", 9));
  BOOST_REQUIRE(lines.size() == 1u);
  BOOST_TEST(lines[0].text == "ab");
}

BOOST_AUTO_TEST_CASE(missing_unreadable_and_present_files) {
  std::vector<ControlLine> lines;
  char dir[] = "/tmp/helowrap-control-XXXXXX";
  BOOST_REQUIRE(mkdtemp(dir) != nullptr);
  std::string d(dir);
  BOOST_TEST((control_readfile(d + "/none", lines) == ControlStatus::missing));
  BOOST_REQUIRE(mkdir((d + "/adir").c_str(), 0700) == 0);
  BOOST_TEST((control_readfile(d + "/adir", lines) == ControlStatus::unreadable));
  std::ofstream(d + "/badhelo") << "#x\n^a\n";
  BOOST_TEST((control_readfile(d + "/badhelo", lines) == ControlStatus::ok));
  BOOST_REQUIRE(lines.size() == 1u);
  BOOST_TEST(lines[0].text == "^a");
  std::remove((d + "/badhelo").c_str());
  rmdir((d + "/adir").c_str());
  rmdir(dir);
}

BOOST_AUTO_TEST_CASE(reads_a_number_like_qmail_control_readint) {
  auto scan = [](std::string_view contents) {
    unsigned long value = 1200;
    control_scan_ulong(contents, value);
    return value;
  };
  BOOST_TEST(scan("30\n") == 30u);
  BOOST_TEST(scan("30 seconds\n") == 30u);  // scan_ulong stops at the first non-digit
  BOOST_TEST(scan("0\n") == 0u);
  BOOST_TEST(scan("") == 1200u);  // no digit: the default stays
  BOOST_TEST(scan(" 30\n") == 1200u);
  BOOST_TEST(scan("\n30\n") == 1200u);  // only the first line counts
  BOOST_TEST(scan("-5\n") == 1200u);
  BOOST_TEST(scan("99999999999999999999999999\n") == std::numeric_limits<unsigned long>::max());
}

BOOST_AUTO_TEST_CASE(readint_missing_unreadable_and_present) {
  char dir[] = "/tmp/helowrap-control-XXXXXX";
  BOOST_REQUIRE(mkdtemp(dir) != nullptr);
  std::string d(dir);
  unsigned long value = 1200;
  BOOST_TEST((control_readint(d + "/timeoutsmtpd", value) == ControlStatus::missing));
  BOOST_TEST(value == 1200u);
  BOOST_REQUIRE(mkdir((d + "/adir").c_str(), 0700) == 0);
  BOOST_TEST((control_readint(d + "/adir", value) == ControlStatus::unreadable));
  std::ofstream(d + "/timeoutsmtpd") << "7\n";
  BOOST_TEST((control_readint(d + "/timeoutsmtpd", value) == ControlStatus::ok));
  BOOST_TEST(value == 7u);
  std::remove((d + "/timeoutsmtpd").c_str());
  rmdir((d + "/adir").c_str());
  rmdir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
