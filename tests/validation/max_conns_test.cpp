// max_conns against ../shared/reference/queueing.md sections 2 and 3. One server of c cores
// behind a balancer with max_conns = c never holds more requests than it has cores, so:
//   - with the backend queue (HAProxy, queue: true) and a queue_timeout no request reaches, the
//     waiting moves from the server to the balancer and the system is still M/M/c: the same mean
//     response time W, the balancer's mean queue length is M/M/c's Lq, the server's queue is empty;
//   - without a queue (nginx, queue: false) a request that finds the c slots taken is refused at
//     once: M/M/c/c, whose blocking probability is Erlang B.
// Mean service 1 s. Tolerances: validation_support.hpp (Student-t over 20 replications at alpha
// 5e-5 per check); each call states the precision it requires.
#include "tests/validation/validation_support.hpp"

#include <cmath>

using namespace lbsim::validation;

namespace {

std::string limited_server(int cores, bool queue)
{
  return std::string("balancer: {algorithm: round_robin, ") + (queue ? "queue_timeout: 1 d" : "queue: false") +
         "}\nservers:\n  - {name: s, cores: " + std::to_string(cores) + ", max_conns: " + std::to_string(cores) + "}\n";
}

}  // namespace

TEST_CASE("max_conns = cores with the backend queue is M/M/c, its queue at the balancer", "[validation][max_conns]")
{
  struct Row {
    int c;
    double rho, w, lq;  // queueing.md section 2
  };
  for (const Row row : {Row{2, 0.7, 1.96078, 1.3451}, Row{4, 0.7, 1.35721, 1.00019}}) {
    Case k;
    k.name = "max-conns-queue-c" + std::to_string(row.c);
    k.rate_per_s = row.c * row.rho;
    k.servers_yaml = limited_server(row.c, true);
    k.warmup_s = 10.0 / (row.c * (1.0 - std::sqrt(row.rho)) * (1.0 - std::sqrt(row.rho)));
    k.requests = 300000;
    const auto runs = run_replications(k);
    const std::string tag = "M/M/" + std::to_string(row.c) + " rho 0.7 behind max_conns";
    // W within 1% (95% half-width), as the M/M/c cases themselves (mm1_mmc_test.cpp): a queue that
    // served the wrong request first changes no mean, but a slot lost or given twice does.
    check_value(tag + " W", per_run(runs, [](const auto& s) { return s.latency_mean_s; }), row.w, 0.01 * row.w);
    // The queue is the balancer's now: its time-average length is Lq (3%, as there), the server's is 0.
    check_value(tag + " Lq (balancer queue mean_length)",
                per_run(runs, [](const auto& s) { return s.balancer->queue_mean_length; }), row.lq, 0.03 * row.lq);
    for (const auto& s : runs) {
      CHECK(s.servers.at(0).mean_queue == 0.0);
      CHECK(s.balancer->queue_timed_out == 0);
      CHECK(s.balancer->queued > 0);
    }
  }
}

TEST_CASE("max_conns = cores without a queue refuses as Erlang B (M/M/c/c)", "[validation][max_conns]")
{
  const int c = 4;
  const double a = 2.8;  // offered load in Erlangs: lambda 2.8/s, mean service 1 s
  double b = 1.0;        // Erlang B by the recursion B_k = a B_{k-1} / (k + a B_{k-1})
  for (int n = 1; n <= c; ++n) b = a * b / (n + a * b);
  Case k;
  k.name = "max-conns-no-queue-c4";
  k.rate_per_s = a;
  k.servers_yaml = limited_server(c, false);
  k.warmup_s = 100;
  k.requests = 200000;
  const auto runs = run_replications(k);
  // B(4, 2.8) = 0.1837: 1.5% of it, so that one slot too many or too few (B(5, 2.8) = 0.0933,
  // B(3, 2.8) = 0.3215) fails by far.
  check_value("M/M/4/4 P(block) = Erlang B",
              per_run(runs, [](const auto& s) { return static_cast<double>(s.balancer->refused_full) /
                                                       static_cast<double>(s.arrived); }),
              b, 0.015 * b);
  for (const auto& s : runs) CHECK(s.servers.at(0).mean_queue == 0.0);
}
