#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tapenet {

// What the tape needs to know about a variable, whatever its backend and scalar type.
struct VarNode {
  virtual ~VarNode() = default;
  virtual std::string shape_text() const = 0;
  virtual bool has_grad() const = 0;
  virtual void release_grad() = 0;

  std::string name;  // "fc.weight", or empty; shown by to_dot()
  bool requires_grad = false;
  bool is_leaf = true;         // made by the user, not by an op
  std::uint64_t tape_run = 0;  // which run of the tape recorded it (see Tape::run)
};

// The tape is a Wengert list: every differentiable op, as it runs, appends one entry saying which
// variables went in, which came out, and how to send a gradient from the output back to the
// inputs. backward() then needs no graph search: the entries are already in an order where every
// variable is produced before it is used, so walking them in reverse visits every output before
// its inputs, and each gradient is complete before it is passed on.
class Tape {
 public:
  struct Entry {
    std::string op;
    std::vector<std::shared_ptr<VarNode>> inputs;
    std::shared_ptr<VarNode> output;
    std::function<void()> backward;  // reads output's grad, adds into the inputs' grads
  };

  // Each thread records onto its own tape.
  static Tape& active() {
    thread_local Tape tape;
    return tape;
  }

  void record(Entry entry) { entries_.push_back(std::move(entry)); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }

  // Counts how often the tape has been walked or cleared. A variable recorded in an earlier run
  // has lost its entries, so backward() from it would silently do nothing: it is an error instead.
  std::uint64_t run() const { return run_; }

  // Walks the entries in reverse, then clears the tape. The caller has seeded the loss's grad.
  void backward() {
    for (auto entry = entries_.rbegin(); entry != entries_.rend(); ++entry) {
      if (!entry->output->has_grad()) continue;  // does not lead to the loss
      entry->backward();
      entry->output->release_grad();  // an intermediate gradient, used up: free it now
    }
    clear();
  }

  // Drops every entry, and with them the activations they kept alive for backward().
  void clear() {
    entries_.clear();
    ++run_;
  }

  // The recorded graph in Graphviz's language: variables are boxes, ops are ellipses.
  // Render it with `dot -Tsvg graph.dot > graph.svg`.
  std::string to_dot() const {
    std::ostringstream dot;
    dot << "digraph tape {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
    std::map<const VarNode*, int> ids;
    auto declare = [&](const std::shared_ptr<VarNode>& var) {
      auto [it, added] = ids.emplace(var.get(), static_cast<int>(ids.size()));
      if (!added) return;
      dot << "  v" << it->second << " [shape=box, label=\""
          << (var->name.empty() ? "" : var->name + "\\n") << var->shape_text() << "\""
          << (var->is_leaf && var->requires_grad ? ", style=filled, fillcolor=lightblue" : "")
          << "];\n";
    };
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const Entry& entry = entries_[i];
      for (const auto& input : entry.inputs) declare(input);
      declare(entry.output);
      dot << "  op" << i << " [shape=ellipse, label=\"" << entry.op << "\"];\n";
      for (const auto& input : entry.inputs)
        dot << "  v" << ids[input.get()] << " -> op" << i << ";\n";
      dot << "  op" << i << " -> v" << ids[entry.output.get()] << ";\n";
    }
    dot << "}\n";
    return dot.str();
  }

 private:
  std::vector<Entry> entries_;
  std::uint64_t run_ = 0;
};

}  // namespace tapenet
