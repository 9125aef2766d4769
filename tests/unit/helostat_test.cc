// helostat's I/O-free parts: time stamps and periods, the log line parser, the counting,
// the reports and the line splitter.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "helocheck/whatif.h"
#include "stat/helostat_report.h"
#include "base/linesplit.h"
#include "check/log_words.h"
#include "stat/logscan.h"
#include "stat/logstats.h"
#include "stat/logtime.h"
#include "stat/strindex.h"

namespace {

using Type = LogEvent::Type;
namespace words = log_words;
namespace rule = log_words::rule;
namespace message = log_words::message;

// Local time is UTC for the duration of a test case.
struct Utc {
  Utc() {
    const char* tz = std::getenv("TZ");
    had_ = tz != nullptr;
    if (had_) old_ = tz;
    setenv("TZ", "UTC0", 1);
    tzset();
  }
  ~Utc() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
  bool had_;
  std::string old_;
};

// 2026-11-23 18:46:36 UTC, and its TAI64N label as multilog writes it.
constexpr UnixTime kT0 = 1795459596;
const std::string kStamp0 = "@400000006b048a1604b99a34";

std::string stamp(UnixTime t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "@4000000%09llx00000000",
                static_cast<unsigned long long>(t + 10));
  return buf;
}

// helowrap's line of `event`, without and with a time stamp.
std::string hw(long pid, const std::string& ip, const std::string& event) {
  return LogPrefix(pid, ip).line(event);
}
std::string hw(UnixTime t, long pid, const std::string& ip, const std::string& event) {
  return stamp(t) + " " + hw(pid, ip, event);
}
std::string str(std::string_view s) { return std::string(s); }

// The event's views point into the line: it is kept until the next call.
LogEvent parse(const std::string& line, const std::vector<std::string>& patterns = {}) {
  static LogParser parser;
  static std::string kept;
  kept = line;
  parser.set_patterns(patterns);
  return parser.parse(kept);
}

// Feeds lines to a LogStats through a parser.
struct Feed {
  explicit Feed(std::optional<UnixTime> since = {}, std::optional<UnixTime> until = {})
      : stats(since, until) {}
  Feed& operator<<(const std::string& line) {
    stats.add(parser.parse(line));
    return *this;
  }
  std::string tab(std::size_t limit = 0) {
    ReportOptions opt;
    opt.tab = true;
    opt.limit = limit;
    return render_report(stats, opt);
  }
  LogParser parser;
  LogStats stats;
};

std::vector<std::string> lines_of(const std::string& text, const std::string& type) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    if (line.compare(0, type.size() + 1, type + "\t") == 0) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(helostat_time)

BOOST_AUTO_TEST_CASE(tai64n_as_tai64nlocal_reads_it) {
  BOOST_TEST(tai64n_seconds(kStamp0).value() == kT0);
  BOOST_TEST(tai64n_seconds("@400000006B048A1604B99A34").value() == kT0);
  BOOST_TEST(tai64n_seconds(stamp(kT0 + 3600)).value() == kT0 + 3600);
  BOOST_TEST(!tai64n_seconds("@400000006b048a1604b99a3"));    // 23 digits
  BOOST_TEST(!tai64n_seconds("@400000006b048a1604b99a3g"));   // not hex
  BOOST_TEST(!tai64n_seconds("400000006b048a1604b99a345"));   // no @
  BOOST_TEST(!tai64n_seconds("@000000006b048a1604b99a34"));   // before 2^62
}

BOOST_AUTO_TEST_CASE(tai64nlocal_stamps_in_local_time) {
  Utc utc;
  LocalTimeReader r;
  UnixTime t = 0;
  BOOST_TEST(r.read("2026-11-23 18:46:36.079272500 helowrap: x", t) == 29u);
  BOOST_TEST(t == kT0);
  BOOST_TEST(r.read("2026-11-23 18:46:59.5 x", t) == 21u);  // same minute, cached
  BOOST_TEST(t == kT0 + 23);
  BOOST_TEST(r.read("2026-11-23 18:47:00 x", t) == 19u);
  BOOST_TEST(t == kT0 + 24);
  BOOST_TEST(r.read("2026-02-30 18:47:00 x", t) == 0u);  // no such day
  BOOST_TEST(r.read("2026-11-23 24:00:00 x", t) == 0u);
  BOOST_TEST(r.read("2026-11-23T18:47:00 x", t) == 0u);
  BOOST_TEST(r.read("12345 lines", t) == 0u);
}

