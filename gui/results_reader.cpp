#include "gui/results_reader.hpp"

#include "gui/run_figures.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace lbsim::gui {

namespace {

struct Csv {
  QStringList header;
  std::vector<QStringList> rows;
  int column(const QString& name, const QString& file) const
  {
    const int i = static_cast<int>(header.indexOf(name));
    if (i < 0) throw std::runtime_error(file.toStdString() + ": no column " + name.toStdString());
    return i;
  }
};

Csv read_csv(const QString& path, bool required = true)
{
  Csv csv;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    if (required) throw std::runtime_error(path.toStdString() + ": cannot be read");
    return csv;
  }
  QTextStream in(&file);
  bool first = true;
  while (!in.atEnd()) {
    const QString line = in.readLine();
    if (line.isEmpty()) continue;
    if (first) csv.header = split_csv_line(line), first = false;
    else csv.rows.push_back(split_csv_line(line));
  }
  return csv;
}

double number(const QString& text)
{
  bool ok = false;
  const double v = text.toDouble(&ok);
  return ok ? v : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

QStringList split_csv_line(const QString& line)
{
  QStringList fields;
  QString field;
  bool quoted = false;
  for (qsizetype i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields << field;
      field.clear();
    } else {
      field += c;
    }
  }
  fields << field;
  return fields;
}

bool is_study_dir(const QString& dir)
{
  return QFileInfo::exists(QDir(dir).filePath("summary.csv")) && !QFileInfo::exists(QDir(dir).filePath("summary.json"));
}

