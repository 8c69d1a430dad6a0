#include "gui/topology_view.hpp"

#include "scenarios/format/units.hpp"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <set>

namespace lbsim::gui {

TopologyGraph topology_of(const models::SystemConfig& config)
{
  TopologyGraph g;
  g.services = config.services_section;
  g.network = config.network.has_value();
  // A node is a name and a kind: without a network, service "users" may have a server "users".
  auto node = [&g](const QString& name, TopologyGraph::Kind kind) {
    for (int i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i] == name && g.kinds[static_cast<size_t>(i)] == kind) return i;
    g.nodes << name;
    g.kinds.push_back(kind);
    g.service.push_back(-1);
    return static_cast<int>(g.nodes.size() - 1);
  };
  auto text = [](const std::string& s) { return QString::fromStdString(s); };
  std::set<QString> regions, servers, balancers;
  for (const auto& c : config.clients) regions.insert(text(c.region));
  for (const auto& service : config.services) {
    if (service.balancer) balancers.insert(text(service.balancer->name));
    for (const auto& s : service.servers) servers.insert(text(s.name));
  }
  const QString gateway = config.gateway ? text(config.gateway->name) : QString();
  auto kind_of = [&](const QString& name) {
    if (config.gateway && name == gateway) return TopologyGraph::Gateway;
    if (regions.count(name)) return TopologyGraph::Clients;
    if (servers.count(name)) return TopologyGraph::Server;
    if (balancers.count(name)) return TopologyGraph::Balancer;
    return TopologyGraph::Transit;
  };
  if (config.network) {
    for (const std::string& n : config.network->nodes) node(text(n), kind_of(text(n)));
    for (const auto& l : config.network->links) {
      const QString a = text(l.a), b = text(l.b);
      g.edges.emplace_back(node(a, kind_of(a)), node(b, kind_of(b)));
      g.edge_labels << text(scenarios::format_time(l.latency.ns()) + ", " + scenarios::format_bandwidth(l.bandwidth_bps));
    }
  } else {
    for (const auto& service : config.services)
      if (service.balancer) node(text(service.balancer->name), TopologyGraph::Balancer);
    for (const QString& r : regions) node(r, TopologyGraph::Clients);
    if (config.gateway) node(gateway, TopologyGraph::Gateway);
    for (const auto& service : config.services)
      for (const auto& s : service.servers) node(text(s.name), TopologyGraph::Server);
  }
  // Each service's front door (its balancer; -1 without one) and its servers.
  std::vector<int> entry;
  std::vector<std::vector<int>> members;
  for (const auto& service : config.services) {
    entry.push_back(service.balancer ? node(text(service.balancer->name), TopologyGraph::Balancer) : -1);
    std::vector<int>& m = members.emplace_back();
    for (const auto& s : service.servers) {
      m.push_back(node(text(s.name), TopologyGraph::Server));
      g.service[static_cast<size_t>(m.back())] = entry.back();
    }
  }
  const int gateway_node = config.gateway ? node(gateway, TopologyGraph::Gateway) : -1;
  if (!config.network) {
    // Each region -> the services its groups send to (to their servers when a lone server has no
    // balancer); with a gateway, every region -> the gateway, which routes.
    for (int i = 0; i < g.nodes.size(); ++i) {
      if (g.kinds[static_cast<size_t>(i)] != TopologyGraph::Clients) continue;
      if (gateway_node >= 0) {
        g.edges.emplace_back(i, gateway_node);
        continue;
      }
      std::set<uint32_t> targets;
      for (const auto& c : config.clients)
        if (text(c.region) == g.nodes[i] && c.service < entry.size()) targets.insert(c.service);
      for (const uint32_t s : targets) {
        if (entry[s] >= 0) g.edges.emplace_back(i, entry[s]);
        else
          for (const int j : members[s]) g.edges.emplace_back(i, j);
      }
    }
    for (size_t s = 0; s < entry.size(); ++s)
      if (entry[s] >= 0)
        for (const int j : members[s]) g.edges.emplace_back(entry[s], j);
  }
  // The gateway's routes: one to the route's service, or one per backend service of an aggregate.
  if (gateway_node >= 0)
    for (const auto& route : config.gateway->routes) {
      std::vector<uint32_t> targets;
      if (route.aggregate)
        for (const auto& backend : route.aggregate->backends) targets.push_back(backend.service_index);
      else
        targets.push_back(route.service_index);
      std::set<int> reached;
      for (const uint32_t s : targets) {
        if (s >= entry.size()) continue;
        const std::vector<int> to = entry[s] >= 0 ? std::vector<int>{entry[s]} : members[s];
        for (const int j : to)
          if (reached.insert(j).second) g.routes.push_back({gateway_node, j, text(route.name)});
      }
    }
  while (g.edge_labels.size() < static_cast<qsizetype>(g.edges.size())) g.edge_labels << QString();
  // The call graph: one edge per calling and called service, whatever the endpoints.
  std::set<std::pair<int, int>> seen;
  for (size_t s = 0; s < config.services.size(); ++s)
    for (const auto& endpoint : config.services[s].endpoints)
      for (const auto& call : endpoint.calls) {
        if (call.service_index >= entry.size()) continue;
        const int a = entry[s], b = entry[call.service_index];
        if (a >= 0 && b >= 0 && a != b && seen.insert({a, b}).second) g.calls.emplace_back(a, b);
      }
  return g;
}

