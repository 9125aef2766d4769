// From a connection's Policy to a running session: its configuration and its DNS driver.
// Shared by helowrap and helocheck, so that helocheck decides exactly as helowrap does.
#pragma once
#include <memory>
#include <string>

#include "relay/dns_udns.h"
#include "check/policy.h"
#include "relay/smtp_session.h"

SessionConfig session_config(const Policy& policy, const LogPrefix& log);

// The DNS driver for a connection, or null when the DNS checks are off. On failure `error`
// says why (and null is returned too).
std::unique_ptr<UdnsDriver> dns_driver(const Policy& policy, unsigned timeout_seconds,
                                       const char* dnscache_ip, std::string& error);
