#include "models/analytic/model_match.hpp"

#include "models/analytic/closed_match.hpp"
#include "models/analytic/erlang.hpp"
#include "models/analytic/gim1.hpp"
#include "models/analytic/jackson.hpp"
#include "models/analytic/jsq_ctmc.hpp"
#include "models/analytic/match_support.hpp"
#include "models/analytic/mg1.hpp"
#include "models/balancers/algorithms/registry.hpp"
#include "models/analytic/supermarket.hpp"

#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace lbsim::models::analytic {

namespace {

using detail::family;
using detail::is_exponential;
using detail::number;
using detail::same;
using detail::time_text;
AnalyticPrediction none(std::string reason) { return detail::no_model(std::move(reason)); }

// Power of d choices: below this many servers the N -> infinity limit is more than a few percent
// off (queueing.md section 6: +2.4% at N = 100, rho 0.9; N = 10 is 18% slower).
constexpr std::size_t kSupermarketMinServers = 50;
// Join the shortest queue: the chain's levels have C(D + N - 1, N - 1) phases; beyond 4 servers
// no useful difference bound D fits in JsqOptions::max_phases.
constexpr std::size_t kJsqMaxServers = 4;
// The truncated JSQ chain is trusted while its truncation touches at most this much probability.
constexpr double kJsqMaxTruncation = 1e-6;

// The arrival stream and the work of a request (at speed 1.0).
struct Load {
  double lambda = 0;  // requests per second, all groups
  ServiceMoments work;
  bool exponential = false;  // the work is exponential in law (one mean for every type)
  bool constant = false;     // the work is one constant
  std::string work_text;     // "exponential, mean 10 ms", "mixture of 3 types, mean 12 ms, SCV 2.1"
};

// Returns a reason when the arrivals are not a Poisson stream with known work.
std::string read_load(const SystemConfig& config, Load& load)
{
  std::vector<MixtureComponent> components;
  bool all_exponential = true, all_constant = true;
  double first_mean = std::numeric_limits<double>::quiet_NaN();
  std::string single;
  for (const ClientGroupConfig& group : config.clients) {
    if (group.arrivals.process != ArrivalConfig::Process::poisson) {
      const char* what = "scripted";
      switch (group.arrivals.process) {
        case ArrivalConfig::Process::constant: what = "constant-rate"; break;
        case ArrivalConfig::Process::bursty: what = "bursty (on/off)"; break;
        case ArrivalConfig::Process::diurnal: what = "diurnal (time-varying)"; break;
        case ArrivalConfig::Process::trace: what = "traced"; break;
        default: break;
      }
      return "client group \"" + group.name + "\" has " + what + " arrivals; the models here need Poisson arrivals";
    }
    const double rate = group.arrivals.rate_per_s;
    if (!(rate > 0)) continue;
    double shares = 0;
    for (const RequestType& type : group.mix) shares += type.share;
    if (group.mix.empty() || !(shares > 0)) return "client group \"" + group.name + "\" has no request types";
    for (const RequestType& type : group.mix) {
      if (!type.work) return "a request type of \"" + group.name + "\" has no work";
      const engine::Distribution& d = *type.work;
      components.push_back({rate * type.share / shares, d.mean(), d.variance()});
      const bool exponential = is_exponential(d);
      all_exponential = all_exponential && exponential;
      all_constant = all_constant && family(d) == "constant";
      if (std::isnan(first_mean)) first_mean = d.mean();
      if (!same(first_mean, d.mean())) all_exponential = all_constant = false;
      if (single.empty()) single = d.describe();
    }
    load.lambda += rate;
  }
  if (components.empty()) return "no client sends requests (every arrival rate is 0)";
  for (const MixtureComponent& c : components)
    if (!std::isfinite(c.variance))
      return "the work of a request type has an infinite variance (pareto with alpha <= 2): the mean wait is infinite";
  load.work = mixture_moments(components);
  if (!(load.work.mean > 0)) return "the mean work of a request is 0";
  load.exponential = all_exponential;
  load.constant = all_constant;
  if (components.size() == 1)
    load.work_text = single;
  else
    load.work_text = "mixture of " + std::to_string(components.size()) + " request types" +
                     (all_exponential ? ", exponential" : "") + ", mean " + time_text(load.work.mean) +
                     ", SCV " + number(load.work.scv);
  return {};
}

bool identical(const ServerConfig& a, const ServerConfig& b)
{
  return a.cores == b.cores && a.speed == b.speed && a.weight == b.weight && a.queue_limit == b.queue_limit;
}

std::string service_text(const Load& load, double speed)
{
  std::string text = "E[S] = " + time_text(load.work.mean / speed);
  if (!load.exponential) text += ", SCV " + number(load.work.scv);
  return text;
}

// One server of c cores fed a Poisson stream of rate lambda: M/M/c, M/M/c/K, M/G/c/c, M/G/1.
AnalyticPrediction one_server(const ServerConfig& server, double lambda, const Load& load, const std::string& suffix)
{
  const int c = server.cores;
  const double mean_service = load.work.mean / server.speed;
  const double mu = 1.0 / mean_service;
  const double rho = lambda * mean_service / c;
  const std::string params = "lambda = " + number(lambda) + "/s, " + service_text(load, server.speed) +
                             (c > 1 ? ", c = " + std::to_string(c) : std::string()) + ", rho = " + number(rho);
  AnalyticPrediction p;
  p.parameters = params;
  const std::string cs = std::to_string(c);
  if (server.queue_limit) {
    const uint64_t limit = *server.queue_limit;
    if (limit == 0 && !load.exponential) {
      p.model = "M/G/" + cs + "/" + cs + " (Erlang B)" + suffix;
      p.mean_s = mean_service;
      p.p_block = erlang_b(c, lambda * mean_service);
      p.note = "no waiting room: blocking is Erlang B whatever the work distribution, and an admitted request takes "
               "its service time";
      return p;
    }
    if (!load.exponential)
      return none("a server with a finite queue (queue_limit " + std::to_string(limit) +
                  ") and non-exponential work (M/G/c/K) has no model here");
    if (limit <= static_cast<uint64_t>(kMaxMmckCapacity - c)) {
      const long k = c + static_cast<long>(limit);
      const MmckResult q = mmck(c, k, lambda, mu);
      p.model = "M/M/" + cs + "/" + std::to_string(k) + (limit == 0 ? " (Erlang B)" : "") + suffix;
      p.parameters += ", K = " + std::to_string(k);
      p.mean_s = q.w;
      p.p_block = q.p_block;
      p.p99_s = mmck_response_percentile(q, 0.99);
      return p;
    }
    if (!(rho < 0.999))
      return none("queue_limit " + std::to_string(limit) + " is too large for the finite-queue model at rho = " + number(rho));
    p.note = "queue_limit " + std::to_string(limit) + " is never reached in practice; modelled as an infinite queue";
  }
  if (!(rho < 1))
    return none("the servers are overloaded (rho = " + number(rho) +
                " >= 1): the queue grows without bound and there is no steady state");
  if (load.exponential) {
    const MmcResult q = mmc(c, lambda, mu);
    p.model = "M/M/" + cs + suffix;
    p.mean_s = q.w;
    p.p99_s = mmc_response_percentile(q, 0.99);
    return p;
  }
  if (c == 1) {
    const Mg1Result q = mg1(lambda, ServiceMoments{mean_service, load.work.scv, std::nullopt});
    p.model = std::string(load.constant ? "M/D/1" : "M/G/1") + " (Pollaczek-Khinchine)" + suffix;
    p.mean_s = q.w;
    p.note = "mean only: percentiles of M/G/1 need the whole service distribution";
    return p;
  }
  return none("a server of " + cs + " cores with non-exponential work (M/G/c) has no exact model (work: " +
              load.work_text + ")");
}

// Why a pool of identical servers under this balancer has no model of the supported kinds, or "".
std::string needs_exponential_single_core(const ServerConfig& s, const Load& load, const std::string& what)
{
  if (!load.exponential) return what + " with non-exponential work (" + load.work_text + ") has no model here";
  if (s.cores != 1) return what + " over servers of " + std::to_string(s.cores) + " cores has no model here";
  if (s.queue_limit) return what + " with a queue limit has no model here (only the infinite-queue model exists)";
  return {};
}

AnalyticPrediction pool(const ServiceConfig& config, const Load& load)
{
  const std::size_t n = config.servers.size();
  const ServerConfig& s = config.servers.front();
  for (const ServerConfig& other : config.servers)
    if (!identical(s, other))
      return none("the servers differ (\"" + s.name + "\" and \"" + other.name +
                  "\" in cores, speed, weight or queue_limit): only pools of identical servers have a model here");
  if (!config.balancer) return none(std::to_string(n) + " servers without a balancer");
  const BalancerConfig& b = *config.balancer;
  const std::string& algorithm = b.algorithm;
  const std::string ns = std::to_string(n);
  const double mean_service = load.work.mean / s.speed;
  const double mu = 1.0 / mean_service;
  const double rho = load.lambda * mean_service / (static_cast<double>(n) * s.cores);
  const std::string params = "lambda = " + number(load.lambda) + "/s over N = " + ns + ", " +
                             service_text(load, s.speed) + ", rho = " + number(rho) + " per server";
  auto overloaded = [&]() {
    return none("the servers are overloaded (rho = " + number(rho) +
                " >= 1): the queues grow without bound and there is no steady state");
  };

  // How the algorithm routes, as its declaration says (models/balancers/algorithms/declaration.hpp).
  BalancerRegistry registry;
  register_builtin_balancers(registry);
  const AlgorithmDeclaration* declared = registry.find(algorithm);
  if (!declared) return none("unknown balancer algorithm \"" + algorithm + "\"");
  AnalyticRouting routing = declared->routing;
  if (routing == AnalyticRouting::power_of_d && b.options.choices == 1) routing = AnalyticRouting::random_split;
  if (routing == AnalyticRouting::power_of_d && static_cast<std::size_t>(b.options.choices) >= n)
    routing = AnalyticRouting::shortest_queue;
  if (declared->routing_of) routing = declared->routing_of(b.options);

  if (routing == AnalyticRouting::random_split) {
    AnalyticPrediction p = one_server(s, load.lambda / static_cast<double>(n), load, " per server (random routing over " + ns + ")");
    if (p.applies()) p.note = (p.note.empty() ? "" : p.note + "; ") + "random routing splits the Poisson stream into " + ns +
                              " independent Poisson streams";
    return p;
  }

  if (routing == AnalyticRouting::cyclic) {
    if (std::string why = needs_exponential_single_core(s, load, "round robin"); !why.empty()) return none(why);
    if (!(rho < 1)) return overloaded();
    const double lambda_s = load.lambda / static_cast<double>(n);
    const Gim1Result q = en_m1(static_cast<int>(n), lambda_s, mu);
    AnalyticPrediction p;
    p.model = "E_" + ns + "/M/1 per server (round robin over " + ns + ")";
    p.parameters = params + ", sigma = " + number(q.sigma);
    p.mean_s = q.w;
    p.p99_s = gim1_response_percentile(q, 0.99);
    p.note = "each server gets every " + ns + "-th request: Erlang(" + ns + ") interarrival times (GI/M/1)";
    return p;
  }

  const bool samples_all = declared->routing == AnalyticRouting::power_of_d && !declared->routing_of;
  if (routing == AnalyticRouting::shortest_queue) {
    if (std::string why = needs_exponential_single_core(s, load, algorithm); !why.empty()) return none(why);
    if (n > kJsqMaxServers)
      return none(algorithm + " over " + ns + " servers: the join-the-shortest-queue chain is solved for at most " +
                  std::to_string(kJsqMaxServers) + " servers");
    if (!(rho < 1)) return overloaded();
    const JsqResult q = jsq(static_cast<int>(n), load.lambda, mu);
    if (q.p_lost + q.p_edge > kJsqMaxTruncation)
      return none("the join-the-shortest-queue chain over " + ns + " servers needs more states than it may use at rho = " +
                  number(rho) + " (its truncation touches " + number(q.p_lost + q.p_edge) + " of the probability)");
    AnalyticPrediction p;
    p.model = "JSQ Markov chain (N = " + ns + ")";
    p.parameters = params + ", truncated at shortest queue " + std::to_string(q.levels) + ", difference " +
                   std::to_string(q.max_difference) + " (mass touched " + number(q.p_lost + q.p_edge) + ")";
    p.mean_s = q.w;
    p.p99_s = jsq_response_percentile(q, 0.99);
    p.note = samples_all ? "with d >= N every server is sampled: join the shortest queue"
                         : "the fewest active requests is the shortest queue when nothing but the servers holds requests";
    return p;
  }

  if (routing == AnalyticRouting::power_of_d) {
    if (std::string why = needs_exponential_single_core(s, load, "power of d choices"); !why.empty()) return none(why);
    if (n < kSupermarketMinServers)
      return none("power of d choices over " + ns + " servers: only the supermarket model (the N -> infinity limit) "
                  "is implemented, and below " + std::to_string(kSupermarketMinServers) +
                  " servers it is more than a few percent off");
    if (!(rho < 1)) return overloaded();
    const SupermarketResult q = supermarket(rho, b.options.choices, mu);
    AnalyticPrediction p;
    p.model = "supermarket model, d = " + std::to_string(b.options.choices) + " (N -> infinity limit)";
    p.parameters = params;
    p.mean_s = q.w;
    p.p99_s = supermarket_response_percentile(q, 0.99);
    p.note = "the N -> infinity limit: a pool of " + ns +
             " is somewhat slower (at N = 100: about +1% at rho 0.8, +2-4% at rho 0.9-0.95, +10-15% at rho 0.99); " +
             std::string(samples_all ? "lbsim samples d distinct servers, the model with replacement (the same in the limit)"
                          : "sampled with replacement, as in the model");
    return p;
  }

  if (routing == AnalyticRouting::by_hash)
    return none(algorithm + " routes by a hash of the client or the path: how the load splits depends on the "
                            "addresses, not on a queueing model");
  if (routing == AnalyticRouting::sticky) return none(algorithm + " pins clients to servers: no queueing model");
  return none("no queueing model for the " + algorithm + " balancer (it routes on measured response times)");
}

}  // namespace

