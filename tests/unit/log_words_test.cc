// The log vocabulary round trip (check/log_words.h): the lines the real writers produce
// (the session, dns_decide, BadHelo) are read back by helostat's parser into the event,
// the rule, the name, the IP and the pattern they were written with.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "check/dnscheck.h"
#include "check/log_words.h"
#include "check/verdict_text.h"
#include "session_wire.h"
#include "stat/logscan.h"

namespace {

using Type = LogEvent::Type;
namespace words = log_words;

const char* kIp = "192.0.2.7";  // session_wire.h's client, pid 42

// A parsed event, copied out of the parser (whose views die with the next line).
struct Read {
  Type type = Type::noise;
  long pid = -1;
  std::string ip, name, rule, pattern, length;
};

Read read(const std::string& line, const std::vector<std::string>& patterns = {}) {
  LogParser parser;
  parser.set_patterns(patterns);
  const LogEvent& e = parser.parse(line);
  return {e.type,         e.pid,
          std::string(e.ip), std::string(e.name), std::string(e.rule), std::string(e.pattern),
          std::string(e.length)};
}

int type_of(Type t) { return static_cast<int>(t); }

// The one line of `log` that reads as `type`.
Read only(const std::vector<std::string>& log, Type type,
          const std::vector<std::string>& patterns = {}) {
  std::vector<Read> found;
  for (const auto& l : log)
    if (read(l, patterns).type == type) found.push_back(read(l, patterns));
  BOOST_REQUIRE_MESSAGE(found.size() == 1u, "lines of type " << type_of(type) << ": "
                                                               << found.size());
  return found.front();
}

SessionConfig loghelo_config(BadHelo* badhelo, bool log_regex) {
  SessionConfig c = badhelo_config(badhelo, log_regex);
  c.log_helo = true;
  return c;
}

const std::string kRcpt = "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n";

// A DNS case: what dns_decide is given, and what its lines must read as.
struct DnsCase {
  const char* flags;
  const char* name;
  Lookup a, aaaa;
  std::string_view rule;  // the verdict's rule, "" when it passes
  Type line;              // the type of its decision line
};

Lookup answer(Lookup::Status s, std::initializer_list<const char*> addresses = {}) {
  Lookup l;
  l.status = s;
  for (const char* a : addresses) l.addresses.push_back(*IpAddr::parse(a));
  return l;
}

DnsContext dns_context(const char* flags) {
  DnsContext c;
  c.flags = DnsFlags::parse(flags);
  c.client_text = kIp;
  c.client = IpAddr::parse(kIp);
  c.local_names = {"mx.example.org"};
  c.local_addresses = {*IpAddr::parse("198.51.100.7")};
  return c;
}

using S = Lookup::Status;
const Lookup kNx = answer(S::nxdomain), kNoData = answer(S::nodata),
             kTemp = answer(S::tempfail), kElsewhere = answer(S::found, {"203.0.113.5"});

// One case per line the DNS checks write (SPEC §5.3, §5.5).
const DnsCase kDnsCases[] = {
    {"GL", "bad_name", kNoData, kNoData, words::rule::G, Type::dns_name},
    {"AL", "nx.example", kNx, kNx, words::rule::A, Type::dns_name},
    {"NL", "localhost", kNx, kNx, words::rule::N, Type::dns_name},
    {"NL", "mx.example.org", kNx, kNx, words::rule::N, Type::dns_name},
    {"NL", "ours.example", answer(S::found, {"198.51.100.7"}), kNoData, words::rule::N,
     Type::dns_name},
    {"BL", "elsewhere.example", kElsewhere, kNoData, words::rule::B, Type::dns_name},
    {"NL", "t.example", kTemp, kTemp, words::rule::tempfail, Type::dns_name},
    {"NLT", "t.example", kTemp, kTemp, words::rule::tempfail, Type::dns_name},
    {"NL", "lo.example", answer(S::found, {"127.0.0.1", kIp}), kNoData, "", Type::dns_name},
    {"L", "nx.example", kNx, kNx, "", Type::dns_name},
    {"L", "elsewhere.example", kElsewhere, kNoData, "", Type::dns_name},
    {"GL", "a\x01.example", kNoData, kNoData, words::rule::G, Type::dns_name},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(log_words)

// SPEC §4.6: the refusal without and with $LOGREGEX, and the $LOGHELO line, from the session.
BOOST_AUTO_TEST_CASE(badhelo_refusal_and_loghelo_from_the_session) {
  BadHeloFile f("^bad\\.\n!\\.\n");
  for (bool log_regex : {false, true}) {
    for (std::string name : {"bad.example", "bad.\x01<x> at 1.2.3.4", "nodot"}) {
      BOOST_TEST_CONTEXT("LOGREGEX " << log_regex << ", name " << printable(name)) {
        Wire w(loghelo_config(&f.badhelo, log_regex));
        w.client("EHLO " + name + "\r\n" + kRcpt);
        std::string pattern = name == "nodot" ? "!\\." : "^bad\\.";
        std::vector<std::string> patterns = {"^bad\\.", "!\\."};
        Read helo = only(w.log, Type::helo);
        BOOST_TEST(helo.pid == 42);
        BOOST_TEST(helo.ip == kIp);
        BOOST_TEST(helo.name == printable(name));
        BOOST_TEST(helo.rule == words::badhelo_rule(pattern));
        Read refused = only(w.log, Type::badhelo_refused, patterns);
        BOOST_TEST(refused.ip == kIp);
        BOOST_TEST(refused.name == printable(name));
        BOOST_TEST(refused.pattern == (log_regex ? pattern : ""));
        BOOST_TEST(refused.length == "");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(over_long_helo_from_the_session) {
  BadHeloFile f("^never$\n");
  Wire w(loghelo_config(&f.badhelo, true), 4096);
  w.client("HELO " + std::string(SmtpSession::kLineLimit, 'a') + ".example\r\n" + kRcpt);
  Read helo = only(w.log, Type::helo);
  BOOST_TEST(helo.name == std::string(64, 'a'));
  BOOST_TEST(helo.rule == words::badhelo_too_long_rule(std::to_string(SmtpSession::kLineLimit)));
  Read refused = only(w.log, Type::badhelo_refused);
  BOOST_TEST(refused.name == std::string(64, 'a'));
  BOOST_TEST(refused.length == std::to_string(SmtpSession::kLineLimit));
  BOOST_TEST(refused.pattern == "");
}

BOOST_AUTO_TEST_CASE(ok_and_trusted_from_the_session) {
  BadHeloFile f("^never$\n");
  Wire w(loghelo_config(&f.badhelo, false));
  w.client("EHLO good.example\r\n");
  Read ok = only(w.log, Type::helo);
  BOOST_TEST(ok.name == "good.example");
  BOOST_TEST(ok.rule == words::rule::ok);
  SessionConfig c = loghelo_config(&f.badhelo, false);
  c.relay_trusted = true;
  Wire trusted(c);
  trusted.client("EHLO relay.example\r\n");
  BOOST_TEST(only(trusted.log, Type::helo).rule == words::rule::trusted);
}

// Each line dns_decide writes, as the session logs it, and the session's $LOGHELO line and
// "blocked with:" for the verdict it is given.
BOOST_AUTO_TEST_CASE(each_dns_line_from_dns_decide_through_the_session) {
  std::set<std::string_view> blocked_rules;
  std::set<const words::DnsLine*> shapes;
  for (const auto& k : kDnsCases) {
    BOOST_TEST_CONTEXT(k.flags << " " << printable(k.name)) {
      DnsContext ctx = dns_context(k.flags);
      DnsDecision d = dns_decide(ctx, k.name, k.a, k.aaaa, true);
      const Verdict& v = d.verdict;
      BOOST_REQUIRE(!v.is_pending());
      BOOST_TEST(rule_text(v) == k.rule);
      SessionConfig c = badhelo_config(nullptr);
      c.dns_checks = c.log_helo = true;
      Wire w(c);
      w.client(std::string("EHLO ") + k.name + "\r\n");
      auto request = w.session.take_dns_request();
      BOOST_REQUIRE(request.has_value());
      w.session.dns_verdict(request->generation, v, d.log);
      w.client(kRcpt);

      Read line = only(w.log, k.line);
      BOOST_TEST(line.name == printable(k.name));
      BOOST_TEST(line.ip == kIp);
      for (const words::DnsLine* s : {&words::kMalformedLine, &words::kLocalhostLine,
                                      &words::kNotSolvingLine, &words::kOursLine,
                                      &words::kMismatchLine, &words::kLetGoLine,
                                      &words::kTempfailLine})
        for (const auto& l : w.log)
          if (l == LogPrefix(42, kIp).line(words::dns_line(*s, k.name, kIp))) shapes.insert(s);
      for (const auto& l : w.log)
        if (l.find(words::kLoopbackLine.middle) != std::string::npos)
          shapes.insert(&words::kLoopbackLine);

      Read helo = only(w.log, Type::helo);
      BOOST_TEST(helo.name == printable(k.name));
      BOOST_TEST(helo.rule == (k.rule.empty() ? words::rule::ok : k.rule));
      if (v.is_block()) {
        Read blocked = only(w.log, Type::dns_blocked);
        BOOST_TEST(blocked.rule == k.rule);
        BOOST_TEST(blocked.ip == kIp);
        BOOST_TEST(words::blocked_rule(blocked.pattern) == k.rule);
        blocked_rules.insert(words::blocked_rule(blocked.pattern));
      } else {
        for (const auto& l : w.log)
          BOOST_TEST(type_of(read(l).type) != type_of(Type::dns_blocked), l);
      }
    }
  }
  BOOST_TEST(shapes.size() == 8u);  // every DNS line helowrap writes was read back
  BOOST_TEST(blocked_rules.size() == 5u);  // G A N B tempfail; nohelo below
}

// The two messages for N (localhost, ours) read as the same rule.
BOOST_AUTO_TEST_CASE(every_blocked_message_reads_as_its_rule) {
  for (const auto& b : words::kBlockedRules) {
    Read r = read(LogPrefix(1, kIp).line(words::blocked_with(b.message, kIp)));
    BOOST_TEST(type_of(r.type) == type_of(Type::dns_blocked), b.message);
    BOOST_TEST(r.rule == b.rule);
    BOOST_TEST(r.pattern == b.message);
  }
}

BOOST_AUTO_TEST_CASE(no_helo_from_the_session) {
  SessionConfig c = badhelo_config(nullptr);
  c.no_helo = dns_no_helo_verdict(dns_context("L"));
  c.log_no_helo = true;
  Wire w(c);
  w.client(kRcpt);
  Read none = only(w.log, Type::no_helo);
  BOOST_TEST(none.ip == kIp);
  Read blocked = only(w.log, Type::dns_blocked);
  BOOST_TEST(blocked.rule == words::rule::nohelo);
  BOOST_TEST(blocked.pattern == words::message::no_helo);
}

// BadHelo's diagnostics, as the session logs them: an invalid line is counted, a pattern
// Boost gave up on is a helowrap line helostat does not count.
BOOST_AUTO_TEST_CASE(badhelo_diagnostics_from_the_session) {
  BadHeloFile f("(unclosed\n^(.+)\\.\\1$\n");
  Wire w(badhelo_config(&f.badhelo));
  w.client("EHLO " + std::string(2000, 'a') + ".b\r\n");
  Read invalid = only(w.log, Type::invalid_pattern);
  BOOST_TEST(invalid.ip == kIp);
  BOOST_TEST(invalid.name == "line 1 (Unmatched ( or \\(): (unclosed");
  BOOST_REQUIRE(w.log.size() == 2u);
  BOOST_TEST(w.log[1].find("gave up (") != std::string::npos);
  Read gave_up = read(w.log[1]);
  BOOST_TEST(type_of(gave_up.type) == type_of(Type::noise));
  BOOST_TEST(gave_up.pid == 42);
  BOOST_TEST(gave_up.ip == kIp);
}

BOOST_AUTO_TEST_CASE(debug_and_bare_lf_lines_are_not_counted) {
  DnsDecision d = dns_decide(dns_context("DG"), "mail.example.org", kNoData, kNoData, true);
  int debug = 0;
  for (const auto& event : d.log) {
    if (event.rfind(words::kDebug, 0) != 0) continue;
    ++debug;
    BOOST_TEST(type_of(read(LogPrefix(3, kIp).line(event)).type) == type_of(Type::noise), event);
  }
  BOOST_TEST(debug >= 3);
  BadHeloFile f("^never$\n");
  Wire w(badhelo_config(&f.badhelo));
  w.client("EHLO good.example\r\n" + kRcpt + "DATA\r\nbare\nLF\r\n.\r\n");
  BOOST_REQUIRE(w.log.size() == 1u);
  BOOST_TEST(w.log[0] == LogPrefix(42, kIp).line(words::kBareLfEvent));
  Read r = read(w.log[0]);
  BOOST_TEST(type_of(r.type) == type_of(Type::noise));
  BOOST_TEST(r.pid == 42);
}

BOOST_AUTO_TEST_SUITE_END()
