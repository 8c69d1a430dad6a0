#include "models/network/flow_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lbsim::models {

using engine::SimTime;

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// Whole nanoseconds to send `bytes` at `rate_bps`, rounded up. A quotient within floating-point
// noise above a whole number (1e-6 ns, or 1e-15 of it) counts as that number, so 1 MB at
// 100 Mbit/s is 80,000,000 ns, not one more.
int64_t transfer_ns(double bytes, double rate_bps)
{
  if (!(bytes > 0) || std::isinf(rate_bps)) return 0;
  if (!(rate_bps > 0)) return kNever;
  const double ns = bytes * 8e9 / rate_bps;
  if (!(ns < 9e18)) return kNever;
  const double whole = std::floor(ns);
  const bool noise = ns - whole <= 1e-6 + ns * 1e-15;
  return static_cast<int64_t>(whole) + (noise ? 0 : 1);
}

}  // namespace

FlowNetwork::FlowNetwork(engine::Simulation& sim, FlowListener& listener, std::vector<double> link_bandwidth_bps)
    : sim_(sim), listener_(listener), handler_(sim.add_handler(*this))
{
  links_.resize(link_bandwidth_bps.size());
  for (size_t i = 0; i < links_.size(); ++i) {
    if (!(link_bandwidth_bps[i] > 0) || std::isinf(link_bandwidth_bps[i]))
      throw std::invalid_argument("FlowNetwork: link " + std::to_string(i) + " needs a positive finite bandwidth");
    links_[i].bandwidth_bps = link_bandwidth_bps[i];
    links_[i].measured_at = links_[i].window_start = sim.now();
  }
}

LinkId FlowNetwork::add_link(double bandwidth_bps)
{
  if (!(bandwidth_bps > 0) || std::isinf(bandwidth_bps))
    throw std::invalid_argument("FlowNetwork::add_link: bandwidth must be positive and finite");
  Link& link = links_.emplace_back();
  link.bandwidth_bps = bandwidth_bps;
  link.measured_at = link.window_start = sim_.now();
  return static_cast<LinkId>(links_.size() - 1);
}

FlowId FlowNetwork::start(std::span<const LinkId> route, double bytes, double rate_cap_bps, uint64_t tag)
{
  for (LinkId l : route)
    if (l >= links_.size()) throw std::invalid_argument("FlowNetwork::start: no link " + std::to_string(l));
  if (!(bytes >= 0) || std::isinf(bytes)) throw std::invalid_argument("FlowNetwork::start: bytes must be >= 0");
  if (!(rate_cap_bps > 0)) throw std::invalid_argument("FlowNetwork::start: the rate cap must be > 0");

  const uint32_t c = class_for(route, rate_cap_bps);
  FlowClass& cls = classes_[c];
  if (cls.members.empty()) {  // idle or new: a fresh clock, so a lone transfer's arithmetic is exact
    cls.clock_bytes = 0;
    cls.clock_at = sim_.now();
    ++live_classes_;
  } else {
    advance(cls);
  }
  uint32_t slot;
  if (!free_flows_.empty()) {
    slot = free_flows_.back();
    free_flows_.pop_back();
  } else {
    slot = static_cast<uint32_t>(flows_.size());
    flows_.emplace_back();
  }
  Flow& f = flows_[slot];
  f = Flow{c, f.generation + 1, tag, true};
  cls.members.push(slot, FlowKey{cls.clock_bytes + bytes, next_seq_++}, flow_pos_);
  ++active_flows_;
  ++stats_.starts;
  seed_classes_.push_back(c);
  recompute();
  sync_event();
  return (uint64_t{f.generation} << 32) | slot;
}

bool FlowNetwork::abort(FlowId id)
{
  if (!find(id)) return false;
  remove_flow(static_cast<uint32_t>(id & 0xffffffffu));
  ++stats_.aborts;
  recompute();
  sync_event();
  return true;
}

