#include <boost/test/unit_test.hpp>

#include "check/badhelo.h"
#include "check/log_words.h"
#include "check/verdict_text.h"

using namespace std::string_literals;

namespace {
std::string verdict(BadHelo& b, std::string_view name) {
  std::vector<std::string> invalid;
  auto m = b.match(name, invalid);
  return m ? m->pattern : "";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(badhelo)

BOOST_AUTO_TEST_CASE(unanchored_case_insensitive_extended) {
  BadHelo b(control_parse("mail\n^(dsl|ppp)[0-9]+\\.\n"));
  BOOST_TEST(verdict(b, "mail.bigcompany.com") == "mail");
  BOOST_TEST(verdict(b, "MX.MAIL.example") == "mail");
  BOOST_TEST(verdict(b, "PPP12.example") == "^(dsl|ppp)[0-9]+\\.");
  BOOST_TEST(verdict(b, "ppp.example") == "");
}

BOOST_AUTO_TEST_CASE(negation_and_first_match_decides) {
  BadHelo b(control_parse("!\\.\n^localhost$\nhost\n"));
  BOOST_TEST(verdict(b, "dotless") == "!\\.");
  BOOST_TEST(verdict(b, "localhost") == "!\\.");
  BOOST_TEST(verdict(b, "host.example") == "host");
  BOOST_TEST(verdict(b, "mail.example") == "");
}

BOOST_AUTO_TEST_CASE(invalid_pattern_is_skipped_and_reported_once) {
  BadHelo b(control_parse("# c\n(unclosed\n[z-a]\nbad\n"));
  std::vector<std::string> invalid;
  auto m = b.match("bad.example", invalid);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->pattern == "bad");
  BOOST_REQUIRE(invalid.size() == 2u);
  BOOST_TEST(invalid[0] == "badhelo: invalid pattern on line 2 (Unmatched ( or \\(): (unclosed");
  BOOST_TEST(invalid[1] == "badhelo: invalid pattern on line 3 (Invalid range end): [z-a]");
  invalid.clear();
  b.match("other.example", invalid);
  BOOST_TEST(invalid.empty());
}

BOOST_AUTO_TEST_CASE(posix_classes_and_intervals) {
  BadHelo b(control_parse("^[[:digit:]]{1,3}([.-][[:digit:]]{1,3}){3}\n"));
  BOOST_TEST(verdict(b, "192-0-2-1.dyn.example") != "");
  BOOST_TEST(verdict(b, "mail.example") == "");
}

BOOST_AUTO_TEST_CASE(all_matches_lists_every_matching_line_in_file_order) {
  BadHelo b(control_parse("!\\.\nmail\n^mail\\.\nnope\n"));
  std::vector<std::string> diagnostics;
  auto all = b.all_matches("mail.example", diagnostics);
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].line == 2);
  BOOST_TEST(all[0].pattern == "mail");
  BOOST_TEST(all[1].line == 3);
  BOOST_TEST(b.match("mail.example", diagnostics)->line == 2);
  BOOST_TEST(b.all_matches("dotless", diagnostics).size() == 1u);
  BOOST_TEST(b.all_matches("other.example", diagnostics).empty());
  BOOST_TEST(diagnostics.empty());
}

BOOST_AUTO_TEST_CASE(review_reads_every_pattern_once) {
  BadHelo b(control_parse("(unclosed\nok\0!\\d\n\\d\n"s, true));
  auto reviews = b.review();
  BOOST_REQUIRE(reviews.size() == 4u);
  BOOST_TEST(reviews[0].line == 1);
  BOOST_TEST(reviews[0].invalid == "badhelo: invalid pattern on line 1 (Unmatched ( or \\(): (unclosed");
  BOOST_TEST(reviews[1].line == 2);
  BOOST_TEST(reviews[1].text == "ok");
  BOOST_TEST(reviews[1].invalid.empty());
  BOOST_TEST(!reviews[1].matches_nothing);
  BOOST_TEST(reviews[2].line == 2);
  BOOST_TEST(reviews[2].negated);
  BOOST_TEST(reviews[2].matches_nothing);
  BOOST_TEST(reviews[3].line == 3);
  BOOST_TEST(!reviews[3].warnings.empty());  // \d never matches under qregex
  // The invalid line was reported by review(); match() skips it without a word.
  std::vector<std::string> diagnostics;
  BOOST_TEST(b.match("ok.example", diagnostics)->line == 2);
  BOOST_TEST(diagnostics.empty());
}

