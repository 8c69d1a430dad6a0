// The clients section: groups, their addresses, arrival processes, scripts and traces, and mixes.
#include "models/requests/http_method.hpp"
#include "scenarios/format/client_retries_reader.hpp"
#include "scenarios/format/scenario_loader.hpp"

#include "models/clients/arrival_process.hpp"
#include "scenarios/format/cache_reader.hpp"
#include "scenarios/format/client_addresses.hpp"
#include "scenarios/format/distribution_reader.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lbsim::scenarios {

void ScenarioLoader::read_clients(const YAML::Node& node, models::SystemConfig& c)
{
  r_.require_sequence(node, "clients");
  if (node.size() == 0)
    r_.fail(node, "clients is empty; expected at least one client group, e.g. - {arrivals: {process: poisson, rate: "
                  "100/s}, mix: [{work: 5 ms}]}");
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node g = node[i];
    const std::string ctx = "clients[" + std::to_string(i) + "]";
    r_.require_map(g, ctx);
    r_.check_keys(g, ctx, {"name", "population", "addresses", "region", "service", "arrivals", "mix", "steps",
                           "session_state", "cross_origin", "browser", "api_keys", "credentials"});
    models::ClientGroupConfig group;
    group.name = g["name"] ? r_.string(g["name"], ctx + ".name") : "clients-" + std::to_string(i + 1);
    if (!names.insert(group.name).second)
      r_.fail(g["name"] ? g["name"] : g,
              "two client groups are named \"" + group.name + "\"; give each group its own name");
    if (g["region"]) group.region = r_.string(g["region"], ctx + ".region");
    r_.require_key(g, "arrivals", ctx, "arrivals: {process: poisson, rate: 100/s}");
    if (g["mix"] && g["steps"])
      r_.fail(g["steps"], ctx + " has both mix and steps; a group draws each request from its mix, or its users walk "
                             "its steps in order: keep one");
    if (!g["steps"]) r_.require_key(g, "mix", ctx, "mix: [{method: GET, path: /, work: 5 ms}]");
    group.steps = static_cast<bool>(g["steps"]);
    read_addresses(g, ctx, c.seed, group);
    read_arrivals(g["arrivals"], ctx + ".arrivals", group);
    if (group.steps && !group.arrivals.user_driven())
      r_.fail(g["steps"], ctx + ".steps are what a user sends one after the other, each after the answer to the last; "
                             "they need users: arrivals {process: sessions, ...} or {process: closed, ...}");
    // A closed group's users are its clients: one address each unless the scenario says otherwise.
    if (group.arrivals.process == models::ArrivalConfig::Process::closed && !g["population"] && !g["addresses"])
      group.addresses = generate_addresses(group.name, c.seed, group.arrivals.users);
    if (group.steps) read_mix(g["steps"], ctx + ".steps", group);
    else read_mix(g["mix"], ctx + ".mix", group);
    if (const YAML::Node state = g["session_state"]) {
      group.session_state_on_server = r_.one_of(state, ctx + ".session_state", {"none", "server"}) == "server";
      if (group.session_state_on_server && group.arrivals.process != models::ArrivalConfig::Process::sessions &&
          !group.steps)
        r_.fail(state, ctx + ".session_state: server counts the sessions whose state a server lost; the group needs "
                            "sessions: arrivals {process: sessions, ...}, or closed users with steps");
      if (group.session_state_on_server && has_gateway_)
        r_.fail(state, ctx + ".session_state: server is not modelled behind a gateway in this version (the gateway's "
                            "upstream calls are the requests servers answer); use it where clients reach a service "
                            "directly");
    }
    if (group.arrivals.process == models::ArrivalConfig::Process::trace) resolve_trace(group);
    read_gateway_client_keys(g, ctx, group);
    region_nodes_.push_back(g["region"] ? g["region"] : g);
    if (g["service"]) group_service_nodes_.emplace_back(g["service"]);
    else group_service_nodes_.emplace_back();
    c.clients.push_back(std::move(group));
  }
}

