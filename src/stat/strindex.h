// A map from strings to values for counting names in a log: open addressing over an array
// of slots (the hash and the entry's address), entries in a deque (their addresses never
// change). A lookup touches one slot and one entry, where a node-based map
// walks several pointers: it matters when every line of a gigabyte asks.
#pragma once
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A hash of 8 bytes at a time, with murmur3's finaliser: short names hash in a few steps.
inline std::uint64_t str_hash(std::string_view s) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t k;
    std::memcpy(&k, s.data() + i, 8);
    h = (h ^ k) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  std::uint64_t k = 0;
  if (i < s.size()) std::memcpy(&k, s.data() + i, s.size() - i);
  h = (h ^ k) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 33);
}

template <class Value>
class StrIndex {
 public:
  using Entry = std::pair<std::string, Value>;

  // The entry for `key`, made (with a default Value) if there is none.
  Entry& get(std::string_view key) {
    std::uint64_t h = str_hash(key);
    if (2 * (entries_.size() + 1) > slots_.size()) grow();
    for (std::size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (!s.entry) {
        entries_.emplace_back(std::string(key), Value{});
        s = Slot{h, &entries_.back()};
        return entries_.back();
      }
      if (s.hash == h && s.entry->first == key) return *s.entry;
    }
  }

  const std::deque<Entry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    Entry* entry = nullptr;  // null: an empty slot
  };

  void grow() {
    std::vector<Slot> old(slots_.empty() ? 64 : 2 * slots_.size());
    old.swap(slots_);
    for (const Slot& s : old) {
      if (!s.entry) continue;
      std::size_t i = s.hash & (slots_.size() - 1);
      while (slots_[i].entry) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::deque<Entry> entries_;
};
