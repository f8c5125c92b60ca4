#include "tests/harness/redis_cluster.h"

#include <algorithm>
#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/redis/key_slot.h"
#include "tests/harness/process.h"

namespace stadt::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

// Fast enough for tests: a node silent for this long is failed over.
constexpr char kNodeTimeoutMs[] = "300";

absl::StatusOr<redis::Reply> Ask(const RedisServer& server, const std::vector<std::string>& args) {
  return server.Connect(1)->Command(args);
}

// Polls `ready` until it is OK or `timeout` passes; returns its last status.
absl::Status PollUntilOk(const std::function<absl::Status()>& ready, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status status = ready();
  while (!status.ok() && absl::Now() < deadline) {
    absl::SleepFor(kPollInterval);
    status = ready();
  }
  return status;
}

// A cluster node's bus port must be free as well; a bus port taken by a
// parallel test makes the node exit, and then another pair is tried.
absl::StatusOr<std::unique_ptr<RedisServer>> StartClusterNode(const std::string& appendfsync) {
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    RedisServer::Options options;
    options.appendfsync = appendfsync;
    options.extra_args = {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                          "--cluster-node-timeout", kNodeTimeoutMs, "--cluster-port",
                          std::to_string(PickFreePort()),
                          // A replica takes over however long it was cut off.
                          "--cluster-replica-validity-factor", "0",
                          // Replicas sync at once, not after the 5 s default.
                          "--repl-diskless-sync-delay", "0"};
    absl::StatusOr<std::unique_ptr<RedisServer>> node = RedisServer::Start(options);
    if (node.ok()) return node;
    last = node.status();
  }
  return last;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start(const Options& options) {
  std::unique_ptr<RedisCluster> cluster(new RedisCluster());
  const int total = options.primaries * (1 + options.replicas_per_primary);
  std::vector<std::string> create = {"--cluster", "create"};
  create.reserve(total + 5);
  cluster->nodes_.reserve(total);
  for (int i = 0; i < total; ++i) {
    absl::StatusOr<std::unique_ptr<RedisServer>> node = StartClusterNode(options.appendfsync);
    if (!node.ok()) return node.status();
    create.push_back(absl::StrCat("127.0.0.1:", (*node)->port()));
    cluster->nodes_.push_back(*std::move(node));
    cluster->down_.push_back(false);
  }
  create.insert(create.end(), {"--cluster-replicas", std::to_string(options.replicas_per_primary),
                               "--cluster-yes"});
  const std::string log = cluster->nodes_[0]->dir() + "/cluster-create.log";
  absl::StatusOr<std::unique_ptr<Subprocess>> cli = Subprocess::Start("redis-cli", create, {}, log);
  if (!cli.ok()) return cli.status();
  if (const int exit_code = (*cli)->Wait(); exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("redis-cli --cluster create exited with ", exit_code, "; see ", log));
  }
  if (absl::Status healthy = cluster->WaitUntilHealthy(); !healthy.ok()) return healthy;
  return cluster;
}

redis::Options RedisCluster::ClientOptions() const {
  redis::Options options;
  options.mode = redis::Mode::kCluster;
  options.seeds = {redis::Address{"127.0.0.1", nodes_[0]->port()}};
  options.min_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  options.refresh_interval = std::chrono::milliseconds(10);
  return options;
}

void RedisCluster::Kill(int index) {
  nodes_[index]->Kill();
  down_[index] = true;
}

absl::Status RedisCluster::Restart(int index) {
  if (absl::Status started = nodes_[index]->Restart(); !started.ok()) return started;
  down_[index] = false;
  return absl::OkStatus();
}

void RedisCluster::KillAll() {
  for (int i = 0; i < size(); ++i) {
    if (!down_[i]) Kill(i);
  }
}

absl::Status RedisCluster::RestartAll() {
  for (int i = 0; i < size(); ++i) {
    if (!down_[i]) continue;
    if (absl::Status started = Restart(i); !started.ok()) return started;
  }
  return WaitUntilHealthy();
}

void RedisCluster::PauseAll() {
  for (int i = 0; i < size(); ++i) {
    if (!down_[i]) nodes_[i]->Pause();
  }
}

void RedisCluster::ResumeAll() {
  for (int i = 0; i < size(); ++i) {
    if (!down_[i]) nodes_[i]->Resume();
  }
}

