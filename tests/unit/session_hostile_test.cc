// The attacks of issue 9 against the I/O-free session: lines longer than the limit behind
// a server that frames like exim, BDAT, floods of commands helowrap answers itself while the
// server is late, and anything after the reply to QUIT (SPEC §3.3a, §3.8, §3.9, §3.10).
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "session_wire.h"

namespace bdata = boost::unit_test::data;

namespace {

const char* kBlockEveryHelo = "!^never-matches$\n";
const std::string kLineTooLong = "500 sorry, line too long (#5.5.2)";
const std::string kUnimplemented = "502 unimplemented (#5.5.1)";
const std::string kBadHelo = "553 sorry, your HELO host name has been denied (#5.7.1)";

Wire exim_wire(BadHelo* badhelo, std::size_t chunk = 4096) {
  Wire w(badhelo_config(badhelo), chunk);
  w.server.exim = true;
  return w;
}

// Moves everything between the session, the server and a client that reads all it gets;
// returns what the client got.
std::string drain(SmtpSession& s, QmailModel& server, std::string from_server) {
  std::string got;
  for (bool moved = true; moved;) {
    moved = false;
    if (!s.to_server().empty()) {
      std::string bytes(s.to_server().data(), s.to_server().size());
      s.sent_to_server(bytes.size());
      from_server += server.feed(bytes);
      moved = true;
    }
    if (!from_server.empty() && s.server_room() > 0) {
      std::size_t n = std::min(s.server_room(), from_server.size());
      s.from_server(std::string_view(from_server).substr(0, n));
      from_server.erase(0, n);
      moved = true;
    }
    if (!s.to_client().empty()) {
      got.append(s.to_client().data(), s.to_client().size());
      s.sent_to_client(s.to_client().size());
      moved = true;
    }
  }
  return got;
}

int count(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<int>(std::count(v.begin(), v.end(), s));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(session_hostile)

// Finding 1: "NOOP" + padding + "RCPT TO:<...>" cut by exim at 16,384 bytes.
BOOST_DATA_TEST_CASE(over_long_line_never_reaches_exim,
                     bdata::make({std::size_t{16379}, std::size_t{16380}, std::size_t{16381},
                                  std::size_t{20000}, std::size_t{40000}}),
                     padding) {
  BadHeloFile f(kBlockEveryHelo);
  Wire w = exim_wire(&f.badhelo);
  w.client("EHLO dsl-1.example\r\nMAIL FROM:<a@example.org>\r\n");
  w.client("NOOP " + std::string(padding, 'x') + "RCPT TO:<victim@example.org>\r\nQUIT\r\n");
  BOOST_TEST(w.server.cut_lines == 0u);
  BOOST_TEST(w.count_verb("RCPT") == 0);
  for (const auto& line : w.server.lines) BOOST_TEST(!could_be_rcpt(line));
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 5u);  // greeting, EHLO, MAIL, the long line, QUIT: one each
  BOOST_TEST(r[3] == (padding + 33 > SmtpSession::kLineLimit ? kLineTooLong : std::string("250 ok")));
  BOOST_TEST(r[4] == "221 model.test");
}

BOOST_AUTO_TEST_CASE(line_of_exactly_the_limit_is_forwarded_whole) {
  BadHeloFile f("^never$\n");
  Wire w = exim_wire(&f.badhelo, 1000);
  std::string line = "NOOP " + std::string(SmtpSession::kLineLimit - 6, 'x') + "\r";
  BOOST_REQUIRE(line.size() == SmtpSession::kLineLimit);
  w.client("HELO good.example\r\n" + line + "\nNOOP\r\n");
  BOOST_TEST(w.server.cut_lines == 0u);
  BOOST_TEST(w.server.lines.size() == 3u);
  BOOST_TEST(w.server.lines[1] == line.substr(0, line.size() - 1));
  BOOST_TEST(count(w.replies(), "250 ok") == 2);
}

BOOST_AUTO_TEST_CASE(over_long_auth_response_is_cancelled) {
  BadHeloFile f("^never$\n");
  // The model answers AUTH 502; the barrier is driven by hand with a 334.
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x ESMTP\r\n");
  s.from_client("EHLO good.example\r\nAUTH LOGIN\r\n");
  s.from_server("250 x\r\n334 VXNlcm5hbWU6\r\n");
  std::string response = std::string(SmtpSession::kLineLimit + 100, 'A') + "\r\nNOOP\r\n";
  s.from_client(response);
  std::string to_server(s.to_server().data(), s.to_server().size());
  BOOST_TEST(to_server == "EHLO good.example\r\nAUTH LOGIN\r\n*\r\n");  // NOOP waits
  s.from_server("501 AUTH aborted\r\n");
  to_server.assign(s.to_server().data(), s.to_server().size());
  BOOST_TEST(to_server == "EHLO good.example\r\nAUTH LOGIN\r\n*\r\nNOOP\r\n");
  std::string got(s.to_client().data(), s.to_client().size());
  BOOST_TEST(got == "220 x ESMTP\r\n250 x\r\n334 VXNlcm5hbWU6\r\n501 AUTH aborted\r\n");
}

// Finding 2: BDAT is answered by helowrap, never forwarded, in every spelling.
BOOST_DATA_TEST_CASE(bdat_never_reaches_exim,
                     bdata::make({"BDAT 3\r\n", "bdat 3 LAST\r\n", "  BDAT 3\r\n",
                                  "NOOP\rBDAT 3\r\n"}),
                     bdat) {
  BadHeloFile f(kBlockEveryHelo);
  Wire w = exim_wire(&f.badhelo, 7);
  w.client("EHLO dsl-1.example\r\nMAIL FROM:<a@example.org>\r\n");
  w.client(std::string(bdat) + "XYZRCPT TO:<victim@example.org>\r\nQUIT\r\n");
  BOOST_TEST(w.count_verb("BDAT") == 0);
  BOOST_TEST(w.count_verb("RCPT") == 0);
  for (const auto& line : w.server.lines) BOOST_TEST(!could_be_bdat(line));
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 6u);
  BOOST_TEST(r[3] == kUnimplemented);
  BOOST_TEST(r[4] == kUnimplemented);  // the server's: XYZRCPT stayed a command of its own
  BOOST_TEST(w.server.lines.back() == "QUIT");
  BOOST_TEST(r[5] == "221 model.test");
}

