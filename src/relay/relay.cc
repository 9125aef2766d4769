#include "relay/relay.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include "base/io.h"
#include "relay/dns_driver.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kClientIn = 0;
constexpr int kClientOut = 1;
// A write timeout of more than 30 years is no timeout; the cap keeps the clock arithmetic
// clear of overflow.
constexpr unsigned long kTimeoutCap = 1000000000;

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

// Milliseconds until `t`, rounded up, for poll; 0 when it has passed.
int ms_until(Clock::time_point t) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now());
  auto ms = std::max<long long>(0, left.count() + 1);
  return static_cast<int>(std::min<long long>(ms, INT_MAX));
}

class Relay {
 public:
  Relay(SmtpSession& session, const Child& child, const RelayOptions& options)
      : session_(session), child_(child), options_(options),
        write_timeout_(std::min(options.write_timeout, kTimeoutCap)) {}
  int run();

 private:
  bool done();
  bool poll_once();
  void handle_events();
  void write_to_client();
  void write_to_server();
  void child_exited();
  void close_server_input();
  void start_give_up_clock();
  std::optional<Clock::time_point> deadline() const;
  int poll_timeout() const;

  SmtpSession& session_;
  const Child& child_;
  const RelayOptions& options_;
  const std::chrono::seconds write_timeout_;
  bool client_in_ = true, client_out_ = true, server_in_ = true, server_out_ = true;
  // Since when a write to the client would block without it taking a byte (unset while
  // it keeps up), and, once the child has exited, the moment the client must be done by.
  std::optional<Clock::time_point> stalled_since_;
  std::optional<Clock::time_point> give_up_at_;

  pollfd fds_[6];
  int nfds_ = 0;
  int i_cin_ = -1, i_sout_ = -1, i_dns_ = -1, i_child_ = -1;
};

int Relay::run() {
  set_nonblocking(kClientIn);
  set_nonblocking(kClientOut);
  set_nonblocking(child_.to);
  set_nonblocking(child_.from);
  // A larger pipe lets a message body go to the server in fewer, larger writes (fewer
  // wake-ups of both processes). 256 KB: the kernel charges pipes to the user (qmaild),
  // and past pipe-user-pages-soft it would shrink qmail-smtpd's own pipes. Where the
  // system refuses, the default size serves.
  fcntl(child_.to, F_SETPIPE_SZ, 1 << 18);
  // An exit before the loop started has left its byte in the watch's pipe.
  while (!done() && poll_once()) {
    handle_events();
    // Write what there is now, without waiting for poll to say so: a would-block write
    // costs one system call, a poll round more costs two and a context switch.
    write_to_client();
    write_to_server();
  }
  write_log(session_.take_log());
  if (server_in_) close(child_.to);
  if (server_out_) close(child_.from);
  return child_.watch->wait(child_.pid);
}

// Hands the DNS results to the session, closes the server's input when due; true when the
// session is over.
bool Relay::done() {
  if (options_.dns) exchange_dns(session_, *options_.dns);  // may hand the session a verdict
  write_log(session_.take_log());

  if (!client_out_) session_.sent_to_client(session_.to_client().size());  // discard
  if (server_in_ && session_.server_input_done() &&
      (session_.to_server().empty() || !server_out_))
    close_server_input();  // the server sees end of input and finishes
  if (!server_out_ && (session_.to_client().empty() || !client_out_)) return true;
  if (auto end = deadline(); end && Clock::now() >= *end) {
    write_log({options_.log.line("client took no byte for " +
                                 std::to_string(options_.write_timeout) +
                                 " s after the server exited: dropped")});
    return true;
  }
  return false;
}

// Once the server has exited: when the client is dropped if it has not finished.
std::optional<Clock::time_point> Relay::deadline() const {
  if (!give_up_at_) return std::nullopt;
  if (!stalled_since_) return give_up_at_;
  return std::min(*give_up_at_, *stalled_since_ + write_timeout_);
}

