// The only file that knows MPI (see study_mpi.hpp). The protocol, all in MPI_COMM_WORLD with
// messages of MPI_CHAR holding JSON text:
//
//   worker -> 0  kTagRequest  (empty)           "I am idle": sent once when a worker starts
//   0 -> worker  kTagTask     encode_task()     run this
//   worker -> 0  kTagResult   encode_outcome()  its outcome; also "I am idle again"
//   0 -> worker  kTagStop     (empty)           no more work: return from serve()
//
// Rank 0 answers every idle worker either with a task or, at the end (stop_workers()), with a
// stop, so every message sent is received and every rank reaches MPI_Finalize. Waiting is by
// MPI_Iprobe and a short sleep (50 us, doubling to 2 ms while idle) rather than a blocking receive, because OpenMPI's blocking calls
// spin a core, which would take a core from the runs when ranks share a machine.
#include "scenarios/studies/study_mpi.hpp"

#include <nlohmann/json.hpp>

#if LBSIM_WITH_MPI
// The C bindings only (OpenMPI's and MPICH's mpi.h would pull in their deprecated C++ bindings).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace lbsim::scenarios {

std::string encode_task(const RunTask& task)
{
  nlohmann::json j;
  j["point"] = task.point;
  j["replication"] = task.replication;
  j["seed"] = task.seed;
  j["overrides"] = task.overrides;
  return j.dump();
}

RunTask decode_task(const std::string& text)
{
  const nlohmann::json j = nlohmann::json::parse(text);
  RunTask task;
  task.point = j.at("point").get<std::size_t>();
  task.replication = j.at("replication").get<std::size_t>();
  task.seed = j.at("seed").get<uint64_t>();
  task.overrides = j.at("overrides").get<std::vector<std::string>>();
  return task;
}

std::string encode_outcome(const RunOutcome& outcome)
{
  nlohmann::json j;
  j["point"] = outcome.point;
  j["replication"] = outcome.replication;
  j["ok"] = outcome.ok;
  j["error"] = outcome.error;
  j["summary_json"] = outcome.summary_json;  // the text itself, byte for byte
  return j.dump();
}

RunOutcome decode_outcome(const std::string& text)
{
  const nlohmann::json j = nlohmann::json::parse(text);
  RunOutcome outcome;
  outcome.point = j.at("point").get<std::size_t>();
  outcome.replication = j.at("replication").get<std::size_t>();
  outcome.ok = j.at("ok").get<bool>();
  outcome.error = j.at("error").get<std::string>();
  outcome.summary_json = j.at("summary_json").get<std::string>();
  return outcome;
}

bool MpiSession::launched()
{
  auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0';
  };
  if (const char* forced = std::getenv("LBSIM_MPI"); forced != nullptr && *forced != '\0')
    return std::string_view(forced) != "0";
  return set("OMPI_COMM_WORLD_SIZE") || set("PMIX_RANK") || set("PMI_RANK") || set("PMI_SIZE");
}

#if LBSIM_WITH_MPI

namespace {

RunOutcome execute_safely(const RunDispatcher::Execute& execute, const RunTask& task)
{
  try {
    return execute(task);
  } catch (const std::exception& e) {
    return RunOutcome{task.point, task.replication, false, std::string("the run failed: ") + e.what(), {}};
  } catch (...) {
    return RunOutcome{task.point, task.replication, false, "the run failed with an unknown error", {}};
  }
}

constexpr int kTagRequest = 1;
constexpr int kTagTask = 2;
constexpr int kTagResult = 3;
constexpr int kTagStop = 4;

// Waiting ranks poll: the pause starts short and doubles while nothing happens, up to a couple of
// milliseconds (negligible beside runs of tens of milliseconds or more, and few wake-ups when
// ranks share cores with the runs).
constexpr auto kFirstPause = std::chrono::microseconds(50);
constexpr auto kLongestPause = std::chrono::microseconds(2000);

std::chrono::microseconds longer(std::chrono::microseconds pause) { return std::min(pause * 2, kLongestPause); }

void send_text(const std::string& text, int destination, int tag)
{
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error("MPI message too large");
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, destination, tag, MPI_COMM_WORLD);
}

// A message waiting from `source` (MPI_ANY_SOURCE for any): its status, without receiving it.
bool probe(int source, MPI_Status& status)
{
  int flag = 0;
  MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  return flag != 0;
}

void wait_for_message(int source, MPI_Status& status)
{
  for (auto pause = kFirstPause; !probe(source, status); pause = longer(pause)) std::this_thread::sleep_for(pause);
}

