// The checksum stored with each run of a study (runs.checksum in study.db): a hash of every field
// the database keeps for the run and of each of its metrics, so that a value changed behind
// lbsim's back (an edited fingerprint, a flipped bit SQLite's own checks pass) is caught when the
// study starts again, and the run is done again instead of reused.
#pragma once

#include "scenarios/studies/study_store.hpp"

#include <string>

namespace lbsim::scenarios {

// Over the run as stored: a failed run keeps no fingerprint, events, wall time or summary, and a
// metric that is not a finite number is stored as NULL; the checksum sees the same.
std::string run_checksum(const RunRecord& run);

}  // namespace lbsim::scenarios