// A cross-origin browser preflights a request unless its method is GET, HEAD or POST and every
// header it sets is CORS-safelisted (Fetch standard, "CORS-safelisted request-header").
bool ScenarioLoader::needs_cors_preflight(const models::RequestType& type)
{
  if (type.method != "GET" && type.method != "HEAD" && type.method != "POST") return true;
  for (const std::string& header : type.headers) {
    const size_t colon = header.find(':');
    std::string name = header.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::string value = colon == std::string::npos ? "" : header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (name == "accept" || name == "accept-language" || name == "content-language" || name == "range") continue;
    if (name == "content-type" && (value == "application/x-www-form-urlencoded" || value == "multipart/form-data" ||
                                   value == "text/plain"))
      continue;
    return true;
  }
  return false;
}

// What a gateway needs to know of the clients (services-and-gateway.md, "Clients").
void ScenarioLoader::read_gateway_client_keys(const YAML::Node& g, const std::string& ctx, models::ClientGroupConfig& group)
{
  if (const YAML::Node x = g["cross_origin"]) {
    group.cross_origin = r_.fraction(x, ctx + ".cross_origin");
    gateway_only_nodes_.push_back(x);
    cross_origin_nodes_.emplace_back(x);
  } else {
    cross_origin_nodes_.emplace_back();
  }
  if (const YAML::Node b = g["browser"]) {
    if (b.IsMap()) {
      r_.check_keys(b, ctx + ".browser", {"cap"});
      r_.require_key(b, "cap", ctx + ".browser", "browser: {cap: 10 min}");
      group.preflight_cap = SimTime::from_ns(r_.time_ns(b["cap"], ctx + ".browser.cap", false));
    } else {
      // Chromium caps Access-Control-Max-Age at 2 h (since 76), Firefox at 24 h.
      const std::string browser = r_.one_of(b, ctx + ".browser", {"chromium", "firefox"});
      group.preflight_cap = browser == "chromium" ? engine::hours(2) : engine::hours(24);
    }
    if (!g["cross_origin"])
      r_.fail(b, ctx + ".browser says how long the group's browsers keep CORS preflights, and the group has no "
                       "cross_origin share; add e.g. cross_origin: 100%");
  }
  if (const YAML::Node k = g["api_keys"]) {
    group.api_keys = static_cast<uint32_t>(r_.integer(k, ctx + ".api_keys", 1, 1 << 24));
    gateway_only_nodes_.push_back(k);
  }
  if (const YAML::Node cr = g["credentials"]) {
    r_.require_map(cr, ctx + ".credentials");
    r_.check_keys(cr, ctx + ".credentials", {"invalid"});
    r_.require_key(cr, "invalid", ctx + ".credentials", "credentials: {invalid: 1%}");
    group.credentials_invalid = r_.fraction(cr["invalid"], ctx + ".credentials.invalid");
    gateway_only_nodes_.push_back(cr);
  }
}

