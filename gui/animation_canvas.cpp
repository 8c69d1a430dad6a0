#include "gui/animation_canvas.hpp"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numbers>

namespace lbsim::gui {

using models::Place;

namespace {
constexpr size_t kMaxDots = 3000;    // beyond, the picture is a blur anyway and painting slows
constexpr int kMaxStack = 12;        // boxes drawn per queue; a number says the rest

int find_node(const TopologyGraph& g, const QString& name, TopologyGraph::Kind kind)
{
  for (int i = 0; i < g.nodes.size(); ++i)
    if (g.nodes[i] == name && g.kinds[static_cast<size_t>(i)] == kind) return i;
  return -1;
}

QColor colour_of(const Dot& dot)
{
  if (dot.upward) return dot.call ? QColor(130, 90, 200) : QColor(40, 100, 220);
  if (dot.status == 200) return dot.turned_back ? QColor(0, 150, 170) : QColor(30, 160, 60);
  if (dot.status == 429 || (dot.status >= 400 && dot.status < 500)) return QColor(240, 140, 0);
  return QColor(210, 30, 30);
}
}  // namespace

AnimationCanvas::AnimationCanvas(QWidget* parent) : TopologyView(parent) {}

void AnimationCanvas::set_scenario(const models::SystemConfig& config)
{
  TopologyGraph g = topology_of(config);
  client_nodes_.clear();
  balancer_nodes_.clear();
  server_nodes_.clear();
  paths_.clear();
  for (const auto& group : config.clients)
    client_nodes_.push_back(find_node(g, QString::fromStdString(group.region), TopologyGraph::Clients));
  gateway_node_ = config.gateway ? find_node(g, QString::fromStdString(config.gateway->name), TopologyGraph::Gateway) : -1;
  for (const auto& service : config.services)
    balancer_nodes_.push_back(service.balancer
                                  ? find_node(g, QString::fromStdString(service.balancer->name), TopologyGraph::Balancer)
                                  : -1);
  set_graph(std::move(g));
  show_frame({}, {}, std::nullopt);
}

void AnimationCanvas::set_servers(const std::vector<AnimationProgress::Server>& servers)
{
  if (servers.size() == server_nodes_.size()) return;
  server_nodes_.clear();
  for (const auto& s : servers) {
    int node = find_node(graph(), s.name, TopologyGraph::Server);
    if (node < 0 && s.service < balancer_nodes_.size()) node = balancer_nodes_[s.service];
    server_nodes_.push_back(node);
  }
}

void AnimationCanvas::show_frame(std::vector<Dot> dots, std::map<uint32_t, int> queues, std::optional<uint32_t> chosen)
{
  dots_ = std::move(dots);
  queues_ = std::move(queues);
  chosen_ = chosen;
  update();
}

int AnimationCanvas::node_of(const Place& place) const
{
  auto in = [](const std::vector<int>& nodes, uint32_t i) { return i < nodes.size() ? nodes[i] : -1; };
  switch (place.kind) {
    case Place::client: return in(client_nodes_, place.index);
    case Place::gateway: return gateway_node_;
    case Place::balancer: return in(balancer_nodes_, place.index);
    case Place::server: return in(server_nodes_, place.index);
  }
  return -1;
}

// Breadth first over links, routes and calls: with a network a request crosses the nodes between
// its stations; without one, neighbours are joined directly.
const std::vector<int>& AnimationCanvas::path(int from, int to) const
{
  auto [it, fresh] = paths_.try_emplace({from, to});
  if (!fresh) return it->second;
  const TopologyGraph& g = graph();
  const auto n = static_cast<size_t>(g.nodes.size());
  std::vector<std::vector<int>> next(n);
  auto link = [&](int a, int b) {
    next[static_cast<size_t>(a)].push_back(b);
    next[static_cast<size_t>(b)].push_back(a);
  };
  for (auto [a, b] : g.edges) link(a, b);
  for (auto [a, b] : g.calls) link(a, b);
  for (const auto& r : g.routes) link(r.from, r.to);
  std::vector<int> before(n, -1);
  std::deque<int> todo{from};
  before[static_cast<size_t>(from)] = from;
  while (!todo.empty() && before[static_cast<size_t>(to)] < 0) {
    const int a = todo.front();
    todo.pop_front();
    for (const int b : next[static_cast<size_t>(a)])
      if (before[static_cast<size_t>(b)] < 0) before[static_cast<size_t>(b)] = a, todo.push_back(b);
  }
  std::vector<int>& nodes = it->second;
  if (before[static_cast<size_t>(to)] < 0) nodes = {from, to};  // not joined: straight across
  else
    for (int v = to;; v = before[static_cast<size_t>(v)]) {
      nodes.insert(nodes.begin(), v);
      if (v == from) break;
    }
  return nodes;
}

QPointF AnimationCanvas::point_of(const Dot& dot) const
{
  const int a = node_of(dot.from), b = node_of(dot.to);
  if (a < 0 || b < 0) return {};
  // Requests at the same station spread around it rather than hide one another: in service below
  // their server (its queue stands at its right), waiting above the gateway or balancer.
  const double spread = static_cast<double>(dot.request % 12) / 11.0;
  const double angle = std::numbers::pi * (0.3 + 0.4 * spread) * (dot.state == Dot::in_service ? 1 : -1);
  const double radius = fontMetrics().height() * 1.3;
  if (dot.state != Dot::moving || a == b)
    return centre_of(b) + QPointF(std::cos(angle) * radius * 1.8, std::sin(angle) * radius);
  const std::vector<int>& nodes = path(a, b);
  double total = 0;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const QPointF d = centre_of(nodes[i]) - centre_of(nodes[i - 1]);
    total += std::hypot(d.x(), d.y());
  }
  double left = dot.fraction * total;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const QPointF p0 = centre_of(nodes[i - 1]), p1 = centre_of(nodes[i]);
    const double length = std::hypot(p1.x() - p0.x(), p1.y() - p0.y());
    if (left <= length && length > 0) return p0 + (p1 - p0) * (left / length);
    left -= length;
  }
  return centre_of(b);
}

