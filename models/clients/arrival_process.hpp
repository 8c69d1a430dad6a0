// ArrivalProcess: when a client group's requests arrive (docs/model.md, "Requests"). One
// implementation per process of the scenario format (arrivals.hpp), made through the
// ArrivalRegistry, which lists them once: the loader takes the names it accepts from it, and
// ClientGroup makes its process with it. Poisson arrivals, the common case, are also drawn by
// ClientGroup itself without a virtual call (its fast path); PoissonArrivals says the same thing.
#pragma once

#include "engine/rng.hpp"
#include "engine/sim_time.hpp"
#include "models/system_config.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lbsim::models {

class ArrivalProcess {
public:
  virtual ~ArrivalProcess() = default;
  // The group starts at `now`: draw whatever the process needs first (a bursty process's state).
  virtual void start(SimTime now, engine::RngStream& rng) = 0;
  // The time of arrival number `index` (0, 1, ...), the one before it at `now` (the start for the
  // first); SimTime::max() when there is none (a script's end).
  virtual SimTime next(SimTime now, uint64_t index, engine::RngStream& rng) = 0;
  // A `rate` step of the timeline at `now`, before arrival `index`: from now on, this mean rate.
  virtual void set_rate(double rate_per_s, SimTime now, uint64_t index) = 0;
  // Arrival `index` of a script or a trace (its client and type); null for drawn arrivals.
  virtual const ScriptedArrival* scripted(uint64_t /*index*/) const { return nullptr; }
};

struct ArrivalDeclaration {
  std::string name;  // the `process` of the scenario format
  ArrivalConfig::Process process = ArrivalConfig::Process::poisson;
  std::string description;  // one line
  std::function<std::unique_ptr<ArrivalProcess>(const ArrivalConfig&)> make;
};

class ArrivalRegistry {
public:
  void add(ArrivalDeclaration declaration) { declarations_.push_back(std::move(declaration)); }
  const ArrivalDeclaration* find(const std::string& name) const;
  const ArrivalDeclaration* find(ArrivalConfig::Process process) const;
  std::vector<std::string> names() const;
  // Throws std::invalid_argument for a process nobody declared.
  std::unique_ptr<ArrivalProcess> create(const ArrivalConfig& config) const;

private:
  std::vector<ArrivalDeclaration> declarations_;
};

void register_builtin_arrivals(ArrivalRegistry& registry);

}  // namespace lbsim::models
