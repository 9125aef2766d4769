#include <boost/test/unit_test.hpp>

#include "badhelo.h"
#include "logline.h"

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
  BOOST_TEST(invalid[0] == "badhelo: invalid pattern on line 2: (unclosed");
  BOOST_TEST(invalid[1] == "badhelo: invalid pattern on line 3: [z-a]");
  invalid.clear();
  b.match("other.example", invalid);
  BOOST_TEST(invalid.empty());
}

BOOST_AUTO_TEST_CASE(posix_classes_and_intervals) {
  BadHelo b(control_parse("^[[:digit:]]{1,3}([.-][[:digit:]]{1,3}){3}\n"));
  BOOST_TEST(verdict(b, "192-0-2-1.dyn.example") != "");
  BOOST_TEST(verdict(b, "mail.example") == "");
}

BOOST_AUTO_TEST_CASE(empty_file_is_off) {
  BadHelo b(control_parse("# only comments\n\n"));
  BOOST_TEST(!b.enabled());
}

BOOST_AUTO_TEST_SUITE_END()

#include <random>

#include "regex_literal.h"

BOOST_AUTO_TEST_SUITE(badhelo_prefilter)

BOOST_AUTO_TEST_CASE(literal_plans) {
  auto p = plan_literals("^mail\\.Spammer[0-9]*\\.example$");
  BOOST_TEST(p.required == "mail.spammer");
  BOOST_TEST(!p.pure);
  p = plan_literals("^mail\\.example$");
  BOOST_TEST((p.pure && p.anchored_start && p.anchored_end));
  BOOST_TEST(p.required == "mail.example");
  BOOST_TEST(plan_literals("mail").pure);
  BOOST_TEST(plan_literals("\\.").required == ".");
  BOOST_TEST(plan_literals("a|b").required == "");
  BOOST_TEST(plan_literals("(a|b)cde").required == "cde");
  BOOST_TEST(plan_literals("abc*").required == "ab");
  BOOST_TEST(plan_literals("abc+d").required == "abc");
  BOOST_TEST(plan_literals("xyz+?").required == "xy");     // (z+)? is optional
  BOOST_TEST(plan_literals("ab{0,2}cd").required == "cd");
  BOOST_TEST(plan_literals("a[]x]bcd").required == "bcd");
  BOOST_TEST(plan_literals("[[:digit:]]+dsl").required == "dsl");
  BOOST_TEST(plan_literals("\\<abc").required == "abc");
  BOOST_TEST(!plan_literals("\\<abc").pure);
  BOOST_TEST(!plan_literals("").pure);
  BOOST_TEST(!plan_literals("^$").pure);
}

// The prefilter and literal matching must give exactly what compiling every pattern in
// file order and searching with Boost gives: the same first match, for any name.
BOOST_AUTO_TEST_CASE(prefilter_is_exact_against_compiling_everything) {
  std::mt19937 rng(20261123);
  const std::vector<std::string> atoms = {
      "a", "b", "mail", "mx", "dsl", "\\.", ".", "-", "[0-9]", "[a-c]", "[^.]", "[[:digit:]]",
      "(a|b)", "(mail|mx)", "\\-", "x", "M", "0", "\\<", "\\>", "ab", "(", ")", "[", "\\",
      "\\1", "{2}", "é", "\r"};
  const std::vector<std::string> quants = {"", "", "", "*", "+", "?", "{1,2}", "+?", "{0,1}"};
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
                                           "x", "ab", "é", "\r", " ", "A"};
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
    // The reference: compile each pattern, in order, and search.
    std::vector<std::optional<boost::regex>> reference;
    for (const auto& l : parsed) {
      std::string_view expr = l.text;
      if (expr[0] == '!') expr.remove_prefix(1);
      boost::regex r;
      r.assign(expr.begin(), expr.end(),
               boost::regex::extended | boost::regex::icase | boost::regex::no_except);
      reference.push_back(r.status() == 0 ? std::optional<boost::regex>(r) : std::nullopt);
    }
    BadHelo b(parsed);
    for (int k = 0; k < 40; ++k) {
      std::string n = name();
      std::string want;
      for (std::size_t i = 0; i < parsed.size() && want.empty(); ++i) {
        if (!reference[i]) continue;
        bool found = boost::regex_search(n, *reference[i],
                                         boost::match_default | boost::match_single_line);
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
