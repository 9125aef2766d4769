// The session's invariants, SPEC §3, each fed whole and split into 1- and 3-byte reads.
#include <boost/test/unit_test.hpp>
#include <boost/test/data/test_case.hpp>

#include "session_wire.h"

namespace bdata = boost::unit_test::data;

// A string literal with its NUL bytes, whole.
#define BYTES(lit) std::string(lit, sizeof(lit) - 1)

namespace {

const std::size_t kWhole = std::numeric_limits<std::size_t>::max();
const auto kChunks = bdata::make({kWhole, std::size_t{1}, std::size_t{3}});

const char* kBadHeloPatterns = "# test patterns\n^bad\\.\n!\\.\n";

SessionConfig dns_config(BadHelo* badhelo = nullptr) {
  SessionConfig c = badhelo_config(badhelo);
  c.dns_checks = true;
  return c;
}

Verdict dns_block() {
  return Verdict::block(Verdict::Rule::A);  // "553 sorry, invalid host name ..."
}

}  // namespace

BOOST_AUTO_TEST_SUITE(session)

BOOST_DATA_TEST_CASE(good_client_is_relayed_unchanged, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), chunk);
  std::string session =
      "EHLO mail.example.org\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
      "DATA\r\n";
  w.client(session);
  std::string body = "Subject: x\r\n\r\n..stuffed\r\nRCPT TO:<not-a-command@x>\r\n.\r\n";
  w.client(body);
  w.client("QUIT\r\n");
  BOOST_TEST(w.server_got == session + body + "QUIT\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 1);
  BOOST_REQUIRE(w.server.messages.size() == 1u);
  BOOST_TEST(w.server.messages[0] == "Subject: x\n\n.stuffed\nRCPT TO:<not-a-command@x>\n");
  std::vector<std::string> want = {"220 model.test ESMTP", "250 8BITMIME", "250 ok", "250 ok",
                                   "354 go ahead", "250 ok 1700000000 qp 1", "221 model.test"};
  BOOST_TEST(w.replies() == want, boost::test_tools::per_element());
  BOOST_TEST(w.log.empty());
}

BOOST_DATA_TEST_CASE(blocked_rcpt_becomes_noop_and_553, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo, true), chunk);
  w.client("HELO bad.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n"
           "RSET\r\nMAIL FROM:<a@x>\r\nRCPT TO:<d@x>\r\nQUIT\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 0);
  BOOST_TEST(w.count_verb("NOOP") == 3);
  std::vector<std::string> want = {
      "220 model.test ESMTP", "250 model.test", "250 ok",
      "553 sorry, your HELO host name has been denied (#5.7.1)",
      "553 sorry, your HELO host name has been denied (#5.7.1)", "503 RCPT first (#5.5.1)",
      "250 flushed", "250 ok", "553 sorry, your HELO host name has been denied (#5.7.1)",
      "221 model.test"};
  BOOST_TEST(w.replies() == want, boost::test_tools::per_element());
  BOOST_REQUIRE(w.log.size() == 3u);
  BOOST_TEST(w.log[0] == "helowrap: pid 42 from 192.0.2.7 badhelo: <bad.example> at 192.0.2.7 "
                         "matches pattern: ^bad\\.");
}

BOOST_DATA_TEST_CASE(log_line_without_logregex, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo, false), chunk);
  w.client("HELO dotless\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_REQUIRE(w.log.size() == 1u);
  BOOST_TEST(w.log[0] == "helowrap: pid 42 from 192.0.2.7 badhelo: <dotless> at 192.0.2.7");
}

