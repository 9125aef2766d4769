// What a connection is checked for, from the environment (tcprules, envdir) and the
// control files: badhelo (SPEC §4.1) and, later, the DNS checks (§5.1).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "badhelo.h"

using EnvLookup = std::function<const char*(const char*)>;

struct Policy {
  std::unique_ptr<BadHelo> badhelo;  // null when badhelo is off for this connection
  bool log_regex = false;

  // When nothing applies, helowrap execs the program: no process, no copy (SPEC §2.1).
  bool watching() const { return badhelo != nullptr; }
};

struct PolicyError {
  std::string file;  // the control file that exists but cannot be read
};

// Fills `policy`; false (and `error`) when a control file cannot be read.
bool load_policy(const std::string& control_dir, const EnvLookup& env, Policy& policy,
                 PolicyError& error);
