// Knowing at once that the child exited (SPEC §3.10): SIGCHLD writes a byte to a pipe that
// the poll loop watches, and the loop reaps the child then, so that it is no zombie while
// helowrap delivers the rest of its output.
#pragma once
#include <sys/types.h>

#include "base/cmdline.h"

class ChildWatch {
 public:
  ChildWatch() = default;
  ChildWatch(const ChildWatch&) = delete;
  ChildWatch& operator=(const ChildWatch&) = delete;
  ~ChildWatch();  // SIGCHLD back to its default, the pipe closed

  // Creates the pipe and installs the handler (SA_RESTART, so that the blocking writes to
  // stderr are not cut short). Call it before fork: an early exit is not missed. False, with
  // errno set, if that fails.
  bool start();

  int fd() const { return read_fd_; }  // readable after a SIGCHLD

  // Empties the pipe and reaps `child` if it has exited. True once it has.
  bool reap(pid_t child);
  // Waits for `child` unless it was reaped already; its exit status (111 if killed).
  int wait(pid_t child);

  bool exited() const { return exited_; }

 private:
  void record(int wait_status);

  int read_fd_ = -1;
  int write_fd_ = -1;
  bool installed_ = false;
  bool exited_ = false;
  int status_ = kExitTemp;
};
