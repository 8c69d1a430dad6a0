#include "models/balancers/algorithms/smooth_weight_set.hpp"

namespace lbsim::models {

namespace {
// Weights are at most 1,000,000 (the loader's limit): folding the turns into the bases every 2^30
// turns keeps w * turns far from int64's limit.
constexpr int64_t kRebaseAfter = int64_t{1} << 30;
}  // namespace

void SmoothWeightSet::insert(uint32_t server, int64_t weight, int64_t current, std::span<Place> places)
{
  uint32_t k = 0;
  while (k < classes_.size() && classes_[k].weight != weight) ++k;
  if (k == classes_.size()) classes_.push_back(WeightClass{weight, {}});
  WeightClass& c = classes_[k];
  c.heap.push_back(Entry{current - weight * turns_, server});
  places[server] = Place{k, static_cast<uint32_t>(c.heap.size() - 1)};
  sift_up(c, k, c.heap.size() - 1, places);
  ++size_;
  total_ += weight;
}

int64_t SmoothWeightSet::erase(uint32_t server, std::span<Place> places)
{
  const Place place = places[server];
  WeightClass& c = classes_[place.weight_class];
  const int64_t current = c.heap[place.position].base + c.weight * turns_;
  const Entry last = c.heap.back();
  c.heap.pop_back();
  if (place.position < c.heap.size()) {
    c.heap[place.position] = last;
    places[last.server].position = place.position;
    if (place.position > 0 && before(last, c.heap[(place.position - 1) / 2]))
      sift_up(c, place.weight_class, place.position, places);
    else
      sift_down(c, place.weight_class, place.position, places);
  }
  --size_;
  total_ -= c.weight;
  return current;
}

int64_t SmoothWeightSet::current_weight(uint32_t server, std::span<const Place> places) const
{
  const WeightClass& c = classes_[places[server].weight_class];
  return c.heap[places[server].position].base + c.weight * turns_;
}

uint32_t SmoothWeightSet::take_turn(std::span<Place> places)
{
  if (turns_ >= kRebaseAfter) rebase();
  // Every member's cw grows by its weight; the head of each weight class is that class's largest.
  uint32_t winner_class = 0;
  int64_t largest = 0;
  uint32_t winner = UINT32_MAX;
  for (uint32_t k = 0; k < classes_.size(); ++k) {
    const WeightClass& c = classes_[k];
    if (c.heap.empty()) continue;
    const int64_t grown = c.heap[0].base + c.weight * (turns_ + 1);
    if (winner == UINT32_MAX || grown > largest || (grown == largest && c.heap[0].server < winner)) {
      winner_class = k;
      largest = grown;
      winner = c.heap[0].server;
    }
  }
  ++turns_;
  WeightClass& c = classes_[winner_class];
  c.heap[0].base -= total_;
  sift_down(c, winner_class, 0, places);
  return winner;
}

void SmoothWeightSet::clear()
{
  classes_.clear();
  size_ = 0;
  total_ = 0;
  turns_ = 0;
}

void SmoothWeightSet::sift_up(WeightClass& c, uint32_t weight_class, std::size_t position, std::span<Place> places)
{
  const Entry moving = c.heap[position];
  while (position > 0) {
    const std::size_t parent = (position - 1) / 2;
    if (!before(moving, c.heap[parent])) break;
    c.heap[position] = c.heap[parent];
    places[c.heap[position].server] = Place{weight_class, static_cast<uint32_t>(position)};
    position = parent;
  }
  c.heap[position] = moving;
  places[moving.server] = Place{weight_class, static_cast<uint32_t>(position)};
}

void SmoothWeightSet::sift_down(WeightClass& c, uint32_t weight_class, std::size_t position, std::span<Place> places)
{
  const Entry moving = c.heap[position];
  const std::size_t size = c.heap.size();
  for (;;) {
    std::size_t child = 2 * position + 1;
    if (child >= size) break;
    if (child + 1 < size && before(c.heap[child + 1], c.heap[child])) ++child;
    if (!before(c.heap[child], moving)) break;
    c.heap[position] = c.heap[child];
    places[c.heap[position].server] = Place{weight_class, static_cast<uint32_t>(position)};
    position = child;
  }
  c.heap[position] = moving;
  places[moving.server] = Place{weight_class, static_cast<uint32_t>(position)};
}

void SmoothWeightSet::rebase()
{
  for (WeightClass& c : classes_)
    for (Entry& e : c.heap) e.base += c.weight * turns_;
  turns_ = 0;
}

}  // namespace lbsim::models
