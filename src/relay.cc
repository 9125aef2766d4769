#include "relay.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns_driver.h"

namespace {

constexpr int kClientIn = 0;
constexpr int kClientOut = 1;

void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags != -1) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void write_log(const std::vector<std::string>& lines) {
  for (const auto& line : lines)
    if (!write_all(2, line + "\n")) return;
}

// Reads what the session can take from fd. Returns false at end of input or on error.
template <typename Feed>
bool read_into(int fd, std::size_t room, Feed feed) {
  char buf[SmtpSession::kBufferLimit];
  ssize_t r = read(fd, buf, std::min(room, sizeof buf));
  if (r > 0) {
    feed(std::string_view(buf, static_cast<std::size_t>(r)));
    return true;
  }
  return r == -1 && (errno == EINTR || errno == EAGAIN);
}

// Writes what it can of `data`. Returns bytes written (0 if it would block), -1 on error.
ssize_t write_some(int fd, const ByteQueue& data) {
  ssize_t w = write(fd, data.data(), data.size());
  if (w == -1 && (errno == EINTR || errno == EAGAIN)) return 0;
  return w;
}

int exit_status_of(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) == -1)
    if (errno != EINTR) return 111;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 111;
}

struct Ends {
  bool client_in = true, client_out = true, server_in = true, server_out = true;
};

}  // namespace

bool write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t w = write(fd, s.data(), s.size());
    if (w == -1 && errno == EINTR) continue;
    if (w <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(w));
  }
  return true;
}

int relay(SmtpSession& session, int to_child, int from_child, pid_t child, DnsDriver* dns) {
  set_nonblocking(kClientIn);
  set_nonblocking(kClientOut);
  set_nonblocking(to_child);
  set_nonblocking(from_child);
  // A larger pipe lets a message body go to the server in fewer, larger writes (fewer
  // wake-ups of both processes). 256 KB: the kernel charges pipes to the user (qmaild),
  // and past pipe-user-pages-soft it would shrink qmail-smtpd's own pipes. Where the
  // system refuses, the default size serves.
  fcntl(to_child, F_SETPIPE_SZ, 1 << 18);
  Ends open;

  for (;;) {
    if (dns) {  // before the poll set is built: these may hand the session a verdict
      while (auto request = session.take_dns_request()) dns->start(*request);
      dns->tick();
    }
    write_log(session.take_log());

    if (!open.client_out) session.sent_to_client(session.to_client().size());  // discard
    if (open.server_in && session.server_input_done() &&
        (session.to_server().empty() || !open.server_out)) {
      close(to_child);  // the server sees end of input and finishes
      open.server_in = false;
    }
    if (!open.server_out && (session.to_client().empty() || !open.client_out)) break;

    pollfd fds[5];
    int n = 0;
    int i_cin = -1, i_sout = -1, i_dns = -1;
    auto add = [&](int fd, short events) { fds[n] = {fd, events, 0}; return n++; };
    if (open.client_in && session.client_room() > 0) i_cin = add(kClientIn, POLLIN);
    if (open.client_out && !session.to_client().empty()) add(kClientOut, POLLOUT);
    if (open.server_in && !session.to_server().empty()) add(to_child, POLLOUT);
    if (open.server_out && session.server_room() > 0) i_sout = add(from_child, POLLIN);
    if (dns && dns->fd() != -1) i_dns = add(dns->fd(), POLLIN);
    int timeout = dns ? dns->timeout_ms() : -1;

    if (poll(fds, static_cast<nfds_t>(n), timeout) == -1 && errno != EINTR) break;
    auto ready = [&](int i) { return i != -1 && fds[i].revents != 0; };

    if (ready(i_dns)) dns->readable();
    if (ready(i_sout) &&
        !read_into(from_child, session.server_room(),
                   [&](std::string_view b) { session.from_server(b); })) {
      open.server_out = false;
      session.server_closed();
    }
    if (ready(i_cin) &&
        !read_into(kClientIn, session.client_room(),
                   [&](std::string_view b) { session.from_client(b); })) {
      open.client_in = false;
      session.client_closed();
    }
    // Write what there is now, without waiting for poll to say so: a would-block write
    // costs one system call, a poll round more costs two and a context switch.
    if (open.client_out && !session.to_client().empty()) {
      ssize_t w = write_some(kClientOut, session.to_client());
      if (w == -1) {  // the client is gone: let the server see end of input and finish
        open.client_out = open.client_in = false;
        session.client_closed();
      } else {
        session.sent_to_client(static_cast<std::size_t>(w));
      }
    }
    if (open.server_in && !session.to_server().empty()) {
      ssize_t w = write_some(to_child, session.to_server());
      if (w == -1) {  // the server stopped reading; its output tells the rest
        close(to_child);
        open.server_in = false;
      } else {
        session.sent_to_server(static_cast<std::size_t>(w));
      }
    }
  }
  write_log(session.take_log());
  if (open.server_in) close(to_child);
  if (open.server_out) close(from_child);
  return exit_status_of(child);
}
