// The client retry budget (models/clients/retry_budget.hpp): Finagle's ratio over a 10 s window.
#include "models/clients/retry_budget.hpp"

#include <catch2/catch.hpp>

using lbsim::engine::milliseconds;
using lbsim::engine::seconds;
using lbsim::models::RetryBudget;

TEST_CASE("the retry budget allows ratio x the first attempts of the last 10 s, plus the minimum", "[retries][budget]")
{
  RetryBudget budget;
  for (int i = 0; i < 100; ++i) budget.on_first_attempt(milliseconds(10 * i));  // 100 in the first second
  int allowed = 0;
  while (budget.try_retry(seconds(2), 0.2, 0)) ++allowed;
  CHECK(allowed == 20);
  // With a minimum of 1 per second, 10 more in the window.
  while (budget.try_retry(seconds(3), 0.2, 1)) ++allowed;
  CHECK(allowed == 30);
}

TEST_CASE("the retry budget forgets what left the window, also in buckets no second has reused", "[retries][budget]")
{
  RetryBudget budget;
  for (int i = 0; i < 100; ++i) budget.on_first_attempt(seconds(0));
  // 15 s later those 100 first attempts are out of the window (their bucket, second 0, is not
  // reused until second 10, 20, ...: at 15 s nothing has overwritten it).
  CHECK_FALSE(budget.try_retry(seconds(15), 0.2, 0));
  budget.on_first_attempt(seconds(15));
  for (int i = 0; i < 4; ++i) budget.on_first_attempt(seconds(16));
  CHECK(budget.try_retry(seconds(16), 0.2, 0));        // 1 <= 0.2 x 5
  CHECK_FALSE(budget.try_retry(seconds(16), 0.2, 0));  // 2 > 1
}
