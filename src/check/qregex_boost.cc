// The Boost.Regex expression for a badhelo line that qregex_parse() has read (SPEC §4.3).
#include <string>

#include "check/qregex_translate.h"

namespace {

using Set = std::bitset<256>;
using Node = QregexNode;
using Anchor = QregexNode::Anchor;

void hex_byte(std::string& out, int c) {
  static const char hex[] = "0123456789abcdef";
  out += "\\x";
  out += hex[c >> 4];
  out += hex[c & 15];
}

void one_byte(std::string& out, int c) {
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
    out += static_cast<char>(c);
  else
    hex_byte(out, c);
}

void emit_set(std::string& out, const Set& raw) {
  static const Set possible = qregex_subject_bytes();
  Set s = raw & possible;
  if (s.none()) {  // glibc's `\d`: no upper-cased name holds it
    out += "\\x00";
    return;
  }
  if (s.count() == 1) {
    for (int c = 0; c < 256; ++c)
      if (s.test(static_cast<std::size_t>(c))) one_byte(out, c);
    return;
  }
  out += '[';
  for (int c = 1; c < 256;) {
    if (!s.test(static_cast<std::size_t>(c))) {
      ++c;
      continue;
    }
    int last = c;
    while (last + 1 < 256 && (s.test(static_cast<std::size_t>(last + 1)) ||
                              (last + 1 >= 'a' && last + 1 <= 'z')))
      ++last;
    while (!s.test(static_cast<std::size_t>(last))) --last;  // end on a member
    hex_byte(out, c);
    if (last > c) {
      out += '-';
      hex_byte(out, last);
    }
    c = last + 1;
  }
  out += ']';
}

constexpr const char* kWord = "[0-9A-Z_a-z]";

bool has_backref(const QregexTree& t) {
  for (const auto& n : t.nodes)
    if (n.kind == Node::Kind::backref) return true;
  return false;
}

// A repetition with stacked repetitions folded into one: (X*)* is X*, (X+){2,} is X{2,},
// (X?)* is X*, (X?){2,3} is X{0,3}, as sets of strings (so also for back-references).
struct Repeat {
  int child, min, max;
};
Repeat folded(const QregexTree& t, const Node& n) {
  Repeat r{n.children[0], n.min, n.max};
  for (;;) {
    const Node& c = t.nodes[static_cast<std::size_t>(r.child)];
    if (c.kind != Node::Kind::repeat || r.max == 0) return r;
    if (c.max == -1 && c.min <= 1) {
      r = Repeat{c.children[0], c.min * r.min, -1};
    } else if (c.min == 0 && c.max == 1) {
      r = Repeat{c.children[0], 0, r.max};
    } else {
      return r;
    }
  }
}

class Emitter {
 public:
  explicit Emitter(const QregexTree& t) : t_(t), capture_(has_backref(t)) {}

  // The whole expression. A search retried at every position inside a run of S, for a
  // leading S+ or S*, can only find what the try at the run's start found: each branch
  // starting so is held to the run's start, or Boost's search is quadratic on long names.
  void root(int i, std::string& out) const {
    const Node& n = at(i);
    if (n.kind != Node::Kind::alt) return branch(i, out);
    out += "(?:";
    for (std::size_t k = 0; k < n.children.size(); ++k) {
      if (k) out += '|';
      branch(n.children[k], out);
    }
    out += ')';
  }

  void node(int i, std::string& out) const {
    const Node& n = at(i);
    switch (n.kind) {
      case Node::Kind::empty: break;
      case Node::Kind::set: emit_set(out, n.set); break;
      case Node::Kind::anchor: anchor(n.anchor, out); break;
      case Node::Kind::backref: out += "\\g{" + std::to_string(n.number) + "}"; break;
      case Node::Kind::group: group(n, out); break;
      case Node::Kind::concat:
        for (std::size_t k = 0; k < n.children.size(); ++k) {
          std::size_t after = k + 1;  // a part repeated {0} is not there at all
          while (after < n.children.size() && at(n.children[after]).kind == Node::Kind::repeat &&
                 at(n.children[after]).max == 0)
            ++after;
          item(n.children[k], after < n.children.size() ? n.children[after] : -1, out);
        }
        break;
      case Node::Kind::alt:
        out += "(?:";
        for (std::size_t k = 0; k < n.children.size(); ++k) {
          if (k) out += '|';
          node(n.children[k], out);
        }
        out += ')';
        break;
      case Node::Kind::repeat: repeat(n, -1, out); break;
    }
  }

