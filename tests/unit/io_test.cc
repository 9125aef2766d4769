#include <boost/test/unit_test.hpp>

#include <csignal>
#include <string>
#include <unistd.h>

#include "base/io.h"

BOOST_AUTO_TEST_SUITE(io)

BOOST_AUTO_TEST_CASE(write_all_then_read_some_through_a_pipe) {
  int p[2];
  BOOST_REQUIRE(pipe(p) == 0);
  BOOST_TEST(write_all(p[1], "helo example.org\r\n"));
  close(p[1]);
  std::string got;
  char buf[4];
  for (ssize_t r; (r = read_some(p[0], buf, sizeof buf)) > 0;)
    got.append(buf, static_cast<std::size_t>(r));
  close(p[0]);
  BOOST_TEST(got == "helo example.org\r\n");
}

BOOST_AUTO_TEST_CASE(write_all_is_false_on_a_closed_pipe) {
  int p[2];
  BOOST_REQUIRE(pipe(p) == 0);
  close(p[0]);
  auto old = std::signal(SIGPIPE, SIG_IGN);
  BOOST_TEST(!write_all(p[1], "x"));
  std::signal(SIGPIPE, old);
  close(p[1]);
}

BOOST_AUTO_TEST_SUITE_END()
