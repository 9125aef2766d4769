// helostat's gzip reader (zlib): members one after another, data cut short or damaged,
// bytes after the last member, output larger than one buffer, any input piece size.
#include <boost/test/unit_test.hpp>

#include <string>
#include <zlib.h>

#include "stat/gunzip.h"

namespace {

// `data` as one gzip member, as gzip writes it.
std::string gz(const std::string& data) {
  z_stream s{};
  BOOST_REQUIRE(deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&s, data.size()) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(&out[0]);
  s.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

struct Result {
  bool fed = true, finished = false;
  std::string out, error;
  std::size_t members = 0;
  bool trailing = false;
};

// Feeds `in` in pieces of `piece` bytes, then finishes.
Result gunzip(const std::string& in, std::size_t piece) {
  Gunzip z;
  Result r;
  auto sink = [&r](std::string_view d) { r.out.append(d); };
  for (std::size_t i = 0; i < in.size() && r.fed; i += piece)
    r.fed = z.feed(std::string_view(in).substr(i, piece), sink);
  if (r.fed) r.finished = z.finish();
  r.error = z.error();
  r.members = z.members();
  r.trailing = z.trailing();
  return r;
}

std::string log_lines(int n, const std::string& tag) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += "@400000006b048a1604b99a34 helowrap: pid " + std::to_string(i) + " from 192.0.2.1 " + tag +
         "\n";
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gzip_reader)

BOOST_AUTO_TEST_CASE(one_member_in_any_piece_size) {
  std::string data = log_lines(50, "helo: <a.example> ok");
  std::string z = gz(data);
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, z.size()}) {
    Result r = gunzip(z, piece);
    BOOST_TEST(r.fed);
    BOOST_TEST(r.finished);
    BOOST_TEST(r.out == data);
    BOOST_TEST(r.members == 1u);
    BOOST_TEST(!r.trailing);
  }
}

BOOST_AUTO_TEST_CASE(concatenated_members_are_read_in_turn) {
  std::string a = log_lines(30, "helo: <a.example> ok"), b = log_lines(20, "helo: <b.example> ok");
  std::string c = "last line without LF";
  Result r = gunzip(gz(a) + gz(b) + gz(c), 5);
  BOOST_TEST(r.fed);
  BOOST_TEST(r.finished);
  BOOST_TEST(r.out == a + b + c);
  BOOST_TEST(r.members == 3u);
}

BOOST_AUTO_TEST_CASE(output_larger_than_the_buffer) {
  std::string data = log_lines(40000, "badhelo: <bad.example> at 192.0.2.1");  // 3 MB
  BOOST_REQUIRE(data.size() > 1000000u);
  Result r = gunzip(gz(data), 65536);
  BOOST_TEST(r.finished);
  BOOST_TEST(r.out.size() == data.size());
  BOOST_TEST((r.out == data));
}

BOOST_AUTO_TEST_CASE(cut_short_keeps_what_came_and_fails_at_the_end) {
  std::string data = log_lines(2000, "helo: <a.example> ok");
  std::string z = gz(data);
  Result r = gunzip(z.substr(0, z.size() / 2), 100);
  BOOST_TEST(r.fed);
  BOOST_TEST(!r.finished);
  BOOST_TEST(r.error.find("cut short") != std::string::npos);
  BOOST_TEST(!r.out.empty());
  BOOST_TEST(data.compare(0, r.out.size(), r.out) == 0);  // a true prefix
  // only the header: nothing came out
  Result h = gunzip(z.substr(0, 2), 1);
  BOOST_TEST(!h.finished);
  BOOST_TEST(h.out.empty());
}

BOOST_AUTO_TEST_CASE(damaged_data_fails) {
  std::string z = gz(log_lines(100, "helo: <a.example> ok"));
  z[z.size() - 6] = static_cast<char>(z[z.size() - 6] ^ 0x55);  // the CRC-32
  Result r = gunzip(z, 64);
  BOOST_TEST(!r.fed);
  BOOST_TEST(r.error == "incorrect data check");
  Result m = gunzip(std::string("\x1f\x8b\x09", 3) + std::string(20, 'x'), 64);  // method 9
  BOOST_TEST(!m.fed);
  BOOST_TEST(!m.error.empty());
}

BOOST_AUTO_TEST_CASE(bytes_after_the_last_member_are_left_as_gzip_leaves_them) {
  std::string data = log_lines(10, "helo: <a.example> ok");
  Result zeros = gunzip(gz(data) + std::string(512, '\0'), 100);  // a padded tape block
  BOOST_TEST(zeros.finished);
  BOOST_TEST(zeros.out == data);
  BOOST_TEST(zeros.trailing);
  Result text = gunzip(gz(data) + "junk\n", 3);
  BOOST_TEST(text.finished);
  BOOST_TEST(text.out == data);
  BOOST_TEST(text.trailing);
  Result fake = gunzip(gz(data) + "\x1f" "not a member", 3);  // looks like one at first
  BOOST_TEST(fake.finished);
  BOOST_TEST(fake.out == data);
  BOOST_TEST(fake.trailing);
}

BOOST_AUTO_TEST_SUITE_END()
