// Studies across processes and machines with MPI: `mpirun -np N lbsim study FILE --out DIR` (and
// `lbsim plan`, whose rounds of runs go through the same dispatcher).
//
// Rank 0 is the coordinator: it owns DIR/study.db (every finished run committed as it arrives,
// so a killed study resumes exactly as a local one does), hands out RunTasks one at a time to
// whichever rank asks (dynamic assignment: a slow run never holds up the others) and writes the
// files. Ranks 1..N-1 are workers: each loads the same study file, runs one task at a time with
// execute_run() and sends back the RunOutcome (the run's summary.json text, or its error). Rank 0
// only coordinates unless given local threads (`--jobs` under mpirun); with -np 1 it runs every
// run on local threads, exactly like `lbsim study` without mpirun.
//
// The MPI library (OpenMPI, MPICH: the C bindings) stays inside study_mpi.cpp, which is compiled
// against it only when CMake finds MPI (LBSIM_WITH_MPI). Without MPI, or when lbsim was not
// started by mpirun/srun, open_if_launched() returns nothing and MPI is never initialised.
#pragma once

#include "scenarios/studies/study_runner.hpp"

#include <memory>
#include <string>

namespace lbsim::scenarios {

class MpiSession {
public:
  // True when this lbsim was built with MPI.
  static bool compiled_in();
  // True when the environment says an MPI launcher started this process: OMPI_COMM_WORLD_SIZE
  // (OpenMPI's mpirun), PMIX_RANK (PMIx: OpenMPI, srun --mpi=pmix), PMI_RANK or PMI_SIZE (MPICH,
  // srun --mpi=pmi2). LBSIM_MPI=0 says no and LBSIM_MPI=1 says yes whatever the rest says.
  static bool launched();
  // Initialises MPI (MPI_THREAD_FUNNELED: only the main thread calls MPI) when compiled_in() and
  // launched(); otherwise returns nullptr. Throws std::runtime_error when MPI_Init fails.
  static std::unique_ptr<MpiSession> open_if_launched();

  // Finalises MPI. On rank 0, first tells every worker to stop (after its current task).
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const;
  int size() const;
  std::string host() const;  // MPI_Get_processor_name

  // Workers (rank > 0): asks rank 0 for tasks, runs each with `execute`, sends back the outcome,
  // until rank 0 says stop. Returns the number of tasks run.
  std::size_t serve(const RunDispatcher::Execute& execute);

  // Rank 0: tells every worker to stop once it is idle (done by the destructor too).
  void stop_workers();

  struct Impl;

private:
  MpiSession();
  std::unique_ptr<Impl> impl_;
  friend class MpiDispatcher;
};

// Rank 0's dispatcher: remote workers (ranks 1..N-1, one task at a time each) plus `local_jobs`
// threads of rank 0 itself, all taking the next task as they become free. May be used for several
// dispatch() calls; workers stay alive in between.
class MpiDispatcher final : public RunDispatcher {
public:
  MpiDispatcher(MpiSession& session, int local_jobs);
  int workers() const;  // remote workers plus local threads
  void dispatch(const std::vector<RunTask>& tasks, const Execute& execute, const Deliver& deliver) override;

private:
  MpiSession& session_;
  int local_jobs_;
};

// The wire format of tasks and outcomes (JSON text); public so that tests can check the round trip.
std::string encode_task(const RunTask& task);
RunTask decode_task(const std::string& text);
std::string encode_outcome(const RunOutcome& outcome);
RunOutcome decode_outcome(const std::string& text);

}  // namespace lbsim::scenarios
