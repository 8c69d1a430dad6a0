// layout(): every scenario's topology as a flow from left to right, the way requests go: client
// regions in the first column, then the gateway, the balancer or services, the servers last.
// Deterministic (no random start, no forces): the same scenario is always drawn the same way.
#include "gui/topology_view.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <deque>
#include <iterator>

namespace lbsim::gui {

namespace {

// Columns, left to right: client regions; then, call depth by call depth, the services and beside
// each its servers. A service's depth is its longest chain of callers, so a called service is always
// right of its caller. In a column, services sit in the order of their callers' heights (fewer
// crossings), each with a band as tall as its servers. A top-level balancer is a service of depth 0.
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

  const double last = 2.0 * deepest + 2;
  for (size_t i = 0; i < n; ++i) graph.positions[i] = QPointF(x[i] / last, y[i]);
}

// A network: its links say which nodes touch, not which way requests go. Hop distance from the
// client regions orients each link (a link between nodes as far from the clients stays level);
// a balancer's servers, the gateway's routes and the calls between services orient more. The
// column of a node is its longest chain of such steps from the clients; in a column, nodes sit in
// the order of the mean height of their neighbours to the left (fewer crossings), evenly spaced.
void network_layout(TopologyGraph& graph)
{
  const auto n = static_cast<size_t>(graph.nodes.size());
  std::vector<std::vector<size_t>> neighbours(n);
  for (auto [a, b] : graph.edges) {
    neighbours[static_cast<size_t>(a)].push_back(static_cast<size_t>(b));
    neighbours[static_cast<size_t>(b)].push_back(static_cast<size_t>(a));
  }
  std::vector<int> hops(n, -1);
  std::deque<size_t> queue;
  for (size_t i = 0; i < n; ++i)
    if (graph.kinds[i] == TopologyGraph::Clients) hops[i] = 0, queue.push_back(i);
  while (!queue.empty()) {
    const size_t i = queue.front();
    queue.pop_front();
    for (const size_t j : neighbours[i])
      if (hops[j] < 0) hops[j] = hops[i] + 1, queue.push_back(j);
  }
  std::vector<std::pair<size_t, size_t>> steps;  // left -> right
  for (auto [a, b] : graph.edges) {
    const auto i = static_cast<size_t>(a), j = static_cast<size_t>(b);
    if (hops[i] >= 0 && hops[j] >= 0 && hops[i] != hops[j]) steps.emplace_back(hops[i] < hops[j] ? i : j, hops[i] < hops[j] ? j : i);
  }
  for (size_t i = 0; i < n; ++i)
    if (graph.service[i] >= 0) steps.emplace_back(static_cast<size_t>(graph.service[i]), i);
  for (const TopologyGraph::Route& r : graph.routes) steps.emplace_back(static_cast<size_t>(r.from), static_cast<size_t>(r.to));
  for (auto [a, b] : graph.calls) steps.emplace_back(static_cast<size_t>(a), static_cast<size_t>(b));

  // Longest chains by relaxation: n rounds settle any chain without a cycle. Should the steps
  // disagree (a cycle), hop distance alone places the nodes.
  std::vector<int> column(n, 0);
  bool settled = false;
  for (size_t round = 0; round <= n && !settled; ++round) {
    settled = true;
    for (auto [a, b] : steps)
      if (column[b] < column[a] + 1) column[b] = column[a] + 1, settled = false;
  }
  if (!settled)
    for (size_t i = 0; i < n; ++i) column[i] = std::max(hops[i], 0);
  for (size_t i = 0; i < n; ++i)
    if (graph.kinds[i] == TopologyGraph::Clients) column[i] = 0;
  const int last = *std::max_element(column.begin(), column.end());

  std::vector<std::vector<size_t>> linked(n);  // neighbours by links and by steps
  for (size_t i = 0; i < n; ++i) linked[i] = neighbours[i];
  for (auto [a, b] : steps) linked[a].push_back(b), linked[b].push_back(a);
  std::vector<double> y(n, 0.5);
  auto place = [&](int c, bool from_left) {
    std::vector<std::pair<double, size_t>> order;
    for (size_t i = 0; i < n; ++i) {
      if (column[i] != c) continue;
      double sum = 0;
      int known = 0;
      for (const size_t j : linked[i])
        if (from_left ? column[j] < c : column[j] > c) sum += y[j], ++known;
      order.emplace_back(known ? sum / known : 0.5, i);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < order.size(); ++k)
      y[order[k].second] = (static_cast<double>(k) + 0.5) / static_cast<double>(order.size());
  };
  for (int c = 0; c <= last; ++c) place(c, true);
  place(0, false);  // the clients in the order of what they reach
  for (int c = 1; c <= last; ++c) place(c, true);
  for (size_t i = 0; i < n; ++i)
    graph.positions[i] = QPointF(last > 0 ? static_cast<double>(column[i]) / last : 0.5, y[i]);
}

}  // namespace

void layout(TopologyGraph& graph)
{
  const auto n = static_cast<size_t>(graph.nodes.size());
  graph.positions.assign(n, QPointF(0.5, 0.5));
  if (n < 2) return;
  if (graph.network) network_layout(graph);
  else flow_layout(graph);
}

}  // namespace lbsim::gui
