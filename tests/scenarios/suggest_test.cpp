#include "scenarios/format/suggest.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

using lbsim::scenarios::closest_match;
using lbsim::scenarios::did_you_mean;

namespace {

const std::vector<std::string> kAlgorithms{
    "round_robin", "weighted_round_robin", "least_connections", "weighted_least_connections", "ip_hash",
    "least_response_time", "sticky_round_robin", "random", "power_of_two_choices", "consistent_hash", "maglev"};

}  // namespace

TEST_CASE("closest_match finds a misspelled name", "[scenarios][suggest]")
{
  CHECK(closest_match("round_robbin", kAlgorithms) == "round_robin");    // insertion
  CHECK(closest_match("round_robn", kAlgorithms) == "round_robin");      // deletion
  CHECK(closest_match("least_connectoins", kAlgorithms) == "least_connections");  // transposition
  CHECK(closest_match("magelv", kAlgorithms) == "maglev");               // transposition, short word
  CHECK(closest_match("ip_hush", kAlgorithms) == "ip_hash");             // substitution
  CHECK(closest_match("aglorithm", {"algorithm", "variant", "layer"}) == "algorithm");
}

TEST_CASE("closest_match counts a transposition as one edit (optimal string alignment)", "[scenarios][suggest]")
{
  // "ab" -> "ba" is one transposition; plain Levenshtein would need two edits, above the limit of 1.
  CHECK(closest_match("ab", {"ba"}) == "ba");
  // OSA edits no substring twice: "ca" -> "abc" costs 3, not the 2 of unrestricted Damerau-Levenshtein,
  // which is over this word's limit of 8 / 3 = 2.
  CHECK(closest_match("wxyzwxca", {"wxyzwxabc"}) == std::nullopt);
  CHECK(closest_match("wxyzwxca", {"wxyzwxac"}) == "wxyzwxac");
}

TEST_CASE("closest_match ignores case", "[scenarios][suggest]")
{
  CHECK(closest_match("Round_Robin", kAlgorithms) == "round_robin");
  CHECK(closest_match("MBPS", {"bps", "kbps", "Mbps"}) == "Mbps");  // exact but for case beats distance 1
  CHECK(closest_match("kib", {"KB", "KiB"}) == "KiB");
}

TEST_CASE("closest_match rejects words that are not close", "[scenarios][suggest]")
{
  CHECK(closest_match("xyz", kAlgorithms) == std::nullopt);
  CHECK(closest_match("fastest", kAlgorithms) == std::nullopt);
  CHECK(closest_match("", kAlgorithms) == std::nullopt);
  CHECK(closest_match("round_robin", {}) == std::nullopt);
}

TEST_CASE("closest_match allows max(1, size / 3) edits", "[scenarios][suggest]")
{
  CHECK(closest_match("x", {"y"}) == "y");              // 1 edit allowed for any word
  CHECK(closest_match("xy", {"ab"}) == std::nullopt);   // 2 edits, limit 1
  CHECK(closest_match("abcdef", {"abxyef"}) == "abxyef");  // 2 edits, limit 2
  CHECK(closest_match("abcdef", {"axyzef"}) == std::nullopt);  // 3 edits, limit 2
  CHECK(closest_match("abcdefghi", {"abcxyzghi"}) == "abcxyzghi");  // 3 edits, limit 3
}

TEST_CASE("closest_match breaks ties by candidate order", "[scenarios][suggest]")
{
  CHECK(closest_match("ss", {"ns", "s"}) == "ns");
  CHECK(closest_match("ss", {"s", "ns"}) == "s");
  CHECK(closest_match("cat", {"bat", "cut", "car"}) == "bat");
  // A closer candidate later in the list still wins.
  CHECK(closest_match("cart", {"bat", "card", "cart"}) == "cart");
}

TEST_CASE("did_you_mean formats the suggestion or nothing", "[scenarios][suggest]")
{
  CHECK(did_you_mean("round_robbin", kAlgorithms) == "; did you mean \"round_robin\"?");
  CHECK(did_you_mean("xyz", kAlgorithms).empty());
}

namespace {

// The textbook full-matrix optimal string alignment distance, case-folded: the reference the
// length-gap shortcut of closest_match must agree with.
std::size_t reference_osa(const std::string& a, const std::string& b)
{
  auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> reference_closest(const std::string& word, const std::vector<std::string>& candidates)
{
  if (word.empty()) return std::nullopt;
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates)
    if (const std::size_t d = reference_osa(word, c); d < best_distance) {
      best = c;
      best_distance = d;
    }
  return best;
}

}  // namespace

TEST_CASE("closest_match agrees with the full optimal string alignment on random words", "[scenarios][suggest]")
{
  // Words of 0-24 letters from a 3-letter alphabet (so near matches are common), lists of 1-6
  // candidates whose lengths differ by anything: every shortcut taken must leave the answer as is.
  std::mt19937 rng(18);
  auto word = [&](std::size_t most) {
    std::string w(std::uniform_int_distribution<std::size_t>(0, most)(rng), 'a');
    for (char& c : w) c = "aBc"[std::uniform_int_distribution<int>(0, 2)(rng)];
    return w;
  };
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string w = word(24);
    std::vector<std::string> candidates(std::uniform_int_distribution<std::size_t>(1, 6)(rng));
    for (std::string& c : candidates) c = word(24);
    INFO("word " << w);
    CHECK(closest_match(w, candidates) == reference_closest(w, candidates));
  }
}

TEST_CASE("closest_match on a very long word still finds a candidate of about its length", "[scenarios][suggest]")
{
  // The limit grows with the word (size / 3 edits), so a long word may match a long candidate.
  const std::string long_word = std::string(3000, 'a') + "b";
  CHECK(closest_match(long_word, {"ms", std::string(3000, 'a'), "s"}) == std::string(3000, 'a'));
  CHECK(closest_match(std::string(100'000, 'x') + "ms", {"ns", "us", "ms", "s", "min", "h", "d"}) == std::nullopt);
}
