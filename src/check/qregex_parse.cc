// A badhelo line read as glibc's regcomp(REG_EXTENDED|REG_ICASE) reads it, following
// posix/regcomp.c (peek_token, parse_expression, parse_dup_op, parse_bracket_exp).
#include "check/qregex_translate.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "base/text.h"

namespace {

// glibc's REG_* codes (regex.h), by number: the two headers cannot both be included.
enum Error {
  kOk = 0, kBadPat = 2, kECollate = 3, kECType = 4, kEEscape = 5, kESubReg = 6, kEBrack = 7,
  kEParen = 8, kEBrace = 9, kBadBr = 10, kERange = 11, kESpace = 12, kBadRpt = 13, kESize = 15
};
constexpr int kDupMax = 0x7fff;  // RE_DUP_MAX
constexpr std::size_t kBracketNameMax = 32;  // BRACKET_NAME_BUF_SIZE

using Set = std::bitset<256>;
using Node = QregexNode;
using Anchor = QregexNode::Anchor;

unsigned char upper(unsigned char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

// The tokens of glibc's peek_token() for ERE syntax.
enum class Tok {
  character, alt, star, plus, question, open_dup, close_dup, open_group, close_group,
  open_bracket, period, anchor, backref, word, notword, space, notspace, backslash, end
};

struct Token {
  Tok type = Tok::end;
  unsigned char c = 0;  // the character (upper-cased unless escaped)
  Anchor anchor = Anchor::begin;
  int backref = 0;
  std::size_t length = 0;
};

Set class_set(int (*pred)(int)) {
  Set s;
  for (int c = 0; c < 256; ++c)
    if (pred(c)) s.set(static_cast<std::size_t>(c));
  return s;
}

Set word_set() {
  Set s = class_set(isalnum);
  s.set('_');
  return s;
}

// glibc's build_charclass in the C locale, under REG_ICASE; false: not a class name.
bool named_class(const std::string& name, Set& s) {
  static const struct { const char* name; int (*pred)(int); } classes[] = {
      {"alnum", isalnum}, {"cntrl", iscntrl}, {"lower", isalpha}, {"space", isspace},
      {"alpha", isalpha}, {"digit", isdigit}, {"print", isprint}, {"upper", isalpha},
      {"blank", isblank}, {"graph", isgraph}, {"punct", ispunct}, {"xdigit", isxdigit}};
  for (const auto& c : classes)
    if (name == c.name) {
      s |= class_set(c.pred);
      return true;
    }
  return false;
}

std::string shown(unsigned char c) {
  if (c >= 0x21 && c < 0x7f) return std::string(1, static_cast<char>(c));
  static const char hex[] = "0123456789abcdef";
  return std::string("0x") + hex[c >> 4] + hex[c & 15];
}

class Parser {
 public:
  explicit Parser(std::string_view ere, QregexTree& tree) : in_(ere), tree_(tree) {}

  void run() {
    fetch();
    int root = reg_exp(0);
    if (error_) {
      tree_.error = error_;
      tree_.nodes.clear();
      tree_.root = -1;
      return;
    }
    tree_.root = root;
  }

 private:
  // --- tokens ------------------------------------------------------------------------
  Token peek() const {
    Token t;
    if (pos_ >= in_.size()) return t;
    unsigned char raw = static_cast<unsigned char>(in_[pos_]);
    t.c = upper(raw);
    t.length = 1;
    if (raw == '\\') {
      if (pos_ + 1 >= in_.size()) {
        t.type = Tok::backslash;
        return t;
      }
      unsigned char c2 = static_cast<unsigned char>(in_[pos_ + 1]);  // as written
      t.c = c2;
      t.length = 2;
      t.type = Tok::character;
      switch (c2) {
        case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
          t.type = Tok::backref;
          t.backref = c2 - '0';
          break;
        case '<': t.type = Tok::anchor; t.anchor = Anchor::word_first; break;
        case '>': t.type = Tok::anchor; t.anchor = Anchor::word_last; break;
        case 'b': t.type = Tok::anchor; t.anchor = Anchor::word_delim; break;
        case 'B': t.type = Tok::anchor; t.anchor = Anchor::not_word_delim; break;
        case '`': t.type = Tok::anchor; t.anchor = Anchor::begin; break;
        case '\'': t.type = Tok::anchor; t.anchor = Anchor::end; break;
        case 'w': t.type = Tok::word; break;
        case 'W': t.type = Tok::notword; break;
        case 's': t.type = Tok::space; break;
        case 'S': t.type = Tok::notspace; break;
        default: break;
      }
      return t;
    }
    t.type = Tok::character;
    switch (raw) {
      case '|': t.type = Tok::alt; break;
      case '*': t.type = Tok::star; break;
      case '+': t.type = Tok::plus; break;
      case '?': t.type = Tok::question; break;
      case '{': t.type = Tok::open_dup; break;
      case '}': t.type = Tok::close_dup; break;
      case '(': t.type = Tok::open_group; break;
      case ')': t.type = Tok::close_group; break;
      case '[': t.type = Tok::open_bracket; break;
      case '.': t.type = Tok::period; break;
      case '^': t.type = Tok::anchor; t.anchor = Anchor::begin; break;
      case '$': t.type = Tok::anchor; t.anchor = Anchor::end; break;
      default: break;
    }
    return t;
  }

  void fetch() {
    tok_ = peek();
    if (tok_.type == Tok::character && tok_.length == 2) note_escape(tok_.c);
    pos_ += tok_.length;
  }

  // An escaped character glibc takes literally, as written: probably not what was meant
  // when it is a letter (under REG_ICASE a lowercase one never matches) or a digit.
  void note_escape(unsigned char c) {
    std::string e = "\\" + shown(c);
    if (c >= 'a' && c <= 'z') {
      std::string w = e + " never matches under qregex";
      if (c == 'd') w += ": write [0-9]";
      else if (c == 'n' || c == 't' || c == 'r' || c == 'f' || c == 'v' || c == 'e' || c == 'a')
        w += " (it is not a control character there)";
      else if (c == 'x') w += " (qregex has no \\x escapes)";
      warn(w);
    } else if (c >= 'A' && c <= 'Z') {
      warn(e + " is the letter " + shown(c) + " (either case) under qregex");
    } else if (c == '0') {
      warn("\\0 is the digit 0 under qregex");
    }
  }

  void warn(std::string w) {
    for (const auto& have : tree_.warnings)
      if (have == w) return;
    tree_.warnings.push_back(std::move(w));
  }

  // --- tree --------------------------------------------------------------------------
  int add(Node n) {
    tree_.nodes.push_back(std::move(n));
    return static_cast<int>(tree_.nodes.size() - 1);
  }
  int add_set(const Set& s) {
    Node n{Node::Kind::set, {}, {}, {}, {}, {}, {}};
    n.set = s;
    return add(std::move(n));
  }
  int add_kind(Node::Kind k, std::vector<int> children = {}) {
    Node n{k, {}, {}, {}, {}, {}, {}};
    n.children = std::move(children);
    return add(std::move(n));
  }
  int fail(int e) {
    if (!error_) error_ = e;
    return -1;
  }

  // --- grammar (regcomp.c's parse_reg_exp, parse_branch, parse_expression) -------------
  int reg_exp(int nest) {
    std::uint32_t initial = completed_;
    std::vector<int> branches{branch(nest)};
    if (error_) return -1;
    while (tok_.type == Tok::alt) {
      fetch();
      int b = -1;
      if (tok_.type != Tok::alt && tok_.type != Tok::end &&
          (nest == 0 || tok_.type != Tok::close_group)) {
        std::uint32_t accumulated = completed_;
        completed_ = initial;
        b = branch(nest);
        if (error_) return -1;
        completed_ |= accumulated;
      }
      branches.push_back(b);
    }
    if (branches.size() == 1) return branches[0];
    for (int& b : branches)
      if (b == -1) b = add_kind(Node::Kind::empty);
    return add_kind(Node::Kind::alt, std::move(branches));
  }

  int branch(int nest) {
    std::vector<int> parts;
    int first = expression(nest);
    if (error_) return -1;
    if (first != -1) parts.push_back(first);
    while (tok_.type != Tok::alt && tok_.type != Tok::end &&
           (nest == 0 || tok_.type != Tok::close_group)) {
      int e = expression(nest);
      if (error_) return -1;
      if (e != -1) parts.push_back(e);
    }
    if (parts.empty()) return -1;
    if (parts.size() == 1) return parts[0];
    return add_kind(Node::Kind::concat, std::move(parts));
  }

  int expression(int nest) {
    int tree = -1;
    switch (tok_.type) {
      case Tok::character: tree = add_set(Set().set(tok_.c)); break;
      case Tok::open_group:
        tree = group(nest + 1);
        if (error_) return -1;
        break;
      case Tok::open_bracket:
        tree = bracket();
        if (error_) return -1;
        break;
      case Tok::backref: {
        if (!(completed_ & (1u << (tok_.backref - 1)))) return fail(kESubReg);
        Node n{Node::Kind::backref, {}, {}, {}, {}, {}, {}};
        n.number = tok_.backref;
        tree = add(std::move(n));
        break;
      }
      case Tok::open_dup:
      case Tok::star:
      case Tok::plus:
      case Tok::question: return fail(kBadRpt);
      case Tok::close_group:  // only at nest 0 (RE_UNMATCHED_RIGHT_PAREN_ORD)
      case Tok::close_dup: tree = add_set(Set().set(tok_.c)); break;
      case Tok::anchor: {
        Node n{Node::Kind::anchor, {}, {}, {}, {}, {}, {}};
        n.anchor = tok_.anchor;
        tree = add(std::move(n));
        fetch();  // an anchor takes no repetition: a following '*' starts the next one
        return tree;
      }
      case Tok::period: {
        Set s;
        s.set();
        s.reset(0);  // RE_DOT_NOT_NULL
        tree = add_set(s);
        break;
      }
      case Tok::word:
      case Tok::notword: {
        Set s = word_set();
        tree = add_set(tok_.type == Tok::word ? s : ~s);
        break;
      }
      case Tok::space:
      case Tok::notspace: {
        Set s = class_set(isspace);
        tree = add_set(tok_.type == Tok::space ? s : ~s);
        break;
      }
      case Tok::alt:
      case Tok::end: return -1;
      case Tok::backslash: return fail(kEEscape);
    }
    fetch();
    while (tok_.type == Tok::star || tok_.type == Tok::plus || tok_.type == Tok::question ||
           tok_.type == Tok::open_dup) {
      tree = dup(tree);
      if (error_) return -1;
    }
    return tree;
  }

  int group(int nest) {
    int number = ++groups_;
    fetch();
    int child = -1;
    if (tok_.type != Tok::close_group) {
      child = reg_exp(nest);
      if (error_) return -1;
      if (tok_.type != Tok::close_group) return fail(kEParen);
    }
    if (number <= 9) completed_ |= 1u << (number - 1);
    Node n{Node::Kind::group, {}, {}, {}, {}, {}, {}};
    n.number = number;
    if (child != -1) n.children.push_back(child);
    return add(std::move(n));
  }

  // glibc's fetch_number: -1 none, -2 invalid, else the number (at most kDupMax + 1).
  long number() {
    long num = -1;
    for (;;) {
      fetch();
      if (tok_.type == Tok::end) return -2;
      if (tok_.type == Tok::close_dup || (tok_.type == Tok::character && tok_.c == ',')) break;
      bool digit = tok_.type == Tok::character && tok_.c >= '0' && tok_.c <= '9';
      num = !digit || num == -2 ? -2 : num == -1 ? tok_.c - '0'
                                     : std::min<long>(kDupMax + 1, num * 10 + tok_.c - '0');
    }
    return num;
  }

  bool comma() const { return tok_.type == Tok::character && tok_.c == ','; }

  // glibc's parse_dup_op; `elem` -1 is an expression already repeated away ({0}).
  int dup(int elem) {
    long start, end;
    if (tok_.type == Tok::open_dup) {
      end = 0;
      start = number();
      if (start == -1) {
        if (comma()) start = 0;  // {,m} is {0,m}
        else return fail(kBadBr);
      }
      if (start != -2) end = tok_.type == Tok::close_dup ? start : comma() ? number() : -2;
      if (start == -2 || end == -2) return fail(tok_.type == Tok::end ? kEBrace : kBadBr);
      if ((end != -1 && start > end) || tok_.type != Tok::close_dup) return fail(kBadBr);
      if ((end == -1 ? start : end) > kDupMax) return fail(kESize);
    } else {
      start = tok_.type == Tok::plus ? 1 : 0;
      end = tok_.type == Tok::question ? 1 : -1;
    }
    fetch();
    if (elem == -1) return -1;
    Node n{Node::Kind::repeat, {}, {}, {}, {}, {}, {elem}};
    n.min = static_cast<int>(start);
    n.max = static_cast<int>(end);
    return add(std::move(n));
  }

  // --- bracket expressions (peek_token_bracket, parse_bracket_exp) ----------------------
  enum class BTok { character, range, close, non_match, open_coll, open_equiv, open_class, end };
  struct BToken {
    BTok type = BTok::end;
    unsigned char c = 0;
    std::size_t length = 0;
  };

  BToken peek_bracket() {
    BToken t;
    if (pos_ >= in_.size()) return t;
    unsigned char c = upper(static_cast<unsigned char>(in_[pos_]));
    t.c = c;
    t.length = 1;
    t.type = BTok::character;
    if (c == '[') {
      unsigned char c2 = pos_ + 1 < in_.size() ? static_cast<unsigned char>(in_[pos_ + 1]) : 0;
      t.length = 2;
      t.c = c2;
      if (c2 == '.') t.type = BTok::open_coll;
      else if (c2 == '=') t.type = BTok::open_equiv;
      else if (c2 == ':') t.type = BTok::open_class;
      else {
        t.c = c;
        t.length = 1;
      }
      return t;
    }
    if (c == '\\') warn("a backslash inside [ ] is a backslash under qregex, not an escape");
    if (c == '-') t.type = BTok::range;
    else if (c == ']') t.type = BTok::close;
    else if (c == '^') t.type = BTok::non_match;
    return t;
  }

  enum class Elem { sb_char, coll_sym, equiv_class, char_class };
  struct Element {
    Elem type = Elem::sb_char;
    unsigned char ch = 0;
    std::string name;
  };

  int bracket_symbol(Element& e, const BToken& t) {
    if (pos_ >= in_.size()) return kEBrack;
    for (std::size_t i = 0;; ++i) {
      if (i >= kBracketNameMax) return kEBrack;
      unsigned char raw = static_cast<unsigned char>(in_[pos_++]);
      unsigned char ch = t.type == BTok::open_class ? raw : upper(raw);  // class names as written
      if (pos_ >= in_.size()) return kEBrack;
      if (ch == t.c && in_[pos_] == ']') break;
      e.name += static_cast<char>(ch);
    }
    ++pos_;
    e.type = t.type == BTok::open_coll ? Elem::coll_sym
           : t.type == BTok::open_equiv ? Elem::equiv_class : Elem::char_class;
    return kOk;
  }

  int bracket_element(Element& e, const BToken& t, bool accept_hyphen) {
    pos_ += t.length;
    if (t.type == BTok::open_coll || t.type == BTok::open_class || t.type == BTok::open_equiv)
      return bracket_symbol(e, t);
    if (t.type == BTok::range && !accept_hyphen && peek_bracket().type != BTok::close)
      return kERange;
    e.type = Elem::sb_char;
    e.ch = t.c;
    return kOk;
  }

  // The collation value of a range end in the C locale: the byte; -1: invalid.
  static int collation_value(const Element& e) {
    if (e.type == Elem::sb_char) return e.ch;
    return e.name.size() == 1 ? static_cast<unsigned char>(e.name[0]) : -1;
  }

  int range(Set& s, const Element& from, const Element& to) {
    if (from.type == Elem::equiv_class || from.type == Elem::char_class ||
        to.type == Elem::equiv_class || to.type == Elem::char_class)
      return kERange;
    int a = collation_value(from), b = collation_value(to);
    if (a < 0 || b < 0) return kECollate;
    if (a > b) return kERange;
    for (int c = a; c <= b; ++c) s.set(static_cast<std::size_t>(c));
    return kOk;
  }

  int single(Set& s, const Element& e) {
    switch (e.type) {
      case Elem::sb_char: s.set(e.ch); return kOk;
      case Elem::coll_sym:
      case Elem::equiv_class:
        if (e.name.size() != 1) return kECollate;
        s.set(static_cast<unsigned char>(e.name[0]));
        return kOk;
      case Elem::char_class:
        if (named_class(e.name, s)) return kOk;
        {
          std::string lower = ascii_lower(e.name);
          Set ignored;
          if (lower != e.name && named_class(lower, ignored))
            warn("[:" + e.name + ":] is invalid under qregex: class names are lowercase");
        }
        return kECType;
    }
    return kOk;
  }

  int bracket() {
    int e = bracket_set();
    if (e) return fail(e);
    return add_set(bracket_result_);
  }

  int bracket_set() {
    Set s;
    bool non_match = false;
    bool first_round = true;
    BToken t = peek_bracket();
    if (t.type == BTok::end) return kBadPat;
    if (t.type == BTok::non_match) {
      non_match = true;
      pos_ += t.length;
      t = peek_bracket();
      if (t.type == BTok::end) return kBadPat;
    }
    if (t.type == BTok::close) t.type = BTok::character;  // a first ']' is a member
    for (;;) {
      Element start, end;
      bool is_range = false;
      if (int e = bracket_element(start, t, first_round)) return e;
      first_round = false;
      t = peek_bracket();
      BToken t2;
      if (start.type != Elem::char_class && start.type != Elem::equiv_class) {
        if (t.type == BTok::end) return kEBrack;
        if (t.type == BTok::range) {
          pos_ += t.length;
          t2 = peek_bracket();
          if (t2.type == BTok::end) return kEBrack;
          if (t2.type == BTok::close) {  // a last '-' is a member
            pos_ -= t.length;
            t.type = BTok::character;
          } else {
            is_range = true;
          }
        }
      }
      if (is_range) {
        if (int e = bracket_element(end, t2, true)) return e;
        t = peek_bracket();
        if (int e = range(s, start, end)) return e;
      } else if (int e = single(s, start)) {
        return e;
      }
      if (t.type == BTok::end) return kEBrack;
      if (t.type == BTok::close) break;
    }
    pos_ += t.length;
    bracket_result_ = non_match ? ~s : s;
    return kOk;
  }

  std::string_view in_;
  QregexTree& tree_;
  std::size_t pos_ = 0;
  Token tok_;
  int error_ = 0;
  int groups_ = 0;
  std::uint32_t completed_ = 0;  // groups 1-9 closed so far (dfa->completed_bkref_map)
  Set bracket_result_;
};

bool can_match(const QregexTree& t, int i) {
  const Node& n = t.nodes[static_cast<std::size_t>(i)];
  static const Set possible = qregex_subject_bytes();
  switch (n.kind) {
    case Node::Kind::set: return (n.set & possible).any();
    case Node::Kind::group:
    case Node::Kind::concat:
      for (int c : n.children)
        if (!can_match(t, c)) return false;
      return true;
    case Node::Kind::alt:
      for (int c : n.children)
        if (can_match(t, c)) return true;
      return false;
    case Node::Kind::repeat: return n.min == 0 || can_match(t, n.children[0]);
    default: return true;
  }
}

}  // namespace

// The bytes an upper-cased subject can hold: no NUL, no lowercase ASCII letter.
std::bitset<256> qregex_subject_bytes() {
  std::bitset<256> s;
  s.set();
  s.reset(0);
  for (int c = 'a'; c <= 'z'; ++c) s.reset(static_cast<std::size_t>(c));
  return s;
}

QregexTree qregex_parse(std::string_view ere) {
  QregexTree tree;
  Parser(ere, tree).run();
  return tree;
}

bool qregex_can_match(const QregexTree& tree) {
  return tree.error == 0 && (tree.root == -1 || can_match(tree, tree.root));
}

std::string qregex_subject(std::string_view name) {
  std::string out(name.substr(0, name.find('\0')));
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

const char* qregex_error_text(int error) {
  static const char* const texts[] = {
      "Success", "No match", "Invalid regular expression", "Invalid collation character",
      "Invalid character class name", "Trailing backslash", "Invalid back reference",
      "Unmatched [, [^, [:, [., or [=", "Unmatched ( or \\(", "Unmatched \\{",
      "Invalid content of \\{\\}", "Invalid range end", "Memory exhausted",
      "Invalid preceding regular expression", "Premature end of regular expression",
      "Regular expression too big", "Unmatched ) or \\)"};
  if (error < 0 || error >= static_cast<int>(sizeof texts / sizeof texts[0])) return "Unknown error";
  return texts[error];
}
