// PassiveDetector: nginx's max_fails / fail_timeout. Failed requests are counted while they come
// within fail_timeout of the first one counted; the max_fails-th marks the server unavailable for
// fail_timeout, after which it gets requests again (and one more failure marks it again when
// max_fails is 1).
#pragma once

#include "engine/sim_time.hpp"
#include "models/system_config.hpp"

namespace lbsim::models {

class PassiveDetector {
public:
  // Returns true when this failure marks the server unavailable.
  bool record_failure(SimTime now, const PassiveConfig& config)
  {
    if (config.max_fails <= 0 || down_) return false;
    if (fails_ == 0 || now - first_ > config.fail_timeout) {
      fails_ = 0;
      first_ = now;
    }
    if (++fails_ < config.max_fails) return false;
    down_ = true;
    fails_ = 0;
    return true;
  }
  void clear() { down_ = false; }
  bool down() const { return down_; }

private:
  bool down_ = false;
  int fails_ = 0;
  SimTime first_;
};

}  // namespace lbsim::models
