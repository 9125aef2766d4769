#include "base/control.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"

std::vector<ControlLine> control_parse(const std::string& contents, bool keep_nuls) {
  std::vector<ControlLine> lines;
  lines.reserve(static_cast<std::size_t>(std::count(contents.begin(), contents.end(), '\n')) + 1);
  each_control_line(contents, [&](int number, std::string_view text) {
    lines.push_back({number, std::string(text)});
  }, keep_nuls);
  return lines;
}

ControlStatus control_readraw(const std::string& path, std::string& contents) {
  contents.clear();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd == -1) return errno == ENOENT ? ControlStatus::missing : ControlStatus::unreadable;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > 0) contents.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t r = read_some(fd, buf, sizeof buf);
    if (r == 0) break;
    if (r == -1) {
      close(fd);
      return ControlStatus::unreadable;
    }
    contents.append(buf, static_cast<std::size_t>(r));
  }
  close(fd);
  return ControlStatus::ok;
}

ControlStatus control_readfile(const std::string& path, std::vector<ControlLine>& lines,
                               bool keep_nuls) {
  lines.clear();
  std::string contents;
  ControlStatus status = control_readraw(path, contents);
  if (status == ControlStatus::ok) lines = control_parse(contents, keep_nuls);
  return status;
}

void control_scan_ulong(std::string_view contents, unsigned long& value) {
  constexpr unsigned long kMax = std::numeric_limits<unsigned long>::max();
  std::size_t i = 0;
  unsigned long n = 0;
  for (; i < contents.size() && contents[i] >= '0' && contents[i] <= '9'; ++i) {
    unsigned long digit = static_cast<unsigned long>(contents[i] - '0');
    n = n > (kMax - digit) / 10 ? kMax : n * 10 + digit;
  }
  if (i > 0) value = n;
}

ControlStatus control_readint(const std::string& path, unsigned long& value) {
  std::string contents;
  ControlStatus status = control_readraw(path, contents);
  if (status == ControlStatus::ok) control_scan_ulong(contents, value);
  return status;
}