BOOST_AUTO_TEST_CASE(anything_a_server_could_take_for_rcpt_is_judged) {
  BadHeloFile f(kBadHeloPatterns);
  const std::string lines[] = {
      "RCPT TO:<b@x>",  "rcpt to:<b@x>",        "RcPt",           "RCPT",
      "  RCPT TO:<b@x>", "\tRCPT TO:<b@x>",     "RCPTTO:<b@x>",   BYTES("RCPT\0TO:<x>"),
      "NOOP\rRCPT TO:<b@x>", BYTES("\0RCPT TO:<b@x>"), BYTES("NOOP\0RCPT TO:<x>")};
  for (const std::string& l : lines) {
    Wire w(badhelo_config(&f.badhelo));
    w.client("HELO bad.example\r\nMAIL FROM:<a@x>\r\n");
    w.client(l + "\r\n");
    BOOST_TEST_CONTEXT(printable(l)) {
      BOOST_TEST(w.count_verb("RCPT") == 0);
      BOOST_TEST(w.replies().size() == 4u);
      BOOST_TEST(w.replies().back() == "553 sorry, your HELO host name has been denied (#5.7.1)");
    }
  }
}

BOOST_AUTO_TEST_CASE(helo_name_is_split_as_qmail_splits_it) {
  // qmail's argument keeps trailing spaces and ends at a NUL: "bad.x " and "bad" are judged.
  BadHeloFile f("^bad\\.x $\n^bad$\n");
  Wire w(badhelo_config(&f.badhelo, true));
  w.client("HELO   bad.x \r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  w.client(BYTES("ehlo bad\0.example.org\r\nRCPT TO:<b@x>\r\n"));
  BOOST_REQUIRE(w.log.size() == 2u);
  BOOST_TEST(w.log[0].find("<bad.x > at 192.0.2.7 matches pattern: ^bad\\.x $") != std::string::npos);
  BOOST_TEST(w.log[1].find("<bad> at 192.0.2.7 matches pattern: ^bad$") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verdict_follows_latest_helo_rset_does_not_lift_it) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("HELO bad.example\r\nMAIL FROM:<a@x>\r\nRSET\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 0);
  w.client("EHLO good.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 1);
  w.client("HELO dotless\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 1);
}

BOOST_AUTO_TEST_CASE(no_helo_is_not_judged_by_badhelo) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 1);
}

BOOST_DATA_TEST_CASE(multiline_and_split_replies_keep_their_order, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), chunk);
  w.client("EHLO a.example\r\nEHLO bad.example\r\nHELO x.y\r\nNOOP\r\n");
  std::vector<std::string> want = {"220 model.test ESMTP", "250-model.test", "250-PIPELINING",
                                   "250 8BITMIME",         "250-model.test", "250-PIPELINING",
                                   "250 8BITMIME",         "250 model.test", "250 ok"};
  BOOST_TEST(w.reply_lines() == want, boost::test_tools::per_element());
}

BOOST_DATA_TEST_CASE(pipelined_burst_gets_one_reply_per_command_in_order, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), chunk);
  std::string burst = "EHLO bad.example\r\nMAIL FROM:<a@x>\r\n";
  for (int i = 0; i < 50; ++i) burst += (i % 2 ? "RCPT TO:<b@x>\r\n" : "NOOP\r\n");
  burst += "DATA\r\nQUIT\r\n";
  w.client(burst);
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 1u + 2 + 50 + 2);
  for (int i = 0; i < 50; ++i)
    BOOST_TEST(r[3 + i] == (i % 2 ? "553 sorry, your HELO host name has been denied (#5.7.1)"
                                  : "250 ok"));
  BOOST_TEST(r[53] == "503 RCPT first (#5.5.1)");
  BOOST_TEST(r[54] == "221 model.test");
  BOOST_TEST(w.count_verb("RCPT") == 0);
}

