// The analytic solvers (models/analytic/) against ../shared/reference/queueing.md, and the choice
// of model for a scenario (model_match). Table values are quoted with the digits the reference
// prints; exact columns (rationals, 10 digits) are held to 1e-9.
#include "models/analytic/erlang.hpp"
#include "models/analytic/gim1.hpp"
#include "models/analytic/jackson.hpp"
#include "models/analytic/jsq_ctmc.hpp"
#include "models/analytic/mg1.hpp"
#include "models/analytic/model_match.hpp"
#include "models/analytic/mva.hpp"
#include "models/analytic/supermarket.hpp"
#include "models/analytic/tails.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace lbsim::models;
using namespace lbsim::models::analytic;
using Catch::Contains;

namespace {

// Relative tolerance matching a table value printed with 6 significant digits.
constexpr double kSix = 6e-6;

}  // namespace

TEST_CASE("Erlang C and M/M/c against queueing.md section 2", "[analytic][erlang]")
{
  struct Row {
    int c;
    double rho, c_exact, wq, w, lq, wq_p99, t_p50, t_p95, t_p99;
  };
  const Row rows[] = {
      {2, 0.5, 0.3333333333, 0.333333, 1.33333, 0.333333, 3.50656, 0.974412, 3.81646, 5.66596},
      {2, 0.7, 0.5764705882, 0.960784, 1.96078, 1.3451, 6.75723, 1.45114, 5.54553, 8.26558},
      {2, 0.9, 0.8526315789, 4.26316, 5.26316, 7.67368, 22.2287, 3.76916, 15.2972, 23.3444},
      {4, 0.5, 0.1739130435, 0.0869565, 1.08696, 0.173913, 1.42799, 0.78341, 3.1497, 4.76425},
      {4, 0.7, 0.4286543182, 0.357212, 1.35721, 1.00019, 3.13172, 1.02855, 3.7525, 5.49256},
      {4, 0.9, 0.7877532643, 1.96938, 2.96938, 7.08978, 10.9165, 2.2545, 8.16552, 12.1932},
      {8, 0.5, 0.0590439947, 0.014761, 1.01476, 0.059044, 0.443924, 0.710343, 3.01522, 4.62466},
      {8, 0.7, 0.2706029322, 0.112751, 1.11275, 0.631407, 1.37419, 0.816862, 3.17053, 4.78168},
      {8, 0.9, 0.7015329901, 0.876916, 1.87692, 6.3138, 5.31335, 1.48936, 4.92515, 7.08735},
      {16, 0.5, 0.009018809742, 0.00112735, 1.00113, 0.00901881, 0, 0.694425, 2.99702, 4.60646},
      {16, 0.7, 0.1296757921, 0.0270158, 1.02702, 0.302577, 0.533844, 0.724599, 3.02929, 4.63873},
      {16, 0.9, 0.5913433939, 0.36959, 1.36959, 5.32209, 2.54988, 1.07801, 3.62354, 5.26983},
  };
  for (const Row& r : rows) {
    INFO("c = " << r.c << ", rho = " << r.rho);
    const double a = r.c * r.rho;
    CHECK(erlang_c(r.c, a) == Approx(r.c_exact).epsilon(1e-9));
    const MmcResult q = mmc(r.c, a, 1.0);
    CHECK(q.p_wait == Approx(r.c_exact).epsilon(1e-9));
    CHECK(q.wq == Approx(r.wq).epsilon(kSix));
    CHECK(q.w == Approx(r.w).epsilon(kSix));
    CHECK(q.lq == Approx(r.lq).epsilon(kSix));
    CHECK(q.l == Approx(a * r.w).epsilon(kSix));
    CHECK(mmc_wait_percentile(q, 0.99) == Approx(r.wq_p99).epsilon(kSix).margin(1e-12));
    CHECK(mmc_response_percentile(q, 0.50) == Approx(r.t_p50).epsilon(kSix));
    CHECK(mmc_response_percentile(q, 0.95) == Approx(r.t_p95).epsilon(kSix));
    CHECK(mmc_response_percentile(q, 0.99) == Approx(r.t_p99).epsilon(kSix));
  }
  // Scaling: mu = 100/s (10 ms) at rho 0.8 is the M/M/1 of section 1 in milliseconds.
  const MmcResult fast = mmc(1, 80.0, 100.0);
  CHECK(fast.w == Approx(0.05).epsilon(1e-12));
  CHECK(mmc_response_percentile(fast, 0.99) == Approx(0.230259).epsilon(kSix));
  CHECK_THROWS_AS(mmc(2, 2.0, 1.0), std::domain_error);  // rho = 1
}

TEST_CASE("M/M/1 (c = 1) against queueing.md section 1", "[analytic][erlang]")
{
  const double rhos[] = {0.5, 0.8, 0.9, 0.95};
  const double w[] = {2, 5, 10, 20};
  const double p50[] = {1.38629, 3.46574, 6.93147, 13.8629};
  const double p99[] = {9.21034, 23.0259, 46.0517, 92.1034};
  const double wq_p99[] = {7.82405, 21.9101, 44.9981, 91.0775};
  for (int i = 0; i < 4; ++i) {
    const MmcResult q = mmc(1, rhos[i], 1.0);
    CHECK(q.p_wait == Approx(rhos[i]).epsilon(1e-12));
    CHECK(q.w == Approx(w[i]).epsilon(1e-12));
    CHECK(mmc_response_percentile(q, 0.5) == Approx(p50[i]).epsilon(kSix));
    CHECK(mmc_response_percentile(q, 0.99) == Approx(p99[i]).epsilon(kSix));
    CHECK(mmc_wait_percentile(q, 0.99) == Approx(wq_p99[i]).epsilon(kSix));
  }
}