 private:
  const Node& at(int i) const { return t_.nodes[static_cast<std::size_t>(i)]; }

  void branch(int i, std::string& out) const {
    const Node& n = at(i);
    int first = n.kind == Node::Kind::concat ? n.children[0] : i;
    if (at(first).kind == Node::Kind::repeat) {
      Repeat r = folded(t_, at(first));
      const Node& c = at(r.child);
      if (r.max == -1 && c.kind == Node::Kind::set) {
        out += "(?<!";
        emit_set(out, c.set);
        out += ')';
      }
    }
    node(i, out);
  }

  // One part of a sequence, knowing the part after it (-1: none).
  void item(int i, int next, std::string& out) const {
    if (at(i).kind == Node::Kind::repeat) return repeat(at(i), next, out);
    if (at(i).kind == Node::Kind::anchor && copy_ && next != -1 && !fresh_first(next))
      return;  // glibc's lost anchor, see repeat_copies()
    node(i, out);
  }

  // Is the first NFA node of `i` one that glibc makes afresh for each copy of a repeated
  // group (a group's opening), rather than a copy of the original?
  bool fresh_first(int i) const {
    const Node& n = at(i);
    if (n.kind == Node::Kind::group) return true;
    return n.kind == Node::Kind::repeat && n.min >= 1 && fresh_first(n.children[0]);
  }

  void group(const Node& n, std::string& out) const {
    if (capture_) {
      out += '(';
    } else if (n.children.size() == 1 && at(n.children[0]).kind == Node::Kind::set) {
      return node(n.children[0], out);  // no back-reference needs it: a bare set
    } else {
      out += "(?:";
    }
    for (int c : n.children) node(c, out);
    out += ')';
  }

