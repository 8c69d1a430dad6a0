#include "models/analytic/jsq_ctmc.hpp"

#include "models/analytic/tails.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

namespace lbsim::models::analytic {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::RowVectorXd;

// The phases of a level: sorted difference vectors 0 = d_1 <= ... <= d_N <= D, in lexicographic
// order, with their index.
struct Phases {
  std::vector<std::vector<int>> list;
  std::map<std::vector<int>, int> index;

  Phases(std::size_t n, int d_max)
  {
    std::vector<int> d(n, 0);
    while (true) {
      index.emplace(d, static_cast<int>(list.size()));
      list.push_back(d);
      std::size_t i = n;  // next non-decreasing vector with d_1 = 0
      while (i > 1 && d[i - 1] == d_max) --i;
      if (i <= 1) break;
      const int v = d[i - 1] + 1;
      for (std::size_t j = i - 1; j < n; ++j) d[j] = v;
    }
  }
  int at(std::vector<int> d) const
  {
    std::sort(d.begin(), d.end());
    return index.at(d);
  }
};

std::size_t phase_count(std::size_t n, int d_max)
{
  double count = 1;  // C(D + N - 1, N - 1)
  for (std::size_t i = 1; i < n; ++i) count = count * (d_max + static_cast<double>(i)) / static_cast<double>(i);
  return static_cast<std::size_t>(std::llround(count));
}

// The blocks of the generator: up (level m -> m + 1), down (m -> m - 1, for m >= 1), within a
// level (off-diagonal), and the diagonal, which differs at level 0 (shortest queues idle) and at
// the top (arrivals to a single shortest queue are lost).
struct Blocks {
  Matrix up, down, local0, local, local_top;
  std::vector<bool> unique_min;  // phases where an arrival raises the level
};

Blocks build_blocks(const Phases& phases, std::size_t n, int d_max, double lambda, double mu)
{
  const auto b = static_cast<Eigen::Index>(phases.list.size());
  Blocks k;
  k.up = Matrix::Zero(b, b);
  k.down = Matrix::Zero(b, b);
  Matrix within = Matrix::Zero(b, b);       // transitions that stay in the level, any level
  k.unique_min.assign(phases.list.size(), false);
  Eigen::VectorXd out_arrival = Eigen::VectorXd::Zero(b), out_min_departure = Eigen::VectorXd::Zero(b),
                  out_other = Eigen::VectorXd::Zero(b);
  for (Eigen::Index p = 0; p < b; ++p) {
    const std::vector<int>& d = phases.list[static_cast<std::size_t>(p)];
    std::size_t zeros = 0;
    while (zeros < n && d[zeros] == 0) ++zeros;
    // An arrival joins a shortest queue.
    if (zeros >= 2) {
      std::vector<int> e = d;
      e[0] = 1;
      within(p, phases.at(e)) += lambda;
    } else {
      k.unique_min[static_cast<std::size_t>(p)] = true;
      std::vector<int> e(n);
      for (std::size_t i = 0; i < n; ++i) e[i] = i == 0 ? 0 : d[i] - 1;
      k.up(p, phases.at(e)) += lambda;
    }
    out_arrival[p] = lambda;
    // Departures from the longer queues: each group of equal differences v > 0.
    for (std::size_t i = zeros; i < n; ++i) {
      if (i > zeros && d[i] == d[i - 1]) continue;
      std::size_t same = 1;
      while (i + same < n && d[i + same] == d[i]) ++same;
      std::vector<int> e = d;
      --e[i];
      const double rate = static_cast<double>(same) * mu;
      within(p, phases.at(e)) += rate;
      out_other[p] += rate;
    }
    // A departure from a shortest queue (not at level 0): that queue becomes the only shortest, one
    // below the others, so every other difference grows by one; held back when one would exceed D.
    if (n == 1 || d[n - 1] + 1 <= d_max) {
      std::vector<int> e(n, 0);
      for (std::size_t i = 1; i < n; ++i) e[i] = d[i] + 1;
      const double rate = static_cast<double>(zeros) * mu;
      k.down(p, phases.at(e)) += rate;
      out_min_departure[p] = rate;
    }
  }
  k.local = within;
  k.local.diagonal() -= out_arrival + out_other + out_min_departure;
  k.local0 = within;
  k.local0.diagonal() -= out_arrival + out_other;
  k.local_top = within;
  for (Eigen::Index p = 0; p < b; ++p) {
    const bool lost = k.unique_min[static_cast<std::size_t>(p)];
    k.local_top(p, p) -= (lost ? 0.0 : out_arrival[p]) + out_other[p] + out_min_departure[p];
  }
  return k;
}

struct Solution {
  std::vector<Vector> pi;  // per level
  double residual = 0;
};

// Linear level reduction: pi_M = pi_{M-1} R_M, ..., pi_1 = pi_0 R_1, with
// R_m = U (-(L_m + R_{m+1} Dn))^{-1}; then pi_0 (L_0 + R_1 Dn) = 0, sum pi = 1.
Solution solve(const Blocks& k, int levels)
{
  const auto b = k.up.rows();
  // r[m] for the levels near the top; below the level where R_m stops changing (the chain is
  // homogeneous between level 1 and the top), every level uses the same matrix.
  std::vector<Matrix> r(static_cast<std::size_t>(levels) + 1);
  int converged_at = 0;  // levels 1 .. converged_at use r[converged_at]
  Matrix below = k.local_top;  // L_m + R_{m+1} Dn, from the top
  for (int m = levels; m >= 1; --m) {
    // R_m = U * inv(-below): solve X (-below) = U, i.e. (-below)^T X^T = U^T.
    const Eigen::PartialPivLU<Matrix> lu(Matrix(-below.transpose()));
    Matrix& rm = r[static_cast<std::size_t>(m)];
    rm = lu.solve(Matrix(k.up.transpose())).transpose();
    if (m < levels && m > 1) {
      const Matrix& above = r[static_cast<std::size_t>(m) + 1];
      if ((rm - above).cwiseAbs().maxCoeff() <= 1e-15 * std::max(1.0, rm.cwiseAbs().maxCoeff())) {
        converged_at = m;
        below = k.local0 + rm * k.down;
        break;
      }
    }
    below = (m - 1 == 0 ? k.local0 : k.local) + rm * k.down;
  }
  auto r_at = [&](int m) -> const Matrix& {
    return r[static_cast<std::size_t>(m <= converged_at ? converged_at : m)];
  };
  // pi_0 below = 0 with sum(pi_0 (1 + R_1 1 + R_1 R_2 1 + ...)) = 1: replace one equation by
  // pi_0 . 1 = 1 and normalize afterwards.
  Matrix a = below.transpose();
  a.row(b - 1).setOnes();
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(b);
  rhs[b - 1] = 1.0;
  Solution s;
  s.pi.resize(static_cast<std::size_t>(levels) + 1);
  s.pi[0] = a.partialPivLu().solve(rhs).transpose();
  for (int m = 1; m <= levels; ++m) s.pi[static_cast<std::size_t>(m)] = s.pi[static_cast<std::size_t>(m) - 1] * r_at(m);
  double total = 0;
  for (const Vector& v : s.pi) total += v.sum();
  for (Vector& v : s.pi) {
    v /= total;
    v = v.cwiseMax(0.0);
  }
  // Residual of the balance equations of every level.
  for (int m = 0; m <= levels; ++m) {
    const auto i = static_cast<std::size_t>(m);
    Vector flow = s.pi[i] * (m == 0 ? k.local0 : m == levels ? k.local_top : k.local);
    if (m > 0) flow += s.pi[i - 1] * k.up;
    if (m < levels) flow += s.pi[i + 1] * k.down;
    s.residual = std::max(s.residual, flow.cwiseAbs().maxCoeff());
  }
  return s;
}

}  // namespace

