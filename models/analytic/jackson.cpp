#include "models/analytic/jackson.hpp"

#include "models/analytic/erlang.hpp"
#include "models/analytic/match_support.hpp"
#include "models/balancers/algorithms/registry.hpp"

#include <Eigen/Sparse>

#include <bit>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace lbsim::models::analytic {

double expected_max_of_exponentials(const std::vector<ParallelBranch>& branches)
{
  // A branch never made, or one that takes no time, is never the last one back.
  std::vector<ParallelBranch> made;
  for (const ParallelBranch& b : branches)
    if (b.probability > 0 && b.mean_s > 0) made.push_back(b);
  if (made.size() > kMaxParallelBranches)
    throw std::domain_error("E[max] by inclusion-exclusion over " + std::to_string(made.size()) +
                            " branches: at most " + std::to_string(kMaxParallelBranches));
  const uint32_t subsets = uint32_t{1} << made.size();
  double sum = 0;
  for (uint32_t s = 1; s < subsets; ++s) {
    double p = 1, rate = 0;
    for (size_t i = 0; i < made.size(); ++i)
      if ((s >> i) & 1u) p *= made[i].probability, rate += 1.0 / made[i].mean_s;
    sum += (std::popcount(s) % 2 == 1 ? p : -p) / rate;
  }
  return sum;
}

double fork_join_two_mm1(double lambda, double mu)
{
  if (!(mu > 0) || !(lambda >= 0) || !(lambda < mu))
    throw std::domain_error("fork-join of two M/M/1 needs 0 <= lambda < mu");
  return (12.0 - lambda / mu) / 8.0 / (mu - lambda);
}

namespace {

using detail::family;
using detail::is_exponential;
using detail::number;
using detail::no_model;
using detail::time_text;

// Below this probability of waiting a station's queue plays no part in a mean: parallel branches
// there never queue together, so they are independent.
constexpr double kNoWait = 1e-9;

bool is_zero(const engine::Distribution* d) { return d == nullptr || (family(*d) == "constant" && d->mean() == 0); }

bool identical(const ServerConfig& a, const ServerConfig& b)
{
  return a.cores == b.cores && a.speed == b.speed && a.weight == b.weight && a.queue_limit == b.queue_limit;
}

std::string endpoint_text(const ServiceConfig& s, const EndpointConfig& e)
{
  return s.name + " " + (e.method.empty() ? std::string("*") : e.method) + " " + e.path;
}

// A node of the call graph: an endpoint of a service, or, for a service without endpoints, a
// request type of a client group that sends to it (the mix gives its work).
struct Node {
  uint32_t service = 0;
  const EndpointConfig* endpoint = nullptr;  // null: a request type of the mix
  const engine::Distribution* work = nullptr;
  std::string name;     // "users GET /profile"
  double external = 0;  // from clients, per second
  double rate = 0;      // from the traffic equations
  double response = std::numeric_limits<double>::quiet_NaN();  // mean, from arrival to reply
};

// A service's servers: identical, each an M/M/c at its share of the visits, or a pass-through.
struct Station {
  int servers = 1, cores = 1;
  bool pass_through = true;  // every demand is 0: nothing ever waits
  double mean_demand = 0;    // per visit, seconds at the servers' speed
  double visit_rate = 0;     // all servers together
  double p_wait = 0, wait = 0;
  double sojourn() const { return pass_through ? 0.0 : wait + mean_demand; }
};

class NetworkModel {
public:
  explicit NetworkModel(const SystemConfig& config) : config_(config) {}

