#include "stat/gunzip.h"

#include <zlib.h>

struct Gunzip::State {
  z_stream s{};
  bool ready = false;  // inflateInit2 succeeded: inflateEnd is due
};

namespace {
constexpr std::size_t kOut = 64 * 1024;
constexpr unsigned char kMagic0 = 0x1f;
}  // namespace

Gunzip::Gunzip() : z_(new State), out_(kOut) {
  // 16 + MAX_WBITS: the gzip wrapper only (a zlib or raw stream is damaged data)
  z_->ready = inflateInit2(&z_->s, 16 + MAX_WBITS) == Z_OK;
  if (!z_->ready) {
    failed_ = true;
    error_ = "zlib: cannot initialise";
  }
}

Gunzip::~Gunzip() {
  if (z_->ready) inflateEnd(&z_->s);
  delete z_;
}

bool Gunzip::feed(std::string_view in, const Sink& out) {
  if (failed_) return false;
  if (trailing_) return true;
  z_stream& s = z_->s;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  for (;;) {
    if (!in_member_) {
      if (s.avail_in == 0) return true;
      if (members_ > 0 && *s.next_in != kMagic0) {
        trailing_ = true;
        return true;
      }
      in_member_ = true;
      member_output_ = false;
    }
    s.next_out = out_.data();
    s.avail_out = static_cast<uInt>(out_.size());
    int r = inflate(&s, Z_NO_FLUSH);
    std::size_t got = out_.size() - s.avail_out;
    if (got) {
      member_output_ = true;
      out(std::string_view(reinterpret_cast<const char*>(out_.data()), got));
    }
    if (r == Z_STREAM_END) {
      in_member_ = false;
      ++members_;
      inflateReset(&s);
      continue;
    }
    if (r == Z_OK || r == Z_BUF_ERROR) {
      if (s.avail_in == 0 && s.avail_out != 0) return true;  // all of `in` is used
      if (r == Z_BUF_ERROR && got == 0) return true;
      continue;
    }
    // Not a member after a complete one: what gzip calls trailing garbage.
    if (members_ > 0 && !member_output_ && r == Z_DATA_ERROR) {
      trailing_ = true;
      in_member_ = false;
      return true;
    }
    failed_ = true;
    error_ = s.msg ? s.msg : r == Z_MEM_ERROR ? "out of memory" : "damaged data";
    return false;
  }
}

bool Gunzip::finish() {
  if (failed_) return false;
  if (in_member_ || members_ == 0) {
    failed_ = true;
    error_ = "unexpected end of the data (cut short)";
    return false;
  }
  return true;
}
