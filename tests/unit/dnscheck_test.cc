// SPEC §5: flags, the G syntax table, and verdicts from synthetic DNS answers.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ostream>
#include <sys/socket.h>

#include "check/dnscheck.h"
#include "check/log_words.h"
#include "check/verdict_text.h"

std::ostream& operator<<(std::ostream& o, const IpAddr& a) { return o << a.text(); }
std::ostream& operator<<(std::ostream& o, Verdict::Kind k) {
  switch (k) {
    case Verdict::Kind::pass: return o << "pass";
    case Verdict::Kind::block: return o << "block";
    case Verdict::Kind::let_go: return o << "let go";
    case Verdict::Kind::pending: break;
  }
  return o << "pending";
}

namespace {

using S = Lookup::Status;

Lookup found(std::initializer_list<const char*> addrs) {
  Lookup l;
  l.status = S::found;
  for (const char* a : addrs) l.addresses.push_back(*IpAddr::parse(a));
  return l;
}
Lookup status(S s) {
  Lookup l;
  l.status = s;
  return l;
}
const Lookup kNx = status(S::nxdomain), kNoData = status(S::nodata),
             kTemp = status(S::tempfail), kPending = status(S::pending);

DnsContext context(const char* flags, const char* client = "192.0.2.10") {
  DnsContext c;
  c.flags = DnsFlags::parse(flags);
  c.client_text = client;
  c.client = IpAddr::parse(client);
  c.local_names = {"mx.example.org", "example.org"};
  c.local_addresses = {*IpAddr::parse("198.51.100.7"), *IpAddr::parse("2001:db8::7")};
  return c;
}

// A decision with its texts rendered as the session renders them (check/verdict_text.h):
// what a client and the log would see of it.
struct Said {
  Verdict::Kind kind;
  std::string reply;                      // to each RCPT, when it blocks
  std::vector<std::string> rcpt_log;      // at each refused RCPT
  std::string header;                     // H's
  std::vector<std::string> decision_log;  // once, when decided
  std::string rule;                       // $LOGHELO's
  bool undecided;
  bool is_pending() const { return kind == Verdict::Kind::pending; }
  bool is_block() const { return kind == Verdict::Kind::block; }
};

Said said(const DnsContext& c, std::string_view name, const Verdict& v,
          std::vector<std::string> log = {}) {
  std::string shown = printable(name), ip = printable(c.client_text);
  VerdictScene scene{shown, ip, false, c.flags.L};
  Said s{v.kind, {}, {}, finding_header(v, scene), std::move(log), rule_text(v), v.undecided()};
  if (v.is_block()) {
    s.reply = refusal_reply(v);
    s.rcpt_log = refusal_log(v, scene);
  }
  return s;
}

Said decide(const DnsContext& c, std::string_view name, const Lookup& a, const Lookup& aaaa,
            bool time_up) {
  DnsDecision d = dns_decide(c, name, a, aaaa, time_up);
  return said(c, name, d.verdict, std::move(d.log));
}

Said refused_without_helo(const DnsContext& c) { return said(c, "", dns_no_helo_verdict(c)); }

bool has_line(const Said& v, const std::string& line) {
  return std::find(v.decision_log.begin(), v.decision_log.end(), line) != v.decision_log.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dnscheck)

BOOST_AUTO_TEST_CASE(flags_and_their_implications) {
  DnsFlags d = DnsFlags::parse("");
  BOOST_TEST((d.G && d.N && d.L && d.R));
  BOOST_TEST((!d.A && !d.B && !d.H && !d.D && !d.P && !d.T));
  DnsFlags b = DnsFlags::parse("B");
  BOOST_TEST((b.G && b.A && b.N && b.B && !b.L));
  DnsFlags a = DnsFlags::parse("I");
  BOOST_TEST((a.A && a.G && !a.N));
  DnsFlags v = DnsFlags::parse("VDxyz?");
  BOOST_TEST((v.N && v.D && v.L && !v.G));
  DnsFlags all = DnsFlags::parse("HPT");
  BOOST_TEST((all.H && all.P && all.T && !all.G));
  BOOST_TEST(DnsFlags::parse("gnlr").G == false);  // letters are upper case, as in helodnscheck
}

BOOST_AUTO_TEST_CASE(g_syntax_table) {
  std::string l63(63, 'a'), l64(64, 'a');
  std::string total253 = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                         std::string(63, 'c') + "." + std::string(57, 'd') + ".com";  // 253
  BOOST_REQUIRE(total253.size() == 253u);
  const char* valid[] = {"mail.example.org", "a.bc", "MX1.Example.COM", "x-y.example",
                         "mail.example.org.", "xn--bcher-kva.example", "mail.xn--p1ai",
                         "1.2.3.4.example", "mail.example.international", "a1.b2.museum"};
  for (const char* n : valid) BOOST_TEST(valid_hostname(n), n);
  BOOST_TEST(valid_hostname(l63 + ".example"));
  BOOST_TEST(valid_hostname(total253));
  BOOST_TEST(valid_hostname(total253 + "."));  // the trailing dot does not count
  const char* invalid[] = {"localhost", "example", "", ".", "a..b", ".a.b", "a.b..",
                           "-a.example", "a-.example", "a.-b.example", "mail_1.example",
                           "mail.example.123", "mail.exa mple", "1.2.3.4", "a.b-", "a.b",
                           "mail.ex4mple", "mail.xn--", "[192.0.2.1]", "a.b/c"};
  for (const char* n : invalid) BOOST_TEST(!valid_hostname(n), n);
  BOOST_TEST(!valid_hostname(l64 + ".example"));
  BOOST_TEST(!valid_hostname("x" + total253));  // 254
}

BOOST_AUTO_TEST_CASE(address_literals) {
  BOOST_TEST(address_literal("[192.0.2.1]").has_value());
  BOOST_TEST(address_literal("[IPv6:2001:db8::1]").has_value());
  BOOST_TEST(address_literal("[ipv6:2001:DB8::1]").has_value());
  BOOST_TEST(address_literal("[2001:db8::1]").has_value());
  BOOST_TEST(*address_literal("[IPv6:::ffff:192.0.2.1]") == *IpAddr::parse("192.0.2.1"));
  BOOST_TEST(!address_literal("192.0.2.1").has_value());
  BOOST_TEST(!address_literal("[192.0.2.256]").has_value());
  BOOST_TEST(!address_literal("[IPv6:192.0.2.1]").has_value());
  BOOST_TEST(!address_literal("[mail.example]").has_value());
  BOOST_TEST(!address_literal("[]").has_value());
  BOOST_TEST(IpAddr::parse("::1")->is_loopback());
  BOOST_TEST(IpAddr::parse("127.8.9.10")->is_loopback());
  BOOST_TEST(IpAddr::parse("::ffff:127.0.0.1")->is_loopback());
  BOOST_TEST(!IpAddr::parse("192.0.2.1")->is_loopback());
}

BOOST_AUTO_TEST_CASE(g_blocks_malformed_without_asking_dns) {
  DnsContext c = context("GL");
  BOOST_TEST(!dns_needs_lookup(c, "nodot"));
  Said v = decide(c, "nodot", kPending, kPending, false);
  BOOST_TEST(v.is_block());
  BOOST_TEST(v.reply == "553 sorry, malformed HELO/EHLO hostname (#5.7.1)");
  BOOST_TEST(v.rule == "G");
  BOOST_TEST(has_line(v, "malformed HELO/EHLO [nodot] from [192.0.2.10]"));
  BOOST_REQUIRE(v.rcpt_log.size() == 1u);
  BOOST_TEST(v.rcpt_log[0] == "blocked with: malformed HELO/EHLO hostname [192.0.2.10]");
  BOOST_TEST(!dns_needs_lookup(context("G"), "mail.example.org"));  // G alone asks nothing
  BOOST_TEST(decide(context("G"), "mail.example.org", kPending, kPending, false).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(a_waits_for_both_answers) {
  DnsContext c = context("A");
  BOOST_TEST(decide(c, "x.example", found({"192.0.2.1"}), kPending, false).is_pending());
  BOOST_TEST(decide(c, "x.example", kPending, kNx, false).is_pending());
  BOOST_TEST(decide(c, "x.example", found({"192.0.2.1"}), kNoData, false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(decide(c, "x.example", kNoData, found({"2001:db8::1"}), false).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(nxdomain_and_nodata_do_not_resolve) {
  DnsContext c = context("AL");
  for (auto [a, aaaa] : {std::pair{kNx, kNx}, std::pair{kNoData, kNoData}, std::pair{kNx, kNoData}}) {
    Said v = decide(c, "x.example", a, aaaa, false);
    BOOST_TEST(v.is_block());
    BOOST_TEST(v.reply == "553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)");
    BOOST_TEST(has_line(v, "HELO [x.example] from [192.0.2.10] doesn't solve"));
  }
}

BOOST_AUTO_TEST_CASE(servfail_and_timeout_are_temporary_failures) {
  DnsContext c = context("AL");
  for (auto [a, aaaa, up] : {std::tuple{kTemp, kNx, false}, std::tuple{kNx, kTemp, false},
                             std::tuple{kPending, kPending, true}, std::tuple{kNx, kPending, true}}) {
    Said v = decide(c, "x.example", a, aaaa, up);
    BOOST_TEST(v.kind == Verdict::Kind::let_go);  // RCPTs pass, the client stays out of TLS
    BOOST_TEST(has_line(v, "HELO [x.example] DNS CHECK for IP [192.0.2.10] temporary failed, but let it go"));
  }
  BOOST_TEST(decide(c, "x.example", kTemp, kTemp, false).undecided);
  BOOST_TEST(!decide(c, "x.example", kNx, kNx, false).undecided);
  Said t = decide(context("ALT"), "x.example", kTemp, kTemp, false);
  BOOST_TEST(t.is_block());
  BOOST_TEST(t.reply == "451 temporary failure checking HELO/EHLO host name (#4.4.3)");
  BOOST_TEST(t.rule == "tempfail");
  // An address that did come in is enough to resolve, even if the other query timed out.
  BOOST_TEST(decide(c, "x.example", found({"192.0.2.1"}), kPending, true).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(without_a_not_resolving_is_only_logged) {
  Said v = decide(context("GNL"), "x.example", kNx, kNx, false);
  BOOST_TEST(v.kind == Verdict::Kind::pass);
  BOOST_TEST(has_line(v, "HELO [x.example] from [192.0.2.10] doesn't solve"));
  BOOST_TEST(decide(context("GN"), "x.example", kNx, kNx, false).decision_log.empty());
}

BOOST_AUTO_TEST_CASE(n_localhost_and_our_names) {
  DnsContext c = context("NL");
  for (const char* n : {"localhost", "LOCALHOST.localdomain", "localhost."}) {
    Said v = decide(c, n, kPending, kPending, false);  // decided before any answer
    BOOST_TEST(v.is_block(), n);
    BOOST_TEST(v.reply == "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)");
    BOOST_TEST(has_line(v, std::string("invalid HELO/EHLO [") + n + "] from [192.0.2.10]"));
  }
  for (const char* n : {"mx.example.org", "Example.ORG."}) {
    Said v = decide(c, n, kPending, kPending, false);
    BOOST_TEST(v.is_block(), n);
    BOOST_TEST(v.reply == "553 sorry, HELO doesn't match IP (#5.7.1)");
    BOOST_TEST(has_line(v, std::string("HELO [") + n +
                               "] is a local domain but IP [192.0.2.10] is not a RELAYCLIENT"));
  }
  BOOST_TEST(!decide(c, "sub.example.org", kNx, kNx, false).is_block());  // whole names only
}

BOOST_AUTO_TEST_CASE(n_addresses_whole_and_loopback_only_logged) {
  DnsContext c = context("NL");
  BOOST_TEST(decide(c, "x.example", found({"198.51.100.7"}), kNoData, false).is_block());
  BOOST_TEST(decide(c, "x.example", kNoData, found({"2001:db8::7"}), false).is_block());
  BOOST_TEST(!decide(c, "x.example", found({"198.51.100.70"}), kNoData, false).is_block());
  BOOST_TEST(!decide(c, "x.example", found({"198.51.100.0"}), kNoData, false).is_block());
  Said loop = decide(c, "x.example", found({"127.0.0.1"}), kNoData, false);
  BOOST_TEST(!loop.is_block());
  BOOST_TEST(has_line(loop, "HELO [x.example] resolves to loopback [127.0.0.1], let it go"));
  for (const char* lit : {"[127.0.0.1]", "[IPv6:::1]", "[::1]"})
    BOOST_TEST(decide(c, lit, kPending, kPending, false).reply ==
                   "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)", lit);
  BOOST_TEST(decide(c, "[198.51.100.7]", kPending, kPending, false).reply ==
             "553 sorry, HELO doesn't match IP (#5.7.1)");
  c.relayclient = true;
  BOOST_TEST(!decide(c, "localhost", kNx, kNx, false).is_block());
}

BOOST_AUTO_TEST_CASE(a_before_n) {
  // "localhost.localdomain" passes G; with A, a name that does not resolve is A's to refuse.
  Said v = decide(context("AN"), "localhost.localdomain", kNx, kNx, false);
  BOOST_TEST(v.reply == "553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)");
  BOOST_TEST(decide(context("AN"), "localhost.localdomain", kPending, kPending, false).is_pending());
}

BOOST_AUTO_TEST_CASE(b_for_ipv4_ipv6_and_mapped_clients) {
  const char* mismatch = "553 sorry, HELO/EHLO command must provide FQDN that match your IP address. (#5.7.1)";
  BOOST_TEST(decide(context("B"), "x.example", found({"192.0.2.10"}), kNoData, false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(decide(context("B"), "x.example", found({"192.0.2.11"}), kNoData, false).reply == mismatch);
  // an IPv4 client is compared with A, never with AAAA
  BOOST_TEST(decide(context("B"), "x.example", kNoData, found({"::ffff:192.0.2.10"}), false).reply == mismatch);
  BOOST_TEST(decide(context("B", "2001:db8::10"), "x.example", kNoData, found({"2001:db8::10"}), false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(decide(context("B", "2001:db8::10"), "x.example", found({"192.0.2.10"}), kNoData, false).reply ==
             mismatch);
  BOOST_TEST(decide(context("B", "::ffff:192.0.2.10"), "x.example", found({"192.0.2.10"}), kNoData, false).kind ==
             Verdict::Kind::pass);
  Said v = decide(context("BL"), "x.example", found({"192.0.2.11"}), kNoData, false);
  BOOST_TEST(has_line(v, "HELO [x.example] doesn't match IP [192.0.2.10]"));
  BOOST_TEST(v.rcpt_log[0] == "blocked with: HELO/EHLO command must provide FQDN that match your IP address. [192.0.2.10]");
  BOOST_TEST(v.rule == "B");
  // the client's own family timed out: temporary failure, not a mismatch
  BOOST_TEST(decide(context("BL"), "x.example", kTemp, found({"2001:db8::1"}), false).kind ==
             Verdict::Kind::let_go);
  BOOST_TEST(decide(context("B"), "[192.0.2.10]", kPending, kPending, false).kind == Verdict::Kind::pass);
  BOOST_TEST(decide(context("B"), "[192.0.2.11]", kPending, kPending, false).reply == mismatch);
  BOOST_TEST(decide(context("B", "2001:db8::10"), "[IPv6:2001:DB8::10]", kPending, kPending, false).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(without_b_a_mismatch_is_only_logged) {
  Said v = decide(context("GNL"), "x.example", found({"192.0.2.11"}), kNoData, false);
  BOOST_TEST(v.kind == Verdict::Kind::pass);
  BOOST_TEST(has_line(v, "HELO [x.example] doesn't match IP [192.0.2.10]"));
}

BOOST_AUTO_TEST_CASE(p_never_blocks_but_logs_and_goes_on) {
  Said v = decide(context("BLP"), "nodot", kNx, kNx, false);
  BOOST_TEST(v.kind == Verdict::Kind::pass);
  BOOST_TEST(has_line(v, "malformed HELO/EHLO [nodot] from [192.0.2.10]"));
  BOOST_TEST(has_line(v, "HELO [nodot] from [192.0.2.10] doesn't solve"));
  BOOST_TEST(dns_needs_lookup(context("GLP"), "nodot"));  // with P the later filters run
  Said t = decide(context("ALPT"), "x.example", kTemp, kTemp, false);
  BOOST_TEST(t.kind == Verdict::Kind::let_go);
}

BOOST_AUTO_TEST_CASE(h_headers) {
  Said nx = decide(context("H"), "x.example", kNx, kNx, false);
  BOOST_TEST(nx.header == "X-Helo-Check: HELO [x.example] from [192.0.2.10] doesn't solve");
  BOOST_TEST(nx.decision_log.empty());  // H without L logs nothing
  Said mm = decide(context("H"), "x.example", found({"192.0.2.11"}), kNoData, false);
  BOOST_TEST(mm.header == "X-Helo-Check: HELO [x.example] doesn't match IP [192.0.2.10]");
  Said ok = decide(context("H"), "x.example", found({"192.0.2.10"}), kNoData, false);
  BOOST_TEST(ok.header == "");
  Said ctl = decide(context("H"), "x\r\nBcc: y", kNx, kNx, false);
  BOOST_TEST(ctl.header == "X-Helo-Check: HELO [x??Bcc: y] from [192.0.2.10] doesn't solve");
}

BOOST_AUTO_TEST_CASE(d_debug_lines) {
  Said v = decide(context("BD"), "x.example", found({"192.0.2.10"}), kNoData, false);
  BOOST_TEST(has_line(v, "debug: flags BD, HELO [x.example], client [192.0.2.10]"));
  BOOST_TEST(has_line(v, "debug: A: found, AAAA: no data"));
  BOOST_TEST(has_line(v, "debug: address 192.0.2.10"));
  BOOST_TEST(has_line(v, "debug: B: client is among the addresses"));
}

BOOST_AUTO_TEST_CASE(lookups_only_when_a_flag_needs_them) {
  BOOST_TEST(!dns_needs_lookup(context("GR"), "x.example"));
  BOOST_TEST(!dns_needs_lookup(context("GRT"), "x.example"));
  for (const char* f : {"A", "N", "B", "L", "H"}) BOOST_TEST(dns_needs_lookup(context(f), "x.example"), f);
  BOOST_TEST(!dns_needs_lookup(context("B"), "[192.0.2.1]"));
  DnsContext relay = context("N");
  relay.relayclient = true;
  BOOST_TEST(!dns_needs_lookup(relay, "x.example"));
}

BOOST_AUTO_TEST_CASE(no_helo) {
  Said v = refused_without_helo(context("GNLR"));
  BOOST_TEST(v.reply == "553 sorry, no HELO/EHLO hostname has been sent. (#5.7.1)");
  BOOST_REQUIRE(v.rcpt_log.size() == 2u);
  BOOST_TEST(v.rcpt_log[0] == "No HELO sent from [192.0.2.10]");
  BOOST_TEST(v.rcpt_log[1] == "blocked with: no HELO/EHLO hostname has been sent. [192.0.2.10]");
  BOOST_TEST(refused_without_helo(context("P")).kind == Verdict::Kind::pass);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dnscheck_tempfail)

BOOST_AUTO_TEST_CASE(t_applies_when_only_n_needed_dns) {
  Said v = decide(context("GNT"), "x.example", kTemp, kTemp, false);
  BOOST_TEST(v.reply == "451 temporary failure checking HELO/EHLO host name (#4.4.3)");
  BOOST_TEST(decide(context("GN"), "x.example", kTemp, kTemp, false).kind == Verdict::Kind::let_go);
}

BOOST_AUTO_TEST_CASE(our_name_is_refused_even_when_dns_fails) {
  for (const char* flags : {"GANL", "GNL", "BL"}) {
    Said v = decide(context(flags), "localhost.localdomain", kTemp, kTemp, false);
    BOOST_TEST(v.reply == "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)", flags);
    Said ours = decide(context(flags), "mx.example.org", kTemp, kTemp, true);
    BOOST_TEST(ours.reply == "553 sorry, HELO doesn't match IP (#5.7.1)", flags);
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 10: three cases where helowrap decided differently from helodnscheck.
BOOST_AUTO_TEST_SUITE(dnscheck_compat)

const char* const kMalformed = "553 sorry, malformed HELO/EHLO hostname (#5.7.1)";
const char* const kLocalhost = "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)";
const char* const kOurs = "553 sorry, HELO doesn't match IP (#5.7.1)";
const char* const kMismatch =
    "553 sorry, HELO/EHLO command must provide FQDN that match your IP address. (#5.7.1)";
const char* const kTempFail = "451 temporary failure checking HELO/EHLO host name (#4.4.3)";

std::string outcome(const Said& v) {
  if (v.is_pending()) return "pending";
  return v.is_block() ? v.reply : "pass";
}

// G: the top-level label has at least two letters (helodnscheck's [A-Za-z]{2,12}), or is xn--.
BOOST_AUTO_TEST_CASE(g_one_letter_top_label_is_malformed) {
  struct Row { const char* name; bool valid; } rows[] = {
      {"mail.example.c", false}, {"a.b", false},  {"a.b.", false},       {"mail.example.C", false},
      {"mail.example.cc", true}, {"a.bc", true},  {"a.bc.", true},       {"mail.xn--p1ai", true},
      {"x.xn--", false},         {"c.c.c", false}, {"mail.example.c1", false},
  };
  for (const Row& r : rows) {
    BOOST_TEST(valid_hostname(r.name) == r.valid, r.name);
    Said v = decide(context("GL"), r.name, kNx, kNx, false);
    BOOST_TEST(outcome(v) == (r.valid ? "pass" : kMalformed), r.name);
    if (!r.valid) {
      BOOST_TEST(!dns_needs_lookup(context("GL"), r.name), r.name);
      BOOST_TEST(has_line(v, std::string("malformed HELO/EHLO [") + r.name + "] from [192.0.2.10]"));
    }
  }
  // A and B imply G
  BOOST_TEST(outcome(decide(context("A"), "mail.example.c", kPending, kPending, false)) == kMalformed);
  BOOST_TEST(outcome(decide(context("B"), "a.b", kPending, kPending, false)) == kMalformed);
}

// N and B: a bare address is compared as an address, as helodnscheck's gethostbyname() makes
// it, without a DNS question. G still finds it malformed (not a host name, not a literal).
BOOST_AUTO_TEST_CASE(bare_address_table) {
  struct Row {
    const char* flags;
    const char* name;
    const char* client;
    const char* tcplocalip;  // added to this server's addresses, as load_policy does
    const char* want;        // the reply, or "pass"
  } rows[] = {
      // moreipme (198.51.100.7, 2001:db8::7), whole addresses in binary
      {"N", "198.51.100.7", "192.0.2.10", nullptr, kOurs},
      {"NL", "2001:db8::7", "192.0.2.10", nullptr, kOurs},
      {"N", "2001:DB8:0::7", "192.0.2.10", nullptr, kOurs},
      {"N", "::ffff:198.51.100.7", "192.0.2.10", nullptr, kOurs},
      {"N", "198.51.100.70", "192.0.2.10", nullptr, "pass"},
      {"N", "198.51.100.7.", "192.0.2.10", nullptr, "pending"},  // not an address: asks DNS
      // $TCPLOCALIP
      {"N", "192.0.2.25", "192.0.2.10", "192.0.2.25", kOurs},
      {"N", "::ffff:192.0.2.25", "192.0.2.10", "192.0.2.25", kOurs},
      {"N", "192.0.2.26", "192.0.2.10", "192.0.2.25", "pass"},
      // a bare loopback address resolves to loopback: let go (SPEC 5.2), as helodnscheck
      {"N", "127.0.0.1", "192.0.2.10", nullptr, "pass"},
      {"N", "127.9.9.9", "192.0.2.10", nullptr, "pass"},
      {"N", "::1", "192.0.2.10", nullptr, "pass"},
      {"N", "::ffff:127.0.0.1", "192.0.2.10", nullptr, "pass"},
      // an address literal of loopback is refused (SPEC 9)
      {"N", "[127.0.0.1]", "192.0.2.10", nullptr, kLocalhost},
      {"N", "[IPv6:::1]", "192.0.2.10", nullptr, kLocalhost},
      {"NLB", "192.0.2.10", "192.0.2.10", nullptr, kMalformed},  // B implies G
      // G: a bare address is malformed, before N can see it
      {"GN", "198.51.100.7", "192.0.2.10", nullptr, kMalformed},
      {"G", "192.0.2.10", "192.0.2.10", nullptr, kMalformed},
      {"GN", "::1", "192.0.2.10", nullptr, kMalformed},
      {"", "198.51.100.7", "192.0.2.10", nullptr, kMalformed},  // default GNLR
  };
  for (const Row& r : rows) {
    DnsContext c = context(r.flags, r.client);
    if (r.tcplocalip) c.local_addresses.push_back(*IpAddr::parse(r.tcplocalip));
    std::string what = std::string(r.flags) + " " + r.name;
    BOOST_TEST(outcome(decide(c, r.name, kPending, kPending, false)) == r.want, what);
    if (std::string(r.want) != "pending") BOOST_TEST(!dns_needs_lookup(c, r.name), what);
  }
  // The comparison with the client's IP: logged with L, refused only by B (seen under P)
  Said logged = decide(context("NL"), "192.0.2.11", kPending, kPending, false);
  BOOST_TEST(outcome(logged) == "pass");
  BOOST_TEST(has_line(logged, "HELO [192.0.2.11] doesn't match IP [192.0.2.10]"));
  BOOST_TEST(decide(context("NL"), "192.0.2.10", kPending, kPending, false).decision_log.empty());
  Said other = decide(context("BLP"), "192.0.2.11", kPending, kPending, false);
  BOOST_TEST(has_line(other, "HELO [192.0.2.11] doesn't match IP [192.0.2.10]"));
  BOOST_TEST(has_line(other, "malformed HELO/EHLO [192.0.2.11] from [192.0.2.10]"));
  Said same = decide(context("BLP", "2001:db8::10"), "2001:DB8::10", kPending, kPending, false);
  BOOST_TEST(!has_line(same, "HELO [2001:DB8::10] doesn't match IP [2001:db8::10]"));
  Said mapped = decide(context("BLP", "::ffff:192.0.2.10"), "192.0.2.10", kPending, kPending, false);
  BOOST_TEST(!has_line(mapped, "HELO [192.0.2.10] doesn't match IP [::ffff:192.0.2.10]"));
  // the log names the rule as for a literal
  Said ours = decide(context("NL"), "198.51.100.7", kPending, kPending, false);
  BOOST_TEST(has_line(ours, "HELO [198.51.100.7] is a local domain but IP [192.0.2.10] is not a RELAYCLIENT"));
  BOOST_TEST(ours.rule == "N");
  DnsContext relay = context("N");
  relay.relayclient = true;
  BOOST_TEST(outcome(decide(relay, "198.51.100.7", kPending, kPending, false)) == "pass");
}

std::string describe(const Lookup& l) {
  std::string s = l.truncated ? "truncated" : "";
  for (const IpAddr& a : l.addresses) s += " " + a.text();
  return "[" + s + "]";
}

Lookup truncated(std::initializer_list<const char*> addrs) {
  Lookup l = found(addrs);
  l.truncated = true;
  if (l.addresses.empty()) l.status = S::tempfail;  // what the driver makes of an empty one
  return l;
}

// A truncated answer counts with the records it holds; when none decides, it is a temporary
// failure (SPEC §5.4).
BOOST_AUTO_TEST_CASE(truncated_answer_table) {
  struct Row {
    const char* flags;
    const char* client;
    Lookup a, aaaa;
    const char* want;
  } rows[] = {
      // B: the client's IP is among the records held
      {"BT", "192.0.2.10", truncated({"192.0.2.1", "192.0.2.10"}), kNoData, "pass"},
      {"BLT", "192.0.2.10", truncated({"192.0.2.10"}), kTemp, "pass"},
      {"B", "2001:db8::10", kNoData, truncated({"2001:db8::1", "2001:db8::10"}), "pass"},
      // ... or not: the rest of the answer might hold it
      {"BT", "192.0.2.10", truncated({"192.0.2.1", "192.0.2.2"}), kNoData, kTempFail},
      {"B", "192.0.2.10", truncated({"192.0.2.1"}), kNoData, "pass"},  // let go without T
      {"BT", "192.0.2.10", truncated({}), kNoData, kTempFail},         // holds nothing
      {"BT", "192.0.2.10", truncated({}), truncated({}), kTempFail},
      // an IPv4 client is judged by A alone: a truncated AAAA does not matter
      {"BT", "192.0.2.10", found({"192.0.2.10"}), truncated({"2001:db8::1"}), "pass"},
      {"BT", "192.0.2.10", found({"192.0.2.11"}), truncated({"2001:db8::1"}), kMismatch},
      // A: any address held resolves the name; without B the client's IP decides nothing
      {"AT", "192.0.2.10", truncated({"192.0.2.1"}), kNoData, "pass"},
      {"ALT", "192.0.2.10", truncated({"192.0.2.1"}), kNoData, "pass"},
      {"GNLHT", "192.0.2.10", truncated({"192.0.2.1"}), kNoData, "pass"},
      {"AT", "192.0.2.10", truncated({}), kNoData, kTempFail},
      // N: an address of ours among those held refuses; the others are judged as held
      {"NT", "192.0.2.10", truncated({"192.0.2.1", "198.51.100.7"}), kNoData, kOurs},
      {"BT", "192.0.2.10", truncated({"192.0.2.10", "198.51.100.7"}), kNoData, kOurs},
      {"NT", "192.0.2.10", truncated({"192.0.2.1"}), kNoData, "pass"},
      {"NT", "192.0.2.10", truncated({}), kNoData, kTempFail},
  };
  for (const Row& r : rows) {
    Said v = decide(context(r.flags, r.client), "many.example", r.a, r.aaaa, false);
    BOOST_TEST(outcome(v) == r.want, std::string(r.flags) + " A " + describe(r.a) + " AAAA " +
                                         describe(r.aaaa));
  }
  // the debug log says the answer was cut short; a let-go is logged as a temporary failure
  Said d = decide(context("BD"), "many.example", truncated({"192.0.2.10"}), kNoData, false);
  BOOST_TEST(has_line(d, "debug: A: found (truncated), AAAA: no data"));
  Said l = decide(context("BL"), "many.example", truncated({"192.0.2.1"}), kNoData, false);
  BOOST_TEST(has_line(l, "HELO [many.example] DNS CHECK for IP [192.0.2.10] temporary failed, but let it go"));
  BOOST_TEST(!has_line(l, "HELO [many.example] doesn't match IP [192.0.2.10]"));
  BOOST_TEST(l.undecided);
  // without B: no mismatch, no header, no temporary failure
  Said h = decide(context("ALHD"), "many.example", truncated({"192.0.2.1"}), kNoData, false);
  BOOST_TEST(h.header == "");
  BOOST_TEST(!has_line(h, "HELO [many.example] doesn't match IP [192.0.2.10]"));
  BOOST_TEST(!has_line(h, "HELO [many.example] DNS CHECK for IP [192.0.2.10] temporary failed"));
  BOOST_TEST(has_line(h, "debug: B: not decided, the answer was truncated"));
  BOOST_TEST(!h.undecided);
}

BOOST_AUTO_TEST_SUITE_END()
