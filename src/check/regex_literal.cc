#include "check/regex_literal.h"

#include <algorithm>
#include <array>

namespace {

using Node = QregexNode;
using Kind = QregexNode::Kind;

const Node& at(const QregexTree& t, int i) { return t.nodes[static_cast<std::size_t>(i)]; }

// The one byte an upper-cased subject can hold that the node matches; -1 if not one byte.
int literal_byte(const Node& n) {
  if (n.kind != Kind::set) return -1;
  static const std::bitset<256> subject_bytes = [] {  // no NUL, no lowercase letter
    std::bitset<256> b;
    b.set();
    b.reset(0);
    for (int c = 'a'; c <= 'z'; ++c) b.reset(static_cast<std::size_t>(c));
    return b;
  }();
  std::bitset<256> s = n.set & subject_bytes;
  if (s.count() != 1) return -1;
  int c = 1;
  while (!s.test(static_cast<std::size_t>(c))) ++c;
  return c;
}

void keep_longer(std::string& best, const std::string& candidate) {
  if (candidate.size() > best.size()) best = candidate;
}

std::string required(const QregexTree& t, int i);

// The longest text every match of a sequence holds: runs of single bytes, which zero-width
// anchors do not break, or what one of its parts requires.
std::string required_in_sequence(const QregexTree& t, const std::vector<int>& parts) {
  std::string best, run;
  for (int p : parts) {
    const Node& n = at(t, p);
    int byte = literal_byte(n);
    if (byte != -1) {
      run += static_cast<char>(byte);
      continue;
    }
    if (n.kind == Kind::anchor) continue;
    if (n.kind == Kind::repeat && n.min >= 1 && (byte = literal_byte(at(t, n.children[0]))) != -1) {
      run.append(static_cast<std::size_t>(n.min), static_cast<char>(byte));
      if (n.min == n.max) continue;
    } else {
      keep_longer(best, required(t, p));
    }
    keep_longer(best, run);
    run.clear();
  }
  keep_longer(best, run);
  return best;
}

std::string required(const QregexTree& t, int i) {
  const Node& n = at(t, i);
  int byte = literal_byte(n);
  if (byte != -1) return std::string(1, static_cast<char>(byte));
  switch (n.kind) {
    case Kind::concat:
    case Kind::group: return required_in_sequence(t, n.children);
    case Kind::repeat: return n.min >= 1 ? required_in_sequence(t, {n.children[0]}) : "";
    default: return "";
  }
}

}  // namespace

LiteralPlan plan_literals(const QregexTree& tree) {
  LiteralPlan plan;
  if (tree.error || tree.root == -1) return plan;
  plan.required = required(tree, tree.root);
  // Pure: [begin anchor] single bytes [end anchor], nothing else.
  std::vector<int> parts;
  const Node& root = at(tree, tree.root);
  if (root.kind == Kind::concat) parts = root.children;
  else parts.push_back(tree.root);
  std::size_t first = 0, last = parts.size();
  if (at(tree, parts[first]).kind == Kind::anchor &&
      at(tree, parts[first]).anchor == Node::Anchor::begin) {
    plan.anchored_start = true;
    ++first;
  }
  if (last > first && at(tree, parts[last - 1]).kind == Kind::anchor &&
      at(tree, parts[last - 1]).anchor == Node::Anchor::end) {
    plan.anchored_end = true;
    --last;
  }
  std::string text;
  for (std::size_t k = first; k < last; ++k) {
    int byte = literal_byte(at(tree, parts[k]));
    if (byte == -1) {
      plan.anchored_start = plan.anchored_end = false;
      return plan;
    }
    text += static_cast<char>(byte);
  }
  plan.pure = !text.empty() && text == plan.required;
  if (!plan.pure) plan.anchored_start = plan.anchored_end = false;
  return plan;
}

LiteralPlan plan_literals(std::string_view ere) { return plan_literals(qregex_parse(ere)); }

