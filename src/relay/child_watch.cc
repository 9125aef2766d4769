#include "relay/child_watch.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

volatile sig_atomic_t notify_fd = -1;

void on_sigchld(int) {
  int saved = errno;
  char byte = 0;
  if (notify_fd != -1 && write(notify_fd, &byte, 1) == -1) {
    // the pipe is full: a wake-up is pending already
  }
  errno = saved;
}

}  // namespace

bool ChildWatch::start() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == -1) return false;
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  notify_fd = write_fd_;
  struct sigaction sa {};
  sa.sa_handler = on_sigchld;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  if (sigaction(SIGCHLD, &sa, nullptr) == -1) return false;
  installed_ = true;
  return true;
}

ChildWatch::~ChildWatch() {
  if (installed_) signal(SIGCHLD, SIG_DFL);
  notify_fd = -1;
  if (read_fd_ != -1) close(read_fd_);
  if (write_fd_ != -1) close(write_fd_);
}

void ChildWatch::record(int wait_status) {
  exited_ = true;
  status_ = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : kExitTemp;
}

bool ChildWatch::reap(pid_t child) {
  char buf[64];
  while (read(read_fd_, buf, sizeof buf) > 0) {
  }
  if (exited_) return true;
  int wait_status = 0;
  pid_t r;
  do r = waitpid(child, &wait_status, WNOHANG);
  while (r == -1 && errno == EINTR);
  if (r == child) record(wait_status);
  return exited_;
}

int ChildWatch::wait(pid_t child) {
  if (exited_) return status_;
  int wait_status = 0;
  pid_t r;
  do r = waitpid(child, &wait_status, 0);
  while (r == -1 && errno == EINTR);
  if (r == child) record(wait_status);
  return status_;
}
