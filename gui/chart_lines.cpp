#include "gui/chart_lines.hpp"

#include "gui/run_naming.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace lbsim::gui {

const QList<QColor>& run_colours()
{
  // The category10 palette without its red (the SLO's) and its grey (scaling events').
  static const QList<QColor> colours = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                        QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
                                        QColor(188, 189, 34), QColor(23, 190, 207)};
  return colours;
}

QColor down_colour() { return QColor(40, 40, 40); }

QColor slo_colour() { return QColor(214, 39, 40); }

QColor event_colour(EventClass kind)
{
  switch (kind) {
    case EventClass::Scaling: return QColor(127, 127, 127);
    case EventClass::Failure: return QColor(0, 0, 0);
    case EventClass::Health: return QColor(96, 0, 128);
    case EventClass::None: break;
  }
  return QColor(127, 127, 127);
}

QColor warmup_colour() { return QColor(160, 160, 160, 60); }

namespace {

QString prefixed(const QString& run_name, const QString& name, size_t runs)
{
  return runs > 1 ? run_name + ": " + name : name;
}

std::vector<double> times(const RunData& run)
{
  std::vector<double> t;
  t.reserve(run.rows.size());
  for (const IntervalPoint& p : run.rows) t.push_back(p.time_s);
  return t;
}

template <class F>
std::vector<double> column(const RunData& run, F f)
{
  std::vector<double> v;
  v.reserve(run.rows.size());
  for (const IntervalPoint& p : run.rows) v.push_back(f(p));
  return v;
}

// Beyond this many servers a chart shows their minimum, mean and maximum instead of one line each.
constexpr size_t kMaxServerLines = 24;

// One line per server of `value`, or min/mean/max over the servers when there are many. Each
// point is drawn at its own time: servers.csv may have a row every few intervals, and servers that
// join during a run start late.
void server_lines(std::vector<Line>& lines, const RunData& run, const QString& run_name, size_t runs,
                  const QString& prefix, double (*value)(const ServerPoint&))
{
  const size_t n = run.server_rows.size();
  if (n <= kMaxServerLines) {
    std::vector<Line> down_lines;
    for (size_t s = 0; s < n; ++s) {
      const QString server = prefixed(run_name, prefix + run.servers.value(static_cast<qsizetype>(s)), runs);
      Line line{server, {}, {}};
      // A server that is not up (failed, restarting, provisioning, stopped) is marked at each of
      // its rows: idle and down both read 0 on the line, and only the marks tell them apart.
      Line down{server + " (not up)", {}, {}};
      down.points_only = true;
      down.fixed_colour = down_colour();
      for (const ServerPoint& p : run.server_rows[s]) {
        line.x.push_back(p.time_s), line.y.push_back(value(p));
        if (!p.up) down.x.push_back(p.time_s), down.y.push_back(value(p));
      }
      lines.push_back(std::move(line));
      if (!down.x.empty()) down_lines.push_back(std::move(down));
    }
    for (Line& down : down_lines) lines.push_back(std::move(down));
    return;
  }
  struct Spread {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity(), sum = 0;
    size_t count = 0;
  };
  std::map<double, Spread> at;  // by time
  for (const std::vector<ServerPoint>& points : run.server_rows)
    for (const ServerPoint& p : points) {
      Spread& a = at[p.time_s];
      const double v = value(p);
      a.lo = std::min(a.lo, v), a.hi = std::max(a.hi, v), a.sum += v, ++a.count;
    }
  Line lo{prefixed(run_name, prefix + "min over servers", runs), {}, {}},
      mean{prefixed(run_name, prefix + "mean over servers", runs), {}, {}},
      hi{prefixed(run_name, prefix + "max over servers", runs), {}, {}};
  for (const auto& [t, a] : at) {
    for (Line* l : {&lo, &mean, &hi}) l->x.push_back(t);
    lo.y.push_back(a.lo), mean.y.push_back(a.sum / static_cast<double>(a.count)), hi.y.push_back(a.hi);
  }
  lo.style = hi.style = Qt::DashLine;
  lines.push_back(lo), lines.push_back(mean), lines.push_back(hi);
}

// Each class of events gets at most this many lines on a chart: every one is a series to draw.
constexpr size_t kMaxEventLines = 200;

// A horizontal line at `y` over the run's measured span.
Line level(const QString& name, const std::vector<double>& t, double y)
{
  Line line{name, {t.front(), t.back()}, {y, y}};
  line.role = LineRole::Level;
  return line;
}

// The step CDF through the summary's percentiles, in % of the requests, against ms: at p50's
// latency it rises to 50 %, and so on; from the last percentile it stays flat to the maximum,
// where it reaches 100 %. Below the first percentile nothing is known, so it starts there at 0.
Line percentile_cdf(const QString& name, const RunFigures& f)
{
  Line line{name, {}, {}};
  double share = 0;
  for (const auto& [p, v] : f.latency_percentiles_s) {
    line.x.push_back(v * 1e3), line.y.push_back(share);
    share = p;
    line.x.push_back(v * 1e3), line.y.push_back(share);
  }
  if (!line.x.empty()) {
    const double max_ms = std::max(f.latency_max_s * 1e3, line.x.back());
    line.x.push_back(max_ms), line.y.push_back(share);
    line.x.push_back(max_ms), line.y.push_back(100);
  }
  return line;
}

bool is_timeline(ChartKind kind) { return kind != ChartKind::LoadShare && kind != ChartKind::LatencyCdf && kind != ChartKind::Study; }

// The marks every timeline carries: the warm-up of each run (once per distinct length) shaded, and
// its scaling, failure and health events as vertical lines, the first of each class in the legend.
void timeline_marks(std::vector<Line>& lines, const std::vector<const RunData*>& runs, const QStringList& names)
{
  // In whole milliseconds: a folder's warm-up (end_time_s - simulated_s) carries rounding.
  std::set<double> warmups;
  for (const RunData* run : runs)
    if (run->measure_start_s > 0 && !run->rows.empty()) warmups.insert(std::round(run->measure_start_s * 1e3) / 1e3);
  for (double w : warmups) {
    Line shade{warmups.size() > 1 ? QString("warm-up (%1 s, not measured)").arg(w) : QString("warm-up (not measured)"),
               {0, w}, {0, 0}};
    shade.role = LineRole::Warmup;
    shade.fixed_colour = warmup_colour();
    lines.push_back(shade);
  }
  // Per class, at most kMaxEventLines lines (each is a series to draw); the legend says when more.
  std::map<EventClass, size_t> total, drawn;
  for (const RunData* run : runs)
    for (const RunEvent& e : run->events) ++total[event_class(e.kind)];
  for (size_t r = 0; r < runs.size(); ++r)
    for (const RunEvent& e : runs[r]->events) {
      const EventClass c = event_class(e.kind);
      if (c == EventClass::None || drawn[c] == kMaxEventLines) continue;
      QString what = e.kind + " " + e.server;
      if (!e.detail.isEmpty()) what += " (" + e.detail + ")";
      Line mark{prefixed(names.value(static_cast<qsizetype>(r)), what, runs.size()), {e.time_s, e.time_s}, {0, 0}};
      mark.role = LineRole::Event;
      mark.fixed_colour = event_colour(c);
      mark.style = Qt::DotLine;
      // The legend names the class once (its first event's line); the hover readout names each event.
      mark.in_legend = drawn[c]++ == 0;
      if (mark.in_legend) {
        mark.readout_name = mark.name;
        mark.name = c == EventClass::Scaling ? "scaling events" : c == EventClass::Failure ? "failure events" : "health events";
        if (total[c] > kMaxEventLines) mark.name += QString(" (the first %1 of %2)").arg(kMaxEventLines).arg(total[c]);
      }
      lines.push_back(mark);
    }
}

}  // namespace

