#include "base/io.h"

#include <cerrno>
#include <unistd.h>

bool write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t w = write(fd, s.data(), s.size());
    if (w == -1 && errno == EINTR) continue;
    if (w <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(w));
  }
  return true;
}

ssize_t read_some(int fd, char* buf, std::size_t size) {
  for (;;) {
    ssize_t r = read(fd, buf, size);
    if (r >= 0 || errno != EINTR) return r;
  }
}
