// PickExplainer: why a balancer sent a request to its server, in one sentence for a class
// ("192.168.1.2 is a returning client: sticky to A"), for the GUI's animation and step view.
//
// Nothing here runs in an ordinary run. The GUI's hop observer calls explain() after each pick
// with the pool as the pick saw it, and the explainer reads the algorithm through const
// accessors (p2c's sample, least_response_time's estimates) and remembers what it was shown
// before (the previous turn, the clients seen): the pick itself does no extra work. A hashing
// algorithm's "home" server (where the key goes with every server up) comes from a copy of the
// algorithm the explainer builds for itself.
//
// When the reason cannot be recovered (least_request's random draws, a state per worker process,
// a pool that changed between the pick and the report), the sentence says what the rule is and
// what the pool looked like, and says that it cannot tell more.
#pragma once

#include "engine/rng.hpp"
#include "engine/sim_time.hpp"
#include "models/balancers/algorithms/balancer.hpp"
#include "models/system_config.hpp"

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::models {

struct PickFacts {
  const BalancerConfig& config;        // the algorithm's name and options
  std::span<const PoolMember> before;  // the pool as the pick saw it (the chosen's request not counted)
  std::span<const std::string> names;  // each member's server name
  const Balancer& algorithm;           // its state after the pick
  uint32_t client_address = 0;
  std::string_view path;
  engine::SimTime now;
  ServerChoice chosen;                 // the member picked
  const engine::RngStream* rng = nullptr;  // the balancer's stream after the pick (least_request's draws)
};

class PickExplainer {
public:
  PickExplainer();
  ~PickExplainer();
  PickExplainer(PickExplainer&&) noexcept;
  PickExplainer& operator=(PickExplainer&&) noexcept;

  // One sentence, no final period; then remembers this pick for the next one.
  std::string explain(const PickFacts& facts);
  // The balancer's random stream before its first pick: from then on explain() keeps a copy of it
  // as each pick leaves it, to replay the next pick's draws (least_request).
  void watch(const engine::RngStream& rng) { memory_.rng = rng; }

  // What explain() remembers between picks (explain/*.cpp read it).
  struct Memory {
    ServerChoice previous;  // the last member picked
    struct Seen {
      uint32_t member;
      engine::SimTime last;
    };
    std::map<uint32_t, Seen> clients;  // sticky_round_robin: each client's last server, when
    std::vector<std::string> home_names;  // the names and weights the home copy was built for
    std::vector<int> home_weights;
    std::unique_ptr<Balancer> home;       // a hashing algorithm with every server up
    std::optional<engine::RngStream> rng;  // the balancer's stream before the next pick
  };

private:
  Memory memory_;
};

}  // namespace lbsim::models
