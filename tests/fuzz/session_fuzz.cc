// Differential fuzzer for the I/O-free session (issue 6): arbitrary client bytes, arbitrary
// read splits and timings, a model qmail-smtpd (strict, or lenient about bare LF) or a
// model of exim's framing (16,384-byte command lines, BDAT swallowing its bytes) behind.
// The oracle fails when
//   - a blocked client's RCPT or STARTTLS, or any BDAT, reaches the model server,
//   - the client gets a server reply out of order, twice, or not at all, or a reply that
//     neither the server nor helowrap should have sent,
//   - a message reaches the server altered (every queued message is a verbatim piece of
//     what the client sent),
//   - the client sees an EHLO keyword helowrap must hide,
//   - the client gets anything after the reply to QUIT,
//   - exim would frame a line that helowrap forwarded differently from qmail-smtpd,
//   - a buffer, or what helowrap owes the client, grows past its bound.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <algorithm>
#include <string>

#include "base/control.h"
#include "check/badhelo.h"
#include "qmail_model.h"
#include "relay/smtp_line.h"
#include "relay/smtp_session.h"

namespace {

// Reads the fuzzer's bytes as choices: small numbers from the front, the client's stream
// as a length-prefixed piece. Running out of bytes reads as zeros.
class Choices {
 public:
  Choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::size_t remaining() const { return size_ - pos_; }
  unsigned byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::size_t number(std::size_t max) {  // 0..max
    std::size_t v = byte() | byte() << 8;
    return v % (max + 1);
  }
  std::string piece(std::size_t max) {
    std::size_t n = std::min({number(max), remaining()});
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, pos_ = 0;
};

const std::string kLineTooLong = "500 sorry, line too long (#5.5.2)";
const std::string kUnimplemented = "502 unimplemented (#5.5.1)";

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "ORACLE FAILURE: %s %s\n", what, detail.c_str());
  std::abort();
}

enum class Blocking { none, after_helo, always };
enum class Server { strict, lenient, exim };

struct Run {
  Run(Blocking blocking, Server kind, BadHelo* badhelo)
      : blocking(blocking), server(kind == Server::lenient) {
    server.exim = kind == Server::exim;
    SessionConfig c;
    c.log = LogPrefix(1, "192.0.2.1");
    if (blocking == Blocking::after_helo) c.badhelo = badhelo;
    if (blocking == Blocking::always) {
      c.dns_checks = true;
      c.no_helo = Verdict::block(Verdict::Rule::no_helo);
    }
    session.emplace(c);
    server.number_replies = true;
    server.ehlo_extra = {"CHUNKING", "SIZE 1000", "PRDR", "AUTH LOGIN"};
    from_server = server.greeting();
  }

  void client_writes(std::size_t n) {
    n = std::min({n, session->client_room(), client.size() - client_sent});
    if (n == 0) return;
    session->from_client(std::string_view(client).substr(client_sent, n));
    client_sent += n;
  }
  void server_reads(std::size_t n) {
    if (server_input_closed) return;
    n = std::min(n, session->to_server().size());
    std::string bytes(session->to_server().data(), n);
    session->sent_to_server(n);
    from_server += server.feed(bytes);
    if (session->server_input_done() && session->to_server().empty()) server_input_closed = true;
  }
  void server_writes(std::size_t n) {
    n = std::min({n, session->server_room(), from_server.size()});
    if (n == 0) return;
    session->from_server(std::string_view(from_server).substr(0, n));
    from_server.erase(0, n);
  }
  void client_reads(std::size_t n) {
    n = std::min(n, session->to_client().size());
    got.append(session->to_client().data(), n);
    session->sent_to_client(n);
  }
  void dns_answers() {
    while (auto r = session->take_dns_request()) requests.push_back(*r);
    for (const auto& r : requests)
      session->dns_verdict(r.generation, Verdict::block(Verdict::Rule::G));
    requests.clear();
  }
  void check_bounds() const {
    const std::size_t bound = 2 * SmtpSession::kBufferLimit + SmtpSession::kLineLimit + 64;
    if (session->to_server().size() > bound) fail("to_server over its bound");
    if (session->to_client().size() > bound) fail("to_client over its bound");
    if (session->owed_to_client() > bound) fail("owed to the client over its bound");
    if (server.cut_lines > 0) fail("exim cut a line helowrap forwarded");
  }

