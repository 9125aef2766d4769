// IPv4 and IPv6 addresses compared in binary; an IPv4-mapped IPv6 address is its IPv4 one.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

struct IpAddr {
  int family = 0;                       // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes{};  // IPv4 uses the first 4

  static std::optional<IpAddr> parse(std::string_view text);  // inet_pton, either family
  static IpAddr v4(const void* in_addr4);
  static IpAddr v6(const void* in6_addr16);                   // maps ::ffff:a.b.c.d to v4
  bool is_loopback() const;
  std::string text() const;
  bool operator==(const IpAddr& o) const { return family == o.family && bytes == o.bytes; }
};

// An RFC 5321 address literal: "[192.0.2.1]", "[IPv6:2001:db8::1]" (tag in any case), and
// "[2001:db8::1]" without the tag, as clients send it.
std::optional<IpAddr> address_literal(std::string_view name);
