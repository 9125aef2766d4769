#include "relay/smtp_session.h"

#include <cstring>

#include "check/badhelo.h"
#include "check/verdict_text.h"
#include "relay/ehlo_filter.h"
#include "relay/smtp_line.h"

namespace {

constexpr std::string_view kCrLf = "\r\n";
constexpr const char* kStartTlsRefused = "454 TLS not available due to local problem (#4.3.0)";
constexpr const char* kBareLf = "451 See https://cr.yp.to/docs/smtplf.html.";
constexpr const char* kLineTooLong = "500 sorry, line too long (#5.5.2)";
constexpr const char* kUnimplemented = "502 unimplemented (#5.5.1)";  // qmail-smtpd's own
constexpr std::size_t kLoggedNameLimit = 255;

std::string_view without_line_end(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\n') raw.remove_suffix(1);
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  return raw;
}

}  // namespace

SmtpSession::SmtpSession(SessionConfig config) : config_(std::move(config)) {
  expect(Expect::pass);  // the greeting is the reply to "connect"
}

// ---------------------------------------------------------------- client → server

std::size_t SmtpSession::client_room() const {
  if (client_closed_ || mode_ == Mode::ended) return 0;
  return kBufferLimit - std::min(kBufferLimit, from_client_.size());
}

void SmtpSession::from_client(std::string_view bytes) {
  from_client_.append(bytes);
  process_client();
}

void SmtpSession::client_closed() {
  client_closed_ = true;
  process_client();
}

bool SmtpSession::server_input_done() const {
  if (mode_ == Mode::ended || server_closed_) return true;
  // Once the client is gone and its bytes are used up, nothing more can come, not even
  // the rest of a long line whose start went out: the server sees it end unfinished.
  return client_closed_ && from_client_.empty();
}

void SmtpSession::process_client() {
  for (;;) {
    if (mode_ == Mode::ended) {
      from_client_.clear();
      return;
    }
    if (from_client_.empty() || server_closed_) return;
    if (to_server_.size() >= kBufferLimit || owed_to_client() >= kBufferLimit) return;
    if (pending_.size() >= kPendingLimit) return;
    bool progressed = false;
    if (skipping_client_tail_) {
      progressed = skip_client_tail();
    } else {
      switch (mode_) {
        case Mode::command: progressed = step_command(); break;
        case Mode::message: progressed = step_message(); break;
        case Mode::auth_response: progressed = step_auth_response(); break;
        case Mode::blind:
          to_server_.append(from_client_.view());
          from_client_.clear();
          return;
        case Mode::waiting:
        case Mode::ended: return;
      }
    }
    if (!progressed) return;
  }
}

// The next line of either side's input: complete (with its LF) when it is at most
// kLineLimit bytes long before its LF; otherwise its first kLineLimit bytes, once more are
// there. The split does not depend on how the bytes were read, so neither does any decision.
static std::optional<std::pair<std::string_view, bool>> next_line(const ByteQueue& in) {
  std::string_view v = in.view();
  std::size_t lf = v.substr(0, SmtpSession::kLineLimit + 1).find('\n');
  if (lf != std::string_view::npos) return std::make_pair(v.substr(0, lf + 1), true);
  if (v.size() > SmtpSession::kLineLimit)
    return std::make_pair(v.substr(0, SmtpSession::kLineLimit), false);
  return std::nullopt;
}

// The rest of a line cut by next_line(), as far as it has come: its bytes, and whether its
// LF (the last of them) is there.
static std::pair<std::string_view, bool> line_tail(const ByteQueue& in) {
  std::string_view v = in.view();
  std::size_t lf = v.find('\n');
  if (lf == std::string_view::npos) return {v, false};
  return {v.substr(0, lf + 1), true};
}

bool SmtpSession::skip_client_tail() {
  auto [tail, ended] = line_tail(from_client_);
  from_client_.consume(tail.size());
  if (ended) skipping_client_tail_ = false;
  return true;
}

bool SmtpSession::step_command() {
  auto line = next_line(from_client_);
  if (!line) {
    // qmail-smtpd drops a last line that has no LF; so does helowrap.
    if (client_closed_) from_client_.clear();
    return false;
  }
  return handle_command(line->first, line->second);
}

