// TopologyView: the system as a graph: client regions, transit nodes, links, the balancer and the
// servers, placed by a Boost.Graph layout (a circle, then Fruchterman-Reingold forces; Boost.Graph
// stays inside topology_view.cpp) and coloured by utilization, live during a run.
#pragma once

#include "models/system_config.hpp"

#include <QMap>
#include <QPointF>
#include <QStringList>
#include <QWidget>

#include <utility>
#include <vector>

namespace lbsim::gui {

struct TopologyGraph {
  enum Kind { Clients, Transit, Balancer, Server };
  QStringList nodes;
  std::vector<Kind> kinds;
  std::vector<std::pair<int, int>> edges;
  std::vector<QPointF> positions;  // in [0, 1] x [0, 1], from layout()
};

// The graph of a scenario: its network when it has one, else clients -> balancer -> servers.
TopologyGraph topology_of(const models::SystemConfig& config);
// Places the nodes (Boost.Graph: circle_graph_layout, then fruchterman_reingold_force_directed_layout).
void layout(TopologyGraph& graph);

class TopologyView : public QWidget {
  Q_OBJECT
public:
  explicit TopologyView(QWidget* parent = nullptr);

  void set_graph(TopologyGraph graph);
  const TopologyGraph& graph() const { return graph_; }
  // Utilization in [0, 1] by server name and by link name ("a->b"; either direction colours a link).
  void set_utilization(QMap<QString, double> servers, QMap<QString, double> links);
  QSize sizeHint() const override { return {600, 400}; }

protected:
  void paintEvent(QPaintEvent* event) override;

private:
  TopologyGraph graph_;
  QMap<QString, double> server_utilization_, link_utilization_;
};

}  // namespace lbsim::gui
