#include "check/policy.h"

#include <cerrno>

#include "base/control.h"
#include "base/text.h"

namespace {

bool read_control(const std::string& path, std::vector<ControlLine>& lines, PolicyError& error) {
  if (control_readfile(path, lines) != ControlStatus::unreadable) return true;
  error = {path, errno};
  return false;
}

// A name as dns_decide compares it: lower case, without a trailing dot.
std::string local_name(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  return ascii_lower(std::move(s));
}

// N compares the HELO with this server's names and addresses (SPEC §5.2).
bool load_identity(const std::string& dir, const EnvLookup& env, DnsContext& dns,
                   PolicyError& error) {
  std::vector<ControlLine> lines;
  if (!read_control(dir + "/me", lines, error)) return false;
  if (!lines.empty()) dns.local_names.push_back(local_name(lines[0].text));
  if (!read_control(dir + "/locals", lines, error)) return false;
  for (const auto& l : lines) dns.local_names.push_back(local_name(l.text));
  if (!read_control(dir + "/moreipme", lines, error)) return false;
  for (const auto& l : lines)
    if (auto a = IpAddr::parse(l.text)) dns.local_addresses.push_back(*a);
  if (const char* local = env("TCPLOCALIP"))
    if (auto a = IpAddr::parse(local)) dns.local_addresses.push_back(*a);
  return true;
}

bool load_dns(const std::string& dir, const EnvLookup& env, Policy& policy, PolicyError& error) {
  const char* letters = env("HELO_DNS_CHECK");
  if (!letters || env("NOHELODNSCHECK")) return true;
  DnsContext dns;
  dns.flags = DnsFlags::parse(letters);
  dns.relayclient = env("RELAYCLIENT") != nullptr;
  if (dns.flags.R && dns.relayclient) {
    policy.relay_trusted = true;
    if (dns.flags.D) policy.log.push_back("debug: RELAYCLIENT is set: DNS checks off");
    return true;
  }
  const char* ip = env("TCPREMOTEIP");
  if (!ip) {
    if (dns.flags.L) policy.log.push_back("TCPREMOTEIP not set, let it go.");
    return true;
  }
  dns.client_text = ip;
  dns.client = IpAddr::parse(ip);
  if (dns.flags.N && !dns.relayclient && !load_identity(dir, env, dns, error)) return false;
  policy.dns = std::move(dns);
  return true;
}

}  // namespace

bool load_policy(const std::string& control_dir, const EnvLookup& env, Policy& policy,
                 PolicyError& error) {
  policy = Policy{};
  policy.log_regex = env("LOGREGEX") != nullptr;
  policy.log_helo = env("LOGHELO") != nullptr;
  if (!env("NOBADHELO")) {
    std::string path = control_dir + "/badhelo", contents;
    if (control_readraw(path, contents) == ControlStatus::unreadable) {
      error = {path, errno};
      return false;
    }
    auto badhelo = std::make_unique<BadHelo>(std::move(contents));
    if (badhelo->enabled()) policy.badhelo = std::move(badhelo);
  }
  return load_dns(control_dir, env, policy, error);
}
