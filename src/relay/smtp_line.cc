#include "relay/smtp_line.h"

#include <algorithm>

#include "base/text.h"

namespace {

Verb verb_of(std::string_view word) {
  if (equals_nocase(word, "rcpt")) return Verb::rcpt;
  if (equals_nocase(word, "helo")) return Verb::helo;
  if (equals_nocase(word, "ehlo")) return Verb::ehlo;
  if (equals_nocase(word, "data")) return Verb::data;
  if (equals_nocase(word, "auth")) return Verb::auth;
  if (equals_nocase(word, "starttls")) return Verb::starttls;
  return Verb::other;
}

bool could_be_verb(std::string_view line, const char* verb) {
  // Every piece after a CR or NUL, with leading blanks and NULs skipped, is a candidate.
  static constexpr std::string_view blanks(" \t\0", 3);
  static constexpr std::string_view separators("\r\0", 2);
  for (;;) {
    std::size_t start = line.find_first_not_of(blanks);
    if (start == std::string_view::npos) return false;
    line.remove_prefix(start);
    if (starts_with_nocase(line, verb)) return true;
    std::size_t sep = line.find_first_of(separators);
    if (sep == std::string_view::npos) return false;
    line.remove_prefix(sep + 1);
  }
}

}  // namespace

CommandLine split_command(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  line = line.substr(0, line.find('\0'));
  std::size_t space = line.find(' ');
  std::string_view verb = line.substr(0, space);
  std::string_view arg;
  if (space != std::string_view::npos) {
    arg = line.substr(space);
    arg.remove_prefix(std::min(arg.find_first_not_of(' '), arg.size()));
  }
  return {verb_of(verb), arg};
}

bool could_be_rcpt(std::string_view line) { return could_be_verb(line, "rcpt"); }
bool could_be_bdat(std::string_view line) { return could_be_verb(line, "bdat"); }

Verb could_be_barrier(std::string_view line, Verb verb) {
  if (could_be_verb(line, "starttls")) return Verb::starttls;
  if (could_be_verb(line, "data")) return Verb::data;
  if (could_be_verb(line, "auth")) return Verb::auth;
  return verb;
}
