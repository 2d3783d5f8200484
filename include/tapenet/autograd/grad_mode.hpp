#pragma once

namespace tapenet {

// Whether ops record onto the tape. Each thread has its own switch, like torch.no_grad().
inline bool& grad_mode_enabled() {
  thread_local bool enabled = true;
  return enabled;
}
inline bool is_grad_enabled() { return grad_mode_enabled(); }

// While one of these lives, nothing is recorded: no tape entries, no activations kept alive.
// Use it for evaluation, as `with torch.no_grad():` in Python.
class NoGradGuard {
 public:
  NoGradGuard() : previous_(grad_mode_enabled()) { grad_mode_enabled() = false; }
  ~NoGradGuard() { grad_mode_enabled() = previous_; }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace tapenet