BOOST_AUTO_TEST_CASE(local_time_follows_tz) {
  Utc utc;
  setenv("TZ", "CET-1", 1);
  tzset();
  LocalTimeReader r;
  UnixTime t = 0;
  BOOST_TEST(r.read("2026-11-23 19:46:36 x", t) == 19u);
  BOOST_TEST(t == kT0);
  BOOST_TEST(format_local(kT0) == "2026-11-23 19:46:36");
}

BOOST_AUTO_TEST_CASE(periods_of_s_and_u) {
  Utc utc;
  const UnixTime day = 86400, midnight = kT0 - (18 * 3600 + 46 * 60 + 36);
  auto p = parse_period("today", kT0);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->start == midnight);
  BOOST_TEST(p->end == midnight + day);
  p = parse_period("yesterday", kT0);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->start == midnight - day);
  BOOST_TEST(p->end == midnight);
  p = parse_period("year", kT0);
  BOOST_REQUIRE(p);
  BOOST_TEST(format_local(p->start) == "2026-01-01 00:00:00");
  BOOST_TEST(format_local(p->end) == "2027-01-01 00:00:00");
  p = parse_period("2026-11-23", kT0);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->start == midnight);
  BOOST_TEST(p->end == midnight + day);
  p = parse_period("2026-11-23 18:46", kT0);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->start == kT0 - 36);
  BOOST_TEST(p->end == kT0 + 24);
  p = parse_period("2026-11-23T18:46:36", kT0);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->start == kT0);
  BOOST_TEST(p->end == kT0 + 1);
  p = parse_period("2024-02-29", kT0);
  BOOST_TEST(p.has_value());
  for (const char* bad : {"2025-02-29", "2026-13-01", "2026-11-23 18", "2026-11-23 18:46:3",
                          "tomorrow", "", "2026-11-23 18:46:36 ", "26-11-23"})
    BOOST_TEST(!parse_period(bad, kT0), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(helostat_parse)

BOOST_AUTO_TEST_CASE(loghelo_lines) {
  LogEvent e =
      parse(kStamp0 + " " + hw(32549, "127.0.0.1", words::helo("good.example.org", rule::ok)));
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::helo));
  BOOST_TEST(e.has_time);
  BOOST_TEST(e.time == kT0);
  BOOST_TEST(e.pid == 32549);
  BOOST_TEST(e.ip == "127.0.0.1");
  BOOST_TEST(e.name == "good.example.org");
  BOOST_TEST(e.rule == "ok");
  for (const std::string& v :
       {str(rule::trusted), str(rule::tempfail), str(rule::G), str(rule::A), str(rule::N),
        str(rule::B), words::badhelo_rule("^bad\\."), words::badhelo_too_long_rule("16384"),
        words::badhelo_rule("!\\.")}) {
    e = parse(hw(1, "::1", words::helo("x.example", v)));
    BOOST_TEST(e.rule == v);
    BOOST_TEST(e.name == "x.example");
    BOOST_TEST(!e.has_time);
  }
  e = parse(hw(1, "192.0.2.1", words::helo("", rule::ok)));  // HELO without a name
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::helo));
  BOOST_TEST(e.name == "");
}

// The name is the client's: it may imitate the rest of the line. The verdict is at the end.
BOOST_AUTO_TEST_CASE(names_that_imitate_a_verdict) {
  const std::string ip = "192.0.2.1";
  LogEvent e = parse(hw(1, ip, words::helo("a> badhelo x", rule::ok)));
  BOOST_TEST(e.name == "a> badhelo x");
  BOOST_TEST(e.rule == "ok");
  e = parse(hw(1, ip, words::helo("a> ok", words::badhelo_rule("mail"))));
  BOOST_TEST(e.name == "a> ok");
  BOOST_TEST(e.rule == "badhelo mail");
  e = parse(hw(1, ip, words::helo("a> badhelo x", words::badhelo_rule("y"))));
  BOOST_TEST(e.name == "a> badhelo x");
  BOOST_TEST(e.rule == "badhelo y");
  // A pattern that ends like a verdict is read right when -c names it.
  const std::string odd = hw(1, ip, words::helo("mx.example", words::badhelo_rule("x> ok")));
  BOOST_TEST(parse(odd).rule == "ok");
  e = parse(odd, {"x> ok"});
  BOOST_TEST(e.name == "mx.example");
  BOOST_TEST(e.rule == "badhelo x> ok");
}