// Only a line judged whole is forwarded (SPEC §3.3a); a line that any server could take
// for RCPT or BDAT is judged as one, whatever qmail-smtpd would make of it.
bool SmtpSession::handle_command(std::string_view raw, bool complete) {
  std::string_view text = complete ? raw.substr(0, raw.size() - 1) : raw;
  CommandLine cmd = split_command(text);
  if (cmd.verb == Verb::rcpt || could_be_rcpt(text)) {
    const Verdict& v = rcpt_verdict();
    if (v.is_pending()) return false;  // hold this line and all after it
    if (v.is_block()) {
      refuse_rcpt(v, raw.size(), complete);
      return true;
    }
  }
  if (could_be_bdat(text)) {  // a server would read the announced bytes as data
    answer_line(raw.size(), complete, kUnimplemented);
    return true;
  }
  if (!complete) {
    if (cmd.verb == Verb::helo || cmd.verb == Verb::ehlo) note_helo(cmd.arg, false);
    replace_line(raw.size(), false, kLineTooLong);
    return true;
  }
  // A server that reads "STARTTLS\t" or " DATA" as the command must find helowrap at the
  // same barrier; HELO/EHLO stay qmail's, so that the name judged is the name it records.
  Verb verb = cmd.verb;
  if (verb == Verb::rcpt || verb == Verb::other) verb = could_be_barrier(text, verb);
  switch (verb) {
    case Verb::helo:
    case Verb::ehlo:
      note_helo(cmd.arg, true);
      expect(cmd.verb == Verb::ehlo ? Expect::ehlo : Expect::pass);
      forward_line(raw, false);
      return true;
    case Verb::data:
      if (config_.hold_data_for_header && dns_pending()) return false;
      expect(Expect::data);
      forward_line(raw, true);
      return true;
    case Verb::auth:
      expect(Expect::auth);
      forward_line(raw, true);
      return true;
    case Verb::starttls: {
      const Verdict& v = rcpt_verdict();
      if (v.is_pending()) return false;
      // Inside TLS helowrap sees nothing: only a client already judged good may go there.
      if (v.is_block() || v.undecided() || !helo_seen_) {  // in clear text it can be refused
        answer_line(raw.size(), true, kStartTlsRefused);
        return true;
      }
      expect(Expect::starttls);
      forward_line(raw, true);
      return true;
    }
    case Verb::rcpt:
    case Verb::other:
      expect(Expect::pass);
      forward_line(raw, false);
      return true;
  }
  return true;
}

void SmtpSession::forward_line(std::string_view raw, bool barrier) {
  to_server_.append(raw);
  from_client_.consume(raw.size());
  if (barrier) mode_ = Mode::waiting;
}

void SmtpSession::drop_line(std::size_t line_size, bool complete) {
  from_client_.consume(line_size);
  if (!complete) skipping_client_tail_ = true;
}

// The server gets NOOP in the line's place, so that its reply keeps its place in the
// pipeline; the client gets `reply` instead of the server's.
void SmtpSession::replace_line(std::size_t line_size, bool complete, const std::string& reply) {
  drop_line(line_size, complete);
  to_server_.append("NOOP\r\n");
  expect(Expect::replace, reply);
}

// helowrap answers the line itself, in its turn among the server's replies.
void SmtpSession::answer_line(std::size_t line_size, bool complete, const std::string& reply) {
  drop_line(line_size, complete);
  expect(Expect::local, reply);
}

void SmtpSession::refuse_rcpt(const Verdict& verdict, std::size_t line_size, bool complete) {
  replace_line(line_size, complete, refusal_reply(verdict));
  VerdictScene scene{helo_shown_, config_.log.ip(), config_.log_regex, config_.log_no_helo};
  for (auto& event : refusal_log(verdict, scene)) log(std::move(event));
}