namespace {
// Green at 0, yellow at 0.5, red at 1.
QColor heat(double u)
{
  u = std::clamp(u, 0.0, 1.0);
  return u < 0.5 ? QColor::fromRgbF(static_cast<float>(0.2 + 1.5 * u), 0.75f, 0.25f)
                 : QColor::fromRgbF(0.95f, static_cast<float>(0.75 - 1.2 * (u - 0.5)), 0.2f);
}
}  // namespace

TopologyView::TopologyView(QWidget* parent) : QWidget(parent)
{
  setMinimumSize(200, 150);
  setAutoFillBackground(true);
}

void TopologyView::set_graph(TopologyGraph graph)
{
  if (graph.positions.size() != static_cast<size_t>(graph.nodes.size())) gui::layout(graph);
  graph_ = std::move(graph);
  // Another scenario (or a new run): the last run's colours would name its servers, not these.
  server_utilization_.clear();
  link_utilization_.clear();
  service_utilization_.clear();
  measure_boxes();
  update();
}

void TopologyView::set_utilization(QMap<QString, double> servers, QMap<QString, double> links,
                                   QMap<QString, double> services)
{
  server_utilization_ = std::move(servers);
  link_utilization_ = std::move(links);
  service_utilization_ = std::move(services);
  update();
}

QStringList TopologyView::coloured() const
{
  return server_utilization_.keys() + link_utilization_.keys() + service_utilization_.keys();
}

void TopologyView::set_presentation(bool on)
{
  stroke_ = on ? 2.0 : 1.0;
  update();
}

void TopologyView::changeEvent(QEvent* event)
{
  // Presentation mode changes the application's font: the boxes grow, and so must the margins.
  if (event->type() == QEvent::FontChange) measure_boxes();
  QWidget::changeEvent(event);
}

// The largest box a node can have (its name, and a line for its utilization): every box stays
// inside the widget whatever the run colours.
void TopologyView::measure_boxes()
{
  const QFontMetrics fm = fontMetrics();
  largest_box_ = QSizeF(fm.horizontalAdvance("100%"), 0);
  for (const QString& name : graph_.nodes) largest_box_.setWidth(std::max<double>(largest_box_.width(), fm.horizontalAdvance(name)));
  largest_box_ += QSizeF(16 + 12, 2 * fm.height() + 10 + 6);  // padding, and a client's ellipse
}

QPointF TopologyView::centre_of(int node) const
{
  const double mx = largest_box_.width() / 2 + 6, my = largest_box_.height() / 2 + 6;
  const QRectF area = QRectF(rect()).adjusted(mx, my, -mx, -my);
  const QPointF& q = graph_.positions[static_cast<size_t>(node)];
  return QPointF(area.left() + q.x() * area.width(), area.top() + q.y() * area.height());
}

QString TopologyView::label_of(size_t node) const
{
  const QString& name = graph_.nodes[static_cast<qsizetype>(node)];
  const auto kind = graph_.kinds[node];
  const QMap<QString, double>* measured = kind == TopologyGraph::Server ? &server_utilization_
                                          : kind == TopologyGraph::Balancer && graph_.services ? &service_utilization_
                                                                                                : nullptr;
  if (!measured || !measured->contains(name)) return name;
  return name + QString("\n%1%").arg(measured->value(name) * 100, 0, 'f', 0);
}

