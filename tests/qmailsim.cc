// qmailsim - a scripted SMTP server that answers like an unpatched qmail-smtpd.
//
// Test server for helowrap (SPEC Appendix A).  It speaks SMTP on stdin/stdout,
// as qmail-smtpd does under tcpserver, and follows notqmail's qmail-smtpd.c and
// commands.c: command lines end at LF, one CR before the LF is dropped, the verb
// is the text up to the first space (a NUL ends it early), compared
// case-insensitively, the argument follows the spaces.  Output is buffered and
// flushed only when the input buffer is empty (qmail's saferead) and at exit.
//
// Environment:
//   QMAILSIM_HOST         host name in replies (default qmailsim.test)
//   QMAILSIM_EHLO_EXTRA   comma-separated keywords added to the EHLO reply
//                         between PIPELINING and 8BITMIME
//   QMAILSIM_EHLO_LAST    comma-separated keywords added after 8BITMIME
//                         (the last of them ends the reply)
//   QMAILSIM_RECORD       file: every byte read from stdin is appended at once
//   QMAILSIM_MSGDIR       dir: each accepted message is stored as msg.PID.N,
//                         unstuffed, line ends exactly as received, without
//                         the final ".\r\n"
//   QMAILSIM_DIE_AFTER=N  after reading N command lines, flush the replies
//                         given so far and exit 1 without answering line N
//   QMAILSIM_TIMEOUT=N    qmail-smtpd's control/timeoutsmtpd: a read that waits
//                         N seconds for input gets "451 timeout (#4.4.2)" and
//                         exit 1 (qmail's die_alarm); a write that cannot go on
//                         for N seconds exits 1 (timeoutwrite fails, die_write)
//   QMAILSIM_SLOW=N       the greeting is given N seconds late (decimals
//                         allowed): a server whose reply is late
//
// Exit status: 0 after QUIT; 1 on EOF or read error (qmail's die_read), after
// a bare LF in a message (451), for QMAILSIM_DIE_AFTER and on a timeout.

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

namespace {

std::string host = "qmailsim.test";
std::vector<std::string> ehlo_extra;
std::vector<std::string> ehlo_last;
int record_fd = -1;
std::string msgdir;
long die_after = -1;
int timeout_ms = -1;  // QMAILSIM_TIMEOUT; -1: none
long lines_read = 0;
unsigned long msgcount = 0;

std::string outbuf;
char inbuf[8192];
size_t inpos = 0;
size_t inlen = 0;

bool seenmail = false;
unsigned long rcptcount = 0;

// Waits until fd is ready for `events`; false after timeout_ms without.
bool ready_in_time(int fd, short events) {
  pollfd p = {fd, events, 0};
  for (;;) {
    int r = poll(&p, 1, timeout_ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return true;  // let the read or write report it
  }
}

// With a timeout, stdin and stdout are non-blocking: a read or write waits in poll,
// for at most the timeout.
void writeall(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN && ready_in_time(fd, POLLOUT)) continue;
      _exit(1);  // client gone, or it took nothing for the whole timeout
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void flush() {
  if (!outbuf.empty()) writeall(1, outbuf.data(), outbuf.size());
  outbuf.clear();
}

[[noreturn]] void finish(int code) {
  flush();
  _exit(code);
}

void out(const std::string& s) { outbuf += s; }

// Next input byte.  Like qmail's saferead, output is flushed before blocking
// on a read, and EOF or a read error ends the process with status 1.
char get() {
  if (inpos == inlen) {
    flush();
    ssize_t r;
    for (;;) {
      r = read(0, inbuf, sizeof inbuf);
      if (r >= 0) break;
      if (errno == EINTR) continue;
      if (errno != EAGAIN) break;
      if (!ready_in_time(0, POLLIN)) {
        out("451 timeout (#4.4.2)\r\n");
        finish(1);
      }
    }
    if (r <= 0) _exit(1);
    if (record_fd >= 0) writeall(record_fd, inbuf, static_cast<size_t>(r));
    inpos = 0;
    inlen = static_cast<size_t>(r);
  }
  return inbuf[inpos++];
}

std::vector<std::string> split_commas(const char* s) {
  std::vector<std::string> v;
  if (s == nullptr) return v;
  std::string cur;
  for (const char* p = s;; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!cur.empty()) v.push_back(cur);
      cur.clear();
      if (*p == '\0') break;
    } else {
      cur += *p;
    }
  }
  return v;
}

