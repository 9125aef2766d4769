#include "relay/dns_driver.h"

#include "relay/smtp_session.h"

void exchange_dns(SmtpSession& session, DnsDriver& dns) {
  if (auto request = session.take_dns_request()) dns.start(*request);
  dns.tick();
  if (auto result = dns.take_result())
    session.dns_verdict(result->generation, std::move(result->decision.verdict),
                        std::move(result->decision.log));
}
