#include "scenarios/planning/plan_spec.hpp"

#include "scenarios/format/loader.hpp"
#include "scenarios/format/overrides.hpp"
#include "scenarios/format/suggest.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/format/yaml_document.hpp"
#include "scenarios/format/yaml_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace lbsim::scenarios {

namespace {

namespace fs = std::filesystem;

constexpr long kMaxCountValues = 100'000;
constexpr std::size_t kMaxCombinations = 100'000;

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

class PlanReader {
public:
  PlanReader(YamlReader& reader, std::string base_dir, std::vector<std::string> overrides)
      : r_(reader), base_dir_(std::move(base_dir)), overrides_(std::move(overrides))
  {
  }

  PlanSpec read(const YAML::Node& root)
  {
    r_.require_map(root, "the plan");
    if (!root["plan"] && !root["scenario"] && (root["clients"] || root["servers"] || root["services"]))
      r_.fail(root, "this is a scenario, not a plan file; a plan file names a base scenario, an SLO and what to "
                    "search (plan: NAME, scenario: FILE.yaml, slo: {p99: 200 ms}, search: {servers[web].count: "
                    "{min: 1, max: 20}}; docs/planning.md); run a scenario with lbsim run");
    if (!root["plan"] && root["study"])
      r_.fail(root, "this is a study, not a plan file (a plan has slo: and search: instead of vary:; "
                    "docs/planning.md); run a study with lbsim study");
    r_.check_keys(root, "the plan", {"plan", "description", "scenario", "slo", "search", "replications", "confidence"});
    r_.require_key(root, "scenario", "the plan", "scenario: web-api.yaml");
    r_.require_key(root, "slo", "the plan", "slo: {p99: 200 ms, error_rate: 0.1%}");
    r_.require_key(root, "search", "the plan", "search: {servers[web].count: {min: 1, max: 20}}");

    PlanSpec plan;
    StudySpec& s = plan.base;
    s.file = r_.file();
    s.overrides = overrides_;
    plan.name = root["plan"] ? r_.string(root["plan"], "plan") : fs::path(r_.file()).stem().string();
    s.name = plan.name;
    if (const YAML::Node d = root["description"]; d && !d.IsScalar() && !d.IsNull())
      r_.fail(d, "description must be text (one paragraph)");
    read_scenario(root["scenario"], s);
    s.replications = 5;
    if (root["replications"])
      s.replications = static_cast<int>(r_.integer(root["replications"], "replications", 2, 100'000));
    if (const YAML::Node c = root["confidence"]) {
      s.confidence = r_.number(c, "confidence", 0, 1);
      if (s.confidence <= 0 || s.confidence >= 1)
        r_.fail(c, "confidence must be strictly between 0 and 1 (e.g. 0.95), got " + c.Scalar());
    }
    const models::SystemConfig base = load_scenario_text(s.scenario_text, s.scenario_file, s.scenario_dir, overrides_);
    s.master_seed = base.seed;
    metric_names_ = summary_metric_names(base);
    read_slo(root["slo"], plan);
    read_search(root["search"], plan);
    return plan;
  }

private:
  void read_scenario(const YAML::Node& node, StudySpec& spec)
  {
    const std::string given = r_.string(node, "scenario");
    fs::path path(given);
    if (path.is_relative()) path = fs::path(base_dir_) / path;
    spec.scenario_file = path.lexically_normal().string();
    try {
      spec.scenario_text = read_text_file(spec.scenario_file, "expected a scenario file (YAML), its path relative to the plan file");
    } catch (const TextFileError& e) {
      r_.fail(node, "cannot open the scenario file " + in_quotes(given) + " (looked for " + spec.scenario_file + "): " + e.what());
    }
    spec.scenario_dir = path.has_parent_path() ? path.parent_path().string() : ".";
  }

  void read_slo(const YAML::Node& slo, PlanSpec& plan)
  {
    r_.require_map(slo, "slo");
    if (slo.size() == 0) r_.fail(slo, "slo must name at least one objective, e.g. {p99: 200 ms, error_rate: 0.1%}");
    std::vector<std::string> latency_keys;
    for (const std::string& name : metric_names_)
      if (name.rfind("latency_s.", 0) == 0) latency_keys.push_back(name.substr(10));
    for (const auto& entry : slo) {
      SloTarget target;
      target.name = r_.string(entry.first, "an slo key");
      target.at = r_.where(entry.first);
      if (target.name == "error_rate") {
        target.metric = "error_rate";
        target.limit = r_.fraction(entry.second, "slo.error_rate");
        if (target.limit <= 0)
          r_.fail(entry.second, "slo.error_rate must be above 0 (an upper bound below 0 cannot be met); e.g. 0.1%");
      } else {
        target.metric = "latency_s." + target.name;
        if (std::find(latency_keys.begin(), latency_keys.end(), target.name) == latency_keys.end()) {
          std::vector<std::string> choices = latency_keys;
          choices.push_back("error_rate");
          r_.fail(entry.first, "unknown slo objective " + in_quotes(target.name) +
                                   "; expected error_rate or a latency of summary.json (" +
                                   [&] {
                                     std::string list;
                                     for (const std::string& k : latency_keys) list += (list.empty() ? "" : ", ") + k;
                                     return list;
                                   }() +
                                   "; percentiles come from the scenario's metrics.percentiles)" +
                                   did_you_mean(target.name, choices));
        }
        target.limit = static_cast<double>(r_.time_ns(entry.second, "slo." + target.name, false)) / 1e9;
      }
      target.limit_text = entry.second.IsScalar() ? entry.second.Scalar() : flow_yaml_text(entry.second);
      plan.slo.push_back(std::move(target));
    }
  }

  void read_search(const YAML::Node& search, PlanSpec& plan)
  {
    r_.require_map(search, "search");
    if (search.size() == 0)
      r_.fail(search, "search must list at least one key, e.g. {servers[web].count: {min: 1, max: 20}}");
    YAML::Node tree = load_yaml_value(plan.base.scenario_text);  // loaded as a scenario above: no error here
    {
      YamlReader scratch(plan.base.scenario_file);
      apply_overrides(tree, overrides_, scratch);
    }
    std::size_t combinations = 1;
    for (const auto& entry : search) {
      StudyAxis axis;
      axis.key = r_.string(entry.first, "a search key");
      axis.key_at = r_.where(entry.first);
      const std::string context = "search." + axis.key;
      if (axis.key == "seed")
        r_.fail(entry.first, "seed cannot be searched: each replication's seed is derived from the scenario's seed");
      check_override_path(r_, entry.first, axis.key, tree, "search key");
      const YAML::Node values = entry.second;
      // The bisected key: {min, max} (any whole-number key), or a list of a ".count" key.
      if (values.IsMap() && plan.count)
        r_.fail(entry.first, "only one key can be searched by bisection ({min, max}); " + plan.count->key +
                                 " already is; list the values of " + axis.key + " instead");
      const bool count_key = values.IsMap() || (axis.key.ends_with(".count") && !plan.count);
      if (count_key && values.IsMap()) {
        r_.check_keys(values, context, {"min", "max"});
        r_.require_key(values, "min", context, "min: 1");
        r_.require_key(values, "max", context, "max: 20");
        const long min = static_cast<long>(r_.integer(values["min"], context + ".min", 0, 1'000'000));
        const long max = static_cast<long>(r_.integer(values["max"], context + ".max", 0, 1'000'000));
        if (max < min) r_.fail(values["max"], context + ".max must be at least min (" + std::to_string(min) + ")");
        if (max - min + 1 > kMaxCountValues)
          r_.fail(values, context + " spans more than " + std::to_string(kMaxCountValues) + " values");
        for (long c = min; c <= max; ++c) plan.count_values.push_back(c);
        check_value(entry.first, values["min"], axis.key, std::to_string(min), plan.base);
        check_value(entry.first, values["max"], axis.key, std::to_string(max), plan.base);
      } else {
        if (!values.IsSequence())
          r_.fail(values, context + " must be a list of values such as [round_robin, least_connections]" +
                              std::string(count_key ? " or, for a count, {min: 1, max: 20}" : "") + "; got " +
                              (values.IsMap() ? std::string("a mapping") : values.IsNull() ? "nothing" : in_quotes(values.Scalar())));
        if (values.size() == 0) r_.fail(values, context + " must list at least one value");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < values.size(); ++i) {
          const YAML::Node value = values[i];
          const std::string text = flow_yaml_text(value);
          if (!seen.insert(text).second) r_.fail(value, "the value " + text + " appears twice in " + context);
          if (count_key) {
            const long c = static_cast<long>(r_.integer(value, context, 0, 1'000'000));
            plan.count_values.push_back(c);
          } else {
            axis.value_texts.push_back(text);
            axis.values.push_back(value.IsScalar() ? value.Scalar() : text);
            axis.value_at.push_back(r_.where(value));
          }
          check_value(entry.first, value, axis.key, text, plan.base);
        }
        std::sort(plan.count_values.begin(), plan.count_values.end());
      }
      if (count_key) {
        for (long c : plan.count_values) {
          axis.values.push_back(std::to_string(c));
          axis.value_texts.push_back(std::to_string(c));
        }
        plan.count = std::move(axis);
      } else {
        combinations *= axis.values.size();
        if (combinations > kMaxCombinations)
          r_.fail(entry.first, "the search has more than " + std::to_string(kMaxCombinations) + " combinations");
        plan.choices.push_back(std::move(axis));
      }
    }
  }

  // The scenario must accept each value on its own, applied exactly as --set KEY=VALUE.
  void check_value(const YAML::Node& key_node, const YAML::Node& value_node, const std::string& key,
                   const std::string& text, const StudySpec& spec)
  {
    std::vector<std::string> overrides = overrides_;
    overrides.push_back(key + "=" + text);
    try {
      (void)load_scenario_text(spec.scenario_text, spec.scenario_file, spec.scenario_dir, overrides);
    } catch (const ScenarioError& e) {
      const bool key_fault = e.message().find("unknown key") != std::string::npos;
      std::string message = e.message();
      if (!key_fault && e.where().origin.empty() && e.where().line > 0)
        message += " (at " + e.where().to_string() + ", with " + key + " = " + text + ")";
      r_.fail(key_fault ? key_node : value_node, key_fault ? "search key " + in_quotes(key) + ": " + message : message);
    }
  }

  YamlReader& r_;
  std::string base_dir_;
  std::vector<std::string> overrides_;
  std::vector<std::string> metric_names_;
};

}  // namespace

std::size_t PlanSpec::combination_count() const
{
  std::size_t n = 1;
  for (const StudyAxis& axis : choices) n *= axis.values.size();
  return n;
}

namespace {
const char* const kEmpty = "the plan file is empty; expected scenario, slo and search (see docs/planning.md)";
}

PlanSpec load_plan_text(const std::string& text, const std::string& file, const std::string& base_dir,
                        const std::vector<std::string>& overrides)
{
  YamlReader reader(file);
  const YAML::Node root = load_yaml_document(text, reader, kEmpty);
  PlanReader plan(reader, base_dir, overrides);
  return plan.read(root);
}

PlanSpec load_plan_file(const std::string& path, const std::vector<std::string>& overrides)
{
  YamlReader reader(path);
  const YAML::Node root = load_yaml_file(path, reader, "expected a plan file (YAML)", kEmpty);
  PlanReader plan(reader, parent_folder(path), overrides);
  return plan.read(root);
}

}  // namespace lbsim::scenarios