TEST_CASE("M/M/c/K and Erlang B against queueing.md section 3", "[analytic][erlang]")
{
  struct Row {
    double a, p_block_exact, x, l, lq, w, wq, p_wait;
  };
  const Row rows[] = {
      {3, 2187.0 / 47711.0, 2.86248, 3.50083, 0.638343, 1.223, 0.223003, 0.415166},
      {4, 32.0 / 231.0, 3.44589, 4.83117, 1.38528, 1.40201, 0.40201, 0.643216},
      {6, 2187.0 / 6185.0, 3.87842, 6.41908, 2.54066, 1.65508, 0.655078, 0.877939},
  };
  for (const Row& r : rows) {
    INFO("M/M/4/8, a = " << r.a);
    const MmckResult q = mmck(4, 8, r.a, 1.0);
    CHECK(q.p_block == Approx(r.p_block_exact).epsilon(1e-12));
    CHECK(q.throughput == Approx(r.x).epsilon(kSix));
    CHECK(q.l == Approx(r.l).epsilon(kSix));
    CHECK(q.lq == Approx(r.lq).epsilon(kSix));
    CHECK(q.w == Approx(r.w).epsilon(kSix));
    CHECK(q.wq == Approx(r.wq).epsilon(kSix));
    CHECK(q.p_wait_admitted == Approx(r.p_wait).epsilon(kSix));
    // The response-time distribution of admitted requests: its mean is W.
    double mean = 0;  // integral of P(T > t) over [0, 40] by Simpson's rule
    const int steps = 4000;
    const double dt = 40.0 / steps;
    for (int i = 0; i <= steps; ++i)
      mean += (i == 0 || i == steps ? 1.0 : (i % 2 ? 4.0 : 2.0)) * mmck_response_tail(q, i * dt) * dt / 3.0;
    CHECK(mean == Approx(q.w).epsilon(1e-6));
  }

  // Erlang B table: c x a.
  const int cs[] = {4, 8, 16};
  const double as[] = {2, 6, 12};
  const double table[3][3] = {{0.095238095, 0.46956522, 0.69846403},
                              {0.00085947572, 0.12187578, 0.42265511},
                              {4.2390777e-10, 0.00033427929, 0.060412592}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      INFO("Erlang B c = " << cs[i] << ", a = " << as[j]);
      CHECK(erlang_b(cs[i], as[j]) == Approx(table[i][j]).epsilon(1e-7));
      CHECK(mmck(cs[i], cs[i], as[j], 1.0).p_block == Approx(table[i][j]).epsilon(1e-7));  // M/M/c/c
    }

  // A large K is the infinite queue: M/M/c's percentiles, for c = 1 and c > 1.
  CHECK(mmck_response_percentile(mmck(1, 2000, 0.8, 1.0), 0.99) == Approx(23.0259).epsilon(kSix));
  CHECK(mmck_response_percentile(mmck(4, 2000, 3.6, 1.0), 0.99) == Approx(12.1932).epsilon(kSix));
  CHECK(mmck(4, 2000, 3.6, 1.0).w == Approx(2.96938).epsilon(kSix));
  // Overload is fine with a finite queue: nearly every place taken.
  CHECK(mmck(1, 10, 5.0, 1.0).p_block > 0.79);
}

