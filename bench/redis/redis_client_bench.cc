// The Redis client's routing overhead: the same load against one redis-server
// and against a three-primary Redis Cluster, both started here on this
// machine (all nodes share its cores, so this shows the cost of routing by
// slot, not the gain of more nodes).
//
//   stadt-redis-client-bench [operations per thread=20000] [threads=4]
//
// Each operation is what a booking step looks like to Redis: one script on
// two keys under one office tag (as EVALSHA), then one GET.
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/redis_cluster.h"
#include "tests/harness/redis_server.h"

namespace stadt::redis {
namespace {

const Script& HoldScript() {
  static const Script script(
      "redis.call('HINCRBY', KEYS[1], ARGV[1], 1) "
      "return redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])");
  return script;
}

// Operations per second over `threads` threads; failed operations counted.
double Run(const Options& options, int operations, int threads, int* failures) {
  std::unique_ptr<Client> client = Client::Create(options);
  std::atomic<int> failed = 0;
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&client, &failed, operations, t] {
      for (int i = 0; i < operations; ++i) {
        const std::string tag = absl::StrCat("{office:", (i * 7 + t) % 60, "}");
        const std::string slot = absl::StrCat(i % 40);
        absl::Status status =
            client->Eval(HoldScript(), {tag + "booked", tag + "holds"}, {slot, "1"}).status();
        if (status.ok()) status = client->Command({"GET", tag + "name"}).status();
        if (!status.ok() && failed++ == 0) {
          std::fprintf(stderr, "first failure: %s\n", status.ToString().c_str());
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  *failures = failed;
  return operations * threads / absl::ToDoubleSeconds(absl::Now() - start);
}

int Main(int argc, char** argv) {
  int operations = 20000;
  int threads = 4;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &operations)) return 2;
  if (argc > 2 && !absl::SimpleAtoi(argv[2], &threads)) return 2;

  absl::StatusOr<std::unique_ptr<testing::RedisServer>> single = testing::RedisServer::Start();
  absl::StatusOr<std::unique_ptr<testing::RedisCluster>> cluster = testing::RedisCluster::Start();
  if (!single.ok() || !cluster.ok()) {
    std::fprintf(stderr, "cannot start Redis: %s %s\n", single.status().ToString().c_str(),
                 cluster.status().ToString().c_str());
    return 1;
  }
  Options single_options;
  single_options.port = (*single)->port();
  Options cluster_options = (*cluster)->ClientOptions();
  single_options.pool_size = cluster_options.pool_size = threads;

  int single_failures = 0;
  int cluster_failures = 0;
  const double single_rate = Run(single_options, operations, threads, &single_failures);
  const double cluster_rate = Run(cluster_options, operations, threads, &cluster_failures);
  std::printf("operations: %d threads x %d (script on 2 tagged keys + GET each), AOF always\n",
              threads, operations);
  std::printf("%-28s %12s %9s\n", "target", "ops/s", "failures");
  std::printf("%-28s %12.0f %9d\n", "single redis-server", single_rate, single_failures);
  std::printf("%-28s %12.0f %9d\n", "cluster, 3 primaries", cluster_rate, cluster_failures);
  std::printf("cluster / single: %.2f\n", cluster_rate / single_rate);
  return single_failures + cluster_failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace stadt::redis

int main(int argc, char** argv) { return stadt::redis::Main(argc, argv); }
