#include "check/verdict_text.h"

#include "check/logline.h"

namespace {

using Rule = Verdict::Rule;

constexpr const char* kBadHeloReply = "553 sorry, your HELO host name has been denied (#5.7.1)";
constexpr const char* kTempfailReply =
    "451 temporary failure checking HELO/EHLO host name (#4.4.3)";
constexpr const char* kTempfailMessage = "temporary failure checking HELO/EHLO host name";

// helodnscheck's message for each of its refusals.
const char* dns_message(Rule rule) {
  switch (rule) {
    case Rule::G: return "malformed HELO/EHLO hostname";
    case Rule::A: return "invalid host name in HELO/EHLO command.";
    case Rule::N_localhost: return "localhost HELO/EHLO doesn't match IP";
    case Rule::N_ours: return "HELO doesn't match IP";
    case Rule::B: return "HELO/EHLO command must provide FQDN that match your IP address.";
    case Rule::tempfail: return kTempfailMessage;
    case Rule::no_helo: return "no HELO/EHLO hostname has been sent.";
    default: return "";
  }
}

bool is_badhelo(Rule rule) { return rule == Rule::badhelo || rule == Rule::badhelo_length; }

std::string too_long(const Verdict& verdict) {
  return "longer than " + verdict.detail + " bytes";
}

}  // namespace

std::string refusal_reply(const Verdict& verdict) {
  if (is_badhelo(verdict.rule)) return kBadHeloReply;
  if (verdict.rule == Rule::tempfail) return kTempfailReply;
  return std::string("553 sorry, ") + dns_message(verdict.rule) + " (#5.7.1)";
}

std::vector<std::string> refusal_log(const Verdict& verdict, const VerdictScene& scene) {
  std::string at = " at " + std::string(scene.ip);
  if (verdict.rule == Rule::badhelo_length)
    return {"badhelo: <" + std::string(scene.name) + "...>" + at + " HELO " + too_long(verdict)};
  if (verdict.rule == Rule::badhelo) {
    std::string event = "badhelo: <" + std::string(scene.name) + ">" + at;
    if (scene.log_pattern) event += " matches pattern: " + printable(verdict.detail);
    return {event};
  }
  std::vector<std::string> log;
  if (verdict.rule == Rule::no_helo && scene.log_no_helo)
    log.push_back("No HELO sent from [" + std::string(scene.ip) + "]");
  log.push_back(std::string("blocked with: ") + dns_message(verdict.rule) + " [" +
                std::string(scene.ip) + "]");
  return log;
}

std::string finding_header(const Verdict& verdict, const VerdictScene& scene) {
  std::string name(scene.name), ip(scene.ip);
  switch (verdict.finding) {
    case Verdict::Finding::doesnt_solve:
      return "X-Helo-Check: HELO [" + name + "] from [" + ip + "] doesn't solve";
    case Verdict::Finding::doesnt_match:
      return "X-Helo-Check: HELO [" + name + "] doesn't match IP [" + ip + "]";
    case Verdict::Finding::none: break;
  }
  return {};
}

std::string rule_text(const Verdict& verdict) {
  switch (verdict.rule) {
    case Rule::none: return {};
    case Rule::badhelo: return "badhelo " + printable(verdict.detail);
    case Rule::badhelo_length: return "badhelo (" + too_long(verdict) + ")";
    case Rule::G: return "G";
    case Rule::A: return "A";
    case Rule::N_localhost:
    case Rule::N_ours: return "N";
    case Rule::B: return "B";
    case Rule::tempfail: return "tempfail";
    case Rule::no_helo: return "nohelo";
  }
  return {};
}
