// Shared by the FlowNetwork tests: a network on its own simulation that records completions, and
// a small deterministic generator of random routes and caps.
#pragma once

#include "engine/simulation.hpp"
#include "models/network/flow_network.hpp"
#include "models/network/tcp_bounds.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace lbsim::models::test {

struct Done {
  uint64_t tag;
  int64_t ns;
  bool operator==(const Done&) const = default;
};

// Records completions; optionally starts a follow-up flow from inside the callback.
struct Recorder final : FlowListener {
  explicit Recorder(engine::Simulation& s) : sim(s) {}
  void on_flow_done(uint64_t tag) override
  {
    done.push_back({tag, sim.now().ns()});
    if (then) then(tag);
  }
  engine::Simulation& sim;
  std::vector<Done> done;
  std::function<void(uint64_t)> then;
};

struct Net {
  explicit Net(std::vector<double> bandwidths) : rec(sim), net(sim, rec, std::move(bandwidths)) {}
  FlowId start(std::vector<LinkId> route, double bytes, uint64_t tag, double cap = kUnlimitedRate)
  {
    return net.start(route, bytes, cap, tag);
  }
  engine::Simulation sim;
  Recorder rec;
  FlowNetwork net;
};

inline constexpr double kMB = 1e6;

// A tiny deterministic generator for the randomized tests.
struct Lcg {
  uint64_t s;
  uint64_t next() { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; }
};

struct RandomFlow {
  std::vector<LinkId> route;
  double cap;
  FlowId id = 0;
};

inline std::vector<RandomFlow> random_flows(Lcg& g, size_t links, size_t count)
{
  std::vector<RandomFlow> flows;
  for (size_t i = 0; i < count; ++i) {
    RandomFlow f;
    for (LinkId l = 0; l < links; ++l)
      if (g.next() % 3 == 0) f.route.push_back(l);
    if (f.route.empty()) f.route.push_back(static_cast<LinkId>(g.next() % links));
    f.cap = g.next() % 2 ? kUnlimitedRate : 1e6 * static_cast<double>(1 + g.next() % 40);
    flows.push_back(f);
  }
  return flows;
}

}  // namespace lbsim::models::test