BOOST_DATA_TEST_CASE(pending_verdict_holds_the_line_not_the_session, kChunks, chunk) {
  Wire w(dns_config(), chunk);
  w.client("EHLO x.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nNOOP\r\nRCPT TO:<c@x>\r\n");
  auto request = w.session.take_dns_request();
  BOOST_REQUIRE(request.has_value());
  BOOST_TEST(request->name == "x.example");
  // EHLO and MAIL went through; the RCPT and all after it wait.
  BOOST_TEST(w.server.verbs == (std::vector<std::string>{"EHLO", "MAIL"}), boost::test_tools::per_element());
  BOOST_TEST(w.replies().size() == 3u);
  w.client("QUIT\r\n");  // read on while holding
  BOOST_TEST(w.server.verbs.size() == 2u);
  w.session.dns_verdict(request->generation, dns_block());
  w.pump();
  BOOST_TEST(w.server.verbs == (std::vector<std::string>{"EHLO", "MAIL", "NOOP", "NOOP", "NOOP", "QUIT"}),
             boost::test_tools::per_element());
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 7u);
  BOOST_TEST(r[3] == "553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)");
  BOOST_TEST(r[4] == "250 ok");
  BOOST_TEST(r[5] == "553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)");
  BOOST_TEST(w.log.size() == 2u);
}

BOOST_AUTO_TEST_CASE(answer_for_an_older_helo_is_ignored) {
  Wire w(dns_config());
  w.client("EHLO first.example\r\n");
  auto first = w.session.take_dns_request();
  w.client("EHLO second.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  auto second = w.session.take_dns_request();
  BOOST_REQUIRE(first && second);
  BOOST_TEST(first->generation != second->generation);
  w.session.dns_verdict(first->generation, dns_block());
  w.pump();
  BOOST_TEST(w.count_verb("RCPT") == 0);
  BOOST_TEST(w.count_verb("NOOP") == 0);  // still held
  w.session.dns_verdict(second->generation, Verdict::pass());
  w.pump();
  BOOST_TEST(w.count_verb("RCPT") == 1);
}

BOOST_AUTO_TEST_CASE(badhelo_block_does_not_wait_for_dns) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(dns_config(&f.badhelo));
  w.client("EHLO bad.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.replies().back() == "553 sorry, your HELO host name has been denied (#5.7.1)");
}

BOOST_AUTO_TEST_CASE(no_helo_verdict_applies_before_any_helo) {
  SessionConfig c = dns_config();
  c.no_helo = Verdict::block(Verdict::Rule::no_helo);
  Wire w(c);
  w.client("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.replies().back() == "553 sorry, no HELO/EHLO hostname has been sent. (#5.7.1)");
  BOOST_TEST(w.count_verb("RCPT") == 0);
}

BOOST_DATA_TEST_CASE(data_is_a_barrier_and_message_bytes_are_not_commands, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), chunk);
  w.client("HELO bad.example\r\nMAIL FROM:<a@x>\r\nDATA\r\nRCPT TO:<b@x>\r\n.\r\nQUIT\r\n");
  // DATA got 503 (no RCPT): the next line is a command again, and a blocked one.
  BOOST_TEST(w.count_verb("RCPT") == 0);
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 7u);
  BOOST_TEST(r[3] == "503 RCPT first (#5.5.1)");
  BOOST_TEST(r[4] == "553 sorry, your HELO host name has been denied (#5.7.1)");
  BOOST_TEST(r[5] == "502 unimplemented (#5.5.1)");  // the "." line
}

BOOST_DATA_TEST_CASE(message_containing_rcpt_lines_reaches_server_unchanged, kChunks, chunk) {
  BadHeloFile f("^never$\n");
  Wire w(badhelo_config(&f.badhelo), chunk);
  w.client("HELO good.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  std::string body = "RCPT TO:<evil@x>\r\n.\r\n";
  w.client(body + "QUIT\r\n");
  BOOST_REQUIRE(w.server.messages.size() == 1u);
  BOOST_TEST(w.server.messages[0] == "RCPT TO:<evil@x>\n");
}

BOOST_AUTO_TEST_CASE(pipelined_bytes_after_data_wait_for_354) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  // Feed the session by hand: nothing after DATA may reach the server before the reply.
  SmtpSession& s = w.session;
  s.from_client("HELO a.b\r\nDATA\r\nmessage line\r\n");
  std::string sent(s.to_server().data(), s.to_server().size());
  BOOST_TEST(sent == "HELO a.b\r\nDATA\r\n");
}

BOOST_DATA_TEST_CASE(bare_lf_in_message_ends_the_session, kChunks, chunk) {
  // Every end-of-data variant that some server could take for the end of the message.
  const char* smuggles[] = {"x\r\n.\nMAIL FROM:<a@x>\r\n", "x\n.\r\n", "x\n", "\n.\n",
                            "x\r\n..\n", "x\r\n.\n", "x\r.\r\n\n", "x\r\n.\r\r\n.\n"};
  for (const char* body : smuggles) {
    BadHeloFile f("^never$\n");
    Wire w(badhelo_config(&f.badhelo), chunk);
    w.client("HELO a.b\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
    w.client(body);
    BOOST_TEST_CONTEXT(printable(body)) {
      BOOST_TEST(w.session.ended());
      BOOST_TEST(w.session.server_input_done());
      BOOST_TEST(w.server.messages.empty());
      BOOST_TEST(w.replies().back() == "451 See https://cr.yp.to/docs/smtplf.html.");
      std::size_t data = w.server_got.find("DATA\r\n") + 6;
      std::string_view body_sent = std::string_view(w.server_got).substr(data);
      for (std::size_t i = 0; i < body_sent.size(); ++i)
        if (body_sent[i] == '\n') BOOST_TEST((i > 0 && body_sent[i - 1] == '\r'));
      // A lenient server, given what reached the server, queues nothing either.
      QmailModel lenient(true);
      lenient.feed(w.server_got);
      BOOST_TEST(lenient.messages.empty());
    }
  }
}

BOOST_DATA_TEST_CASE(commands_after_end_of_data_are_commands_again, kChunks, chunk) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), chunk);
  w.client("HELO a.b\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  w.client("x\r\n.\r\nHELO bad.example\nMAIL FROM:<a@x>\nRCPT TO:<c@x>\n");
  BOOST_TEST(!w.session.ended());
  BOOST_TEST(w.server.messages.size() == 1u);
  BOOST_TEST(w.count_verb("RCPT") == 1);
  w.client("QUIT\n");
  BOOST_TEST(w.session.ended());  // SPEC §3.10: nothing after the reply to QUIT
  BOOST_TEST(w.replies().back() == "221 model.test");
}

