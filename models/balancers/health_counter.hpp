// HealthCounter: HAProxy's view of one server from its active checks. A server seen up is marked
// down after `fall` consecutive failed checks; one seen down is marked up after `rise` consecutive
// successful checks. A result of the other kind restarts the count.
#pragma once

namespace lbsim::models {

class HealthCounter {
public:
  explicit HealthCounter(bool up = true) : up_(up) {}

  // Returns true when this result flips the server's state.
  bool record(bool success, int rise, int fall)
  {
    if (success == up_) {
      streak_ = 0;  // a result that agrees with the state breaks any streak against it
      return false;
    }
    if (++streak_ < (up_ ? fall : rise)) return false;
    up_ = !up_;
    streak_ = 0;
    return true;
  }
  bool up() const { return up_; }

private:
  bool up_;
  int streak_ = 0;  // consecutive results against the current state
};

}  // namespace lbsim::models
