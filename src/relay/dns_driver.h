// The event loop's view of the DNS checks: a socket to poll, a deadline, and a check to
// start for each HELO. The implementation (udns) hands verdicts to the session itself.
#pragma once
#include "relay/smtp_session.h"

class DnsDriver {
 public:
  virtual ~DnsDriver() = default;
  virtual void start(const DnsRequest& request) = 0;  // cancels the check under way
  virtual int fd() const = 0;                         // -1: nothing to poll
  virtual int timeout_ms() = 0;                       // -1: no deadline; no side effects
  virtual void readable() = 0;                        // fd() has input
  virtual void tick() = 0;                            // time passed: timeouts, -t
};