BOOST_DATA_TEST_CASE(ehlo_keywords_that_change_framing_are_hidden, kChunks, chunk) {
  BadHeloFile f("^never$\n");
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x ESMTP\r\n");
  s.from_client("EHLO a.b\r\nEHLO a.b\r\nEHLO a.b\r\n");
  std::string replies =
      "250-x\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-SIZE 1000\r\n250-AUTH=LOGIN PLAIN\r\n"
      "250-PRDR\r\n250 8BITMIME\r\n"
      "250-x\r\n250-PIPELINING\r\n250-PIPECONNECT\r\n250 CHUNKING\r\n"
      "250 x\r\n";
  for (std::size_t i = 0; i < replies.size(); i += chunk)
    s.from_server(std::string_view(replies).substr(i, chunk));
  std::string got(s.to_client().data(), s.to_client().size());
  BOOST_TEST(got ==
             "220 x ESMTP\r\n"
             "250-x\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH=LOGIN PLAIN\r\n250 8BITMIME\r\n"
             "250-x\r\n250 PIPELINING\r\n"
             "250 x\r\n");
}

BOOST_AUTO_TEST_CASE(ehlo_error_reply_is_passed_unchanged) {
  BadHeloFile f("^never$\n");
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x\r\n");
  s.from_client("EHLO a.b\r\n");
  s.from_server("502-no\r\n502 CHUNKING\r\n");
  std::string got(s.to_client().data(), s.to_client().size());
  BOOST_TEST(got == "220 x\r\n502-no\r\n502 CHUNKING\r\n");
}