std::string receive(const MPI_Status& status)
{
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

}  // namespace

struct MpiSession::Impl {
  enum class Worker { awaited, idle, busy, stopped };
  int rank = 0, size = 1;
  int thread_support = MPI_THREAD_SINGLE;
  std::vector<Worker> workers;  // rank 0: the state of each rank (index 0 unused)
};

MpiSession::MpiSession() : impl_(std::make_unique<Impl>()) {}

bool MpiSession::compiled_in() { return true; }

std::unique_ptr<MpiSession> MpiSession::open_if_launched()
{
  if (!launched()) return nullptr;
  std::unique_ptr<MpiSession> session(new MpiSession());
  int provided = MPI_THREAD_SINGLE;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Init_thread failed");
  session->impl_->thread_support = provided;
  MPI_Comm_rank(MPI_COMM_WORLD, &session->impl_->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &session->impl_->size);
  // Every worker says it is idle when it starts: until then rank 0 awaits a message from it.
  session->impl_->workers.assign(static_cast<std::size_t>(session->impl_->size), Impl::Worker::awaited);
  return session;
}

MpiSession::~MpiSession()
{
  try {
    if (impl_->rank == 0) stop_workers();
  } catch (...) {
  }
  MPI_Finalize();
}

int MpiSession::rank() const { return impl_->rank; }
int MpiSession::size() const { return impl_->size; }

std::string MpiSession::host() const
{
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  MPI_Get_processor_name(name, &length);
  return std::string(name, static_cast<std::size_t>(length));
}

std::size_t MpiSession::serve(const RunDispatcher::Execute& execute)
{
  if (impl_->rank == 0) throw std::logic_error("MpiSession::serve is for ranks other than 0");
  std::size_t served = 0;
  send_text("", 0, kTagRequest);
  while (true) {
    MPI_Status status;
    wait_for_message(0, status);
    const std::string message = receive(status);
    if (status.MPI_TAG == kTagStop) break;
    if (status.MPI_TAG != kTagTask) continue;
    RunTask task;
    RunOutcome outcome;
    try {
      task = decode_task(message);
      outcome = execute_safely(execute, task);
    } catch (const std::exception& e) {
      outcome = RunOutcome{task.point, task.replication, false, std::string("bad task message: ") + e.what(), {}};
    }
    send_text(encode_outcome(outcome), 0, kTagResult);
    ++served;
  }
  return served;
}

void MpiSession::stop_workers()
{
  if (impl_->rank != 0) return;
  auto& workers = impl_->workers;
  auto stop = [&](int w) {
    send_text("", w, kTagStop);
    workers[static_cast<std::size_t>(w)] = Impl::Worker::stopped;
  };
  std::size_t waiting = 0;
  for (int w = 1; w < impl_->size; ++w) {
    if (workers[static_cast<std::size_t>(w)] == Impl::Worker::idle) stop(w);
    if (workers[static_cast<std::size_t>(w)] != Impl::Worker::stopped) ++waiting;
  }
  // The others owe a message (their first request, or the result of a task no longer wanted).
  while (waiting > 0) {
    MPI_Status status;
    wait_for_message(MPI_ANY_SOURCE, status);
    (void)receive(status);
    if (workers[static_cast<std::size_t>(status.MPI_SOURCE)] != Impl::Worker::stopped) {
      stop(status.MPI_SOURCE);
      --waiting;
    }
  }
}

MpiDispatcher::MpiDispatcher(MpiSession& session, int local_jobs)
    : session_(session), local_jobs_(std::max(0, local_jobs))
{
  if (session.impl_->thread_support < MPI_THREAD_FUNNELED) local_jobs_ = 0;  // no threads beside MPI
  if (session.size() == 1) local_jobs_ = std::max(1, local_jobs_);          // someone has to run them
}

int MpiDispatcher::workers() const { return session_.size() - 1 + local_jobs_; }