bool case_equals(const std::string& a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// The recipient's domain: the text after the last '@' of the address, the
// address being what is inside <...> if present, else the argument after ':'.
std::string rcpt_domain(const std::string& arg) {
  std::string a = arg;
  size_t lt = a.find('<');
  if (lt != std::string::npos) {
    size_t gt = a.find('>', lt);
    a = a.substr(lt + 1, gt == std::string::npos ? std::string::npos : gt - lt - 1);
  } else {
    size_t colon = a.find(':');
    if (colon != std::string::npos) a = a.substr(colon + 1);
    size_t sp = a.find(' ');
    if (sp != std::string::npos) a = a.substr(0, sp);
  }
  size_t at = a.rfind('@');
  return at == std::string::npos ? std::string() : a.substr(at + 1);
}

[[noreturn]] void straynewline() {
  out("451 See https://cr.yp.to/docs/smtplf.html.\r\n");
  finish(1);
}

// qmail-smtpd's blast(): read the message up to CR LF . CR LF.  The message
// start counts as a line start; a dot at a line start is removed ("." + CR
// not followed by LF keeps it, as qmail does); a bare LF is fatal.  Unlike
// qmail, which queues LF line ends, the stored body keeps the bytes exactly as
// received apart from the stuffing dots and the final ".\r\n".
std::string blast() {
  std::string body;
  int state = 1;
  for (;;) {
    char ch = get();
    switch (state) {
      case 0:  // inside a line
        if (ch == '\n') straynewline();
        if (ch == '\r') state = 4;
        body += ch;
        break;
      case 1:  // line start
        if (ch == '\n') straynewline();
        if (ch == '.') {
          state = 2;
          break;
        }
        state = (ch == '\r') ? 4 : 0;
        body += ch;
        break;
      case 2:  // line start + "."
        if (ch == '\n') straynewline();
        if (ch == '\r') {
          state = 3;
          break;
        }
        state = 0;
        body += ch;
        break;
      case 3:  // line start + ".\r"
        if (ch == '\n') return body;
        body += ".\r";
        state = (ch == '\r') ? 4 : 0;
        body += ch;
        break;
      case 4:  // after CR
        if (ch == '\n')
          state = 1;
        else if (ch != '\r')
          state = 0;
        body += ch;
        break;
    }
  }
}

void store(const std::string& body) {
  if (msgdir.empty()) return;
  ++msgcount;
  std::string name = msgdir + "/msg." + std::to_string(getpid()) + "." + std::to_string(msgcount);
  std::string tmp = name + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    out("451 qq write error or disk full (#4.3.0)\r\n");
    return;
  }
  writeall(fd, body.data(), body.size());
  close(fd);
  if (rename(tmp.c_str(), name.c_str()) != 0) _exit(1);
}

void smtp_ehlo() {
  out("250-" + host + "\r\n250-PIPELINING\r\n");
  for (const auto& k : ehlo_extra) out("250-" + k + "\r\n");
  out(ehlo_last.empty() ? "250 8BITMIME\r\n" : "250-8BITMIME\r\n");
  for (size_t i = 0; i < ehlo_last.size(); ++i)
    out((i + 1 == ehlo_last.size() ? "250 " : "250-") + ehlo_last[i] + "\r\n");
}

