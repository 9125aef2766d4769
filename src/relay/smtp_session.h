// The SMTP relay logic, free of I/O (SPEC §3): fed the client's bytes, the server's bytes
// and the DNS verdicts, it says what to write to the server and to the client. The event
// loop in relay.cc moves the bytes; everything that can go wrong in the protocol is here.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytequeue.h"
#include "check/log_words.h"
#include "check/dnscheck.h"
#include "check/verdict.h"

class BadHelo;

struct SessionConfig {
  LogPrefix log{0, "unknown"};
  BadHelo* badhelo = nullptr;         // null: badhelo is off
  bool log_regex = false;             // $LOGREGEX: name the pattern in the log line
  bool dns_checks = false;            // each HELO asks for a DNS verdict (take_dns_request)
  bool hold_data_for_header = false;  // DATA waits for the DNS verdict (its header)
  Verdict no_helo = Verdict::pass();  // applies to a RCPT sent before any HELO/EHLO
  bool log_no_helo = false;           // L: its refusal logs "No HELO sent" too
  bool log_helo = false;              // $LOGHELO: one line per HELO with its verdict
  bool relay_trusted = false;         // RELAYCLIENT with the R flag: the DNS checks are off
};

class SmtpSession {
 public:
  static constexpr std::size_t kBufferLimit = 64 * 1024;  // per direction, in and out
  // A longer command line is never forwarded (SPEC §3.3a). exim cuts its command lines at
  // 16,384 bytes before the LF and runs the rest as a new command; so this limit must not
  // exceed that.
  static constexpr std::size_t kLineLimit = 16 * 1024;
  static constexpr std::size_t kPendingLimit = 4096;      // runs of unanswered commands

  explicit SmtpSession(SessionConfig config);

  // Client side. Feed at most client_room() bytes.
  std::size_t client_room() const;
  void from_client(std::string_view bytes);
  void client_closed();

  // Server side. Feed at most server_room() bytes.
  std::size_t server_room() const;
  void from_server(std::string_view bytes);
  void server_closed();

  // The DNS check of the latest HELO (SPEC §5): a request per HELO, a verdict per request.
  std::optional<DnsRequest> take_dns_request();
  void dns_verdict(unsigned generation, Verdict verdict,
                   std::vector<std::string> decision_log = {});
  bool dns_pending() const;

  // Output. After writing n bytes of a queue, report it so that work held back resumes.
  const ByteQueue& to_server() const { return to_server_; }
  const ByteQueue& to_client() const { return to_client_; }
  // What the client is owed: bytes queued plus the replies helowrap has promised itself
  // (local answers, 553s for NOOPs). The session takes no client command past kBufferLimit.
  std::size_t owed_to_client() const { return to_client_.size() + promised_; }
  void sent_to_server(std::size_t n);
  void sent_to_client(std::size_t n);
  std::vector<std::string> take_log();

  // Nothing more will be written to the server: close its input once to_server() is empty.
  bool server_input_done() const;
  // The session is over (a bare LF in a message, or the server's 221): deliver to_client()
  // and stop; nothing more is read from either side.
  bool ended() const { return mode_ == Mode::ended; }

 private:
  enum class Mode { command, waiting, message, auth_response, blind, ended };
  enum class Expect : std::uint8_t { pass, replace, ehlo, data, auth, starttls, local };
  enum class Tail : std::uint8_t { none, forward, drop };  // the rest of a long reply line
  struct Pending {  // `count` consecutive commands awaiting the same kind of reply
    Expect expect;
    std::uint8_t text;  // index into texts_ (replace, local)
    std::uint32_t count;
  };

  // client → server
  void process_client();
  bool step_command();
  bool step_message();
  bool step_auth_response();
  bool skip_client_tail();
  bool handle_command(std::string_view line, bool complete);
  void forward_line(std::string_view line, bool barrier);
  void replace_line(std::size_t line_size, bool complete, const std::string& reply);
  void answer_line(std::size_t line_size, bool complete, const std::string& reply);
  void drop_line(std::size_t line_size, bool complete);
  void refuse_rcpt(const Verdict& verdict, std::size_t line_size, bool complete);
  void note_helo(std::string_view name, bool complete);
  void log_helo(const Verdict& verdict);
  const Verdict& rcpt_verdict() const;
  void start_message();
  void end_session_bare_lf(std::size_t forwarded);

  // server → client
  void process_server();
  void server_line(std::string_view raw, bool complete);
  void ehlo_line(std::string_view raw, std::string_view text, bool complete, bool final);
  void end_reply_line(bool final);
  void reply_done(Expect expect, std::uint8_t text);
  void end_session();

  void expect(Expect e, const std::string& text = {});
  void drain_local_replies();
  void send_promised(std::uint8_t text);
  void log(std::string event) { log_.push_back(config_.log.line(event)); }

  SessionConfig config_;
  Mode mode_ = Mode::command;
  ByteQueue from_client_, from_server_, to_server_, to_client_;
  std::deque<Pending> pending_;
  std::vector<std::string> texts_;
  std::size_t promised_ = 0;  // bytes of the replace and local replies still in pending_
  std::vector<std::string> log_;
  bool client_closed_ = false;
  bool server_closed_ = false;

  // the rest of a client line longer than kLineLimit is dropped up to its LF
  bool skipping_client_tail_ = false;
  // the message scanner: qmail-smtpd's blast() states (1: at the start of a line)
  int body_state_ = 1;

  // the reply being read from the server
  Tail server_tail_ = Tail::none;
  bool server_tail_final_ = false;
  bool reply_first_line_ = true;
  std::string reply_code_;
  std::string ehlo_held_;  // last EHLO line kept but not yet sent: it may become the final one

  // the HELO and what the checks said of it
  bool helo_seen_ = false;
  unsigned generation_ = 0;
  Verdict badhelo_verdict_;
  Verdict dns_verdict_;
  std::optional<DnsRequest> dns_request_;
  std::string helo_shown_;   // the latest HELO name, printable, by its start: for the log
  std::string helo_judged_;  // the same, whole: for H's header
  bool trusted_ = false;  // authenticated (235)
};
