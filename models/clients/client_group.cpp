#include "models/clients/client_group.hpp"

#include "engine/exponential.hpp"

#include <cmath>

namespace lbsim::models {

ClientGroup::ClientGroup(uint32_t index, const ClientGroupConfig& config, uint64_t master_seed,
                         engine::Simulation& sim, RequestPool& requests, RequestSink& sink)
    : index_(index), config_(config), sim_(sim), requests_(requests), sink_(sink), handler_(sim.add_handler(*this)),
      arrival_rng_(master_seed, "client:" + config.name + ":arrivals"),
      request_rng_(master_seed, "client:" + config.name + ":requests")
{
  for (const RequestType& type : config_.mix) share_total_ += type.share;
  rate_per_s_ = config_.arrivals.rate_per_s;
  if (rate_per_s_ > 0) mean_gap_s_ = 1.0 / rate_per_s_;
}

void ClientGroup::start()
{
  start_ = sim_.now();
  if (config_.arrivals.process == ArrivalConfig::Process::bursty)
    bursty_.emplace(config_.arrivals.bursty, arrival_rng_, start_);
  if (config_.arrivals.process == ArrivalConfig::Process::diurnal) diurnal_.emplace(config_.arrivals.diurnal, start_);
  schedule_next();
}

void ClientGroup::schedule_next()
{
  // Poisson first and on its own: it is the common case, once per request.
  if (config_.arrivals.process == ArrivalConfig::Process::poisson)
    next_ = sim_.schedule_in(SimTime::from_seconds(engine::standard_exponential(arrival_rng_) * mean_gap_s_), handler_);
  else
    schedule_next_other();
}

void ClientGroup::schedule_next_other()
{
  const ArrivalConfig& a = config_.arrivals;
  switch (a.process) {
    case ArrivalConfig::Process::poisson: break;  // schedule_next()
    case ArrivalConfig::Process::constant:
      // The k-th arrival at start + k/rate, computed from k so rounding never accumulates.
      next_ = sim_.schedule_at(
          start_ + SimTime::from_seconds(static_cast<double>(sent_ - sent_at_start_) / rate_per_s_), handler_);
      break;
    case ArrivalConfig::Process::script:
    case ArrivalConfig::Process::trace:
      if (sent_ < a.script.size()) sim_.schedule_at(start_ + a.script[sent_].at, handler_, 0, sent_);
      break;
    case ArrivalConfig::Process::bursty:
      next_ = sim_.schedule_at(bursty_->next_after(sim_.now(), arrival_rng_, rate_scale_), handler_);
      break;
    case ArrivalConfig::Process::diurnal:
      next_ = sim_.schedule_at(diurnal_->next_after(sim_.now(), arrival_rng_, rate_scale_), handler_);
      break;
  }
}

void ClientGroup::set_rate(double rate_per_s)
{
  const ArrivalConfig& a = config_.arrivals;
  if (a.scripted()) return;  // the loader refuses rate steps for scripted groups
  if (a.process == ArrivalConfig::Process::diurnal || a.process == ArrivalConfig::Process::bursty) {
    // The process keeps its shape, scaled to the new mean; both are Poisson given their rate, so
    // drawing the next arrival afresh is exact.
    sim_.cancel(next_);
    rate_scale_ = rate_per_s / a.mean_rate_per_s();
    schedule_next();
    return;
  }
  // Poisson arrivals are memoryless, so drawing the next gap afresh at the new rate is exact.
  sim_.cancel(next_);
  rate_per_s_ = rate_per_s;
  mean_gap_s_ = 1.0 / rate_per_s;
  start_ = sim_.now() + SimTime::from_seconds(mean_gap_s_);  // constant: one gap after the change
  sent_at_start_ = sent_;
  schedule_next();
}

uint32_t ClientGroup::pick_type()
{
  if (config_.mix.size() == 1) return 0;
  double u = request_rng_.uniform01() * share_total_;
  for (uint32_t i = 0; i + 1 < config_.mix.size(); ++i) {
    u -= config_.mix[i].share;
    if (u < 0) return i;
  }
  return static_cast<uint32_t>(config_.mix.size() - 1);
}

void ClientGroup::handle(const engine::Event& event)
{
  const RequestId id = requests_.acquire();
  Request& r = requests_[id];
  r.client_group = index_;
  const ScriptedArrival* scripted = config_.arrivals.scripted() ? &config_.arrivals.script[event.arg] : nullptr;
  if (scripted)
    r.client = scripted->client;
  else
    r.client = config_.addresses.size() == 1
                   ? 0
                   : static_cast<uint32_t>(request_rng_.below(config_.addresses.size()));
  r.type = scripted && scripted->type >= 0 ? static_cast<uint32_t>(scripted->type) : pick_type();
  // Without work in the mix, the endpoint that serves the request draws it (services).
  if (const DistributionPtr& work = config_.mix[r.type].work) r.work = SimTime::from_seconds(work->sample(request_rng_));
  r.sent = sim_.now();
  ++sent_;
  schedule_next();
  sink_.on_request_sent(id);
}

double ArrivalConfig::mean_rate_per_s() const
{
  switch (process) {
    case Process::poisson:
    case Process::constant: return rate_per_s;
    case Process::bursty: {
      const double on = bursty.mean_on.seconds(), off = bursty.mean_off.seconds();
      return (bursty.rate_on_per_s * on + bursty.rate_off_per_s * off) / (on + off);
    }
    case Process::diurnal: return diurnal.mean_rate_per_s;
    case Process::script:
    case Process::trace: return 0;
  }
  return 0;
}

}  // namespace lbsim::models
