#include "dns_udns.h"

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

}  // namespace

std::unique_ptr<UdnsDriver> UdnsDriver::create(DnsContext context, unsigned timeout_seconds,
                                               const char* dnscache_ip, Deliver deliver,
                                               std::string& error) {
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
  return std::unique_ptr<UdnsDriver>(
      new UdnsDriver(ctx, std::move(context), timeout_seconds, std::move(deliver)));
}

UdnsDriver::UdnsDriver(dns_ctx* ctx, DnsContext context, unsigned timeout_seconds,
                       Deliver deliver)
    : ctx_(ctx), context_(std::move(context)), timeout_(timeout_seconds),
      deliver_(std::move(deliver)) {}

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

void UdnsDriver::on_a(dns_ctx* ctx, dns_rr_a4* result, void* data) {
  auto* self = static_cast<UdnsDriver*>(data);
  self->query_a_ = nullptr;
  if (!result) {
    self->a_.status = status_of(dns_status(ctx));
  } else {
    for (int i = 0; i < result->dnsa4_nrr; ++i)
      self->a_.addresses.push_back(IpAddr::v4(&result->dnsa4_addr[i]));
    self->a_.status = result->dnsa4_nrr > 0 ? Lookup::Status::found : Lookup::Status::nodata;
    free(result);
  }
  self->evaluate();
}

void UdnsDriver::on_aaaa(dns_ctx* ctx, dns_rr_a6* result, void* data) {
  auto* self = static_cast<UdnsDriver*>(data);
  self->query_aaaa_ = nullptr;
  if (!result) {
    self->aaaa_.status = status_of(dns_status(ctx));
  } else {
    for (int i = 0; i < result->dnsa6_nrr; ++i)
      self->aaaa_.addresses.push_back(IpAddr::v6(&result->dnsa6_addr[i]));
    self->aaaa_.status = result->dnsa6_nrr > 0 ? Lookup::Status::found : Lookup::Status::nodata;
    free(result);
  }
  self->evaluate();
}

void UdnsDriver::start(const DnsRequest& request) {
  cancel();
  current_ = request;
  a_ = aaaa_ = Lookup{};
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
  Verdict v = dns_decide(context_, current_->name, a_, aaaa_, time_up_);
  if (v.is_pending()) return;
  cancel();
  unsigned generation = current_->generation;
  current_.reset();
  deliver_(generation, std::move(v));
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
    evaluate();
  }
}