BOOST_AUTO_TEST_CASE(badhelo_refusals) {
  const std::string ip = "192.0.2.9";
  LogEvent e = parse(hw(7, ip, words::badhelo_refusal("bad.example", ip)));
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::badhelo_refused));
  BOOST_TEST(e.name == "bad.example");
  BOOST_TEST(e.pattern == "");
  e = parse(hw(7, ip, words::badhelo_refusal("bad.example", ip, "^bad\\.")));
  BOOST_TEST(e.name == "bad.example");
  BOOST_TEST(e.pattern == "^bad\\.");
  e = parse(hw(7, ip, words::badhelo_refusal("x> at 192.0.2.9 matches pattern: y", ip, "mail")));
  BOOST_TEST(e.name == "x> at 192.0.2.9 matches pattern: y");
  BOOST_TEST(e.pattern == "mail");
  e = parse(hw(7, ip, words::badhelo_refusal("x> at 192.0.2.9 matches pattern: y", ip)));
  BOOST_TEST(e.name == "x> at 192.0.2.9 matches pattern: y");
  BOOST_TEST(e.pattern == "");
  e = parse(hw(7, ip, words::badhelo_too_long("aaaa", ip, "16384")));
  BOOST_TEST(e.name == "aaaa");
  BOOST_TEST(e.length == "16384");
}

BOOST_AUTO_TEST_CASE(dns_lines) {
  const std::string ip = "192.0.2.1";
  auto blocked = [&](std::string_view m) { return parse(hw(5, ip, words::blocked_with(m, ip))); };
  LogEvent e = blocked(message::malformed);
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::dns_blocked));
  BOOST_TEST(e.rule == "G");
  BOOST_TEST(blocked(message::not_solving).rule == "A");
  BOOST_TEST(blocked(message::localhost).rule == "N");
  BOOST_TEST(blocked(message::ours).rule == "N");
  BOOST_TEST(blocked(message::mismatch).rule == "B");
  BOOST_TEST(blocked(message::tempfail).rule == "tempfail");
  BOOST_TEST(blocked(message::no_helo).rule == "nohelo");
  e = blocked("something new");
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::dns_blocked));
  BOOST_TEST(e.rule == "");
  BOOST_TEST(e.pattern == "something new");
  BOOST_TEST(static_cast<int>(parse(hw(5, ip, words::blocked_with("x", "192.0.2.2"))).type) ==
             static_cast<int>(Type::malformed));
  struct {
    const words::DnsLine& line;
    const char* name;
    const char* second;  // the client's IP, or the address a name resolves to
  } named[] = {
      {words::kMalformedLine, "x_y", "192.0.2.1"},
      {words::kLocalhostLine, "localhost", "192.0.2.1"},
      {words::kNotSolvingLine, "a] from [192.0.2.1]", "192.0.2.1"},
      {words::kOursLine, "me.test", "192.0.2.1"},
      {words::kMismatchLine, "other.test", "192.0.2.1"},
      {words::kLetGoLine, "t.test", "192.0.2.1"},
      {words::kTempfailLine, "t.test", "192.0.2.1"},
      {words::kLoopbackLine, "lo.test", "127.0.0.1"},
      {words::kLoopbackLine, "lo6.test", "::1"},
  };
  for (const auto& n : named) {
    std::string line = words::dns_line(n.line, n.name, n.second);
    e = parse(hw(5, ip, line));
    BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::dns_name), line);
    BOOST_TEST(e.name == n.name);
  }
  BOOST_TEST(static_cast<int>(parse(hw(5, ip, words::no_helo(ip))).type) ==
             static_cast<int>(Type::no_helo));
  BOOST_TEST(static_cast<int>(parse(hw(5, ip, str(words::kNotSolvingLine.prefix) +
                                                  "x] something else")).type) ==
             static_cast<int>(Type::malformed));
  BOOST_TEST(static_cast<int>(parse(hw(5, ip, str(words::kDebug) + "G: valid syntax")).type) ==
             static_cast<int>(Type::noise));
  e = parse(hw(5, ip, words::invalid_pattern(3, "Unmatched [", "([")));
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::invalid_pattern));
  BOOST_TEST(e.name == "line 3 (Unmatched [): ([");
}