ChartLines run_lines(ChartKind kind, const std::vector<const RunData*>& runs)
{
  ChartLines out;
  out.x_title = "time (s)";
  std::vector<Line>& lines = out.lines;
  QString& y_title = out.y_title;
  const size_t n = runs.size();
  const QStringList names = distinguishing_names(runs);
  bool slo_drawn = false;
  for (size_t run_index = 0; run_index < runs.size(); ++run_index) {
    const RunData* run = runs[run_index];
    const QString& name = names[static_cast<qsizetype>(run_index)];
    const std::vector<double> t = times(*run);
    const int base = static_cast<int>(run_index) * 2;
    switch (kind) {
      case ChartKind::Latency: {
        y_title = "response time (ms)";
        lines.push_back({prefixed(name, "p50", n), t, column(*run, [](auto& p) { return p.latency_p50_s * 1e3; })});
        lines.back().colour = base;
        lines.push_back({prefixed(name, "p99", n), t, column(*run, [](auto& p) { return p.latency_p99_s * 1e3; })});
        lines.back().colour = base + 1;
        if (t.empty()) break;
        // The whole run's percentiles (summary.json), in the colour of the interval line they summarize.
        const std::pair<double, int> whole[] = {{50.0, base}, {99.0, base + 1}};
        for (const auto& [p, colour] : whole)
          if (const auto v = run->figures.known ? run->figures.percentile_s(p) : std::nullopt) {
            Line mark = level(prefixed(name, QString("p%1 of the whole run").arg(p), n), t, *v * 1e3);
            mark.colour = colour;
            mark.style = Qt::DashDotLine;
            mark.in_legend = false;  // as its interval line, dash-dotted: the readout names it
            lines.push_back(mark);
          }
        if (run->slo_p99_s && !slo_drawn) {
          Line slo = level("SLO p99", t, *run->slo_p99_s * 1e3);
          slo.style = Qt::DashLine;
          slo.fixed_colour = slo_colour();
          lines.push_back(slo);
          slo_drawn = true;
        }
        break;
      }
      case ChartKind::Throughput:
        y_title = "completed requests/s";
        lines.push_back({prefixed(name, "throughput", n), t, column(*run, [](auto& p) { return p.throughput_rps; })});
        break;
      case ChartKind::InFlight:
        y_title = "requests";
        lines.push_back({prefixed(name, "in flight", n), t, column(*run, [](auto& p) { return p.in_flight; })});
        server_lines(lines, *run, name, n, "queue ", [](const ServerPoint& p) { return p.queue; });
        break;
      case ChartKind::Utilization:
        y_title = "utilization (%)";
        server_lines(lines, *run, name, n, "", [](const ServerPoint& p) { return p.utilization * 100; });
        break;
      case ChartKind::ServersCost: {
        y_title = "servers up";
        out.y2_title = "cumulative cost";
        lines.push_back({prefixed(name, "servers up", n), t, column(*run, [](auto& p) { return p.servers_up; })});
        Line cost{prefixed(name, "cost", n), t, run->cumulative_cost()};
        cost.right_axis = true;
        lines.push_back(cost);
        break;
      }
      case ChartKind::Errors:
        y_title = "requests per interval";
        lines.push_back({prefixed(name, "rejected (503)", n), t, column(*run, [](auto& p) { return p.rejected; })});
        break;
      case ChartKind::Links:
        y_title = "utilization (%)";
        // Each point at its own time: a link of a server that joins during the run starts late.
        for (size_t l = 0; l < run->link_rows.size(); ++l) {
          Line line{prefixed(name, run->links.value(static_cast<qsizetype>(l)), n), {}, {}};
          for (const TimedValue& v : run->link_rows[l]) line.x.push_back(v.time_s), line.y.push_back(v.value * 100);
          lines.push_back(std::move(line));
        }
        break;
      case ChartKind::Status: {
        // The gateway's answers per interval, stacked: 2xx, then 4xx (without 429), 429 and 5xx.
        y_title = "answers per interval";
        if (!run->gateway) break;
        const size_t first = lines.size();
        const std::pair<const char*, double IntervalPoint::*> classes[] = {
            {"2xx", &IntervalPoint::status_2xx}, {"4xx", &IntervalPoint::status_4xx},
            {"429", &IntervalPoint::status_429}, {"5xx", &IntervalPoint::status_5xx}};
        const int colours[] = {2, 1, 3, 4};
        for (size_t c = 0; c < 4; ++c) {
          const auto member = classes[c].second;
          Line line{prefixed(name, classes[c].first, n), t, column(*run, [member](auto& p) { return p.*member; })};
          line.colour = colours[c];
          line.stack_on = c == 0 ? -2 : static_cast<int>(first + c - 1);
          lines.push_back(std::move(line));
        }
        break;
      }
      case ChartKind::CacheHit:
        y_title = "cache hits (% of lookups)";
        if (run->gateway)
          lines.push_back({prefixed(name, "cache hit ratio", n), t, column(*run, [](auto& p) { return p.cache_hit_ratio * 100; })});
        break;
      case ChartKind::LatencyCdf:
        // Runs keep no latency distribution in their files: the summary's percentiles are the
        // finest honest source, drawn as the steps they are.
        out.x_title = "response time (ms), in steps at the summary's percentiles";
        y_title = "requests at or below (%)";
        out.y_range = std::make_pair(0.0, 100.0);
        if (run->figures.known && !run->figures.latency_percentiles_s.empty()) {
          lines.push_back(percentile_cdf(n > 1 ? name : QString("CDF (summary percentiles)"), run->figures));
          lines.back().colour = base;
        }
        break;
      case ChartKind::LoadShare:
      case ChartKind::Study: break;
    }
  }
  if (is_timeline(kind)) timeline_marks(lines, runs, names);
  return out;
}

}  // namespace lbsim::gui
