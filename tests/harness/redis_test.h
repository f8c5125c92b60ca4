#pragma once

#include <memory>
#include <utility>

#include "gtest/gtest.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/redis_server.h"

namespace stadt::testing {

// A fresh redis-server per test and a client of it. A derived fixture that
// builds on them calls RedisTest::SetUp() first in its own SetUp():
//
//   void SetUp() override {
//     RedisTest::SetUp();
//     if (HasFatalFailure()) return;
//     repository_ = std::make_unique<RedisFooRepository>(redis());
//   }
//
// Its own members that borrow redis() are destroyed before the client.
//
// With STADT_TEST_REDIS_MODE=cluster in the environment the same tests run
// against a Redis Cluster instead (three primaries, started once per test
// process and emptied before each test; `stadt_add_cluster_test` in
// cmake/StadtCompileOptions.cmake registers such a run). The client then
// refuses every command and script whose keys span hash slots, and the nodes
// refuse a script that touches an undeclared key of another slot: a store
// test that passes in this mode proves its keys follow the hash-tag rule
// (docs/redis-cluster.md). redis_server() has no meaning there (a test that
// kills the server is excluded from the cluster run).
class RedisTest : public ::testing::Test {
 protected:
  // A client with `pool_size` connections and otherwise the default options.
  explicit RedisTest(int pool_size = redis::Options().pool_size);
  // A client with `options`; SetUp() sets their port to the server's.
  explicit RedisTest(redis::Options options) : options_(std::move(options)) {}

  // Starts the server (a fatal failure if it does not start) and creates the
  // client, which connects on its first call.
  void SetUp() override;

  redis::Client& redis() { return *redis_; }
  RedisServer& redis_server();
  // Whether this run is against a Redis Cluster (STADT_TEST_REDIS_MODE).
  static bool ClusterMode();

 private:
  redis::Options options_;
  std::unique_ptr<RedisServer> redis_server_;
  std::unique_ptr<redis::Client> redis_;
};

}  // namespace stadt::testing