void SmtpSession::note_helo(std::string_view name, bool complete) {
  helo_seen_ = true;
  ++generation_;
  // No host name is longer than 253 bytes; a longer one is logged by its start, so that a
  // refused RCPT costs a short log line whatever the client sent (SPEC 3.9).
  helo_shown_ = printable(name.substr(0, complete ? kLoggedNameLimit : 64));
  if (config_.hold_data_for_header) helo_judged_ = printable(name);  // for H's header
  badhelo_verdict_ = Verdict::pass();
  if (config_.badhelo) {
    std::vector<std::string> diagnostics;
    badhelo_verdict_ = badhelo_verdict(*config_.badhelo, name, complete, kLineLimit, diagnostics);
    for (auto& event : diagnostics) log(std::move(event));
  }
  if (config_.dns_checks && !badhelo_verdict_.is_block()) {
    dns_verdict_ = Verdict::pending();
    dns_request_ = DnsRequest{generation_, std::string(name)};
  } else {
    dns_verdict_ = Verdict::pass();  // badhelo decided: no need to ask DNS
    dns_request_.reset();
    log_helo(badhelo_verdict_);
  }
}

// $LOGHELO: "helo: <NAME> VERDICT", once per HELO, when its verdict is known.
void SmtpSession::log_helo(const Verdict& verdict) {
  if (!config_.log_helo) return;
  std::string rule = rule_text(verdict);
  if (rule.empty()) rule = trusted_ || config_.relay_trusted ? log_words::rule::trusted
                                                            : log_words::rule::ok;
  log(log_words::helo(helo_shown_, rule));
}

const Verdict& SmtpSession::rcpt_verdict() const {
  static const Verdict pass = Verdict::pass();
  if (trusted_) return pass;
  if (!helo_seen_) return config_.no_helo;
  if (badhelo_verdict_.is_block()) return badhelo_verdict_;
  if (config_.dns_checks) return dns_verdict_;
  return pass;
}

bool SmtpSession::dns_pending() const {
  return config_.dns_checks && helo_seen_ && dns_verdict_.is_pending();
}

std::optional<DnsRequest> SmtpSession::take_dns_request() {
  auto request = std::move(dns_request_);
  dns_request_.reset();
  return request;
}

void SmtpSession::dns_verdict(unsigned generation, Verdict verdict,
                              std::vector<std::string> decision_log) {
  if (generation != generation_ || !dns_pending()) return;  // an answer for an older HELO
  for (auto& event : decision_log) log(std::move(event));
  dns_verdict_ = std::move(verdict);
  log_helo(dns_verdict_);
  process_client();
}

bool SmtpSession::step_auth_response() {
  auto line = next_line(from_client_);
  if (!line) {
    if (client_closed_) from_client_.clear();
    return false;
  }
  expect(Expect::auth);
  if (line->second) {
    forward_line(line->first, true);
  } else {  // RFC 4954: "*" cancels the exchange; the server leaves AUTH and says so
    drop_line(line->first.size(), false);
    to_server_.append("*\r\n");
    mode_ = Mode::waiting;
  }
  return true;
}

void SmtpSession::start_message() {
  mode_ = Mode::message;
  body_state_ = 1;
  std::string header;
  if (config_.hold_data_for_header && !dns_verdict_.is_pending())
    header = finding_header(dns_verdict_, {helo_judged_, config_.log.ip()});
  if (!header.empty()) {
    to_server_.append(header);
    to_server_.append(kCrLf);
  }
}

