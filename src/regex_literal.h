// What a POSIX extended regular expression says about literal text, found without
// compiling it: a piece of text that every match must contain, and whether the whole
// expression is such a piece (possibly anchored), so that it needs no regex engine.
// badhelo uses it to skip, uncompiled, the patterns a HELO name cannot match.
#pragma once
#include <string>
#include <string_view>

struct LiteralPlan {
  std::string required;  // lower case (ASCII); every match contains it; empty: unknown
  bool pure = false;     // the expression is `required` itself, with the anchors below
  bool anchored_start = false, anchored_end = false;
};

LiteralPlan plan_literals(std::string_view ere);

// For a pure plan: does the (lower-cased) name match, case-insensitively, unanchored
// unless the plan is anchored?
bool literal_match(const LiteralPlan& plan, std::string_view lower_name);

std::string ascii_lower(std::string_view s);