void FlowNetwork::handle(const engine::Event&)
{
  pending_ = {};
  const int64_t now = sim_.now().ns();
  while (!due_.empty() && due_.top_key().ns <= now) {
    const uint32_t c = due_.top();
    FlowClass& cls = classes_[c];
    advance(cls);
    // The class's first finisher is done (its time has come); so is any other member whose
    // remaining bytes take no whole nanosecond at the class's rate (equal sizes started together).
    do {
      const uint32_t slot = cls.members.top();
      done_tags_.push_back(flows_[slot].tag);
      ++stats_.finishes;
      remove_flow(slot);  // an emptied class goes idle and leaves due_
    } while (!cls.members.empty() &&
             transfer_ns(cls.members.top_key().finish - cls.clock_bytes, cls.rate_bps) == 0);
    if (!cls.members.empty()) refresh_due(c);  // its next finisher at the current rate; recompute() may move it
  }
  recompute();
  sync_event();
  std::vector<uint64_t> tags;
  tags.swap(done_tags_);
  for (uint64_t tag : tags) listener_.on_flow_done(tag);  // may start flows: done_tags_ is free
  tags.clear();
  if (done_tags_.empty()) done_tags_.swap(tags);           // keep the capacity
}

uint32_t FlowNetwork::class_for(std::span<const LinkId> route, double cap_bps)
{
  const auto it = class_of_key_.find(ClassKeyView{cap_bps, route});
  if (it != class_of_key_.end()) return it->second;
  uint32_t c;
  if (!free_classes_.empty()) {
    c = free_classes_.back();
    free_classes_.pop_back();
  } else {
    c = static_cast<uint32_t>(classes_.size());
    classes_.emplace_back();
  }
  FlowClass& cls = classes_[c];
  cls.cap_bps = cap_bps;
  cls.route.assign(route.begin(), route.end());
  cls.rate_bps = 0;
  cls.comp = kNoComponent;
  cls.alive = true;
  attach_class(c);
  class_of_key_.emplace(ClassKey{cap_bps, cls.route}, c);
  return c;
}

// If the classes already on the new class's links are all in one valid component, the class joins
// it in place; if they are in several, those merge and are rediscovered at the next recompute().
void FlowNetwork::attach_class(uint32_t c)
{
  FlowClass& cls = classes_[c];
  uint32_t target = kNoComponent;
  bool single = true;
  for (LinkId l : cls.route)
    for (uint32_t other : links_[l].classes) {
      const uint32_t k = classes_[other].comp;
      if (k == kNoComponent || !comps_[k].valid) single = false;
      else if (target == kNoComponent) target = k;
      else if (target != k) single = false;
    }
  if (single && target != kNoComponent) {
    Component& comp = comps_[target];
    ++bfs_epoch_;
    local_links_.clear();
    for (LinkId l : cls.route) {
      Link& link = links_[l];
      if (link.classes.empty() && link.mark != bfs_epoch_) {  // a link no component holds yet
        link.mark = bfs_epoch_;
        link.local = comp.problem.add_link(link.bandwidth_bps);
        comp.links.push_back(l);
      }
      local_links_.push_back(link.local);
    }
    comp.problem.append_class(cls.cap_bps, local_links_);
    comp.classes.push_back(c);
    ++comp.refs;
    cls.comp = target;
  } else if (!single) {
    for (LinkId l : cls.route)
      for (uint32_t other : links_[l].classes)
        if (classes_[other].comp != kNoComponent) comps_[classes_[other].comp].valid = false;
  }
  for (LinkId l : cls.route) links_[l].classes.push_back(c);
}

// Only idle classes are destroyed (collect_idle_classes()).
void FlowNetwork::destroy_class(uint32_t c)
{
  FlowClass& cls = classes_[c];
  for (LinkId l : cls.route) {
    std::vector<uint32_t>& on = links_[l].classes;
    on.erase(std::find(on.begin(), on.end(), c));
    seed_links_.push_back(l);
  }
  class_of_key_.erase(class_of_key_.find(ClassKeyView{cls.cap_bps, cls.route}));
  if (cls.comp != kNoComponent) {
    comps_[cls.comp].valid = false;  // it may split: rediscovered from the seed links
    release_component(cls.comp);
    cls.comp = kNoComponent;
  }
  cls.route.clear();
  cls.alive = false;
  free_classes_.push_back(c);
  ++stats_.classes_collected;
}

void FlowNetwork::collect_idle_classes()
{
  collect_pending_ = false;
  for (uint32_t c = 0; c < classes_.size(); ++c)
    if (classes_[c].alive && classes_[c].members.empty()) destroy_class(c);
}

void FlowNetwork::advance(FlowClass& cls)
{
  const SimTime now = sim_.now();
  const int64_t dt = (now - cls.clock_at).ns();
  if (dt > 0 && std::isfinite(cls.rate_bps)) cls.clock_bytes += cls.rate_bps * static_cast<double>(dt) / 8e9;
  cls.clock_at = now;
}

