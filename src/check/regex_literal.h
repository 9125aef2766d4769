// What a badhelo line says about literal text, read from its qregex parse (qregex_translate.h):
// a piece of text that every match must contain, and whether the whole expression is such a
// piece (possibly anchored), so that it needs no regex engine. badhelo uses it to skip,
// uncompiled, the patterns a HELO name cannot match.
#pragma once
#include <bitset>
#include <string>
#include <string_view>
#include <vector>

#include "check/qregex_translate.h"

struct LiteralPlan {
  std::string required;  // as in qregex_subject() (upper case); every match holds it; empty: unknown
  bool pure = false;     // the expression is `required` itself, with the anchors below
  bool anchored_start = false, anchored_end = false;
  // From plan_literals_quick() only, also required of every match: a byte of one_of_bytes
  // (when it has any) and one of one_of_texts (when there are any), as in qregex_subject().
  std::bitset<256> one_of_bytes;
  std::vector<std::string> one_of_texts;
};

LiteralPlan plan_literals(const QregexTree& tree);
LiteralPlan plan_literals(std::string_view ere);  // parsed as qregex parses it

// The same plan without a parse, for the lines most badhelo files are made of: ASCII letters,
// digits and -_/:=@, escaped punctuation, '.', simple bracket expressions, groups of two or
// more alternatives, single repetitions (not of a group), '^' and '$' at the ends of a
// branch. True, with plan_literals(ere), when the line is such a line (glibc accepts every
// one); false for any other line, which must be parsed. badhelo parses a line only when
// the plan leaves its match open: on a busy host, most lines of a long file are never parsed.
bool plan_literals_quick(std::string_view ere, LiteralPlan& plan);

// For a pure plan: does the name (as qregex_subject() gives it) match, unanchored unless
// the plan is anchored?
bool literal_match(const LiteralPlan& plan, std::string_view subject);
