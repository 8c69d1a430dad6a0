#include "models/gateway/access_log.hpp"

#include "models/gateway/gateway_stage.hpp"

namespace lbsim::models {

std::string response_flags_text(uint32_t flags)
{
  static constexpr struct {
    uint32_t flag;
    const char* text;
  } kFlags[] = {{GatewayVisit::kNoRoute, "NR"},         {GatewayVisit::kRateLimited, "RL"},
                {GatewayVisit::kAuthDenied, "UAEX"},    {GatewayVisit::kOverflow, "UO"},
                {GatewayVisit::kUpstreamTimeout, "UT"}, {GatewayVisit::kNoHealthy, "UH"},
                {GatewayVisit::kRetryLimit, "URX"},     {GatewayVisit::kUpstreamReset, "UR"}};
  std::string out;
  for (const auto& f : kFlags)
    if (flags & f.flag) {
      if (!out.empty()) out += ',';
      out += f.text;
    }
  return out.empty() ? "-" : out;
}

}  // namespace lbsim::models
