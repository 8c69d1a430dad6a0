#include "gui/run_figures.hpp"

#include "gui/results_reader.hpp"

#include <QStringList>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lbsim::gui {

namespace {

nlohmann::json parse_object(const QByteArray& text)
{
  nlohmann::json j = nlohmann::json::parse(text.toStdString(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("summary.json: not valid JSON");
  return j;
}

std::optional<double> number_at(const nlohmann::json& j, const char* key)
{
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

double number_or_zero(const nlohmann::json& j, const char* key) { return number_at(j, key).value_or(0.0); }

// The object at `key`, or an empty one.
const nlohmann::json& object_at(const nlohmann::json& j, const char* key)
{
  static const nlohmann::json empty = nlohmann::json::object();
  if (!j.is_object()) return empty;
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

}  // namespace

std::optional<double> RunFigures::percentile_s(double percentile) const
{
  for (const auto& [p, v] : latency_percentiles_s)
    if (std::abs(p - percentile) < 1e-9) return v;
  return std::nullopt;
}

EventClass event_class(const QString& kind)
{
  if (kind == "scale_out" || kind == "scale_in" || kind == "resize") return EventClass::Scaling;
  if (kind == "fail" || kind == "recover") return EventClass::Failure;
  if (kind.startsWith("health_") || kind.startsWith("passive_") || kind.startsWith("outlier_")) return EventClass::Health;
  return EventClass::None;
}

std::optional<double> percentile_of_key(const QString& key)
{
  if (key.size() < 3 || key[0] != 'p') return std::nullopt;
  const QString digits = key.mid(1);
  bool ok = false;
  const double whole = digits.toDouble(&ok);
  if (!ok || digits.contains('.') || digits.contains('e')) return std::nullopt;
  // The first two digits are the whole percent, the rest its decimals: p999 is 99.9.
  return whole / std::pow(10.0, static_cast<double>(digits.size() - 2));
}

RunFigures figures_from_summary_json(const QByteArray& json)
{
  const nlohmann::json s = parse_object(json);
  RunFigures f;
  f.known = true;
  const nlohmann::json& latency = object_at(s, "latency_s");
  f.latency_mean_s = number_or_zero(latency, "mean");
  f.latency_max_s = number_or_zero(latency, "max");
  for (const auto& [key, value] : latency.items())
    if (const auto p = percentile_of_key(QString::fromStdString(key)); p && value.is_number())
      f.latency_percentiles_s.emplace_back(*p, value.get<double>());
  std::sort(f.latency_percentiles_s.begin(), f.latency_percentiles_s.end());
  f.throughput_rps = number_or_zero(s, "throughput_rps");
  const nlohmann::json& requests = object_at(s, "requests");
  f.arrived = number_or_zero(requests, "arrived");
  f.completed = number_or_zero(requests, "completed");
  f.rejected = number_or_zero(requests, "rejected");
  f.failed = number_or_zero(requests, "failed");
  f.gateway = s.contains("gateway") && !s["gateway"].is_null();
  for (const auto& [status, count] : object_at(requests, "by_status").items())
    if (count.is_number()) f.by_status.append({QString::fromStdString(status), count.get<double>()});
  std::sort(f.by_status.begin(), f.by_status.end(),
            [](const auto& a, const auto& b) { return a.first.toInt() < b.first.toInt(); });
  f.cost_total = number_or_zero(object_at(s, "cost"), "total");
  if (s.contains("slo") && s["slo"].is_object()) {
    f.slo_p99_s = number_at(s["slo"], "p99_s");
    if (s["slo"].contains("met") && s["slo"]["met"].is_boolean()) f.slo_met = s["slo"]["met"].get<bool>();
  }
  if (s.contains("analytic") && s["analytic"].is_object()) {
    const nlohmann::json& a = s["analytic"];
    AnalyticFigures out;
    if (a.contains("model") && a["model"].is_string()) out.model = QString::fromStdString(a["model"].get<std::string>());
    if (a.contains("reason") && a["reason"].is_string()) out.reason = QString::fromStdString(a["reason"].get<std::string>());
    out.mean_s = number_at(a, "mean_s");
    out.p99_s = number_at(a, "p99_s");
    out.throughput_rps = number_at(a, "throughput_rps");
    out.p_block = number_at(a, "p_block");
    out.relative_error_mean = number_at(a, "relative_error_mean");
    out.relative_error_p99 = number_at(a, "relative_error_p99");
    f.analytic = out;
  }
  return f;
}

QList<QPair<QString, QString>> settings_from_summary_json(const QByteArray& json)
{
  const nlohmann::json s = parse_object(json);
  QList<QPair<QString, QString>> out;
  if (s.contains("scenario") && s["scenario"].is_string())
    out.append({"scenario", QString::fromStdString(s["scenario"].get<std::string>())});
  if (s.contains("seed") && s["seed"].is_number_unsigned()) out.append({"seed", QString::number(s["seed"].get<uint64_t>())});
  // One service: its balancer's key as --set writes it; several: each service's by name.
  if (s.contains("balancer") && s["balancer"].is_object() && s["balancer"].contains("algorithm"))
    out.append({"balancer.algorithm", QString::fromStdString(s["balancer"].value("algorithm", std::string()))});
  else
    for (const auto& service : s.contains("services") && s["services"].is_array() ? s["services"] : nlohmann::json::array())
      if (service.is_object() && !service.value("algorithm", std::string()).empty())
        out.append({"services[" + QString::fromStdString(service.value("name", std::string())) + "].balancer.algorithm",
                    QString::fromStdString(service.value("algorithm", std::string()))});
  return out;
}

std::vector<RunEvent> events_from_csv(const QString& text)
{
  std::vector<RunEvent> events;
  const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
  for (qsizetype i = 1; i < lines.size(); ++i) {
    QString line = lines[i];
    if (line.endsWith('\r')) line.chop(1);
    const QStringList fields = split_csv_line(line);
    bool ok = false;
    const double t = fields.value(0).toDouble(&ok);
    if (!ok || fields.size() < 2) continue;
    events.push_back({t, fields.value(1), fields.value(2), fields.value(3)});
  }
  return events;
}

}  // namespace lbsim::gui
