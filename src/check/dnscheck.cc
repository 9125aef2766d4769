#include "check/dnscheck.h"

#include <algorithm>
#include <cctype>
#include <strings.h>
#include <sys/socket.h>

#include "check/log_words.h"

DnsFlags DnsFlags::parse(std::string_view letters) {
  DnsFlags f;
  if (letters.empty()) letters = "GNLR";
  f.text = std::string(letters);
  for (char c : letters) {
    switch (c) {
      case 'G': f.G = true; break;
      case 'A': case 'I': f.A = true; break;
      case 'N': case 'V': f.N = true; break;
      case 'B': f.B = true; break;
      case 'L': f.L = true; break;
      case 'H': f.H = true; break;
      case 'D': f.D = true; break;
      case 'R': f.R = true; break;
      case 'P': f.P = true; break;
      case 'T': f.T = true; break;
      default: break;
    }
  }
  if (f.B) f.A = f.N = true;
  if (f.A) f.G = true;
  if (f.D) f.L = true;
  return f;
}

namespace {

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

// At least two letters, as helodnscheck's [A-Za-z]{2,12} (mail.example.c is malformed).
bool valid_top_label(std::string_view label) {
  if (label.size() > 4 && strncasecmp(label.data(), "xn--", 4) == 0) return true;
  return label.size() >= 2 &&
         std::all_of(label.begin(), label.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

// Names compare case-insensitively, with one trailing dot ignored.
std::string comparable(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string s(name);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

template <typename T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

enum class Resolution { pending, found, not_found, tempfail };

const char* text_of(Lookup::Status s) {
  switch (s) {
    case Lookup::Status::pending: return "no answer";
    case Lookup::Status::found: return "found";
    case Lookup::Status::nxdomain: return "NXDOMAIN";
    case Lookup::Status::nodata: return "no data";
    case Lookup::Status::tempfail: return "temporary failure";
  }
  return "?";
}

std::string describe(const Lookup& l) {
  return std::string(text_of(l.status)) + (l.truncated ? " (truncated)" : "");
}

bool missing(const Lookup& l) {
  return l.status == Lookup::Status::nxdomain || l.status == Lookup::Status::nodata;
}

// Both answers, or time up: only then is the name's fate known (SPEC §5.4).
Resolution resolution(const Lookup& a, const Lookup& aaaa, bool time_up) {
  if (!time_up && (!a.answered() || !aaaa.answered())) return Resolution::pending;
  if (a.status == Lookup::Status::found || aaaa.status == Lookup::Status::found)
    return Resolution::found;
  if (missing(a) && missing(aaaa)) return Resolution::not_found;
  return Resolution::tempfail;
}

using Rule = Verdict::Rule;
namespace words = log_words;

// One decision in the making: the filters' log lines, the finding and the block if any.
class Decision {
 public:
  Decision(const DnsContext& ctx, std::string_view name)
      : ctx_(ctx), name_(printable(name)), ip_(printable(ctx.client_text)) {}

  const std::string& name() const { return name_; }
  const std::string& ip() const { return ip_; }

  void info(const std::string& line) {
    if (ctx_.flags.L) log_.push_back(line);
  }
  void debug(const std::string& line) {
    if (ctx_.flags.D) log_.push_back(std::string(words::kDebug) + line);
  }

  // A filter failed: log it and block, unless P. True when the check ends here.
  bool fail(Rule rule, const words::DnsLine& line) {
    info(this->line(line));
    if (ctx_.flags.P) return false;
    verdict_ = Verdict::block(rule);
    return true;
  }

  DnsDecision tempfail() {
    bool refuse = ctx_.flags.T && !ctx_.flags.P;
    info(line(refuse ? words::kTempfailLine : words::kLetGoLine));
    // let go or not, $LOGHELO says why nothing was checked
    verdict_ = refuse ? Verdict::block(Rule::tempfail) : Verdict::let_go(Rule::tempfail);
    return finish();
  }

  void doesnt_solve(bool block) {
    verdict_.finding = Verdict::Finding::doesnt_solve;
    if (block) fail(Rule::A, words::kNotSolvingLine);
    else info(line(words::kNotSolvingLine));
  }

  void doesnt_match(bool block) {
    verdict_.finding = Verdict::Finding::doesnt_match;
    if (block) fail(Rule::B, words::kMismatchLine);
    else info(line(words::kMismatchLine));
  }

  bool blocked() const { return verdict_.is_block(); }
  std::string line(const words::DnsLine& l) const { return words::dns_line(l, name_, ip_); }

  DnsDecision finish() {
    if (!ctx_.flags.H) verdict_.finding = Verdict::Finding::none;
    return {std::move(verdict_), std::move(log_)};
  }

 private:
  const DnsContext& ctx_;
  std::string name_, ip_;
  std::vector<std::string> log_;
  Verdict verdict_ = Verdict::pass();
};

// The address a name stands for without DNS: an address literal, or a bare address
// (198.51.100.1, 2001:db8::1) as helodnscheck's gethostbyname() takes it (SPEC §5.2).
std::optional<IpAddr> address_of(std::string_view name) {
  if (auto literal = address_literal(name)) return literal;
  return IpAddr::parse(name);
}

// N's comparison of one address the name stands for; loopback is only logged.
bool address_is_ours(const DnsContext& ctx, Decision& d, const IpAddr& addr) {
  if (addr.is_loopback()) {
    d.info(words::dns_line(words::kLoopbackLine, d.name(), addr.text()));
    return false;
  }
  if (!contains(ctx.local_addresses, addr)) return false;
  return d.fail(Rule::N_ours, words::kOursLine);
}

// N and B for a name that is an address: it is its own address, no DNS is asked. An
// address literal of loopback is refused (SPEC §9); a bare one counts as a name that
// resolves to loopback, as helodnscheck's gethostbyname() makes it: logged, let go.
DnsDecision decide_address(const DnsContext& ctx, Decision& d, const IpAddr& address, bool literal) {
  const DnsFlags& f = ctx.flags;
  if (f.N && !ctx.relayclient) {
    if (literal && address.is_loopback()) {
      if (d.fail(Rule::N_localhost, words::kLocalhostLine))
        return d.finish();
    } else if (address_is_ours(ctx, d, address)) {
      return d.finish();
    }
  }
  bool match = ctx.client && *ctx.client == address;
  d.debug(std::string("B: the address ") + (match ? "is" : "is not") + " the client's IP");
  if (!match) d.doesnt_match(f.B);
  return d.finish();
}

// N's comparison of the name itself; true when the check ends here.
bool name_is_ours(const DnsContext& ctx, Decision& d, const std::string& key) {
  if (key == "localhost" || key == "localhost.localdomain")
    return d.fail(Rule::N_localhost, words::kLocalhostLine);
  if (contains(ctx.local_names, key))
    return d.fail(Rule::N_ours, words::kOursLine);
  return false;
}

// N's comparison of the addresses; loopback is only logged (SPEC §5.2). A truncated answer
// is judged by the addresses it holds: N looks for ours among them, the client's IP is B's.
bool resolves_to_ours(const DnsContext& ctx, Decision& d, const Lookup& a, const Lookup& aaaa) {
  for (const Lookup* l : {&a, &aaaa})
    for (const IpAddr& addr : l->addresses)
      if (address_is_ours(ctx, d, addr)) return true;
  return false;
}

}  // namespace

bool valid_hostname(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  std::size_t labels = 0;
  std::string_view label;
  for (std::size_t start = 0;;) {
    std::size_t dot = name.find('.', start);
    label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!valid_label(label)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2 && valid_top_label(label);
}

bool dns_needs_lookup(const DnsContext& ctx, std::string_view name) {
  const DnsFlags& f = ctx.flags;
  if (address_of(name)) return false;
  if (f.G && !f.P && !valid_hostname(name)) return false;  // G blocks before any question
  return f.A || f.B || f.L || f.H || (f.N && !ctx.relayclient);
}

DnsDecision dns_decide(const DnsContext& ctx, std::string_view name, const Lookup& a,
                   const Lookup& aaaa, bool time_up) {
  const DnsFlags& f = ctx.flags;
  Decision d(ctx, name);
  d.debug("flags " + f.text + ", HELO [" + d.name() + "], client [" + d.ip() + "]");
  if (f.G) {
    // A bare address is malformed here, as to helodnscheck's regular expression.
    bool ok = address_literal(name) || valid_hostname(name);
    d.debug(std::string("G: ") + (ok ? "valid syntax" : "malformed"));
    if (!ok && d.fail(Rule::G, words::kMalformedLine))
      return d.finish();
  }
  if (auto address = address_of(name))
    return decide_address(ctx, d, *address, address_literal(name).has_value());

  Resolution r = resolution(a, aaaa, time_up);
  if (r != Resolution::pending) {
    d.debug("A: " + describe(a) + ", AAAA: " + describe(aaaa) +
            (time_up ? " (time up)" : ""));
    for (const Lookup* l : {&a, &aaaa})
      for (const IpAddr& addr : l->addresses) d.debug("address " + addr.text());
  }
  if (f.A) {
    if (r == Resolution::pending) return {Verdict::pending(), {}};
    if (r == Resolution::not_found) {
      d.doesnt_solve(true);
      if (d.blocked()) return d.finish();
    }
  }
  // A temporary failure leaves A and N's addresses unknown, but N's comparison of the name
  // itself needs no DNS: a client calling itself by our name is refused all the same.
  if (f.N && !ctx.relayclient) {
    if (name_is_ours(ctx, d, comparable(name))) return d.finish();
    if (r == Resolution::pending) return {Verdict::pending(), {}};
    if (r == Resolution::tempfail) return d.tempfail();
    if (resolves_to_ours(ctx, d, a, aaaa)) return d.finish();
    d.debug("N: not ours");
  }
  if (f.A && r == Resolution::tempfail) return d.tempfail();
  if (!(f.B || f.L || f.H)) return d.finish();
  if (r == Resolution::pending) return {Verdict::pending(), {}};
  if (r == Resolution::tempfail) return d.tempfail();
  if (r == Resolution::not_found) {
    if (!f.A) d.doesnt_solve(false);  // with A (and P) it was said already
    return d.finish();
  }
  bool v4 = !ctx.client || ctx.client->family == AF_INET;
  const Lookup& family = v4 ? a : aaaa;
  if (family.status == Lookup::Status::tempfail || !family.answered()) return d.tempfail();
  bool match = ctx.client && contains(family.addresses, *ctx.client);
  d.debug(std::string("B: client ") + (match ? "is" : "is not") + " among the addresses");
  // The client's IP may be among the records a truncated answer left out (SPEC §5.4): B
  // cannot decide, and without B there is no mismatch to log.
  if (!match && family.truncated) {
    if (f.B) return d.tempfail();
    d.debug("B: not decided, the answer was truncated");
    return d.finish();
  }
  if (!match) d.doesnt_match(f.B);
  return d.finish();
}

Verdict dns_no_helo_verdict(const DnsContext& ctx) {
  return ctx.flags.P ? Verdict::pass() : Verdict::block(Rule::no_helo);
}
