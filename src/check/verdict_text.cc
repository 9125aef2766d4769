#include "check/verdict_text.h"

#include "check/log_words.h"

namespace {

using Rule = Verdict::Rule;
namespace words = log_words;
namespace message = log_words::message;

constexpr const char* kBadHeloReply = "553 sorry, your HELO host name has been denied (#5.7.1)";

// helodnscheck's message for each of its refusals.
std::string_view dns_message(Rule rule) {
  switch (rule) {
    case Rule::G: return message::malformed;
    case Rule::A: return message::not_solving;
    case Rule::N_localhost: return message::localhost;
    case Rule::N_ours: return message::ours;
    case Rule::B: return message::mismatch;
    case Rule::tempfail: return message::tempfail;
    case Rule::no_helo: return message::no_helo;
    default: return "";
  }
}

bool is_badhelo(Rule rule) { return rule == Rule::badhelo || rule == Rule::badhelo_length; }

}  // namespace

std::string refusal_reply(const Verdict& verdict) {
  if (is_badhelo(verdict.rule)) return kBadHeloReply;
  if (verdict.rule == Rule::tempfail)
    return std::string("451 ").append(message::tempfail).append(" (#4.4.3)");
  return std::string("553 sorry, ").append(dns_message(verdict.rule)).append(" (#5.7.1)");
}

std::vector<std::string> refusal_log(const Verdict& verdict, const VerdictScene& scene) {
  if (verdict.rule == Rule::badhelo_length)
    return {words::badhelo_too_long(scene.name, scene.ip, verdict.detail)};
  if (verdict.rule == Rule::badhelo)
    return {scene.log_pattern ? words::badhelo_refusal(scene.name, scene.ip, verdict.detail)
                              : words::badhelo_refusal(scene.name, scene.ip)};
  std::vector<std::string> log;
  if (verdict.rule == Rule::no_helo && scene.log_no_helo) log.push_back(words::no_helo(scene.ip));
  log.push_back(words::blocked_with(dns_message(verdict.rule), scene.ip));
  return log;
}

std::string finding_header(const Verdict& verdict, const VerdictScene& scene) {
  const char* header = "X-Helo-Check: ";
  switch (verdict.finding) {
    case Verdict::Finding::doesnt_solve:
      return header + words::dns_line(words::kNotSolvingLine, scene.name, scene.ip);
    case Verdict::Finding::doesnt_match:
      return header + words::dns_line(words::kMismatchLine, scene.name, scene.ip);
    case Verdict::Finding::none: break;
  }
  return {};
}

std::string rule_text(const Verdict& verdict) {
  namespace rule = log_words::rule;
  switch (verdict.rule) {
    case Rule::none: return {};
    case Rule::badhelo: return words::badhelo_rule(verdict.detail);
    case Rule::badhelo_length: return words::badhelo_too_long_rule(verdict.detail);
    case Rule::G: return std::string(rule::G);
    case Rule::A: return std::string(rule::A);
    case Rule::N_localhost:
    case Rule::N_ours: return std::string(rule::N);
    case Rule::B: return std::string(rule::B);
    case Rule::tempfail: return std::string(rule::tempfail);
    case Rule::no_helo: return std::string(rule::nohelo);
  }
  return {};
}
