#include "models/analytic/supermarket.hpp"

#include "models/analytic/tails.hpp"

#include <cmath>
#include <stdexcept>

namespace lbsim::models::analytic {

SupermarketResult supermarket(double rho, int choices, double mu)
{
  if (choices < 1) throw std::domain_error("supermarket model: needs d >= 1 choices");
  if (!(rho >= 0 && rho < 1)) throw std::domain_error("supermarket model: the load rho must be in [0, 1)");
  if (!(mu > 0) || !std::isfinite(mu)) throw std::domain_error("supermarket model: the service rate must be > 0");
  SupermarketResult q;
  q.choices = choices;
  q.rho = rho;
  q.mu = mu;
  q.s.push_back(1.0);
  if (rho > 0) {
    // Exponent e_i = (d^i - 1)/(d - 1) = d e_{i-1} + 1 (d = 1: e_i = i); stop when s_i < 1e-300.
    const double log_rho = std::log(rho);
    double exponent = 0;
    while (true) {
      exponent = choices * exponent + 1.0;
      const double log_s = exponent * log_rho;
      if (log_s < std::log(1e-300)) break;
      q.s.push_back(std::exp(log_s));
    }
  }
  double sum = 0;  // mean queue length per server = sum_{i>=1} s_i; T = that / lambda (Little)
  for (std::size_t i = q.s.size(); i-- > 1;) sum += q.s[i];
  q.w = rho > 0 ? sum / rho / mu : 1.0 / mu;
  if (choices == 1) q.w = 1.0 / (mu * (1.0 - rho));  // exact; the sum above agrees to rounding
  q.p_wait = std::pow(rho, choices);
  return q;
}

double supermarket_response_tail(const SupermarketResult& q, double t)
{
  std::vector<double> tail;
  for (std::size_t j = 0; j < q.s.size(); ++j) {
    const double term = std::pow(q.s[j], q.choices);
    if (term < 1e-20) break;  // the rest changes no percentile
    tail.push_back(term);
  }
  return erlang_mixture_tail(q.mu, t, tail);
}

double supermarket_response_percentile(const SupermarketResult& q, double p)
{
  return percentile_from_tail([&q](double t) { return supermarket_response_tail(q, t); }, p, q.w);
}

}  // namespace lbsim::models::analytic
