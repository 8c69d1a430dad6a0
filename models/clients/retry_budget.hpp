// RetryBudget: Finagle's retry budget over a sliding window of 10 s (one bucket per second): a
// retry is allowed while the retries of the window stay within ratio x the first attempts of the
// window plus min_per_second x 10 s. Under an overload that makes most attempts fail, retries
// then add at most `ratio` to the load instead of multiplying it by max + 1.
#pragma once

#include "engine/sim_time.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace lbsim::models {

class RetryBudget {
public:
  static constexpr int kWindowSeconds = 10;

  void on_first_attempt(engine::SimTime now) { ++bucket(now).firsts; }
  // True (and the retry counted) when the budget has room for one more retry now.
  bool try_retry(engine::SimTime now, double ratio, double min_per_second)
  {
    Bucket& b = bucket(now);
    uint64_t firsts = 0, retries = 0;
    for (const Bucket& x : buckets_)
      if (x.second > b.second - kWindowSeconds) firsts += x.firsts, retries += x.retries;  // not a stale one
    if (static_cast<double>(retries + 1) > ratio * static_cast<double>(firsts) + min_per_second * kWindowSeconds)
      return false;
    ++b.retries;
    return true;
  }

private:
  struct Bucket {
    int64_t second = -1;
    uint64_t firsts = 0, retries = 0;
  };
  // The bucket of `now`'s second; one last used kWindowSeconds or more ago starts again from 0.
  // Buckets no second has reused since they left the window keep their counts: try_retry skips them.
  Bucket& bucket(engine::SimTime now)
  {
    const int64_t second = now.ns() / 1'000'000'000;
    Bucket& b = buckets_[static_cast<std::size_t>(second % kWindowSeconds)];
    if (b.second != second) b = Bucket{second, 0, 0};
    return b;
  }
  std::array<Bucket, kWindowSeconds> buckets_{};
};

}  // namespace lbsim::models
