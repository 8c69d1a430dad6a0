// N single-core servers with exponential service behind a balancer, Poisson arrivals at N rho,
// against ../shared/reference/queueing.md sections 5, 2 and 7.
//
// round_robin: server k gets every N-th arrival, so its interarrival time is Erlang(N, N lambda)
// and it is an E_N/M/1 queue (GI/M/1): sigma = A*(mu (1 - sigma)), A*(s) = (N lambda / (N lambda
// + s))^N; W = 1 / (mu (1 - sigma)), T ~ Exp(mu (1 - sigma)).
// least_connections: sends each request to a server with the fewest active requests, i.e. join
// the shortest queue. It must beat round robin (it uses the queue lengths RR ignores) and cannot
// beat the M/M/N central queue (section 2), which never leaves a server idle while a request
// waits. With N = 2 it is exactly the JSQ system of section 7 (ties go round robin there and
// 50/50 in the reference; with two statistically identical servers the tie rule does not change
// the distribution of the number in system, so W is the same).
//
// Mean service 1 s. Tolerances: see validation_support.hpp (Student-t over 20 replications at
// alpha = 5e-5 per check, plus 1/256 of the value for histogram percentiles).
#include "tests/validation/validation_support.hpp"

#include <cmath>

using namespace lbsim::validation;

namespace {

// GI/M/1 with Erlang(N) interarrivals of mean 1/rho, mu = 1: the root in (0, 1) by bisection.
double round_robin_sigma(int n, double rho)
{
  const double rate = n * rho;  // of each of the N phases
  double lo = 0.0, hi = 1.0 - 1e-15;
  for (int i = 0; i < 200; ++i) {
    const double sigma = 0.5 * (lo + hi);
    const double transform = std::pow(rate / (rate + (1.0 - sigma)), n);
    (transform > sigma ? lo : hi) = sigma;  // f(sigma) = A*(1 - sigma) - sigma is > 0 below the root
  }
  return 0.5 * (lo + hi);
}

double rr_warmup_s(double rho) { return 10.0 / ((1.0 - std::sqrt(rho)) * (1.0 - std::sqrt(rho))); }

Case pool_case(const std::string& algorithm, int n, double rho, uint64_t requests)
{
  Case k;
  k.name = algorithm + "-n" + std::to_string(n) + "-rho" + label(rho);
  k.rate_per_s = n * rho;
  k.servers_yaml = "balancer: {algorithm: " + algorithm + "}\nservers:\n  - {name: s, count: " + std::to_string(n) +
                   ", cores: 1}\n";
  k.warmup_s = rr_warmup_s(rho);
  k.requests = requests;
  return k;
}

double mean_utilization(const lbsim::models::RunSummary& s)
{
  double sum = 0;
  for (const auto& server : s.servers) sum += server.utilization;
  return sum / static_cast<double>(s.servers.size());
}

struct PoolRow {
  int n;
  double rho;
  double rr_w, rr_t_p99;  // queueing.md section 5
  double mmn_w;           // queueing.md section 2, c = N (the central-queue lower bound)
  double jsq_w;           // queueing.md section 7, N = 2 only (0 otherwise)
  uint64_t requests;
};

void validate_round_robin(const PoolRow& row)
{
  const double sigma = round_robin_sigma(row.n, row.rho);
  const double w = 1.0 / (1.0 - sigma);
  // The GI/M/1 root computed here reproduces the table (6 significant digits as printed).
  CHECK(w == Approx(row.rr_w).epsilon(1e-5));
  CHECK(std::log(100.0) * w == Approx(row.rr_t_p99).epsilon(1e-5));

  const auto runs = run_replications(pool_case("round_robin", row.n, row.rho, row.requests));
  const std::string tag = "RR N " + std::to_string(row.n) + " rho " + label(row.rho);
  // W: required 95% half-width 1% (tol <= 2.5%). Round robin's gain over random routing is 19% to
  // 42% of W here (1.62 vs 2 ... 5.78 vs 10), and N = 2 vs N = 4 differ by 13% to 19%, so a
  // balancer that is not strictly cyclic, or a skipped server, fails.
  check_value(tag + " W", per_run(runs, [](const auto& s) { return s.latency_mean_s; }), row.rr_w, 0.01 * row.rr_w);
  // T ~ Exp(1 - sigma): T p99 = ln(100) W. 2% (tail), resolution p99/256.
  check_value(tag + " T p99", per_run(runs, [](const auto& s) { return percentile(s, 99); }), row.rr_t_p99,
              0.02 * row.rr_t_p99, row.rr_t_p99 * kHistogramResolution);
  // Every server is busy a fraction rho of the time: the mean over servers, 0.3% of rho.
  check_value(tag + " utilization (mean of servers)", per_run(runs, mean_utilization), row.rho, 0.003 * row.rho);
  check_little_reported(tag, runs, row.n);
}

// least_connections on the same pool: W below round robin's (analytic) and above the M/M/N
// central queue's, each by more than the tolerance of the estimate; with N = 2, W equal to JSQ's.
void validate_least_connections(const PoolRow& row)
{
  const auto runs = run_replications(pool_case("least_connections", row.n, row.rho, row.requests));
  const std::string tag = "LC N " + std::to_string(row.n) + " rho " + label(row.rho);
  const auto w = per_run(runs, [](const auto& s) { return s.latency_mean_s; });
  const Estimate e = estimate(w);
  std::printf("%-44s M/M/N %-9.6g < measured %-9.6g +- %-9.3g (95%%), tol %-9.3g < RR %-9.6g\n",
              (tag + " W").c_str(), row.mmn_w, e.mean, e.h95, e.tol, row.rr_w);
  INFO(tag << ": W " << e.mean << " +- " << e.h95 << " (95%), tolerance " << e.tol << "; M/M/" << row.n << " W "
           << row.mmn_w << ", round robin W " << row.rr_w);
  // The whole interval mean +- tol must lie strictly between the two bounds, so a vague estimate
  // cannot pass: these checks carry their own precision requirement. The narrowest gap is to
  // M/M/8 at rho 0.5 (1.015 against about 1.04).
  CHECK(e.mean + e.tol < row.rr_w);
  CHECK(e.mean - e.tol > row.mmn_w);
  if (row.n == 2) {
    // Section 7 (JSQ, exact): required 95% half-width 1% of W. JSQ lies 7% (rho 0.5) and 4%
    // (rho 0.9) above M/M/2, so a balancer that is "nearly" least-connections fails.
    check_value(tag + " W = JSQ (section 7)", w, row.jsq_w, 0.01 * row.jsq_w);
  }
  check_value(tag + " utilization (mean of servers)", per_run(runs, mean_utilization), row.rho, 0.003 * row.rho);
  check_little_reported(tag, runs, row.n);
}

}  // namespace

