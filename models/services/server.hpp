// Server: `cores` parallel workers of relative `speed` in front of one FIFO queue.
//
// A request's service time is its work (demand at speed 1.0) divided by speed. When every core is
// busy the request waits; when `queue_limit` requests already wait, a new one is refused (503).
// A request may come back for more work (an endpoint's work after its calls, resume()); while its
// calls are out it keeps its core only if it holds it (a thread-per-request server).
//
// Lifecycle (docs/model.md): provisioning -> up -> draining -> stopped, with failed (a crash) and
// restarting (a resize) on the side.
//
// With `discipline: processor_sharing` nobody waits: every admitted request is in service at once,
// the cores shared among them (SharedCores), one scheduled event for the next end; queue_limit
// caps the requests beyond `cores`. A request waiting for its calls takes no share (hold_core has
// no meaning there), and a resize may happen in service: the rates change from that instant. Only an up server takes new requests; a draining one still
// lets in requests that were already on their way to it. The server is billed while provisioning,
// up, draining or restarting.
#pragma once

#include "engine/event_handler.hpp"
#include "engine/simulation.hpp"
#include "engine/time_weighted_count.hpp"
#include "models/services/fifo_queue.hpp"
#include "models/services/shared_cores.hpp"
#include "models/requests/request.hpp"
#include "models/system_config.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lbsim::models {

class ServerStation;

enum class ServerState { provisioning, up, draining, restarting, failed, stopped };
const char* to_string(ServerState state);
bool is_billed(ServerState state);

enum class Admission { accepted, queue_full, unavailable };

class Server final : public engine::EventHandler {
public:
  Server(uint32_t index, const ServerConfig& config, engine::Simulation& sim, RequestPool& requests,
         ServerStation& station, ServerState initial = ServerState::up);

  // queue_full: refused with 503; unavailable: the server is not running (the request fails).
  // A draining server takes only requests already on their way to it (`in_transit`: dispatched
  // by the balancer before the drain began), never new ones from clients. An admitted request is
  // resident until leave(): served (request.work / speed on a core), then handed to the listener.
  Admission admit(RequestId request, bool in_transit = false);
  // More work for a resident request (an endpoint's work after its calls): on the core it holds
  // (Request::holds_core), or on the next free core after those already waiting; never refused.
  void resume(RequestId request);
  // The request leaves the server (its reply goes out): it counts as completed, and a core it
  // still holds is free again.
  void leave(RequestId request)
  {
    if (shared_) {
      leave_shared(request);
      return;
    }
    Request& r = requests_[request];
    r.resident = false;
    --resident_;
    ++completed_;
    if (r.holds_core) {
      r.holds_core = false;
      free_core();
    }
    if (!handling_) notify_if_drained();
  }
  void handle(const engine::Event& event) override;  // a service completion
  // The client gave up and the server notices (cancel_on_timeout): a request waiting or in
  // service leaves without an answer (the work it had is abandoned). False when it is neither
  // (waiting for its calls, or not here): it goes on.
  bool cancel(RequestId request);

  // Lifecycle changes (the system decides when). fail() drops everything in service and waiting
  // and returns those requests, oldest service first, then the queue in order.
  void set_state(ServerState state);
  std::vector<RequestId> fail();
  // Stops taking new requests; true when already idle (nothing to wait for).
  bool drain();
  // A new size: while restarting (no request in service), or at any time for processor sharing
  // (the requests in service go on at the new rate).
  void resize(int cores, double speed, double price_per_hour, const std::string& size);

  const ServerConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  uint32_t index() const { return index_; }
  // Its service (an index into the system's services) and its place in that service's pool.
  uint32_t service() const { return service_; }
  uint32_t member() const { return member_; }
  void set_place(uint32_t service, uint32_t member) { service_ = service, member_ = member; }
  ServerState state() const { return state_; }
  bool processor_sharing() const { return shared_ != nullptr; }
  bool serving() const { return state_ == ServerState::up || state_ == ServerState::draining; }
  uint32_t busy_cores() const { return busy_; }
  size_t queue_length() const { return queue_.size(); }
  // Admitted and not gone: in service, waiting, or waiting for its calls.
  uint32_t resident() const { return resident_; }

  // Measurement: busy-core time and queue length integrated since the last reset.
  void reset_measurement(SimTime now);
  double utilization(SimTime now) const;  // mean busy cores / cores
  double mean_queue(SimTime now) const;
  double busy_core_seconds(SimTime now) const { return busy_time_.integral(now); }
  double queue_integral(SimTime now) const { return queue_time_.integral(now); }
  // Seconds spent serving (up or draining) since the last reset: the autoscaler's capacity, so
  // that a draining server's work is measured against the time it did it in.
  double up_seconds(SimTime now) const { return up_time_.integral(now); }
  uint64_t completed() const { return completed_; }
  // Server seconds (core time) since the last reset spent on requests whose client had given up
  // by the end of their service, or that were cancelled in service (docs/clients.md).
  double abandoned_work_s() const { return abandoned_s_; }
  uint64_t cancelled() const { return cancelled_; }
  uint64_t rejected() const { return rejected_; }
  uint64_t dropped() const { return dropped_; }
  // Requests that reached it while it was not running (failed at once).
  uint64_t turned_away() const { return turned_away_; }
  // Price x billed time since the last reset.
  double cost(SimTime now) const;

private:
  enum EventKind : uint32_t { kServed = 0, kSharedEnd = 1 };
  void start_service(RequestId request);
  // Processor sharing (the other paths of admit, resume, leave, handle, fail and resize).
  Admission admit_shared(RequestId request);
  void start_shared(RequestId request);
  void leave_shared(RequestId request);
  void handle_shared();
  void reschedule_shared();
  std::vector<RequestId> fail_shared();
  void free_core();
  // After a failure (FIFO or shared): the dropped requests leave, nothing is busy.
  void forget_dropped(const std::vector<RequestId>& dropped);
  void notify_if_drained();
  void accrue_cost(SimTime now);

  uint32_t index_;
  uint32_t service_ = 0, member_ = 0;
  ServerConfig config_;
  engine::Simulation& sim_;
  RequestPool& requests_;
  // Told when a request's demand is served (it decides what follows: the reply, or the endpoint's
  // calls) and when a draining server has emptied. A direct call, not an interface: the
  // completion path runs once per request, and the compiler can inline it.
  ServerStation& station_;
  engine::HandlerId handler_;
  ServerState state_;
  uint32_t busy_ = 0;      // cores serving or held
  uint32_t resident_ = 0;
  bool handling_ = false;  // inside handle(): the drain check waits for its end
  FifoQueue<RequestId> queue_;
  std::unique_ptr<SharedCores> shared_;  // processor sharing only
  engine::EventHandle shared_end_;        // the next end among them
  engine::TimeWeightedCount busy_time_;
  engine::TimeWeightedCount queue_time_;
  engine::TimeWeightedCount up_time_;
  uint64_t completed_ = 0;
  uint64_t rejected_ = 0;
  uint64_t dropped_ = 0;
  uint64_t turned_away_ = 0;
  uint64_t cancelled_ = 0;
  double abandoned_s_ = 0;
  double cost_ = 0;     // accrued up to cost_since_
  SimTime cost_since_;
};

}  // namespace lbsim::models
