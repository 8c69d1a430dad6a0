// Shared numerics of the analytic models: Poisson terms in log space, tails of Erlang mixtures
// (the response time of a job that finds K jobs ahead of it at an exponential FCFS server), and
// percentiles by bisection. Standard library only.
#pragma once

#include <functional>
#include <vector>

namespace lbsim::models::analytic {

// e^{-x} x^j / j! for j = 0 .. count-1, each computed in log space (no underflow of e^{-x} for
// large x; terms below the smallest double are 0).
std::vector<double> poisson_terms(double x, std::size_t count);

// P(T > t) for T ~ Erlang(K + 1, mu) with P(K >= j) = tail[j] (tail[0] = 1; beyond the vector's
// end, 0): P(T > t) = sum_j e^{-mu t} (mu t)^j / j! P(K >= j).
double erlang_mixture_tail(double mu, double t, const std::vector<double>& tail);

// The smallest t >= 0 with tail(t) <= 1 - p, for a non-increasing tail function with tail(0) <= 1,
// by bracketing (doubling from `scale`) and bisection to a relative 1e-12.
double percentile_from_tail(const std::function<double(double)>& tail, double p, double scale);

}  // namespace lbsim::models::analytic
