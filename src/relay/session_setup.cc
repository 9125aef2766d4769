#include "relay/session_setup.h"

SessionConfig session_config(const Policy& policy, const LogPrefix& log) {
  SessionConfig config;
  config.log = log;
  config.badhelo = policy.badhelo.get();
  config.log_regex = policy.log_regex;
  config.log_helo = policy.log_helo;
  config.relay_trusted = policy.relay_trusted;
  if (policy.dns) {
    config.dns_checks = true;
    config.hold_data_for_header = policy.dns->flags.H;
    config.no_helo = dns_no_helo_verdict(*policy.dns);
    config.log_no_helo = policy.dns->flags.L;
  }
  return config;
}

std::unique_ptr<UdnsDriver> dns_driver(const Policy& policy, unsigned timeout_seconds,
                                       const char* dnscache_ip, std::string& error) {
  if (!policy.dns) return nullptr;
  return UdnsDriver::create(*policy.dns, timeout_seconds, dnscache_ip, error);
}
