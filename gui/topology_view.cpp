#include "gui/topology_view.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/topology.hpp>

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <set>

namespace lbsim::gui {

TopologyGraph topology_of(const models::SystemConfig& config)
{
  TopologyGraph g;
  auto node = [&g](const QString& name, TopologyGraph::Kind kind) {
    const qsizetype i = g.nodes.indexOf(name);
    if (i >= 0) return static_cast<int>(i);
    g.nodes << name;
    g.kinds.push_back(kind);
    return static_cast<int>(g.nodes.size() - 1);
  };
  std::set<QString> regions, servers;
  for (const auto& c : config.clients) regions.insert(QString::fromStdString(c.region));
  for (const auto& s : config.services.front().servers) servers.insert(QString::fromStdString(s.name));
  const QString balancer = config.services.front().balancer ? QString::fromStdString(config.services.front().balancer->name) : QString();
  auto kind_of = [&](const QString& name) {
    if (regions.count(name)) return TopologyGraph::Clients;
    if (servers.count(name)) return TopologyGraph::Server;
    if (name == balancer) return TopologyGraph::Balancer;
    return TopologyGraph::Transit;
  };
  if (config.network) {
    for (const std::string& n : config.network->nodes) node(QString::fromStdString(n), kind_of(QString::fromStdString(n)));
    for (const auto& l : config.network->links) {
      const QString a = QString::fromStdString(l.a), b = QString::fromStdString(l.b);
      g.edges.emplace_back(node(a, kind_of(a)), node(b, kind_of(b)));
    }
    return g;
  }
  const int lb = balancer.isEmpty() ? -1 : node(balancer, TopologyGraph::Balancer);
  for (const QString& r : regions) node(r, TopologyGraph::Clients);
  for (const auto& s : config.services.front().servers) node(QString::fromStdString(s.name), TopologyGraph::Server);
  for (int i = 0; i < g.nodes.size(); ++i) {
    if (g.kinds[static_cast<size_t>(i)] != TopologyGraph::Clients) continue;
    if (lb >= 0) g.edges.emplace_back(i, lb);
    else
      for (int j = 0; j < g.nodes.size(); ++j)
        if (g.kinds[static_cast<size_t>(j)] == TopologyGraph::Server) g.edges.emplace_back(i, j);
  }
  if (lb >= 0)
    for (int j = 0; j < g.nodes.size(); ++j)
      if (g.kinds[static_cast<size_t>(j)] == TopologyGraph::Server) g.edges.emplace_back(lb, j);
  return g;
}

void layout(TopologyGraph& graph)
{
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  using Topology = boost::square_topology<>;
  using Point = Topology::point_type;
  const auto n = static_cast<size_t>(graph.nodes.size());
  graph.positions.assign(n, QPointF(0.5, 0.5));
  if (n < 2) return;
  Graph g(n);
  std::set<std::pair<int, int>> seen;  // one edge per pair of nodes (links are full duplex)
  for (auto [a, b] : graph.edges)
    if (a != b && seen.insert({std::min(a, b), std::max(a, b)}).second)
      boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), g);
  std::vector<Point> points(n);
  auto position = boost::make_iterator_property_map(points.begin(), boost::get(boost::vertex_index, g));
  // A circle to start from (deterministic: no random placement), then forces: linked nodes attract,
  // all nodes repel, so a balancer sits between its clients and its servers.
  boost::circle_graph_layout(g, position, 40.0);
  boost::fruchterman_reingold_force_directed_layout(g, position, Topology(100.0));
  double x0 = points[0][0], x1 = x0, y0 = points[0][1], y1 = y0;
  for (const Point& p : points) x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]), y0 = std::min(y0, p[1]), y1 = std::max(y1, p[1]);
  for (size_t i = 0; i < n; ++i)
    graph.positions[i] = QPointF(x1 > x0 ? (points[i][0] - x0) / (x1 - x0) : 0.5, y1 > y0 ? (points[i][1] - y0) / (y1 - y0) : 0.5);
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
  update();
}

void TopologyView::set_utilization(QMap<QString, double> servers, QMap<QString, double> links)
{
  server_utilization_ = std::move(servers);
  link_utilization_ = std::move(links);
  update();
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
  const double margin = fm.height() * 4;
  const QRectF area = QRectF(rect()).adjusted(margin * 1.5, margin, -margin * 1.5, -margin);
  auto at = [&](int i) {
    const QPointF& q = graph_.positions[static_cast<size_t>(i)];
    return QPointF(area.left() + q.x() * area.width(), area.top() + q.y() * area.height());
  };
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
  for (int i = 0; i < graph_.nodes.size(); ++i) {
    const QString& name = graph_.nodes[i];
    const auto kind = graph_.kinds[static_cast<size_t>(i)];
    QString label = name;
    QColor fill(200, 200, 210);
    if (kind == TopologyGraph::Clients) fill = QColor(170, 200, 240);
    if (kind == TopologyGraph::Balancer) fill = QColor(200, 170, 230);
    if (kind == TopologyGraph::Server && server_utilization_.contains(name)) {
      const double u = server_utilization_.value(name);
      fill = heat(u);
      label += QString("\n%1%").arg(u * 100, 0, 'f', 0);
    }
    const QRectF box = fm.boundingRect(QRect(0, 0, 400, 100), Qt::AlignCenter, label).adjusted(-8, -5, 8, 5);
    const QRectF r(at(i) - QPointF(box.width() / 2, box.height() / 2), box.size());
    p.setPen(QPen(palette().color(QPalette::Dark), 1.2));
    p.setBrush(fill);
    if (kind == TopologyGraph::Clients) p.drawEllipse(r.adjusted(-6, -3, 6, 3));
    else p.drawRoundedRect(r, 6, 6);
    p.setPen(Qt::black);
    p.drawText(r, Qt::AlignCenter, label);
  }
}

}  // namespace lbsim::gui
