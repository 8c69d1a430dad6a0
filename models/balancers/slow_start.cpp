#include "models/balancers/slow_start.hpp"

#include <algorithm>

namespace lbsim::models {

SlowStart::SlowStart(engine::Simulation& sim, SlowStartListener& listener)
    : sim_(sim), listener_(listener), handler_(sim.add_handler(*this))
{
}

int64_t SlowStart::whole_seconds(engine::SimTime slow_start)
{
  const int64_t second = engine::seconds(1).ns();
  return (slow_start.ns() + second - 1) / second;
}

int SlowStart::ramp_weight(int weight, int64_t elapsed_s, int64_t slow_start_s)
{
  if (slow_start_s <= 0 || elapsed_s >= slow_start_s) return full_weight(weight);
  const int64_t w = std::min<int64_t>(kScale, (kScale * elapsed_s + slow_start_s) / slow_start_s);
  return static_cast<int>(weight * w);
}

void SlowStart::add_member(int weight, engine::SimTime slow_start, bool in_rotation)
{
  members_.push_back(Member{weight, whole_seconds(slow_start), in_rotation, 0, 0});
}

void SlowStart::set_in_rotation(uint32_t member, bool in_rotation)
{
  Member& m = members_[member];
  if (m.in_rotation == in_rotation) return;
  m.in_rotation = in_rotation;
  ++m.ramp;  // a step still pending belongs to the ramp before
  if (!in_rotation || m.slow_start_s == 0) return;
  m.elapsed_s = 0;
  step(member);
}

void SlowStart::step(uint32_t member)
{
  Member& m = members_[member];
  listener_.on_ramp_weight(member, ramp_weight(m.weight, m.elapsed_s, m.slow_start_s));
  if (m.elapsed_s >= m.slow_start_s) return;  // at full speed: the ramp is over
  sim_.schedule_in(engine::seconds(1), handler_, 0, (static_cast<uint64_t>(m.ramp) << 32) | member);
}

void SlowStart::handle(const engine::Event& event)
{
  const auto member = static_cast<uint32_t>(event.arg & 0xffffffffu);
  Member& m = members_[member];
  if (static_cast<uint32_t>(event.arg >> 32) != m.ramp || !m.in_rotation) return;
  ++m.elapsed_s;
  step(member);
}

}  // namespace lbsim::models
