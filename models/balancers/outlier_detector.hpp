// OutlierDetector: Envoy's consecutive-5xx outlier detection for one pool (models/system_config.hpp
// OutlierDetectionConfig, docs/services.md). Each member's consecutive 5xx answers are counted
// (any 5xx: 500, 502 and 503, as Envoy counts locally originated errors with the upstream's when
// they are not split); at consecutive_5xx the member is ejected, unless max_ejection_percent of the
// pool is out already (at least one member may always be out). An ejection lasts base x times
// ejected, at most max; it ends at the first sweep (every `interval`) after its time.
#pragma once

#include "engine/sim_time.hpp"
#include "models/system_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lbsim::models {

class OutlierDetector {
public:
  explicit OutlierDetector(const OutlierDetectionConfig& config, size_t members) : config_(config), members_(members) {}

  void add_member() { members_.emplace_back(); }
  bool ejected(uint32_t member) const { return members_[member].ejected; }
  engine::SimTime ejected_until(uint32_t member) const { return members_[member].until; }
  int times_ejected(uint32_t member) const { return members_[member].times; }

  // An answer from `member`; true when it ejects the member.
  bool record(uint32_t member, bool server_error, engine::SimTime now)
  {
    Member& m = members_[member];
    if (!server_error) {
      m.consecutive = 0;
      return false;
    }
    if (m.ejected || ++m.consecutive < config_.consecutive_5xx) return false;
    m.consecutive = 0;
    const size_t allowed = std::max<size_t>(
        1, static_cast<size_t>(std::floor(config_.max_ejection_percent * static_cast<double>(members_.size()) + 1e-9)));
    if (ejected_count_ >= allowed) return false;
    ++m.times;
    const engine::SimTime length = config_.base_ejection_time * static_cast<int64_t>(m.times);
    m.until = now + std::min(length, config_.max_ejection_time);
    m.ejected = true;
    ++ejected_count_;
    ++ejections_;
    return true;
  }
  // The sweep: members whose ejection is over come back; calls `back(member)` for each.
  template <class Back>
  void sweep(engine::SimTime now, Back&& back)
  {
    for (uint32_t i = 0; i < members_.size(); ++i) {
      Member& m = members_[i];
      if (!m.ejected || m.until > now) continue;
      m.ejected = false;
      --ejected_count_;
      back(i);
    }
  }

  uint64_t ejections() const { return ejections_; }
  void reset_measurement() { ejections_ = 0; }
  const OutlierDetectionConfig& config() const { return config_; }

private:
  struct Member {
    int consecutive = 0;
    int times = 0;  // ejections so far
    bool ejected = false;
    engine::SimTime until;
  };
  OutlierDetectionConfig config_;
  std::vector<Member> members_;
  size_t ejected_count_ = 0;
  uint64_t ejections_ = 0;
};

}  // namespace lbsim::models