void ScenarioLoader::read_addresses(const YAML::Node& g, const std::string& ctx, uint64_t seed, models::ClientGroupConfig& group)
{
  group_has_explicit_addresses_ = static_cast<bool>(g["addresses"]);
  // Handles are rebound, never assigned: yaml-cpp's Node::operator= writes into the tree.
  group_population_.reset();
  if (g["population"]) group_population_.emplace(g["population"]);
  std::optional<uint32_t> population;
  if (g["population"])
    population = static_cast<uint32_t>(r_.integer(g["population"], ctx + ".population", 1, 1 << 24));
  if (const YAML::Node a = g["addresses"]) {
    if (a.IsSequence()) {
      std::set<uint32_t> seen;
      for (size_t k = 0; k < a.size(); ++k) {
        const std::string text = r_.string(a[k], ctx + ".addresses[" + std::to_string(k) + "]");
        const auto ip = parse_ipv4(text);
        if (!ip)
          r_.fail(a[k], ctx + ".addresses[" + std::to_string(k) + "]: \"" + text +
                            "\" is not an IPv4 address; expected four numbers 0-255 such as 192.168.1.2");
        if (!seen.insert(*ip).second)
          r_.fail(a[k], "address " + text + " is listed twice in " + ctx + ".addresses; list each client once");
        group.addresses.push_back(*ip);
      }
      if (group.addresses.empty())
        r_.fail(a, ctx + ".addresses is empty; expected at least one address, or leave addresses out");
      if (population && *population != group.addresses.size())
        r_.fail(g["population"],
                ctx + ".population is " + std::to_string(*population) + " but " +
                    std::to_string(group.addresses.size()) +
                    " addresses are listed; leave population out (a list sets it) or make them agree");
      return;
    }
    const std::string text = r_.string(a, ctx + ".addresses");
    const auto block = parse_cidr(text);
    if (!block)
      r_.fail(a, ctx + ".addresses must be a list of IPv4 addresses such as [192.168.1.2, 192.168.1.3] or a CIDR "
                       "block such as 10.1.0.0/16, got \"" + text + "\"");
    // The block's host addresses in order: without its network and broadcast addresses when it
    // has them (prefixes up to /30). Without a population, the whole block (at most 65536).
    const uint64_t block_size = uint64_t{1} << (32 - block->second);
    const uint64_t first_host = block->second <= 30 ? 1 : 0;
    const uint64_t hosts = block->second <= 30 ? block_size - 2 : block_size;
    const uint64_t n = population ? *population : std::min<uint64_t>(hosts, 65536);
    if (n > hosts)
      r_.fail(g["population"], ctx + ".population is " + std::to_string(n) + " but " + text + " has only " +
                                   std::to_string(hosts) +
                                   " host addresses; use a larger block or a smaller population");
    for (uint64_t k = 0; k < n; ++k) group.addresses.push_back(block->first + static_cast<uint32_t>(first_host + k));
    return;
  }
  group.addresses = generate_addresses(group.name, seed, population.value_or(1));
}

void ScenarioLoader::read_arrivals(const YAML::Node& a, const std::string& ctx, models::ClientGroupConfig& group)
{
  r_.require_map(a, ctx);
  r_.require_key(a, "process", ctx, "process: poisson");
  models::ArrivalRegistry registry;
  models::register_builtin_arrivals(registry);
  std::vector<std::string> processes = registry.names();
  processes.push_back("closed");    // users who wait for each answer (users_reader.cpp)
  processes.push_back("sessions");
  const std::string process = r_.one_of(a["process"], ctx + ".process", processes);
  models::ArrivalConfig& out = group.arrivals;
  if (process == "poisson" || process == "constant") {
    r_.check_keys(a, ctx, {"process", "rate"});
    r_.require_key(a, "rate", ctx, "rate: 100/s");
    out.process =
        process == "poisson" ? models::ArrivalConfig::Process::poisson : models::ArrivalConfig::Process::constant;
    out.rate_per_s = r_.rate_per_s(a["rate"], ctx + ".rate");
    return;
  }
  if (process == "script") {
    r_.check_keys(a, ctx, {"process", "requests"});
    r_.require_key(a, "requests", ctx, "requests: [{at: 0 s, client: 192.168.1.2}]");
    out.process = models::ArrivalConfig::Process::script;
    read_script(a["requests"], ctx + ".requests", group);
    return;
  }
  if (process == "bursty") {
    r_.check_keys(a, ctx, {"process", "rate_on", "rate_off", "mean_on", "mean_off"});
    for (const char* key : {"rate_on", "mean_on", "mean_off"})
      r_.require_key(a, key, ctx, "rate_on: 500/s, rate_off: 50/s, mean_on: 10 s, mean_off: 50 s");
    out.process = models::ArrivalConfig::Process::bursty;
    models::BurstyConfig& b = out.bursty;
    b.rate_on_per_s = r_.rate_per_s(a["rate_on"], ctx + ".rate_on", true);
    if (a["rate_off"]) b.rate_off_per_s = r_.rate_per_s(a["rate_off"], ctx + ".rate_off", true);
    if (!(b.rate_on_per_s > 0) && !(b.rate_off_per_s > 0))
      r_.fail(a["rate_on"], ctx + ": rate_on and rate_off are both 0, so no request would ever arrive; give rate_on "
                                  "a rate such as 500/s");
    b.mean_on = SimTime::from_ns(r_.time_ns(a["mean_on"], ctx + ".mean_on", false));
    b.mean_off = SimTime::from_ns(r_.time_ns(a["mean_off"], ctx + ".mean_off", false));
    return;
  }
  if (process == "diurnal") {
    r_.check_keys(a, ctx, {"process", "mean_rate", "peak_rate", "period"});
    for (const char* key : {"mean_rate", "peak_rate"})
      r_.require_key(a, key, ctx, "mean_rate: 100/s, peak_rate: 180/s, period: 1 d");
    out.process = models::ArrivalConfig::Process::diurnal;
    models::DiurnalConfig& d = out.diurnal;
    d.mean_rate_per_s = r_.rate_per_s(a["mean_rate"], ctx + ".mean_rate");
    d.peak_rate_per_s = r_.rate_per_s(a["peak_rate"], ctx + ".peak_rate");
    if (!(d.mean_rate_per_s > 0)) r_.fail(a["mean_rate"], ctx + ".mean_rate must be more than 0, e.g. 100/s");
    if (d.peak_rate_per_s < d.mean_rate_per_s)
      r_.fail(a["peak_rate"], ctx + ".peak_rate is below mean_rate; the peak of a daily curve is at least its mean");
    d.period = a["period"] ? SimTime::from_ns(r_.time_ns(a["period"], ctx + ".period", false)) : engine::hours(24);
    return;
  }
  if (process == "trace") {
    r_.check_keys(a, ctx, {"process", "file"});
    r_.require_key(a, "file", ctx, "file: requests.csv");
    out.process = models::ArrivalConfig::Process::trace;
    trace_ = read_trace_file(a["file"], ctx + ".file", base_dir_, r_);
    trace_ctx_ = ctx;
    trace_referrer_ = trace_referrer(a["file"], ctx + ".file", r_);
    return;
  }
  if (process == "closed" || process == "sessions") {
    read_user_arrivals(a, ctx, process, group);
    return;
  }
  std::string available;
  for (const std::string& name : registry.names()) available += (available.empty() ? "" : ", ") + name;
  r_.fail(a["process"], "arrival process \"" + process + "\" is part of the scenario format but not implemented in "
                        "this version of lbsim yet (available: " + available + ")");
}

