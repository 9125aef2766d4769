#include "check/regex_literal.h"

namespace {

using Node = QregexNode;
using Kind = QregexNode::Kind;

const Node& at(const QregexTree& t, int i) { return t.nodes[static_cast<std::size_t>(i)]; }

// The one byte an upper-cased subject can hold that the node matches; -1 if not one byte.
int literal_byte(const Node& n) {
  if (n.kind != Kind::set) return -1;
  int found = -1;
  for (int c = 1; c < 256; ++c) {
    if (c >= 'a' && c <= 'z') continue;  // never in an upper-cased subject
    if (!n.set.test(static_cast<std::size_t>(c))) continue;
    if (found != -1) return -1;
    found = c;
  }
  return found;
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