BOOST_AUTO_TEST_CASE(chkuser_remote) {
  LogEvent e = parse(kStamp0 + " CHKUSER accepted rcpt: from <a@b::> remote "
                     "<mail.example.org:mail.example.org:192.0.2.1> rcpt <x@y> : found existing "
                     "recipient");
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::remote));
  BOOST_TEST(e.name == "mail.example.org");
  BOOST_TEST(e.ip == "192.0.2.1");
  std::string_view helo, ip;
  BOOST_TEST(split_remote("h::192.0.2.1", helo, ip));
  BOOST_TEST(helo == "h");
  BOOST_TEST(ip == "192.0.2.1");
  BOOST_TEST(split_remote("[IPv6:2001:db8::1]:host:2001:db8::1", helo, ip));
  BOOST_TEST(helo == "[IPv6:2001:db8::1]");
  BOOST_TEST(ip == "2001:db8::1");
  BOOST_TEST(split_remote("a:b:c:::ffff:192.0.2.1", helo, ip));
  BOOST_TEST(helo == "a:b");
  BOOST_TEST(ip == "::ffff:192.0.2.1");
  BOOST_TEST(split_remote(":x:192.0.2.1", helo, ip));
  BOOST_TEST(helo == "");
  BOOST_TEST(!split_remote("h:192.0.2.1", helo, ip));  // no HOST field
  BOOST_TEST(!split_remote("h:host:999.0.2.1", helo, ip));
  BOOST_TEST(static_cast<int>(parse("CHKUSER x remote <nocolons> rcpt <x@y>").type) ==
             static_cast<int>(Type::malformed));
}

BOOST_AUTO_TEST_CASE(stamps_noise_and_malformed) {
  auto type = [](const std::string& l) { return static_cast<int>(parse(l).type); };
  const int noise = static_cast<int>(Type::noise), bad = static_cast<int>(Type::malformed);
  BOOST_TEST(type(kStamp0 + " tcpserver: status: 1/40") == noise);
  BOOST_TEST(type(kStamp0) == noise);
  BOOST_TEST(type("") == noise);
  BOOST_TEST(type("rblsmtpd: 192.0.2.1 pid 12: 451 listed") == noise);
  const std::string ok_a = words::helo("a", rule::ok);
  BOOST_TEST(type("@400000006b048a16 " + hw(1, "x", ok_a)) == bad);
  BOOST_TEST(type("@400000006b048a1604b99a3x " + hw(1, "x", ok_a)) == bad);
  BOOST_TEST(type("@40000000 " + hw(1, "1.2.3.4", words::helo("x", rule::ok))) == bad);  // cut
  // Another program's line with a label that is not hex is not read further: other.
  BOOST_TEST(type("@400000006b048a1604b99a3x tcpserver: status: 1/40") == noise);
  BOOST_TEST(type(kStamp0 + hw(1, "x", ok_a)) == bad);
  BOOST_TEST(type(str(words::kPid) + "x " + str(words::kFrom) + "1.2.3.4 " + ok_a) == bad);
  BOOST_TEST(type(str(words::kPid) + "1 " + str(words::kFrom) + "1.2.3.4") == bad);
  const std::string ip = "1.2.3.4";
  BOOST_TEST(type(hw(1, ip, str(words::kHelo) + "a>")) == bad);
  BOOST_TEST(type(hw(1, ip, words::helo("a", rule::kBadhelo))) == bad);
  // helowrap writes a tab as '?': a raw one is not its line
  BOOST_TEST(type(hw(1, ip, str(words::kHelo) + "a\tb" + str(words::kHeloEnd) + "ok")) == bad);
  BOOST_TEST(type(hw(1, ip, words::badhelo_refusal("a", "1.2.3.5"))) == bad);
  BOOST_TEST(type(hw(1, ip, ok_a) + "\r") == static_cast<int>(Type::helo));
  LogEvent e = parse(kStamp0 + " tcpserver: end 32549 status 0");
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::session_end));
  BOOST_TEST(e.pid == 32549);
  e = parse("tcpserver: pid 32549 from 127.0.0.1");
  BOOST_TEST(static_cast<int>(e.type) == static_cast<int>(Type::session_start));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(helostat_count)

