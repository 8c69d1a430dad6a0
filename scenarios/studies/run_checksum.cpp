#include "scenarios/studies/run_checksum.hpp"

#include "engine/rng.hpp"

#include <cmath>
#include <cstdio>
#include <map>

namespace lbsim::scenarios {

namespace {
// A double as text that reads back to the same bits; not-a-number and infinities as "null".
std::string exact(double value)
{
  if (!std::isfinite(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// Each field with its length first: no two different runs give the same text.
void field(std::string& out, const std::string& text) { out += std::to_string(text.size()) + ":" + text + ";"; }
}  // namespace

std::string run_checksum(const RunRecord& run)
{
  const bool failed = run.status == "failed";
  std::string text;
  field(text, std::to_string(run.key.point));
  field(text, std::to_string(run.key.replication));
  field(text, std::to_string(static_cast<int64_t>(run.key.seed)));
  field(text, run.status);
  field(text, run.error);
  field(text, run.key.overrides);
  field(text, run.key.scenario_hash);
  field(text, failed ? std::string() : run.fingerprint);
  field(text, failed ? std::string() : std::to_string(static_cast<int64_t>(run.events)));
  field(text, failed ? std::string() : exact(run.wall_seconds));
  field(text, failed ? std::string() : run.summary_json);
  // The database keeps one value per metric name (the last one given), in name order.
  std::map<std::string, double> metrics;
  for (const auto& [name, value] : run.metrics) metrics[name] = value;
  for (const auto& [name, value] : metrics) {
    field(text, name);
    field(text, exact(value));
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(engine::stable_hash(text)));
  return hex;
}

}  // namespace lbsim::scenarios