TEST_CASE("Pollaczek-Khinchine against queueing.md section 4", "[analytic][mg1]")
{
  struct Row {
    double scv, third, rho, wq, w, lq, l, wq2;
  };
  const Row rows[] = {
      {0, 1, 0.5, 0.5, 1.5, 0.25, 0.75, 0.833333},     {0, 1, 0.8, 2, 3, 1.6, 2.4, 9.33333},
      {0, 1, 0.9, 4.5, 5.5, 4.05, 4.95, 43.5},         {4, 125, 0.5, 2.5, 3.5, 1.25, 1.75, 54.1667},
      {4, 125, 0.8, 10, 11, 8, 8.8, 366.667},          {4, 125, 0.9, 22.5, 23.5, 20.25, 21.15, 1387.5},
      {4, 60, 0.5, 2.5, 3.5, 1.25, 1.75, 32.5},        {4, 60, 0.8, 10, 11, 8, 8.8, 280},
      {4, 60, 0.9, 22.5, 23.5, 20.25, 21.15, 1192.5},  {1, 6, 0.5, 1, 2, 0.5, 1, 4},
      {1, 6, 0.8, 4, 5, 3.2, 4, 40},                   {1, 6, 0.9, 9, 10, 8.1, 9, 180},
  };
  for (const Row& r : rows) {
    INFO("SCV " << r.scv << ", E[S^3] " << r.third << ", rho " << r.rho);
    const Mg1Result q = mg1(r.rho, ServiceMoments{1.0, r.scv, r.third});
    CHECK(q.wq == Approx(r.wq).epsilon(1e-12));
    CHECK(q.w == Approx(r.w).epsilon(1e-12));
    CHECK(q.lq == Approx(r.lq).epsilon(1e-12));
    CHECK(q.l == Approx(r.l).epsilon(1e-12));
    REQUIRE(q.wq_second_moment);
    CHECK(*q.wq_second_moment == Approx(r.wq2).epsilon(kSix));
    CHECK(q.p_wait == Approx(r.rho));
  }
  // Units: E[S] = 10 ms, rho = 0.8, D: Wq = 20 ms.
  CHECK(mg1(80.0, ServiceMoments{0.01, 0.0, std::nullopt}).wq == Approx(0.02).epsilon(1e-12));
  CHECK_THROWS_AS(mg1(1.0, ServiceMoments{1.0, 1.0, std::nullopt}), std::domain_error);

  // Mixture of two exponentials, means 0.5 and 1.5, equally likely: E[S] = 1, E[S^2] = 2.5, SCV 1.5.
  const std::vector<MixtureComponent> mix = {{1, 0.5, 0.25}, {1, 1.5, 2.25}};
  const ServiceMoments m = mixture_moments(mix);
  CHECK(m.mean == Approx(1.0).epsilon(1e-12));
  CHECK(m.scv == Approx(1.5).epsilon(1e-12));
  // A mixture of one distribution with itself is that distribution.
  const std::vector<MixtureComponent> same = {{0.3, 2.0, 4.0}, {0.7, 2.0, 4.0}};
  CHECK(mixture_moments(same).scv == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("The E_N/M/1 root against queueing.md section 5", "[analytic][gim1]")
{
  struct Row {
    int n;
    double rho, sigma, w, wq, t_p99;
  };
  const Row rows[] = {
      {2, 0.5, 0.381966011250, 1.61803, 0.618034, 7.45132}, {2, 0.9, 0.868217893672, 7.58828, 6.58828, 34.9453},
      {4, 0.5, 0.301931086878, 1.43252, 0.432523, 6.59701}, {4, 0.9, 0.843335070940, 6.38305, 5.38305, 29.395},
      {8, 0.5, 0.255051524435, 1.34237, 0.342375, 6.18186}, {8, 0.9, 0.827010955883, 5.78071, 4.78071, 26.6212},
  };
  for (const Row& r : rows) {
    INFO("N = " << r.n << ", rho = " << r.rho);
    const Gim1Result q = en_m1(r.n, r.rho, 1.0);
    CHECK(q.sigma == Approx(r.sigma).epsilon(1e-11));
    CHECK(q.w == Approx(r.w).epsilon(kSix));
    CHECK(q.wq == Approx(r.wq).epsilon(kSix));
    CHECK(gim1_response_percentile(q, 0.99) == Approx(r.t_p99).epsilon(kSix));
  }
  CHECK(en_m1(1, 0.9, 1.0).sigma == Approx(0.9).epsilon(1e-12));  // N = 1: Poisson, M/M/1
  CHECK(en_m1(2, 50.0, 100.0).w == Approx(0.0161803).epsilon(kSix));  // seconds at mu = 100/s
}

TEST_CASE("The supermarket model against queueing.md section 6", "[analytic][supermarket]")
{
  struct Row {
    double lambda, t2, t3, t2_p50, t2_p95, t2_p99, t3_p50, t3_p95, t3_p99;
  };
  const Row rows[] = {
      {0.5, 1.265686, 1.1252441, 0.901587, 3.70587, 5.57536, 0.787054, 3.34613, 5.1003},
      {0.7, 1.6144538, 1.3568422, 1.21411, 4.49963, 6.5607, 0.990744, 3.8868, 5.7715},
      {0.8, 1.9473634, 1.5808856, 1.53285, 5.18064, 7.37386, 1.20362, 4.35187, 6.33282},
      {0.9, 2.6140574, 2.027856, 2.20187, 6.40334, 8.79097, 1.64719, 5.18948, 7.30938},
      {0.95, 3.383046, 2.5351335, 2.99373, 7.66458, 10.2177, 2.16303, 6.04875, 8.29336},
      {0.99, 5.4319966, 3.8578465, 5.10216, 10.6269, 13.4968, 3.5134, 8.04285, 10.5266},
  };
  for (const Row& r : rows) {
    INFO("lambda = " << r.lambda);
    const SupermarketResult d2 = supermarket(r.lambda, 2);
    const SupermarketResult d3 = supermarket(r.lambda, 3);
    CHECK(d2.w == Approx(r.t2).epsilon(1e-6));
    CHECK(d3.w == Approx(r.t3).epsilon(1e-6));
    CHECK(supermarket_response_percentile(d2, 0.50) == Approx(r.t2_p50).epsilon(kSix));
    CHECK(supermarket_response_percentile(d2, 0.95) == Approx(r.t2_p95).epsilon(kSix));
    CHECK(supermarket_response_percentile(d2, 0.99) == Approx(r.t2_p99).epsilon(kSix));
    CHECK(supermarket_response_percentile(d3, 0.50) == Approx(r.t3_p50).epsilon(kSix));
    CHECK(supermarket_response_percentile(d3, 0.95) == Approx(r.t3_p95).epsilon(kSix));
    CHECK(supermarket_response_percentile(d3, 0.99) == Approx(r.t3_p99).epsilon(kSix));
    CHECK(d2.p_wait == Approx(r.lambda * r.lambda));
    // d = 1 is random routing: M/M/1.
    const SupermarketResult d1 = supermarket(r.lambda, 1);
    CHECK(d1.w == Approx(1.0 / (1.0 - r.lambda)).epsilon(1e-12));
    CHECK(supermarket_response_percentile(d1, 0.99) == Approx(std::log(100.0) / (1.0 - r.lambda)).epsilon(1e-9));
  }
  // s_i for d = 2 at lambda 0.9: 0.9, 0.729, 0.4783, 0.20589.
  const SupermarketResult q = supermarket(0.9, 2);
  CHECK(q.s.at(1) == Approx(0.9));
  CHECK(q.s.at(2) == Approx(0.729));
  CHECK(q.s.at(3) == Approx(0.4783).epsilon(1e-4));
  CHECK(q.s.at(4) == Approx(0.20589).epsilon(1e-4));
}

TEST_CASE("The JSQ Markov chain against queueing.md section 7", "[analytic][jsq]")
{
  // The reference truncates each queue at M (60 or 100); this chain truncates the shortest queue
  // and the differences, each far enough that nothing it drops shows in 10 digits. At rho 0.9
  // the reference's M = 100 is itself 7.7e-8 short of its M = 140 value, 5.4749128212.
  struct Row {
    double rho, w, w_tolerance, p_wait, t_p50, t_p95, t_p99;
  };
  const Row rows[] = {
      {0.5, 1.4263207512, 1e-10, 0.315967, 1.00192, 4.22572, 6.42794},
      {0.8, 2.9557366176, 1e-10, 0.694165, 2.11791, 8.61025, 13.0844},
      {0.9, 5.4749127440, 2e-8, 0.842246, 3.89441, 16.037, 24.5077},
  };
  for (const Row& r : rows) {
    INFO("rho = " << r.rho);
    const JsqResult q = jsq(2, 2 * r.rho, 1.0);
    CHECK(q.w == Approx(r.w).epsilon(r.w_tolerance));
    CHECK(q.p_wait == Approx(r.p_wait).epsilon(kSix));
    CHECK(jsq_response_percentile(q, 0.50) == Approx(r.t_p50).epsilon(kSix));
    CHECK(jsq_response_percentile(q, 0.95) == Approx(r.t_p95).epsilon(kSix));
    CHECK(jsq_response_percentile(q, 0.99) == Approx(r.t_p99).epsilon(kSix));
    CHECK(q.balance_residual < 1e-12);
    CHECK(q.p_lost < 1e-13);
    CHECK(q.p_edge < 1e-13);
    CHECK(q.l == Approx(q.w * q.throughput).epsilon(1e-12));
    // Internal check: E[K] + 1 (the mean of the Erlang mixture) reproduces W = L / X.
    double mean_k = 0;
    for (std::size_t j = 1; j < q.joined_tail.size(); ++j) mean_k += q.joined_tail[j];
    CHECK(mean_k + 1.0 == Approx(q.w).epsilon(1e-9));
  }
  CHECK(jsq(2, 1.8, 1.0).w == Approx(5.4749128212).epsilon(1e-10));  // the reference at M = 140
  // A short truncation loses what the reference says it loses to the same order: at rho 0.9 the
  // shortest queue reaches 30 with probability about 0.9^60 = 2e-3.
  JsqOptions shallow;
  shallow.levels = 30;
  const JsqResult cut = jsq(2, 1.8, 1.0, shallow);
  CHECK(cut.p_lost > 1e-4);
  CHECK(cut.w < 5.4749128212);
  // Seconds: mu = 100/s.
  CHECK(jsq(2, 160.0, 100.0).w == Approx(0.029557366176).epsilon(1e-9));
  // One server is M/M/1; three and four lie between the central queue M/M/N and round robin (E_N/M/1).
  CHECK(jsq(1, 0.8, 1.0).w == Approx(5.0).epsilon(1e-9));
  for (int n : {3, 4}) {
    INFO("N = " << n);
    const JsqResult q = jsq(n, n * 0.7, 1.0);
    CHECK(q.p_edge + q.p_lost < 1e-6);  // what model_match accepts
    CHECK(q.w > mmc(n, n * 0.7, 1.0).w);
    CHECK(q.w < en_m1(n, 0.7, 1.0).w);
    CHECK(q.w < jsq(n - 1, (n - 1) * 0.7, 1.0).w);  // more servers at the same load: shorter
  }
  CHECK_THROWS_AS(jsq(2, 2.0, 1.0), std::domain_error);
}

TEST_CASE("Exact MVA against queueing.md section 8 and a two-station example", "[analytic][mva]")
{
  // Machine repairman: Z = 1, one exponential server S = 0.1.
  const std::vector<MvaStation> one = {{"server", 0.1, false}};
  struct Row {
    int n;
    double r, x, q;
  };
  const Row rows[] = {{1, 0.1, 0.90909091, 0.090909091},
                      {5, 0.1466632178, 4.3604782, 0.63952177},
                      {10, 0.2732079439, 7.8541766, 2.1458234},
                      {20, 1.0037450995, 9.9813095, 10.01869}};
  for (const Row& r : rows) {
    INFO("N = " << r.n);
    const MvaResult m = mva(one, r.n, 1.0);
    CHECK(m.response == Approx(r.r).epsilon(1e-9));
    CHECK(m.throughput == Approx(r.x).epsilon(1e-7));
    CHECK(m.station_queue[0] == Approx(r.q).epsilon(1e-6));
    CHECK(m.station_utilization[0] == Approx(r.x * 0.1).epsilon(1e-7));
    CHECK(r.n / m.throughput - 1.0 == Approx(m.response).epsilon(1e-12));  // response-time law
  }

  // By hand: two queues with demands 1 and 2, no think time, two users.
  //   n = 1: R = 1 + 2 = 3, X = 1/3, Q = (1/3, 2/3)
  //   n = 2: R1 = 1 (1 + 1/3) = 4/3, R2 = 2 (1 + 2/3) = 10/3, R = 14/3, X = 3/7, Q = (4/7, 10/7)
  const std::vector<MvaStation> two = {{"cpu", 1.0, false}, {"disk", 2.0, false}};
  const std::vector<MvaResult> all = mva_all(two, 2, 0.0);
  REQUIRE(all.size() == 2);
  CHECK(all[0].response == Approx(3.0));
  CHECK(all[0].throughput == Approx(1.0 / 3.0));
  CHECK(all[1].station_response[0] == Approx(4.0 / 3.0));
  CHECK(all[1].station_response[1] == Approx(10.0 / 3.0));
  CHECK(all[1].response == Approx(14.0 / 3.0));
  CHECK(all[1].throughput == Approx(3.0 / 7.0));
  CHECK(all[1].station_queue[0] == Approx(4.0 / 7.0));
  CHECK(all[1].station_queue[1] == Approx(10.0 / 7.0));
  CHECK(all[1].station_utilization[1] == Approx(6.0 / 7.0));

  // A delay station adds its demand and never queues.
  const std::vector<MvaStation> with_delay = {{"cpu", 1.0, false}, {"network", 0.5, true}};
  const MvaResult d = mva(with_delay, 3, 0.0);
  CHECK(d.station_response[1] == Approx(0.5));
  CHECK(mva(one, 0, 1.0).throughput == 0.0);
  CHECK_THROWS_AS(mva(one, -1, 1.0), std::domain_error);
}

TEST_CASE("Tails and percentiles of Erlang mixtures", "[analytic]")
{
  // K = 0 always: Exp(mu).
  CHECK(erlang_mixture_tail(2.0, 1.0, {1.0}) == Approx(std::exp(-2.0)));
  // Poisson terms without underflow at large x.
  const std::vector<double> terms = poisson_terms(2000.0, 2100);
  CHECK(terms[2000] == Approx(1.0 / std::sqrt(2.0 * 3.141592653589793 * 2000.0)).epsilon(1e-3));
  CHECK(percentile_from_tail([](double t) { return std::exp(-t); }, 0.99, 1.0) == Approx(std::log(100.0)).epsilon(1e-10));
}

// ------------------------------------------------------------------------------------------------
// model_match: which model a configuration is.

namespace {

SystemConfig scenario(double rate, DistributionPtr work, int servers, const std::string& algorithm = "",
                      int cores = 1)
{
  SystemConfig config;
  config.name = "test";
  ClientGroupConfig group;
  group.name = "load";
  group.arrivals.rate_per_s = rate;
  RequestType type;
  type.work = std::move(work);
  group.mix.push_back(type);
  config.clients.push_back(group);
  config.services.emplace_back().name = "service";
  for (int i = 0; i < servers; ++i) {
    ServerConfig s;
    s.name = "s" + std::to_string(i + 1);
    s.cores = cores;
    config.services.front().servers.push_back(s);
  }
  if (!algorithm.empty()) {
    BalancerConfig b;
    b.algorithm = algorithm;
    config.services.front().balancer = b;
  }
  return config;
}

DistributionPtr exponential(double mean) { return lbsim::engine::make_exponential(mean); }

}  // namespace

TEST_CASE("model_match: one server", "[analytic][model_match]")
{
  // The contract's mm1.yaml: 80/s, exponential 10 ms.
  AnalyticPrediction p = match_model(scenario(80, exponential(0.01), 1));
  REQUIRE(p.applies());
  CHECK(p.model == "M/M/1");
  CHECK(p.mean_s == Approx(0.05).epsilon(1e-12));
  REQUIRE(p.p99_s);
  CHECK(*p.p99_s == Approx(0.230259).epsilon(kSix));
  CHECK_FALSE(p.p_block);

  // With a network, response times include transfers the queueing models do not know.
  SystemConfig networked = scenario(80, exponential(0.01), 1);
  networked.network.emplace();
  const AnalyticPrediction none = match_model(networked);
  CHECK_FALSE(none.applies());
  CHECK(none.reason.find("network") != std::string::npos);

  // Speed divides work: speed 2 serves exponential 20 ms in 10 ms.
  SystemConfig fast = scenario(80, exponential(0.02), 1);
  fast.services.front().servers[0].speed = 2.0;
  CHECK(match_model(fast).mean_s == Approx(0.05).epsilon(1e-12));

  // M/M/4/8: four cores, four waiting places, a = 3.
  SystemConfig finite = scenario(3, exponential(1), 1, "", 4);
  finite.services.front().servers[0].queue_limit = 4;
  p = match_model(finite);
  CHECK(p.model == "M/M/4/8");
  REQUIRE(p.p_block);
  CHECK(*p.p_block == Approx(2187.0 / 47711.0).epsilon(1e-12));
  CHECK(p.mean_s == Approx(1.223).epsilon(kSix));

  // Erlang B for any work: queue_limit 0, constant service.
  SystemConfig loss = scenario(6, lbsim::engine::make_constant(1.0), 1, "", 8);
  loss.services.front().servers[0].queue_limit = 0;
  p = match_model(loss);
  CHECK_THAT(p.model, Contains("Erlang B"));
  CHECK(*p.p_block == Approx(0.12187578).epsilon(1e-7));
  CHECK(p.mean_s == Approx(1.0));

  // M/G/1: lognormal cv 2 at rho 0.8 (section 4: W = 11), no percentile.
  p = match_model(scenario(0.8, lbsim::engine::make_lognormal(1.0, 2.0), 1));
  CHECK_THAT(p.model, Contains("M/G/1"));
  CHECK(p.mean_s == Approx(11.0).epsilon(1e-12));
  CHECK_FALSE(p.p99_s);
  CHECK_THAT(match_model(scenario(0.8, lbsim::engine::make_constant(1.0), 1)).model, Contains("M/D/1"));

  // Erlang k = 1 is exponential in law.
  CHECK(match_model(scenario(0.5, lbsim::engine::make_erlang(1.0, 1), 1)).model == "M/M/1");

  // A mix of two request types (exponential 0.5 s and 1.5 s, equal shares) at 0.5/s: SCV 1.5,
  // Wq = 0.5 x 2.5 / (2 x 0.5) = 1.25, W = 2.25.
  SystemConfig mix = scenario(0.5, exponential(0.5), 1);
  RequestType other = mix.clients[0].mix[0];
  other.work = exponential(1.5);
  mix.clients[0].mix.push_back(other);
  mix.clients[0].mix[0].share = mix.clients[0].mix[1].share = 0.5;
  p = match_model(mix);
  CHECK_THAT(p.model, Contains("M/G/1"));
  CHECK(p.mean_s == Approx(2.25).epsilon(1e-12));
  // Two client groups with the same exponential work: Poisson superposition, M/M/1 at the sum.
  SystemConfig groups = scenario(30, exponential(0.01), 1);
  groups.clients.push_back(groups.clients[0]);
  groups.clients[1].name = "more";
  groups.clients[1].arrivals.rate_per_s = 50;
  CHECK(match_model(groups).mean_s == Approx(0.05).epsilon(1e-12));

  // No model: multi-core general work, overload, non-Poisson arrivals, infinite variance.
  CHECK_THAT(match_model(scenario(1, lbsim::engine::make_constant(1.0), 1, "", 2)).reason, Contains("M/G/c"));
  CHECK_THAT(match_model(scenario(120, exponential(0.01), 1)).reason, Contains("overloaded"));
  SystemConfig constant = scenario(80, exponential(0.01), 1);
  constant.clients[0].arrivals.process = ArrivalConfig::Process::constant;
  p = match_model(constant);
  CHECK_FALSE(p.applies());
  CHECK_THAT(p.reason, Contains("Poisson"));
  CHECK_THAT(match_model(scenario(0.5, lbsim::engine::make_pareto(1.0, 1.5), 1)).reason, Contains("infinite variance"));
}

TEST_CASE("model_match: pools of identical servers", "[analytic][model_match]")
{
  // Round robin over 4 at rho 0.9: E_4/M/1 (section 5).
  AnalyticPrediction p = match_model(scenario(3.6, exponential(1), 4, "round_robin"));
  CHECK(p.model == "E_4/M/1 per server (round robin over 4)");
  CHECK(p.mean_s == Approx(6.38305).epsilon(kSix));
  CHECK(*p.p99_s == Approx(29.395).epsilon(kSix));

  // Random routing: M/M/1 at rho per server.
  p = match_model(scenario(1.6, exponential(1), 2, "random"));
  CHECK_THAT(p.model, Contains("M/M/1 per server"));
  CHECK(p.mean_s == Approx(5.0).epsilon(1e-12));

  // Least connections over 2 at rho 0.8: JSQ (section 7).
  p = match_model(scenario(1.6, exponential(1), 2, "least_connections"));
  CHECK_THAT(p.model, Contains("JSQ"));
  CHECK(p.mean_s == Approx(2.9557366176).epsilon(1e-9));
  CHECK(*p.p99_s == Approx(13.0844).epsilon(kSix));

  // Power of two choices over 100 at rho 0.9: the supermarket limit, said to be a limit.
  SystemConfig p2c = scenario(90, exponential(1), 100, "power_of_two_choices");
  p = match_model(p2c);
  CHECK_THAT(p.model, Contains("N -> infinity"));
  CHECK(p.mean_s == Approx(2.6140574).epsilon(1e-6));
  // ... with d >= N it samples every server: JSQ.
  SystemConfig p2c_small = scenario(1.6, exponential(1), 2, "power_of_two_choices");
  CHECK(match_model(p2c_small).mean_s == Approx(2.9557366176).epsilon(1e-9));
  // ... and over 10 servers there is no model.
  p = match_model(scenario(9, exponential(1), 10, "power_of_two_choices"));
  CHECK_FALSE(p.applies());
  CHECK_THAT(p.reason, Contains("N -> infinity"));

  // No model: different servers, hash balancers, least connections over many servers, multi-core RR.
  SystemConfig mixed = scenario(1, exponential(1), 2, "round_robin");
  mixed.services.front().servers[1].speed = 2;
  CHECK_THAT(match_model(mixed).reason, Contains("servers differ"));
  CHECK_THAT(match_model(scenario(1, exponential(1), 2, "ip_hash")).reason, Contains("hash"));
  CHECK_THAT(match_model(scenario(1, exponential(1), 20, "least_connections")).reason, Contains("at most"));
  CHECK_THAT(match_model(scenario(1, exponential(1), 2, "round_robin", 2)).reason, Contains("2 cores"));
  CHECK_THAT(match_model(scenario(1, exponential(1), 2, "least_response_time")).reason, Contains("least_response_time"));
}

// ------------------------------------------------------------------------------------------------
// jackson_network: open networks of services (models/analytic/jackson.hpp).

namespace {

ServiceConfig service_of(const std::string& name, int servers = 1, int cores = 1, const std::string& algorithm = "")
{
  ServiceConfig s;
  s.name = name;
  for (int i = 0; i < servers; ++i) {
    ServerConfig server;
    server.name = name + std::to_string(i + 1);
    server.cores = cores;
    s.servers.push_back(server);
  }
  if (!algorithm.empty()) {
    BalancerConfig b;
    b.algorithm = algorithm;
    s.balancer = b;
  }
  return s;
}

EndpointConfig endpoint_of(const std::string& path, DistributionPtr work)
{
  EndpointConfig e;
  e.method = "GET";
  e.path = path;
  e.work = std::move(work);
  return e;
}

CallConfig call_to(uint32_t service, int32_t endpoint, double probability = 1.0, bool parallel = false)
{
  CallConfig c;
  c.service_index = service;
  c.endpoint = endpoint;
  c.probability = probability;
  c.parallel = parallel;
  return c;
}

// Poisson clients at `rate` to services[0], one request type per (endpoint, share).
SystemConfig network_of(double rate, std::vector<ServiceConfig> services,
                        const std::vector<std::pair<int32_t, double>>& mix = {{0, 1.0}})
{
  SystemConfig config;
  config.name = "network";
  config.services_section = true;
  config.services = std::move(services);
  ClientGroupConfig group;
  group.name = "load";
  group.arrivals.rate_per_s = rate;
  for (const auto& [endpoint, share] : mix) {
    RequestType type;
    type.endpoint = endpoint;
    type.share = share;
    group.mix.push_back(type);
  }
  config.clients.push_back(group);
  return config;
}

// A front service without work fanning out in parallel to k services of `cores` cores, each
// exponential of mean `mean`.
SystemConfig fan_out(double rate, int k, double mean, int cores)
{
  std::vector<ServiceConfig> services;
  services.push_back(service_of("front", 1, 64));
  EndpointConfig front = endpoint_of("/", nullptr);
  for (int i = 1; i <= k; ++i) {
    services.push_back(service_of("b" + std::to_string(i), 1, cores));
    services.back().endpoints.push_back(endpoint_of("/", exponential(mean)));
    front.calls.push_back(call_to(static_cast<uint32_t>(i), 0, 1.0, true));
  }
  services.front().endpoints.push_back(front);
  return network_of(rate, std::move(services));
}

}  // namespace

TEST_CASE("E[max] of independent exponentials: H_k and inclusion-exclusion", "[analytic][jackson]")
{
  // gateway.md V16: k branches of mean 10 ms give H_k x 10 ms.
  const std::pair<int, double> table[] = {{2, 0.015}, {3, 0.0183333}, {5, 0.0228333}, {10, 0.0292897}};
  for (const auto& [k, value] : table) {
    const std::vector<ParallelBranch> branches(static_cast<size_t>(k), ParallelBranch{1.0, 0.010});
    CHECK(expected_max_of_exponentials(branches) == Approx(value).epsilon(kSix));
  }
  double harmonic = 0;
  for (int k = 1; k <= 20; ++k) {
    harmonic += 1.0 / k;
    const std::vector<ParallelBranch> branches(static_cast<size_t>(k), ParallelBranch{1.0, 1.0});
    CHECK(expected_max_of_exponentials(branches) == Approx(harmonic).epsilon(1e-9));
  }
  CHECK_THROWS_AS(expected_max_of_exponentials(std::vector<ParallelBranch>(21, ParallelBranch{1.0, 1.0})),
                  std::domain_error);
  // Two rates: 1/a + 1/b - 1/(a + b).
  CHECK(expected_max_of_exponentials({{1.0, 0.5}, {1.0, 0.25}}) == Approx(0.5 + 0.25 - 1.0 / 6.0).epsilon(1e-12));
  // A branch made with probability p: p x mean alone; branches never made or taking no time drop out.
  CHECK(expected_max_of_exponentials({{0.3, 2.0}}) == Approx(0.6).epsilon(1e-12));
  CHECK(expected_max_of_exponentials({{1.0, 2.0}, {1.0, 0.0}}) == Approx(2.0).epsilon(1e-12));
  // With probabilities: against the integral of 1 - prod_i (1 - p_i e^{-t/m_i}) (Simpson, fine steps).
  const std::vector<ParallelBranch> mixed = {{0.3, 1.0}, {0.8, 0.5}, {1.0, 2.0}};
  auto survival = [&](double t) {
    double all_done = 1;
    for (const ParallelBranch& b : mixed) all_done *= 1.0 - b.probability * std::exp(-t / b.mean_s);
    return 1.0 - all_done;
  };
  const int steps = 200000;
  const double end = 80.0, h = end / steps;
  double integral = survival(0) + survival(end);
  for (int i = 1; i < steps; ++i) integral += (i % 2 ? 4.0 : 2.0) * survival(i * h);
  integral *= h / 3.0;
  CHECK(expected_max_of_exponentials(mixed) == Approx(integral).epsilon(1e-9));
}

TEST_CASE("Fork-join of two M/M/1 queues (Flatto and Hahn)", "[analytic][jackson]")
{
  // (12 - rho) / 8 / (mu - lambda): at rho 0.5, 11.5 / 8 / 0.5 = 2.875; against 1.5 / (mu - lambda)
  // for independent branches.
  CHECK(fork_join_two_mm1(0.5, 1.0) == Approx(2.875).epsilon(1e-12));
  CHECK(fork_join_two_mm1(0.0, 2.0) == Approx(0.75).epsilon(1e-12));  // no queueing: H_2 / mu
  CHECK_THROWS_AS(fork_join_two_mm1(1.0, 1.0), std::domain_error);
}

TEST_CASE("jackson_network: traffic equations with probabilities and the endpoint mix", "[analytic][jackson]")
{
  // front /x (75%): calls b with p 0.3, then c with p 0.6; front /y (25%): c and, in parallel, b with
  // p 0.5; b calls c with p 0.5. At 100/s: x 75, y 25; b = 0.3 x 75 + 0.5 x 25 = 35;
  // c = 0.6 x 75 + 25 + 0.5 x 35 = 87.5.
  std::vector<ServiceConfig> services = {service_of("front", 1, 8), service_of("b", 1, 8), service_of("c", 1, 8)};
  EndpointConfig x = endpoint_of("/x", nullptr);
  x.calls = {call_to(1, 0, 0.3), call_to(2, 0, 0.6)};
  EndpointConfig y = endpoint_of("/y", nullptr);
  y.calls = {call_to(2, 0, 1.0, true), call_to(1, 0, 0.5, true)};
  services[0].endpoints = {x, y};
  EndpointConfig b = endpoint_of("/", exponential(0.01));
  b.calls = {call_to(2, 0, 0.5)};
  b.work_after = exponential(0.01);
  services[1].endpoints = {b};
  services[2].endpoints = {endpoint_of("/", exponential(0.01))};
  const NetworkPrediction n = jackson_network(network_of(100, services, {{0, 0.75}, {1, 0.25}}));
  REQUIRE(n.prediction.applies());
  REQUIRE(n.services.size() == 3);
  CHECK(n.services[0].arrival_rate == Approx(100).epsilon(1e-12));
  CHECK(n.services[0].endpoint_rates[0] == Approx(75).epsilon(1e-12));
  CHECK(n.services[0].endpoint_rates[1] == Approx(25).epsilon(1e-12));
  CHECK(n.services[1].arrival_rate == Approx(35).epsilon(1e-12));
  CHECK(n.services[1].visit_rate == Approx(70).epsilon(1e-12));  // work and work_after
  CHECK(n.services[1].utilization == Approx(70 * 0.01 / 8).epsilon(1e-12));
  CHECK(n.services[2].arrival_rate == Approx(87.5).epsilon(1e-12));
  CHECK(n.services[0].utilization == 0.0);  // no work: a pass-through
  // The parallel group of /y at stations that queue: approximated, and said to be.
  CHECK_FALSE(n.exact);
  CHECK_THAT(n.prediction.model, Contains("approximated"));
  CHECK_THAT(n.prediction.note, Contains("front GET /y"));
  // Composition: /x = 0.3 R_b + 0.6 R_c, R_b = 2 W_b + 0.5 R_c (M/M/8 stations).
  const double wb = mmc(8, 70, 100).w, rc = mmc(8, 87.5, 100).w;
  const double rb = 2 * wb + 0.5 * rc;
  CHECK(n.services[1].endpoint_response_s[0] == Approx(rb).epsilon(1e-12));
  CHECK(n.services[0].endpoint_response_s[0] == Approx(0.3 * rb + 0.6 * rc).epsilon(1e-12));
  const double ry = expected_max_of_exponentials({{1.0, rc}, {0.5, rb}});
  CHECK(n.services[0].endpoint_response_s[1] == Approx(ry).epsilon(1e-12));
  CHECK(n.prediction.mean_s == Approx(0.75 * (0.3 * rb + 0.6 * rc) + 0.25 * ry).epsilon(1e-12));
}

TEST_CASE("jackson_network: a chain of two M/M/1 stations", "[analytic][jackson]")
{
  // client -> a -> b at 0.6/s, a exponential 1 s, b exponential 1.25 s: 1/(1 - 0.6) + 1/(0.8 - 0.6).
  std::vector<ServiceConfig> services = {service_of("a"), service_of("b")};
  services[0].endpoints = {endpoint_of("/", exponential(1.0))};
  services[0].endpoints[0].calls = {call_to(1, 0)};
  services[1].endpoints = {endpoint_of("/", exponential(1.25))};
  SystemConfig chain = network_of(0.6, services);
  AnalyticPrediction p = match_model(chain);
  REQUIRE(p.applies());
  CHECK(p.model == "Jackson network of 2 services");
  CHECK(p.mean_s == Approx(2.5 + 5.0).epsilon(1e-12));
  CHECK_FALSE(p.p99_s);
  CHECK(jackson_network(chain).exact);
  CHECK(jackson_network(chain).services[1].endpoint_response_s[0] == Approx(5.0).epsilon(1e-12));

  // work_after at a: a second visit, behind the queue: a sees 2 lambda. At 0.3/s: 2/(1 - 0.6) + 1/(0.8 - 0.3).
  services[0].endpoints[0].work_after = exponential(1.0);
  p = match_model(network_of(0.3, services));
  CHECK(p.mean_s == Approx(5.0 + 2.0).epsilon(1e-12));

  // Random splitting over 2 servers of speed 2 (work 2 s, so 1 s of service) keeps each an M/M/1 at
  // half the visits: at 1.2/s, 1/(1 - 0.6) at a, and b (1.25 s) is overloaded until its work is 0.5 s.
  services[0].endpoints[0].work_after = nullptr;
  ServiceConfig split = service_of("a", 2, 1, "random");
  for (ServerConfig& s : split.servers) s.speed = 2.0;
  split.endpoints = {endpoint_of("/", exponential(2.0))};
  split.endpoints[0].calls = {call_to(1, 0)};
  services[0] = split;
  CHECK_THAT(match_model(network_of(1.2, services)).reason, Contains("\"b\" is overloaded"));
  services[1].endpoints[0].work = exponential(0.5);
  CHECK(match_model(network_of(1.2, services)).mean_s == Approx(1.0 / (1.0 - 0.6) + 1.0 / (2.0 - 1.2)).epsilon(1e-12));
}

TEST_CASE("jackson_network: fan-out without queueing and the exact fork-join", "[analytic][jackson]")
{
  // V16: no branch waits (64 cores at 1 busy), so the branches are independent: H_k x 10 ms, exact.
  for (const auto& [k, value] : {std::pair{2, 0.015}, {3, 0.0183333}, {5, 0.0228333}, {10, 0.0292897}}) {
    const NetworkPrediction n = jackson_network(fan_out(100, k, 0.010, 64));
    REQUIRE(n.prediction.applies());
    CHECK(n.exact);
    CHECK(n.prediction.mean_s == Approx(value).epsilon(kSix));
    CHECK_THAT(n.prediction.note, Contains("never wait"));
  }
  // Two M/M/1 branches fed only by the fork, from Poisson clients: Flatto and Hahn, exact.
  NetworkPrediction n = jackson_network(fan_out(0.5, 2, 1.0, 1));
  REQUIRE(n.prediction.applies());
  CHECK(n.exact);
  CHECK(n.prediction.mean_s == Approx(2.875).epsilon(1e-12));
  CHECK_THAT(n.prediction.note, Contains("Flatto-Hahn"));
  // Three M/M/1 branches: the independent approximation 11/6 / (mu - lambda), said to be one.
  n = jackson_network(fan_out(0.5, 3, 1.0, 1));
  CHECK_FALSE(n.exact);
  CHECK(n.prediction.mean_s == Approx(11.0 / 6.0 / 0.5).epsilon(1e-12));
  CHECK_THAT(n.prediction.note, Contains("overestimate"));
  // Work before the fork: the forks are the front's departures, not the clients' stream: approximated.
  SystemConfig worked = fan_out(0.5, 2, 1.0, 1);
  worked.services[0].endpoints[0].work = exponential(0.1);
  worked.services[0].servers[0].cores = 1;
  n = jackson_network(worked);
  CHECK_FALSE(n.exact);
  CHECK(n.prediction.mean_s == Approx(1.0 / (10.0 - 0.5) + 1.5 / 0.5).epsilon(1e-12));
}

TEST_CASE("jackson_network: where it does not apply, the reason", "[analytic][jackson]")
{
  std::vector<ServiceConfig> services = {service_of("a"), service_of("b")};
  services[0].endpoints = {endpoint_of("/", exponential(1.0))};
  services[0].endpoints[0].calls = {call_to(1, 0)};
  services[1].endpoints = {endpoint_of("/", exponential(1.0))};
  auto reason = [&](const std::function<void(SystemConfig&)>& change) {
    SystemConfig c = network_of(0.5, services);
    change(c);
    const AnalyticPrediction p = match_model(c);
    CHECK_FALSE(p.applies());
    return p.reason;
  };
  CHECK_THAT(reason([](SystemConfig& c) { c.services[1].endpoints[0].work = lbsim::engine::make_constant(1.0); }),
             Contains("exponential demands"));
  CHECK_THAT(reason([](SystemConfig& c) { c.services[0].endpoints[0].work_after = exponential(0.5); }),
             Contains("different means"));
  CHECK_THAT(reason([](SystemConfig& c) { c.services[0].endpoints[0].hold_core = true; }), Contains("hold_core"));
  CHECK_THAT(reason([](SystemConfig& c) { c.services[1].servers[0].queue_limit = 10; }), Contains("queue_limit"));
  CHECK_THAT(reason([](SystemConfig& c) { c.clients[0].arrivals.rate_per_s = 1.0; }), Contains("overloaded"));
  CHECK_THAT(reason([](SystemConfig& c) { c.clients[0].arrivals.process = ArrivalConfig::Process::constant; }),
             Contains("Poisson"));
  CHECK_THAT(reason([](SystemConfig& c) { c.network.emplace(); }), Contains("network"));
  CHECK_THAT(reason([](SystemConfig& c) {
               c.services[1] = service_of("b", 2, 1, "round_robin");
               c.services[1].endpoints = {endpoint_of("/", exponential(1.0))};
             }),
             Contains("random splitting"));
  // A visit without work at a station whose other visits have work still waits in its queue.
  CHECK_THAT(reason([](SystemConfig& c) {
               c.services[0].endpoints[0].work = nullptr;
               c.services[0].endpoints[0].work_after = exponential(1.0);
             }),
             Contains("not M/M/c"));
}
