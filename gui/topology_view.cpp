#include "gui/topology_view.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/topological_sort.hpp>
#include <boost/graph/topology.hpp>

#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

namespace lbsim::gui {

TopologyGraph topology_of(const models::SystemConfig& config)
{
  TopologyGraph g;
  g.services = config.services_section;
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

// Linked nodes attract, all nodes repel: a balancer sits between its clients and its servers.
void force_layout(TopologyGraph& graph)
{
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  using Topology = boost::square_topology<>;
  using Point = Topology::point_type;
  const auto n = static_cast<size_t>(graph.nodes.size());
  Graph g(n);
  std::set<std::pair<int, int>> seen;  // one edge per pair of nodes (links are full duplex)
  std::vector<std::pair<int, int>> pairs = graph.edges;
  for (const TopologyGraph::Route& r : graph.routes) pairs.emplace_back(r.from, r.to);
  for (auto [a, b] : pairs)
    if (a != b && seen.insert({std::min(a, b), std::max(a, b)}).second)
      boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), g);
  std::vector<Point> points(n);
  auto position = boost::make_iterator_property_map(points.begin(), boost::get(boost::vertex_index, g));
  // A circle to start from (deterministic: no random placement), then forces.
  boost::circle_graph_layout(g, position, 40.0);
  boost::fruchterman_reingold_force_directed_layout(g, position, Topology(100.0));
  double x0 = points[0][0], x1 = x0, y0 = points[0][1], y1 = y0;
  for (const Point& p : points) x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]), y0 = std::min(y0, p[1]), y1 = std::max(y1, p[1]);
  for (size_t i = 0; i < n; ++i)
    graph.positions[i] = QPointF(x1 > x0 ? (points[i][0] - x0) / (x1 - x0) : 0.5, y1 > y0 ? (points[i][1] - y0) / (y1 - y0) : 0.5);
}