void FlowNetwork::remove_flow(uint32_t slot)
{
  Flow& f = flows_[slot];
  const uint32_t c = f.cls;
  classes_[c].members.erase(slot, flow_pos_);
  f.live = false;
  free_flows_.push_back(slot);
  --active_flows_;
  FlowClass& cls = classes_[c];
  if (cls.members.empty()) {  // idle: kept for the next flow on this route, at no rate
    --live_classes_;
    cls.rate_bps = 0;
    if (cls.due) {
      due_.erase(c, due_pos_);
      cls.due = false;
    }
    if (idle_classes() > kIdleClassesKept + live_classes_) collect_pending_ = true;
  }
  seed_classes_.push_back(c);
}

void FlowNetwork::refresh_due(uint32_t c)
{
  FlowClass& cls = classes_[c];
  const int64_t ns = transfer_ns(cls.members.top_key().finish - cls.clock_bytes, cls.rate_bps);
  int64_t due = ns >= kNever - cls.clock_at.ns() ? kNever : cls.clock_at.ns() + ns;
  due = std::max(due, sim_.now().ns());
  if (cls.due) due_.update(c, DueKey{due, c}, due_pos_);
  else due_.push(c, DueKey{due, c}, due_pos_);
  cls.due = true;
}

// Re-solves the components the seeds belong to: one solve per component, however many seeds.
void FlowNetwork::recompute()
{
  if (collect_pending_) collect_idle_classes();
  if (seed_classes_.empty() && seed_links_.empty()) return;
  ++epoch_;
  targets_.clear();
  auto target = [&](uint32_t id) {
    if (comps_[id].mark == epoch_) return;
    comps_[id].mark = epoch_;
    targets_.push_back(id);
  };
  for (uint32_t c : seed_classes_)
    if (classes_[c].alive) target(component_of(c));
  const SimTime now = sim_.now();
  for (LinkId l : seed_links_) {
    Link& link = links_[l];
    if (!link.classes.empty()) {
      target(component_of(link.classes.front()));
    } else if (link.load_bps != 0) {  // its last class is gone
      meter(link, now);
      link.load_bps = 0;
    }
  }
  for (uint32_t id : targets_) solve_component(id);
  for (uint32_t c : seed_classes_)  // their first finisher may have changed
    if (!classes_[c].members.empty()) refresh_due(c);
  seed_classes_.clear();
  seed_links_.clear();
}

uint32_t FlowNetwork::component_of(uint32_t c)
{
  const uint32_t id = classes_[c].comp;
  return id != kNoComponent && comps_[id].valid ? id : build_component(c);
}

// Breadth-first over links <-> classes from class c; the classes leave their old components.
uint32_t FlowNetwork::build_component(uint32_t c)
{
  uint32_t id;
  if (!free_comps_.empty()) {
    id = free_comps_.back();
    free_comps_.pop_back();
  } else {
    id = static_cast<uint32_t>(comps_.size());
    comps_.emplace_back();
  }
  ++bfs_epoch_;
  std::vector<uint32_t> members = std::move(comps_[id].classes);
  std::vector<LinkId> links = std::move(comps_[id].links);
  members.clear();
  links.clear();
  auto visit_class = [&](uint32_t k) {
    if (classes_[k].mark == bfs_epoch_) return;
    classes_[k].mark = bfs_epoch_;
    members.push_back(k);
    for (LinkId l : classes_[k].route)
      if (links_[l].mark != bfs_epoch_) {
        links_[l].mark = bfs_epoch_;
        links.push_back(l);
      }
  };
  visit_class(c);
  for (size_t i = 0; i < links.size(); ++i)
    for (uint32_t k : links_[links[i]].classes) visit_class(k);

  for (uint32_t k : members) {
    if (classes_[k].comp != kNoComponent) release_component(classes_[k].comp);
    classes_[k].comp = id;
  }
  Component& comp = comps_[id];
  comp.classes = std::move(members);
  comp.links = std::move(links);
  comp.refs = static_cast<uint32_t>(comp.classes.size());
  comp.mark = 0;
  comp.valid = true;
  comp.problem.clear();
  for (size_t i = 0; i < comp.links.size(); ++i) {
    links_[comp.links[i]].local = static_cast<uint32_t>(i);
    comp.problem.add_link(links_[comp.links[i]].bandwidth_bps);
  }
  for (uint32_t k : comp.classes) {
    comp.problem.add_class(classes_[k].cap_bps);
    for (LinkId l : classes_[k].route) comp.problem.add_route_link(links_[l].local);
  }
  comp.problem.prepare();
  ++stats_.components_built;
  return id;
}

