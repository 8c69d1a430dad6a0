#include "models/requests/path_match.hpp"

#include "models/system_config.hpp"

namespace lbsim::models {

namespace {
// The next segment of `path` from `pos` (after a '/'), and where the one after it starts.
std::string_view segment(std::string_view path, size_t& pos)
{
  const size_t end = path.find('/', pos);
  const std::string_view s = path.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  pos = end == std::string_view::npos ? path.size() + 1 : end + 1;
  return s;
}

bool matches_pattern(std::string_view pattern, std::string_view path)
{
  size_t p = 0, q = 0;
  while (p <= pattern.size() && q <= path.size()) {
    const std::string_view want = segment(pattern, p);
    const std::string_view got = segment(path, q);
    const bool placeholder = want.size() >= 2 && want.front() == '{' && want.back() == '}';
    if (placeholder ? got.empty() : want != got) return false;
  }
  return p > pattern.size() && q > path.size();
}
}  // namespace

bool path_matches(PathMatch how, std::string_view want, std::string_view path)
{
  switch (how) {
    case PathMatch::exact: return path == want;
    case PathMatch::pattern: return matches_pattern(want, path);
    case PathMatch::prefix: return path.substr(0, want.size()) == want;
  }
  return false;
}

// Which endpoint answers a request (docs/services.md, "Endpoints"): the method (any when the
// endpoint names none) and the path.
bool EndpointConfig::matches(const std::string& request_method, const std::string& request_path) const
{
  if (!method.empty() && method != request_method) return false;
  return path_matches(match, path, request_path);
}

}  // namespace lbsim::models
