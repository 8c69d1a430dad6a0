#include "scenarios/format/distribution_reader.hpp"

#include "scenarios/format/line_reader.hpp"
#include "scenarios/format/text_file.hpp"
#include "scenarios/format/units.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>

namespace lbsim::scenarios {

namespace {

constexpr std::uintmax_t kMaxEmpiricalBytes = 256u << 20;
constexpr std::size_t kMaxEmpiricalValues = 10'000'000;

double seconds(int64_t ns) { return static_cast<double>(ns) * 1e-9; }

// One value per line: a time with a unit ("12 ms") or a plain number of seconds; '#' starts a comment.
// `what` names the key that asked for the file, for messages about the file's contents.
std::vector<double> read_empirical_file(const YAML::Node& node, const std::string& what, const std::string& shown,
                                        const std::string& path, const YamlReader& reader)
{
  constexpr const char* kExpectedData = "expected a text file with one time per line";
  std::optional<LineReader> in;
  try {
    in.emplace(path, kMaxEmpiricalBytes, kExpectedData);
  } catch (const TextFileError& e) {
    std::string message = "cannot open the empirical data file \"" + shown + "\"";
    if (shown != path) message += " (looked for \"" + path + "\", relative to the scenario's folder)";
    reader.fail(node, message + ": " + e.what());
  }
  const SourceLocation asked_by = reader.where(node);
  const std::string referrer = " (the data of " + what + ", " + asked_by.to_string() + ")";
  std::vector<double> values;
  std::string line;
  int line_number = 0;
  for (;;) {
    try {
      if (!in->next(line)) break;
    } catch (const TextFileError& e) {
      throw ScenarioError(SourceLocation{path, in->line_number() + 1, 1, {}}, e.what() + referrer);
    }
    line_number = in->line_number();
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const size_t last = line.find_last_not_of(" \t\r");
    const std::string text = line.substr(first, last - first + 1);
    SourceLocation loc;
    loc.file = path;
    loc.line = line_number;
    loc.column = static_cast<int>(first) + 1;
    if (values.size() >= kMaxEmpiricalValues)
      throw ScenarioError(loc, "the empirical data has more than " + std::to_string(kMaxEmpiricalValues) +
                                   " values, the most lbsim reads" + referrer + "; a sample of them describes the "
                                   "distribution as well");
    char* end = nullptr;
    const double plain = std::strtod(text.c_str(), &end);
    if (*end == '\0' && std::isfinite(plain)) {
      if (plain < 0)
        throw ScenarioError(loc, "bad value in empirical data" + referrer + ": a time must not be negative, got \"" +
                                     text + "\"; expected one time per line, such as \"12 ms\" or 0.012 (seconds)");
      values.push_back(plain);
      continue;
    }
    const auto parsed = parse_time_ns(text);
    if (!parsed)
      throw ScenarioError(loc, "bad value in empirical data" + referrer + ": " + parsed.error +
                                   " (or a plain number of seconds)");
    values.push_back(seconds(*parsed.value));
  }
  if (values.empty())
    reader.fail(node, "the empirical data file \"" + shown +
                          "\" holds no values; expected one time per line, such as \"12 ms\"");
  return values;
}

}  // namespace

models::DistributionPtr read_time_distribution(const YAML::Node& node, const std::string& what,
                                               const YamlReader& reader, const std::string& base_dir)
{
  if (node.IsScalar()) return engine::make_constant(seconds(reader.time_ns(node, what, true)));
  reader.require_map(node, what);
  if (!node["distribution"])
    reader.fail(node, what + " has no \"distribution\"; expected a distribution (constant, exponential, uniform, "
                             "lognormal, erlang, hyperexponential, pareto or empirical) such as "
                             "{distribution: exponential, mean: 5 ms}, or a plain time such as \"5 ms\"");
  const std::string kind = reader.one_of(node["distribution"], what + ".distribution",
                                         {"constant", "exponential", "uniform", "lognormal", "erlang",
                                          "hyperexponential", "pareto", "empirical"});
  const std::string ctx = what + " (" + kind + ")";
  // A mean must be positive; other times (a constant value, a uniform min) may be zero.
  auto time_of = [&](const char* key) {
    reader.require_key(node, key, ctx, std::string(key) + ": 5 ms");
    return seconds(reader.time_ns(node[key], what + "." + key, std::string(key) != "mean"));
  };
  try {
    if (kind == "constant") {
      reader.check_keys(node, ctx, {"distribution", "value"});
      return engine::make_constant(time_of("value"));
    }
    if (kind == "exponential") {
      reader.check_keys(node, ctx, {"distribution", "mean"});
      return engine::make_exponential(time_of("mean"));
    }
    if (kind == "uniform") {
      reader.check_keys(node, ctx, {"distribution", "min", "max"});
      const double lo = time_of("min"), hi = time_of("max");
      if (lo > hi) reader.fail(node["max"], what + ".max is below min; expected min <= max");
      return engine::make_uniform(lo, hi);
    }
    if (kind == "lognormal" || kind == "hyperexponential") {
      reader.check_keys(node, ctx, {"distribution", "mean", "cv"});
      reader.require_key(node, "cv", ctx, "cv: 1.5");
      const double mean = time_of("mean");
      const double cv = kind == "lognormal"
                            ? reader.positive_number(node["cv"], what + ".cv", 1e6,
                                                     "cv is the coefficient of variation, standard deviation / mean")
                            : reader.number(node["cv"], what + ".cv", 1.0, 1e6);
      return kind == "lognormal" ? engine::make_lognormal(mean, cv) : engine::make_hyperexponential(mean, cv);
    }
    if (kind == "erlang") {
      reader.check_keys(node, ctx, {"distribution", "mean", "k"});
      reader.require_key(node, "k", ctx, "k: 3");
      const double mean = time_of("mean");
      return engine::make_erlang(mean, static_cast<int>(reader.integer(node["k"], what + ".k", 1, 1000000)));
    }
    if (kind == "pareto") {
      reader.check_keys(node, ctx, {"distribution", "mean", "alpha"});
      reader.require_key(node, "alpha", ctx, "alpha: 2.5");
      const double mean = time_of("mean");
      const YAML::Node alpha = node["alpha"];
      const double a = reader.number(alpha, what + ".alpha", 0, 1e6);
      if (a <= 1) reader.fail(alpha, what + ".alpha must be greater than 1 (the mean is infinite otherwise)");
      return engine::make_pareto(mean, a);
    }
    // empirical
    reader.check_keys(node, ctx, {"distribution", "file"});
    reader.require_key(node, "file", ctx, "file: service-times.txt");
    const std::string shown = reader.string(node["file"], what + ".file");
    std::filesystem::path file = shown;
    if (file.is_relative() && !base_dir.empty() && base_dir != ".") file = std::filesystem::path(base_dir) / file;
    return engine::make_empirical(read_empirical_file(node["file"], what, shown, file.string(), reader));
  } catch (const std::invalid_argument& e) {
    reader.fail(node, what + ": " + e.what());
  }
}

}  // namespace lbsim::scenarios