RunData read_run_dir(const QString& dir)
{
  const QDir d(dir);
  RunData run;
  QFile summary_file(d.filePath("summary.json"));
  if (!summary_file.open(QIODevice::ReadOnly))
    throw std::runtime_error(d.filePath("summary.json").toStdString() + ": cannot be read");
  const QByteArray summary_text = summary_file.readAll();
  const nlohmann::json summary = nlohmann::json::parse(summary_text.toStdString(), nullptr, false);
  if (summary.is_discarded() || !summary.is_object())
    throw std::runtime_error(d.filePath("summary.json").toStdString() + ": not valid JSON");

  run.label = QString::fromStdString(summary.value("scenario", std::string("run")));
  run.figures = figures_from_summary_json(summary_text);
  run.settings = settings_from_summary_json(summary_text);
  if (QFile events_file(d.filePath("events.csv")); events_file.open(QIODevice::ReadOnly | QIODevice::Text))
    run.events = events_from_csv(QString::fromUtf8(events_file.readAll()));  // absent in older results
  const double simulated = summary.value("simulated_s", 0.0);
  run.measure_start_s = summary.value("end_time_s", 0.0) - simulated;
  if (summary.contains("slo") && summary["slo"].contains("p99_s")) run.slo_p99_s = summary["slo"]["p99_s"].get<double>();
  QStringList summary_servers;
  std::vector<double> completed;
  double price_per_s = 0;  // for results written before timeseries.csv had its cost column
  for (const auto& s : summary.value("servers", nlohmann::json::array())) {
    summary_servers << QString::fromStdString(s.value("name", std::string()));
    completed.push_back(s.value("completed", 0.0));
    price_per_s += simulated > 0 ? s.value("cost", 0.0) / simulated : 0.0;
  }
  const auto& latency = summary.value("latency_s", nlohmann::json::object());
  run.summary_text = QString("%1 requests completed, %2 rejected; throughput %3 req/s; p50 %4 ms, p99 %5 ms; cost %6")
                         .arg(summary["requests"].value("completed", 0.0))
                         .arg(summary["requests"].value("rejected", 0.0))
                         .arg(summary.value("throughput_rps", 0.0), 0, 'f', 1)
                         .arg(latency.value("p50", 0.0) * 1e3, 0, 'f', 2)
                         .arg(latency.value("p99", 0.0) * 1e3, 0, 'f', 2)
                         .arg(summary["cost"].value("total", 0.0), 0, 'f', 2);
  run.finished = true;

  const QString ts_path = d.filePath("timeseries.csv");
  const Csv ts = read_csv(ts_path);
  const Csv servers = read_csv(d.filePath("servers.csv"));
  const Csv links = read_csv(d.filePath("links.csv"), false);
  const Csv services = read_csv(d.filePath("services.csv"), false);  // absent in results older than services
  const int c_time = ts.column("time_s", ts_path), c_tp = ts.column("throughput_rps", ts_path),
            c_mean = ts.column("latency_mean_s", ts_path), c_p50 = ts.column("latency_p50_s", ts_path),
            c_p99 = ts.column("latency_p99_s", ts_path), c_fl = ts.column("in_flight", ts_path),
            c_up = ts.column("servers_up", ts_path), c_arr = ts.column("arrived", ts_path),
            c_com = ts.column("completed", ts_path), c_rej = ts.column("rejected", ts_path);
  const int c_cost = static_cast<int>(ts.header.indexOf("cost"));
  // The gateway's columns, only in results of a scenario with a gateway (and not in older files).
  const int g_2xx = static_cast<int>(ts.header.indexOf("status_2xx")), g_4xx = static_cast<int>(ts.header.indexOf("status_4xx")),
            g_429 = static_cast<int>(ts.header.indexOf("status_429")), g_5xx = static_cast<int>(ts.header.indexOf("status_5xx")),
            g_hit = static_cast<int>(ts.header.indexOf("cache_hit_ratio")),
            g_pre = static_cast<int>(ts.header.indexOf("preflights"));
  const bool gateway = g_2xx >= 0 && g_4xx >= 0 && g_429 >= 0 && g_5xx >= 0;
  const QString sv_path = d.filePath("servers.csv");
  const int s_time = servers.column("time_s", sv_path), s_name = servers.column("server", sv_path),
            s_state = servers.column("state", sv_path), s_util = servers.column("utilization", sv_path),
            s_queue = servers.column("queue", sv_path), s_done = servers.column("completed", sv_path);
  const int l_time = links.header.isEmpty() ? -1 : links.column("time_s", "links.csv"),
            l_name = links.header.isEmpty() ? -1 : links.column("link", "links.csv"),
            l_util = links.header.isEmpty() ? -1 : links.column("utilization", "links.csv");
  const int v_time = services.header.isEmpty() ? -1 : services.column("time_s", "services.csv"),
            v_name = services.header.isEmpty() ? -1 : services.column("service", "services.csv"),
            v_util = services.header.isEmpty() ? -1 : services.column("utilization", "services.csv");
  // Rows of servers.csv, links.csv and services.csv come in interval order, all servers (links,
  // services) of an interval together; servers.csv may skip intervals (server_rows_every), and
  // has rows only for the servers that exist at that time.
  size_t next_server_row = 0, next_link_row = 0, next_service_row = 0;
  for (const QStringList& r : ts.rows) {
    IntervalBatch batch;
    IntervalPoint& p = batch.row;
    p.time_s = number(r.value(c_time)), p.throughput_rps = number(r.value(c_tp));
    p.latency_mean_s = number(r.value(c_mean)), p.latency_p50_s = number(r.value(c_p50)), p.latency_p99_s = number(r.value(c_p99));
    p.in_flight = number(r.value(c_fl)), p.servers_up = number(r.value(c_up));
    p.arrived = number(r.value(c_arr)), p.completed = number(r.value(c_com)), p.rejected = number(r.value(c_rej));
    p.cost = c_cost >= 0 ? number(r.value(c_cost)) : price_per_s * (p.time_s - run.measure_start_s);
    if (gateway) {
      p.gateway = true;
      p.status_2xx = number(r.value(g_2xx)), p.status_4xx = number(r.value(g_4xx));
      p.status_429 = number(r.value(g_429)), p.status_5xx = number(r.value(g_5xx));
      p.cache_hit_ratio = g_hit >= 0 ? number(r.value(g_hit)) : 0.0;
      p.preflights = g_pre >= 0 ? number(r.value(g_pre)) : 0.0;
    }
    for (; next_server_row < servers.rows.size(); ++next_server_row) {
      const QStringList& s = servers.rows[next_server_row];
      if (number(s.value(s_time)) != p.time_s) break;
      batch.server_names << s.value(s_name);
      batch.servers.push_back({p.time_s, s.value(s_state) == "up", number(s.value(s_util)), number(s.value(s_queue)),
                               number(s.value(s_done))});
    }
    for (; l_time >= 0 && next_link_row < links.rows.size(); ++next_link_row) {
      const QStringList& l = links.rows[next_link_row];
      if (number(l.value(l_time)) != p.time_s) break;
      batch.link_names << l.value(l_name);
      batch.link_utilization.push_back(number(l.value(l_util)));
    }
    for (; v_time >= 0 && next_service_row < services.rows.size(); ++next_service_row) {
      const QStringList& v = services.rows[next_service_row];
      if (number(v.value(v_time)) != p.time_s) break;
      batch.service_names << v.value(v_name);
      batch.service_utilization.push_back(number(v.value(v_util)));
    }
    run.append(batch);
  }
  run.set_completed(summary_servers, completed);
  return run;
}

StudyData read_study_dir(const QString& dir)
{
  const QString path = QDir(dir).filePath("summary.csv");
  const Csv csv = read_csv(path);
  StudyData study;
  study.name = QFileInfo(dir).fileName();
  const int runs = csv.column("runs", path);
  for (int i = 1; i < runs; ++i) study.varied << csv.header[i];
  std::vector<std::pair<int, int>> metric_columns;  // (mean, ci)
  for (int i = runs + 1; i < csv.header.size(); ++i) {
    const QString& h = csv.header[i];
    if (!h.endsWith("_mean")) continue;
    const QString metric = h.chopped(5);
    const int ci = static_cast<int>(csv.header.indexOf(metric + "_ci"));
    study.metrics << metric;
    metric_columns.emplace_back(i, ci);
  }
  for (const QStringList& r : csv.rows) {
    StudyData::Point p;
    for (int i = 1; i < runs; ++i) p.values << r.value(i);
    for (const auto& [mean, ci] : metric_columns) {
      p.mean.push_back(number(r.value(mean)));
      const double half = ci >= 0 ? number(r.value(ci)) : 0.0;
      p.ci.push_back(std::isnan(half) ? 0.0 : half);
    }
    study.points.push_back(std::move(p));
  }
  return study;
}

}  // namespace lbsim::gui
