#include "gui/animation_model.hpp"

#include <algorithm>
#include <cmath>

namespace lbsim::gui {

using models::Place;
using models::StageKind;

namespace {

// A move of a request or its reply from one station to the next: its departure, and its arrival
// once the run has got that far.
struct Move {
  const StageEvent* departed = nullptr;
  int64_t arrive = -1;         // -1: still on its way when the run stopped
  int64_t service_start = -1;  // at a server: when a core took it after it arrived (-1: not yet)
};

std::vector<Move> moves_of(const std::vector<StageEvent>& events)
{
  std::vector<Move> moves;
  for (const StageEvent& e : events) {
    if (e.kind == StageKind::departed) moves.push_back({&e});
    else if (moves.empty()) continue;
    else if (e.kind == StageKind::arrived) moves.back().arrive = e.time;
    else if (moves.back().service_start < 0) moves.back().service_start = e.time;
  }
  return moves;
}

bool instant(const Move& m) { return m.arrive == m.departed->time; }

}  // namespace

void AnimationModel::add(const StageEvent& event)
{
  if (event.request == 0) return;  // an answered attempt nobody follows any more
  Track& track = tracks_[event.request];
  track.events.push_back(event);
  if (event.kind == StageKind::departed && track.depth == 0) track.home = -1;
  if (event.kind != StageKind::arrived) return;
  track.depth += event.upward ? 1 : -1;
  if (track.depth <= 0) {
    track.depth = 0;
    track.home = event.time;
  }
}

std::optional<Dot> AnimationModel::locate(uint64_t request, const Track& track, int64_t t) const
{
  const std::vector<Move> moves = moves_of(track.events);
  if (moves.empty() || moves.front().departed->time > t) return std::nullopt;
  Dot dot;
  dot.request = request;
  dot.call = moves.front().departed->from.kind != Place::client;
  auto draw_moving = [&](const StageEvent& d, double fraction) {
    dot.state = Dot::moving;
    dot.from = d.from;
    dot.to = d.to;
    dot.upward = d.upward;
    dot.status = d.status;
    dot.fraction = std::clamp(fraction, 0.0, 0.999);
  };
  int depth = 0;
  bool reached_server = false, drawn = false, in_flight = false;
  const Move* last = nullptr;  // the last move that has arrived by t
  size_t jump_end = 0;         // moves before it belong to a jump already drawn or passed
  for (size_t k = 0; k < moves.size(); ++k) {
    const Move& m = moves[k];
    const StageEvent& d = *m.departed;
    if (d.time > t) break;
    if (m.arrive < 0 || m.arrive > t) {  // on its way along a link
      const double f = m.arrive < 0 ? 0.5 : static_cast<double>(t - d.time) / static_cast<double>(m.arrive - d.time);
      if (!drawn) draw_moving(d, f);
      drawn = in_flight = true;
      break;
    }
    depth += d.upward ? 1 : -1;
    reached_server = reached_server || (d.upward && d.to.kind == Place::server);
    last = &m;
    if (drawn || k < jump_end || !instant(m)) continue;
    // The instant moves at this time form one jump, drawn over a window borrowed from what follows.
    size_t end = k + 1;
    while (end < moves.size() && instant(moves[end]) && moves[end].departed->time == d.time) ++end;
    jump_end = end;
    int64_t window = flight_;
    if (end < moves.size()) window = std::min(window, (moves[end].departed->time - d.time) / 2);
    if (window <= 0 || t >= d.time + window) continue;
    const double progress = static_cast<double>(t - d.time) / static_cast<double>(window) * static_cast<double>(end - k);
    const size_t index = std::min(end - 1, k + static_cast<size_t>(progress));
    draw_moving(*moves[index].departed, progress - std::floor(progress));
    drawn = true;
  }
  if (!in_flight && last && depth > 0 && last->departed->upward && last->departed->to.kind == Place::server &&
      (last->service_start < 0 || last->service_start > t))
    dot.queued_at = last->departed->to;
  if (!drawn) {
    if (!last || depth <= 0) return std::nullopt;  // home: its reply has arrived
    const StageEvent& d = *last->departed;
    dot.from = dot.to = d.to;
    dot.upward = d.upward;
    dot.status = d.status;
    dot.state = d.to.kind != Place::server || !d.upward ? Dot::waiting
                : dot.queued_at                         ? Dot::queued
                                                        : Dot::in_service;
  }
  dot.turned_back = !dot.upward && !reached_server;
  return dot;
}

AnimationModel::Frame AnimationModel::frame_at(int64_t t) const
{
  Frame frame;
  for (const auto& [request, track] : tracks_) {
    // The run goes on ahead of the clock: the requests sent after t come last, and are skipped.
    if (track.events.front().time > t) break;
    if (auto dot = locate(request, track, t)) {
      if (dot->queued_at) ++frame.queues[dot->queued_at->index];
      frame.dots.push_back(*dot);
    }
  }
  return frame;
}

std::optional<Dot> AnimationModel::dot_of(uint64_t request, int64_t t) const
{
  const auto it = tracks_.find(request);
  return it == tracks_.end() ? std::nullopt : locate(request, it->second, t);
}

void AnimationModel::forget_before(int64_t t)
{
  std::erase_if(tracks_, [&](const auto& entry) {
    const Track& track = entry.second;
    return track.home >= 0 && track.depth == 0 && track.home + flight_ < t;
  });
}

}  // namespace lbsim::gui
