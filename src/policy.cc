#include "policy.h"

#include "control.h"

bool load_policy(const std::string& control_dir, const EnvLookup& env, Policy& policy,
                 PolicyError& error) {
  policy = Policy{};
  policy.log_regex = env("LOGREGEX") != nullptr;
  if (!env("NOBADHELO")) {
    std::string path = control_dir + "/badhelo";
    std::vector<ControlLine> lines;
    if (control_readfile(path, lines) == ControlStatus::unreadable) {
      error.file = path;
      return false;
    }
    if (!lines.empty()) policy.badhelo = std::make_unique<BadHelo>(std::move(lines));
  }
  return true;
}