BOOST_AUTO_TEST_CASE(empty_file_is_off) {
  BadHelo b(control_parse("# only comments\n\n"));
  BOOST_TEST(!b.enabled());
}

// The verdict the session applies (SPEC §4.6): the pattern as its detail, the 553, and the
// log line and $LOGHELO rule rendered from it.
BOOST_AUTO_TEST_CASE(badhelo_verdict_names_the_pattern_and_renders_its_texts) {
  BadHelo b(control_parse("^bad\\.\n"));
  std::vector<std::string> diagnostics;
  Verdict v = badhelo_verdict(b, "bad.example", true, 16384, diagnostics);
  BOOST_TEST(v.is_block());
  BOOST_TEST((v.rule == Verdict::Rule::badhelo));
  BOOST_TEST(v.detail == "^bad\\.");
  BOOST_TEST(refusal_reply(v) == "553 sorry, your HELO host name has been denied (#5.7.1)");
  BOOST_TEST(rule_text(v) == "badhelo ^bad\\.");
  VerdictScene quiet{"bad.example", "192.0.2.7", false, false};
  VerdictScene named{"bad.example", "192.0.2.7", true, false};
  BOOST_TEST(refusal_log(v, quiet) == std::vector<std::string>{"badhelo: <bad.example> at 192.0.2.7"},
             boost::test_tools::per_element());
  BOOST_TEST(refusal_log(v, named) ==
                 std::vector<std::string>{"badhelo: <bad.example> at 192.0.2.7 matches pattern: ^bad\\."},
             boost::test_tools::per_element());
  BOOST_TEST(finding_header(v, named) == "");
  BOOST_TEST((badhelo_verdict(b, "good.example", true, 16384, diagnostics).kind == Verdict::Kind::pass));
  BOOST_TEST(diagnostics.empty());
}