bool literal_match(const LiteralPlan& plan, std::string_view name) {
  const std::string& text = plan.required;
  if (plan.anchored_start && plan.anchored_end) return name == text;
  if (plan.anchored_start) return name.substr(0, text.size()) == text;
  if (plan.anchored_end)
    return name.size() >= text.size() && name.substr(name.size() - text.size()) == text;
  return name.find(text) != std::string_view::npos;
}

namespace {

// plan_literals_quick: one pass over the line, for the subset described in the header,
// without an allocation until the plan is made: it runs for every line of a long badhelo
// on every connection.
class QuickPlanner {
 public:
  explicit QuickPlanner(std::string_view ere) : in_(ere) {}

  bool run(LiteralPlan& plan) {
    if (in_.empty() || in_.size() > kMax || !branch(0, &top_)) return false;
    if (pos_ != in_.size()) return false;  // a ')' or '|' at the top: outside the subset
    plan.pure = all_literal_ && text_size_ > 0;
    plan.anchored_start = plan.pure && begins_;
    plan.anchored_end = plan.pure && ends_;
    // plan_literals() over the tree qregex_parse() builds: a line of one part is that part
    // itself (a repetition alone requires its byte once), else a sequence.
    if (plan.pure) plan.required.assign(text_, text_size_);
    else if (parts_ == 1 && single_repeat_) plan.required.assign(1, single_byte_);
    else plan.required.assign(top_.best, top_.best_size);
    plan.one_of_bytes = one_of_bytes_;
    plan.one_of_texts.clear();
    if (!plan.pure && plan.required.empty() && top_group_ && !collect_) {
      // rare: then the texts of a group's branches are worth collecting, in a second pass
      QuickPlanner again(in_);
      again.collect_ = true;
      if (again.branch(0, &again.top_)) plan.one_of_texts = std::move(again.one_of_texts_);
    }
    return true;
  }

 private:
  static constexpr std::size_t kMax = 256;  // a longer line is parsed

  int peek(std::size_t ahead = 0) const {
    return pos_ + ahead < in_.size() ? static_cast<unsigned char>(in_[pos_ + ahead]) : -1;
  }
  enum : unsigned char { kAlnum = 1, kPlain = 2, kSpecial = 4 };
  static unsigned char cls(int c) {
    static const auto table = [] {
      std::array<unsigned char, 257> t{};  // [256]: -1, the end
      for (int b = 0; b < 256; ++b) {
        bool an = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
        if (an) t[static_cast<std::size_t>(b)] |= kAlnum | kPlain;
        if (b == '-' || b == '_' || b == '/' || b == ':' || b == '=' || b == '@')
          t[static_cast<std::size_t>(b)] |= kPlain;
        for (const char* sp = ".*+?()[]{}|^$\\"; *sp; ++sp)
          if (b == static_cast<unsigned char>(*sp)) t[static_cast<std::size_t>(b)] |= kSpecial;
      }
      return t;
    }();
    return table[c < 0 ? 256 : static_cast<std::size_t>(c)];
  }
  static bool alnum(int c) { return cls(c) & kAlnum; }
  static bool plain(int c) { return cls(c) & kPlain; }
  static bool special(int c) { return cls(c) & kSpecial; }
  static char upper(int c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); }
  bool branch_end(int nest) const {
    int c = peek();
    return c == -1 || (nest > 0 && (c == ')' || c == '|'));
  }

  enum class Atom { other, bracket, group };

  // The required runs of a branch (required_in_sequence): the current one and the longest.
  struct Runs {
    char run[kMax], best[kMax];
    std::size_t run_size = 0, best_size = 0;
    void add(char b) { run[run_size++] = b; }
    void keep() {  // keep_longer(): the first longest run
      if (run_size > best_size) std::copy(run, run + run_size, best), best_size = run_size;
      run_size = 0;
    }
  };

