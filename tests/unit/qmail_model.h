// A model of an unpatched qmail-smtpd for tests, free of I/O: fed bytes, it answers as
// qmail-smtpd's commands() and blast() would (SPEC Appendix A) and records what it got.
// With `exim` set it frames command lines as exim does: a line of more than 16,384 bytes
// before its LF is cut there and the rest runs as a new command, and `BDAT n` is answered
// (503: CHUNKING was not offered) and then swallows n bytes whatever the reply said.
#pragma once
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "relay/smtp_line.h"

class QmailModel {
 public:
  // With lenient = true it also ends lines and messages at a bare LF, like a forgiving MTA.
  explicit QmailModel(bool lenient = false) : lenient_(lenient) {}

  // Each reply's last line ends in " #N", N counting replies from 1, so that a test can
  // tell which server reply reached the client, and in what order.
  bool number_replies = false;
  std::vector<std::string> ehlo_extra;  // keywords added inside the EHLO reply
  bool exim = false;
  static constexpr std::size_t kEximLineLimit = 16384;

  std::string greeting() {
    std::string out;
    say(out, "220 model.test ESMTP");
    return out;
  }

  // Feeds bytes the server reads; returns the replies it writes.
  std::string feed(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
      if (dead_) break;
      if (bdat_left_ > 0) { --bdat_left_; continue; }
      if (in_data_) data_byte(c, out); else command_byte(c, out);
    }
    return out;
  }

  std::vector<std::string> verbs;     // upper-cased verb of every command line read
  std::vector<std::string> lines;     // every command line, without CR LF
  std::vector<std::string> messages;  // bodies queued (unstuffed, without the final dot)
  std::vector<std::string> raw_messages;  // the same, as received (stuffed, with the dot line)
  std::size_t replies = 0;            // replies written, the greeting included
  bool dead_ = false;                 // exited (QUIT or bare LF)
  std::size_t cut_lines = 0;          // exim: lines cut at kEximLineLimit

 private:
  void command_byte(char c, std::string& out) {
    if (exim && c != '\n' && line_.size() == kEximLineLimit) {
      ++cut_lines;
      command(out);
    }
    if (c != '\n') { line_ += c; return; }
    command(out);
  }

  void command(std::string& out) {
    std::string line = line_;
    line_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    std::string verb = line.substr(0, line.find_first_of(std::string(" \0", 2)));
    for (char& ch : verb) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
    verbs.push_back(verb);
    if (verb == "HELO") { say(out, "250 model.test"); reset(); }
    else if (verb == "EHLO") {
      std::string r = "250-model.test\r\n250-PIPELINING\r\n";
      for (const auto& kw : ehlo_extra) r += "250-" + kw + "\r\n";
      say(out, r + "250 8BITMIME");
      reset();
    }
    else if (verb == "MAIL") { mail_ = true; rcpt_ = false; say(out, "250 ok"); }
    else if (verb == "RCPT") {
      if (!mail_) { say(out, "503 MAIL first (#5.5.1)"); return; }
      rcpt_ = true;
      say(out, "250 ok");
    } else if (verb == "DATA") {
      if (!rcpt_) { say(out, "503 RCPT first (#5.5.1)"); return; }
      say(out, "354 go ahead");
      in_data_ = true;
      state_ = 1;
      body_.clear();
      raw_.clear();
    } else if (verb == "NOOP") say(out, "250 ok");
    else if (verb == "RSET") { reset(); say(out, "250 flushed"); }
    else if (verb == "QUIT") { say(out, "221 model.test"); dead_ = true; }
    else if (exim && verb == "BDAT") {
      say(out, "503 BDAT command used when CHUNKING not advertised");
      bdat_left_ = std::strtoul(line.c_str() + std::min<std::size_t>(line.size(), 5), nullptr, 10);
    }
    else say(out, "502 unimplemented (#5.5.1)");
  }

  void reset() { mail_ = rcpt_ = false; }

  void say(std::string& out, const std::string& text) {
    ++replies;
    out += text;
    if (number_replies) out += " #" + std::to_string(replies);
    out += "\r\n";
  }

  void stray(std::string& out) {
    say(out, "451 See https://cr.yp.to/docs/smtplf.html.");
    dead_ = true;
  }

  void message_done(std::string& out) {
    messages.push_back(body_);
    raw_messages.push_back(raw_);
    in_data_ = false;
    reset();
    say(out, "250 ok 1700000000 qp 1");
  }

  // blast(): 0 in a line, 1 at a line start, 2 after ".", 3 after ".\r", 4 after "\r".
  void data_byte(char ch, std::string& out) {
    raw_ += ch;
    if (lenient_ && ch == '\n' && state_ <= 2) {  // a bare LF counts as a line end
      if (state_ == 2) return message_done(out);
      body_ += '\n';
      state_ = 1;
      return;
    }
    switch (state_) {
      case 0:
        if (ch == '\n') return stray(out);
        if (ch == '\r') { state_ = 4; return; }
        break;
      case 1:
        if (ch == '\n') return stray(out);
        if (ch == '.') { state_ = 2; return; }
        if (ch == '\r') { state_ = 4; return; }
        state_ = 0;
        break;
      case 2:
        if (ch == '\n') return stray(out);
        if (ch == '\r') { state_ = 3; return; }
        state_ = 0;
        break;
      case 3:
        if (ch == '\n') return message_done(out);
        body_ += ".\r";
        if (ch == '\r') { state_ = 4; return; }
        state_ = 0;
        break;
      case 4:
        if (ch == '\n') { state_ = 1; break; }
        if (ch != '\r') { body_ += '\r'; state_ = 0; }
        break;
    }
    body_ += ch;
  }

  bool lenient_;
  std::size_t bdat_left_ = 0;
  std::string line_;
  bool mail_ = false, rcpt_ = false, in_data_ = false;
  int state_ = 1;
  std::string body_, raw_;
};