// Forwards message bytes unchanged up to and including the end-of-data line, following
// qmail-smtpd's blast() state machine byte for byte so that both agree where it ends:
// 0 in a line, 1 at a line start, 2 after ".", 3 after ".\r", 4 after "\r".
// Inside a line only LF matters, so the scan jumps from LF to LF (memchr) and steps byte
// by byte only around line starts.
bool SmtpSession::step_message() {
  std::string_view in = from_client_.view();
  std::size_t i = 0;
  while (i < in.size()) {
    if (body_state_ == 0) {
      const void* found = std::memchr(in.data() + i, '\n', in.size() - i);
      if (!found) {
        body_state_ = in.back() == '\r' ? 4 : 0;
        i = in.size();
        break;
      }
      std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(found) - in.data());
      if (lf == i || in[lf - 1] != '\r') {  // the LF has no CR before it
        end_session_bare_lf(lf);
        return false;
      }
      body_state_ = 1;
      i = lf + 1;
      continue;
    }
    char ch = in[i];
    if (ch == '\n' && body_state_ != 3 && body_state_ != 4) {
      end_session_bare_lf(i);
      return false;
    }
    switch (body_state_) {
      case 1: body_state_ = ch == '.' ? 2 : ch == '\r' ? 4 : 0; break;
      case 2: body_state_ = ch == '\r' ? 3 : 0; break;
      case 3:
        if (ch == '\n') {  // CR LF . CR LF: the message ends here
          to_server_.append(in.substr(0, i + 1));
          from_client_.consume(i + 1);
          mode_ = Mode::command;
          expect(Expect::pass);
          return true;
        }
        body_state_ = ch == '\r' ? 4 : 0;
        break;
      case 4: body_state_ = ch == '\n' ? 1 : ch == '\r' ? 4 : 0; break;
    }
    ++i;
  }
  to_server_.append(in);
  from_client_.clear();
  return true;
}

void SmtpSession::end_session_bare_lf(std::size_t forwarded) {
  to_server_.append(from_client_.view().substr(0, forwarded));
  from_client_.clear();
  mode_ = Mode::ended;
  to_client_.append(kBareLf);
  to_client_.append(kCrLf);
  log(std::string(log_words::kBareLfEvent));
}

// ---------------------------------------------------------------- server → client

std::size_t SmtpSession::server_room() const {
  if (server_closed_) return 0;
  return kBufferLimit - std::min(kBufferLimit, from_server_.size());
}

void SmtpSession::from_server(std::string_view bytes) {
  from_server_.append(bytes);
  process_server();
}

void SmtpSession::server_closed() {
  server_closed_ = true;
  process_server();  // complete replies held back while to_client_ was full come first
  // A last reply line without LF is delivered as it is, if it was to be delivered.
  if (!from_server_.empty() && mode_ != Mode::ended) {
    if (server_tail_ == Tail::none)
      server_line(from_server_.view(), false);
    else if (server_tail_ == Tail::forward)
      to_client_.append(from_server_.view());
  }
  to_client_.append(ehlo_held_);
  ehlo_held_.clear();
  from_server_.clear();
  server_tail_ = Tail::none;
  from_client_.clear();
}

void SmtpSession::process_server() {
  // Once the server is gone nothing more can come in, so what is here goes out even past
  // the limit: at most kBufferLimit of replies, each grown to at most a 553 line.
  while (!from_server_.empty() && (server_closed_ || to_client_.size() < kBufferLimit)) {
    if (mode_ == Mode::ended) {
      from_server_.clear();
      return;
    }
    if (mode_ == Mode::blind) {
      to_client_.append(from_server_.view());
      from_server_.clear();
      return;
    }
    if (server_tail_ != Tail::none) {  // the rest of an over-long reply line
      auto [tail, ended] = line_tail(from_server_);
      if (server_tail_ == Tail::forward) to_client_.append(tail);
      from_server_.consume(tail.size());
      if (ended) {
        server_tail_ = Tail::none;
        end_reply_line(server_tail_final_);
      }
      continue;
    }
    auto line = next_line(from_server_);
    if (!line) return;
    server_line(line->first, line->second);
    from_server_.consume(line->first.size());
  }
}

void SmtpSession::server_line(std::string_view raw, bool complete) {
  std::string_view text = without_line_end(raw);
  bool final = text.size() < 4 || text[3] != '-';
  if (reply_first_line_) reply_code_ = std::string(text.substr(0, 3));
  Expect e = pending_.empty() ? Expect::pass : pending_.front().expect;  // unsolicited: pass
  if (e == Expect::ehlo && reply_code_ == "250") {
    ehlo_line(raw, text, complete, final);
  } else if (e == Expect::replace) {
    if (!complete) server_tail_ = Tail::drop;
  } else {
    to_client_.append(raw);
    if (!complete) server_tail_ = Tail::forward;
  }
  if (complete)
    end_reply_line(final);
  else
    server_tail_final_ = final;
}

