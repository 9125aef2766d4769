// Test wiring: a SmtpSession between a scripted client and a QmailModel server, moving
// bytes in chunks of a chosen size (1 = every byte its own read) in both directions.
#pragma once
#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "check/badhelo.h"
#include "base/control.h"
#include "qmail_model.h"
#include "relay/smtp_session.h"

inline const char* kBadHelo553 = "553 sorry, your HELO host name has been denied (#5.7.1)\r\n";

inline SessionConfig badhelo_config(BadHelo* badhelo, bool log_regex = false) {
  SessionConfig c;
  c.log = LogPrefix(42, "192.0.2.7");
  c.badhelo = badhelo;
  c.log_regex = log_regex;
  return c;
}

struct Wire {
  explicit Wire(SessionConfig config, std::size_t chunk = std::numeric_limits<std::size_t>::max(),
                bool lenient = false)
      : session(std::move(config)), server(lenient), chunk(chunk) {
    to_session_from_server = server.greeting();
    pump();
  }

  // The client writes `bytes`; everything that can move, moves.
  void client(std::string_view bytes) {
    pending_client.append(bytes);
    pump();
  }

  void client_close() {
    client_closed = true;
    pump();
  }

  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      if (!pending_client.empty() && session.client_room() > 0) {
        std::size_t n = std::min({chunk, session.client_room(), pending_client.size()});
        session.from_client(std::string_view(pending_client).substr(0, n));
        pending_client.erase(0, n);
        moved = true;
      }
      if (pending_client.empty() && client_closed && !close_sent) {
        session.client_closed();
        close_sent = moved = true;
      }
      if (!session.to_server().empty() && !server_input_closed) {
        std::size_t n = std::min(chunk, session.to_server().size());
        std::string bytes(session.to_server().data(), n);
        session.sent_to_server(n);
        server_got += bytes;
        to_session_from_server += server.feed(bytes);
        moved = true;
      }
      if (session.server_input_done() && session.to_server().empty()) server_input_closed = true;
      if (!to_session_from_server.empty() && session.server_room() > 0) {
        std::size_t n = std::min({chunk, session.server_room(), to_session_from_server.size()});
        session.from_server(std::string_view(to_session_from_server).substr(0, n));
        to_session_from_server.erase(0, n);
        moved = true;
      }
      if (!session.to_client().empty()) {
        std::size_t n = std::min(chunk, session.to_client().size());
        client_got.append(session.to_client().data(), n);
        session.sent_to_client(n);
        moved = true;
      }
      for (auto& line : session.take_log()) log.push_back(line);
    }
  }

  // Replies the client received, one string per reply line (CR LF removed).
  std::vector<std::string> reply_lines() const {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < client_got.size()) {
      std::size_t lf = client_got.find('\n', pos);
      if (lf == std::string::npos) lf = client_got.size();
      std::string line = client_got.substr(pos, lf - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      out.push_back(line);
      pos = lf + 1;
    }
    return out;
  }

  // Final reply lines only: one per reply.
  std::vector<std::string> replies() const {
    std::vector<std::string> out;
    for (auto& l : reply_lines())
      if (l.size() < 4 || l[3] != '-') out.push_back(l);
    return out;
  }

  int count_verb(const std::string& verb) const {
    return static_cast<int>(std::count(server.verbs.begin(), server.verbs.end(), verb));
  }

  SmtpSession session;
  QmailModel server;
  std::size_t chunk;
  std::string pending_client, to_session_from_server;
  std::string client_got, server_got;
  std::vector<std::string> log;
  bool client_closed = false, close_sent = false, server_input_closed = false;
};

struct BadHeloFile {
  explicit BadHeloFile(const std::string& contents) : badhelo(control_parse(contents)) {}
  BadHelo badhelo;
};
