#include "models/clients/client_group.hpp"

#include "engine/exponential.hpp"

#include <cmath>

namespace lbsim::models {

ClientGroup::ClientGroup(uint32_t index, const ClientGroupConfig& config, uint64_t master_seed,
                         engine::Simulation& sim, RequestPool& requests, RequestSink& sink,
                         const ArrivalRegistry& arrivals)
    : index_(index), config_(config), sim_(sim), requests_(requests), sink_(sink), handler_(sim.add_handler(*this)),
      arrival_rng_(master_seed, "client:" + config.name + ":arrivals"),
      request_rng_(master_seed, "client:" + config.name + ":requests"),
      poisson_(config.arrivals.process == ArrivalConfig::Process::poisson)
{
  for (const RequestType& type : config_.mix) {
    share_total_ += type.share;
    ids_.push_back(type.ids.count > 0
                       ? std::optional(engine::DiscretePopularity::zipf(type.ids.count, type.ids.zipf_s))
                       : std::nullopt);
  }
  if (config_.arrivals.rate_per_s > 0) mean_gap_s_ = 1.0 / config_.arrivals.rate_per_s;
  if (config_.arrivals.user_driven())
    users_ = std::make_unique<ClientUsers>(config_, master_seed);
  else if (!poisson_)
    process_ = arrivals.create(config_.arrivals);
}

void ClientGroup::start()
{
  if (users_) {
    // Closed: every user starts with a think time of its own, so that they do not all send at 0.
    if (users_->closed())
      for (uint32_t u = 0; u < config_.arrivals.users; ++u) sim_.schedule_in(users_->think(), handler_, kUserSends, u);
    else
      next_ = sim_.schedule_in(users_->session_gap(), handler_, kSessionArrives);
    return;
  }
  if (process_) process_->start(sim_.now(), arrival_rng_);
  schedule_next();
}

void ClientGroup::schedule_next()
{
  // Poisson first and on its own: it is the common case, once per request.
  if (poisson_)
    next_ = sim_.schedule_in(SimTime::from_seconds(engine::standard_exponential(arrival_rng_) * mean_gap_s_), handler_);
  else
    schedule_next_other();
}

void ClientGroup::schedule_next_other()
{
  const SimTime at = process_->next(sim_.now(), sent_, arrival_rng_);
  if (at == SimTime::max()) return;  // a script's end
  // A scripted arrival carries its index, to find its client and type.
  next_ = sim_.schedule_at(at, handler_, 0, config_.arrivals.scripted() ? sent_ : 0);
}

void ClientGroup::set_rate(double rate_per_s)
{
  if (config_.arrivals.scripted()) return;  // the loader refuses rate steps for scripted groups
  if (users_) {
    if (users_->closed()) return;  // the loader refuses rate steps for closed groups
    sim_.cancel(next_);  // sessions arrive as Poisson: memoryless, so redrawing is exact
    users_->set_session_rate(rate_per_s);
    next_ = sim_.schedule_in(users_->session_gap(), handler_, kSessionArrives);
    return;
  }
  // The next arrival is drawn afresh at the new rate: exact, since Poisson arrivals (and bursty
  // and diurnal ones, given their rate) are memoryless; constant ones restart one gap later.
  sim_.cancel(next_);
  if (poisson_) mean_gap_s_ = 1.0 / rate_per_s;
  else process_->set_rate(rate_per_s, sim_.now(), sent_);
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
  if (event.kind() != 0) [[unlikely]] {
    handle_user_event(event);
    return;
  }
  if (requests_.in_use() >= in_flight_cap_) [[unlikely]] {
    // Nothing is drawn for the arrival that is not sent: below the cap, the random streams are
    // exactly those of a run without one.
    ++not_sent_at_cap_;
    ++sent_;  // a script moves on to its next line
    schedule_next();
    return;
  }
  const ScriptedArrival* scripted = process_ ? process_->scripted(event.arg) : nullptr;
  const RequestId id = create(scripted, scripted ? std::optional(scripted->client) : std::nullopt);
  ++sent_;
  schedule_next();
  sink_.on_request_sent(id);
}

RequestId ClientGroup::create(const ScriptedArrival* scripted, std::optional<uint32_t> client,
                              std::optional<uint32_t> step)
{
  const RequestId id = requests_.acquire();
  Request& r = requests_[id];
  r.client_group = index_;
  if (client)
    r.client = *client;
  else
    r.client = config_.addresses.size() == 1
                   ? 0
                   : static_cast<uint32_t>(request_rng_.below(config_.addresses.size()));
  if (step) r.type = *step;
  else r.type = scripted && scripted->type >= 0 ? static_cast<uint32_t>(scripted->type) : pick_type();
  // Without work in the mix, the endpoint that serves the request draws it (services).
  if (const DistributionPtr& work = config_.mix[r.type].work) r.work = SimTime::from_seconds(work->sample(request_rng_));
  // What a gateway looks at: the resource the path names, and whether the credentials are good.
  if (const auto& ids = ids_[r.type]) r.resource = static_cast<uint32_t>(ids->draw(request_rng_));
  if (config_.credentials_invalid > 0) r.bad_credentials = request_rng_.uniform01() < config_.credentials_invalid;
  r.sent = sim_.now();
  return id;
}

void ClientGroup::handle_user_event(const engine::Event& event)
{
  if (event.kind() == kSessionArrives) {
    const uint32_t user = users_->open_session(request_rng_);
    next_ = sim_.schedule_in(users_->session_gap(), handler_, kSessionArrives);
    send_as(user);
    return;
  }
  send_as(static_cast<uint32_t>(event.arg));
}

void ClientGroup::send_as(uint32_t user)
{
  users_->sending(user, sim_.now());
  if (requests_.in_use() >= in_flight_cap_) [[unlikely]] {
    // Not sent: the user takes it as an answer (a refusal it never saw) and goes on.
    ++not_sent_at_cap_;
    ++sent_;
    user_goes_on(user, nullptr);
    return;
  }
  const std::optional<uint32_t> step = config_.steps ? std::optional(users_->step_of(user)) : std::nullopt;
  const RequestId id = create(nullptr, users_->address_of(user), step);
  if (step) {
    // A step that draws an id starts the sequence's; one that names {id} carries it.
    Request& r = requests_[id];
    if (ids_[*step]) users_->set_resource(user, r.resource);
    else if (config_.mix[*step].carries_id) r.resource = users_->resource_of(user);
  }
  users_->sent(id, user);  // before the send: a refusal may come back at once
  ++sent_;
  sink_.on_request_sent(id);
}

void ClientGroup::user_goes_on(uint32_t user, const Request* answer)
{
  const ClientUsers::NextMove move = users_->after_request(user, sim_.now(), answer);
  if (!move.leaves) sim_.schedule_in(move.pause, handler_, kUserSends, user);
}

void ClientGroup::on_answer(RequestId id, const Request& r) { user_goes_on(users_->user_of(id), &r); }

void ClientGroup::reset_measurement(SimTime now)
{
  if (users_) users_->reset_measurement(now);
}

void ClientGroup::on_attempt_renewed(RequestId from, RequestId to) { users_->renewed(from, to); }

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
    case Process::sessions: return rate_per_s * session_length.mean;
    case Process::closed:  // depends on the servers: closed_loop_rate_bound() bounds it
    case Process::script:
    case Process::trace: return 0;
  }
  return 0;
}

}  // namespace lbsim::models
