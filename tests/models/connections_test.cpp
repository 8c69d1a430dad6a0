// Layer-4 connections (models/balancers/connections.hpp): k requests per connection, then a new pick; a
// connection to a server that is no longer eligible is dropped and re-established.
#include "models/balancers/connections.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace lbsim::models;

TEST_CASE("a connection carries k requests, then the client opens a new one", "[connections]")
{
  std::vector<PoolMember> pool(3);
  ConnectionTable table(3);
  const uint32_t client = 0x0A000001;
  CHECK_FALSE(table.has_open(client));
  CHECK_FALSE(table.reuse(client, pool));
  table.open(client, 2);  // request 1
  CHECK(table.has_open(client));
  CHECK(table.reuse(client, pool) == 2u);  // request 2
  CHECK(table.reuse(client, pool) == 2u);  // request 3: the last
  CHECK_FALSE(table.has_open(client));
  CHECK_FALSE(table.reuse(client, pool));  // request 4 needs a pick
  CHECK(table.opened() == 1);
  CHECK(table.reused() == 2);
  // Clients are independent.
  table.open(client, 0);
  table.open(client + 1, 1);
  CHECK(table.reuse(client, pool) == 0u);
  CHECK(table.reuse(client + 1, pool) == 1u);
}

TEST_CASE("one request per connection is layer 7: every request is picked", "[connections]")
{
  std::vector<PoolMember> pool(2);
  ConnectionTable table(1);
  table.open(7, 1);
  CHECK_FALSE(table.has_open(7));
  CHECK_FALSE(table.reuse(7, pool));
}

TEST_CASE("a connection to a server that is no longer eligible is re-established", "[connections]")
{
  std::vector<PoolMember> pool(2);
  ConnectionTable table(100);
  table.open(7, 1);
  pool[1].eligible = false;
  CHECK_FALSE(table.reuse(7, pool));  // dropped: the request opens a new connection
  CHECK_FALSE(table.has_open(7));
  pool[1].eligible = true;
  CHECK_FALSE(table.reuse(7, pool));  // it stays dropped
}
