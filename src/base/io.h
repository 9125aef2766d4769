// Reads and writes on blocking fds that ride out a signal's interruption (EINTR).
#pragma once
#include <cstddef>
#include <string_view>
#include <sys/types.h>

// Writes all of `s`; false if the fd fails (a log must not stop the mail).
bool write_all(int fd, std::string_view s);

// read(2), again while a signal interrupts it: the bytes read, 0 at the end, -1 with errno.
ssize_t read_some(int fd, char* buf, std::size_t size);
