// What a connection is checked for, from the environment (tcprules, envdir) and the
// control files: badhelo (SPEC §4.1) and the DNS checks (§5.1).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check/badhelo.h"
#include "check/dnscheck.h"

using EnvLookup = std::function<const char*(const char*)>;

struct Policy {
  std::unique_ptr<BadHelo> badhelo;  // null when badhelo is off for this connection
  bool log_regex = false;
  bool log_helo = false;             // $LOGHELO: log every HELO and its verdict
  bool relay_trusted = false;        // $RELAYCLIENT and the R flag turned the DNS checks off
  std::optional<DnsContext> dns;     // set when the DNS checks are on
  std::vector<std::string> log;      // events to log at start (e.g. TCPREMOTEIP not set)

  // When nothing applies, helowrap execs the program: no process, no copy (SPEC §2.1).
  bool watching() const { return badhelo || dns || log_helo; }
};

struct PolicyError {
  std::string file;  // the control file that exists but cannot be read
  int error = 0;     // its errno
};

// Fills `policy`; false (and `error`) when a control file cannot be read.
bool load_policy(const std::string& control_dir, const EnvLookup& env, Policy& policy,
                 PolicyError& error);