// The trace's rows become scripted arrivals once the mix is known: each row's method and path
// name a request type; its client joins the group's addresses (or must be among listed ones).
void ScenarioLoader::resolve_trace(models::ClientGroupConfig& group)
{
  const std::string group_ctx = trace_ctx_.substr(0, trace_ctx_.find(".arrivals"));
  const bool listed = group_has_explicit_addresses_;
  std::map<uint32_t, uint32_t> index_of;
  if (listed)
    for (uint32_t k = 0; k < group.addresses.size(); ++k) index_of[group.addresses[k]] = k;
  std::vector<uint32_t> seen_addresses;
  // Each of the trace's request types is matched against the mix once: -1 drawn from the mix.
  constexpr int32_t kUnmatched = -2;
  std::vector<int32_t> mix_type(trace_.types.size(), kUnmatched);
  group.arrivals.script.reserve(trace_.rows.size());
  for (const TraceRow& row : trace_.rows) {
    models::ScriptedArrival arrival;
    arrival.at = row.at;
    auto it = index_of.find(row.address);
    if (it == index_of.end()) {
      if (listed)
        throw ScenarioError(trace_.type_at(row), "this client is not among " + group_ctx + ".addresses; add it there or "
                                                 "leave addresses out (the trace sets them)" + trace_referrer_);
      it = index_of.emplace(row.address, static_cast<uint32_t>(seen_addresses.size())).first;
      seen_addresses.push_back(row.address);
    }
    arrival.client = it->second;
    int32_t& type = mix_type[row.type];
    if (type == kUnmatched) {
      const TraceType& named = trace_.types[row.type];
      type = -1;
      if (!named.method.empty()) {
        for (size_t t = 0; t < group.mix.size() && type < 0; ++t)
          if (group.mix[t].method == named.method && group.mix[t].path == named.path) type = static_cast<int32_t>(t);
        if (type < 0)
          throw ScenarioError(trace_.type_at(row), "the request " + named.method + " " + named.path +
                                                       " matches no request type of " + group_ctx +
                                                       ".mix (same method and path); add it to the mix" + trace_referrer_);
      }
    }
    arrival.type = type;
    group.arrivals.script.push_back(arrival);
  }
  if (!listed) {
    if (group_population_ && group.addresses.size() != seen_addresses.size())
      r_.fail(*group_population_, group_ctx + ".population is " + std::to_string(group.addresses.size()) +
                                      " but the trace's requests come from " + std::to_string(seen_addresses.size()) +
                                      " distinct clients; leave population out (the trace sets it) or make them agree");
    group.addresses = std::move(seen_addresses);
  }
  trace_ = {};
}

