// Which closed-loop scenarios exact MVA (mva.hpp) covers, and what it predicts (docs/analytic.md,
// "Closed loops"). A closed scenario is a product-form closed network when:
//   one client group, `closed` (N users), think time of any distribution (the users are a delay
//   station, whose product form depends on its mean only);
//   exponential work, one mean for every request type (FCFS stations need it);
//   one service, no gateway, network, timeline, autoscaler, failures or balancer station, no queue
//   limit that N users could reach;
//   one server of c cores (a load-dependent station: min(j, c) requests in service), or N >= 2
//   identical servers behind random routing (random, power_of_two_choices with d = 1): each server
//   is a station visited with probability 1/N, demand S/N; probabilistic routing keeps the
//   product form. Round robin, least connections and the like route on the state: not product
//   form, no model.
#pragma once

#include "models/analytic/prediction.hpp"
#include "models/system_config.hpp"

namespace lbsim::models::analytic {

// Whether any client group's users wait for answers (closed, sessions): then the open models do
// not apply and closed_model() answers.
bool has_closed_loop(const SystemConfig& config);

// Never throws: a solver's failure becomes a reason.
AnalyticPrediction closed_model(const SystemConfig& config);

}  // namespace lbsim::models::analytic