  NetworkPrediction solve()
  {
    NetworkPrediction out;
    if (std::string why = check_scenario(); !why.empty()) return fail(out, why);
    if (std::string why = build_nodes(); !why.empty()) return fail(out, why);
    solve_traffic();
    if (std::string why = build_stations(); !why.empty()) {
      fill_flows(out);  // the rates are known: a caller may still read them
      return fail(out, why);
    }
    double weighted = 0, lambda = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!(nodes_[i].external > 0)) continue;
      weighted += nodes_[i].external * response(i);
      lambda += nodes_[i].external;
    }
    if (!(lambda > 0)) return fail(out, "no client sends requests (every arrival rate is 0)");
    fill_flows(out);
    AnalyticPrediction& p = out.prediction;
    const std::string count = std::to_string(config_.services.size());
    p.model = "Jackson network of " + count + " services" + (approximated_.empty() ? "" : ", parallel calls approximated");
    p.parameters = "lambda = " + number(lambda) + "/s from clients; rho per service: " + loads_text();
    p.mean_s = weighted / lambda;
    p.note = approximated_.empty()
                 ? "BCMP product form: each service's servers are M/M/c stations at their total visit rate, and the "
                   "mean is the sum of the per-visit means along the calls"
                 : "the parallel calls of " + approximated_ +
                       " are taken as independent exponential branches (E[max] by inclusion-exclusion): branches fed "
                       "by the same requests queue together, which this ignores, so it tends to overestimate (by "
                       "rho / (12 - rho) for two M/M/1 branches); exact only when no branch waits";
    if (!independent_fork_joins_.empty())
      p.note += "; the parallel calls of " + independent_fork_joins_ + " never wait, so their branches are independent";
    if (!exact_fork_joins_.empty()) p.note += "; the fork-join of " + exact_fork_joins_ + " is exact (Flatto-Hahn)";
    p.note += "; mean only";
    out.exact = approximated_.empty();
    return out;
  }