BOOST_AUTO_TEST_CASE(names_ranked_with_refusals_by_rule) {
  Utc utc;
  Feed f;
  f << hw(kT0, 10, "192.0.2.1", words::helo("good.example", rule::ok))
    << hw(kT0 + 1, 11, "192.0.2.2", words::helo("good.example", rule::ok))
    << hw(kT0 + 2, 12, "192.0.2.3", words::helo("bad.example", words::badhelo_rule("^bad\\.")))
    << hw(kT0 + 2, 12, "192.0.2.3", words::badhelo_refusal("bad.example", "192.0.2.3"))
    << hw(kT0 + 3, 12, "192.0.2.3", words::badhelo_refusal("bad.example", "192.0.2.3"))
    << stamp(kT0 + 4) + " tcpserver: end 12 status 0"
    << hw(kT0 + 5, 13, "192.0.2.4", words::helo("x_y.example", rule::G))
    << hw(kT0 + 5, 13, "192.0.2.4", words::blocked_with(message::malformed, "192.0.2.4"))
    << "garbage @ line"
    << "@4000 broken stamp"
    << hw(1, "192.0.2.9", str(words::kHelo) + "no verdict>");
  std::string out = f.tab();
  BOOST_TEST(lines_of(out, "stats")[0] ==
             "stats\t11\t7\t2\t2\t0\t2026-11-23 18:46:36\t2026-11-23 18:46:41");
  auto helo = lines_of(out, "helo");
  BOOST_REQUIRE(helo.size() == 3u);
  BOOST_TEST(helo[0] == "helo\t2\t0\tgood.example\t192.0.2.2");
  BOOST_TEST(helo[1] == "helo\t1\t1\tbad.example\t192.0.2.3\tbadhelo ^bad\\.\t1");
  BOOST_TEST(helo[2] == "helo\t1\t1\tx_y.example\t192.0.2.4\tG\t1");
  auto refused = lines_of(out, "refused");
  BOOST_REQUIRE(refused.size() == 2u);
  BOOST_TEST(refused[0] ==
             "refused\t2026-11-23 18:46:41\t2026-11-23 18:46:41\t192.0.2.4\tx_y.example\tG\t1\t1");
  BOOST_TEST(refused[1] == "refused\t2026-11-23 18:46:38\t2026-11-23 18:46:39\t192.0.2.3\t"
                           "bad.example\tbadhelo ^bad\\.\t1\t2");
  auto rules = lines_of(out, "rule");
  BOOST_REQUIRE(rules.size() == 3u);
  BOOST_TEST(rules[0] == "rule\t2\t0\t0\t-\tok");
  BOOST_TEST(rules[1] == "rule\t1\t1\t1\t-\tG");
  BOOST_TEST(rules[2] == "rule\t1\t1\t2\t-\tbadhelo ^bad\\.");
}

// Without $LOGHELO a "blocked with" does not name the HELO; the DNS check's own line does.
BOOST_AUTO_TEST_CASE(dns_refusals_take_the_name_from_earlier_lines) {
  Feed f;
  f << hw(kT0, 20, "192.0.2.1", words::dns_line(words::kNotSolvingLine, "nx.test", "192.0.2.1"))
    << hw(kT0, 20, "192.0.2.1", words::blocked_with(message::not_solving, "192.0.2.1"))
    << hw(kT0, 20, "192.0.2.1", words::blocked_with(message::not_solving, "192.0.2.1"))
    << hw(kT0, 21, "192.0.2.2", words::blocked_with(message::mismatch, "192.0.2.2"))
    << hw(kT0, 22, "192.0.2.3", words::no_helo("192.0.2.3"))
    << hw(kT0, 22, "192.0.2.3", words::blocked_with(message::no_helo, "192.0.2.3"))
    << hw(kT0, 22, "192.0.2.3", words::no_helo("192.0.2.3"))
    << hw(kT0, 22, "192.0.2.3", words::blocked_with(message::no_helo, "192.0.2.3"));
  std::string out = f.tab();
  auto helo = lines_of(out, "helo");
  BOOST_REQUIRE(helo.size() == 1u);  // ranked by refusals: no $LOGHELO, no chkuser lines
  BOOST_TEST(helo[0] == "helo\t1\t1\tnx.test\t192.0.2.1\tA\t1");
  auto refused = lines_of(out, "refused");
  BOOST_REQUIRE(refused.size() == 3u);
  BOOST_TEST(refused[0].find("\t192.0.2.1\tnx.test\tA\t1\t2") != std::string::npos);
  BOOST_TEST(refused[1].find("\t192.0.2.2\t(unknown)\tB\t1\t1") != std::string::npos);
  BOOST_TEST(refused[2].find("\t192.0.2.3\t(unknown)\tnohelo\t1\t2") != std::string::npos);
}

