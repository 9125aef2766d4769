// Reading qmail control files the way qmail's control_readfile() does.
#pragma once
#include <string>
#include <string_view>
#include <vector>

enum class ControlStatus { ok, missing, unreadable };

struct ControlLine {
  int number;        // 1-based line number in the file
  std::string text;  // trailing spaces and tabs removed
};

// One entry per non-blank line not starting with '#'. A missing file is not an error.
ControlStatus control_readfile(const std::string& path, std::vector<ControlLine>& lines,
                               bool keep_nuls = false);

// Splits file contents into control lines (the part of control_readfile that does no I/O).
std::vector<ControlLine> control_parse(const std::string& contents, bool keep_nuls = false);

// The same lines as views into `contents`, for each_control_line's caller to keep.
// qmail's control_readfile keeps a NUL inside a line: qregex reads it as the end of one
// pattern and the start of the next (keep_nuls, for badhelo); other files' readers hand
// the line to C string functions, for which a NUL ends it.
template <typename F>  // F(int number, std::string_view text)
void each_control_line(std::string_view contents, F&& f, bool keep_nuls = false) {
  int number = 0;
  for (std::size_t pos = 0; pos < contents.size();) {
    std::size_t end = contents.find('\n', pos);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!keep_nuls) line = line.substr(0, line.find('\0'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (!line.empty() && line[0] != '#') f(number, line);
  }
}

// Reads a whole control file. A missing file is not an error (and leaves `contents` empty).
ControlStatus control_readraw(const std::string& path, std::string& contents);

// The number at the start of `contents` as qmail's control_readint() reads a control file's
// first line (scan_ulong: leading decimal digits). Without a leading digit `value` is left
// as it is. Saturates instead of wrapping around.
void control_scan_ulong(std::string_view contents, unsigned long& value);

// A numeric control file such as control/timeoutsmtpd; a missing file leaves `value` as is.
ControlStatus control_readint(const std::string& path, unsigned long& value);
