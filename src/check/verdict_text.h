// What is said of a verdict (SPEC §4.6, §5.3): the reply to each refused RCPT, the log
// lines written with it, the H header and the rule $LOGHELO names. Rendered here, from the
// verdict and the client it is about, for every writer.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "check/verdict.h"

// The client a verdict is about, and what the configuration asks the log to say.
struct VerdictScene {
  std::string_view name;      // the HELO name, printable (check/log_words.h)
  std::string_view ip;        // the client's IP, printable
  bool log_pattern = false;   // $LOGREGEX: a badhelo refusal names its pattern
  bool log_no_helo = false;   // L: a refusal for a missing HELO logs "No HELO sent" first
};

// The reply line to a RCPT that `verdict` blocks, without CR LF.
std::string refusal_reply(const Verdict& verdict);

// The log events written at each RCPT that `verdict` blocks.
std::vector<std::string> refusal_log(const Verdict& verdict, const VerdictScene& scene);

// H's header line for each message, without CR LF; empty when there is nothing to say.
std::string finding_header(const Verdict& verdict, const VerdictScene& scene);

// What decided, as $LOGHELO names it: "badhelo PATTERN", "G", "tempfail", ...; empty when
// nothing did.
std::string rule_text(const Verdict& verdict);
