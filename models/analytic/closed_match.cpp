#include "models/analytic/closed_match.hpp"

#include "models/analytic/match_support.hpp"
#include "models/analytic/mva.hpp"
#include "models/clients/users.hpp"
#include "models/balancers/algorithms/registry.hpp"

#include <exception>
#include <string>
#include <vector>

namespace lbsim::models::analytic {

namespace {

using detail::is_exponential;
using detail::number;
using detail::same;
using detail::time_text;
AnalyticPrediction none(std::string reason) { return detail::no_model(std::move(reason)); }

}  // namespace

bool has_closed_loop(const SystemConfig& config)
{
  for (const ClientGroupConfig& group : config.clients)
    if (group.arrivals.user_driven()) return true;
  return false;
}

// match_model() has already refused what no model here covers (a gateway, several services,
// endpoints, a timeline, an autoscaler, a network, failures, a balancer station, layer 4).
AnalyticPrediction closed_model(const SystemConfig& config)
{
  try {
    if (config.clients.size() != 1)
      return none("several client groups with users who wait for answers: a multi-class closed network, not solved "
                  "here (MVA covers one closed group)");
    const ClientGroupConfig& group = config.clients.front();
    const ArrivalConfig& a = group.arrivals;
    if (a.process == ArrivalConfig::Process::sessions)
      return none("sessions: users arrive and leave, so the population varies and neither the open (Poisson "
                  "requests) nor the closed (fixed population) models apply");
    if (a.process != ArrivalConfig::Process::closed)
      return none("client group \"" + group.name + "\" is not closed; MVA needs every group closed");
    double mean_work = -1;
    for (const RequestType& type : group.mix) {
      if (!type.work) return none("a request type of \"" + group.name + "\" has no work");
      if (!is_exponential(*type.work))
        return none("the work is not exponential (" + type.work->describe() +
                    "): MVA's queues are product form only with exponential service at FCFS stations");
      if (mean_work >= 0 && !same(mean_work, type.work->mean()))
        return none("the request types' mean work differ: their mixture is not exponential, and MVA's FCFS "
                    "stations need one exponential service time");
      mean_work = type.work->mean();
    }
    if (!(mean_work > 0)) return none("the mean work of a request is 0");
    const ServiceConfig& service = config.services.front();
    const ServerConfig& s = service.servers.front();
    for (const ServerConfig& other : service.servers)
      if (other.cores != s.cores || other.speed != s.speed || other.weight != s.weight ||
          other.queue_limit != s.queue_limit)
        return none("the servers differ (\"" + s.name + "\" and \"" + other.name + "\"): only identical servers have "
                    "a model here");
    const int n_users = static_cast<int>(a.users);
    std::string note;
    if (s.queue_limit) {
      if (*s.queue_limit + static_cast<uint64_t>(s.cores) < a.users)
        return none("queue_limit " + std::to_string(*s.queue_limit) + " can be reached by " + std::to_string(a.users) +
                    " users: refusals are not part of the closed model");
      note = "queue_limit " + std::to_string(*s.queue_limit) + " is never reached by " + std::to_string(a.users) +
             " users; ";
    }
    const std::size_t n = service.servers.size();
    const double service_time = mean_work / s.speed;
    std::vector<MvaStation> stations;
    std::string where;
    if (n == 1) {
      stations.push_back({s.name, service_time, false, s.cores});
      where = s.cores > 1 ? "one server of c = " + std::to_string(s.cores) + " cores (load-dependent station)"
                          : "one server";
    } else {
      if (!service.balancer) return none(std::to_string(n) + " servers without a balancer");
      const BalancerConfig& b = *service.balancer;
      BalancerRegistry registry;
      register_builtin_balancers(registry);
      const AlgorithmDeclaration* declared = registry.find(b.algorithm);
      if (!declared) return none("unknown balancer algorithm \"" + b.algorithm + "\"");
      const bool random = declared->routing == AnalyticRouting::random_split ||
                          (declared->routing == AnalyticRouting::power_of_d && b.options.choices == 1);
      if (!random)
        return none(b.algorithm + " routes on the pool's state or in turn: the closed network is not product form, "
                    "so MVA is not exact (random routing over identical servers is)");
      for (const ServerConfig& server : service.servers)
        stations.push_back({server.name, service_time / static_cast<double>(n), false, s.cores});
      where = std::to_string(n) + " servers" + (s.cores > 1 ? " of " + std::to_string(s.cores) + " cores" : "") +
              ", random routing (each visited with probability 1/" + std::to_string(n) + ")";
    }
    // With steps, Z is the mean pause per request over a pass; each step is a class of one chain
    // (BCMP allows class changes), so MVA stays exact while every step has the same exponential work.
    const double think = mean_think_per_request_s(group);
    if (group.steps) note += "steps: Z is the mean pause per request over a pass; ";
    const MvaResult r = mva(stations, n_users, think);
    double d_total = 0, d_max = 0;
    for (const MvaStation& st : stations) {
      d_total += st.demand;
      d_max = std::max(d_max, st.demand / st.servers);
    }
    AnalyticPrediction p;
    p.model = "MVA, closed network (" + where + ")";
    p.parameters = "N = " + std::to_string(n_users) + " users, Z = " + time_text(think) + ", E[S] = " +
                   time_text(service_time) + ", X = " + number(r.throughput) + "/s, U = " +
                   number(r.station_utilization.front());
    p.mean_s = r.response;
    p.throughput_per_s = r.throughput;
    p.note = note + "exact mean value analysis; the think time counts by its mean only; R = N/X - Z; bounds X <= " +
             "min(N/(D+Z), 1/D_max) = " + number(std::min(n_users / (d_total + think), 1.0 / d_max)) + "/s";
    return p;
  } catch (const std::exception& e) {
    return none(std::string("the analytic solver failed: ") + e.what());
  }
}

}  // namespace lbsim::models::analytic
