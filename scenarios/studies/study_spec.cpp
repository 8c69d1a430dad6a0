#include "scenarios/studies/study_spec.hpp"

#include "models/analytic/model_match.hpp"
#include "models/network/transfers.hpp"
#include "scenarios/format/loader.hpp"
#include "scenarios/format/overrides.hpp"
#include "scenarios/results/results_writer.hpp"
#include "scenarios/format/suggest.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/format/yaml_document.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace lbsim::scenarios {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxRuns = 10'000'000;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// What a metric path names in summary.json: a number (or true/false), text, or a group of them.
struct MetricCatalog {
  std::vector<std::string> numbers;  // document order, no duplicates
  std::set<std::string> number_set;
  std::map<std::string, std::vector<std::string>> groups;  // group path -> the numbers inside it
  std::set<std::string> texts;

  void add_number(const std::string& path)
  {
    if (number_set.insert(path).second) numbers.push_back(path);
  }
};

// Walks a summary.json document; `visit_number` gets (path, value) for every number and boolean.
template <typename Json, typename Number, typename Other>
void walk_summary(const Json& node, const std::string& path, const Number& visit_number, const Other& visit_other)
{
  if (node.is_object()) {
    visit_other(path, node);
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (path.empty() && it.key() == "wall") continue;  // wall-clock figures differ between identical runs
      walk_summary(it.value(), path.empty() ? it.key() : path + "." + it.key(), visit_number, visit_other);
    }
  } else if (node.is_array()) {
    visit_other(path, node);
    for (std::size_t i = 0; i < node.size(); ++i) {
      const Json& item = node[i];
      const bool named = item.is_object() && item.contains("name") && item["name"].is_string();
      walk_summary(item, path + "[" + (named ? item["name"].template get<std::string>() : std::to_string(i)) + "]",
                   visit_number, visit_other);
    }
  } else if (node.is_boolean()) {
    visit_number(path, node.template get<bool>() ? 1.0 : 0.0);
  } else if (node.is_number()) {
    visit_number(path, node.template get<double>());
  } else {
    visit_other(path, node);
  }
}

std::string skeleton_summary_json(const models::SystemConfig& config)
{
  models::RunSummary s;
  s.scenario = config.name;
  s.seed = config.seed;
  for (double p : config.metrics.percentiles) s.latency_percentiles_s.emplace_back(p, 0.0);
  if (config.metrics.slo_p99) s.slo_p99_s = config.metrics.slo_p99->seconds();
  for (const models::ServiceConfig& service : config.services) {
    models::ServiceSummary summary;
    summary.name = service.name;
    for (const auto& server : service.servers) {
      models::ServerSummary ss;
      ss.name = server.name;
      s.servers.push_back(ss);
      summary.servers.push_back(server.name);
    }
    for (size_t e = 0; e < std::max<size_t>(1, service.endpoints.size()); ++e) {
      models::EndpointSummary endpoint;
      for (double p : config.metrics.percentiles) endpoint.latency.percentiles_s.emplace_back(p, 0.0);
      summary.endpoints.push_back(endpoint);
    }
    for (double p : config.metrics.percentiles) summary.latency.percentiles_s.emplace_back(p, 0.0);
    s.services.push_back(summary);
  }
  for (const models::ClientGroupConfig& group : config.clients) {
    // The groups ClientUsers counts sessions of: sessions, and closed users who walk steps.
    const bool closed = group.arrivals.process == models::ArrivalConfig::Process::closed;
    if (!group.arrivals.user_driven() || (closed && !group.steps)) continue;
    models::SessionSummary sessions;
    sessions.client = group.name;
    if (group.session_state_on_server) sessions.lost = 0;
    for (double p : config.metrics.percentiles) sessions.time.percentiles_s.emplace_back(p, 0.0);
    s.sessions.push_back(sessions);
  }
  if (config.network)
    for (const models::NetworkLinkInfo& info : models::directed_links(*config.network)) {
      models::LinkSummary link;
      link.name = info.name;
      s.links.push_back(link);
    }
  if (config.services.size() == 1 && config.services.front().balancer) {
    models::BalancerSummary b;
    b.name = config.services.front().balancer->name;
    b.algorithm = config.services.front().balancer->algorithm;
    s.balancer = b;
  }
  s.analytic = models::analytic::match_model(config);
  return summary_json(s);
}