BOOST_AUTO_TEST_CASE(bdat_of_a_good_client_is_answered_in_its_turn) {
  BadHeloFile f("^never$\n");
  Wire w(badhelo_config(&f.badhelo), 5);
  w.client("EHLO good.example\r\nMAIL FROM:<a@x>\r\nBDAT 5 LAST\r\nRSET\r\n");
  BOOST_TEST(w.count_verb("BDAT") == 0);
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 5u);
  BOOST_TEST(r[3] == kUnimplemented);
  BOOST_TEST(r[4] == "250 flushed");
}

// Finding 4: while the server owes its greeting, commands helowrap answers itself must not
// pile up replies without bound. Each flood: the session takes commands only while what it
// owes the client stays under its bound, and every reply comes, in order, once the server
// speaks and the client reads.
BOOST_DATA_TEST_CASE(floods_while_the_server_is_late_stay_bounded,
                     bdata::make({"STARTTLS\r\n", "BDAT 1\r\n", "RCPT TO:<v@x>\r\n", "long"}),
                     command) {
  BadHeloFile f(kBlockEveryHelo);
  SmtpSession s(badhelo_config(&f.badhelo));
  bool long_lines = std::string(command) == "long";
  std::string one = long_lines ? "NOOP " + std::string(SmtpSession::kLineLimit + 10, 'x') + "\r\n"
                               : std::string(command);
  std::string reply = long_lines ? kLineTooLong
                      : one[0] == 'S' ? "454 TLS not available due to local problem (#4.3.0)"
                      : one[0] == 'B' ? kUnimplemented
                                      : kBadHelo;
  s.from_client("HELO dsl-1.example\r\nMAIL FROM:<a@x>\r\n");
  std::size_t sent = 0;  // whole flood commands the session took in
  while (sent < 20000 && s.client_room() >= one.size()) {
    s.from_client(one);
    ++sent;
  }
  BOOST_TEST(sent < 20000u);  // it stopped reading
  BOOST_TEST(s.owed_to_client() <= SmtpSession::kBufferLimit + 64);
  BOOST_TEST(s.to_server().size() <= SmtpSession::kBufferLimit + 8);
  // The server finally speaks and the client reads: one reply each, in order.
  QmailModel server;
  std::string got = drain(s, server, server.greeting());
  std::vector<std::string> lines;
  for (std::size_t pos = 0, lf; (lf = got.find("\r\n", pos)) != std::string::npos; pos = lf + 2)
    lines.push_back(got.substr(pos, lf - pos));
  BOOST_REQUIRE(lines.size() == sent + 3);
  BOOST_TEST(lines[0] == "220 model.test ESMTP");
  BOOST_TEST(lines[1] == "250 model.test");
  BOOST_TEST(lines[2] == "250 ok");
  BOOST_TEST(count(lines, reply) == static_cast<int>(sent));
  BOOST_TEST(s.owed_to_client() == 0u);
}

