// A FIFO of bytes: append at the back, consume from the front, no copying per consume.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

class ByteQueue {
 public:
  const char* data() const { return buf_.data() + head_; }
  std::size_t size() const { return buf_.size() - head_; }
  bool empty() const { return size() == 0; }
  std::string_view view() const { return {data(), size()}; }

  void append(std::string_view s) { compact_if_worth_it(); buf_.append(s.data(), s.size()); }
  void append(const char* p, std::size_t n) { append(std::string_view(p, n)); }
  void consume(std::size_t n) {
    head_ += n;
    if (head_ >= buf_.size()) clear();
  }
  void clear() { buf_.clear(); head_ = 0; }

 private:
  // Moving the tail to the front costs a copy of the tail; doing it only once the dead
  // prefix is at least as large as the live part keeps consume() amortised O(1).
  void compact_if_worth_it() {
    if (head_ > 0 && head_ >= size()) { buf_.erase(0, head_); head_ = 0; }
  }
  std::string buf_;
  std::size_t head_ = 0;
};
