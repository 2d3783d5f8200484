#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "tapenet/core/backend.hpp"
#include "tapenet/core/error.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/core/shape.hpp"

namespace tapenet {

namespace detail {
template <class T>
struct FillKernel {
  T* out;
  T value;
  TAPENET_HD void operator()(std::int64_t i) const { out[i] = value; }
};
}  // namespace detail

// An n-dimensional array of T living on backend B, stored contiguously in row-major (NCHW) order.
// Like a torch.Tensor, copying a Tensor is cheap: the copies share one buffer. clone() makes a
// new buffer. Moving data between backends is always explicit: to<OtherBackend>().
template <Backend B, class T = float>
class Tensor {
 public:
  using backend_type = B;
  using value_type = T;

  Tensor() = default;

  // Memory for shape.numel() elements, not initialised.
  static Tensor empty(Shape shape) {
    Tensor tensor;
    tensor.storage_ = B::template allocate<T>(shape.numel());
    tensor.shape_ = std::move(shape);
    return tensor;
  }

  static Tensor full(Shape shape, T value) {
    Tensor tensor = empty(std::move(shape));
    B::for_each(tensor.numel(), detail::FillKernel<T>{tensor.data(), value});
    return tensor;
  }
  static Tensor zeros(Shape shape) { return full(std::move(shape), T(0)); }
  static Tensor ones(Shape shape) { return full(std::move(shape), T(1)); }