BOOST_AUTO_TEST_CASE(auth_response_is_not_parsed_and_235_trusts) {
  BadHeloFile f(kBadHeloPatterns);
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x\r\n");
  s.from_client("EHLO bad.example\r\nAUTH LOGIN\r\nRCPT\r\nRCPT\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  auto sent = [&] {
    std::string out(s.to_server().data(), s.to_server().size());
    s.sent_to_server(out.size());
    return out;
  };
  BOOST_TEST(sent() == "EHLO bad.example\r\nAUTH LOGIN\r\n");
  s.from_server("250 x\r\n334 VXNlcm5hbWU6\r\n");
  BOOST_TEST(sent() == "RCPT\r\n");  // the user name line, forwarded unparsed
  s.from_server("334 UGFzc3dvcmQ6\r\n");
  BOOST_TEST(sent() == "RCPT\r\n");
  s.from_server("235 ok, go ahead (#2.0.0)\r\n");
  BOOST_TEST(sent() == "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");  // trusted now
}

BOOST_AUTO_TEST_CASE(failed_auth_returns_to_command_mode) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("EHLO bad.example\r\nAUTH PLAIN AGZvbwBiYXI=\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.replies()[2] == "502 unimplemented (#5.5.1)");
  BOOST_TEST(w.count_verb("RCPT") == 0);
}

BOOST_AUTO_TEST_CASE(starttls_of_blocked_client_is_refused_locally) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("EHLO bad.example\r\nSTARTTLS\r\nNOOP\r\n");
  BOOST_TEST(w.count_verb("STARTTLS") == 0);
  std::vector<std::string> want = {"220 model.test ESMTP", "250 8BITMIME",
                                   "454 TLS not available due to local problem (#4.3.0)",
                                   "250 ok"};
  BOOST_TEST(w.replies() == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(starttls_220_relays_blindly_and_drops_injected_bytes) {
  BadHeloFile f(kBadHeloPatterns);
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x\r\n");
  s.from_client("EHLO good.example\r\nSTARTTLS\r\nRCPT TO:<injected@x>\r\n");
  std::string sent(s.to_server().data(), s.to_server().size());
  BOOST_TEST(sent == "EHLO good.example\r\nSTARTTLS\r\n");
  s.sent_to_server(sent.size());
  s.from_server("250 x\r\n220 ready to start TLS\r\n");
  BOOST_TEST(s.to_server().empty());  // the injected command is gone
  std::string tls = BYTES("\x16\x03\x01\x00\x05hello\nRCPT TO:<x>\r\n");
  s.from_client(tls);
  BOOST_TEST(std::string(s.to_server().data(), s.to_server().size()) == tls);
  s.from_server("\x16\x03\x03 anything\n553-");
  std::string got(s.to_client().data(), s.to_client().size());
  BOOST_TEST(got == "220 x\r\n250 x\r\n220 ready to start TLS\r\n\x16\x03\x03 anything\n553-");
}

BOOST_AUTO_TEST_CASE(starttls_waits_for_a_pending_verdict) {
  Wire w(dns_config());
  w.client("EHLO x.example\r\nSTARTTLS\r\n");
  auto request = w.session.take_dns_request();
  BOOST_REQUIRE(request);
  BOOST_TEST(w.count_verb("STARTTLS") == 0);
  w.session.dns_verdict(request->generation, dns_block());
  w.pump();
  BOOST_TEST(w.count_verb("STARTTLS") == 0);
  BOOST_TEST(w.replies().back() == "454 TLS not available due to local problem (#4.3.0)");
}

BOOST_AUTO_TEST_CASE(header_is_inserted_after_354) {
  SessionConfig c = dns_config();
  c.hold_data_for_header = true;
  Wire w(c);
  w.client("EHLO x.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nbody\r\n.\r\n");
  auto request = w.session.take_dns_request();
  BOOST_REQUIRE(request);
  Verdict v = Verdict::pass();
  v.finding = Verdict::Finding::doesnt_solve;
  w.session.dns_verdict(request->generation, v);
  w.pump();
  BOOST_REQUIRE(w.server.messages.size() == 1u);
  BOOST_TEST(w.server.messages[0] ==
             "X-Helo-Check: HELO [x.example] from [192.0.2.7] doesn't solve\nbody\n");
}

BOOST_AUTO_TEST_CASE(megabyte_line_is_never_forwarded_and_buffers_stay_bounded) {
  // SPEC §3.3a: a line helowrap cannot judge whole goes to the server as NOOP.
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), 4096);
  w.client("HELO good.example\r\n");
  std::string big = "NOOP " + std::string(1 << 20, 'x') + "RCPT TO:<v@x>\r\nNOOP\r\n";
  std::size_t peak = 0;
  for (std::size_t i = 0; i < big.size(); i += 4096) {
    w.client(std::string_view(big).substr(i, 4096));
    peak = std::max(peak, w.session.to_server().size());
  }
  BOOST_TEST(peak <= 2 * SmtpSession::kBufferLimit);
  BOOST_TEST(w.server_got == "HELO good.example\r\nNOOP\r\nNOOP\r\n");
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 4u);
  BOOST_TEST(r[2] == "500 sorry, line too long (#5.5.2)");
  BOOST_TEST(r[3] == "250 ok");
}

