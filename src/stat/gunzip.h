// gzip-compressed data decompressed as it arrives, with zlib, free of I/O. Members that
// follow one another (`cat a.gz b.gz`, or a log appended to with gzip) are read in turn,
// as gzip -dc reads them; bytes after the last member that do not start another one are
// left unread, as gzip leaves them ("trailing garbage ignored").
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

class Gunzip {
 public:
  using Sink = std::function<void(std::string_view)>;

  Gunzip();
  ~Gunzip();
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  // Decompresses `in`, handing the output to `out` in pieces. False when the data is
  // damaged (error() says how); the rest of the input is then ignored.
  bool feed(std::string_view in, const Sink& out);
  // The input has ended: false when it ended inside a member (the file was cut short).
  bool finish();

  const std::string& error() const { return error_; }
  std::size_t members() const { return members_; }
  bool trailing() const { return trailing_; }  // bytes after the last member were ignored

 private:
  struct State;
  State* z_;
  std::vector<unsigned char> out_;
  bool in_member_ = false;  // inside a member: its end has not been read yet
  bool member_output_ = false;
  bool failed_ = false;
  bool trailing_ = false;
  std::size_t members_ = 0;
  std::string error_;
};