  // Everything that can move, moves; the client has said all it will say.
  void finish() {
    client_writes(client.size());
    if (client_sent == client.size() && !closed) {
      session->client_closed();
      closed = true;
    }
    for (int guard = 0; guard < 100000; ++guard) {
      std::size_t before = got.size() + from_server.size() + session->to_server().size() +
                           session->to_client().size() + client_sent;
      dns_answers();
      client_writes(SIZE_MAX);
      server_reads(SIZE_MAX);
      server_writes(SIZE_MAX);
      client_reads(SIZE_MAX);
      check_bounds();
      std::size_t after = got.size() + from_server.size() + session->to_server().size() +
                          session->to_client().size() + client_sent;
      if (before == after && session->to_server().empty() && session->to_client().empty()) return;
    }
    fail("no progress: the session is stuck");
  }

  void check() const {
    check_rcpts();
    check_replies();
    check_messages();
  }

  void check_rcpts() const {
    for (const auto& line : server.lines)
      if (could_be_bdat(line)) fail("BDAT reached the server", line);
    if (blocking == Blocking::none) return;
    bool helo = blocking == Blocking::always;
    for (std::size_t i = 0; i < server.lines.size(); ++i) {
      const std::string& line = server.lines[i];
      const std::string& verb = server.verbs[i];
      if (helo && (verb == "RCPT" || could_be_rcpt(line))) fail("blocked RCPT reached the server", line);
      Verb qmail_verb = split_command(line).verb;  // HELO, EHLO, DATA, AUTH stay themselves
      bool loose = qmail_verb == Verb::rcpt || qmail_verb == Verb::other;
      if (helo && (qmail_verb == Verb::starttls ||
                   (loose && could_be_barrier(line, qmail_verb) == Verb::starttls)))
        fail("a blocked client's STARTTLS reached the server", line);
      if (verb == "HELO" || verb == "EHLO") helo = true;
    }
  }

  // The numbered server replies arrive in order, each once; a 553 stands in for the
  // server's reply to a NOOP helowrap sent in a RCPT's place; a 454 is helowrap's own.
  void check_replies() const {
    std::size_t next = 1;
    bool ended = false;
    std::size_t pos = 0;
    while (pos < got.size()) {
      std::size_t lf = got.find('\n', pos);
      if (lf == std::string::npos) fail("reply line without LF", got.substr(pos));
      std::string line = got.substr(pos, lf - pos);
      pos = lf + 1;
      if (ended) fail("a reply after the session ended", line);
      if (line.size() < 5 || line[line.size() - 1] != '\r') fail("malformed reply line", line);
      line.pop_back();
      std::string keyword = line.substr(4, line.find(' ', 4) - 4);
      if (keyword == "CHUNKING" || keyword == "PRDR") fail("hidden EHLO keyword shown", line);
      if (line[3] == '-') continue;
      std::size_t hash = line.rfind(" #");
      if (hash != std::string::npos) {
        std::size_t n = std::stoul(line.substr(hash + 2));
        if (n != next) fail("server reply out of order, twice or lost", line + " wanted #" + std::to_string(next));
        ++next;
        if (line.compare(0, 4, "221 ") == 0) ended = true;
      } else if (line.compare(0, 4, "553 ") == 0 || line == kLineTooLong) {
        ++next;  // the reply to the NOOP sent in the line's place
      } else if (line.compare(0, 4, "454 ") == 0 || line == kUnimplemented) {
      } else if (line == "451 See https://cr.yp.to/docs/smtplf.html.") {
        ended = true;
      } else {
        fail("a reply nobody sent", line);
      }
    }
    if (next != server.replies + 1)
      fail("server replies never delivered", std::to_string(next) + " of " + std::to_string(server.replies));
  }

  void check_messages() const {
    for (const auto& raw : server.raw_messages)
      if (client.find(raw) == std::string::npos) fail("message altered on the way", raw);
  }

  Blocking blocking;
  std::optional<SmtpSession> session;
  QmailModel server;
  std::string client;
  std::size_t client_sent = 0;
  std::string from_server, got;
  std::vector<DnsRequest> requests;
  bool closed = false, server_input_closed = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static BadHelo block_every_helo(control_parse("!^never-matches-anything$\n"));
  Choices in(data, size);
  unsigned setup = in.byte();
  auto blocking = static_cast<Blocking>(setup % 3);
  auto server = static_cast<Server>((setup / 3) % 3);
  Run run(blocking, server, &block_every_helo);
  run.client = in.piece(65535);
  while (in.remaining() > 0) {
    unsigned op = in.byte() % 6;
    std::size_t n = 1 + in.number(4095);
    switch (op) {
      case 0: run.client_writes(n); break;
      case 1: run.server_reads(n); break;
      case 2: run.server_writes(n); break;
      case 3: run.client_reads(n); break;
      case 4: run.dns_answers(); break;
      case 5:
        if (run.client_sent == run.client.size() && !run.closed) {
          run.session->client_closed();
          run.closed = true;
        }
        break;
    }
    run.check_bounds();
  }
  run.finish();
  run.check();
  return 0;
}