  // A branch: ['^'] (atom [quantifier])* ['$']; the top one (nest 0) is planned, and the
  // runs of the top one and of those of a group at the top are kept in *runs.
  bool branch(int nest, Runs* runs) {
    bool top = nest == 0;
    if (peek() == '^') {
      ++pos_;
      if (top) begins_ = true, ++parts_;
    }
    while (!branch_end(nest)) {
      if (peek() == '$') {
        ++pos_;
        if (!branch_end(nest)) return false;
        if (top) ends_ = true, ++parts_;
        break;
      }
      // a run of plain characters, none repeated: the bulk of most lines
      std::size_t end = pos_;
      while (end < in_.size() && plain(static_cast<unsigned char>(in_[end]))) ++end;
      if (end > pos_ && end < in_.size() &&
          (in_[end] == '*' || in_[end] == '+' || in_[end] == '?' || in_[end] == '{'))
        --end;  // the last one is repeated: the atom below takes it
      if (end > pos_) {
        for (std::size_t k = pos_; k < end && runs; ++k) {
          char b = upper(static_cast<unsigned char>(in_[k]));
          runs->add(b);
          if (top) text_[text_size_++] = b;
        }
        if (top) parts_ += static_cast<int>(end - pos_), single_repeat_ = false;
        pos_ = end;
        continue;
      }
      int byte = -1;
      Atom kind = Atom::other;
      if (!atom(nest, byte, kind)) return false;
      int min = 1, max = 1;
      Repeat r = quantifier(min, max);
      bool repeated = r == Repeat::yes;
      if (r == Repeat::outside || (repeated && kind == Atom::group)) return false;
      if (top) note_required(kind, min);
      if (!runs) continue;
      if (top) {
        ++parts_;
        single_repeat_ = repeated && byte != -1 && min >= 1;
        single_byte_ = static_cast<char>(byte);
      }
      if (byte != -1 && !repeated) {
        runs->add(static_cast<char>(byte));
        if (top) text_[text_size_++] = static_cast<char>(byte);
        continue;
      }
      if (top) all_literal_ = false;
      if (byte != -1 && min >= 1) {
        if (runs->run_size + static_cast<std::size_t>(min) > kMax) return false;
        for (int k = 0; k < min; ++k) runs->add(static_cast<char>(byte));
        if (min == max) continue;
      }
      runs->keep();
    }
    if (runs) runs->keep();
    return true;
  }

  // Beyond plan_literals(): what a bracket or a group at the top, present at least once in
  // every match, requires of the name.
  void note_required(Atom kind, int min) {
    if (min < 1) return;
    if (kind == Atom::bracket && set_.any() &&
        (one_of_bytes_.none() || set_.count() < one_of_bytes_.count()))
      one_of_bytes_ = set_;  // the fewest bytes: the likeliest to be missing
    top_group_ |= kind == Atom::group;
    if (kind == Atom::group && one_of_texts_.empty() && !alternatives_.empty())
      one_of_texts_ = std::move(alternatives_);
    alternatives_.clear();
  }

  // One atom; byte: the one byte it matches in an upper-cased name, else -1.
  bool atom(int nest, int& byte, Atom& kind) {
    int c = peek();
    if (plain(c)) {
      ++pos_;
      byte = static_cast<unsigned char>(upper(c));
      return true;
    }
    switch (c) {
      case '\\':
        if (!special(peek(1))) return false;
        byte = peek(1);
        pos_ += 2;
        return true;
      case '.': ++pos_; return true;
      case '[':
        ++pos_;
        kind = Atom::bracket;
        return bracket();
      case '(':
        ++pos_;
        kind = Atom::group;
        return alternation(nest + 1);
      default: return false;
    }
  }

