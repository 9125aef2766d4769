// SPEC §5: flags, the G syntax table, and verdicts from synthetic DNS answers.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ostream>
#include <sys/socket.h>

#include "dnscheck.h"

std::ostream& operator<<(std::ostream& o, const IpAddr& a) { return o << a.text(); }
std::ostream& operator<<(std::ostream& o, Verdict::Kind k) {
  return o << (k == Verdict::Kind::pass ? "pass" : k == Verdict::Kind::block ? "block" : "pending");
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

bool has_line(const Verdict& v, const std::string& line) {
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
  const char* valid[] = {"mail.example.org", "a.b", "MX1.Example.COM", "x-y.example",
                         "mail.example.org.", "xn--bcher-kva.example", "mail.xn--p1ai",
                         "1.2.3.4.example", "mail.example.international", "a1.b2.museum"};
  for (const char* n : valid) BOOST_TEST(valid_hostname(n), n);
  BOOST_TEST(valid_hostname(l63 + ".example"));
  BOOST_TEST(valid_hostname(total253));
  BOOST_TEST(valid_hostname(total253 + "."));  // the trailing dot does not count
  const char* invalid[] = {"localhost", "example", "", ".", "a..b", ".a.b", "a.b..",
                           "-a.example", "a-.example", "a.-b.example", "mail_1.example",
                           "mail.example.123", "mail.exa mple", "1.2.3.4", "a.b-",
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
  Verdict v = dns_decide(c, "nodot", kPending, kPending, false);
  BOOST_TEST(v.is_block());
  BOOST_TEST(v.reply == "553 sorry, malformed HELO/EHLO hostname (#5.7.1)");
  BOOST_TEST(v.rule == "G");
  BOOST_TEST(has_line(v, "malformed HELO/EHLO [nodot] from [192.0.2.10]"));
  BOOST_REQUIRE(v.rcpt_log.size() == 1u);
  BOOST_TEST(v.rcpt_log[0] == "blocked with: malformed HELO/EHLO hostname [192.0.2.10]");
  BOOST_TEST(!dns_needs_lookup(context("G"), "mail.example.org"));  // G alone asks nothing
  BOOST_TEST(dns_decide(context("G"), "mail.example.org", kPending, kPending, false).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(a_waits_for_both_answers) {
  DnsContext c = context("A");
  BOOST_TEST(dns_decide(c, "x.example", found({"192.0.2.1"}), kPending, false).is_pending());
  BOOST_TEST(dns_decide(c, "x.example", kPending, kNx, false).is_pending());
  BOOST_TEST(dns_decide(c, "x.example", found({"192.0.2.1"}), kNoData, false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(dns_decide(c, "x.example", kNoData, found({"2001:db8::1"}), false).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(nxdomain_and_nodata_do_not_resolve) {
  DnsContext c = context("AL");
  for (auto [a, aaaa] : {std::pair{kNx, kNx}, std::pair{kNoData, kNoData}, std::pair{kNx, kNoData}}) {
    Verdict v = dns_decide(c, "x.example", a, aaaa, false);
    BOOST_TEST(v.is_block());
    BOOST_TEST(v.reply == "553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)");
    BOOST_TEST(has_line(v, "HELO [x.example] from [192.0.2.10] doesn't solve"));
  }
}

BOOST_AUTO_TEST_CASE(servfail_and_timeout_are_temporary_failures) {
  DnsContext c = context("AL");
  for (auto [a, aaaa, up] : {std::tuple{kTemp, kNx, false}, std::tuple{kNx, kTemp, false},
                             std::tuple{kPending, kPending, true}, std::tuple{kNx, kPending, true}}) {
    Verdict v = dns_decide(c, "x.example", a, aaaa, up);
    BOOST_TEST(v.kind == Verdict::Kind::pass);
    BOOST_TEST(has_line(v, "HELO [x.example] DNS CHECK for IP [192.0.2.10] temporary failed, but let it go"));
  }
  BOOST_TEST(dns_decide(c, "x.example", kTemp, kTemp, false).undecided);
  BOOST_TEST(!dns_decide(c, "x.example", kNx, kNx, false).undecided);
  Verdict t = dns_decide(context("ALT"), "x.example", kTemp, kTemp, false);
  BOOST_TEST(t.is_block());
  BOOST_TEST(t.reply == "451 temporary failure checking HELO/EHLO host name (#4.4.3)");
  BOOST_TEST(t.rule == "tempfail");
  // An address that did come in is enough to resolve, even if the other query timed out.
  BOOST_TEST(dns_decide(c, "x.example", found({"192.0.2.1"}), kPending, true).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(without_a_not_resolving_is_only_logged) {
  Verdict v = dns_decide(context("GNL"), "x.example", kNx, kNx, false);
  BOOST_TEST(v.kind == Verdict::Kind::pass);
  BOOST_TEST(has_line(v, "HELO [x.example] from [192.0.2.10] doesn't solve"));
  BOOST_TEST(dns_decide(context("GN"), "x.example", kNx, kNx, false).decision_log.empty());
}

BOOST_AUTO_TEST_CASE(n_localhost_and_our_names) {
  DnsContext c = context("NL");
  for (const char* n : {"localhost", "LOCALHOST.localdomain", "localhost."}) {
    Verdict v = dns_decide(c, n, kPending, kPending, false);  // decided before any answer
    BOOST_TEST(v.is_block(), n);
    BOOST_TEST(v.reply == "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)");
    BOOST_TEST(has_line(v, std::string("invalid HELO/EHLO [") + n + "] from [192.0.2.10]"));
  }
  for (const char* n : {"mx.example.org", "Example.ORG."}) {
    Verdict v = dns_decide(c, n, kPending, kPending, false);
    BOOST_TEST(v.is_block(), n);
    BOOST_TEST(v.reply == "553 sorry, HELO doesn't match IP (#5.7.1)");
    BOOST_TEST(has_line(v, std::string("HELO [") + n +
                               "] is a local domain but IP [192.0.2.10] is not a RELAYCLIENT"));
  }
  BOOST_TEST(!dns_decide(c, "sub.example.org", kNx, kNx, false).is_block());  // whole names only
}

BOOST_AUTO_TEST_CASE(n_addresses_whole_and_loopback_only_logged) {
  DnsContext c = context("NL");
  BOOST_TEST(dns_decide(c, "x.example", found({"198.51.100.7"}), kNoData, false).is_block());
  BOOST_TEST(dns_decide(c, "x.example", kNoData, found({"2001:db8::7"}), false).is_block());
  BOOST_TEST(!dns_decide(c, "x.example", found({"198.51.100.70"}), kNoData, false).is_block());
  BOOST_TEST(!dns_decide(c, "x.example", found({"198.51.100.0"}), kNoData, false).is_block());
  Verdict loop = dns_decide(c, "x.example", found({"127.0.0.1"}), kNoData, false);
  BOOST_TEST(!loop.is_block());
  BOOST_TEST(has_line(loop, "HELO [x.example] resolves to loopback [127.0.0.1], let it go"));
  for (const char* lit : {"[127.0.0.1]", "[IPv6:::1]", "[::1]"})
    BOOST_TEST(dns_decide(c, lit, kPending, kPending, false).reply ==
                   "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)", lit);
  BOOST_TEST(dns_decide(c, "[198.51.100.7]", kPending, kPending, false).reply ==
             "553 sorry, HELO doesn't match IP (#5.7.1)");
  c.relayclient = true;
  BOOST_TEST(!dns_decide(c, "localhost", kNx, kNx, false).is_block());
}

BOOST_AUTO_TEST_CASE(a_before_n) {
  // "localhost.localdomain" passes G; with A, a name that does not resolve is A's to refuse.
  Verdict v = dns_decide(context("AN"), "localhost.localdomain", kNx, kNx, false);
  BOOST_TEST(v.reply == "553 sorry, invalid host name in HELO/EHLO command. (#5.7.1)");
  BOOST_TEST(dns_decide(context("AN"), "localhost.localdomain", kPending, kPending, false).is_pending());
}

BOOST_AUTO_TEST_CASE(b_for_ipv4_ipv6_and_mapped_clients) {
  const char* mismatch = "553 sorry, HELO/EHLO command must provide FQDN that match your IP address. (#5.7.1)";
  BOOST_TEST(dns_decide(context("B"), "x.example", found({"192.0.2.10"}), kNoData, false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(dns_decide(context("B"), "x.example", found({"192.0.2.11"}), kNoData, false).reply == mismatch);
  // an IPv4 client is compared with A, never with AAAA
  BOOST_TEST(dns_decide(context("B"), "x.example", kNoData, found({"::ffff:192.0.2.10"}), false).reply == mismatch);
  BOOST_TEST(dns_decide(context("B", "2001:db8::10"), "x.example", kNoData, found({"2001:db8::10"}), false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(dns_decide(context("B", "2001:db8::10"), "x.example", found({"192.0.2.10"}), kNoData, false).reply ==
             mismatch);
  BOOST_TEST(dns_decide(context("B", "::ffff:192.0.2.10"), "x.example", found({"192.0.2.10"}), kNoData, false).kind ==
             Verdict::Kind::pass);
  Verdict v = dns_decide(context("BL"), "x.example", found({"192.0.2.11"}), kNoData, false);
  BOOST_TEST(has_line(v, "HELO [x.example] doesn't match IP [192.0.2.10]"));
  BOOST_TEST(v.rcpt_log[0] == "blocked with: HELO/EHLO command must provide FQDN that match your IP address. [192.0.2.10]");
  BOOST_TEST(v.rule == "B");
  // the client's own family timed out: temporary failure, not a mismatch
  BOOST_TEST(dns_decide(context("BL"), "x.example", kTemp, found({"2001:db8::1"}), false).kind ==
             Verdict::Kind::pass);
  BOOST_TEST(dns_decide(context("B"), "[192.0.2.10]", kPending, kPending, false).kind == Verdict::Kind::pass);
  BOOST_TEST(dns_decide(context("B"), "[192.0.2.11]", kPending, kPending, false).reply == mismatch);
  BOOST_TEST(dns_decide(context("B", "2001:db8::10"), "[IPv6:2001:DB8::10]", kPending, kPending, false).kind ==
             Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(without_b_a_mismatch_is_only_logged) {
  Verdict v = dns_decide(context("GNL"), "x.example", found({"192.0.2.11"}), kNoData, false);
  BOOST_TEST(v.kind == Verdict::Kind::pass);
  BOOST_TEST(has_line(v, "HELO [x.example] doesn't match IP [192.0.2.10]"));
}

BOOST_AUTO_TEST_CASE(p_never_blocks_but_logs_and_goes_on) {
  Verdict v = dns_decide(context("BLP"), "nodot", kNx, kNx, false);
  BOOST_TEST(v.kind == Verdict::Kind::pass);
  BOOST_TEST(has_line(v, "malformed HELO/EHLO [nodot] from [192.0.2.10]"));
  BOOST_TEST(has_line(v, "HELO [nodot] from [192.0.2.10] doesn't solve"));
  BOOST_TEST(dns_needs_lookup(context("GLP"), "nodot"));  // with P the later filters run
  Verdict t = dns_decide(context("ALPT"), "x.example", kTemp, kTemp, false);
  BOOST_TEST(t.kind == Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(h_headers) {
  Verdict nx = dns_decide(context("H"), "x.example", kNx, kNx, false);
  BOOST_TEST(nx.header == "X-Helo-Check: HELO [x.example] from [192.0.2.10] doesn't solve");
  BOOST_TEST(nx.decision_log.empty());  // H without L logs nothing
  Verdict mm = dns_decide(context("H"), "x.example", found({"192.0.2.11"}), kNoData, false);
  BOOST_TEST(mm.header == "X-Helo-Check: HELO [x.example] doesn't match IP [192.0.2.10]");
  Verdict ok = dns_decide(context("H"), "x.example", found({"192.0.2.10"}), kNoData, false);
  BOOST_TEST(ok.header == "");
  Verdict ctl = dns_decide(context("H"), "x\r\nBcc: y", kNx, kNx, false);
  BOOST_TEST(ctl.header == "X-Helo-Check: HELO [x??Bcc: y] from [192.0.2.10] doesn't solve");
}

BOOST_AUTO_TEST_CASE(d_debug_lines) {
  Verdict v = dns_decide(context("BD"), "x.example", found({"192.0.2.10"}), kNoData, false);
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
  Verdict v = dns_no_helo_verdict(context("GNLR"));
  BOOST_TEST(v.reply == "553 sorry, no HELO/EHLO hostname has been sent. (#5.7.1)");
  BOOST_REQUIRE(v.rcpt_log.size() == 2u);
  BOOST_TEST(v.rcpt_log[0] == "No HELO sent from [192.0.2.10]");
  BOOST_TEST(v.rcpt_log[1] == "blocked with: no HELO/EHLO hostname has been sent. [192.0.2.10]");
  BOOST_TEST(dns_no_helo_verdict(context("P")).kind == Verdict::Kind::pass);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dnscheck_tempfail)

BOOST_AUTO_TEST_CASE(t_applies_when_only_n_needed_dns) {
  Verdict v = dns_decide(context("GNT"), "x.example", kTemp, kTemp, false);
  BOOST_TEST(v.reply == "451 temporary failure checking HELO/EHLO host name (#4.4.3)");
  BOOST_TEST(dns_decide(context("GN"), "x.example", kTemp, kTemp, false).kind == Verdict::Kind::pass);
}

BOOST_AUTO_TEST_CASE(our_name_is_refused_even_when_dns_fails) {
  for (const char* flags : {"GANL", "GNL", "BL"}) {
    Verdict v = dns_decide(context(flags), "localhost.localdomain", kTemp, kTemp, false);
    BOOST_TEST(v.reply == "553 sorry, localhost HELO/EHLO doesn't match IP (#5.7.1)", flags);
    Verdict ours = dns_decide(context(flags), "mx.example.org", kTemp, kTemp, true);
    BOOST_TEST(ours.reply == "553 sorry, HELO doesn't match IP (#5.7.1)", flags);
  }
}

BOOST_AUTO_TEST_SUITE_END()