BOOST_AUTO_TEST_CASE(a_name_cut_at_the_limit_is_refused_unread) {
  BadHelo b(control_parse("^nothing-matches$\n"));
  std::vector<std::string> diagnostics;
  Verdict v = badhelo_verdict(b, "good.example", false, 16384, diagnostics);
  BOOST_TEST(v.is_block());
  BOOST_TEST((v.rule == Verdict::Rule::badhelo_length));
  BOOST_TEST(rule_text(v) == "badhelo (longer than 16384 bytes)");
  VerdictScene scene{"good.example", "192.0.2.7", true, false};
  BOOST_TEST(refusal_log(v, scene) ==
                 std::vector<std::string>{"badhelo: <good.example...> at 192.0.2.7 HELO longer than 16384 bytes"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

#include <random>

#include "check/qregex_translate.h"
#include "check/regex_literal.h"

BOOST_AUTO_TEST_SUITE(badhelo_prefilter)

BOOST_AUTO_TEST_CASE(literal_plans) {
  auto p = plan_literals("^mail\\.Spammer[0-9]*\\.example$");
  BOOST_TEST(p.required == "MAIL.SPAMMER");
  BOOST_TEST(!p.pure);
  p = plan_literals("^mail\\.example$");
  BOOST_TEST((p.pure && p.anchored_start && p.anchored_end));
  BOOST_TEST(p.required == "MAIL.EXAMPLE");
  BOOST_TEST(plan_literals("mail").pure);
  BOOST_TEST(plan_literals("\\.").required == ".");
  BOOST_TEST(plan_literals("a|b").required == "");
  BOOST_TEST(plan_literals("(a|b)cde").required == "CDE");
  BOOST_TEST(plan_literals("abc*").required == "AB");
  BOOST_TEST(plan_literals("abc+d").required == "ABC");
  BOOST_TEST(plan_literals("xyz+?").required == "XY");     // (z+)? is optional
  BOOST_TEST(plan_literals("ab{0,2}cd").required == "CD");
  BOOST_TEST(plan_literals("a[]x]bcd").required == "BCD");
  BOOST_TEST(plan_literals("[[:digit:]]+dsl").required == "DSL");
  BOOST_TEST(plan_literals("\\<abc").required == "ABC");
  BOOST_TEST(!plan_literals("\\<abc").pure);
  BOOST_TEST(!plan_literals("").pure);
  BOOST_TEST(!plan_literals("^$").pure);
  // Boost's multi-byte escapes are nothing to qregex: \x2e is 'x' (never matched) "2e".
  BOOST_TEST(plan_literals("a\\x2eb").required == "2EB");
  BOOST_TEST(plan_literals("\\cA").required == "A");
  BOOST_TEST(plan_literals("\\0101").required == "0101");
  BOOST_TEST(plan_literals("\\D").pure);  // the letter D, either case
  BOOST_TEST(plan_literals("a{3}b").required == "AAAB");
}

// plan_literals_quick, where it answers, is plan_literals over glibc's parse of a line glibc
// accepts; it answers for the common lines of a badhelo file.
BOOST_AUTO_TEST_CASE(quick_plan_is_the_parsed_plan) {
  std::mt19937 rng(20261207);
  const std::vector<std::string> tokens = {
      "a", "b", "Z", "0", "9", "-", "_", "/", ":", "=", "@", "mail", "dsl", "\\.", "\\*",
      "\\(", "\\)", "\\[", "\\]", "\\{", "\\}", "\\|", "\\^", "\\$", "\\\\", "\\+",
      "\\?", "\\d", "\\w", "\\1", ".", "^", "$", "|", "(", ")", "(a|b)", "(^|[.-])",
      "(x|)", "()", "[", "]", "[0-9]", "[a-z]", "[a-c0-3]", "[.-]", "[-.0-9]", "[a]", "[aA]",
      "[.]", "[a.]", "[z-a]", "[a-a]", "[0-z]", "[a-c-e]", "[a-]", "[-]", "[^.]", "[^a-z]",
      "[]a]", "[[:digit:]]", "[a\\.]", "*", "+", "?", "{", "}", "{2}", "{1,3}", "{2,}",
      "{0,2}", "{3,1}", "{256}", "{1", "{,2}", "**", "+?", "é", " "};
  int answered = 0, agreed = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string p;
    int n = 1 + static_cast<int>(rng() % 7);
    for (int k = 0; k < n; ++k) p += tokens[rng() % tokens.size()];
    LiteralPlan quick;
    if (!plan_literals_quick(p, quick)) continue;
    ++answered;
    QregexTree tree = qregex_parse(p);
    BOOST_TEST_REQUIRE(tree.error == 0, "glibc rejects what the quick planner took: " << p);
    LiteralPlan full = plan_literals(tree);
    bool same = quick.required == full.required && quick.pure == full.pure &&
                quick.anchored_start == full.anchored_start &&
                quick.anchored_end == full.anchored_end;
    BOOST_TEST(same, p << ": quick [" << quick.required << "] " << quick.pure
                       << quick.anchored_start << quick.anchored_end << ", parsed ["
                       << full.required << "] " << full.pure << full.anchored_start
                       << full.anchored_end);
    agreed += same;
  }
  BOOST_TEST(answered > 10000);
  BOOST_TEST(agreed == answered);
  for (const char* common :
       {"^localhost$", "\\.qubo\\.cn$", "^(mail|mx|smtp)[0-9]*\\.kawyni\\.(top|biz)$",
        "^[a-z]{2}[0-9]{3,5}\\.telze\\.online$", "(^|[.-])(dsl|ppp|dial-up)[-.0-9].*\\.mitor\\.net$",
        "[0-9]{1,3}[-.][0-9]{1,3}[-.][0-9]{1,3}[-.][0-9]{1,3}\\.pezizisun\\.xyz$",
        "^\\[?127\\.", "!\\."}) {
    std::string_view ere = common;
    if (ere[0] == '!') ere.remove_prefix(1);
    LiteralPlan quick;
    BOOST_TEST(plan_literals_quick(ere, quick), common);
  }
}

// The prefilter and literal matching must give exactly what compiling every pattern in
// file order and searching with Boost gives: the same first match, for any name.
BOOST_AUTO_TEST_CASE(prefilter_is_exact_against_compiling_everything) {
  std::mt19937 rng(20261123);
  const std::vector<std::string> atoms = {
      "a", "b", "mail", "mx", "dsl", "\\.", ".", "-", "[0-9]", "[a-c]", "[^.]", "[[:digit:]]",
      "(a|b)", "(mail|mx)", "\\-", "x", "M", "0", "\\<", "\\>", "ab", "(", ")", "[", "\\",
      "\\1", "{2}", "é", "\r", "\\x2e", "\\x41", "\\cA", "\\0101", "\\D", "\\d",
      "\\B", "\\w", "[\\.]", "\\2", "(dsl|[a-z]?mx)", "[-.0-9]", "(^|[.-])", "[ab]",
      "(mail|x(a|b))", "[0-9]{1,3}"};
  const std::vector<std::string> quants = {"", "", "", "*", "+", "?", "{1,2}", "+?", "{0,1}",
                                           "**", "{,2}", "{2}"};
  auto pattern = [&] {
    std::string p;
    if (rng() % 5 == 0) p += "!";
    if (rng() % 3 == 0) p += "^";
    int n = 1 + rng() % 4;
    for (int i = 0; i < n; ++i) {
      p += atoms[rng() % atoms.size()];
      p += quants[rng() % quants.size()];
      if (rng() % 15 == 0) p += "|";
    }
    if (rng() % 3 == 0) p += "$";
    return p;
  };
  const std::vector<std::string> pieces = {"a", "b", "mail", "MX", ".", "-", "0", "7", "dsl",
                                           "x", "ab", "é", "\r", " ", "A", "2e", "\\", "d"};
  auto name = [&] {
    std::string s;
    int n = rng() % 6;
    for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
  };
  int compared = 0, matched = 0;
  for (int file = 0; file < 300; ++file) {
    std::string contents;
    int lines = 1 + rng() % 8;
    for (int i = 0; i < lines; ++i) contents += pattern() + "\n";
    auto parsed = control_parse(contents);
    if (parsed.empty()) continue;
    // The reference: translate and compile each pattern, in order, and search.
    std::vector<std::optional<boost::regex>> reference;
    for (const auto& l : parsed) {
      std::string_view expr = l.text;
      if (expr[0] == '!') expr.remove_prefix(1);
      QregexTree tree = qregex_parse(expr);
      reference.push_back(tree.error ? std::nullopt
                                     : std::optional<boost::regex>(boost::regex(
                                           qregex_boost(tree), boost::regex::perl)));
    }
    BadHelo b(parsed);
    for (int k = 0; k < 40; ++k) {
      std::string n = name();
      std::string want;
      for (std::size_t i = 0; i < parsed.size() && want.empty(); ++i) {
        if (!reference[i]) continue;
        bool found = boost::regex_search(qregex_subject(n), *reference[i]);
        if (found != (parsed[i].text[0] == '!')) want = parsed[i].text;
      }
      std::vector<std::string> invalid;
      auto got = b.match(n, invalid);
      BOOST_TEST((got ? got->pattern : std::string()) == want,
                 "name [" << printable(n) << "] file:\n" << contents);
      ++compared;
      matched += !want.empty();
    }
  }
  BOOST_TEST(compared > 10000);
  BOOST_TEST(matched > compared / 10);  // the comparison is not all "no match"
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(badhelo_as_qregex)

namespace {
// Each example of issue 10, with glibc's verdict (regcomp REG_EXTENDED|REG_ICASE, regexec).
const struct { const char* pattern; const char* name; bool matches; } kQregexExamples[] = {
    {"\\d", "1.2.3.4", false},
    {"\\d", "d", false},
    {"dsl-\\d+", "dsl-42.example", false},
    {"\\m", "m", false},
    {"\\t", "t", false},
    {"\\z", "z", false},
    {"\\D", "d", true},
    {"\\D", "D", true},
    {"\\0", "0", true},
    {"\\0", "a0", true},
    {"(.)\\1", "aa", true},
    {"(.)\\1", "ab", false},
    {"\\w", "-a", true},
    {"\\w", "-.", false},
    {"\\W", "a.", true},
    {"\\W", "ab", false},
    {"\\s", "a b", true},
    {"\\S", " ", false},
    {"\\b", "a", true},
    {"\\b", ".", false},
    {"\\B", "a", false},
    {"\\B", "ab", true},
    {"\\B", ".", true},
    {"\\B", "a.", true},
    {"\\<a", "b.a", true},
    {"\\<a", "ba", false},
    {"a\\>", "a.b", true},
    {"a\\>", "ab", false},
    {"\\`a", "ab", true},
    {"\\`a", "ba", false},
    {"a\\'", "ba", true},
    {"a\\'", "ab", false},
    {"[\\d]", "d", true},
    {"[\\d]", "\\", true},
    {"[\\d]", "1", false},
    {"[\\.]", ".", true},
    {"[\\.]", "\\", true},
    {"[\\.]", "a", false},
    {"a)", "a)", true},
    {"a)", "a", false},
    {")", ")", true},
    {"a}", "a}", true},
    {"a**", "x", true},
    {"a+?", "x", true},
    {"x{2}{1,3}", "xx", true},
    {"x{2}{1,3}", "x", false},
    {"a{,3}b", "b", true},
    {"^(.+)\\.\\1$", "ab.ab", true},
    {"^(.+)\\.\\1$", "ab.cd", false},
    {"[!-Z]", "_", false},
    {"[!-Z]", "a", true},
    {"[[:alpha:]]", "a", true},
    {"[[:upper:]]", "a", true},
    {"[[.a.]]", "A", true},
    {"[[.-.]]", "-", true},
    {"[[=a=]]", "A", true},
    {"\\x2e", "a.b", false},
    {"\\x2e", "a2e.b", false},
    {"\\x2e", "ax2e.b", false},
    {"\\x41", "A", false},
    {"\\cA", "A", false},
    {"\\0101", "0101", true},
    {"\\Q.\\E", "Q.E", true},
    {"\\A", "A", true},
    {".", "a", true},
    {"^$", "", true},
};

const struct { const char* pattern; const char* reason; } kQregexInvalid[] = {
    {"a{ 1}", "Invalid content of \\{\\}"},
    {"a{32768}", "Regular expression too big"},
    {"[a\\-z]", "Invalid range end"},
    {"[_-z]", "Invalid range end"},
    {"[]-a]", "Invalid range end"},
    {"[[:ALPHA:]]", "Invalid character class name"},
    {"[[:word:]]", "Invalid character class name"},
    {"[[.hyphen.]]", "Invalid collation character"},
    {"(a)|b\\1", "Invalid back reference"},
    {"\\1", "Invalid back reference"},
    {"a\\", "Trailing backslash"},
    {"*a", "Invalid preceding regular expression"},
    {"(?:a)", "Invalid preceding regular expression"},
    {"[z-a]", "Invalid range end"},
    {"a{1", "Unmatched \\{"},
    {"[a", "Unmatched [, [^, [:, [., or [="},
    {"(a", "Unmatched ( or \\("},
};

}  // namespace

BOOST_AUTO_TEST_CASE(issue_examples_decide_as_glibc) {
  for (const auto& e : kQregexExamples) {
    BadHelo b(std::string(e.pattern) + "\n");
    BOOST_TEST((verdict(b, e.name) == e.pattern) == e.matches,
               "pattern [" << e.pattern << "] name [" << e.name << "]");
    BadHelo negated("!" + std::string(e.pattern) + "\n");
    BOOST_TEST(verdict(negated, e.name).empty() == e.matches, "negated [" << e.pattern << "]");
  }
}

BOOST_AUTO_TEST_CASE(lines_glibc_rejects_are_invalid_with_its_reason) {
  for (const auto& e : kQregexInvalid) {
    BadHelo b(std::string(e.pattern) + "\n");
    std::vector<std::string> diagnostics;
    BOOST_TEST(!b.match("x", diagnostics).has_value(), e.pattern);
    BOOST_REQUIRE(diagnostics.size() == 1u);
    BOOST_TEST(diagnostics[0] == "badhelo: invalid pattern on line 1 (" + std::string(e.reason) +
                                     "): " + e.pattern);
  }
}

BOOST_AUTO_TEST_CASE(a_nul_inside_a_line_splits_it) {
  BadHelo b("# c\nfoo\0!\\.\nbar\n"s);
  std::vector<std::string> d;
  auto m = b.match("foo.example", d);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->pattern == "foo");
  BOOST_TEST(m->line == 2);
  m = b.match("dotless", d);  // the second half of line 2, with its own '!'
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->pattern == "!\\.");
  BOOST_TEST(m->line == 2);
  BOOST_TEST(verdict(b, "bar.example") == "bar");
  BOOST_TEST(verdict(b, "mail.example") == "");
  BOOST_TEST(d.empty());
}

BOOST_AUTO_TEST_CASE(an_empty_pattern_matches_every_name) {
  BadHelo b("a\0\0b\n"s);  // "a", "", "b"
  std::vector<std::string> d;
  auto m = b.match("zzz", d);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->pattern == "");  // the empty pattern, as written
  BOOST_TEST(m->line == 1);
  BadHelo trailing("x\0\n"s);  // "x" and ""
  BOOST_TEST(trailing.match("mail.example", d).has_value());
}