BOOST_AUTO_TEST_CASE(megabyte_rcpt_line_of_blocked_client_is_dropped) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), 4096);
  w.client("HELO bad.example\r\nMAIL FROM:<a@x>\r\n");
  w.client("RCPT TO:<" + std::string(1 << 20, 'y') + ">\r\nNOOP\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 0);
  auto r = w.replies();
  BOOST_TEST(r[r.size() - 2] == "553 sorry, your HELO host name has been denied (#5.7.1)");
  BOOST_TEST(r.back() == "250 ok");
}

BOOST_AUTO_TEST_CASE(over_long_helo_is_blocked) {
  BadHeloFile f("^never$\n");
  Wire w(badhelo_config(&f.badhelo), 4096);
  w.client("HELO " + std::string(SmtpSession::kLineLimit, 'a') + ".example\r\n");
  w.client("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  BOOST_TEST(w.count_verb("RCPT") == 0);
  BOOST_TEST(w.count_verb("HELO") == 0);  // SPEC 3.3a: not forwarded, answered 500
  auto r = w.replies();
  BOOST_REQUIRE(r.size() == 4u);
  BOOST_TEST(r[1] == "500 sorry, line too long (#5.5.2)");
  BOOST_TEST(r[3] == "553 sorry, your HELO host name has been denied (#5.7.1)");
}

BOOST_AUTO_TEST_CASE(client_buffer_is_bounded_when_server_does_not_read) {
  BadHeloFile f(kBadHeloPatterns);
  SmtpSession s(badhelo_config(&f.badhelo));
  std::size_t fed = 0;
  std::string noop = "NOOP\r\n";
  while (s.client_room() > 0 && fed < (64u << 20)) {
    std::string chunk;
    while (chunk.size() + noop.size() <= std::min<std::size_t>(s.client_room(), 8192)) chunk += noop;
    if (chunk.empty()) break;
    s.from_client(chunk);
    fed += chunk.size();
  }
  BOOST_TEST(fed < 4 * SmtpSession::kBufferLimit);  // it stopped taking input
  BOOST_TEST(s.to_server().size() <= SmtpSession::kBufferLimit + 8192);
}

BOOST_AUTO_TEST_CASE(nul_bytes_and_bare_lf_commands) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client(BYTES("HELO good.example\nNOOP\0junk\r\nMAIL FROM:<a@x>\nRCPT TO:<b@x>\n"));
  BOOST_TEST(w.count_verb("RCPT") == 1);
  BOOST_TEST(w.replies().size() == 5u);
}

