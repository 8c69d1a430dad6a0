// Arrival processes of users who wait for each answer (docs/users.md): `closed` (users,
// think_time) and `sessions` (rate, requests, think_time), and the `steps` such users walk.
#include "scenarios/format/scenario_loader.hpp"

#include "scenarios/format/distribution_reader.hpp"

#include <algorithm>
#include <map>

namespace lbsim::scenarios {

namespace {

constexpr int64_t kMaxUsers = 1'000'000;
constexpr int64_t kMaxSessionRequests = 1'000'000;

// The keys of the other processes, with what they belong to: a misplaced one gets an error that
// says so, not only "unknown key".
const std::map<std::string, std::string>& keys_of_other_processes()
{
  static const std::map<std::string, std::string> keys = {
      {"rate", "the open processes (poisson, constant) and sessions"},
      {"rate_on", "bursty"},
      {"rate_off", "bursty"},
      {"mean_on", "bursty"},
      {"mean_off", "bursty"},
      {"mean_rate", "diurnal"},
      {"peak_rate", "diurnal"},
      {"period", "diurnal"},
      {"file", "trace"},
      {"requests", "script and sessions"},
      {"users", "closed"},
      {"think_time", "closed and sessions"},
  };
  return keys;
}

}  // namespace

void ScenarioLoader::refuse_other_process_keys(const YAML::Node& a, const std::string& ctx, const std::string& process,
                                               const std::vector<std::string>& own, const std::string& hint)
{
  for (const auto& entry : a) {
    const std::string key = entry.first.Scalar();
    if (key == "process" || std::find(own.begin(), own.end(), key) != own.end()) continue;
    const auto it = keys_of_other_processes().find(key);
    if (it != keys_of_other_processes().end())
      r_.fail(entry.first, ctx + "." + key + " belongs to " + it->second + ", not to process " + process + "; " + hint);
  }
  std::vector<std::string> known = own;
  known.insert(known.begin(), "process");
  r_.check_keys(a, ctx, known);
}

models::SessionLength ScenarioLoader::read_session_length(const YAML::Node& node, const std::string& what)
{
  models::SessionLength out;
  constexpr const char* kExpected = "expected a whole number of requests such as 5, or {distribution: geometric, mean: "
                                    "5} (1, 2, ... with that mean), or {distribution: uniform, min: 1, max: 10}";
  if (node.IsScalar()) {
    out.min = out.max = static_cast<uint32_t>(r_.integer(node, what, 1, kMaxSessionRequests));
    out.mean = out.min;
    return out;
  }
  if (!node.IsMap() || !node["distribution"]) r_.fail(node, what + ": " + kExpected);
  const std::string kind = r_.one_of(node["distribution"], what + ".distribution", {"constant", "geometric", "uniform"});
  if (kind == "constant") {
    r_.check_keys(node, what, {"distribution", "value"});
    r_.require_key(node, "value", what, "value: 5");
    out.min = out.max = static_cast<uint32_t>(r_.integer(node["value"], what + ".value", 1, kMaxSessionRequests));
    out.mean = out.min;
  } else if (kind == "geometric") {
    r_.check_keys(node, what, {"distribution", "mean"});
    r_.require_key(node, "mean", what, "mean: 5");
    out.kind = models::SessionLength::Kind::geometric;
    out.mean = r_.number(node["mean"], what + ".mean", 1, kMaxSessionRequests);
  } else {
    r_.check_keys(node, what, {"distribution", "min", "max"});
    r_.require_key(node, "min", what, "min: 1, max: 10");
    r_.require_key(node, "max", what, "min: 1, max: 10");
    out.kind = models::SessionLength::Kind::uniform;
    out.min = static_cast<uint32_t>(r_.integer(node["min"], what + ".min", 1, kMaxSessionRequests));
    out.max = static_cast<uint32_t>(r_.integer(node["max"], what + ".max", 1, kMaxSessionRequests));
    if (out.max < out.min) r_.fail(node["max"], what + ".max is below min; expected min <= max");
    out.mean = (static_cast<double>(out.min) + out.max) / 2.0;
  }
  return out;
}

void ScenarioLoader::read_user_arrivals(const YAML::Node& a, const std::string& ctx, const std::string& process,
                                        models::ClientGroupConfig& group)
{
  models::ArrivalConfig& out = group.arrivals;
  if (process == "closed") {
    refuse_other_process_keys(a, ctx, process, {"users", "think_time"},
                              "a closed group's load is its users and their think time, e.g. {process: closed, users: "
                              "50, think_time: {distribution: exponential, mean: 1 s}}");
    r_.require_key(a, "users", ctx, "users: 50");
    r_.require_key(a, "think_time", ctx, "think_time: {distribution: exponential, mean: 1 s}");
    out.process = models::ArrivalConfig::Process::closed;
    out.users = static_cast<uint32_t>(r_.integer(a["users"], ctx + ".users", 1, kMaxUsers));
  } else {
    refuse_other_process_keys(a, ctx, process, {"rate", "requests", "think_time"},
                              "sessions arrive at a rate and each sends a number of requests, e.g. {process: sessions, "
                              "rate: 2/s, requests: 5, think_time: {distribution: exponential, mean: 1 s}}");
    r_.require_key(a, "rate", ctx, "rate: 2/s (sessions per second)");
    if (group.steps && a["requests"])
      r_.fail(a["requests"], ctx + ".requests: a session of this group sends its steps, once each (those with a "
                                   "probability when drawn); remove requests, or write the group with a mix instead "
                                   "of steps");
    if (!group.steps) r_.require_key(a, "requests", ctx, "requests: {distribution: geometric, mean: 5}");
    r_.require_key(a, "think_time", ctx, "think_time: {distribution: exponential, mean: 1 s}");
    out.process = models::ArrivalConfig::Process::sessions;
    out.rate_per_s = r_.rate_per_s(a["rate"], ctx + ".rate");
    if (!group.steps) out.session_length = read_session_length(a["requests"], ctx + ".requests");
  }
  out.think_time = read_time_distribution(a["think_time"], ctx + ".think_time", r_, base_dir_);
  // A user who never thinks would send again the instant a refusal comes back: a loop that
  // simulated time never leaves.
  if (!(out.think_time->mean() > 0))
    r_.fail(a["think_time"], ctx + ".think_time has a mean of 0; a user waits for each answer and then thinks for "
                                   "a while before the next request, e.g. think_time: 1 s (1 ms for a load test "
                                   "that hammers the servers)");
}

// A step of a user's sequence (docs/users.md, "Steps"): the chance it is sent, the pause before
// it, and whether it names the id an earlier step drew.
void ScenarioLoader::read_step(const YAML::Node& t, const std::string& tctx, size_t k,
                               const models::ClientGroupConfig& group, models::RequestType& type)
{
  if (k == 0) {
    for (const char* key : {"probability", "think_time"})
      if (t[key])
        r_.fail(t[key], tctx + "." + key + ": the first step starts the user's sequence: it is always sent, after the "
                                          "arrival (sessions) or the group's think time (closed); give " + key +
                            " to a later step");
  }
  if (const YAML::Node p = t["probability"]) {
    type.step_probability = r_.fraction(p, tctx + ".probability");
    if (!(type.step_probability > 0))
      r_.fail(p, tctx + ".probability is 0: the step would never be sent; remove the step, or give it a chance "
                        "such as 30%");
  }
  if (const YAML::Node z = t["think_time"]) {
    type.step_think = read_time_distribution(z, tctx + ".think_time", r_, base_dir_);
    if (!(type.step_think->mean() >= 0)) r_.fail(z, tctx + ".think_time must not be negative");
  }
  // {id} in a path without ids of its own: the id an earlier step drew, carried through the sequence.
  if (type.ids.count == 0 && type.path.find("{id}") != std::string::npos) {
    bool drawn_before = false;
    for (const auto& earlier : group.mix) drawn_before = drawn_before || earlier.ids.count > 0;
    type.carries_id = drawn_before;
  }
}

}  // namespace lbsim::scenarios