int Relay::poll_timeout() const {
  int timeout = options_.dns ? options_.dns->timeout_ms() : -1;
  if (auto end = deadline()) {
    int left = ms_until(*end);
    timeout = timeout == -1 ? left : std::min(timeout, left);
  }
  return timeout;
}

// Waits for something to do; false if poll fails (logged: the session ends).
bool Relay::poll_once() {
  nfds_ = 0;
  i_cin_ = i_sout_ = i_dns_ = i_child_ = -1;
  auto add = [&](int fd, short events) {
    fds_[nfds_] = {fd, events, 0};
    return nfds_++;
  };
  if (client_in_ && session_.client_room() > 0) i_cin_ = add(kClientIn, POLLIN);
  if (client_out_ && !session_.to_client().empty()) add(kClientOut, POLLOUT);
  if (server_in_ && !session_.to_server().empty()) add(child_.to, POLLOUT);
  if (server_out_ && session_.server_room() > 0) i_sout_ = add(child_.from, POLLIN);
  if (options_.dns && options_.dns->fd() != -1) i_dns_ = add(options_.dns->fd(), POLLIN);
  if (!child_.watch->exited()) i_child_ = add(child_.watch->fd(), POLLIN);

  if (poll(fds_, static_cast<nfds_t>(nfds_), poll_timeout()) != -1 || errno == EINTR)
    return true;
  write_log({options_.log.line(std::string("poll failed: ") + std::strerror(errno))});
  return false;
}

void Relay::handle_events() {
  auto ready = [&](int i) { return i != -1 && fds_[i].revents != 0; };
  if (ready(i_child_) && child_.watch->reap(child_.pid)) child_exited();
  if (ready(i_dns_)) {  // a decision reached is applied now, so that what it lets go is
    options_.dns->readable();  // written in this round, without waiting for poll again
    exchange_dns(session_, *options_.dns);
  }
  if (ready(i_sout_) &&
      !read_into(child_.from, session_.server_room(),
                 [&](std::string_view b) { session_.from_server(b); })) {
    server_out_ = false;
    session_.server_closed();
  }
  if (ready(i_cin_) &&
      !read_into(kClientIn, session_.client_room(),
                 [&](std::string_view b) { session_.from_client(b); })) {
    client_in_ = false;
    session_.client_closed();
  }
}

// The server is gone: nothing reads its input any more, and what it wrote is delivered
// under its own write timeout (SPEC 3.10).
void Relay::child_exited() {
  if (server_in_) close_server_input();
  start_give_up_clock();
}

// Alone, the server would have written to the client itself, and a client that takes no
// byte for timeoutsmtpd would have made it give up: so the clock of a client that stopped
// reading runs from when it stopped (stalled_since_), not from the server's exit, and
// helowrap never outlives the server by more than that timeout whatever the client does.
void Relay::start_give_up_clock() { give_up_at_ = Clock::now() + write_timeout_; }

void Relay::close_server_input() {
  close(child_.to);
  server_in_ = false;
}

void Relay::write_to_client() {
  if (!client_out_ || session_.to_client().empty()) return;
  ssize_t w = write_some(kClientOut, session_.to_client());
  if (w == -1) {  // the client is gone: let the server see end of input and finish
    client_out_ = client_in_ = false;
    session_.client_closed();
    return;
  }
  session_.sent_to_client(static_cast<std::size_t>(w));
  if (w > 0)
    stalled_since_.reset();
  else if (!stalled_since_)
    stalled_since_ = Clock::now();
}

void Relay::write_to_server() {
  if (!server_in_ || session_.to_server().empty()) return;
  ssize_t w = write_some(child_.to, session_.to_server());
  if (w == -1)  // the server stopped reading; its output tells the rest
    close_server_input();
  else
    session_.sent_to_server(static_cast<std::size_t>(w));
}

}  // namespace

int relay(SmtpSession& session, const Child& child, const RelayOptions& options) {
  return Relay(session, child, options).run();
}