absl::StatusOr<int> RedisCluster::ReplicaOf(int primary) const {
  for (int i = 0; i < size(); ++i) {
    if (down_[i] || i == primary) continue;
    // A replica answers ["slave", primary host, primary port, state, offset].
    absl::StatusOr<redis::Reply> role = Ask(*nodes_[i], {"ROLE"});
    if (!role.ok()) return role.status();
    if (role->elements.size() >= 3 && role->elements[0].str == "slave" &&
        role->elements[2].integer == nodes_[primary]->port()) {
      return i;
    }
  }
  return absl::NotFoundError(absl::StrCat("no live replica of node ", primary));
}

absl::StatusOr<std::string> RedisCluster::NodeId(int index) const {
  absl::StatusOr<redis::Reply> id = Ask(*nodes_[index], {"CLUSTER", "MYID"});
  if (!id.ok()) return id.status();
  return id->str;
}

absl::StatusOr<int> RedisCluster::PrimaryOf(int slot, int asked) const {
  absl::StatusOr<redis::Reply> slots = Ask(*nodes_[asked], {"CLUSTER", "SLOTS"});
  if (!slots.ok()) return slots.status();
  for (const redis::Reply& range : slots->elements) {
    if (range.elements.size() < 3 || slot < range.elements[0].integer ||
        slot > range.elements[1].integer) {
      continue;
    }
    const long long port = range.elements[2].elements[1].integer;
    for (int i = 0; i < size(); ++i) {
      if (nodes_[i]->port() == port) return i;
    }
  }
  return absl::NotFoundError(absl::StrCat("no primary for slot ", slot));
}

absl::Status RedisCluster::MoveSlot(int slot, int target) {
  absl::StatusOr<int> source = PrimaryOf(slot);
  if (!source.ok()) return source.status();
  if (*source == target) return absl::OkStatus();
  absl::StatusOr<std::string> source_id = NodeId(*source);
  absl::StatusOr<std::string> target_id = NodeId(target);
  if (!source_id.ok()) return source_id.status();
  if (!target_id.ok()) return target_id.status();
  const std::string slot_text = std::to_string(slot);
  RedisServer& from = *nodes_[*source];
  RedisServer& to = *nodes_[target];
  for (const auto& [server, args] : std::vector<std::pair<RedisServer*, std::vector<std::string>>>{
           {&to, {"CLUSTER", "SETSLOT", slot_text, "IMPORTING", *source_id}},
           {&from, {"CLUSTER", "SETSLOT", slot_text, "MIGRATING", *target_id}}}) {
    if (absl::StatusOr<redis::Reply> set = Ask(*server, args); !set.ok()) return set.status();
  }
  while (true) {
    absl::StatusOr<redis::Reply> keys = Ask(from, {"CLUSTER", "GETKEYSINSLOT", slot_text, "100"});
    if (!keys.ok()) return keys.status();
    if (keys->elements.empty()) break;
    std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1", std::to_string(to.port()), "", "0",
                                        "5000",    "KEYS"};
    migrate.reserve(migrate.size() + keys->elements.size());
    for (const redis::Reply& key : keys->elements) migrate.push_back(key.str);
    if (absl::StatusOr<redis::Reply> moved = Ask(from, migrate); !moved.ok()) return moved.status();
  }
  // The target first, so that it serves the slot before the source redirects
  // to it (as redis-cli does).
  std::vector<int> order = {target, *source};
  for (int i = 0; i < size(); ++i) {
    if (i != target && i != *source && !down_[i]) order.push_back(i);
  }
  for (const int i : order) {
    absl::StatusOr<redis::Reply> set =
        Ask(*nodes_[i], {"CLUSTER", "SETSLOT", slot_text, "NODE", *target_id});
    if (!set.ok()) return set.status();
  }
  return absl::OkStatus();
}