void ScenarioLoader::read_script(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group)
{
  r_.require_sequence(list, ctx);
  if (list.size() == 0)
    r_.fail(list, ctx + " is empty; expected at least one scripted request, e.g. - {at: 0 s, client: 192.168.1.2}");
  const bool listed = group_has_explicit_addresses_;
  // Without an explicit address list, the script's clients are the group's addresses.
  std::vector<uint32_t> generated;
  if (!listed) generated.swap(group.addresses);
  std::map<uint32_t, uint32_t> index_of;
  for (uint32_t k = 0; k < group.addresses.size(); ++k) index_of[group.addresses[k]] = k;
  std::vector<uint32_t> script_addresses;
  SimTime previous;
  for (size_t k = 0; k < list.size(); ++k) {
    const YAML::Node item = list[k];
    const std::string ictx = ctx + "[" + std::to_string(k) + "]";
    r_.require_map(item, ictx);
    r_.check_keys(item, ictx, {"at", "client"});
    r_.require_key(item, "at", ictx, "at: 1.5 s");
    models::ScriptedArrival arrival;
    arrival.at = SimTime::from_ns(r_.time_ns(item["at"], ictx + ".at", true));
    if (arrival.at < previous)
      r_.fail(item["at"],
              ictx + ".at goes back in time (the request before is later); list scripted requests in time order");
    previous = arrival.at;
    if (item["client"]) {
      const std::string text = r_.string(item["client"], ictx + ".client");
      const auto ip = parse_ipv4(text);
      if (!ip)
        r_.fail(item["client"], ictx + ".client: \"" + text +
                                    "\" is not an IPv4 address; expected four numbers 0-255 such as 192.168.1.2");
      auto it = index_of.find(*ip);
      if (it == index_of.end()) {
        if (listed) r_.fail(item["client"], "client " + text + " is not among the group's addresses; add it to " +
                                                ctx.substr(0, ctx.find(".arrivals")) + ".addresses");
        it = index_of.emplace(*ip, static_cast<uint32_t>(index_of.size())).first;
        script_addresses.push_back(*ip);
      }
      arrival.client = it->second;
    }
    group.arrivals.script.push_back(arrival);
  }
  if (!listed) {
    // The script names the clients; a population, if given, must agree (it is not silently dropped).
    if (group_population_ && !script_addresses.empty() && generated.size() != script_addresses.size())
      r_.fail(*group_population_,
              ctx.substr(0, ctx.find(".arrivals")) + ".population is " + std::to_string(generated.size()) +
                  " but the script's requests come from " + std::to_string(script_addresses.size()) +
                  " distinct clients; leave population out (the script sets it) or make them agree");
    group.addresses = script_addresses;
    if (group.addresses.empty()) group.addresses.push_back(generated.front());
  }
}

// The client's own timeout and retries of a request type (docs/clients.md).
void ScenarioLoader::read_client_side(const YAML::Node& t, const std::string& tctx, models::RequestType& type)
{
  if (t["timeout"]) type.timeout = SimTime::from_ns(r_.time_ns(t["timeout"], tctx + ".timeout", false));
  if (t["cancel_on_timeout"]) {
    type.cancel_on_timeout = r_.boolean(t["cancel_on_timeout"], tctx + ".cancel_on_timeout");
    if (!t["timeout"]) r_.fail(t["cancel_on_timeout"], tctx + ".cancel_on_timeout needs a timeout, e.g. timeout: 2 s");
  }
  if (t["retries"]) type.retries = read_client_retries(r_, t["retries"], tctx + ".retries");
}

