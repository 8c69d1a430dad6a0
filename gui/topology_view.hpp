// TopologyView: the system as a graph: client regions, transit nodes, links, the gateway and its
// routes, the balancer (or each service) and the servers, with the calls between services; laid
// out as a flow from left to right (topology_layout.cpp, where Boost.Graph stays) and coloured by
// utilization, live during a run.
#pragma once

#include "models/system_config.hpp"

#include <QMap>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QStringList>
#include <QWidget>

#include <utility>
#include <vector>

namespace lbsim::gui {

struct TopologyGraph {
  enum Kind { Clients, Transit, Balancer, Server, Gateway };
  struct Route {
    int from = -1, to = -1;  // the Gateway node -> a service's Balancer node (or a server without one)
    QString name;            // the route's name; an aggregate route has one Route per backend
  };
  QStringList nodes;  // names; without a network a service and its server may share one (users)
  std::vector<Kind> kinds;
  std::vector<int> service;  // per node: a server's service (its Balancer node), else -1
  std::vector<std::pair<int, int>> edges;  // the network's links, else clients -> balancer -> servers
  QStringList edge_labels;  // per edge: a network link's latency and bandwidth ("40 ms, 100 Mbps"), else ""
  std::vector<std::pair<int, int>> calls;  // caller -> callee, between Balancer nodes; drawn dashed
  std::vector<Route> routes;  // with a gateway: drawn as arrows labelled with the route's name
  bool services = false;  // written as `services:`: each Balancer node stands for its whole service
  bool network = false;   // the nodes and edges are the `network:` section's
  std::vector<QPointF> positions;  // in [0, 1] x [0, 1], from layout()
};

// The graph of a scenario: its network when it has one, else clients -> the service each group
// sends to -> its servers (with a gateway: clients -> the gateway); the call graph between services
// and the gateway's routes.
TopologyGraph topology_of(const models::SystemConfig& config);
// Places the nodes as a flow, left to right, deterministically (topology_layout.cpp). Without a
// network: clients, the gateway, the balancer or the services they send to with their servers
// beside them, then the services those call, by call depth. A network: columns by the direction
// requests take, clients in the first, the nodes they reach in the next ones by hop distance,
// a service right of its caller and a server right of its balancer.
void layout(TopologyGraph& graph);

class TopologyView : public QWidget {
  Q_OBJECT
public:
  explicit TopologyView(QWidget* parent = nullptr);

  void set_graph(TopologyGraph graph);  // also forgets the utilization shown
  const TopologyGraph& graph() const { return graph_; }
  // Utilization in [0, 1] by server name, by link name ("a->b"; either direction colours a link) and
  // by service name (only graphs of `services:` colour their services).
  void set_utilization(QMap<QString, double> servers, QMap<QString, double> links,
                       QMap<QString, double> services = {});
  // What colours the nodes and links now: names with a utilization (empty before a run's rows).
  QStringList coloured() const;
  QSize sizeHint() const override { return {600, 400}; }
  // Where node i is drawn in the widget now (the centre of its box), and its box.
  QPointF centre_of(int node) const;
  QRectF box_of(int node) const;
  // Presentation mode: strokes twice as thick (the fonts follow the application's).
  void set_presentation(bool on);
  bool presentation() const { return stroke_ > 1; }

protected:
  void paintEvent(QPaintEvent* event) override;
  void changeEvent(QEvent* event) override;

private:
  QString label_of(size_t node) const;  // its name, and its utilization once measured
  void measure_boxes();                 // the margins: room for the largest box at every border

  TopologyGraph graph_;
  double stroke_ = 1;  // multiplies every pen's width
  QSizeF largest_box_;
  QMap<QString, double> server_utilization_, link_utilization_, service_utilization_;
};

}  // namespace lbsim::gui