void AnimationCanvas::paintEvent(QPaintEvent* event)
{
  TopologyView::paintEvent(event);
  drawn_ = 0;
  if (graph().nodes.isEmpty()) return;
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics fm = fontMetrics();
  auto half_box = [&](int node) {
    const QRect r = fm.boundingRect(graph().nodes[node]);
    return QPointF(r.width() / 2.0 + 8, r.height() / 2.0 + 5);
  };
  if (chosen_ && *chosen_ < server_nodes_.size() && server_nodes_[*chosen_] >= 0) {
    const int node = server_nodes_[*chosen_];
    const QPointF c = centre_of(node), h = half_box(node) + QPointF(5, 5);
    p.setPen(QPen(QColor(240, 180, 0), 4));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(QRectF(c - h, c + h), 8, 8);
  }
  // Queues: a stack of boxes on the right of each server, the first in line at the bottom.
  const double cell = fm.height() * 0.55;
  for (const auto& [server, length] : queues_) {
    if (server >= server_nodes_.size() || server_nodes_[server] < 0 || length <= 0) continue;
    const int node = server_nodes_[server];
    const QPointF base = centre_of(node) + QPointF(half_box(node).x() + 4, half_box(node).y());
    p.setPen(QPen(QColor(90, 60, 20), 1));
    p.setBrush(QColor(250, 200, 90));
    for (int k = 0; k < std::min(length, kMaxStack); ++k)
      p.drawRect(QRectF(base.x(), base.y() - (k + 1) * (cell + 1), cell * 1.6, cell));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QPointF(base.x() + cell * 2, base.y() - std::min(length, kMaxStack) * (cell + 1)),
               length > kMaxStack ? QString("%1 queued").arg(length) : QString::number(length));
  }
  // The legend, bottom left.
  const struct {
    QColor colour;
    const char* text;
    bool ring;
  } legend[] = {{QColor(40, 100, 220), "request", false},      {QColor(130, 90, 200), "call", false},
                {QColor(30, 160, 60), "answer 200", false},    {QColor(0, 150, 170), "answered by the gateway", true},
                {QColor(240, 140, 0), "4xx (429)", false},     {QColor(210, 30, 30), "5xx", false}};
  QPointF key(fm.height(), height() - fm.height());
  for (const auto& item : legend) {
    p.setPen(item.ring ? QPen(Qt::black, 2) : QPen(Qt::white, 1));
    p.setBrush(item.colour);
    p.drawEllipse(key, 5, 5);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(key + QPointF(9, fm.ascent() / 2.0 - 1), tr(item.text));
    key.rx() += 9 + fm.horizontalAdvance(tr(item.text)) + fm.height();
  }
  p.setPen(QPen(QColor(90, 60, 20), 1));
  p.setBrush(QColor(250, 200, 90));
  p.drawRect(QRectF(key.x() - cell * 0.8, key.y() - cell / 2, cell * 1.6, cell));
  p.setPen(palette().color(QPalette::Text));
  p.drawText(key + QPointF(cell + 4, fm.ascent() / 2.0 - 1), tr("queued at a server"));

  for (const Dot& dot : dots_) {
    if (drawn_ >= kMaxDots) break;
    if (dot.state == Dot::queued) continue;  // in its server's stack
    if (node_of(dot.from) < 0 || node_of(dot.to) < 0) continue;
    const QPointF at = point_of(dot);
    const double r = dot.call ? 4 : 5.5;
    p.setPen(dot.turned_back ? QPen(Qt::black, 2) : QPen(QColor(255, 255, 255), 1));
    p.setBrush(colour_of(dot));
    p.drawEllipse(at, r, r);
    ++drawn_;
  }
}

}  // namespace lbsim::gui
