// The services section (docs/services.md): each service's balancer, servers and endpoints, and the
// calls endpoints make; then what needs every service known: which endpoint each client request
// type and each call reaches, and a call graph without cycles and at most 32 deep.
#include "scenarios/format/scenario_loader.hpp"

#include "scenarios/format/distribution_reader.hpp"
#include "scenarios/format/suggest.hpp"

#include <algorithm>
#include <functional>

namespace lbsim::scenarios {

namespace {
constexpr size_t kMaxCallDepth = 32;

std::string describe(const models::EndpointConfig& e)
{
  const char* how = e.match == models::EndpointConfig::Match::prefix ? "prefix " : "";
  return (e.method.empty() ? std::string("any method ") : e.method + " ") + how + e.path;
}

std::string endpoint_list(const models::ServiceConfig& s)
{
  std::string out;
  for (size_t k = 0; k < s.endpoints.size() && k < 8; ++k) {
    if (k) out += ", ";
    out += describe(s.endpoints[k]);
  }
  if (s.endpoints.size() > 8) out += ", ...";
  return out;
}
}  // namespace

void ScenarioLoader::read_services(const YAML::Node& node, models::SystemConfig& c)
{
  r_.require_sequence(node, "services");
  if (node.size() == 0)
    r_.fail(node, "services is empty; expected at least one service, e.g. - {name: api, servers: [{name: api}]}");
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node s = node[i];
    const std::string ctx = "services[" + std::to_string(i) + "]";
    r_.require_map(s, ctx);
    r_.check_keys(s, ctx, {"name", "balancer", "servers", "endpoints", "circuit_breaker", "outlier_detection"});
    r_.require_key(s, "name", ctx, "name: users");
    r_.require_key(s, "servers", ctx, "servers: [{name: users, count: 2}]");
    models::ServiceConfig& service = c.services.emplace_back();
    service.name = r_.string(s["name"], ctx + ".name");
    if (service.name.empty()) r_.fail(s["name"], ctx + ".name is empty; give the service a name");
    if (!names.insert(service.name).second)
      r_.fail(s["name"], "two services are named \"" + service.name + "\"; give each service its own name");
    service_nodes_.push_back(s["name"]);
    if (s["balancer"]) service.balancer = read_balancer(s["balancer"], ctx + ".balancer", true);
    else service.balancer.emplace();
    service.balancer->name = service.name;  // its node in the network is the service's
    read_servers(s["servers"], ctx + ".servers", service);
    check_server_flags(service);
    if (s["endpoints"]) read_endpoints(s["endpoints"], ctx + ".endpoints", service);
    if (const YAML::Node cb = s["circuit_breaker"]) {
      const std::string bctx = ctx + ".circuit_breaker";
      r_.require_map(cb, bctx);
      r_.check_keys(cb, bctx, {"max_connections", "max_pending_requests", "max_requests", "max_retries"});
      models::CircuitBreakerConfig b;  // Envoy's defaults
      const auto count = [&](const char* key, uint64_t& out, int64_t min) {
        if (cb[key]) out = static_cast<uint64_t>(r_.integer(cb[key], bctx + "." + key, min, 1'000'000'000));
      };
      count("max_connections", b.max_connections, 1);
      count("max_pending_requests", b.max_pending_requests, 0);
      count("max_requests", b.max_requests, 1);
      count("max_retries", b.max_retries, 0);
      service.circuit_breaker = b;
    }
    if (const YAML::Node od = s["outlier_detection"]) {
      const std::string octx = ctx + ".outlier_detection";
      r_.require_map(od, octx);
      r_.check_keys(od, octx, {"consecutive_5xx", "interval", "base_ejection_time", "max_ejection_time",
                               "max_ejection_percent"});
      models::OutlierDetectionConfig o;  // Envoy's defaults
      if (od["consecutive_5xx"])
        o.consecutive_5xx = static_cast<int>(r_.integer(od["consecutive_5xx"], octx + ".consecutive_5xx", 1, 1'000'000));
      const auto time = [&](const char* key, SimTime& out) {
        if (od[key]) out = SimTime::from_ns(r_.time_ns(od[key], octx + "." + key, false));
      };
      time("interval", o.interval);
      time("base_ejection_time", o.base_ejection_time);
      time("max_ejection_time", o.max_ejection_time);
      if (o.max_ejection_time < o.base_ejection_time)
        r_.fail(od["max_ejection_time"] ? od["max_ejection_time"] : od,
                octx + ".max_ejection_time is below base_ejection_time; an ejection lasts at least the base");
      if (od["max_ejection_percent"])
        o.max_ejection_percent = r_.fraction(od["max_ejection_percent"], octx + ".max_ejection_percent");
      if (!service.balancer)
        r_.fail(od, octx + " takes servers out of a balancer's rotation; this service has no balancer");
      service.outlier_detection = o;
    }
  }
}

void ScenarioLoader::read_endpoints(const YAML::Node& list, const std::string& ctx, models::ServiceConfig& service)
{
  r_.require_sequence(list, ctx);
  if (list.size() == 0) r_.fail(list, ctx + " is empty; give endpoints, or leave endpoints out");
  std::vector<YAML::Node>& call_nodes = call_nodes_.emplace_back();
  for (size_t k = 0; k < list.size(); ++k) {
    const YAML::Node e = list[k];
    const std::string ectx = ctx + "[" + std::to_string(k) + "]";
    r_.require_map(e, ectx);
    r_.check_keys(e, ectx, {"method", "path", "prefix", "work", "calls", "work_after", "hold_core", "response_size"});
    if (static_cast<bool>(e["path"]) == static_cast<bool>(e["prefix"]))
      r_.fail(e, ectx + " needs exactly one of path (exact, or a pattern such as /users/{id}) and prefix (every path "
                        "under it)");
    models::EndpointConfig endpoint;
    if (e["method"]) endpoint.method = r_.string(e["method"], ectx + ".method");
    const YAML::Node path = e["path"] ? e["path"] : e["prefix"];
    endpoint.path = r_.string(path, ectx + (e["path"] ? ".path" : ".prefix"));
    if (endpoint.path.empty() || endpoint.path.front() != '/')
      r_.fail(path, ectx + (e["path"] ? ".path" : ".prefix") + " must start with /, got \"" + endpoint.path + "\"");
    if (e["prefix"]) endpoint.match = models::EndpointConfig::Match::prefix;
    else if (endpoint.path.find('{') != std::string::npos) endpoint.match = models::EndpointConfig::Match::pattern;
    if (e["work"]) endpoint.work = read_time_distribution(e["work"], ectx + ".work", r_, base_dir_);
    if (e["work_after"]) endpoint.work_after = read_time_distribution(e["work_after"], ectx + ".work_after", r_, base_dir_);
    if (e["hold_core"]) endpoint.hold_core = r_.boolean(e["hold_core"], ectx + ".hold_core");
    if (e["response_size"]) endpoint.response_bytes = r_.size_bytes(e["response_size"], ectx + ".response_size");
    if (const YAML::Node calls = e["calls"]) {
      r_.require_sequence(calls, ectx + ".calls");
      for (size_t j = 0; j < calls.size(); ++j) {
        const YAML::Node call = calls[j];
        const std::string cctx = ectx + ".calls[" + std::to_string(j) + "]";
        r_.require_map(call, cctx);
        r_.check_keys(call, cctx, {"service", "method", "path", "request_size", "response_size", "mode", "probability"});
        r_.require_key(call, "service", cctx, "service: orders");
        r_.require_key(call, "path", cctx, "path: /orders/recent");
        models::CallConfig out;
        out.service = r_.string(call["service"], cctx + ".service");
        if (call["method"]) out.method = r_.string(call["method"], cctx + ".method");
        out.path = r_.string(call["path"], cctx + ".path");
        if (call["request_size"]) out.request_bytes = r_.size_bytes(call["request_size"], cctx + ".request_size");
        if (call["response_size"]) out.response_bytes = r_.size_bytes(call["response_size"], cctx + ".response_size");
        if (call["mode"]) out.parallel = r_.one_of(call["mode"], cctx + ".mode", {"sequential", "parallel"}) == "parallel";
        if (call["probability"]) {
          out.probability = r_.fraction(call["probability"], cctx + ".probability");
          if (out.probability <= 0)
            r_.fail(call["probability"], cctx + ".probability is 0: the call is never made; remove it instead");
        }
        endpoint.calls.push_back(std::move(out));
        call_nodes.push_back(call);
      }
    }
    if (endpoint.work_after && endpoint.calls.empty())
      r_.fail(e["work_after"], ectx + ".work_after is the work after the calls return, and this endpoint makes no calls; "
                               "add it to work instead");
    if (endpoint.hold_core && endpoint.calls.empty())
      r_.fail(e["hold_core"], ectx + ".hold_core says whether the core stays taken while the calls are out, and this "
                              "endpoint makes no calls; remove hold_core");
    service.endpoints.push_back(std::move(endpoint));
  }
}

// The services a name may stand for, with a did-you-mean.
uint32_t ScenarioLoader::service_named(const YAML::Node& node, const std::string& what, const models::SystemConfig& c) const
{
  std::vector<std::string> names;
  for (const models::ServiceConfig& s : c.services) names.push_back(s.name);
  const std::string name = r_.one_of(node, what, names);
  return static_cast<uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

// What needs every service known: the services client groups send to and the endpoints their
// request types reach; each call's service and endpoint; a call graph without cycles.
void ScenarioLoader::resolve_requests(models::SystemConfig& c)
{
  for (size_t g = 0; g < c.clients.size(); ++g) {
    models::ClientGroupConfig& group = c.clients[g];
    const std::string gctx = "clients[" + std::to_string(g) + "]";
    if (has_gateway_) {  // the gateway's routes say where its requests go (gateway_reader.cpp)
      if (group_service_nodes_[g])
        r_.fail(*group_service_nodes_[g], gctx + ".service: with a gateway, clients send to it and its routes pick "
                                                 "the service; remove service");
      continue;
    }
    if (group_service_nodes_[g]) {
      if (!c.services_section)
        r_.fail(*group_service_nodes_[g], gctx + ".service names one of the scenario's services, and this scenario has "
                                                 "no services section (its servers are one service); remove service");
      group.service = service_named(*group_service_nodes_[g], gctx + ".service", c);
    }
    const models::ServiceConfig& service = c.services[group.service];
    for (size_t k = 0; k < group.mix.size(); ++k) {
      models::RequestType& type = group.mix[k];
      const YAML::Node& item = mix_nodes_[g][k];
      const std::string tctx = gctx + ".mix[" + std::to_string(k) + "]";
      if (service.endpoints.empty()) {
        r_.require_key(item, "work", tctx, "work: 5 ms, the service demand at speed 1.0");
        continue;
      }
      if (item["work"])
        r_.fail(item["work"], tctx + ".work is not used: service \"" + service.name + "\" has endpoints, and the " +
                                  "endpoint a request reaches says its work; remove work");
      for (size_t e = 0; e < service.endpoints.size() && type.endpoint < 0; ++e)
        if (service.endpoints[e].matches(type.method, type.path)) type.endpoint = static_cast<int32_t>(e);
      if (type.endpoint < 0)
        r_.fail(item, tctx + " (" + type.method + " " + type.path + ") matches no endpoint of service \"" + service.name +
                          "\" (" + endpoint_list(service) + "); add an endpoint or change the method or path");
      if (!item["response_size"])
        type.response_bytes = service.endpoints[static_cast<size_t>(type.endpoint)].response_bytes;
    }
  }
  // Calls, in the order they were read: service by service, endpoint by endpoint.
  size_t with_endpoints = 0;
  for (size_t s = 0; s < c.services.size(); ++s) {
    if (c.services[s].endpoints.empty()) continue;
    const std::vector<YAML::Node>& nodes = call_nodes_[with_endpoints++];
    size_t n = 0;
    for (size_t e = 0; e < c.services[s].endpoints.size(); ++e) {
      for (models::CallConfig& call : c.services[s].endpoints[e].calls) {
        const YAML::Node& node = nodes[n++];
        const std::string cctx = "services[" + std::to_string(s) + "].endpoints[" + std::to_string(e) + "].calls";
        call.service_index = service_named(node["service"], cctx + ".service", c);
        const models::ServiceConfig& callee = c.services[call.service_index];
        if (callee.endpoints.empty())
          r_.fail(node["service"], "service \"" + callee.name + "\" has no endpoints, so a call to it has no work to "
                                   "do; give it endpoints (e.g. - {method: GET, path: " + call.path + ", work: 5 ms})");
        call.endpoint = -1;
        for (size_t k = 0; k < callee.endpoints.size() && call.endpoint < 0; ++k)
          if (callee.endpoints[k].matches(call.method, call.path)) call.endpoint = static_cast<int32_t>(k);
        if (call.endpoint < 0)
          r_.fail(node["path"], "the call " + call.method + " " + call.path + " to service \"" + callee.name +
                                    "\" matches none of its endpoints (" + endpoint_list(callee) +
                                    "); change the call's method or path, or add the endpoint");
        if (!node["response_size"])
          call.response_bytes = callee.endpoints[static_cast<size_t>(call.endpoint)].response_bytes;
      }
    }
  }
  check_call_graph(c);
}

// A call graph with a cycle would recurse forever; one deeper than 32 is refused too (Envoy and
// gRPC stacks are far shallower, and every level is a frame of lbsim's own).
void ScenarioLoader::check_call_graph(const models::SystemConfig& c)
{
  struct Key {
    size_t service, endpoint;
    bool operator<(const Key& o) const { return service < o.service || (service == o.service && endpoint < o.endpoint); }
  };
  std::map<Key, int> state;     // 1: on the current path, 2: done
  std::map<Key, size_t> depth;  // calls below it, at most
  std::vector<Key> path;
  const auto name = [&](const Key& k) {
    const models::ServiceConfig& s = c.services[k.service];
    return s.name + " (" + describe(s.endpoints[k.endpoint]) + ")";
  };
  std::function<size_t(const Key&)> visit = [&](const Key& k) -> size_t {
    if (state[k] == 2) return depth[k];
    state[k] = 1;
    path.push_back(k);
    size_t deepest = 0;
    const models::EndpointConfig& e = c.services[k.service].endpoints[k.endpoint];
    for (size_t j = 0; j < e.calls.size(); ++j) {
      const Key next{e.calls[j].service_index, static_cast<size_t>(e.calls[j].endpoint)};
      if (state[next] == 1) {
        std::string cycle;
        const auto from = std::find_if(path.begin(), path.end(), [&](const Key& p) { return !(p < next) && !(next < p); });
        for (auto it = from; it != path.end(); ++it) cycle += name(*it) + " -> ";
        cycle += name(next);
        r_.fail(service_nodes_[k.service], "call graph cycle " + cycle +
                                               ": a request would call itself forever; remove one of these calls");
      }
      deepest = std::max(deepest, 1 + visit(next));
    }
    path.pop_back();
    state[k] = 2;
    if (deepest > kMaxCallDepth)
      r_.fail(service_nodes_[k.service], "calls from " + name(k) + " nest " + std::to_string(deepest) +
                                             " deep; at most " + std::to_string(kMaxCallDepth) + " levels are allowed");
    return depth[k] = deepest;
  };
  for (size_t s = 0; s < c.services.size(); ++s)
    for (size_t e = 0; e < c.services[s].endpoints.size(); ++e) visit(Key{s, e});
}

}  // namespace lbsim::scenarios
