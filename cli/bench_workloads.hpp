// The workloads `lbsim bench` times, each written as ordinary scenario text so that a benchmark
// measures the whole path: YAML in, statistics and result files out (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <string>

namespace lbsim::cli {

// W1 (../shared/bench/README.md): `servers` one-core servers, exponential service of mean 1 s,
// Poisson arrivals at load x servers per second.
std::string w1_scenario(const std::string& algorithm, int servers, uint64_t requests, double load);

// W1C: W1's pool under closed-loop users who think kW1cThinkS seconds.
constexpr double kW1cThinkS = 9.0;
int w1c_users(int servers, double load);
std::string w1c_scenario(const std::string& algorithm, int servers, uint64_t requests, double load);

// PS (shared = true) and PSF: about kPsPerServer requests in service at each server.
constexpr int kPsPerServer = 100;
std::string ps_scenario(const std::string& algorithm, int servers, uint64_t requests, bool shared);

// W2: W1's clients through a chain of three services.
std::string w2_scenario(const std::string& algorithm, int servers, uint64_t requests, double load);

// GW: the contract's shop behind a gateway at ten times its traffic.
std::string gateway_scenario(uint64_t requests);

// W3, scale in everything: 100,000 one-core servers in 1,000 groups behind one balancer, 10^6
// client addresses, exponential service of mean 1 s. The load is kW3Load, not W1's 0.9: with 10
// addresses per server, a hash of the client address gives each server a Poisson-like number of
// them (Poisson with mean 10: the busiest of 100,000 about 2.5 times the mean), and at 0.9 the 30%
// with 12 or more would be overloaded, their queues (so the memory) growing with every request.
constexpr double kW3Load = 0.3;
struct W3Size {
  int servers = 100'000;
  int groups = 1'000;
  uint32_t addresses = 1'000'000;
};
std::string w3_scenario(const std::string& algorithm, const W3Size& size, uint64_t requests);
// maglev's table for W3: about 100 entries per server (Envoy's advice), a prime, within maglev's cap.
uint64_t w3_maglev_table_size(int servers);

}  // namespace lbsim::cli
