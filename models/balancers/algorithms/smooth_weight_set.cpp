#include "models/balancers/algorithms/smooth_weight_set.hpp"

#include <algorithm>

namespace lbsim::models {

namespace {
// Weights are at most 1,000,000 (the loader's limit): folding the turns into the bases every 2^30
// turns keeps w * turns far from int64's limit.
constexpr int64_t kRebaseAfter = int64_t{1} << 30;
// Each heap is 4-ary: half the levels of a binary heap, and the four children of a node side by side.
constexpr std::size_t kArity = 4;
std::size_t parent_of(std::size_t position) { return (position - 1) / kArity; }
std::size_t first_child_of(std::size_t position) { return kArity * position + 1; }
}  // namespace

void SmoothWeightSet::insert(uint32_t server, int64_t weight, int64_t current, std::span<Place> places)
{
  uint32_t k = 0;
  while (k < classes_.size() && classes_[k].weight != weight) ++k;
  if (k == classes_.size()) classes_.push_back(WeightClass{weight, {}});
  WeightClass& c = classes_[k];
  settle(c, k, places);
  c.heap.push_back(Entry{current - weight * turns_, server});
  places[server] = Place{k, static_cast<uint32_t>(c.heap.size() - 1)};
  sift_up(c, k, c.heap.size() - 1, places);
  ++size_;
  total_ += weight;
}

int64_t SmoothWeightSet::erase(uint32_t server, std::span<Place> places)
{
  settle(classes_[places[server].weight_class], places[server].weight_class, places);
  const Place place = places[server];
  WeightClass& c = classes_[place.weight_class];
  const int64_t current = c.heap[place.position].base + c.weight * turns_;
  const Entry last = c.heap.back();
  c.heap.pop_back();
  if (place.position < c.heap.size()) {
    c.heap[place.position] = last;
    places[last.server].position = place.position;
    if (place.position > 0 && before(last, c.heap[parent_of(place.position)]))
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
    const Entry& head = c.heap[c.head];
    const int64_t grown = head.base + c.weight * (turns_ + 1);
    if (winner == UINT32_MAX || grown > largest || (grown == largest && head.server < winner)) {
      winner_class = k;
      largest = grown;
      winner = head.server;
    }
  }
  ++turns_;
  WeightClass& c = classes_[winner_class];
  if (c.rotating) {
    // The winner moves from the front to behind the last of its weight if that is where it falls:
    // the circle turns by one slot, and nobody's slot changes.
    Entry& head = c.heap[c.head];
    const Entry& last = c.heap[(c.head + c.heap.size() - 1) % c.heap.size()];
    const Entry moved{head.base - total_, head.server};
    if (c.heap.size() == 1 || before(last, moved)) {
      head = moved;
      c.head = (c.head + 1) % c.heap.size();
      return winner;
    }
    settle(c, winner_class, places);
  }
  c.heap[0].base -= total_;
  sink_from_root(c, winner_class, places);
  return winner;
}

void SmoothWeightSet::arrange_in_turn_order(std::span<Place> places)
{
  for (uint32_t k = 0; k < classes_.size(); ++k) {
    WeightClass& c = classes_[k];
    std::sort(c.heap.begin(), c.heap.end(), before);
    c.head = 0;
    c.rotating = true;
    for (uint32_t i = 0; i < c.heap.size(); ++i) places[c.heap[i].server] = Place{k, i};
  }
}

// A sorted array is a heap already: only the circle's start must come back to slot 0.
void SmoothWeightSet::settle(WeightClass& c, uint32_t weight_class, std::span<Place> places)
{
  if (!c.rotating) return;
  c.rotating = false;
  if (c.head == 0) return;
  std::rotate(c.heap.begin(), c.heap.begin() + static_cast<std::ptrdiff_t>(c.head), c.heap.end());
  c.head = 0;
  for (uint32_t i = 0; i < c.heap.size(); ++i) places[c.heap[i].server] = Place{weight_class, i};
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
    const std::size_t parent = parent_of(position);
    if (!before(moving, c.heap[parent])) break;
    c.heap[position] = c.heap[parent];
    places[c.heap[position].server] = Place{weight_class, static_cast<uint32_t>(position)};
    position = parent;
  }
  c.heap[position] = moving;
  places[moving.server] = Place{weight_class, static_cast<uint32_t>(position)};
}

std::size_t SmoothWeightSet::best_child(const WeightClass& c, std::size_t first)
{
  const std::size_t end = std::min(first + kArity, c.heap.size());
  std::size_t best = first;
  for (std::size_t child = first + 1; child < end; ++child)
    if (before(c.heap[child], c.heap[best])) best = child;
  return best;
}

void SmoothWeightSet::sift_down(WeightClass& c, uint32_t weight_class, std::size_t position, std::span<Place> places)
{
  const Entry moving = c.heap[position];
  for (;;) {
    const std::size_t first = first_child_of(position);
    if (first >= c.heap.size()) break;
    const std::size_t child = best_child(c, first);
    if (!before(c.heap[child], moving)) break;
    c.heap[position] = c.heap[child];
    places[c.heap[position].server] = Place{weight_class, static_cast<uint32_t>(position)};
    position = child;
  }
  c.heap[position] = moving;
  places[moving.server] = Place{weight_class, static_cast<uint32_t>(position)};
}

// The winner of a turn has just given back the total, which usually makes it the last of its
// class: rather than compare it at every level on the way down, move the best child up all the
// way to a leaf and let the winner rise from there (Floyd's trick; usually it rises not at all).
void SmoothWeightSet::sink_from_root(WeightClass& c, uint32_t weight_class, std::span<Place> places)
{
  const Entry moving = c.heap[0];
  std::size_t position = 0;
  for (;;) {
    const std::size_t first = first_child_of(position);
    if (first >= c.heap.size()) break;
    const std::size_t child = best_child(c, first);
    c.heap[position] = c.heap[child];
    places[c.heap[position].server] = Place{weight_class, static_cast<uint32_t>(position)};
    position = child;
  }
  c.heap[position] = moving;
  sift_up(c, weight_class, position, places);
}

void SmoothWeightSet::rebase()
{
  for (WeightClass& c : classes_)
    for (Entry& e : c.heap) e.base += c.weight * turns_;
  turns_ = 0;
}

}  // namespace lbsim::models
