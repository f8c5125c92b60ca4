#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/redis_server.h"

namespace stadt::testing {

// A throw-away Redis Cluster on loopback: `primaries` nodes sharing the 16384
// slots evenly, each with `replicas_per_primary` replicas, made with
// `redis-cli --cluster create`. A node that does not answer for 300 ms is
// failed over by its replica. Every process stops with the object.
class RedisCluster {
 public:
  struct Options {
    int primaries = 3;
    int replicas_per_primary = 0;
    // Every node's AOF fsync policy (RedisServer::Options::appendfsync).
    std::string appendfsync = "no";
  };

  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start(const Options& options);
  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start() { return Start(Options()); }

  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  int size() const { return static_cast<int>(nodes_.size()); }
  RedisServer& node(int index) { return *nodes_[index]; }
  // Cluster-mode client options with the first node as the only seed (the
  // client learns the others from it).
  redis::Options ClientOptions() const;
  // A single-mode client of one node, to look behind the cluster client's back.
  std::unique_ptr<redis::Client> ConnectTo(int index) const { return nodes_[index]->Connect(1); }

  // SIGKILL, as a crash would; the node counts as down from now on.
  void Kill(int index);
  // Starts a killed node again on its port and data directory, as an
  // orchestrator restarts a crashed pod. If its replica took over meanwhile,
  // the node rejoins as that one's replica (the cluster's newer epoch wins).
  absl::Status Restart(int index);

  // The node's cluster id (CLUSTER MYID).
  absl::StatusOr<std::string> NodeId(int index) const;
  // The index of the node that live node `asked` names as primary of `slot`.
  absl::StatusOr<int> PrimaryOf(int slot, int asked = 0) const;
  // The index of a live node that replicates node `primary` (ROLE), or
  // NOT_FOUND.
  absl::StatusOr<int> ReplicaOf(int primary) const;
  // Moves `slot` from its primary to node `target`, keys and all, the way
  // redis-cli --cluster reshard does, and tells every live node.
  absl::Status MoveSlot(int slot, int target);
  // Kills every node, as a crash of the whole cluster would, and starts them
  // again on their ports and data directories; returns once the cluster is
  // healthy again. Pausing every node (SIGSTOP, SIGCONT) leaves their
  // connections open but silent.
  void KillAll();
  absl::Status RestartAll();
  void PauseAll();
  void ResumeAll();
  // Polls until every live node says cluster_state:ok and names a live
  // primary for every slot.
  absl::Status WaitUntilHealthy(absl::Duration timeout = absl::Seconds(20));

 private:
  RedisCluster() = default;

  std::vector<std::unique_ptr<RedisServer>> nodes_;
  std::vector<bool> down_;
};

// A primary, one replica of it and one Sentinel watching them (quorum 1),
// which fails over once the primary is silent for 200 ms.
class RedisSentinelGroup {
 public:
  static constexpr char kMaster[] = "stadt";

  static absl::StatusOr<std::unique_ptr<RedisSentinelGroup>> Start();

  RedisServer& primary() { return *primary_; }
  RedisServer& replica() { return *replica_; }
  RedisServer& sentinel() { return *sentinel_; }
  // Sentinel-mode client options naming the Sentinel.
  redis::Options ClientOptions() const;

 private:
  RedisSentinelGroup() = default;

  std::unique_ptr<RedisServer> primary_;
  std::unique_ptr<RedisServer> replica_;
  std::unique_ptr<RedisServer> sentinel_;
};

}  // namespace stadt::testing
