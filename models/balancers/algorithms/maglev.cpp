#include "models/balancers/algorithms/maglev.hpp"

#include "models/balancers/hashing/request_key.hpp"
#include "models/balancers/hashing/xxhash64.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace lbsim::models {

namespace {

std::string member_identity(const std::vector<std::string>& names, std::size_t i)
{
  return i < names.size() ? names[i] : "server" + std::to_string(i + 1);
}

struct BuildEntry {
  uint32_t index;  // into the keys given to build_table
  uint64_t offset;
  uint64_t skip;
  double weight;
  double target = 0;
  uint64_t next = 0;
};

}  // namespace

MaglevBalancer::MaglevBalancer(RequestKeySource source, std::vector<std::string> names, uint64_t table_size)
    : key_(source), names_(std::move(names)), table_size_(table_size)
{
  if (table_size > kMaxTableSize || !is_prime(table_size))
    throw std::invalid_argument("maglev: table_size must be a prime number no larger than 5000011, not " +
                                std::to_string(table_size));
}

std::vector<uint32_t> MaglevBalancer::build_table(std::span<const std::string> keys, std::span<const int64_t> weights,
                                                  uint64_t table_size)
{
  std::vector<uint32_t> table;
  if (keys.empty()) return table;

  // normalizeHostWeights(): weight * 1.0 / sum, and the largest of them.
  uint64_t sum = 0;
  for (const int64_t w : weights) sum += static_cast<uint64_t>(w);
  std::vector<uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  std::vector<BuildEntry> entries;
  entries.reserve(keys.size());
  double max_weight = 0;
  for (const uint32_t i : order) {
    const double w = static_cast<double>(weights[i]) * 1.0 / static_cast<double>(sum);
    max_weight = std::max(max_weight, w);
    entries.push_back(BuildEntry{i, xxhash64(keys[i], 0) % table_size, xxhash64(keys[i], 1) % (table_size - 1) + 1, w});
  }

  table.assign(table_size, kEmpty);
  uint64_t filled = 0;
  for (uint64_t iteration = 1; filled < table_size; ++iteration) {
    for (std::size_t e = 0; e < entries.size() && filled < table_size; ++e) {
      BuildEntry& entry = entries[e];
      if (static_cast<double>(iteration) * entry.weight < entry.target) continue;
      entry.target += max_weight;
      uint64_t c = (entry.offset + entry.skip * entry.next) % table_size;
      while (table[c] != kEmpty) {
        ++entry.next;
        c = (entry.offset + entry.skip * entry.next) % table_size;
      }
      table[c] = entry.index;
      ++entry.next;
      ++filled;
    }
  }
  return table;
}

void MaglevBalancer::rebuild(std::span<const PoolMember> pool)
{
  std::vector<uint32_t> members;
  std::vector<std::string> keys;
  std::vector<int64_t> weights;
  for (uint32_t i = 0; i < pool.size(); ++i) {
    if (!pool[i].eligible) continue;
    members.push_back(i);
    keys.push_back(member_identity(names_, i));
    weights.push_back(effective_weight(pool[i]));
  }
  table_ = build_table(keys, weights, table_size_);
  for (uint32_t& slot : table_) slot = members[slot];
}

void MaglevBalancer::on_pool_changed(std::span<const PoolMember> pool) { watch_.notify(pool); }

void MaglevBalancer::on_server_names(std::span<const std::string> names)
{
  names_.assign(names.begin(), names.end());
  watch_.invalidate();
}

ServerChoice MaglevBalancer::pick(std::span<const PoolMember> pool, PickContext& context)
{
  if (watch_.needs_rebuild(pool)) rebuild(pool);
  if (table_.empty()) return std::nullopt;
  const uint32_t chosen = table_[xxhash64(key_.text(context), 0) % table_size_];
  if (!pool[chosen].eligible)
    throw std::logic_error("maglev: server " + std::to_string(chosen) + " became ineligible without on_pool_changed()");
  return chosen;
}

AlgorithmDeclaration maglev_declaration()
{
  return {"maglev",
          "looks the request key's hash up in Maglev's permutation table: even spread, little movement.",
          {{"hash_key", AlgorithmOption::Type::choice, &BalancerOptions::hash_key,
       "what is hashed: client (the address, default) or path", {"client", "path"}},
      {"table_size", AlgorithmOption::Type::prime, &BalancerOptions::table_size,
       "the lookup table size M, a prime (Envoy's default 65537)", {}, 2, 5000011}},
          AnalyticRouting::by_hash,
          [](const BalancerOptions& o) { return std::make_unique<MaglevBalancer>(parse_request_key_source(o.hash_key), o.server_names, o.table_size); }};
}

}  // namespace lbsim::models
