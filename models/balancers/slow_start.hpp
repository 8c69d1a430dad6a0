// SlowStart: a server that comes back into rotation ramps its weight instead of taking its full
// share at once (HAProxy `slowstart`, nginx Plus `slow_start`, Envoy's slow_start_config), so a
// cold cache or a JIT that is still compiling is not flooded. docs/algorithms.md, "Slow start".
//
// HAProxy's rule (server.c, server_recalc_eweight() and server_warmup()): the pool's weights are
// counted in sixteenths (BE_WEIGHT_SCALE), so a weight w at full speed is 16 w; t whole seconds
// after the server came back (its slowstart S rounded up to seconds) it has w × min(16, (16 t +
// S) / S), integer division: w at once, the full 16 w after S. The warm-up task re-weighs every
// max(1 s, S / 20 ms), which is 1 s for any S under 20,000 s, so lbsim steps once a second.
// A member that leaves rotation during its ramp starts again from w when it comes back.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "engine/sim_time.hpp"

#include <cstdint>
#include <vector>

namespace lbsim::models {

class SlowStartListener {
public:
  virtual ~SlowStartListener() = default;
  // Member `member`'s weight in the pool (in sixteenths) is now `weight`.
  virtual void on_ramp_weight(uint32_t member, int weight) = 0;
};

class SlowStart final : public engine::EventHandler {
public:
  static constexpr int kScale = 16;  // HAProxy's BE_WEIGHT_SCALE

  SlowStart(engine::Simulation& sim, SlowStartListener& listener);

  // A member with its configured weight and slow start (zero: none), in or out of rotation now.
  void add_member(int weight, engine::SimTime slow_start, bool in_rotation);
  // The member's rotation now; coming back starts its ramp (the weight is told at once).
  void set_in_rotation(uint32_t member, bool in_rotation);
  // The weight at full speed, in sixteenths.
  static int full_weight(int weight) { return weight * kScale; }
  // HAProxy's step: the weight `elapsed_s` whole seconds into a ramp of `slow_start_s` seconds.
  static int ramp_weight(int weight, int64_t elapsed_s, int64_t slow_start_s);
  // Whole seconds, rounded up, as HAProxy stores `slowstart`.
  static int64_t whole_seconds(engine::SimTime slow_start);

  void handle(const engine::Event& event) override;  // a ramp's next step

private:
  struct Member {
    int weight = 1;
    int64_t slow_start_s = 0;  // 0: no slow start
    bool in_rotation = false;
    uint32_t ramp = 0;          // which ramp a pending step belongs to (a stale one is dropped)
    int64_t elapsed_s = 0;      // into the current ramp
  };
  void step(uint32_t member);

  engine::Simulation& sim_;
  SlowStartListener& listener_;
  engine::HandlerId handler_;
  std::vector<Member> members_;
};

}  // namespace lbsim::models