JsqResult jsq(int servers, double lambda, double mu, const JsqOptions& options)
{
  if (servers < 1 || servers > 4) throw std::domain_error("JSQ chain: needs 1 to 4 servers");
  if (!(lambda >= 0) || !std::isfinite(lambda)) throw std::domain_error("JSQ chain: the arrival rate must be >= 0");
  if (!(mu > 0) || !std::isfinite(mu)) throw std::domain_error("JSQ chain: the service rate must be > 0");
  JsqResult q;
  q.servers = servers;
  q.lambda = lambda;
  q.mu = mu;
  q.rho = lambda / (servers * mu);
  if (!(q.rho < 1)) throw std::domain_error("JSQ chain: utilization rho >= 1, no steady state");
  const auto n = static_cast<std::size_t>(servers);

  int levels = options.levels;
  if (levels <= 0) {
    levels = 4;
    if (q.rho > 0) levels = std::max(levels, static_cast<int>(std::ceil(std::log(1e-13) / (servers * std::log(q.rho)))) + 2);
  }
  q.levels = levels;

  int d_max = options.max_difference > 0 ? options.max_difference : 8;
  if (n == 1) d_max = 0;
  Solution s;
  while (true) {
    const Phases phases(n, d_max);
    const Blocks blocks = build_blocks(phases, n, d_max, lambda, mu);
    s = solve(blocks, levels);
    q.phases = phases.list.size();
    q.max_difference = d_max;
    q.p_edge = 0;
    q.p_lost = 0;
    q.l = 0;
    std::vector<double> joined(static_cast<std::size_t>(levels) + 1, 0.0);
    for (int m = 0; m <= levels; ++m) {
      const Vector& v = s.pi[static_cast<std::size_t>(m)];
      for (std::size_t p = 0; p < phases.list.size(); ++p) {
        const std::vector<int>& d = phases.list[p];
        const double x = v[static_cast<Eigen::Index>(p)];
        double total = static_cast<double>(servers) * m;
        for (int dv : d) total += dv;
        q.l += total * x;
        if (d_max > 0 && d[n - 1] == d_max) q.p_edge += x;
        if (m == levels && blocks.unique_min[p])
          q.p_lost += x;
        else
          joined[static_cast<std::size_t>(m)] += x;
      }
    }
    const double admitted = 1.0 - q.p_lost;
    q.joined_tail.assign(joined.size(), 0.0);
    double acc = 0;
    for (std::size_t j = joined.size(); j-- > 0;) q.joined_tail[j] = (acc += joined[j] / admitted);
    const bool grow = options.max_difference <= 0 && n > 1 && q.p_edge > 1e-13 &&
                      phase_count(n, d_max + 4) <= options.max_phases;
    if (!grow) break;
    d_max += 4;
  }
  q.balance_residual = s.residual;
  q.throughput = lambda * (1.0 - q.p_lost);
  q.w = q.throughput > 0 ? q.l / q.throughput : 1.0 / mu;
  q.p_wait = q.joined_tail.size() > 1 ? q.joined_tail[1] : 0.0;
  return q;
}

double jsq_response_tail(const JsqResult& q, double t) { return erlang_mixture_tail(q.mu, t, q.joined_tail); }

double jsq_response_percentile(const JsqResult& q, double p)
{
  return percentile_from_tail([&q](double t) { return jsq_response_tail(q, t); }, p, q.w);
}

}  // namespace lbsim::models::analytic