  static void anchor(Anchor a, std::string& out) {
    std::string w = kWord;
    switch (a) {
      case Anchor::begin: out += "\\A"; break;
      case Anchor::end: out += "\\z"; break;
      case Anchor::word_first: out += "(?<!" + w + ")(?=" + w + ")"; break;
      case Anchor::word_last: out += "(?<=" + w + ")(?!" + w + ")"; break;
      case Anchor::word_delim:
        out += "(?:(?<!" + w + ")(?=" + w + ")|(?<=" + w + ")(?!" + w + "))";
        break;
      case Anchor::not_word_delim:  // glibc: inside a word or between two non-word places
        out += "(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + "))";
        break;
    }
  }

  // Does what comes next certainly not start with a byte of `s`? Then a greedy repetition
  // of s before it need never give back (it is made possessive).
  bool disjoint_next(const Set& s, int next) const {
    static const Set possible = qregex_subject_bytes();
    if (next == -1) return false;
    const Node& n = at(next);
    if (n.kind == Node::Kind::anchor) return n.anchor == Anchor::end;
    if (n.kind == Node::Kind::repeat && n.min >= 1) {
      Repeat r = folded(t_, n);
      if (r.min >= 1 && at(r.child).kind == Node::Kind::set)
        return (at(r.child).set & s & possible).none();
    }
    return n.kind == Node::Kind::set && (n.set & s & possible).none();
  }

  // glibc writes X{2,4} as X X' (X' X'?)?, X+ as X X'* and X{0,3} as ((X? X')? X')?, where
  // X' is a copy of X's nodes; an anchor in a copy is lost (it always holds) when the node
  // after it is a copy too (regcomp.c's calc_eclosure_iter skips duplicated nodes), so
  // (^a){2} matches "aa". A repetition whose copies differ so is written out copy by copy.
  bool repeat_copies(const Node& n, std::string& out) const {
    if (capture_ || n.max == 0) return false;  // Boost could not number the copies' groups
    int child = n.children[0];
    std::string original, copy;
    node(child, original);
    bool was = copy_;
    copy_ = true;
    node(child, copy);
    copy_ = was;
    if (copy == original) return false;
    int copies = n.max == -1 ? n.min : n.max;
    if (copies > 256) return false;  // not written out: the anchors hold in every copy
    original = "(?:" + original + ")";
    copy = "(?:" + copy + ")";
    if (n.min == 0) {
      std::string s = original + "?";
      if (n.max == -1) s = original + "*";
      for (int k = 2; k <= n.max; ++k) s = "(?:" + s + copy + ")?";
      out += s;
      return true;
    }
    out += original;
    for (int k = 2; k <= n.min; ++k) out += copy;
    if (n.max == -1) out += copy + "*";
    else if (n.max > n.min) out += copy + "{0," + std::to_string(n.max - n.min) + "}";
    return true;
  }

  bool nullable(int i) const {
    const Node& n = at(i);
    switch (n.kind) {
      case Node::Kind::set: return false;
      case Node::Kind::group:
      case Node::Kind::concat:
        for (int c : n.children)
          if (!nullable(c)) return false;
        return true;
      case Node::Kind::alt:
        for (int c : n.children)
          if (nullable(c)) return true;
        return false;
      case Node::Kind::repeat: return n.min == 0 || nullable(n.children[0]);
      default: return true;
    }
  }

  bool has_anchor(int i) const {
    const Node& n = at(i);
    if (n.kind == Node::Kind::anchor) return true;
    for (int c : n.children)
      if (has_anchor(c)) return true;
    return false;
  }

  // Boost stops a counted repetition after an iteration that matched nothing, so an
  // assertion that can make an iteration empty ((\<|x){2} on "x") is written out copy by
  // copy, where glibc tries every way.
  bool repeat_written_out(const Repeat& r, std::string& out) const {
    int count = r.max == -1 ? r.min : r.max;
    if (capture_ || count < 2 || count > 16 || !has_anchor(r.child) || !nullable(r.child))
      return false;
    std::string one;
    node(r.child, one);
    one = "(?:" + one + ")";
    for (int k = 0; k < r.min; ++k) out += one;
    if (r.max == -1) out += one + "*";
    else
      for (int k = r.min; k < r.max; ++k) out += one + "?";
    return true;
  }

  void repeat(const Node& n, int next, std::string& out) const {
    if (repeat_copies(n, out)) return;
    Repeat r = folded(t_, n);
    if (repeat_written_out(r, out)) return;
    const Node& child = at(r.child);
    if (child.kind == Node::Kind::empty) return;
    // A single set is repeated as it stands, so that Boost's fast set repeat applies.
    std::string inner;
    node(r.child, inner);
    if (child.kind == Node::Kind::concat || child.kind == Node::Kind::repeat)
      inner = "(?:" + inner + ")";
    out += inner;
    if (r.min == 0 && r.max == -1) out += '*';
    else if (r.min == 1 && r.max == -1) out += '+';
    else if (r.min == 0 && r.max == 1) out += '?';
    else if (r.max == -1) out += "{" + std::to_string(r.min) + ",}";
    else if (r.min == r.max) out += "{" + std::to_string(r.min) + "}";
    else out += "{" + std::to_string(r.min) + "," + std::to_string(r.max) + "}";
    if (r.max == -1 && child.kind == Node::Kind::set && disjoint_next(child.set, next))
      out += '+';
  }

  const QregexTree& t_;
  bool capture_;  // a back-reference needs glibc's group numbers
  mutable bool copy_ = false;  // writing a copy glibc makes of a repeated group
};

}  // namespace

std::string qregex_boost(const QregexTree& tree) {
  std::string out;
  if (tree.root != -1) Emitter(tree).root(tree.root, out);
  return out;
}