// helostat -t's records, read back by helocheck -b (helostat_records.h): the names of the
// helo and refused records, none from the others or from a refusal without a name.
BOOST_AUTO_TEST_CASE(records_read_back_by_helocheck) {
  Utc utc;
  Feed f;
  f << hw(kT0, 10, "192.0.2.1", "helo: <good.example> ok")
    << hw(kT0 + 1, 12, "192.0.2.3", "helo: <bad.example> badhelo ^bad\\.")
    << hw(kT0 + 1, 12, "192.0.2.3", "badhelo: <bad.example> at 192.0.2.3")
    << hw(kT0 + 2, 21, "192.0.2.2", "blocked with: HELO/EHLO command must provide FQDN that "
                                    "match your IP address. [192.0.2.2]")
    << hw(kT0 + 3, 30, "192.0.2.5", "badhelo: invalid pattern on line 3 (Unmatched ( or \\(): (x");
  std::string out = f.tab();
  std::vector<std::string> read;
  std::size_t records = 0;
  for (std::size_t pos = 0, end; (end = out.find('\n', pos)) != std::string::npos; pos = end + 1) {
    ++records;
    if (auto e = parse_batch_line(out.substr(pos, end - pos)))
      read.push_back(out.substr(pos, out.find('\t', pos) - pos) + " " + e->name + " " + e->ip);
  }
  BOOST_TEST(records == 9u);  // stats, 2 helo, 2 refused (one unnamed), 3 rule, 1 invalid
  BOOST_TEST(read == (std::vector<std::string>{"helo bad.example 192.0.2.3",
                                               "helo good.example 192.0.2.1",
                                               "refused bad.example 192.0.2.3"}),
             boost::test_tools::per_element());
}

// LOGHELO names the pattern even when the refusal line (no $LOGREGEX) does not.
BOOST_AUTO_TEST_CASE(pattern_from_the_helo_line_and_never_matching_patterns) {
  Feed f;
  f.parser.set_patterns({"^bad\\.", "mail", "never"});
  f.stats.set_patterns(control_parse("^bad\\.\nmail\n# c\nnever\n"));
  f << hw(kT0, 30, "192.0.2.1", words::helo("mail.example", words::badhelo_rule("mail")))
    << hw(kT0, 30, "192.0.2.1", words::badhelo_refusal("mail.example", "192.0.2.1"))
    << hw(kT0, 31, "192.0.2.1", words::helo("bad.example", words::badhelo_rule("^bad\\.")))
    << hw(kT0, 31, "192.0.2.1", words::badhelo_refusal("bad.example", "192.0.2.1", "^bad\\."));
  auto rules = lines_of(f.tab(), "rule");
  BOOST_REQUIRE(rules.size() == 3u);
  BOOST_TEST(rules[0] == "rule\t1\t1\t1\t1\tbadhelo ^bad\\.");
  BOOST_TEST(rules[1] == "rule\t1\t1\t1\t2\tbadhelo mail");
  BOOST_TEST(rules[2] == "rule\t0\t0\t0\t4\tbadhelo never");
  ReportOptions opt;
  opt.names = opt.clients = false;
  std::string table = render_report(f.stats, opt);
  BOOST_TEST(table.find("badhelo never (line 4)") != std::string::npos);
  BOOST_TEST(table.find("never matched") != std::string::npos);
  BOOST_TEST(table.find("badhelo, all patterns          2      2      2") != std::string::npos,
             table);
}

