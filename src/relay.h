// The event loop: moves bytes between the client (fds 0 and 1), the child's pipes and the
// session, in one poll loop. All protocol decisions are the session's.
#pragma once
#include <sys/types.h>

#include "smtp_session.h"

#include <string_view>

class DnsDriver;  // drives the DNS checks (dns_driver.h); may be absent

// Writes all of `s` to a blocking fd; false if the fd fails (a log must not stop the mail).
bool write_all(int fd, std::string_view s);

// Runs until the child's output has ended and been delivered (or the client is gone),
// closes the pipes and returns the child's exit status (111 if it was killed).
int relay(SmtpSession& session, int to_child, int from_child, pid_t child, DnsDriver* dns);
