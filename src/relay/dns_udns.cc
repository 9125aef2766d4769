#include "relay/dns_udns.h"

#include <algorithm>
#include <cstdlib>
#include <netinet/in.h>
#include <udns.h>

namespace {

// $DNSCACHEIP (djbdns): one or more addresses, separated by spaces or commas.
bool use_dnscache_ips(dns_ctx* ctx, const std::string& list) {
  if (dns_add_serv(ctx, nullptr) < 0) return false;
  std::size_t pos = 0, added = 0;
  while ((pos = list.find_first_not_of(" ,\t", pos)) != std::string::npos) {
    std::size_t end = list.find_first_of(" ,\t", pos);
    std::string ip = list.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (dns_add_serv(ctx, ip.c_str()) < 0) return false;
    ++added;
    pos = end;
  }
  return added > 0;
}

// The A or AAAA records of the reply, in order; a record cut in half ends the list.
std::vector<IpAddr> records_of(const unsigned char* packet, int length) {
  std::vector<IpAddr> out;
  if (length < DNS_HSIZE || dns_numqd(packet) != 1) return out;
  const unsigned char* end = packet + length;
  const unsigned char* cur = dns_payload(packet);
  unsigned char question[DNS_MAXDN];
  if (dns_getdn(packet, &cur, end, question, sizeof question) <= 0 || cur + 4 > end) return out;
  dns_parse parse;
  dns_initparse(&parse, question, packet, cur, end);
  dns_rr rr;
  while (dns_nextrr(&parse, &rr) > 0) {
    if (rr.dnsrr_typ == DNS_T_A && rr.dnsrr_dsz == 4) out.push_back(IpAddr::v4(rr.dnsrr_dptr));
    if (rr.dnsrr_typ == DNS_T_AAAA && rr.dnsrr_dsz == 16) out.push_back(IpAddr::v6(rr.dnsrr_dptr));
  }
  return out;
}

}  // namespace

std::unique_ptr<UdnsDriver> UdnsDriver::create(DnsContext context, unsigned timeout_seconds,
                                               const char* dnscache_ip, std::string& error) {
  if (dns_init(nullptr, 0) < 0) {
    error = "unable to initialise the resolver";
    return nullptr;
  }
  dns_ctx* ctx = dns_new(nullptr);
  if (!ctx) {
    error = "out of memory";
    return nullptr;
  }
  if (dnscache_ip && *dnscache_ip && !use_dnscache_ips(ctx, dnscache_ip)) {
    error = std::string("bad DNSCACHEIP: ") + dnscache_ip;
    dns_free(ctx);
    return nullptr;
  }
  // EDNS0 with a 4,096-byte UDP size, whatever $RES_OPTIONS says (SPEC §5.4).
  if (dns_set_opt(ctx, DNS_OPT_UDPSIZE, 4096) < 0) {
    error = "unable to set the resolver's UDP size";
    dns_free(ctx);
    return nullptr;
  }
  // udns 0.4 has no TCP: a reply with TC set ends its query as a temporary failure, and the
  // records it did hold are lost. Its debug hook is handed each reply that matches a query
  // before that happens, so on_reply() reads them there; settle() uses them when the query
  // then fails, so that an address found in a truncated answer is found.
  dns_set_dbgfn(ctx, &UdnsDriver::on_reply);
  return std::unique_ptr<UdnsDriver>(
      new UdnsDriver(ctx, std::move(context), timeout_seconds));
}

UdnsDriver::UdnsDriver(dns_ctx* ctx, DnsContext context, unsigned timeout_seconds)
    : ctx_(ctx), context_(std::move(context)), timeout_(timeout_seconds) {}

UdnsDriver::~UdnsDriver() {
  cancel();
  dns_free(ctx_);
}

Lookup::Status UdnsDriver::status_of(int dns_status) {
  switch (dns_status) {
    case DNS_E_NXDOMAIN:
    case DNS_E_BADQUERY: return Lookup::Status::nxdomain;  // not a name that can resolve
    case DNS_E_NODATA: return Lookup::Status::nodata;
    default: return Lookup::Status::tempfail;  // SERVFAIL, timeout, garbled, no memory
  }
}

void UdnsDriver::on_reply(int code, const sockaddr*, unsigned, const unsigned char* packet,
                          int length, const dns_query* query, void* data) {
  if (code != 0 || !query || !data || length < DNS_HSIZE) return;  // 0: a reply to `query`
  if (!dns_tc(packet) || dns_rcode(packet) != DNS_R_NOERROR) return;
  auto* self = static_cast<UdnsDriver*>(data);
  Lookup* cut = query == self->query_a_      ? &self->cut_a_
                : query == self->query_aaaa_ ? &self->cut_aaaa_
                                             : nullptr;
  if (!cut) return;
  cut->truncated = true;
  for (const IpAddr& address : records_of(packet, length))
    if (std::find(cut->addresses.begin(), cut->addresses.end(), address) == cut->addresses.end())
      cut->addresses.push_back(address);
}

// A query that udns ended without a result: a temporary failure after truncated replies
// counts with the addresses they held; without any, it stays a temporary failure.
void UdnsDriver::settle(Lookup& lookup, int dns_status, Lookup& cut) {
  lookup.status = status_of(dns_status);
  if (lookup.status != Lookup::Status::tempfail || !cut.truncated) return;
  lookup.truncated = true;
  lookup.addresses = std::move(cut.addresses);
  if (!lookup.addresses.empty()) lookup.status = Lookup::Status::found;
}

