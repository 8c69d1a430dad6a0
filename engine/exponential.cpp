#include "engine/exponential.hpp"

#include <cmath>

namespace lbsim::engine {

namespace {

// The rightmost layer's edge r and the common area v of every layer (the base layer is the
// rectangle [0, r] x [0, f(r)] plus the tail beyond r), for 256 layers (Marsaglia and Tsang).
constexpr double kR = 7.69711747013104972;
constexpr double kArea = 3.949659822581572e-3;
constexpr double kScale = 0x1.0p53;  // positions are 53-bit integers

ExponentialZiggurat build()
{
  ExponentialZiggurat z{};
  double x = kR, previous = kR;
  const double base_width = kArea / std::exp(-kR);  // the base layer as one rectangle
  z.accept_below[0] = static_cast<uint64_t>(kR / base_width * kScale);
  z.accept_below[1] = 0;
  z.width[0] = base_width / kScale;
  z.width[255] = kR / kScale;
  z.density[0] = 1.0;
  z.density[255] = std::exp(-kR);
  for (int i = 254; i >= 1; --i) {
    x = -std::log(kArea / x + std::exp(-x));  // the next edge in: equal areas
    z.accept_below[i + 1] = static_cast<uint64_t>(x / previous * kScale);
    previous = x;
    z.density[i] = std::exp(-x);
    z.width[i] = x / kScale;
  }
  return z;
}

const ExponentialZiggurat kTables = build();

}  // namespace

const ExponentialZiggurat& ExponentialZiggurat::tables() { return kTables; }

double standard_exponential_slow(RngStream& rng, unsigned layer, uint64_t position)
{
  const ExponentialZiggurat& z = ExponentialZiggurat::tables();
  for (;;) {
    if (layer == 0) return kR - std::log(rng.uniform_open01());  // the tail is r + Exp(1)
    const double x = static_cast<double>(position) * z.width[layer];
    // Under the curve within the wedge between this layer's edge and the next one out?
    if (z.density[layer] + rng.uniform01() * (z.density[layer - 1] - z.density[layer]) < std::exp(-x)) return x;
    const uint64_t draw = rng.next_u64();
    layer = static_cast<unsigned>(draw & 0xff);
    position = draw >> 11;
    if (position < z.accept_below[layer]) return static_cast<double>(position) * z.width[layer];
  }
}

}  // namespace lbsim::engine
