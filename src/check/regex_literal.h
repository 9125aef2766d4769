// What a badhelo line says about literal text, read from its qregex parse (qregex_translate.h):
// a piece of text that every match must contain, and whether the whole expression is such a
// piece (possibly anchored), so that it needs no regex engine. badhelo uses it to skip,
// uncompiled, the patterns a HELO name cannot match.
#pragma once
#include <string>
#include <string_view>

#include "check/qregex_translate.h"

struct LiteralPlan {
  std::string required;  // as in qregex_subject() (upper case); every match holds it; empty: unknown
  bool pure = false;     // the expression is `required` itself, with the anchors below
  bool anchored_start = false, anchored_end = false;
};

LiteralPlan plan_literals(const QregexTree& tree);
LiteralPlan plan_literals(std::string_view ere);  // parsed as qregex parses it

// For a pure plan: does the name (as qregex_subject() gives it) match, unanchored unless
// the plan is anchored?
bool literal_match(const LiteralPlan& plan, std::string_view subject);