void MpiDispatcher::dispatch(const std::vector<RunTask>& tasks, const Execute& execute, const Deliver& deliver)
{
  if (session_.rank() != 0) throw std::logic_error("MpiDispatcher::dispatch runs on rank 0");
  using Worker = MpiSession::Impl::Worker;
  auto& workers = session_.impl_->workers;
  const std::size_t n = tasks.size();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};

  std::mutex mutex;
  std::condition_variable ready_changed;
  std::deque<RunOutcome> ready;  // outcomes of local threads
  std::size_t local_running = 0;

  bool delivering = true;
  std::exception_ptr failure;
  auto deliver_one = [&](RunOutcome&& outcome) { deliver_or_stop(deliver, std::move(outcome), delivering, stop, failure); };

  std::size_t remote_running = 0;
  auto hand_out = [&](int w) {
    if (stop.load()) return;
    const std::size_t i = next.fetch_add(1);
    if (i >= n) return;
    send_text(encode_task(tasks[i]), w, kTagTask);
    workers[static_cast<std::size_t>(w)] = Worker::busy;
    ++remote_running;
  };

  auto local_work = [&]() {
    while (!stop.load()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) break;
      RunOutcome outcome = execute_safely(execute, tasks[i]);
      {
        const std::lock_guard lock(mutex);
        ready.push_back(std::move(outcome));
      }
      ready_changed.notify_one();
    }
    {
      const std::lock_guard lock(mutex);
      --local_running;
    }
    ready_changed.notify_one();
  };

  {
    std::vector<std::jthread> threads;
    if (n > 0) {
      // Workers left idle by an earlier dispatch get their first task now.
      for (int w = 1; w < session_.size(); ++w)
        if (workers[static_cast<std::size_t>(w)] == Worker::idle) hand_out(w);
      const std::size_t local = std::min(n, static_cast<std::size_t>(local_jobs_));
      local_running = local;
      try {
        for (std::size_t t = 0; t < local; ++t) threads.emplace_back(local_work);
      } catch (...) {
        stop = true;
        failure = std::current_exception();
        const std::lock_guard lock(mutex);
        local_running -= local - threads.size();
      }
    }

    auto pause = kFirstPause;
    while (n > 0) {
      bool progressed = false;
      // Outcomes of this rank's threads.
      while (true) {
        std::unique_lock lock(mutex);
        if (ready.empty()) break;
        RunOutcome outcome = std::move(ready.front());
        ready.pop_front();
        lock.unlock();
        deliver_one(std::move(outcome));
        progressed = true;
      }
      // Messages from workers: each is a request or a result, and either way the worker is idle.
      MPI_Status status;
      while (probe(MPI_ANY_SOURCE, status)) {
        const std::string message = receive(status);
        const int w = status.MPI_SOURCE;
        Worker& state = workers[static_cast<std::size_t>(w)];
        if (status.MPI_TAG == kTagResult && state == Worker::busy) {
          --remote_running;
          RunOutcome outcome;
          try {
            outcome = decode_outcome(message);
          } catch (const std::exception& e) {
            if (!failure) failure = std::make_exception_ptr(std::runtime_error(
                std::string("bad result message from rank ") + std::to_string(w) + ": " + e.what()));
            delivering = false;
            stop = true;
          }
          if (delivering) deliver_one(std::move(outcome));
        }
        if (state != Worker::stopped) {
          state = Worker::idle;
          hand_out(w);
        }
        progressed = true;
      }
      bool local_done;
      {
        const std::lock_guard lock(mutex);
        local_done = local_running == 0 && ready.empty();
      }
      const bool none_left = stop.load() || next.load() >= n;
      if (none_left && remote_running == 0 && local_done) break;
      if (progressed) {
        pause = kFirstPause;
      } else {
        std::unique_lock lock(mutex);  // a local outcome wakes this at once
        ready_changed.wait_for(lock, pause, [&] { return !ready.empty(); });
        pause = longer(pause);
      }
    }
    stop = true;
  }  // joins the local threads
  if (failure) std::rethrow_exception(failure);
}

#else  // built without MPI: no session can exist

struct MpiSession::Impl {};

MpiSession::MpiSession() : impl_(std::make_unique<Impl>()) {}
MpiSession::~MpiSession() = default;
bool MpiSession::compiled_in() { return false; }
std::unique_ptr<MpiSession> MpiSession::open_if_launched() { return nullptr; }
int MpiSession::rank() const { return 0; }
int MpiSession::size() const { return 1; }
std::string MpiSession::host() const { return {}; }
std::size_t MpiSession::serve(const RunDispatcher::Execute&) { throw std::logic_error("lbsim was built without MPI"); }
void MpiSession::stop_workers() {}

MpiDispatcher::MpiDispatcher(MpiSession& session, int local_jobs) : session_(session), local_jobs_(local_jobs) {}
int MpiDispatcher::workers() const { return local_jobs_; }
void MpiDispatcher::dispatch(const std::vector<RunTask>& tasks, const Execute& execute, const Deliver& deliver)
{
  ThreadDispatcher(local_jobs_).dispatch(tasks, execute, deliver);
}

#endif

}  // namespace lbsim::scenarios