// The addresses of an A or AAAA result, which is then freed; none without a result.
static std::optional<std::vector<IpAddr>> addresses_of(dns_rr_a4* result) {
  if (!result) return std::nullopt;
  std::vector<IpAddr> found;
  for (int i = 0; i < result->dnsa4_nrr; ++i) found.push_back(IpAddr::v4(&result->dnsa4_addr[i]));
  free(result);
  return found;
}

static std::optional<std::vector<IpAddr>> addresses_of(dns_rr_a6* result) {
  if (!result) return std::nullopt;
  std::vector<IpAddr> found;
  for (int i = 0; i < result->dnsa6_nrr; ++i) found.push_back(IpAddr::v6(&result->dnsa6_addr[i]));
  free(result);
  return found;
}

void UdnsDriver::on_a(dns_ctx* ctx, dns_rr_a4* result, void* data) {
  auto* self = static_cast<UdnsDriver*>(data);
  self->query_a_ = nullptr;
  self->answered(self->a_, self->cut_a_, addresses_of(result), dns_status(ctx));
}

void UdnsDriver::on_aaaa(dns_ctx* ctx, dns_rr_a6* result, void* data) {
  auto* self = static_cast<UdnsDriver*>(data);
  self->query_aaaa_ = nullptr;
  self->answered(self->aaaa_, self->cut_aaaa_, addresses_of(result), dns_status(ctx));
}

// A query ended: with its records (none: no data), or without a result, for `dns_status`.
void UdnsDriver::answered(Lookup& lookup, Lookup& cut, std::optional<std::vector<IpAddr>> found,
                          int dns_status) {
  if (!found) {
    settle(lookup, dns_status, cut);
  } else {
    lookup.addresses = std::move(*found);
    lookup.status = lookup.addresses.empty() ? Lookup::Status::nodata : Lookup::Status::found;
  }
  evaluate();
}

void UdnsDriver::start(const DnsRequest& request) {
  cancel();
  result_.reset();
  current_ = request;
  a_ = aaaa_ = cut_a_ = cut_aaaa_ = Lookup{};
  time_up_ = false;
  deadline_ = Clock::now() + timeout_;
  if (dns_needs_lookup(context_, request.name)) submit();
  else time_up_ = true;  // nothing to wait for
  evaluate();
}

void UdnsDriver::submit() {
  if (!open_ && dns_open(ctx_) >= 0) open_ = true;
  if (!open_) {  // no socket: as if the nameserver did not answer
    a_.status = aaaa_.status = Lookup::Status::tempfail;
    return;
  }
  const char* name = current_->name.c_str();
  query_a_ = dns_submit_a4(ctx_, name, DNS_NOSRCH, on_a, this);
  if (!query_a_) a_.status = status_of(dns_status(ctx_));
  query_aaaa_ = dns_submit_a6(ctx_, name, DNS_NOSRCH, on_aaaa, this);
  if (!query_aaaa_) aaaa_.status = status_of(dns_status(ctx_));
}

void UdnsDriver::cancel() {
  // udns's dns_cancel() unlinks a query but leaves its memory to the caller.
  for (dns_query* q : {query_a_, query_aaaa_}) {
    if (!q) continue;
    dns_cancel(ctx_, q);
    free(q);
  }
  query_a_ = query_aaaa_ = nullptr;
}

void UdnsDriver::evaluate() {
  if (!current_) return;
  DnsDecision decision = dns_decide(context_, current_->name, a_, aaaa_, time_up_);
  if (decision.verdict.is_pending()) return;
  cancel();
  result_ = DnsResult{current_->generation, std::move(decision)};
  current_.reset();
}

std::optional<DnsResult> UdnsDriver::take_result() {
  auto result = std::move(result_);
  result_.reset();
  return result;
}

int UdnsDriver::fd() const {
  return open_ && (query_a_ || query_aaaa_) ? dns_sock(ctx_) : -1;
}

int UdnsDriver::timeout_ms() {
  if (!current_) return -1;
  Clock::time_point wake = deadline_;
  if ((query_a_ || query_aaaa_) && udns_wake_) wake = std::min(wake, *udns_wake_);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()) + 1);
}

void UdnsDriver::readable() {
  if (open_) dns_ioevent(ctx_, 0);
}

void UdnsDriver::tick() {
  udns_wake_.reset();
  if (query_a_ || query_aaaa_) {
    int seconds = dns_timeouts(ctx_, -1, 0);  // may answer (time out) queries
    if (seconds >= 0) udns_wake_ = Clock::now() + std::chrono::seconds(seconds);
  }
  if (current_ && Clock::now() >= deadline_) {
    time_up_ = true;
    // A truncated reply that came in counts, even while udns still waits for another server.
    if (!a_.answered() && cut_a_.truncated) settle(a_, DNS_E_TEMPFAIL, cut_a_);
    if (!aaaa_.answered() && cut_aaaa_.truncated) settle(aaaa_, DNS_E_TEMPFAIL, cut_aaaa_);
    evaluate();
  }
}
