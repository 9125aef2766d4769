// What the checks decided about a client's HELO, as a small value: the kind of decision,
// the rule that made it and that rule's detail. What is said of it (the reply to a RCPT,
// the log lines, the H header) is rendered from it by check/verdict_text.h.
#pragma once
#include <cstdint>
#include <string>

struct Verdict {
  enum class Kind : std::uint8_t {
    pending,  // a DNS answer the checks need is not in yet
    pass,     // RCPTs go to the server
    block,    // each RCPT is answered with the rule's refusal
    let_go,   // the checks could not decide (the DNS failed, no T): RCPTs pass, but the
              // client is not let into TLS, where a later HELO could not be judged (SPEC §3.6)
  };
  enum class Rule : std::uint8_t {
    none,
    badhelo,         // detail: the pattern that matched
    badhelo_length,  // detail: the limit in bytes, which the name was longer than
    G, A, N_localhost, N_ours, B,  // helodnscheck's filters (SPEC §5.2)
    tempfail,        // the DNS lookups failed: a block with T, let go without
    no_helo,         // a RCPT before any HELO/EHLO
  };
  // What the DNS checks found that H writes into each message, blocking or not.
  enum class Finding : std::uint8_t { none, doesnt_solve, doesnt_match };

  Kind kind = Kind::pass;
  Rule rule = Rule::none;
  Finding finding = Finding::none;
  std::string detail;

  static Verdict pass() { return {}; }
  static Verdict pending() { return with(Kind::pending, Rule::none); }
  static Verdict block(Rule rule, std::string detail = {}) {
    return with(Kind::block, rule, std::move(detail));
  }
  static Verdict let_go(Rule rule) { return with(Kind::let_go, rule); }

  bool is_pending() const { return kind == Kind::pending; }
  bool is_block() const { return kind == Kind::block; }
  bool undecided() const { return kind == Kind::let_go; }

 private:
  static Verdict with(Kind kind, Rule rule, std::string detail = {}) {
    Verdict v;
    v.kind = kind;
    v.rule = rule;
    v.detail = std::move(detail);
    return v;
  }
};
