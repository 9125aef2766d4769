// Log lines on stderr: "helowrap: pid PID from IP " + event (SPEC §7).
#pragma once
#include <string>
#include <string_view>

// Bytes below 0x20 and 0x7f become '?', so a client-supplied name can never forge a log line.
std::string printable(std::string_view s);

class LogPrefix {
 public:
  LogPrefix(long pid, std::string_view ip);
  std::string line(std::string_view event) const { return prefix_ + std::string(event); }
  const std::string& ip() const { return ip_; }

 private:
  std::string ip_;
  std::string prefix_;
};