// Columns, left to right: client regions; then, call depth by call depth, the services and beside
// each its servers. A service's depth is its longest chain of callers, so a called service is always
// right of its caller. In a column, services sit in the order of their callers' heights (fewer
// crossings), each with a band as tall as its servers; transit nodes sit amid their neighbours.
void flow_layout(TopologyGraph& graph)
{
  const auto n = static_cast<size_t>(graph.nodes.size());
  auto kind = [&](size_t i) { return graph.kinds[i]; };
  std::vector<double> x(n, -1.0), y(n, 0.5);  // x in columns; -1 until placed
  // A column holds services and the gateway, which is at depth 0: its routes lead on like calls.
  auto in_column = [&](size_t i) { return kind(i) == TopologyGraph::Balancer || kind(i) == TopologyGraph::Gateway; };
  std::vector<std::pair<int, int>> arrows = graph.calls;
  for (const TopologyGraph::Route& r : graph.routes)
    if (in_column(static_cast<size_t>(r.to))) arrows.emplace_back(r.from, r.to);

  // Call depth along a topological order (callers first). The loader refuses cycles; a cycle here
  // would only leave every depth at 0.
  using Dag = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Dag dag(n);
  for (auto [a, b] : arrows) boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), dag);
  std::vector<size_t> reversed;
  try {
    boost::topological_sort(dag, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    reversed.clear();
  }
  std::vector<int> depth(n, 0);
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
    for (auto [e, end] = boost::out_edges(*it, dag); e != end; ++e)
      depth[boost::target(*e, dag)] = std::max(depth[boost::target(*e, dag)], depth[*it] + 1);

  std::vector<std::vector<size_t>> servers_of(n);
  std::vector<size_t> unowned;  // servers of a service without a balancer: beside the first column
  int deepest = 0;
  for (size_t i = 0; i < n; ++i) {
    if (kind(i) == TopologyGraph::Server) {
      const int s = graph.service[i];
      (s >= 0 ? servers_of[static_cast<size_t>(s)] : unowned).push_back(i);
    }
    if (in_column(i)) deepest = std::max(deepest, depth[i]);
  }
  for (int d = 0; d <= deepest; ++d) {
    std::vector<std::pair<double, size_t>> column;  // (callers' mean height, service)
    for (size_t i = 0; i < n; ++i) {
      if (!in_column(i) || depth[i] != d) continue;
      double sum = 0;
      int callers = 0;
      for (auto [a, b] : arrows)
        if (static_cast<size_t>(b) == i && x[static_cast<size_t>(a)] >= 0) sum += y[static_cast<size_t>(a)], ++callers;
      column.emplace_back(callers ? sum / callers : 0.0, i);
    }
    std::stable_sort(column.begin(), column.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto band = [&](size_t i) { return std::max<size_t>(1, servers_of[i].size()); };
    double total = d == 0 ? static_cast<double>(unowned.size()) : 0.0, at = 0;
    for (const auto& c : column) total += static_cast<double>(band(c.second));
    for (const auto& c : column) {
      const size_t i = c.second;
      x[i] = 1 + 2 * d;
      y[i] = (at + static_cast<double>(band(i)) / 2) / total;
      for (size_t k = 0; k < servers_of[i].size(); ++k)
        x[servers_of[i][k]] = 2 + 2 * d, y[servers_of[i][k]] = (at + static_cast<double>(k) + 0.5) / total;
      at += static_cast<double>(band(i));
    }
    if (d == 0)
      for (size_t k = 0; k < unowned.size(); ++k)
        x[unowned[k]] = 2, y[unowned[k]] = (at + static_cast<double>(k) + 0.5) / total;
  }

  std::vector<std::vector<size_t>> neighbours(n);
  for (auto [a, b] : graph.edges) {
    neighbours[static_cast<size_t>(a)].push_back(static_cast<size_t>(b));
    neighbours[static_cast<size_t>(b)].push_back(static_cast<size_t>(a));
  }
  // Client regions at the left, in the order of the services they reach.
  std::vector<std::pair<double, size_t>> clients;
  for (size_t i = 0; i < n; ++i) {
    if (kind(i) != TopologyGraph::Clients) continue;
    double sum = 0;
    int known = 0;
    for (const size_t j : neighbours[i])
      if (x[j] >= 0) sum += y[j], ++known;
    clients.emplace_back(known ? sum / known : 0.5, i);
  }
  std::stable_sort(clients.begin(), clients.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t k = 0; k < clients.size(); ++k) {
    x[clients[k].second] = 0;
    y[clients[k].second] = (static_cast<double>(k) + 0.5) / static_cast<double>(clients.size());
  }

  // Transit nodes: each at the mean of its neighbours, repeated until it settles (a few rounds do),
  // then between two columns, where no other node is.
  const double last = 2.0 * deepest + 2;
  for (size_t i = 0; i < n; ++i)
    if (kind(i) == TopologyGraph::Transit) x[i] = last / 2;
  for (int round = 0; round < 100; ++round)
    for (size_t i = 0; i < n; ++i) {
      if (kind(i) != TopologyGraph::Transit || neighbours[i].empty()) continue;
      double sx = 0, sy = 0;
      for (const size_t j : neighbours[i]) sx += x[j], sy += y[j];
      x[i] = sx / static_cast<double>(neighbours[i].size()), y[i] = sy / static_cast<double>(neighbours[i].size());
    }
  for (size_t i = 0; i < n; ++i)
    if (kind(i) == TopologyGraph::Transit) x[i] = std::clamp(std::floor(x[i]) + 0.5, 0.5, last - 0.5);
  for (size_t i = 0; i < n; ++i) graph.positions[i] = QPointF(x[i] / last, y[i]);
}

}  // namespace