// Keeps the lines whose keyword helowrap relays correctly. The last line kept is held back
// until the next one is kept or the reply ends, so that it can become the final line.
void SmtpSession::ehlo_line(std::string_view raw, std::string_view text, bool complete,
                            bool final) {
  bool keep = reply_first_line_ || ehlo_keyword_allowed(text.substr(std::min<std::size_t>(4, text.size())));
  if (!complete) server_tail_ = Tail::drop;  // an over-long line is cut at kLineLimit
  if (keep) {
    to_client_.append(ehlo_held_);
    ehlo_held_.assign(complete ? raw : text);
    if (!complete) ehlo_held_.append(kCrLf);
  }
  if (final) {
    if (!keep && ehlo_held_.size() > 3) ehlo_held_[3] = ' ';
    to_client_.append(ehlo_held_);
    ehlo_held_.clear();
  }
}

void SmtpSession::end_reply_line(bool final) {
  reply_first_line_ = final;
  if (!final || pending_.empty()) return;
  Pending& front = pending_.front();
  Expect e = front.expect;
  std::uint8_t text = front.text;
  if (--front.count == 0) pending_.pop_front();
  reply_done(e, text);
  if (reply_code_ == "221") return end_session();  // the server is closing (QUIT)
  drain_local_replies();
  process_client();
}

// Nothing more goes to either side; what is in to_client() is the last the client gets.
void SmtpSession::end_session() {
  mode_ = Mode::ended;
  pending_.clear();
  promised_ = 0;
  from_client_.clear();
  from_server_.clear();
}

void SmtpSession::reply_done(Expect e, std::uint8_t text) {
  switch (e) {
    case Expect::replace: send_promised(text); break;
    case Expect::data:
      if (reply_code_ == "354") start_message(); else mode_ = Mode::command;
      break;
    case Expect::auth:
      if (reply_code_ == "334") {
        mode_ = Mode::auth_response;
      } else {
        if (reply_code_ == "235") trusted_ = true;
        mode_ = Mode::command;
      }
      break;
    case Expect::starttls:
      if (reply_code_ == "220") {
        // A client must wait for the 220 before it starts TLS; bytes it sent before are
        // an injection attempt (CVE-2011-0411) and are dropped, never relayed blindly.
        from_client_.clear();
        mode_ = Mode::blind;
      } else {
        mode_ = Mode::command;
      }
      break;
    case Expect::pass:
    case Expect::ehlo:
    case Expect::local: break;
  }
}

// ---------------------------------------------------------------- replies and logs

void SmtpSession::expect(Expect e, const std::string& text) {
  std::uint8_t id = 0;
  if (e == Expect::replace || e == Expect::local) {
    std::size_t i = 0;
    while (i < texts_.size() && texts_[i] != text) ++i;
    if (i == texts_.size()) texts_.push_back(text);
    id = static_cast<std::uint8_t>(i);
    promised_ += texts_[i].size() + kCrLf.size();
  }
  if (!pending_.empty() && pending_.back().expect == e && pending_.back().text == id &&
      pending_.back().count < UINT32_MAX)
    ++pending_.back().count;
  else
    pending_.push_back({e, id, 1});
  drain_local_replies();
}

void SmtpSession::drain_local_replies() {
  while (!pending_.empty() && pending_.front().expect == Expect::local) {
    Pending& front = pending_.front();
    for (std::uint32_t i = 0; i < front.count; ++i) send_promised(front.text);
    pending_.pop_front();
  }
}

void SmtpSession::send_promised(std::uint8_t text) {
  to_client_.append(texts_[text]);
  to_client_.append(kCrLf);
  promised_ -= texts_[text].size() + kCrLf.size();
}

void SmtpSession::sent_to_server(std::size_t n) {
  to_server_.consume(n);
  process_client();
}

void SmtpSession::sent_to_client(std::size_t n) {
  to_client_.consume(n);
  process_server();
  process_client();
}

std::vector<std::string> SmtpSession::take_log() {
  std::vector<std::string> out;
  out.swap(log_);
  return out;
}