private:
  static NetworkPrediction& fail(NetworkPrediction& out, const std::string& why)
  {
    out.prediction = no_model(why);
    return out;
  }

  std::string check_scenario() const
  {
    if (!config_.timeline.empty()) return "the timeline changes the system during the run; the models are steady state";
    if (config_.autoscaling) return "the autoscaler changes the pool during the run; the models are steady state";
    if (config_.network)
      return "the scenario has a network: transfer times (latency, size / shared bandwidth) are not part of the "
             "queueing models here";
    for (const ClientGroupConfig& group : config_.clients)
      if (group.arrivals.process != ArrivalConfig::Process::poisson)
        return "client group \"" + group.name + "\" does not have Poisson arrivals; the network model needs them";
    for (const ServiceConfig& service : config_.services)
      if (std::string why = check_service(service); !why.empty()) return why;
    return {};
  }

  std::string check_service(const ServiceConfig& service) const
  {
    const std::string name = "service \"" + service.name + "\"";
    if (service.servers.empty()) return name + " has no servers";
    const ServerConfig& first = service.servers.front();
    for (const ServerConfig& s : service.servers) {
      if (!(s.speed > 0) || s.cores < 1) return "server \"" + s.name + "\" has no capacity";
      if (s.mtbf > SimTime::zero()) return "server \"" + s.name + "\" fails at random; the models assume servers that never fail";
      if (s.queue_limit)
        return "server \"" + s.name + "\" of " + name +
               " has a queue_limit: the network model has no blocking (only infinite queues)";
      if (s.max_conns)
        return "server \"" + s.name + "\" of " + name +
               " has max_conns: requests wait at the balancer or are refused there, which the network model does not cover";
      if (!identical(first, s))
        return "the servers of " + name + " differ (\"" + first.name + "\" and \"" + s.name +
               "\" in cores, speed or weight): the network model needs identical servers per service";
    }
    if (!service.balancer) return service.servers.size() == 1 ? std::string() : name + " has servers without a balancer";
    const BalancerConfig& b = *service.balancer;
    if (b.has_frontend())
      return "the balancer of " + name + " is a queueing station of its own (processing or max_connections): the "
             "network model covers the servers only";
    if (service.servers.size() == 1) return {};
    if (b.layer == 4) return "the balancer of " + name + " picks per connection (layer 4), not per request";
    BalancerRegistry registry;
    register_builtin_balancers(registry);
    const AlgorithmDeclaration* declared = registry.find(b.algorithm);
    if (!declared) return "unknown balancer algorithm \"" + b.algorithm + "\"";
    const bool random = declared->routing == AnalyticRouting::random_split ||
                        (declared->routing == AnalyticRouting::power_of_d && b.options.choices == 1);
    if (!random)
      return name + " spreads over " + std::to_string(service.servers.size()) + " servers with " + b.algorithm +
             ": the network model needs random splitting (each server then a station of its own)";
    return {};
  }

  // Endpoint nodes service by service, then the request types sent to services without endpoints.
  std::string build_nodes()
  {
    first_node_.assign(config_.services.size(), 0);
    for (uint32_t s = 0; s < config_.services.size(); ++s) {
      const ServiceConfig& service = config_.services[s];
      first_node_[s] = nodes_.size();
      for (const EndpointConfig& e : service.endpoints)
        nodes_.push_back(Node{s, &e, e.work.get(), endpoint_text(service, e)});
    }
    for (const ClientGroupConfig& group : config_.clients) {
      const double rate = group.arrivals.rate_per_s;
      if (!(rate > 0)) continue;
      double shares = 0;
      for (const RequestType& type : group.mix) shares += type.share;
      if (group.mix.empty() || !(shares > 0)) return "client group \"" + group.name + "\" has no request types";
      const ServiceConfig& service = config_.services.at(group.service);
      for (const RequestType& type : group.mix) {
        const double share = rate * type.share / shares;
        if (type.endpoint >= 0) {
          nodes_.at(first_node_[group.service] + static_cast<size_t>(type.endpoint)).external += share;
          continue;
        }
        if (!type.work) return "a request type of \"" + group.name + "\" has no work";
        nodes_.push_back(Node{group.service, nullptr, type.work.get(), service.name + " " + type.method + " " + type.path});
        nodes_.back().external = share;
      }
    }
    return {};
  }

  size_t callee(const CallConfig& call) const { return first_node_[call.service_index] + static_cast<size_t>(call.endpoint); }

  // The traffic equations lambda = gamma + P^T lambda, P[i][j] the probability that a request at
  // node i calls node j. The loader refuses cycles, so I - P^T is triangular up to an ordering.
  void solve_traffic()
  {
    const auto n = static_cast<Eigen::Index>(nodes_.size());
    std::vector<Eigen::Triplet<double>> entries;
    Eigen::VectorXd gamma(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Node& node = nodes_[static_cast<size_t>(i)];
      entries.emplace_back(i, i, 1.0);
      gamma(i) = node.external;
      if (!node.endpoint) continue;
      for (const CallConfig& call : node.endpoint->calls)
        entries.emplace_back(static_cast<Eigen::Index>(callee(call)), i, -call.probability);
    }
    Eigen::SparseMatrix<double> a(n, n);
    a.setFromTriplets(entries.begin(), entries.end());  // sums the entries of repeated calls
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    lu.compute(a);
    if (lu.info() != Eigen::Success) throw std::runtime_error("the traffic equations are singular");
    const Eigen::VectorXd rates = lu.solve(gamma);
    for (Eigen::Index i = 0; i < n; ++i) nodes_[static_cast<size_t>(i)].rate = std::max(0.0, rates(i));
  }

  // Each service's station from the demands its visits bring (work, work_after), where traffic flows.
  std::string build_stations()
  {
    stations_.assign(config_.services.size(), Station{});
    for (uint32_t s = 0; s < config_.services.size(); ++s) {
      const ServiceConfig& service = config_.services[s];
      Station& st = stations_[s];
      st.servers = static_cast<int>(service.servers.size());
      st.cores = service.servers.front().cores;
      const double speed = service.servers.front().speed;
      const engine::Distribution* exponential = nullptr;
      std::string exponential_at, zero_at;
      auto visit = [&](const engine::Distribution* d, const std::string& where, double rate) -> std::string {
        st.visit_rate += rate;
        if (is_zero(d)) {
          if (zero_at.empty()) zero_at = where;
          return {};
        }
        if (!is_exponential(*d))
          return "the " + where + " is " + d->describe() +
                 ": the network model needs exponential demands (or none), one mean per service";
        if (!exponential) {
          exponential = d;
          exponential_at = where;
        } else if (!detail::same(d->mean(), exponential->mean())) {
          return "service \"" + service.name + "\" has demands of different means (" + exponential_at + " " +
                 time_text(exponential->mean()) + ", " + where + " " + time_text(d->mean()) +
                 "): a FIFO station is M/M/c in a network only with one exponential rate for every visit (BCMP)";
        }
        return {};
      };
      for (size_t i = first_node(s); i < nodes_.size(); ++i) {
        const Node& node = nodes_[i];
        if (node.service != s || !(node.rate > 0)) continue;
        if (node.endpoint && node.endpoint->hold_core && !node.endpoint->calls.empty())
          return "endpoint " + node.name + " holds its core while its calls are out (hold_core: true): the station's "
                 "service time then includes the calls, which no product-form network has";
        if (std::string why = visit(node.work, "work of " + node.name, node.rate); !why.empty()) return why;
        if (node.endpoint && node.endpoint->work_after)
          if (std::string why = visit(node.endpoint->work_after.get(), "work_after of " + node.name, node.rate); !why.empty())
            return why;
      }
      if (!exponential) continue;  // a pass-through, or no traffic
      if (!zero_at.empty())
        return "the " + zero_at + " is 0 while the " + exponential_at +
               " is exponential: a visit without work still waits in the FIFO queue, so the station is not M/M/c";
      st.pass_through = false;
      st.mean_demand = exponential->mean() / speed;
      const double rho = st.visit_rate * st.mean_demand / (st.servers * st.cores);
      if (!(rho < 1))
        return "service \"" + service.name + "\" is overloaded (rho = " + number(rho) +
               " >= 1): its queue grows without bound and there is no steady state";
      const MmcResult q = mmc(st.cores, st.visit_rate / st.servers, 1.0 / st.mean_demand);
      st.p_wait = q.p_wait;
      st.wait = q.wq;
    }
    return {};
  }

  size_t first_node(uint32_t s) const { return config_.services[s].endpoints.empty() ? 0 : first_node_[s]; }

  // Mean time from a request's arrival at the node's service to its reply leaving it.
  double response(size_t i)
  {
    if (!std::isnan(nodes_[i].response)) return nodes_[i].response;
    const Node& node = nodes_[i];
    const Station& st = stations_[node.service];
    double r = st.sojourn();  // the work before the calls (a visit even without work)
    if (node.endpoint) {
      const std::vector<CallConfig>& calls = node.endpoint->calls;
      // Groups as the servers make them: consecutive parallel calls together, a sequential one alone.
      for (size_t first = 0; first < calls.size();) {
        size_t end = first + 1;
        if (calls[first].parallel)
          while (end < calls.size() && calls[end].parallel) ++end;
        if (end - first == 1) r += calls[first].probability * response(callee(calls[first]));
        else r += parallel_group(i, first, end);
        first = end;
      }
      if (node.endpoint->work_after) r += st.sojourn();
    }
    return nodes_[i].response = r;
  }

  double parallel_group(size_t i, size_t first, size_t end)
  {
    const std::vector<CallConfig>& calls = nodes_[i].endpoint->calls;
    if (const double mu = flatto_hahn_rate(i, first, end); mu > 0) {
      exact_fork_joins_ += (exact_fork_joins_.empty() ? "" : ", ") + nodes_[i].name;
      return fork_join_two_mm1(nodes_[i].rate, mu);
    }
    std::vector<ParallelBranch> branches;
    bool independent = true;
    for (size_t k = first; k < end; ++k) {
      const size_t j = callee(calls[k]);
      branches.push_back({calls[k].probability, response(j)});
      // One exponential visit where nothing waits: the branch is its own demand, drawn alone.
      const Station& st = stations_[nodes_[j].service];
      independent = independent && nodes_[j].endpoint->calls.empty() && (st.pass_through || st.p_wait <= kNoWait);
    }
    std::string& list = independent ? independent_fork_joins_ : approximated_;
    list += (list.empty() ? "" : ", ") + nodes_[i].name;
    return expected_max_of_exponentials(branches);
  }

  // mu when the group is the fork-join of Flatto and Hahn, else 0: two calls made always, to two
  // M/M/1 services of one rate that serve nothing but this fork; the forks a Poisson stream (the
  // node is reached only from Poisson clients and has no work before), and nothing after the join
  // (the group is all the endpoint does), so no other station sees the joined stream.
  double flatto_hahn_rate(size_t i, size_t first, size_t end) const
  {
    const Node& node = nodes_[i];
    const std::vector<CallConfig>& calls = node.endpoint->calls;
    if (end - first != 2 || calls.size() != 2 || node.endpoint->work_after) return 0;
    if (!stations_[node.service].pass_through || !detail::same(node.external, node.rate)) return 0;
    const CallConfig& a = calls[first];
    const CallConfig& b = calls[first + 1];
    if (a.probability != 1.0 || b.probability != 1.0 || a.service_index == b.service_index) return 0;
    double demand = 0;
    for (const CallConfig* call : {&a, &b}) {
      const Node& branch = nodes_[callee(*call)];
      const Station& st = stations_[branch.service];
      if (!branch.endpoint->calls.empty() || st.pass_through || st.servers != 1 || st.cores != 1) return 0;
      if (!detail::same(st.visit_rate, node.rate)) return 0;
      if (demand > 0 && !detail::same(demand, st.mean_demand)) return 0;
      demand = st.mean_demand;
    }
    return 1.0 / demand;
  }

  // "front 0 (pass-through), a 0.5, b 0.8"
  std::string loads_text() const
  {
    std::string text;
    for (size_t s = 0; s < stations_.size(); ++s) {
      const Station& st = stations_[s];
      text += (s ? ", " : "") + config_.services[s].name + " ";
      if (!(st.visit_rate > 0)) text += "idle";
      else if (st.pass_through) text += "0 (no work)";
      else text += number(st.visit_rate * st.mean_demand / (st.servers * st.cores));
    }
    return text;
  }

  void fill_flows(NetworkPrediction& out)
  {
    out.services.clear();
    for (uint32_t s = 0; s < config_.services.size(); ++s) {
      const ServiceConfig& service = config_.services[s];
      ServiceFlow flow;
      flow.name = service.name;
      if (s < stations_.size()) {
        const Station& st = stations_[s];
        flow.visit_rate = st.visit_rate;
        flow.mean_demand_s = st.mean_demand;
        flow.utilization = st.visit_rate * st.mean_demand / (st.servers * st.cores);
        flow.wait_s = st.wait;
      }
      const size_t endpoints = std::max<size_t>(1, service.endpoints.size());
      flow.endpoint_rates.assign(endpoints, 0.0);
      flow.endpoint_response_s.assign(endpoints, std::numeric_limits<double>::quiet_NaN());
      std::vector<double> weighted(endpoints, 0.0);
      for (size_t i = first_node(s); i < nodes_.size(); ++i) {
        const Node& node = nodes_[i];
        if (node.service != s) continue;
        const size_t e = node.endpoint ? i - first_node_[s] : 0;
        flow.arrival_rate += node.rate;
        flow.endpoint_rates[e] += node.rate;
        if (node.rate > 0) weighted[e] += node.rate * node.response;  // NaN until the responses are known
      }
      for (size_t e = 0; e < endpoints; ++e)
        if (flow.endpoint_rates[e] > 0) flow.endpoint_response_s[e] = weighted[e] / flow.endpoint_rates[e];
      out.services.push_back(std::move(flow));
    }
  }

  const SystemConfig& config_;
  std::vector<Node> nodes_;
  std::vector<size_t> first_node_;  // per service with endpoints: its first endpoint's node
  std::vector<Station> stations_;
  std::string approximated_;            // the endpoints whose parallel calls are approximated
  std::string independent_fork_joins_;  // the endpoints whose parallel calls never wait
  std::string exact_fork_joins_;        // the endpoints whose fork-join is Flatto and Hahn's
};

}  // namespace

NetworkPrediction jackson_network(const SystemConfig& config)
{
  try {
    return NetworkModel(config).solve();
  } catch (const std::exception& e) {
    NetworkPrediction out;
    out.prediction = no_model(std::string("the analytic solver failed: ") + e.what());
    return out;
  }
}

}  // namespace lbsim::models::analytic
