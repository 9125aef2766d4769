#include "base/ipaddr.h"

#include <arpa/inet.h>
#include <cstring>

#include "base/text.h"

IpAddr IpAddr::v4(const void* in_addr4) {
  IpAddr a;
  a.family = AF_INET;
  std::memcpy(a.bytes.data(), in_addr4, 4);
  return a;
}

IpAddr IpAddr::v6(const void* in6_addr16) {
  static const unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  const unsigned char* b = static_cast<const unsigned char*>(in6_addr16);
  if (std::memcmp(b, mapped_prefix, 12) == 0) return v4(b + 12);
  IpAddr a;
  a.family = AF_INET6;
  std::memcpy(a.bytes.data(), b, 16);
  return a;
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::string s(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return v4(buf);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return v6(buf);
  return std::nullopt;
}

bool IpAddr::is_loopback() const {
  if (family == AF_INET) return bytes[0] == 127;
  static const unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return family == AF_INET6 && std::memcmp(bytes.data(), one, 16) == 0;
}

std::string IpAddr::text() const {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, bytes.data(), buf, sizeof buf)) return "?";
  return buf;
}

std::optional<IpAddr> address_literal(std::string_view name) {
  if (name.size() < 3 || name.front() != '[' || name.back() != ']') return std::nullopt;
  std::string_view inner = name.substr(1, name.size() - 2);
  if (inner.size() > 5 && starts_with_nocase(inner, "IPv6:")) {
    inner.remove_prefix(5);
    auto a = IpAddr::parse(inner);
    if (!a || inner.find(':') == std::string_view::npos) return std::nullopt;  // v6 syntax only
    return a;
  }
  return IpAddr::parse(inner);
}
