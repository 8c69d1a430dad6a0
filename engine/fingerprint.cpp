#include "engine/fingerprint.hpp"

#include <cstdio>

namespace lbsim::engine {

std::string FingerprintObserver::hex() const
{
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(state_));
  return buffer;
}

}  // namespace lbsim::engine
