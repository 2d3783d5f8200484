#pragma once
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/autograd/tape.hpp"
#include "tapenet/core/tensor.hpp"
#include "tapenet/tensor/maths.hpp"

namespace tapenet {

// A tensor that takes part in differentiation: its value, and (once backward() has run) the
// gradient of the loss with respect to it. Copies of a Var share one variable, like Python names
// bound to the same torch.Tensor.
template <Backend B, class T = float>
class Var {
  struct Node : VarNode {
    Tensor<B, T> value;
    Tensor<B, T> grad;
    std::string shape_text() const override { return value.shape().str(); }
    bool has_grad() const override { return grad.defined(); }
    void release_grad() override { grad = Tensor<B, T>(); }
  };

 public:
  using backend_type = B;
  using value_type = T;

  Var() = default;
  explicit Var(Tensor<B, T> value, bool requires_grad = false) : node_(std::make_shared<Node>()) {
    node_->value = std::move(value);
    node_->requires_grad = requires_grad;
    node_->tape_run = Tape::active().run();
  }

  bool defined() const { return node_ != nullptr; }
  const Tensor<B, T>& value() const { return node_->value; }
  // The tensor behind the variable, like PyTorch's .data: for updates that must not be
  // differentiated, such as an optimiser's step or an initialisation.
  Tensor<B, T>& data() const { return node_->value; }
  const Shape& shape() const { return node_->value.shape(); }
  T item() const { return node_->value.item(); }

  // The accumulated gradient; undefined until backward() reaches this variable.
  // It may share memory with other gradients: read it, do not write into it.
  const Tensor<B, T>& grad() const { return node_->grad; }
  bool requires_grad() const { return node_ && node_->requires_grad; }
  bool is_leaf() const { return node_->is_leaf; }
  const std::string& name() const { return node_->name; }
  Var& set_name(std::string name) {
    node_->name = std::move(name);
    return *this;
  }

  // Forgets the gradient (PyTorch's zero_grad(set_to_none=True), its default since 2.0).
  void zero_grad() const { node_->release_grad(); }

  // Gradients add up: a variable used twice receives both contributions, and two backward()
  // calls without zero_grad() in between sum their gradients, as in PyTorch.
  void accumulate_grad(const Tensor<B, T>& grad) const {
    node_->grad = node_->grad.defined() ? node_->grad + grad : grad;
  }

  // Computes d(this)/d(leaf) for every leaf that requires grad, then frees the tape.
  void backward() const {
    if (shape().numel() != 1)
      fail("backward(): needs a scalar, but this variable has shape ", shape(),
           "; reduce it first, e.g. with sum() or mean()");
    if (!requires_grad())
      fail("backward(): this variable does not require grad: nothing that requires grad led ",
           "to it (or it was computed under NoGradGuard)");
    Tape& tape = Tape::active();
    if (!is_leaf() && node_->tape_run != tape.run())
      fail("backward(): the tape that recorded this variable was already walked or cleared; ",
           "backward() can run once per forward pass, so run the forward pass again");
    accumulate_grad(Tensor<B, T>::ones(shape()));
    tape.backward();
  }

  // The result of an op: records a tape entry when any input requires grad and recording is on.
  // backward receives the output's gradient and adds each input's share into that input.
  // An undefined input (a layer without bias) is skipped.
  template <class Backward>
  static Var record(std::string op, Tensor<B, T> value, std::initializer_list<Var> inputs,
                    Backward backward) {
    Var out(std::move(value));
    bool needs_grad = false;
    for (const Var& input : inputs) needs_grad = needs_grad || input.requires_grad();
    if (!needs_grad || !is_grad_enabled()) return out;

    out.node_->requires_grad = true;
    out.node_->is_leaf = false;
    Tape::Entry entry{std::move(op), {}, out.node_, {}};
    for (const Var& input : inputs)
      if (input.defined()) entry.inputs.push_back(input.node_);
    entry.backward = [node = out.node_, backward = std::move(backward)] { backward(node->grad); };
    Tape::active().record(std::move(entry));
    return out;
  }

 private:
  std::shared_ptr<Node> node_;
};

}  // namespace tapenet
