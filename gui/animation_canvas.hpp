// AnimationCanvas: the topology (TopologyView) with the animation drawn over it: each request as
// a dot on its way between stations or waiting at one, each server's queue as a stack of boxes,
// and the server the balancer chose last outlined.
#pragma once

#include "gui/animation_model.hpp"
#include "gui/animation_worker.hpp"
#include "gui/topology_view.hpp"

#include <map>
#include <optional>
#include <vector>

namespace lbsim::gui {

class AnimationCanvas : public TopologyView {
  Q_OBJECT
public:
  explicit AnimationCanvas(QWidget* parent = nullptr);

  // The scenario: its graph, and which node stands for each client group, the gateway and each
  // service's balancer.
  void set_scenario(const models::SystemConfig& config);
  // The run's servers (some may have joined during the run): each at its node, or, when the graph
  // does not show it, at its service's.
  void set_servers(const std::vector<AnimationProgress::Server>& servers);
  void show_frame(std::vector<Dot> dots, std::map<uint32_t, int> queues, std::optional<uint32_t> chosen);

  int node_of(const models::Place& place) const;  // -1 when the graph has no node for it
  QPointF point_of(const Dot& dot) const;         // where the dot is drawn now
  size_t dots_drawn() const { return drawn_; }

protected:
  void paintEvent(QPaintEvent* event) override;

private:
  const std::vector<int>& path(int from, int to) const;  // nodes, along the graph's edges when it can

  std::vector<int> client_nodes_, balancer_nodes_, server_nodes_;
  int gateway_node_ = -1;
  std::vector<Dot> dots_;
  std::map<uint32_t, int> queues_;
  std::optional<uint32_t> chosen_;
  mutable std::map<std::pair<int, int>, std::vector<int>> paths_;
  size_t drawn_ = 0;
};

}  // namespace lbsim::gui