  // Copies host values (row-major) into a new tensor: Tensor<cpu>::from({2, 2}, {1, 2, 3, 4}).
  static Tensor from(Shape shape, std::span<const T> values) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel())
      fail("Tensor::from: shape ", shape, " holds ", count(shape.numel(), "element"), " but ",
           count(values.size(), "value"), values.size() == 1 ? " was given" : " were given");
    Tensor tensor = empty(std::move(shape));
    B::upload(tensor.data(), values.data(), tensor.numel());
    return tensor;
  }
  static Tensor from(Shape shape, std::initializer_list<T> values) {
    return from(std::move(shape), std::span<const T>(values.begin(), values.size()));
  }
  static Tensor from(Shape shape, const std::vector<T>& values) {
    return from(std::move(shape), std::span<const T>(values));
  }

  // Samples from N(0, 1), like torch.randn; drawn on the host, so all backends get the same values.
  static Tensor randn(Shape shape, Generator& generator = default_generator()) {
    std::vector<T> values(static_cast<std::size_t>(shape.numel()));
    for (auto& v : values) v = static_cast<T>(generator.normal());
    return from(std::move(shape), values);
  }

  // Samples from U[low, high), like torch.empty(shape).uniform_(low, high).
  static Tensor uniform(Shape shape, T low = T(0), T high = T(1),
                        Generator& generator = default_generator()) {
    std::vector<T> values(static_cast<std::size_t>(shape.numel()));
    for (auto& v : values) v = low + (high - low) * generator.template uniform01<T>();
    return from(std::move(shape), values);
  }

  bool defined() const { return storage_ != nullptr; }
  // How many tensors share this one's memory (copies, reshapes, tensors kept by the tape).
  long use_count() const { return storage_.use_count(); }
  const Shape& shape() const { return shape_; }
  int dim() const { return shape_.rank(); }
  std::int64_t size(int dim) const { return shape_[dim < 0 ? dim + shape_.rank() : dim]; }
  std::int64_t numel() const { return shape_.numel(); }

  // Pointers into backend memory: dereference them only inside a kernel of the same backend.
  T* data() { return storage_.get(); }
  const T* data() const { return storage_.get(); }

  std::vector<T> to_vector() const {
    std::vector<T> values(static_cast<std::size_t>(numel()));
    if (numel() > 0) B::download(values.data(), data(), numel());
    return values;
  }

  // One element by its index, e.g. t.at({0, 2}). Copies a single value: meant for tests and
  // printing, not for loops.
  T at(std::initializer_list<std::int64_t> index) const {
    T value;
    B::download(&value, data() + offset_of(index), 1);
    return value;
  }
  void set(std::initializer_list<std::int64_t> index, T value) {
    B::upload(data() + offset_of(index), &value, 1);
  }

  // The value of a one-element tensor, like tensor.item().
  T item() const {
    if (numel() != 1)
      fail("item(): tensor of shape ", shape_, " has ", numel(), " elements, not 1");
    T value;
    B::download(&value, data(), 1);
    return value;
  }

  // Same data seen with another shape (no copy). One size may be -1: it is inferred.
  Tensor reshape(std::vector<std::int64_t> dims) const {
    std::int64_t known = 1;
    int inferred = -1;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      if (dims[d] == -1) {
        if (inferred >= 0) fail("reshape: only one size may be -1, got ", format_dims(dims));
        inferred = static_cast<int>(d);
      } else {
        known *= dims[d];
      }
    }
    bool fits = inferred >= 0 ? known != 0 && numel() % known == 0 : known == numel();
    if (!fits)
      fail("reshape: cannot view shape ", shape_, " (", count(numel(), "element"), ") as ",
           format_dims(dims));
    if (inferred >= 0) dims[static_cast<std::size_t>(inferred)] = numel() / known;
    Shape target(dims);
    Tensor view = *this;
    view.shape_ = std::move(target);
    return view;
  }

  // The same data with a dimension of size 1 inserted before `dim`, like x.unsqueeze(dim):
  // a [C] vector unsqueezed at 0 is a [1, C] row. Negative dims count from the end.
  Tensor unsqueeze(int dim) const {
    if (dim < -shape_.rank() - 1 || dim > shape_.rank())
      fail("unsqueeze: dimension ", dim, " is out of range for shape ", shape_);
    auto dims = shape_.dims();
    dims.insert(dims.begin() + (dim < 0 ? dim + shape_.rank() + 1 : dim), 1);
    return reshape(dims);
  }
  // Without dimension `dim` if its size is 1 (else unchanged, as in PyTorch); squeeze() drops
  // every dimension of size 1.
  Tensor squeeze(int dim) const {
    if (dim < -shape_.rank() || dim >= shape_.rank())
      fail("squeeze: dimension ", dim, " is out of range for shape ", shape_);
    auto dims = shape_.dims();
    auto at = dims.begin() + (dim < 0 ? dim + shape_.rank() : dim);
    if (*at == 1) dims.erase(at);
    return reshape(dims);
  }
  Tensor squeeze() const {
    auto dims = shape_.dims();
    std::erase(dims, 1);
    return reshape(dims);
  }

  // The sum and the mean of all elements, as one-element tensors (shape []), like x.sum().
  Tensor sum() const { return full(Shape{}, B::sum(data(), numel())); }
  Tensor mean() const {
    if (numel() == 0) fail("mean(): the tensor is empty (shape ", shape_, ")");
    return full(Shape{}, B::sum(data(), numel()) / T(numel()));
  }

  Tensor clone() const {
    Tensor copy = empty(shape_);
    if (numel() > 0) B::copy(copy.data(), data(), numel());
    return copy;
  }

  // A copy on another backend (through host memory), like tensor.to(device); on its own backend,
  // the tensor itself, as in PyTorch, so generic code can say x.to<B>() for free.
  template <Backend To>
  Tensor<To, T> to() const {
    if constexpr (std::is_same_v<To, B>)
      return *this;
    else
      return Tensor<To, T>::from(shape_, to_vector());
  }

 private:
  std::int64_t offset_of(std::initializer_list<std::int64_t> index) const {
    if (static_cast<int>(index.size()) != dim())
      fail("at(): tensor of shape ", shape_, " needs ", count(dim(), "index", "indices"), ", got ",
           index.size());
    std::int64_t offset = 0;
    int d = 0;
    for (auto i : index) {
      if (i < 0 || i >= shape_[d])
        fail("at(): index ", i, " is out of range for dimension ", d, " of shape ", shape_);
      offset = offset * shape_[d] + i;
      ++d;
    }
    return offset;
  }

  Shape shape_;
  std::shared_ptr<T> storage_;
};

}  // namespace tapenet
