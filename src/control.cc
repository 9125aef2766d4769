#include "control.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

std::vector<ControlLine> control_parse(const std::string& contents) {
  std::vector<ControlLine> lines;
  std::size_t pos = 0;
  int number = 0;
  while (pos < contents.size()) {
    std::size_t end = contents.find('\n', pos);
    if (end == std::string::npos) end = contents.size();
    ++number;
    std::string line = contents.substr(pos, end - pos);
    pos = end + 1;
    // qmail hands each line to C string functions: a NUL ends it there.
    line.resize(std::min(line.size(), line.find('\0')));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    lines.push_back({number, std::move(line)});
  }
  return lines;
}

ControlStatus control_readfile(const std::string& path, std::vector<ControlLine>& lines) {
  lines.clear();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd == -1) return errno == ENOENT ? ControlStatus::missing : ControlStatus::unreadable;
  std::string contents;
  char buf[8192];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r == 0) break;
    if (r == -1) {
      if (errno == EINTR) continue;
      close(fd);
      return ControlStatus::unreadable;
    }
    contents.append(buf, static_cast<std::size_t>(r));
  }
  close(fd);
  lines = control_parse(contents);
  return ControlStatus::ok;
}
