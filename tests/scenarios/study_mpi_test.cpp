// Distributed studies, the parts that run without mpirun: the wire format of tasks and outcomes,
// when lbsim decides it was started by an MPI launcher, and that a plain process never starts MPI.
// The distributed run itself (mpirun -np 3 against one process, byte for byte) is the CTest
// study_mpi_np3_matches_single_process (tests/mpi/study_mpi_test.cmake).
#include "scenarios/studies/study_mpi.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

using namespace lbsim::scenarios;

namespace {

// Sets (or unsets) an environment variable for the life of the object.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const char* value) : name_(name)
  {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv()
  {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("tasks and outcomes cross the wire unchanged", "[study][mpi]")
{
  RunTask task;
  task.point = 12;
  task.replication = 3;
  task.seed = 0x7fffffffffffffffULL;
  task.overrides = {"balancer.algorithm=least_connections", "clients[0].mix[0].work={distribution: exponential, mean: 5 ms}",
                    "name=\"quoted, with comma\"", "seed=9223372036854775807"};
  const RunTask t = decode_task(encode_task(task));
  CHECK(t.point == 12);
  CHECK(t.replication == 3);
  CHECK(t.seed == task.seed);
  CHECK(t.overrides == task.overrides);

  RunOutcome outcome;
  outcome.point = 4;
  outcome.replication = 1;
  outcome.ok = true;
  outcome.summary_json = "{\n  \"latency_s\": {\"p99\": 0.1234567890123456789},\n  \"fingerprint\": \"00ff\\u00e9\"\n}";
  const RunOutcome o = decode_outcome(encode_outcome(outcome));
  CHECK(o.point == 4);
  CHECK(o.replication == 1);
  CHECK(o.ok);
  CHECK(o.error.empty());
  CHECK(o.summary_json == outcome.summary_json);  // byte for byte: the store parses this text

  RunOutcome failed{7, 0, false, "servers[web].count: 0 is not allowed", {}};
  const RunOutcome f = decode_outcome(encode_outcome(failed));
  CHECK_FALSE(f.ok);
  CHECK(f.error == failed.error);
  CHECK(f.summary_json.empty());
}

TEST_CASE("MPI starts only when a launcher started lbsim", "[study][mpi]")
{
  const ScopedEnv forced("LBSIM_MPI", nullptr);
  const ScopedEnv ompi("OMPI_COMM_WORLD_SIZE", nullptr);
  const ScopedEnv pmix("PMIX_RANK", nullptr);
  const ScopedEnv pmi_rank("PMI_RANK", nullptr);
  const ScopedEnv pmi_size("PMI_SIZE", nullptr);
  CHECK_FALSE(MpiSession::launched());
  CHECK(MpiSession::open_if_launched() == nullptr);  // a plain process: MPI is never initialised
  {
    const ScopedEnv set("OMPI_COMM_WORLD_SIZE", "3");
    CHECK(MpiSession::launched());
    const ScopedEnv off("LBSIM_MPI", "0");
    CHECK_FALSE(MpiSession::launched());
  }
  {
    const ScopedEnv set("PMIX_RANK", "0");
    CHECK(MpiSession::launched());
  }
  {
    const ScopedEnv set("PMI_SIZE", "4");
    CHECK(MpiSession::launched());
  }
  {
    const ScopedEnv on("LBSIM_MPI", "1");
    CHECK(MpiSession::launched());
  }
}
