// A badhelo line as qregex reads it: glibc's regcomp(REG_EXTENDED|REG_ICASE) in the C
// locale, parsed the way glibc's posix/regcomp.c parses it, and translated into a Boost.Regex
// (Perl syntax) expression with the same meaning (SPEC §4.3).
//
// glibc's REG_ICASE upper-cases the subject and the pattern, but not an escaped character
// (`\d` stays 'd' and so never matches) nor a class name. The translation is therefore
// matched case-sensitively against qregex_subject(name), the upper-cased name, and every
// character and bracket expression becomes the exact byte set glibc builds.
#pragma once
#include <bitset>
#include <string>
#include <string_view>
#include <vector>

struct QregexNode {
  enum class Kind { empty, set, anchor, backref, group, concat, alt, repeat } kind;
  enum class Anchor { begin, end, word_first, word_last, word_delim, not_word_delim };
  std::bitset<256> set;       // set: the bytes (of the upper-cased subject) it matches
  Anchor anchor = Anchor::begin;
  int number = 0;             // group: its number; backref: the group's number
  int min = 0, max = 0;       // repeat; max -1: no upper bound
  std::vector<int> children;  // indices into QregexTree::nodes
};

struct QregexTree {
  int error = 0;  // glibc's regcomp() result: 0 or a REG_* code
  std::vector<QregexNode> nodes;
  int root = -1;  // -1: the empty expression (matches every name)
  // What the line's writer probably did not mean (helocheck -b shows them).
  std::vector<std::string> warnings;
};

QregexTree qregex_parse(std::string_view ere);  // qregex_parse.cc

// The Boost.Regex (perl) expression for a valid tree, to be searched for, case-sensitively
// and with match_default, in qregex_subject(name).
std::string qregex_boost(const QregexTree& tree);  // qregex_boost.cc

// The name as glibc's regexec sees it under REG_ICASE: cut at a NUL, upper-cased (ASCII).
std::string qregex_subject(std::string_view name);
// The bytes such a subject can hold: no NUL, no lowercase ASCII letter.
std::bitset<256> qregex_subject_bytes();

// regerror()'s text for a REG_* code of glibc.
const char* qregex_error_text(int error);

// Can the tree match some name at all? (false for `\d`: glibc never matches it.)
bool qregex_can_match(const QregexTree& tree);