BOOST_AUTO_TEST_CASE(nul_split_when_read_as_control_lines) {
  auto lines = control_parse("foo\0bar  \n"s, true);
  BOOST_REQUIRE(lines.size() == 1u);
  BadHelo b(lines);
  BOOST_TEST(verdict(b, "bar") == "bar");
  BOOST_TEST(control_parse("foo\0bar\n"s)[0].text == "foo");  // other files
}

BOOST_AUTO_TEST_CASE(a_pattern_boost_gives_up_on_counts_as_matching) {
  BadHelo b("(x+x+)+y\nother\n");
  std::string name(255, 'x');
  std::vector<std::string> d;
  auto m = b.match(name, d);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->pattern == "(x+x+)+y");
  BOOST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0].find("badhelo: pattern on line 1 gave up (") == 0u);
  BOOST_TEST(d[0].find("), counted as matching: (x+x+)+y") != std::string::npos);
  BadHelo negated("!(x+x+)+y\n");  // the safe side, '!' or not
  BOOST_TEST(negated.match(name, d).has_value());
  BOOST_TEST(verdict(b, "xxy") == "(x+x+)+y");  // an ordinary name is matched
  BOOST_TEST(verdict(b, "mail.example") == "");
}

BOOST_AUTO_TEST_CASE(back_references_on_very_long_names_give_up) {
  BadHelo b("^(.+)\\.\\1$\n");
  std::string name = std::string(2000, 'a') + ".b";
  std::vector<std::string> d;
  BOOST_TEST(b.match(name, d).has_value());
  BOOST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0].find("gave up (a back-reference on a name longer than 1024 bytes)") !=
             std::string::npos);
  BOOST_TEST(verdict(b, "ab.ab") == "^(.+)\\.\\1$");
}

