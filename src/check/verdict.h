// What the checks decided about a client's HELO, as the session applies it at RCPT.
#pragma once
#include <string>
#include <vector>

struct Verdict {
  enum class Kind { pending, pass, block };
  Kind kind = Kind::pass;
  std::string reply;                  // block: the reply line sent for each RCPT, no CR LF
  std::vector<std::string> rcpt_log;  // block: log events written at each refused RCPT
  std::string header;                 // a header line for each message, no CR LF; may be empty
  std::vector<std::string> decision_log;  // log events written once, when the verdict is taken
  std::string rule;  // what decided, for $LOGHELO: "badhelo PATTERN", G, A, N, B, tempfail
  // The checks could not decide (a temporary DNS failure let go): RCPTs pass, but the
  // client is not let into TLS, where a later HELO could not be judged (SPEC §3.6).
  bool undecided = false;

  static Verdict pass() { return {}; }
  static Verdict pending() { return {Kind::pending, {}, {}, {}, {}, {}, false}; }
  static Verdict block(std::string reply, std::vector<std::string> log) {
    return {Kind::block, std::move(reply), std::move(log), {}, {}, {}, false};
  }
  bool is_pending() const { return kind == Kind::pending; }
  bool is_block() const { return kind == Kind::block; }
};