void command(const std::string& verb, const std::string& arg) {
  if (case_equals(verb, "rcpt")) {
    if (!seenmail) {
      out("503 MAIL first (#5.5.1)\r\n");
      return;
    }
    if (case_equals(rcpt_domain(arg), "notours.test")) {
      out("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n");
      return;
    }
    ++rcptcount;
    out("250 ok\r\n");
  } else if (case_equals(verb, "mail")) {
    seenmail = true;
    rcptcount = 0;
    out("250 ok\r\n");
  } else if (case_equals(verb, "data")) {
    if (!seenmail) {
      out("503 MAIL first (#5.5.1)\r\n");
      return;
    }
    if (rcptcount == 0) {
      out("503 RCPT first (#5.5.1)\r\n");
      return;
    }
    seenmail = false;
    out("354 go ahead\r\n");
    std::string body = blast();
    store(body);
    out("250 ok 1700000000 qp " + std::to_string(getpid()) + "\r\n");
  } else if (case_equals(verb, "quit")) {
    out("221 " + host + "\r\n");
    finish(0);
  } else if (case_equals(verb, "helo")) {
    out("250 " + host + "\r\n");
    seenmail = false;
  } else if (case_equals(verb, "ehlo")) {
    smtp_ehlo();
    seenmail = false;
  } else if (case_equals(verb, "rset")) {
    seenmail = false;
    out("250 flushed\r\n");
  } else if (case_equals(verb, "help")) {
    out("214 qmail home page: http://pobox.com/~djb/qmail.html\r\n");
  } else if (case_equals(verb, "noop")) {
    out("250 ok\r\n");
  } else if (case_equals(verb, "vrfy")) {
    out("252 send some mail, i'll try my best\r\n");
  } else {
    out("502 unimplemented (#5.5.1)\r\n");
  }
}

// qmail's commands(): one line up to LF, one CR before it dropped, the verb
// ends at the first space or NUL, the argument starts after the spaces.
[[noreturn]] void commands() {
  std::string line;
  for (;;) {
    line.clear();
    for (;;) {
      char ch = get();
      if (ch == '\n') break;
      line += ch;
    }
    ++lines_read;
    if (die_after >= 0 && lines_read >= die_after) finish(1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const char* s = line.c_str();  // C string view: a NUL ends it
    size_t len = std::strlen(s);
    size_t i = 0;
    while (i < len && s[i] != ' ') ++i;
    std::string verb(s, i);
    size_t a = i;
    while (a < len && s[a] == ' ') ++a;
    std::string arg(s + a, len - a);
    command(verb, arg);
  }
}

}  // namespace

int main() {
  if (const char* h = std::getenv("QMAILSIM_HOST"); h != nullptr && *h != '\0') host = h;
  ehlo_extra = split_commas(std::getenv("QMAILSIM_EHLO_EXTRA"));
  ehlo_last = split_commas(std::getenv("QMAILSIM_EHLO_LAST"));
  if (const char* r = std::getenv("QMAILSIM_RECORD"); r != nullptr && *r != '\0') {
    record_fd = open(r, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (record_fd < 0) _exit(111);
  }
  if (const char* d = std::getenv("QMAILSIM_MSGDIR"); d != nullptr) msgdir = d;
  if (const char* n = std::getenv("QMAILSIM_DIE_AFTER"); n != nullptr && *n != '\0')
    die_after = std::strtol(n, nullptr, 10);
  if (const char* t = std::getenv("QMAILSIM_TIMEOUT"); t != nullptr && *t != '\0') {
    timeout_ms = static_cast<int>(std::strtol(t, nullptr, 10) * 1000);
    for (int fd = 0; fd <= 1; ++fd) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  if (const char* slow = std::getenv("QMAILSIM_SLOW"); slow != nullptr && *slow != '\0') {
    double seconds = std::strtod(slow, nullptr);
    time_t whole = static_cast<time_t>(seconds);
    timespec ts = {whole, static_cast<long>((seconds - static_cast<double>(whole)) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
  }
  out("220 " + host + " ESMTP\r\n");
  commands();
}
