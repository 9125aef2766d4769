// The HELO DNS checks of helodnscheck (SPEC §5), free of I/O: flags, the syntax filter G,
// and the verdict from the A and AAAA answers. dns_udns.cc asks the questions.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ipaddr.h"
#include "check/verdict.h"

struct DnsFlags {
  bool G = false, A = false, N = false, B = false;  // filters, in this order
  bool L = false, H = false, D = false, R = false, P = false, T = false;
  std::string text;  // as given, for the debug log

  // "" means the default GNLR. Unknown letters are ignored; I is A, V is N; A implies G;
  // B implies G, A and N; D implies L.
  static DnsFlags parse(std::string_view letters);
};

// G: a host name of two or more LDH labels, 1-63 characters each, no hyphen at either end,
// at most 253 in all, an alphabetic top label of two letters or more or an xn-- one, at most
// one trailing dot.
bool valid_hostname(std::string_view name);

// Everything about the connection that the checks compare a HELO with.
struct DnsContext {
  DnsFlags flags;
  std::string client_text;          // $TCPREMOTEIP as given (logs and replies)
  std::optional<IpAddr> client;     // the same, parsed
  bool relayclient = false;         // $RELAYCLIENT set
  std::vector<std::string> local_names;  // control/me and control/locals, lower case
  std::vector<IpAddr> local_addresses;   // control/moreipme and $TCPLOCALIP
};

struct Lookup {
  enum class Status { pending, found, nxdomain, nodata, tempfail };
  Status status = Status::pending;
  std::vector<IpAddr> addresses;
  bool truncated = false;  // the answer was cut short (TC): addresses are those it held
  bool answered() const { return status != Status::pending; }
};

// Whether checking `name` needs A and AAAA lookups at all (SPEC §5.2: only for A, N, B, L,
// H, and never for an address literal or a bare address).
bool dns_needs_lookup(const DnsContext& ctx, std::string_view name);

// The DNS checks of one HELO name: asked for with a request, answered with a decision.
struct DnsRequest {
  unsigned generation;  // which HELO of the session
  std::string name;
};

// A verdict, and the lines the filters log once when it is reached (L, D).
struct DnsDecision {
  Verdict verdict;
  std::vector<std::string> log;
};

// The verdict on `name` from what is known: pending while an answer that a filter needs
// is missing and time is not up.
DnsDecision dns_decide(const DnsContext& ctx, std::string_view name, const Lookup& a,
                   const Lookup& aaaa, bool time_up);

// The verdict for a RCPT that comes before any HELO/EHLO.
Verdict dns_no_helo_verdict(const DnsContext& ctx);
