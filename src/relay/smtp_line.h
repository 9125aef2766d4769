// How qmail-smtpd's commands() splits a client line, and which verbs helowrap cares about.
#pragma once
#include <string_view>

enum class Verb { other, helo, ehlo, rcpt, data, auth, starttls };

struct CommandLine {
  Verb verb;
  std::string_view arg;  // qmail's argument: after the verb and its spaces, up to a NUL
};

// `line` is one line without its LF. One trailing CR is dropped; the verb ends at the first
// space or NUL and is compared case-insensitively, exactly as qmail-smtpd does.
CommandLine split_command(std::string_view line);

// True when some plausible server could take `line` for a RCPT command, even though qmail
// would not (leading blanks, "RCPTTO:", a CR inside the line). Over-blocking is harmless.
bool could_be_rcpt(std::string_view line);

// The same for BDAT, which helowrap never forwards (SPEC §3.8).
bool could_be_bdat(std::string_view line);

// Verb::starttls, data or auth when some plausible server could take `line` for that
// command (exim strips trailing blanks: "STARTTLS\t" is STARTTLS to it); else `verb`.
Verb could_be_barrier(std::string_view line, Verb verb);