BOOST_AUTO_TEST_CASE(chkuser_lines_rank_when_there_is_no_loghelo) {
  Feed f;
  for (int i = 0; i < 3; ++i)
    f << "CHKUSER accepted rcpt: from <a@b::> remote <mx.example.org:mx.example.org:192.0.2.1> "
         "rcpt <x@y> : found existing recipient";
  f << "CHKUSER accepted rcpt: from <a@b::> remote <other.example::192.0.2.7> rcpt <x@y> : ok";
  auto helo = lines_of(f.tab(), "helo");
  BOOST_REQUIRE(helo.size() == 2u);
  BOOST_TEST(helo[0] == "helo\t3\t0\tmx.example.org\t192.0.2.1");
  BOOST_TEST(helo[1] == "helo\t1\t0\tother.example\t192.0.2.7");
}

BOOST_AUTO_TEST_CASE(time_window) {
  Feed f(kT0 + 10, kT0 + 20);
  f << hw(kT0, 1, "192.0.2.1", words::helo("early.example", rule::ok))
    << hw(kT0 + 10, 2, "192.0.2.1", words::helo("in.example", rule::ok))
    << hw(kT0 + 19, 3, "192.0.2.1", words::helo("in.example", rule::ok))
    << hw(kT0 + 20, 4, "192.0.2.1", words::helo("late.example", rule::ok))
    << hw(5, "192.0.2.1", words::helo("unstamped.example", rule::ok));
  std::string out = f.tab();
  BOOST_TEST(lines_of(out, "stats")[0].find("stats\t5\t2\t0\t0\t3\t") == 0u);
  auto helo = lines_of(out, "helo");
  BOOST_REQUIRE(helo.size() == 1u);
  BOOST_TEST(helo[0] == "helo\t2\t0\tin.example\t192.0.2.1");
}