BOOST_AUTO_TEST_CASE(unterminated_last_line_is_dropped_at_eof) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("HELO good.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>");
  w.client_close();
  BOOST_TEST(w.count_verb("RCPT") == 0);
  BOOST_TEST(w.session.server_input_done());
}

BOOST_AUTO_TEST_CASE(half_closed_client_still_gets_its_replies) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("HELO good.example\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n");
  w.client_close();
  BOOST_TEST(w.server.messages.size() == 1u);
  BOOST_TEST(w.replies().back() == "221 model.test");
}

BOOST_AUTO_TEST_CASE(server_output_after_it_closed_partial_reply_is_delivered) {
  BadHeloFile f(kBadHeloPatterns);
  SmtpSession s(badhelo_config(&f.badhelo));
  s.from_server("220 x\r\n421 going away");
  s.server_closed();
  std::string got(s.to_client().data(), s.to_client().size());
  BOOST_TEST(got == "220 x\r\n421 going away");
  BOOST_TEST(s.server_input_done());
}

BOOST_AUTO_TEST_CASE(many_pipelined_commands_keep_pending_queue_small) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo), 65536);
  w.client("EHLO bad.example\r\nMAIL FROM:<a@x>\r\n");
  std::string burst;
  for (int i = 0; i < 100000; ++i) burst += "RCPT TO:<b@x>\r\n";
  w.client(burst);
  BOOST_TEST(w.count_verb("NOOP") == 100000);
  BOOST_TEST(w.count_verb("RCPT") == 0);
  BOOST_TEST(w.replies().size() == 100003u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_tls)