// Finding 6: nothing after the reply to QUIT.
BOOST_AUTO_TEST_CASE(nothing_after_the_reply_to_quit) {
  BadHeloFile f(kBlockEveryHelo);
  Wire w(badhelo_config(&f.badhelo));
  w.client("EHLO dsl-1.example\r\nQUIT\r\nSTARTTLS\r\nSTARTTLS\r\nBDAT 1\r\nNOOP\r\n");
  auto r = w.replies();
  BOOST_REQUIRE(!r.empty());
  BOOST_TEST(r.back() == "221 model.test");
  BOOST_TEST(count(r, "454 TLS not available due to local problem (#4.3.0)") == 0);
  BOOST_TEST(w.session.ended());
  BOOST_TEST(w.session.server_input_done());
  BOOST_TEST(w.session.client_room() == 0u);
}

// exim strips trailing blanks from a command: "STARTTLS\t" is STARTTLS to it, so it is one
// to helowrap too (refused for a blocked client), and "DATA\t" is a barrier.
BOOST_DATA_TEST_CASE(barrier_verbs_as_any_server_may_read_them,
                     bdata::make({"STARTTLS\t\r\n", "STARTTLS\x0b\r\n", " STARTTLS\r\n",
                                  "STARTTLS\r\r\n"}),
                     starttls) {
  BadHeloFile f(kBlockEveryHelo);
  Wire w(badhelo_config(&f.badhelo));
  w.client(std::string("EHLO dsl-1.example\r\n") + starttls + "NOOP\r\n");
  BOOST_TEST(w.server.lines.size() == 2u);  // EHLO and NOOP only
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 4u);
  BOOST_TEST(r[2] == "454 TLS not available due to local problem (#4.3.0)");
}

BOOST_AUTO_TEST_CASE(data_with_a_trailing_tab_is_a_barrier) {
  BadHeloFile f("^never$\n");
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x ESMTP\r\n");
  s.from_client("HELO good.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\t\r\nRCPT TO:<c@x>\r\n");
  std::string sent(s.to_server().data(), s.to_server().size());
  BOOST_TEST(sent.find("DATA\t\r\n") != std::string::npos);
  BOOST_TEST(sent.find("<c@x>") == std::string::npos);  // held until the server's reply
}

BOOST_AUTO_TEST_CASE(a_huge_helo_name_is_logged_by_its_start) {
  BadHeloFile f("^localhost\n");
  Wire w(badhelo_config(&f.badhelo));
  w.client("HELO localhost" + std::string(16000, 'a') + "\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_REQUIRE(!w.log.empty());
  for (const auto& line : w.log) BOOST_TEST(line.size() < 400u);  // 255 of the name
  BOOST_TEST(w.log.back().find("badhelo: <localhost") != std::string::npos);
  BOOST_TEST(w.log.back().find("a> at 192.0.2.7") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