void add_to_catalog(MetricCatalog& catalog, const models::SystemConfig& config)
{
  const auto document = nlohmann::ordered_json::parse(skeleton_summary_json(config));
  std::vector<std::string> group_stack;
  walk_summary(
      document, "",
      [&](const std::string& path, double) {
        catalog.add_number(path);
        // Every group that contains this number lists it.
        for (std::size_t cut = path.find_first_of(".["); cut != std::string::npos; cut = path.find_first_of(".[", cut + 1)) {
          auto& members = catalog.groups[path.substr(0, cut)];
          if (std::find(members.begin(), members.end(), path) == members.end()) members.push_back(path);
        }
      },
      [&](const std::string& path, const nlohmann::ordered_json& node) {
        if (node.is_string() || node.is_null()) catalog.texts.insert(path);
        if ((node.is_object() || node.is_array()) && !path.empty()) catalog.groups[path];
      });
}

class StudyReader {
public:
  StudyReader(YamlReader& reader, std::string base_dir, std::vector<std::string> overrides)
      : r_(reader), base_dir_(std::move(base_dir)), overrides_(std::move(overrides))
  {
  }

  StudySpec read(const YAML::Node& root)
  {
    r_.require_map(root, "the study");
    if (!root["study"] && !root["scenario"] && (root["clients"] || root["servers"]))
      r_.fail(root, "this is a scenario file, not a study; a study file names a base scenario and what to vary "
                    "(study: NAME, scenario: FILE.yaml, replications: N, vary: {KEY: [values]}, report: [metrics]); "
                    "run a scenario with lbsim run");
    r_.check_keys(root, "the study", {"study", "description", "scenario", "replications", "vary", "confidence", "report"});
    r_.require_key(root, "scenario", "the study", "scenario: quickstart.yaml");

    StudySpec spec;
    spec.file = r_.file();
    spec.overrides = overrides_;
    spec.name = root["study"] ? r_.string(root["study"], "study") : fs::path(r_.file()).stem().string();
    if (const YAML::Node d = root["description"]; d && !d.IsScalar() && !d.IsNull())
      r_.fail(d, "description must be text (one paragraph)");
    read_scenario(root["scenario"], spec);
    if (root["replications"])
      spec.replications = static_cast<int>(r_.integer(root["replications"], "replications", 1, 1'000'000));
    if (const YAML::Node c = root["confidence"]) {
      spec.confidence = r_.number(c, "confidence", 0, 1);
      if (spec.confidence <= 0 || spec.confidence >= 1)
        r_.fail(c, "confidence must be strictly between 0 and 1 (e.g. 0.95 for a 95% confidence interval), got " +
                       c.Scalar());
    }

    // The base scenario with the --set overrides: its errors are the scenario's (or the --set's).
    const models::SystemConfig base = load_scenario_text(spec.scenario_text, spec.scenario_file, spec.scenario_dir, overrides_);
    spec.master_seed = base.seed;
    add_to_catalog(catalog_, base);
    if (const YAML::Node vary = root["vary"]) read_vary(vary, spec);

    std::size_t runs = static_cast<std::size_t>(spec.replications);
    for (const StudyAxis& axis : spec.vary) {
      if (runs > kMaxRuns / axis.values.size())
        r_.fail(root["vary"], "the study has more than " + std::to_string(kMaxRuns) +
                                  " runs (points times replications); vary fewer values");
      runs *= axis.values.size();
    }
    if (runs > kMaxRuns)
      r_.fail(root["replications"], "the study has more than " + std::to_string(kMaxRuns) + " runs; use fewer replications");

    if (const YAML::Node report = root["report"])
      read_report(report, spec);
    else
      for (const std::string& metric : default_report_metrics()) spec.report.push_back({metric, r_.where(root)});
    return spec;
  }

private:
  void read_scenario(const YAML::Node& node, StudySpec& spec)
  {
    const std::string given = r_.string(node, "scenario");
    fs::path path(given);
    if (path.is_relative()) path = fs::path(base_dir_) / path;
    spec.scenario_file = path.lexically_normal().string();
    std::error_code ec;
    if (fs::is_directory(path, ec))
      r_.fail(node, "scenario " + quoted(given) + " is a folder; expected a scenario file (YAML), relative to the study file");
    try {
      spec.scenario_text = read_text_file(spec.scenario_file, "expected a scenario file (YAML), its path relative to the study file");
    } catch (const TextFileError& e) {
      r_.fail(node, "cannot open the scenario file " + quoted(given) + " (looked for " + spec.scenario_file + "): " + e.what());
    }
    spec.scenario_dir = path.has_parent_path() ? path.parent_path().string() : ".";
  }

