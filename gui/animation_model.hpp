// AnimationModel: where each request is at a simulated instant, for the animation view. It is fed
// the stages of a run (models/requests/hop_observer.hpp) in the order they happen and answers "at
// time t, where is each request (at a station, or between two and how far), and how long is each
// server's queue". No widgets, so tests ask it directly.
//
// Without a network a request reaches its server the instant it is sent, and its reply is home the
// instant it leaves: such moves take no simulated time. They are drawn over `flight` of simulated
// time (the view sets it to a fixed share of a real second), borrowed from the time that follows,
// at most half of it: the dot flies while the request already waits or is served, and the queue
// counts say where it really is.
#pragma once

#include "models/requests/stage_place.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace lbsim::gui {

// One models::Stage, copied off the simulation's thread.
struct StageEvent {
  uint64_t request = 0;  // Request::sequence
  int64_t time = 0;      // simulated ns
  models::StageKind kind = models::StageKind::departed;
  models::Place from, to;
  bool upward = true;
  uint16_t status = 200;  // the request's status as it was then (a reply's answer)
};

// A request as drawn at one instant.
struct Dot {
  enum State { moving, waiting, queued, in_service };
  uint64_t request = 0;
  State state = waiting;        // waiting: at a client, the gateway or a balancer
  models::Place from, to;       // moving: from -> to; else both are where it is
  double fraction = 0;          // moving: how far along from -> to, in [0, 1)
  bool upward = true;           // false: a reply on its way back
  uint16_t status = 200;
  bool call = false;             // sent by a server or the gateway, not by a client
  bool turned_back = false;     // a reply that never reached a server: refused, limited or cached
  // Where the run has it now, whatever is drawn: a queued request may be drawn still flying.
  std::optional<models::Place> queued_at;
};

class AnimationModel {
public:
  void add(const StageEvent& event);  // in the order they happen
  void set_flight(int64_t ns) { flight_ = ns > 0 ? ns : 1; }
  int64_t flight() const { return flight_; }
  void clear() { tracks_.clear(); }

  struct Frame {
    std::vector<Dot> dots;            // every request visible at t
    std::map<uint32_t, int> queues;   // server -> requests waiting in its queue
  };
  Frame frame_at(int64_t t) const;
  std::vector<Dot> dots_at(int64_t t) const { return frame_at(t).dots; }
  std::map<uint32_t, int> queues_at(int64_t t) const { return frame_at(t).queues; }
  std::optional<Dot> dot_of(uint64_t request, int64_t t) const;
  // Forgets the requests whose last move ended before t (memory follows what is in flight).
  void forget_before(int64_t t);
  size_t tracked() const { return tracks_.size(); }

private:
  struct Track {
    std::vector<StageEvent> events;
    int depth = 0;     // stations above its origin it has reached and not yet left
    int64_t home = -1; // when its reply reached its origin (-1: not home)
  };
  std::optional<Dot> locate(uint64_t request, const Track& track, int64_t t) const;

  // By Request::sequence: in the order they were sent, since a request is numbered as it leaves.
  std::map<uint64_t, Track> tracks_;
  int64_t flight_ = 1'000'000;
};

}  // namespace lbsim::gui