// A connection whose HELO came before the window still names its refusals in it.
BOOST_AUTO_TEST_CASE(refusal_in_window_of_a_helo_before_it) {
  Feed f(kT0 + 10, {});
  f << hw(kT0, 1, "192.0.2.1", words::helo("x_y", rule::G))
    << hw(kT0 + 11, 1, "192.0.2.1", words::blocked_with(message::malformed, "192.0.2.1"));
  auto refused = lines_of(f.tab(), "refused");
  BOOST_REQUIRE(refused.size() == 1u);
  BOOST_TEST(refused[0].find("\t192.0.2.1\tx_y\tG\t1\t1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pid_reused_by_another_client_is_another_connection) {
  Feed f;
  f << hw(kT0, 1, "192.0.2.1", words::helo("a.example", rule::G))
    << hw(kT0, 1, "192.0.2.1", words::blocked_with(message::malformed, "192.0.2.1"))
    << hw(kT0, 1, "192.0.2.2", words::blocked_with(message::malformed, "192.0.2.2"));
  auto refused = lines_of(f.tab(), "refused");
  BOOST_REQUIRE(refused.size() == 2u);
  BOOST_TEST(refused[1].find("\t192.0.2.2\t(unknown)\tG\t1\t1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(many_connections_stay_bounded_and_counted) {
  Feed f;
  for (long pid = 1; pid <= 100000; ++pid)
    f << hw(kT0, pid, "192.0.2.1",
            words::helo("n" + std::to_string(pid % 7) + ".example", rule::ok));
  auto helo = lines_of(f.tab(), "helo");
  BOOST_REQUIRE(helo.size() == 7u);
  BOOST_TEST(helo[0] == "helo\t14286\t0\tn1.example\t192.0.2.1");
}

BOOST_AUTO_TEST_CASE(limit_and_terminal_table) {
  Utc utc;
  Feed f;
  for (int i = 0; i < 4; ++i) f << hw(kT0, 1, "192.0.2.1", words::helo("a.example", rule::ok));
  for (int i = 0; i < 2; ++i) f << hw(kT0, 2, "192.0.2.2", words::helo("b.example", rule::ok));
  f << hw(kT0, 3, "192.0.2.3", words::helo("c.example", rule::ok));
  BOOST_TEST(lines_of(f.tab(2), "helo").size() == 2u);
  ReportOptions opt;
  opt.limit = 2;
  opt.clients = opt.rules = false;
  std::string expected =
      "helostat: 7 lines: 7 counted, 0 other, 0 malformed (skipped)\n"
      "from 2026-11-23 18:46:36 to 2026-11-23 18:46:36 (local time)\n"
      "\n"
      "HELO names by HELOs logged (helowrap $LOGHELO lines): 2 of 3\n"
      "  HELOS                        REFUSED CONNS  HELO       LAST IP    REFUSED BY\n"
      "      4  ####################              0  a.example  192.0.2.1\n"
      "      2  ##########                        0  b.example  192.0.2.2\n";
  BOOST_TEST(render_report(f.stats, opt) == expected);
}

// $LOGHELO on for part of the log: a name refused while it was off has more refused
// connections than HELOs, and the table says what each column counts.
BOOST_AUTO_TEST_CASE(names_table_columns_say_what_they_count) {
  Utc utc;
  ReportOptions opt;
  opt.clients = opt.rules = false;
  Feed part;
  part << hw(kT0, 1, "192.0.2.1", words::helo("a.example", rule::ok))
       << hw(kT0, 2, "192.0.2.1", words::helo("a.example", rule::ok));
  for (long pid = 3; pid < 7; ++pid)
    part << hw(kT0, pid, "192.0.2.3", words::badhelo_refusal("bad.example", "192.0.2.3"));
  std::string report = render_report(part.stats, opt);
  BOOST_TEST(report.find("\n  HELOS                        REFUSED CONNS  HELO         LAST IP"
                         "    REFUSED BY\n") != std::string::npos, report);
  BOOST_TEST(report.find("\n      0                                    4  bad.example  192.0.2.3"
                         "  badhelo (4)\n") != std::string::npos, report);
  BOOST_TEST(report.find("\n  (REFUSED CONNS above HELOS: $LOGHELO was off for part of the log)\n") !=
                 std::string::npos, report);
  BOOST_TEST(lines_of(part.tab(), "helo")[1] == "helo\t0\t4\tbad.example\t192.0.2.3\tbadhelo\t4");

  Feed all;  // $LOGHELO on throughout: no note
  all << hw(kT0, 1, "192.0.2.1", words::helo("bad.example", words::badhelo_rule("^bad\\.")))
      << hw(kT0, 1, "192.0.2.1", words::badhelo_refusal("bad.example", "192.0.2.1"));
  BOOST_TEST(render_report(all.stats, opt).find("REFUSED CONNS above") == std::string::npos);

  Feed none;  // no $LOGHELO at all: ranked by refused connections, counted once
  none << hw(kT0, 3, "192.0.2.3", words::badhelo_refusal("bad.example", "192.0.2.3"));
  std::string r = render_report(none.stats, opt);
  BOOST_TEST(r.find("\n  REFUSED CONNS                        HELO         LAST IP    REFUSED BY\n") != std::string::npos, r);
  BOOST_TEST(r.find("HELOS") == std::string::npos, r);
}

BOOST_AUTO_TEST_CASE(bars) {
  BOOST_TEST(bar(0, 10, 20) == "");
  BOOST_TEST(bar(10, 10, 20) == std::string(20, '#'));
  BOOST_TEST(bar(1, 1000, 20) == "#");
  BOOST_TEST(bar(5, 10, 20) == std::string(10, '#'));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(str_index)

BOOST_AUTO_TEST_CASE(entries_stay_put_as_the_index_grows) {
  StrIndex<int> index;
  auto& first = index.get("first.example");
  first.second = 42;
  for (int i = 0; i < 20000; ++i) index.get("name" + std::to_string(i)).second += i;
  for (int i = 0; i < 20000; i += 997) index.get("name" + std::to_string(i)).second += 1;
  BOOST_TEST(index.size() == 20001u);
  BOOST_TEST(&index.get("first.example") == &first);
  BOOST_TEST(first.second == 42);
  BOOST_TEST(index.get("name997").second == 998);
  BOOST_TEST(index.get("name998").second == 998);
  BOOST_TEST(index.get("").second == 0);  // the empty name is a name
  BOOST_TEST(index.size() == 20002u);
  BOOST_TEST(index.entries().front().first == "first.example");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(line_splitter)

BOOST_AUTO_TEST_CASE(lines_across_chunks_and_too_long_ones) {
  LineSplitter s(8);
  std::vector<std::string> got;
  auto take = [&got](std::string_view l, bool too_long) {
    got.push_back(too_long ? "<too long>" : std::string(l));
  };
  s.feed("ab\ncd", take);
  s.feed("ef\n0123456789", take);
  s.feed("abc\nxy\n\n1234", take);
  s.feed("56789\nlast", take);
  s.finish(take);
  std::vector<std::string> want = {"ab", "cdef", "<too long>", "xy", "", "<too long>", "last"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