void layout(TopologyGraph& graph)
{
  const auto n = static_cast<size_t>(graph.nodes.size());
  graph.positions.assign(n, QPointF(0.5, 0.5));
  if (n < 2) return;
  if (graph.services) flow_layout(graph);
  else force_layout(graph);
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

QPointF TopologyView::centre_of(int node) const
{
  const double margin = fontMetrics().height() * 4;
  const QRectF area = QRectF(rect()).adjusted(margin * 1.5, margin, -margin * 1.5, -margin);
  const QPointF& q = graph_.positions[static_cast<size_t>(node)];
  return QPointF(area.left() + q.x() * area.width(), area.top() + q.y() * area.height());
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
  // Labels, colours and boxes first: a call's arrow ends at the called service's box.
  const auto n = static_cast<size_t>(graph_.nodes.size());
  std::vector<QString> labels(n);
  std::vector<QColor> fills(n, QColor(200, 200, 210));
  std::vector<bool> measured_service(n, false);
  std::vector<QRectF> boxes(n);
  for (size_t i = 0; i < n; ++i) {
    const QString& name = graph_.nodes[static_cast<qsizetype>(i)];
    const auto kind = graph_.kinds[i];
    labels[i] = name;
    if (kind == TopologyGraph::Clients) fills[i] = QColor(170, 200, 240);
    if (kind == TopologyGraph::Balancer) fills[i] = QColor(200, 170, 230);
    if (kind == TopologyGraph::Gateway) fills[i] = QColor(250, 205, 130);
    const QMap<QString, double>* measured = kind == TopologyGraph::Server ? &server_utilization_
                                            : kind == TopologyGraph::Balancer && graph_.services ? &service_utilization_
                                                                                                  : nullptr;
    if (measured && measured->contains(name)) {
      const double u = measured->value(name);
      fills[i] = heat(u);
      labels[i] += QString("\n%1%").arg(u * 100, 0, 'f', 0);
      measured_service[i] = kind == TopologyGraph::Balancer;
    }
    const QRectF box = fm.boundingRect(QRect(0, 0, 400, 100), Qt::AlignCenter, labels[i]).adjusted(-8, -5, 8, 5);
    boxes[i] = QRectF(at(static_cast<int>(i)) - QPointF(box.width() / 2, box.height() / 2), box.size());
  }
  for (auto [a, b] : graph_.edges) {
    const QString ab = graph_.nodes[a] + "->" + graph_.nodes[b], ba = graph_.nodes[b] + "->" + graph_.nodes[a];
    const bool known = link_utilization_.contains(ab) || link_utilization_.contains(ba);
    const double u = std::max(link_utilization_.value(ab, 0.0), link_utilization_.value(ba, 0.0));
    QPen pen(known ? heat(u) : palette().color(QPalette::Mid), known ? 2.0 + 6.0 * std::clamp(u, 0.0, 1.0) : 2.0);
    p.setPen(pen);
    p.drawLine(at(a), at(b));
    if (known) {
      p.setPen(palette().color(QPalette::Text));
      p.drawText((at(a) + at(b)) / 2 + QPointF(4, -4), QString("%1%").arg(u * 100, 0, 'f', 0));
    }
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
  // bent around the boxes in its way. Returns the middle of the arrow, for a label.
  auto arrow = [&](int a, int b, const QPen& pen) -> QPointF {
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
    const QPointF middle = 0.25 * from + 0.5 * control + 0.25 * to;
    if (length < 1) return middle;
    const QPointF u = (to - control) / length, v(-u.y(), u.x());
    const double head = fm.height() * 0.6;
    QPainterPath path(from);
    path.quadTo(control, to - u * head * 0.8);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setPen(Qt::NoPen);
    p.setBrush(pen.color());
    p.drawPolygon(QPolygonF({to, to - u * head + v * head / 2, to - u * head - v * head / 2}));
    return middle;
  };
  // Calls: dashed, from the caller to the called service.
  const QColor call_colour(110, 70, 160);
  for (auto [a, b] : graph_.calls) arrow(a, b, QPen(call_colour, 1.6, Qt::DashLine));
  // Routes: solid, from the gateway to each service, labelled with the names of the routes to it.
  std::vector<std::pair<std::pair<int, int>, QStringList>> routes;
  for (const TopologyGraph::Route& r : graph_.routes) {
    auto it = std::find_if(routes.begin(), routes.end(), [&](const auto& e) { return e.first == std::pair(r.from, r.to); });
    if (it == routes.end()) routes.push_back({{r.from, r.to}, {r.name}});
    else it->second << r.name;
  }
  const QColor route_colour(200, 120, 20);
  for (const auto& [ends, names] : routes) {
    const QPointF mid = arrow(ends.first, ends.second, QPen(route_colour, 1.8));
    const QString label = names.join(", ");
    QRectF text_box = fm.boundingRect(label);
    text_box.moveCenter(mid);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 210));
    p.drawRect(text_box.adjusted(-2, 0, 2, 0));
    p.setPen(route_colour.darker(150));
    p.drawText(text_box, Qt::AlignCenter, label);
  }
  for (size_t i = 0; i < n; ++i) {
    // A service coloured by its utilization keeps a thick purple border, so it still reads as a service.
    p.setPen(measured_service[i] ? QPen(QColor(150, 110, 200), 2.5) : QPen(palette().color(QPalette::Dark), 1.2));
    p.setBrush(fills[i]);
    if (graph_.kinds[i] == TopologyGraph::Clients) p.drawEllipse(boxes[i].adjusted(-6, -3, 6, 3));
    else p.drawRoundedRect(boxes[i], 6, 6);
    p.setPen(Qt::black);
    p.drawText(boxes[i], Qt::AlignCenter, labels[i]);
  }
}

}  // namespace lbsim::gui