absl::Status RedisCluster::WaitUntilHealthy(absl::Duration timeout) {
  return PollUntilOk(
      [this]() -> absl::Status {
        for (int i = 0; i < size(); ++i) {
          if (down_[i]) continue;
          absl::StatusOr<redis::Reply> info = Ask(*nodes_[i], {"CLUSTER", "INFO"});
          if (!info.ok()) return info.status();
          if (!absl::StrContains(info->str, "cluster_state:ok")) {
            return absl::UnavailableError(absl::StrCat("node ", i, " says the cluster is not ok"));
          }
          // A replica has its primary's data before a test relies on it.
          absl::StatusOr<redis::Reply> replication = Ask(*nodes_[i], {"INFO", "replication"});
          if (!replication.ok()) return replication.status();
          if (absl::StrContains(replication->str, "role:slave") &&
              !absl::StrContains(replication->str, "master_link_status:up")) {
            return absl::UnavailableError(absl::StrCat("replica ", i, " not linked yet"));
          }
          for (int slot = 0; slot < redis::kSlotCount; slot += 1024) {
            absl::StatusOr<int> primary = PrimaryOf(slot, i);
            if (!primary.ok()) return primary.status();
            if (down_[*primary]) {
              return absl::UnavailableError(
                  absl::StrCat("node ", i, " names the down node ", *primary, " for slot ", slot));
            }
          }
        }
        return absl::OkStatus();
      },
      timeout);
}

absl::StatusOr<std::unique_ptr<RedisSentinelGroup>> RedisSentinelGroup::Start() {
  std::unique_ptr<RedisSentinelGroup> group(new RedisSentinelGroup());
  RedisServer::Options primary_options;
  // The replica syncs at once, not after the 5 s default.
  primary_options.extra_args = {"--repl-diskless-sync-delay", "0"};
  absl::StatusOr<std::unique_ptr<RedisServer>> primary = RedisServer::Start(primary_options);
  if (!primary.ok()) return primary.status();
  group->primary_ = *std::move(primary);
  const std::string primary_port = std::to_string(group->primary_->port());

  RedisServer::Options replica_options;
  replica_options.extra_args = {"--replicaof", "127.0.0.1", primary_port};
  absl::StatusOr<std::unique_ptr<RedisServer>> replica = RedisServer::Start(replica_options);
  if (!replica.ok()) return replica.status();
  group->replica_ = *std::move(replica);
  // The Sentinel learns of replicas from the primary's INFO, which must list
  // this one when the Sentinel first asks.
  absl::Status linked = PollUntilOk(
      [&group]() -> absl::Status {
        absl::StatusOr<redis::Reply> info = Ask(*group->replica_, {"INFO", "replication"});
        if (!info.ok()) return info.status();
        if (absl::StrContains(info->str, "master_link_status:up")) return absl::OkStatus();
        return absl::UnavailableError("replica not linked to its primary yet");
      },
      absl::Seconds(10));
  if (!linked.ok()) return linked;

  RedisServer::Options sentinel_options;
  sentinel_options.sentinel_config =
      absl::StrCat("sentinel monitor ", kMaster, " 127.0.0.1 ", primary_port, " 1\n",
                   "sentinel down-after-milliseconds ", kMaster, " 200\n",
                   "sentinel failover-timeout ", kMaster, " 2000\n");
  absl::StatusOr<std::unique_ptr<RedisServer>> sentinel = RedisServer::Start(sentinel_options);
  if (!sentinel.ok()) return sentinel.status();
  group->sentinel_ = *std::move(sentinel);
  // Ready once the Sentinel has asked the replica itself (INFO) and found it
  // linked: before that it would refuse to promote it (NOGOODSLAVE).
  absl::Status knows_replica = PollUntilOk(
      [&group]() -> absl::Status {
        absl::StatusOr<redis::Reply> replicas =
            Ask(*group->sentinel_, {"SENTINEL", "REPLICAS", kMaster});
        if (!replicas.ok()) return replicas.status();
        for (const redis::Reply& replica : replicas->elements) {
          std::map<std::string, std::string> fields;
          for (size_t i = 0; i + 1 < replica.elements.size(); i += 2) {
            fields[replica.elements[i].str] = replica.elements[i + 1].str;
          }
          if (fields["flags"] == "slave" && fields["master-link-status"] == "ok") {
            return absl::OkStatus();
          }
        }
        return absl::UnavailableError("the Sentinel has not checked the replica yet");
      },
      absl::Seconds(10));
  if (!knows_replica.ok()) return knows_replica;
  return group;
}

redis::Options RedisSentinelGroup::ClientOptions() const {
  redis::Options options;
  options.mode = redis::Mode::kSentinel;
  options.seeds = {redis::Address{"127.0.0.1", sentinel_->port()}};
  options.sentinel_master = kMaster;
  options.min_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  options.refresh_interval = std::chrono::milliseconds(10);
  return options;
}

}  // namespace stadt::testing
