// "Did you mean" suggestions for misspelled names: units, keys, algorithm names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::scenarios {

// The candidate closest to `word` by Damerau-Levenshtein distance (optimal string alignment:
// insertions, deletions, substitutions and adjacent transpositions), ignoring ASCII case.
// Returned only if the distance is at most max(1, word.size() / 3); ties go to the earlier
// candidate, so the answer never depends on anything but the arguments. An empty word matches nothing.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// `; did you mean "X"?` for the closest match, or "" when nothing is close enough.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lbsim::scenarios
