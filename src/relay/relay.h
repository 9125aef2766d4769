// The event loop: moves bytes between the client (fds 0 and 1), the child's pipes and the
// session, in one poll loop. All protocol decisions are the session's; the loop's own are
// about time: the child is reaped as soon as it exits, and from then on the client has
// the server's write timeout to take what is left (SPEC §3.10).
#pragma once
#include <sys/types.h>

#include "relay/child_watch.h"
#include "check/log_words.h"
#include "relay/smtp_session.h"

class DnsDriver;  // drives the DNS checks (dns_driver.h); may be absent

struct Child {
  pid_t pid;
  int to;            // its stdin
  int from;          // its stdout
  ChildWatch* watch; // started before the fork
};

struct RelayOptions {
  LogPrefix log{0, "unknown"};
  // qmail-smtpd's control/timeoutsmtpd: once the child has exited, a client is dropped
  // when it has taken no byte for this many seconds (counted from when it stopped taking
  // bytes), and in any case this many seconds after the exit.
  unsigned long write_timeout = 1200;
  DnsDriver* dns = nullptr;
};

// Runs until the child's output has ended and been delivered (or the client is gone, or
// stalled past the write timeout after the child exited), closes the pipes and returns the
// child's exit status (111 if it was killed).
int relay(SmtpSession& session, const Child& child, const RelayOptions& options);