QRectF TopologyView::box_of(int node) const
{
  const QRectF box = QRectF(fontMetrics().boundingRect(QRect(0, 0, 400, 100), Qt::AlignCenter, label_of(static_cast<size_t>(node))))
                         .adjusted(-8, -5, 8, 5);
  return QRectF(centre_of(node) - QPointF(box.width() / 2, box.height() / 2), box.size());
}

void TopologyView::paintEvent(QPaintEvent*)
{
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), palette().color(QPalette::Base));
  if (graph_.nodes.isEmpty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("Open or write a scenario to see its topology."));
    return;
  }
  const QFontMetrics fm = p.fontMetrics();
  auto at = [&](int i) { return centre_of(i); };
  // Labels, colours and boxes first: an arrow ends at the border of the box it points to.
  const auto n = static_cast<size_t>(graph_.nodes.size());
  std::vector<QString> labels(n);
  std::vector<QColor> fills(n, QColor(200, 200, 210));
  std::vector<bool> measured_service(n, false);
  std::vector<QRectF> boxes(n);
  for (size_t i = 0; i < n; ++i) {
    const QString& name = graph_.nodes[static_cast<qsizetype>(i)];
    const auto kind = graph_.kinds[i];
    labels[i] = label_of(i);
    if (kind == TopologyGraph::Clients) fills[i] = QColor(170, 200, 240);
    if (kind == TopologyGraph::Balancer) fills[i] = QColor(200, 170, 230);
    if (kind == TopologyGraph::Gateway) fills[i] = QColor(250, 205, 130);
    if (labels[i] != name) {  // measured
      const bool service = kind == TopologyGraph::Balancer;
      fills[i] = heat((service ? service_utilization_ : server_utilization_).value(name));
      measured_service[i] = service;
    }
    boxes[i] = box_of(static_cast<int>(i));
  }
  // Whether the curve from p0 through control c to p1 crosses a box other than a's and b's.
  auto blocked = [&](const QPointF& p0, const QPointF& c, const QPointF& p1, int a, int b) {
    for (int k = 1; k < 24; ++k) {
      const double t = k / 24.0;
      const QPointF q = (1 - t) * (1 - t) * p0 + 2 * (1 - t) * t * c + t * t * p1;
      for (size_t i = 0; i < n; ++i)
        if (static_cast<int>(i) != a && static_cast<int>(i) != b && boxes[i].adjusted(-4, -4, 4, 4).contains(q)) return true;
    }
    return false;
  };
  // An arrow from a node's centre to an arrow head at the border of another's box: straight, or
  // bent around the boxes in its way. Returns the point at `along` of its length, for a label.
  auto arrow = [&](int a, int b, const QPen& pen, double along = 0.5) -> QPointF {
    const QPointF from = at(a), centre = at(b);
    QPointF control = (from + centre) / 2;
    if (blocked(from, control, centre, a, b)) {
      const QPointF v(from.y() - centre.y(), centre.x() - from.x());  // perpendicular, as long as the arrow
      for (const double bend : {0.15, -0.15, 0.3, -0.3, 0.5, -0.5})
        if (!blocked(from, (from + centre) / 2 + v * bend, centre, a, b)) {
          control = (from + centre) / 2 + v * bend;
          break;
        }
    }
    const QPointF d = control - centre;
    const QRectF& box = boxes[static_cast<size_t>(b)];
    const double sx = d.x() != 0 ? box.width() / 2 / std::abs(d.x()) : 1.0;
    const double sy = d.y() != 0 ? box.height() / 2 / std::abs(d.y()) : 1.0;
    const QPointF to = centre + d * std::min({sx, sy, 1.0});
    const double length = std::hypot(to.x() - control.x(), to.y() - control.y());
    const double t = along;
    const QPointF label_at = (1 - t) * (1 - t) * from + 2 * (1 - t) * t * control + t * t * to;
    if (length < 1) return label_at;
    const QPointF u = (to - control) / length, v(-u.y(), u.x());
    const double head = fm.height() * 0.6 * std::sqrt(stroke_);
    QPainterPath path(from);
    path.quadTo(control, to - u * head * 0.8);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setPen(Qt::NoPen);
    p.setBrush(pen.color());
    p.drawPolygon(QPolygonF({to, to - u * head + v * head / 2, to - u * head - v * head / 2}));
    return label_at;
  };
  // A label on a white ground, centred on a point of an arrow.
  auto tag = [&](const QPointF& centre, const QString& text, const QColor& colour) {
    QRectF text_box = fm.boundingRect(QRect(0, 0, 600, 100), Qt::AlignCenter, text);
    text_box.moveCenter(centre);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 215));
    p.drawRect(text_box.adjusted(-2, 0, 2, 0));
    p.setPen(colour);
    p.drawText(text_box, Qt::AlignCenter, text);
  };
  // Edges point the way requests go: left to right (a network's level links have no head).
  std::vector<std::pair<QPointF, QString>> edge_tags;
  for (size_t k = 0; k < graph_.edges.size(); ++k) {
    auto [a, b] = graph_.edges[k];
    const QString ab = graph_.nodes[a] + "->" + graph_.nodes[b], ba = graph_.nodes[b] + "->" + graph_.nodes[a];
    const bool known = link_utilization_.contains(ab) || link_utilization_.contains(ba);
    const double u = std::max(link_utilization_.value(ab, 0.0), link_utilization_.value(ba, 0.0));
    const QPen pen(known ? heat(u) : palette().color(QPalette::Mid),
                   stroke_ * (known ? 2.0 + 6.0 * std::clamp(u, 0.0, 1.0) : 2.0));
    if (at(a).x() > at(b).x()) std::swap(a, b);
    QPointF middle = (at(a) + at(b)) / 2;
    if (std::abs(at(a).x() - at(b).x()) < 1) {
      p.setPen(pen);
      p.drawLine(at(a), at(b));
    } else {
      // The label past the middle: where a balancer's links fan out, their labels stand apart.
      middle = arrow(a, b, pen, 0.65);
    }
    // Latency over bandwidth: narrow enough for the gap between two columns.
    QString label = graph_.edge_labels.value(static_cast<qsizetype>(k)).replace(", ", "\n");
    if (known) label += (label.isEmpty() ? "" : "\n") + QString("%1%").arg(u * 100, 0, 'f', 0);
    if (!label.isEmpty()) edge_tags.emplace_back(middle, label);
  }
  // Calls: dashed, from the caller to the called service.
  const QColor call_colour(110, 70, 160);
  for (auto [a, b] : graph_.calls) arrow(a, b, QPen(call_colour, 1.6 * stroke_, Qt::DashLine));
  // Routes: solid, from the gateway to each service, labelled with the names of the routes to it.
  std::vector<std::pair<std::pair<int, int>, QStringList>> routes;
  for (const TopologyGraph::Route& r : graph_.routes) {
    auto it = std::find_if(routes.begin(), routes.end(), [&](const auto& e) { return e.first == std::pair(r.from, r.to); });
    if (it == routes.end()) routes.push_back({{r.from, r.to}, {r.name}});
    else it->second << r.name;
  }
  const QColor route_colour(200, 120, 20);
  for (const auto& [ends, names] : routes)
    tag(arrow(ends.first, ends.second, QPen(route_colour, 1.8 * stroke_)), names.join(", "), route_colour.darker(150));
  for (const auto& [centre, label] : edge_tags) tag(centre, label, palette().color(QPalette::Text));
  for (size_t i = 0; i < n; ++i) {
    // A service coloured by its utilization keeps a thick purple border, so it still reads as a service.
    p.setPen(measured_service[i] ? QPen(QColor(150, 110, 200), 2.5 * stroke_) : QPen(palette().color(QPalette::Dark), 1.2 * stroke_));
    p.setBrush(fills[i]);
    if (graph_.kinds[i] == TopologyGraph::Clients) p.drawEllipse(boxes[i].adjusted(-6, -3, 6, 3));
    else p.drawRoundedRect(boxes[i], 6, 6);
    p.setPen(Qt::black);
    p.drawText(boxes[i], Qt::AlignCenter, labels[i]);
  }
}

}  // namespace lbsim::gui
