#include "scenarios/format/suggest.hpp"

#include <catch2/catch.hpp>

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
