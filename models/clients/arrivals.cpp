#include "models/clients/arrivals.hpp"

#include "engine/exponential.hpp"

#include <stdexcept>

namespace lbsim::models {

SimTime PoissonArrivals::next(SimTime now, uint64_t, engine::RngStream& rng)
{
  return now + SimTime::from_seconds(engine::standard_exponential(rng) * mean_gap_s_);
}

SimTime ConstantArrivals::next(SimTime, uint64_t index, engine::RngStream&)
{
  return start_ + SimTime::from_seconds(static_cast<double>(index - first_index_) / rate_per_s_);
}

void ConstantArrivals::set_rate(double rate_per_s, SimTime now, uint64_t index)
{
  rate_per_s_ = rate_per_s;
  start_ = now + SimTime::from_seconds(1.0 / rate_per_s);
  first_index_ = index;
}

SimTime ScriptedArrivals::next(SimTime, uint64_t index, engine::RngStream&)
{
  return index < script_.size() ? start_ + script_[index].at : SimTime::max();
}

template <>
void ModulatedArrivals<BurstyArrivals, BurstyConfig>::start(SimTime now, engine::RngStream& rng)
{
  process_.emplace(config_, rng, now);
}

template <>
void ModulatedArrivals<DiurnalArrivals, DiurnalConfig>::start(SimTime now, engine::RngStream&)
{
  process_.emplace(config_, now);
}

const ArrivalDeclaration* ArrivalRegistry::find(const std::string& name) const
{
  for (const ArrivalDeclaration& d : declarations_)
    if (d.name == name) return &d;
  return nullptr;
}

const ArrivalDeclaration* ArrivalRegistry::find(ArrivalConfig::Process process) const
{
  for (const ArrivalDeclaration& d : declarations_)
    if (d.process == process) return &d;
  return nullptr;
}

std::vector<std::string> ArrivalRegistry::names() const
{
  std::vector<std::string> out;
  for (const ArrivalDeclaration& d : declarations_) out.push_back(d.name);
  return out;
}

std::unique_ptr<ArrivalProcess> ArrivalRegistry::create(const ArrivalConfig& config) const
{
  const ArrivalDeclaration* d = find(config.process);
  if (!d) throw std::invalid_argument("no arrival process is declared for this client group's process");
  return d->make(config);
}

void register_builtin_arrivals(ArrivalRegistry& registry)
{
  using P = ArrivalConfig::Process;
  registry.add({"poisson", P::poisson, "exponential gaps of mean 1 / rate",
                [](const ArrivalConfig& c) { return std::make_unique<PoissonArrivals>(c.rate_per_s); }});
  registry.add({"constant", P::constant, "the k-th request at exactly k / rate",
                [](const ArrivalConfig& c) { return std::make_unique<ConstantArrivals>(c.rate_per_s); }});
  registry.add({"bursty", P::bursty, "on and off periods of two Poisson rates (MMPP-2)", [](const ArrivalConfig& c) {
                  return std::make_unique<ModulatedArrivals<BurstyArrivals, BurstyConfig>>(c.bursty, c.mean_rate_per_s());
                }});
  registry.add({"diurnal", P::diurnal, "Poisson with a daily rate curve, trough at the start", [](const ArrivalConfig& c) {
                  return std::make_unique<ModulatedArrivals<DiurnalArrivals, DiurnalConfig>>(c.diurnal,
                                                                                            c.mean_rate_per_s());
                }});
  registry.add({"script", P::script, "the listed requests, at their times",
                [](const ArrivalConfig& c) { return std::make_unique<ScriptedArrivals>(c.script); }});
  registry.add({"trace", P::trace, "the requests of a CSV file, at their times",
                [](const ArrivalConfig& c) { return std::make_unique<ScriptedArrivals>(c.script); }});
}

}  // namespace lbsim::models