TEST_CASE("The E_N/M/1 root reproduces queueing.md section 5", "[validation][round_robin]")
{
  CHECK(round_robin_sigma(2, 0.5) == Approx(0.381966011250).epsilon(1e-10));
  CHECK(round_robin_sigma(2, 0.9) == Approx(0.868217893672).epsilon(1e-10));
  CHECK(round_robin_sigma(4, 0.5) == Approx(0.301931086878).epsilon(1e-10));
  CHECK(round_robin_sigma(4, 0.9) == Approx(0.843335070940).epsilon(1e-10));
  CHECK(round_robin_sigma(8, 0.5) == Approx(0.255051524435).epsilon(1e-10));
  CHECK(round_robin_sigma(8, 0.9) == Approx(0.827010955883).epsilon(1e-10));
  CHECK(round_robin_sigma(1, 0.9) == Approx(0.9).epsilon(1e-10));  // N = 1: Poisson, M/M/1
}

namespace {
const PoolRow kN2Rho05{2, 0.5, 1.61803, 7.45132, 1.33333, 1.4263207512, 300000};
const PoolRow kN2Rho09{2, 0.9, 7.58828, 34.9453, 5.26316, 5.4749127440, 1000000};
const PoolRow kN4Rho05{4, 0.5, 1.43252, 6.59701, 1.08696, 0, 300000};
// N = 4 at rho 0.9 needs half as many requests again as N = 2 and N = 8 for the same precision (at
// 1,000,000 the expected 95% half-width of W sits right at the required 1%).
const PoolRow kN4Rho09{4, 0.9, 6.38305, 29.395, 2.96938, 0, 1500000};
const PoolRow kN8Rho05{8, 0.5, 1.34237, 6.18186, 1.01476, 0, 300000};
const PoolRow kN8Rho09{8, 0.9, 5.78071, 26.6212, 1.87692, 0, 1000000};
}  // namespace

TEST_CASE("round_robin over 2 servers is E_2/M/1 per server", "[validation][round_robin]")
{
  validate_round_robin(kN2Rho05);
  validate_round_robin(kN2Rho09);
}
TEST_CASE("round_robin over 4 servers is E_4/M/1 per server", "[validation][round_robin]")
{
  validate_round_robin(kN4Rho05);
  validate_round_robin(kN4Rho09);
}
TEST_CASE("round_robin over 8 servers is E_8/M/1 per server", "[validation][round_robin]")
{
  validate_round_robin(kN8Rho05);
  validate_round_robin(kN8Rho09);
}

TEST_CASE("least_connections beats round_robin and not the central queue (2 servers)",
          "[validation][round_robin][least_connections]")
{
  validate_least_connections(kN2Rho05);
  validate_least_connections(kN2Rho09);
}
TEST_CASE("least_connections beats round_robin and not the central queue (4 servers)",
          "[validation][round_robin][least_connections]")
{
  validate_least_connections(kN4Rho05);
  validate_least_connections(kN4Rho09);
}
TEST_CASE("least_connections beats round_robin and not the central queue (8 servers)",
          "[validation][round_robin][least_connections]")
{
  validate_least_connections(kN8Rho05);
  validate_least_connections(kN8Rho09);
}

// Section 7 at rho 0.8 as well (0.5 and 0.9 are checked with the 2-server case above).
TEST_CASE("least_connections over 2 servers is join-the-shortest-queue at rho 0.8", "[validation][round_robin][jsq]")
{
  const auto runs = run_replications(pool_case("least_connections", 2, 0.8, 600000));
  check_value("LC N 2 rho 0.8 W = JSQ (section 7)", per_run(runs, [](const auto& s) { return s.latency_mean_s; }),
              2.9557366176, 0.01 * 2.9557366176);
  check_little_reported("LC N 2 rho 0.8", runs, 2);
}
