// The balancer as a queueing station (balancer.processing, models/balancers/balancer_frontend.hpp): with one
// worker and Poisson arrivals it is an M/M/1 (exponential processing) or an M/D/1 (constant)
// queue in front of the servers. The servers here practically never queue (64 cores each, at most 1.5
// busy on average), and their work is a constant 1 s, so the response time is the balancer's sojourn + 1 s.
// Mean processing 1 s (mu = 1), lambda = rho.
//   M/M/1: W = 1 / (mu - lambda), Lq = rho^2 / (1 - rho)
//   M/D/1: W = D + rho D / (2 (1 - rho)) (Pollaczek-Khinchine), Lq = rho^2 / (2 (1 - rho))
// Tolerances: validation_support.hpp (Student-t over 20 replications, alpha 5e-5 per check).
#include "tests/validation/validation_support.hpp"

#include <cmath>

using namespace lbsim::validation;

namespace {

void validate_station(const std::string& processing, double rho, double w_balancer, double lq)
{
  Case k;
  k.name = "balancer-" + processing.substr(0, 12) + "-rho" + label(rho);
  k.rate_per_s = rho;
  k.work = "1 s";
  k.servers_yaml = "balancer: {algorithm: round_robin, processing: " + processing +
                   "}\nservers:\n  - {name: s, count: 2, cores: 64}\n";
  k.warmup_s = 10.0 / ((1.0 - std::sqrt(rho)) * (1.0 - std::sqrt(rho)));
  // At rho 0.8 the sojourn is strongly autocorrelated: 50,000 requests leave the 95% half-width of W
  // above the 1.5% required (about 0.09 s against 0.075 s), 200,000 halve it.
  k.requests = rho >= 0.8 ? 200000 : 50000;
  const auto runs = run_replications(k);
  const std::string tag = processing + " rho " + label(rho);
  // W: 95% half-width within 1.5% of the balancer's sojourn, so an error of a few per cent in the
  // station (a lost worker, processing counted twice) fails.
  check_value(tag + " W (balancer + 1 s of work)", per_run(runs, [](const auto& s) { return s.latency_mean_s; }),
              w_balancer + 1.0, 0.015 * w_balancer);
  check_value(tag + " balancer utilization", per_run(runs, [](const auto& s) { return s.balancer->utilization; }),
              rho, 0.01 * rho);
  check_value(tag + " balancer Lq (mean_run_queue)",
              per_run(runs, [](const auto& s) { return s.balancer->mean_run_queue; }), lq, 0.04 * lq);
}

}  // namespace

TEST_CASE("L7 processing: the balancer is an M/M/1 station", "[validation][balancer]")
{
  for (const double rho : {0.5, 0.8})
    validate_station("{distribution: exponential, mean: 1 s}", rho, 1.0 / (1.0 - rho), rho * rho / (1.0 - rho));
}

TEST_CASE("L7 processing: constant processing makes an M/D/1 station", "[validation][balancer]")
{
  const double rho = 0.7;
  validate_station("1 s", rho, 1.0 + rho / (2.0 * (1.0 - rho)), rho * rho / (2.0 * (1.0 - rho)));
}

TEST_CASE("L7 processing with 2 workers is an M/M/2 station", "[validation][balancer]")
{
  // M/M/2 at rho = 0.75 per worker (lambda 1.5, mu 1): P0 = 1/7, Lq = 1.9286, W = 1 + Lq / lambda.
  const double lambda = 1.5, a = lambda, rho = a / 2.0;
  const double p0 = 1.0 / (1.0 + a + a * a / (2.0 * (1.0 - rho)));
  const double lq = p0 * a * a * rho / (2.0 * (1.0 - rho) * (1.0 - rho));
  Case k;
  k.name = "balancer-mm2";
  k.rate_per_s = lambda;
  k.work = "1 s";
  k.servers_yaml = "balancer: {algorithm: round_robin, workers: 2, processing: {distribution: exponential, mean: 1 s}}\n"
                   "servers:\n  - {name: s, count: 2, cores: 64}\n";
  k.warmup_s = 200;
  // At rho 0.8 the sojourn is strongly autocorrelated: 50,000 requests leave the 95% half-width of W
  // above the 1.5% required (about 0.09 s against 0.075 s), 200,000 halve it.
  k.requests = rho >= 0.8 ? 200000 : 50000;
  const auto runs = run_replications(k);
  const double w = 1.0 + lq / lambda;
  check_value("M/M/2 balancer W", per_run(runs, [](const auto& s) { return s.latency_mean_s; }), w + 1.0, 0.015 * w);
  check_value("M/M/2 balancer utilization", per_run(runs, [](const auto& s) { return s.balancer->utilization; }), rho,
              0.01 * rho);
}
