// Lines out of a stream read in chunks, in bounded memory, free of I/O. A complete line in
// a chunk is handed over in place; only a line cut by the chunk's end is copied. A line
// longer than the limit is handed over once, as too long, without its text.
#pragma once
#include <cstring>
#include <string>
#include <string_view>

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line) : max_(max_line) {}

  // F: void(std::string_view line, bool too_long); the line has no LF.
  template <class F>
  void feed(std::string_view chunk, F&& line) {
    while (!chunk.empty()) {
      const void* lf = std::memchr(chunk.data(), '\n', chunk.size());
      if (!lf) {
        keep(chunk, line);
        return;
      }
      std::size_t len = static_cast<std::size_t>(static_cast<const char*>(lf) - chunk.data());
      if (skipping_) {
        skipping_ = false;
      } else if (!partial_.empty()) {
        if (partial_.size() + len > max_) {
          line(std::string_view(), true);
        } else {
          partial_.append(chunk.data(), len);
          line(std::string_view(partial_), false);
        }
        partial_.clear();
      } else if (len > max_) {
        line(std::string_view(), true);
      } else {
        line(chunk.substr(0, len), false);
      }
      chunk.remove_prefix(len + 1);
    }
  }

  // The end of the stream: a last line without LF is a line too.
  template <class F>
  void finish(F&& line) {
    if (!skipping_ && !partial_.empty()) line(std::string_view(partial_), false);
    partial_.clear();
    skipping_ = false;
  }

 private:
  template <class F>
  void keep(std::string_view rest, F& line) {
    if (skipping_) return;
    if (partial_.size() + rest.size() > max_) {
      line(std::string_view(), true);
      partial_.clear();
      skipping_ = true;
      return;
    }
    partial_.append(rest.data(), rest.size());
  }

  std::size_t max_;
  std::string partial_;
  bool skipping_ = false;  // in a line already reported as too long
};
