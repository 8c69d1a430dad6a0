// How a path is matched (an endpoint's, a gateway route's): exactly, by a pattern whose {name}
// segments match any one non-empty segment, or by a prefix (a plain string prefix, as Envoy's).
// A request type's path may itself hold {id} segments (a drawn resource id): a pattern segment or
// a prefix matches them as it matches any id.
#pragma once

#include <string_view>

namespace lbsim::models {

enum class PathMatch { exact, pattern, prefix };

bool path_matches(PathMatch how, std::string_view want, std::string_view path);

}  // namespace lbsim::models