BOOST_AUTO_TEST_CASE(starttls_before_any_helo_is_refused_locally) {
  BadHeloFile f(kBadHeloPatterns);
  Wire w(badhelo_config(&f.badhelo));
  w.client("STARTTLS\r\nEHLO good.example\r\nSTARTTLS\r\n");
  BOOST_TEST(w.count_verb("STARTTLS") == 1);
  BOOST_TEST(w.replies()[1] == "454 TLS not available due to local problem (#4.3.0)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_loghelo)

BOOST_AUTO_TEST_CASE(one_line_per_helo_with_its_verdict) {
  BadHeloFile f(kBadHeloPatterns);
  SessionConfig c = badhelo_config(&f.badhelo);
  c.log_helo = true;
  c.dns_checks = true;
  Wire w(c);
  w.client("EHLO bad.example\r\nEHLO good.example\r\nEHLO g2.example\r\nEHLO g3.example\r\n");
  auto second = w.session.take_dns_request();
  BOOST_REQUIRE(second.has_value());  // only the latest HELO's request is kept
  BOOST_TEST(second->name == "g3.example");
  Verdict b = Verdict::block(Verdict::Rule::B);
  w.session.dns_verdict(second->generation, b);
  w.pump();
  std::vector<std::string> want = {
      "helowrap: pid 42 from 192.0.2.7 helo: <bad.example> badhelo ^bad\\.",
      "helowrap: pid 42 from 192.0.2.7 helo: <g3.example> B"};
  BOOST_TEST(w.log == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ok_and_trusted) {
  BadHeloFile f("^never$\n");
  SessionConfig c = badhelo_config(&f.badhelo);
  c.log_helo = true;
  Wire w(c);
  w.client("HELO a.example\r\n");
  c.relay_trusted = true;
  Wire t(c);
  t.client("HELO b.example\r\n");
  BOOST_REQUIRE(w.log.size() == 1u);
  BOOST_TEST(w.log[0] == "helowrap: pid 42 from 192.0.2.7 helo: <a.example> ok");
  BOOST_REQUIRE(t.log.size() == 1u);
  BOOST_TEST(t.log[0] == "helowrap: pid 42 from 192.0.2.7 helo: <b.example> trusted");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_limits)

BOOST_AUTO_TEST_CASE(helo_of_exactly_the_limit_is_judged_whole) {
  BadHeloFile f("a$\n");
  Wire w(badhelo_config(&f.badhelo, true), 4096);
  std::string name(SmtpSession::kLineLimit - 5, 'b');  // "HELO " + name = the limit
  name.back() = 'a';
  w.client("HELO " + name + "\nMAIL FROM:<a@x>\nRCPT TO:<b@x>\n");
  BOOST_REQUIRE(w.log.size() == 1u);
  BOOST_TEST(w.log[0].find("matches pattern: a$") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_client_gone)

BOOST_AUTO_TEST_CASE(client_closing_mid_long_line_ends_server_input) {
  BadHeloFile f(kBadHeloPatterns);
  for (const char* start : {"NOOP ", "RCPT TO:<"}) {
    for (const char* helo : {"HELO good.example\r\n", "HELO bad.example\r\nMAIL FROM:<a@x>\r\n"}) {
      Wire w(badhelo_config(&f.badhelo), 4096);
      w.client(helo);
      w.client(start + std::string(20000, 'x'));
      w.client_close();
      BOOST_TEST(w.session.server_input_done(), start << " after " << helo);
      BOOST_TEST(w.count_verb("RCPT") == 0);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_server_gone)

BOOST_AUTO_TEST_CASE(replies_held_back_are_delivered_when_the_server_ends) {
  // The client reads nothing while the server answers its refused RCPTs and exits (its
  // own timeout): the 553s fill the buffer to the client, so complete replies wait in the
  // buffer from the server, then its end of output arrives. Every reply must still go out,
  // in order. The session stops taking RCPTs once it owes the client kBufferLimit bytes.
  BadHeloFile f(kBadHeloPatterns);
  SmtpSession s(badhelo_config(&f.badhelo));
  QmailModel server;
  server.number_replies = true;
  s.from_server(server.greeting());
  std::string cmds = "HELO bad.example\r\n";
  for (int i = 0; i < 3000; ++i) cmds += "RCPT TO:<a@x>\r\n";
  BOOST_REQUIRE(cmds.size() <= s.client_room());
  s.from_client(cmds);
  BOOST_TEST(s.owed_to_client() >= SmtpSession::kBufferLimit);
  BOOST_TEST(s.owed_to_client() < SmtpSession::kBufferLimit + 128);
  std::string sent(s.to_server().data(), s.to_server().size());
  s.sent_to_server(sent.size());
  std::string replies = server.feed(sent);
  BOOST_REQUIRE(replies.size() <= s.server_room());
  s.from_server(replies);
  BOOST_REQUIRE(s.to_client().size() >= SmtpSession::kBufferLimit);  // the state of the bug
  s.server_closed();
  std::string got(s.to_client().data(), s.to_client().size());
  std::size_t refused = 0, pos = 0;
  while ((pos = got.find("553 sorry", pos)) != std::string::npos) ++refused, ++pos;
  BOOST_TEST(refused == server.replies - 2);  // every NOOP the server answered
  BOOST_TEST(refused > 1000u);
  BOOST_TEST(s.owed_to_client() == s.to_client().size());  // nothing promised is left
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_tls_undecided)

BOOST_AUTO_TEST_CASE(starttls_refused_when_dns_could_not_decide) {
  // SPEC §3.6: a verdict still unknown when -t runs out keeps the client out of TLS, even
  // though its RCPTs pass (the temporary failure is let go).
  Wire w(dns_config());
  w.client("EHLO x.example\r\nSTARTTLS\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n");
  auto request = w.session.take_dns_request();
  BOOST_REQUIRE(request);
  Verdict v = Verdict::let_go(Verdict::Rule::tempfail);
  w.session.dns_verdict(request->generation, v);
  w.pump();
  BOOST_TEST(w.count_verb("STARTTLS") == 0);
  BOOST_TEST(w.count_verb("RCPT") == 1);
  BOOST_TEST(w.replies()[2] == "454 TLS not available due to local problem (#4.3.0)");
}

BOOST_AUTO_TEST_SUITE_END()