  void read_vary(const YAML::Node& vary, StudySpec& spec)
  {
    if (vary.IsNull()) return;
    r_.require_map(vary, "vary");
    YAML::Node tree = load_yaml_value(spec.scenario_text);  // loaded as a scenario above: no error here
    {
      YamlReader scratch(spec.scenario_file);
      apply_overrides(tree, overrides_, scratch);
    }
    for (const auto& entry : vary) {
      StudyAxis axis;
      axis.key = r_.string(entry.first, "a vary key");
      axis.key_at = r_.where(entry.first);
      const std::string context = "vary." + axis.key;
      if (axis.key == "seed")
        r_.fail(entry.first, "seed cannot be varied: every run's seed is derived from the scenario's seed, the point "
                             "and the replication; use replications for more seeds (and --set seed=N for another "
                             "master seed)");
      check_override_path(r_, entry.first, axis.key, tree, "vary key");
      const YAML::Node values = entry.second;
      if (!values.IsSequence())
        r_.fail(values, context + " must be a list of values such as [round_robin, least_connections]; got " +
                            (values.IsMap() ? std::string("a mapping") : values.IsNull() ? "nothing" : quoted(values.Scalar())) +
                            " (write a single value as [value])");
      if (values.size() == 0) r_.fail(values, context + " must list at least one value");
      std::set<std::string> seen;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const YAML::Node value = values[i];
        const std::string text = flow_yaml_text(value);
        if (!seen.insert(text).second)
          r_.fail(value, "the value " + text + " appears twice in " + context + "; list each value once");
        axis.value_texts.push_back(text);
        axis.values.push_back(value.IsScalar() ? value.Scalar() : text);
        axis.value_at.push_back(r_.where(value));
        check_value(entry.first, value, axis.key, text, spec);
      }
      spec.vary.push_back(std::move(axis));
    }
  }

  // The scenario must accept the value, applied exactly as --set KEY=VALUE would be.
  void check_value(const YAML::Node& key_node, const YAML::Node& value_node, const std::string& key,
                   const std::string& text, const StudySpec& spec)
  {
    std::vector<std::string> overrides = overrides_;
    overrides.push_back(key + "=" + text);
    try {
      add_to_catalog(catalog_, load_scenario_text(spec.scenario_text, spec.scenario_file, spec.scenario_dir, overrides));
    } catch (const ScenarioError& e) {
      // A key the scenario format does not have is the key's fault, anything else the value's.
      const std::size_t dot = key.find_last_of('.');
      const std::string last = key.substr(dot == std::string::npos ? 0 : dot + 1);
      const bool key_fault = last.find('[') == std::string::npos &&
                             (e.message().find("unknown key " + quoted(last)) != std::string::npos ||
                              (e.message().find(quoted(last) + " in ") != std::string::npos &&
                               e.message().find("not implemented") != std::string::npos));
      std::string message = e.message();
      if (!key_fault && e.where().origin.empty() && e.where().line > 0)
        message += " (at " + e.where().to_string() + ", with " + key + " = " + text + ")";
      r_.fail(key_fault ? key_node : value_node, key_fault ? "vary key " + quoted(key) + ": " + message : message);
    }
  }

  void read_report(const YAML::Node& report, StudySpec& spec)
  {
    r_.require_sequence(report, "report");
    if (report.size() == 0) r_.fail(report, "report must list at least one metric, e.g. [latency_s.mean, latency_s.p99]");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < report.size(); ++i) {
      const YAML::Node node = report[i];
      const std::string path = r_.string(node, "report[" + std::to_string(i) + "]");
      if (!seen.insert(path).second) r_.fail(node, "the metric " + path + " appears twice in report; list each once");
      check_metric(node, path);
      spec.report.push_back({path, r_.where(node)});
    }
  }

  void check_metric(const YAML::Node& node, const std::string& path)
  {
    if (catalog_.number_set.count(path)) return;
    if (path == "wall" || path.rfind("wall.", 0) == 0)
      r_.fail(node, "the metric " + path + " is wall-clock time, which differs between identical runs; a study "
                                           "reports only simulated results (they are identical for any --jobs)");
    if (catalog_.texts.count(path)) r_.fail(node, "the metric " + path + " is text in summary.json, not a number");
    if (const auto group = catalog_.groups.find(path); group != catalog_.groups.end()) {
      std::string message = "the metric " + path + " is a group in summary.json; pick one of its numbers:";
      const char* separator = " ";
      for (const std::string& member : group->second) {
        message += separator + member;
        separator = ", ";
      }
      r_.fail(node, message);
    }
    std::string message = "unknown metric " + quoted(path) + ": summary.json has no such number";
    bool indexed = false;  // servers[0]: metrics pick list items by name
    for (std::size_t open = path.find('['); open != std::string::npos && !indexed; open = path.find('[', open + 1)) {
      const std::size_t close = path.find(']', open);
      indexed = close != std::string::npos && close > open + 1 && path.find_first_not_of("0123456789", open + 1) == close;
    }
    const std::string hint = did_you_mean(path, catalog_.numbers);
    if (indexed)
      message += "; pick list items by name" + (hint.empty() ? std::string(", e.g. servers[NAME].utilization") : hint);
    else if (!hint.empty())
      message += hint;
    else
      message += "; expected a dotted path such as latency_s.p99, throughput_rps, requests.rejected or "
                 "servers[NAME].utilization (see docs/results.md)";
    r_.fail(node, message);
  }

  YamlReader& r_;
  std::string base_dir_;
  std::vector<std::string> overrides_;
  MetricCatalog catalog_;
};

}  // namespace