AnalyticPrediction match_model(const SystemConfig& config)
{
  try {
    // The gateway is a station of its own, with stages that refuse, hold and answer requests
    // (limits, auth, cache): the response-time models do not cover it. Its own closed forms are
    // in gateway_match.hpp.
    if (config.gateway)
      return none("a gateway is in front of the services; its stages (cache, limits, auth) change what reaches them "
                  "(see the gateway's closed forms)");
    if (config.services.size() != 1) {
      if (has_closed_loop(config))
        return none("users who wait for answers over several services: no closed-network model of call graphs here");
      return jackson_network(config).prediction;
    }
    const ServiceConfig& service = config.services.front();
    if (!service.endpoints.empty()) return none("the service has endpoints; the single-pool models here cover the mix's work only");
    if (service.servers.empty()) return none("the scenario has no servers");
    if (!config.timeline.empty()) return none("the timeline changes the system during the run; the models are steady state");
    if (config.autoscaling) return none("the autoscaler changes the pool during the run; the models are steady state");
    if (config.network)
      return none("the scenario has a network: transfer times (latency, size / shared bandwidth) are not part of "
                  "the queueing models here");
    for (const ServerConfig& s : service.servers) {
      if (!(s.speed > 0) || s.cores < 1) return none("server \"" + s.name + "\" has no capacity");
      if (s.mtbf > SimTime::zero()) return none("server \"" + s.name + "\" fails at random; the models assume servers that never fail");
      if (s.max_conns > 0)
        return none("server \"" + s.name + "\" has max_conns: requests wait at the balancer or are refused there, "
                    "which the routing models here do not cover");
    }
    if (service.balancer && service.balancer->has_frontend())
      return none("the balancer is a queueing station of its own (processing or max_connections): the models here "
                  "cover the servers only");
    if (service.balancer && service.balancer->layer == 4 && service.servers.size() > 1)
      return none("a layer 4 balancer picks per connection, not per request: the routing models here do not apply");
    if (has_closed_loop(config)) return closed_model(config);
    Load load;
    if (std::string why = read_load(config, load); !why.empty()) return none(why);
    if (service.servers.size() == 1) return one_server(service.servers.front(), load.lambda, load, "");
    return pool(service, load);
  } catch (const std::exception& e) {
    return none(std::string("the analytic solver failed: ") + e.what());
  }
}

}  // namespace lbsim::models::analytic