  // '(' seen: two or more non-empty branches, then ')'. At the top, when collecting, the
  // required text of each branch goes to alternatives_ (empty when one has none).
  bool alternation(int nest) {
    int branches = 0;
    bool texts = collect_ && nest == 1;
    std::vector<std::string> found;
    for (;;) {
      std::size_t start = pos_;
      Runs runs;
      if (!branch(nest, texts ? &runs : nullptr) || pos_ == start) return false;
      ++branches;
      if (texts && runs.best_size == 0) texts = false, found.clear();
      if (texts) found.emplace_back(runs.best, runs.best_size);
      if (peek() == ')') break;
      if (peek() != '|') return false;
      ++pos_;
    }
    ++pos_;
    if (nest == 1) alternatives_ = std::move(found);
    return branches >= 2;
  }

  // '[' seen: ['^'] ['-'] (item ['-' item])* ['-'] ']' with items of [0-9A-Za-z._] and
  // ranges within digits, upper or lower case letters; at least two bytes when not '^'.
  // set_: its bytes, upper-cased (none when '^').
  bool bracket() {
    bool negated = peek() == '^';
    if (negated) ++pos_;
    if (peek() == ']') return false;  // a member to glibc, not the end
    set_.reset();
    if (peek() == '-') {
      set_.set('-');
      ++pos_;
    }
    auto kind = [](int c) {
      return c >= '0' && c <= '9' ? 1 : c >= 'A' && c <= 'Z' ? 2 : c >= 'a' && c <= 'z' ? 3 : 0;
    };
    while (peek() != ']') {
      int c = peek();
      if (c == '-' && peek(1) == ']') {
        set_.set('-');
        ++pos_;
        continue;
      }
      if (!alnum(c) && c != '.' && c != '_') return false;
      ++pos_;
      if (peek() == '-' && peek(1) != ']') {
        int d = peek(1);
        if (kind(c) == 0 || kind(c) != kind(d) || c >= d) return false;
        pos_ += 2;
        if (peek() == '-' && peek(1) != ']') return false;
        for (int x = c; x <= d; ++x) set_.set(static_cast<unsigned char>(upper(x)));
      } else {
        set_.set(static_cast<unsigned char>(upper(c)));
      }
    }
    ++pos_;
    bool several = set_.count() >= 2;
    if (negated) set_.reset();
    return negated || several;
  }

  // '*', '+', '?', '{n}', '{n,}' or '{n,m}' (1 <= n <= m <= 255), not followed by another.
  enum class Repeat { no, yes, outside };
  Repeat quantifier(int& min, int& max) {
    int c = peek();
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
    } else if (c == '{') {
      ++pos_;
      if ((min = number()) < 1) return Repeat::outside;
      max = min;
      if (peek() == ',') {
        ++pos_;
        max = peek() == '}' ? -1 : number();
        if (max != -1 && max < min) return Repeat::outside;
      }
      if (peek() != '}') return Repeat::outside;
      ++pos_;
    } else {
      return Repeat::no;
    }
    int next = peek();
    return next == '*' || next == '+' || next == '?' || next == '{' ? Repeat::outside : Repeat::yes;
  }

  int number() {
    int n = 0, digits = 0;
    while (peek() >= '0' && peek() <= '9' && digits < 3) n = n * 10 + (in_[pos_++] - '0'), ++digits;
    return digits == 0 || n > 255 || (peek() >= '0' && peek() <= '9') ? -2 : n;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  int parts_ = 0;
  bool begins_ = false, ends_ = false, all_literal_ = true, single_repeat_ = false;
  char single_byte_ = 0;
  // Runs and text are at most kMax bytes: each byte of the line adds at most one, and a
  // repetition {n} at most n, checked.
  Runs top_;
  char text_[kMax];
  std::size_t text_size_ = 0;
  std::bitset<256> set_, one_of_bytes_;
  bool top_group_ = false, collect_ = false;  // a group at the top; collect its texts
  std::vector<std::string> alternatives_, one_of_texts_;
};

}  // namespace

bool plan_literals_quick(std::string_view ere, LiteralPlan& plan) {
  return QuickPlanner(ere).run(plan);
}
