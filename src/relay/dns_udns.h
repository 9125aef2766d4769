// The DNS checks' questions, asked with udns: A and AAAA in parallel, never blocking.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "relay/dns_driver.h"
#include "check/dnscheck.h"

struct dns_ctx;
struct dns_query;
struct sockaddr;

class UdnsDriver : public DnsDriver {
 public:
  // Nameservers from /etc/resolv.conf and udns's $NSCACHEIP, $NAMESERVERS, $RES_OPTIONS;
  // `dnscache_ip` ($DNSCACHEIP), when set, replaces them. Null (and `error`) on failure.
  static std::unique_ptr<UdnsDriver> create(DnsContext context, unsigned timeout_seconds,
                                            const char* dnscache_ip, std::string& error);
  ~UdnsDriver() override;
  UdnsDriver(const UdnsDriver&) = delete;
  UdnsDriver& operator=(const UdnsDriver&) = delete;

  void start(const DnsRequest& request) override;
  int fd() const override;
  int timeout_ms() override;  // no side effects: tick() does the work
  void readable() override;
  void tick() override;
  std::optional<DnsResult> take_result() override;

 private:
  using Clock = std::chrono::steady_clock;
  UdnsDriver(dns_ctx* ctx, DnsContext context, unsigned timeout_seconds);
  static void on_a(dns_ctx* ctx, struct dns_rr_a4* result, void* data);
  static void on_aaaa(dns_ctx* ctx, struct dns_rr_a6* result, void* data);
  static void on_reply(int code, const sockaddr* from, unsigned fromlen,
                       const unsigned char* packet, int length, const dns_query* query,
                       void* data);
  static void settle(Lookup& lookup, int dns_status, Lookup& cut);
  void answered(Lookup& lookup, Lookup& cut, std::optional<std::vector<IpAddr>> found,
                int dns_status);
  static Lookup::Status status_of(int dns_status);
  void submit();
  void cancel();
  void evaluate();

  dns_ctx* ctx_;
  bool open_ = false;
  DnsContext context_;
  std::chrono::seconds timeout_;
  std::optional<DnsRequest> current_;
  std::optional<DnsResult> result_;  // reached, not yet taken
  Lookup a_, aaaa_;
  Lookup cut_a_, cut_aaaa_;  // what truncated replies to the queries held
  dns_query* query_a_ = nullptr;
  dns_query* query_aaaa_ = nullptr;
  Clock::time_point deadline_;
  bool time_up_ = false;
  std::optional<Clock::time_point> udns_wake_;  // udns's next retransmission, from tick()
};
