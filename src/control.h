// Reading qmail control files the way qmail's control_readfile() does.
#pragma once
#include <string>
#include <vector>

enum class ControlStatus { ok, missing, unreadable };

struct ControlLine {
  int number;        // 1-based line number in the file
  std::string text;  // trailing spaces and tabs removed
};

// One entry per non-blank line not starting with '#'. A missing file is not an error.
ControlStatus control_readfile(const std::string& path, std::vector<ControlLine>& lines);

// Splits file contents into control lines (the part of control_readfile that does no I/O).
std::vector<ControlLine> control_parse(const std::string& contents);
