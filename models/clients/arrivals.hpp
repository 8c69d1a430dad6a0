// The arrival processes of the scenario format (docs/model.md, "Requests"): Poisson, constant,
// scripted (a script in the scenario or a trace file) and the two modulated Poisson processes
// (bursty and diurnal, modulated_poisson.hpp).
#pragma once

#include "models/clients/arrival_process.hpp"
#include "models/clients/modulated_poisson.hpp"

#include <optional>

namespace lbsim::models {

// Exponential gaps of mean 1 / rate.
class PoissonArrivals final : public ArrivalProcess {
public:
  explicit PoissonArrivals(double rate_per_s) : mean_gap_s_(1.0 / rate_per_s) {}
  void start(SimTime, engine::RngStream&) override {}
  SimTime next(SimTime now, uint64_t index, engine::RngStream& rng) override;
  void set_rate(double rate_per_s, SimTime, uint64_t) override { mean_gap_s_ = 1.0 / rate_per_s; }

private:
  double mean_gap_s_;
};

// The k-th arrival since the last rate change at exactly start + k / rate (computed from k, so no
// rounding accumulates); the first at the start, and one gap after a rate change.
class ConstantArrivals final : public ArrivalProcess {
public:
  explicit ConstantArrivals(double rate_per_s) : rate_per_s_(rate_per_s) {}
  void start(SimTime now, engine::RngStream&) override { start_ = now; }
  SimTime next(SimTime now, uint64_t index, engine::RngStream& rng) override;
  void set_rate(double rate_per_s, SimTime now, uint64_t index) override;

private:
  double rate_per_s_;
  SimTime start_;
  uint64_t first_index_ = 0;  // the arrival counted from start_
};

// The listed arrivals, at their times from the start.
class ScriptedArrivals final : public ArrivalProcess {
public:
  explicit ScriptedArrivals(const std::vector<ScriptedArrival>& script) : script_(script) {}
  void start(SimTime now, engine::RngStream&) override { start_ = now; }
  SimTime next(SimTime now, uint64_t index, engine::RngStream& rng) override;
  void set_rate(double, SimTime, uint64_t) override {}  // the loader refuses rate steps for scripts
  const ScriptedArrival* scripted(uint64_t index) const override { return &script_[index]; }

private:
  const std::vector<ScriptedArrival>& script_;
  SimTime start_;
};

// Bursty and diurnal: their shape, scaled by a rate step to the new mean (both are Poisson given
// their rate, so drawing the next arrival afresh is exact).
template <class Process, class Config>
class ModulatedArrivals final : public ArrivalProcess {
public:
  ModulatedArrivals(const Config& config, double mean_rate_per_s) : config_(config), mean_rate_per_s_(mean_rate_per_s) {}
  void start(SimTime now, engine::RngStream& rng) override;
  SimTime next(SimTime now, uint64_t, engine::RngStream& rng) override { return process_->next_after(now, rng, scale_); }
  void set_rate(double rate_per_s, SimTime, uint64_t) override { scale_ = rate_per_s / mean_rate_per_s_; }

private:
  const Config& config_;
  double mean_rate_per_s_;
  double scale_ = 1;
  std::optional<Process> process_;
};

}  // namespace lbsim::models
