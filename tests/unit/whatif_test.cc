// helocheck -b: reading its input, the verdicts and the warnings of the summary.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "helocheck/whatif.h"

using namespace std::string_literals;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(whatif)

BOOST_AUTO_TEST_CASE(input_lines) {
  auto e = parse_batch_line("mail.example.org 192.0.2.1");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->name == "mail.example.org");
  BOOST_TEST(e->ip == "192.0.2.1");
  e = parse_batch_line("  lone.example\r");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->name == "lone.example");
  BOOST_TEST(e->ip == "");
  BOOST_TEST(!parse_batch_line(""));
  BOOST_TEST(!parse_batch_line("   "));
  BOOST_TEST(!parse_batch_line("# comment"));
  // helostat -t
  e = parse_batch_line("helo\t12\t3\tname with space\t192.0.2.7\tbadhelo x\t3");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->name == "name with space");
  BOOST_TEST(e->ip == "192.0.2.7");
  e = parse_batch_line("refused\t-\t-\t192.0.2.8\tbad.example\tG\t1\t2");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->name == "bad.example");
  BOOST_TEST(e->ip == "192.0.2.8");
  BOOST_TEST(!parse_batch_line("refused\t-\t-\t192.0.2.8\t(unknown)\tB\t1\t1"));
  BOOST_TEST(!parse_batch_line("stats\t1\t1\t0\t0\t0\t-\t-"));
  BOOST_TEST(!parse_batch_line("rule\t1\t0\t0\t-\tok"));
  e = parse_batch_line("tabbed.example\t192.0.2.9");
  BOOST_REQUIRE(e);
  BOOST_TEST(e->name == "tabbed.example");
}

BOOST_AUTO_TEST_CASE(first_matching_line_decides_each_distinct_name_once) {
  WhatIf w(control_parse("^bad\\.\nmail\n!\\.\n"), {});
  BOOST_TEST(w.check("bad.mail.example") == "refused  bad.mail.example  (badhelo line 1: ^bad\\.)");
  BOOST_TEST(w.check("MAIL.example") == "refused  MAIL.example  (badhelo line 2: mail)");
  BOOST_TEST(w.check("nodot") == "refused  nodot  (badhelo line 3: !\\.)");
  BOOST_TEST(w.check("good.example") == "ok       good.example");
  BOOST_TEST(w.check("good.example") == "");
  std::string s = w.summary(50);
  BOOST_TEST(has(s, "summary: 4 distinct names, 3 refused (75%), badhelo only (no DNS checks)\n"));
  BOOST_TEST(has(s, "  badhelo line 1: ^bad\\.: refuses 1 (25%)\n"));
  BOOST_TEST(has(s, "  badhelo line 2: mail: refuses 1 (25%), matches 2 (50%)\n"));
  BOOST_TEST(!has(s, "warning"));
}

BOOST_AUTO_TEST_CASE(a_careless_mail_line_is_flagged) {
  std::vector<std::string> providers = {"mail-yw1-f169.google.com",
                                        "EUR05-DB8-obe.outbound.protection.outlook.com",
                                        "sonic301-21.consmr.mail.ne1.yahoo.com"};
  WhatIf w(control_parse("^localhost$\nmail\n"), providers);
  for (const char* n : {"mail.bigcompany.com", "mx1.example.org", "mail.example.net",
                        "smtp.example.com", "localhost"})
    w.check(n);
  std::string s = w.summary(10);
  BOOST_TEST(has(s, "warning: badhelo line 2: mail: matches 40% of the names seen (2 of 5; "
                    "more than 10%)\n"));
  BOOST_TEST(has(s, "warning: badhelo line 2: mail: matches mail-yw1-f169.google.com, a large "
                    "provider's HELO name (and 1 more in the list)\n"));
  BOOST_TEST(has(s, "warning: badhelo line 1: ^localhost$: matches 20% of the names seen"));
  BOOST_TEST(!has(s, "line 1: ^localhost$: matches mail"));
  BOOST_TEST(!has(w.summary(40), "mail: matches 40%"));  // not more than 40%
}

BOOST_AUTO_TEST_CASE(an_invalid_line_is_reported_with_its_number) {
  WhatIf w(control_parse("# candidate\n\n([\n^bad\\.\n"), {"mail-ej1-f54.google.com"});
  BOOST_TEST(w.check("bad.example") == "refused  bad.example  (badhelo line 4: ^bad\\.)");
  std::string s = w.summary(100);
  BOOST_TEST(has(s, "  badhelo line 3: ([: invalid, helowrap skips it\n"));
  BOOST_TEST(has(s, "warning: badhelo: invalid pattern on line 3 (Invalid regular expression): ([\n"));
}

BOOST_AUTO_TEST_CASE(lines_whose_qregex_meaning_was_probably_not_meant) {
  WhatIf w(control_parse("dsl-\\d+\n!\\d\na{ 1}\n[[:ALPHA:]]\n[\\.]x\n\\x2e\n"), {});
  BOOST_TEST(w.check("dsl-42.example") == "refused  dsl-42.example  (badhelo line 2: !\\d)");
  std::string s = w.summary(100);
  BOOST_TEST(has(s, "warning: badhelo line 1: dsl-\\d+: \\d never matches under qregex: write [0-9]\n"));
  BOOST_TEST(has(s, "warning: badhelo line 2: !\\d: this ! line refuses every client\n"));
  BOOST_TEST(has(s, "warning: badhelo: invalid pattern on line 3 (Invalid content of \\{\\}): a{ 1}\n"));
  BOOST_TEST(has(s, "warning: badhelo: invalid pattern on line 4 (Invalid character class name): "
                    "[[:ALPHA:]]\n"));
  BOOST_TEST(has(s, "warning: badhelo line 4: [[:ALPHA:]]: [:ALPHA:] is invalid under qregex: "
                    "class names are lowercase\n"));
  BOOST_TEST(has(s, "warning: badhelo line 5: [\\.]x: a backslash inside [ ] is a backslash under "
                    "qregex, not an escape\n"));
  BOOST_TEST(has(s, "warning: badhelo line 6: \\x2e: \\x never matches under qregex (qregex has no "
                    "\\x escapes)\n"));
}

BOOST_AUTO_TEST_CASE(a_nul_splits_a_line_into_two_patterns) {
  WhatIf w(control_parse("foo\0bar\n"s, true), {});
  BOOST_TEST(w.check("bar.example") == "refused  bar.example  (badhelo line 1: foo?bar)");
}

BOOST_AUTO_TEST_CASE(no_patterns_no_names) {
  WhatIf w({}, {"mail-ej1-f54.google.com"});
  BOOST_TEST(w.summary(10) == "summary: 0 distinct names, 0 refused (0%), badhelo only (no DNS "
                              "checks)\n");
  BOOST_TEST(w.check("x") == "ok       x");
}

BOOST_AUTO_TEST_SUITE_END()