void FlowNetwork::release_component(uint32_t id)
{
  if (--comps_[id].refs > 0) return;
  comps_[id].valid = false;
  free_comps_.push_back(id);
}

void FlowNetwork::solve_component(uint32_t id)
{
  Component& comp = comps_[id];
  for (size_t i = 0; i < comp.classes.size(); ++i) comp.problem.weight[i] = classes_[comp.classes[i]].members.size();
  solver_.solve(comp.problem, rates_);
  ++stats_.recomputes;
  stats_.classes_solved += comp.classes.size();
  stats_.links_solved += comp.links.size();
  for (size_t i = 0; i < comp.classes.size(); ++i) {
    FlowClass& cls = classes_[comp.classes[i]];
    if (rates_[i] == cls.rate_bps) continue;
    advance(cls);
    cls.rate_bps = rates_[i];
    ++stats_.rate_changes;
    refresh_due(comp.classes[i]);
  }
  const SimTime now = sim_.now();
  for (LinkId l : comp.links) {
    Link& link = links_[l];
    double load = 0;
    for (uint32_t c : link.classes) load += static_cast<double>(classes_[c].members.size()) * classes_[c].rate_bps;
    load = std::min(load, link.bandwidth_bps);
    if (load == link.load_bps) continue;
    meter(link, now);
    link.load_bps = load;
  }
}

void FlowNetwork::sync_event()
{
  const int64_t next = due_.empty() ? kNever : due_.top_key().ns;
  if (pending_.valid() && pending_ns_ == next) return;
  if (pending_.valid()) {
    sim_.cancel(pending_);
    pending_ = {};
    ++stats_.reschedules;
  }
  if (next == kNever) return;
  pending_ = sim_.schedule_at(SimTime::from_ns(next), handler_);
  pending_ns_ = next;
}

void FlowNetwork::meter(Link& link, SimTime now)
{
  link.bits += link.load_bps * static_cast<double>((now - link.measured_at).ns()) * 1e-9;
  link.measured_at = now;
}

const FlowNetwork::Flow* FlowNetwork::find(FlowId id) const
{
  const uint64_t slot = id & 0xffffffffu;
  if (slot >= flows_.size()) return nullptr;
  const Flow& f = flows_[slot];
  return f.live && f.generation == (id >> 32) ? &f : nullptr;
}

bool FlowNetwork::active(FlowId id) const { return find(id) != nullptr; }

double FlowNetwork::rate_bps(FlowId id) const
{
  const Flow* f = find(id);
  return f ? classes_[f->cls].rate_bps : 0.0;
}

double FlowNetwork::remaining_bytes(FlowId id) const
{
  const Flow* f = find(id);
  if (!f) return 0.0;
  const FlowClass& cls = classes_[f->cls];
  const auto slot = static_cast<uint32_t>(id & 0xffffffffu);
  double clock = cls.clock_bytes;
  if (std::isfinite(cls.rate_bps)) clock += cls.rate_bps * static_cast<double>((sim_.now() - cls.clock_at).ns()) / 8e9;
  return std::max(0.0, cls.members.key(slot, flow_pos_).finish - clock);
}

uint64_t FlowNetwork::flows_on(LinkId link) const
{
  uint64_t n = 0;
  for (uint32_t c : links_.at(link).classes) n += classes_[c].members.size();
  return n;
}

double FlowNetwork::bytes_carried(LinkId link, SimTime now) const
{
  const Link& l = links_.at(link);
  return (l.bits + l.load_bps * static_cast<double>((now - l.measured_at).ns()) * 1e-9) / 8;
}

double FlowNetwork::throughput_bps(LinkId link, SimTime now) const
{
  const double elapsed = (now - links_.at(link).window_start).seconds();
  return elapsed > 0 ? bytes_carried(link, now) * 8 / elapsed : 0.0;
}

double FlowNetwork::utilization(LinkId link, SimTime now) const
{
  return throughput_bps(link, now) / links_.at(link).bandwidth_bps;
}

void FlowNetwork::reset_measurement(SimTime now)
{
  for (Link& l : links_) {
    meter(l, now);
    l.bits = 0;
    l.window_start = now;
  }
}

}  // namespace lbsim::models