void ScenarioLoader::read_mix(const YAML::Node& list, const std::string& ctx, models::ClientGroupConfig& group)
{
  r_.require_sequence(list, ctx);
  if (list.size() == 0)
    r_.fail(list, ctx + " is empty; expected at least one request type, e.g. - {method: GET, path: /, work: 5 ms}");
  size_t with_share = 0;
  double total = 0;
  std::vector<YAML::Node>& mix_items = mix_nodes_.emplace_back();
  for (size_t k = 0; k < list.size(); ++k) {
    const YAML::Node t = list[k];
    const std::string tctx = ctx + "[" + std::to_string(k) + "]";
    r_.require_map(t, tctx);
    if (group.steps)
      r_.check_keys(t, tctx, {"method", "path", "probability", "think_time", "request_size", "response_size", "work",
                            "ids", "headers", "timeout", "cancel_on_timeout", "retries"});
    else
      r_.check_keys(t, tctx, {"method", "path", "share", "request_size", "response_size", "work", "ids", "headers",
                            "timeout", "cancel_on_timeout", "retries"});
    mix_items.push_back(t);  // whether it needs work depends on its service (services_reader.cpp)
    models::RequestType type;
    if (t["method"]) type.method = r_.string(t["method"], tctx + ".method");
    if (t["path"]) type.path = r_.string(t["path"], tctx + ".path");
    if (!models::is_known_method(type.method))
      warn(t["method"], tctx + ".method \"" + type.method +
                            "\" is not a method RFC 9110 defines: treated as neither safe nor idempotent");
    read_client_side(t, tctx, type);
    if (t["share"]) {
      type.share = r_.positive_number(t["share"], tctx + ".share", 1,
                                      "a share is the fraction of the group's requests of this type");
      ++with_share;
      total += type.share;
    }
    if (t["request_size"]) type.request_bytes = r_.size_bytes(t["request_size"], tctx + ".request_size");
    if (t["response_size"]) type.response_bytes = r_.size_bytes(t["response_size"], tctx + ".response_size");
    if (t["work"]) type.work = read_time_distribution(t["work"], tctx + ".work", r_, base_dir_);
    if (t["ids"]) {
      type.ids = read_ids(r_, t["ids"], tctx + ".ids");
      if (type.path.find('{') == std::string::npos)
        r_.fail(t["ids"], tctx + ".ids draws the resource id a path names, and the path \"" + type.path +
                              "\" has no {id} segment; write it as e.g. /api/items/{id}");
      gateway_only_nodes_.push_back(t["ids"]);
    }
    if (const YAML::Node h = t["headers"]) {
      r_.require_sequence(h, tctx + ".headers");
      for (size_t j = 0; j < h.size(); ++j) {
        // "authorization", or "content-type: application/json" (YAML reads that as a mapping).
        const std::string hctx = tctx + ".headers[" + std::to_string(j) + "]";
        if (h[j].IsMap() && h[j].size() == 1)
          type.headers.push_back(h[j].begin()->first.Scalar() + ": " + r_.string(h[j].begin()->second, hctx));
        else
          type.headers.push_back(r_.string(h[j], hctx));
      }
      gateway_only_nodes_.push_back(h);
    }
    type.preflighted = needs_cors_preflight(type);
    if (group.steps) read_step(t, tctx, k, group, type);
    group.mix.push_back(std::move(type));
  }
  if (group.steps && group.arrivals.process == models::ArrivalConfig::Process::sessions) {
    // A session sends its steps once: its expected length is the sum of their chances.
    double expected = 0;
    for (const auto& type : group.mix) expected += type.step_probability;
    group.arrivals.session_length.mean = expected;
  }
  if (with_share != 0 && with_share != list.size())
    r_.fail(list, ctx + ": " + std::to_string(with_share) + " of " + std::to_string(list.size()) +
                      " request types have a share; give every request type a share, or none (equal shares)");
  if (with_share == 0) {
    for (auto& type : group.mix) type.share = 1.0 / static_cast<double>(group.mix.size());
  } else if (std::abs(total - 1.0) > 1e-6) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, ": the shares add up to %.6g; they must add up to 1", total);
    r_.fail(list, ctx + buffer);
  }
}

}  // namespace lbsim::scenarios
