// The event loop's view of the DNS checks: a socket to poll, a deadline, a check to start
// for each HELO, and its decision to take when it is reached. The loop pulls decisions as
// it pulls bytes; nothing here calls back into the session.
#pragma once
#include <optional>

#include "check/dnscheck.h"

class SmtpSession;

// The decision on one request, for the session to apply.
struct DnsResult {
  unsigned generation;
  DnsDecision decision;
};

class DnsDriver {
 public:
  virtual ~DnsDriver() = default;
  virtual void start(const DnsRequest& request) = 0;  // cancels the check under way
  virtual int fd() const = 0;                         // -1: nothing to poll
  virtual int timeout_ms() = 0;                       // -1: no deadline; no side effects
  virtual void readable() = 0;                        // fd() has input
  virtual void tick() = 0;                            // time passed: timeouts, -t
  virtual std::optional<DnsResult> take_result() = 0;  // a decision reached, once
};

// Between the session and the driver, before each wait: the session's latest request goes
// to the driver, time is told, and a decision reached goes to the session. Shared by
// helowrap's loop and helocheck's.
void exchange_dns(SmtpSession& session, DnsDriver& dns);