std::size_t StudySpec::point_count() const
{
  std::size_t points = 1;
  for (const StudyAxis& axis : vary) points *= axis.values.size();
  return points;
}

std::vector<std::string> default_report_metrics()
{
  return {"latency_s.mean", "latency_s.p99", "throughput_rps", "requests.rejected"};
}

namespace {
const char* const kEmpty =
    "the study file is empty; expected at least \"scenario: FILE.yaml\" and \"vary\" or \"replications\"";
}

StudySpec load_study_text(const std::string& text, const std::string& file, const std::string& base_dir,
                          const std::vector<std::string>& overrides)
{
  YamlReader reader(file);
  const YAML::Node root = load_yaml_document(text, reader, kEmpty);
  StudyReader study(reader, base_dir, overrides);
  return study.read(root);
}

StudySpec load_study_file(const std::string& path, const std::vector<std::string>& overrides)
{
  YamlReader reader(path);
  const YAML::Node root = load_yaml_file(path, reader, "expected a study file (YAML)", kEmpty);
  StudyReader study(reader, parent_folder(path), overrides);
  return study.read(root);
}

std::vector<std::pair<std::string, double>> summary_metrics(const std::string& summary_json_text)
{
  std::vector<std::pair<std::string, double>> metrics;
  walk_summary(
      nlohmann::ordered_json::parse(summary_json_text), "",
      [&](const std::string& path, double value) { metrics.emplace_back(path, value); },
      [](const std::string&, const nlohmann::ordered_json&) {});
  return metrics;
}

std::vector<std::string> summary_metric_names(const models::SystemConfig& config)
{
  MetricCatalog catalog;
  add_to_catalog(catalog, config);
  return catalog.numbers;
}

}  // namespace lbsim::scenarios