BOOST_AUTO_TEST_CASE(long_names_do_not_make_ordinary_patterns_give_up) {
  BadHelo b("[0-9]+-[0-9]+\n^[0-9]+\\.[0-9]+$\n[a-z]+[0-9]+x\n");
  for (const std::string& name : {std::string(16000, '1') + "-", std::string(16000, '1') + ".a",
                                  std::string(8000, 'a') + std::string(8000, '1') + "y"}) {
    std::vector<std::string> d;
    BOOST_TEST(!b.match(name, d).has_value());
    BOOST_TEST(d.empty());
  }
}

BOOST_AUTO_TEST_CASE(warnings_for_what_the_writer_probably_did_not_mean) {
  auto has = [](const QregexTree& t, const std::string& w) {
    for (const auto& x : t.warnings)
      if (x == w) return true;
    return false;
  };
  BOOST_TEST(has(qregex_parse("dsl-\\d+"), "\\d never matches under qregex: write [0-9]"));
  BOOST_TEST(!qregex_can_match(qregex_parse("\\d")));
  BOOST_TEST(qregex_can_match(qregex_parse("\\D")));
  BOOST_TEST(has(qregex_parse("\\D"), "\\D is the letter D (either case) under qregex"));
  BOOST_TEST(has(qregex_parse("[\\d]"),
                 "a backslash inside [ ] is a backslash under qregex, not an escape"));
  BOOST_TEST(has(qregex_parse("[[:ALPHA:]]"),
                 "[:ALPHA:] is invalid under qregex: class names are lowercase"));
  BOOST_TEST(qregex_parse("\\w\\.").warnings.empty());
}

BOOST_AUTO_TEST_SUITE_END()
