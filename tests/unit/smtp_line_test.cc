#include <boost/test/unit_test.hpp>

#include "relay/ehlo_filter.h"
#include "relay/smtp_line.h"

BOOST_AUTO_TEST_SUITE(smtp_line)

BOOST_AUTO_TEST_CASE(split_like_qmail_commands) {
  auto c = split_command("HELO   mail.example \r");
  BOOST_TEST((c.verb == Verb::helo));
  BOOST_TEST(c.arg == "mail.example ");
  c = split_command("ehlo x\r\r");  // only one CR is dropped
  BOOST_TEST((c.verb == Verb::ehlo));
  BOOST_TEST(c.arg == "x\r");
  c = split_command(std::string_view("HELO a\0b", 8));
  BOOST_TEST(c.arg == "a");
  c = split_command(std::string_view("RCPT\0 TO:<x>", 12));
  BOOST_TEST((c.verb == Verb::rcpt));
  BOOST_TEST(c.arg == "");
  BOOST_TEST((split_command("rcpt").verb == Verb::rcpt));
  BOOST_TEST((split_command("RCPTTO:<x>").verb == Verb::other));
  BOOST_TEST((split_command("DATA").verb == Verb::data));
  BOOST_TEST((split_command("data x").verb == Verb::data));
  BOOST_TEST((split_command("StartTLS").verb == Verb::starttls));
  BOOST_TEST((split_command("AUTH LOGIN").verb == Verb::auth));
  BOOST_TEST((split_command("\tHELO x").verb == Verb::other));
  BOOST_TEST((split_command("").verb == Verb::other));
}

BOOST_AUTO_TEST_CASE(rcpt_candidates_include_what_other_servers_accept) {
  BOOST_TEST(could_be_rcpt("RCPT TO:<a@b>"));
  BOOST_TEST(could_be_rcpt(" rcpt to:<a@b>"));
  BOOST_TEST(could_be_rcpt("\t RcPtTo:<a@b>"));
  BOOST_TEST(could_be_rcpt("NOOP\rRCPT TO:<a@b>"));
  BOOST_TEST(could_be_rcpt(std::string_view("X\0RCPT", 6)));
  BOOST_TEST(!could_be_rcpt("MAIL FROM:<rcpt@b>"));
  BOOST_TEST(!could_be_rcpt("NOOP RCPT"));
  BOOST_TEST(!could_be_rcpt("RCP"));
  BOOST_TEST(!could_be_rcpt(""));
}

BOOST_AUTO_TEST_CASE(ehlo_allowlist) {
  for (const char* kw : {"PIPELINING", "8BITMIME", "SIZE 1000", "STARTTLS", "AUTH LOGIN PLAIN",
                         "AUTH=LOGIN", "ENHANCEDSTATUSCODES", "SMTPUTF8", "DSN", "HELP",
                         "pipelining"})
    BOOST_TEST(ehlo_keyword_allowed(kw), kw);
  for (const char* kw : {"CHUNKING", "BINARYMIME", "PRDR", "PIPECONNECT", "PIPE_CONNECT",
                         "XEXCH50", "SIZEX", "", "X-AUTH"})
    BOOST_TEST(!ehlo_keyword_allowed(kw), kw);
}

BOOST_AUTO_TEST_SUITE_END()
