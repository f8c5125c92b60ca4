#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/common/redis/command_keys.h"
#include "services/common/redis/node_pool.h"
#include "services/common/redis/redis_client.h"

namespace stadt::redis::internal {

// Which primary serves which hash slot, as last learnt, and a connection pool
// per primary. Single mode: one fixed primary. Sentinel mode: one primary,
// asked of the Sentinels. Cluster mode: the slot map from CLUSTER SLOTS.
// Found anew (at most once per refresh_interval) after MarkStale().
class Topology {
 public:
  explicit Topology(Options options);

  Mode mode() const { return options_.mode; }

  // The pool of the primary serving `slot`, or of some primary for nullopt.
  // Refreshes first if the layout is stale and a refresh is due; UNAVAILABLE
  // if no primary is known.
  absl::StatusOr<std::shared_ptr<NodePool>> PoolFor(std::optional<int> slot);
  // The pool of a node a MOVED or ASK reply named.
  std::shared_ptr<NodePool> PoolAt(const Address& address);
  // A reply suggested that the layout is out of date (a node unreachable, a
  // MOVED, a READONLY): the next PoolFor() refreshes. No-op in single mode.
  void MarkStale();
  // MOVED: `slot` is served by `address` now; the rest is refreshed later.
  void Moved(int slot, const Address& address);
  // Cluster mode: which arguments are keys (learnt with the first slot map).
  // nullopt if the table is not known yet or the server must be asked.
  std::optional<std::vector<absl::string_view>> Keys(const std::vector<std::string>& args);

 private:
  using Clock = std::chrono::steady_clock;

  // What one discovery found.
  struct Layout {
    std::vector<Address> primaries;
    // Cluster mode: kSlotCount indexes into primaries, -1 for an unserved
    // slot. Empty in the other modes: every slot is primaries[0]'s.
    std::vector<int16_t> slot_owner;
    std::shared_ptr<const CommandKeyTable> commands;  // cluster mode
  };

  absl::Status RefreshIfDue();
  absl::StatusOr<Layout> Discover();
  absl::StatusOr<Layout> AskSentinels();
  absl::StatusOr<Layout> AskCluster();
  std::vector<Address> ClusterCandidates();
  void Install(Layout layout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::shared_ptr<NodePool> PoolLocked(const Address& address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int PrimaryIndexLocked(const Address& address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  absl::Mutex mu_;
  std::vector<Address> primaries_ ABSL_GUARDED_BY(mu_);
  std::vector<int16_t> slot_owner_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const CommandKeyTable> commands_ ABSL_GUARDED_BY(mu_);
  // By "host:port"; a pool dropped here lives on while a lease holds it.
  absl::flat_hash_map<std::string, std::shared_ptr<NodePool>> pools_ ABSL_GUARDED_BY(mu_);
  bool stale_ ABSL_GUARDED_BY(mu_) = false;
  // A lookup is under way (only one at a time).
  bool refreshing_ ABSL_GUARDED_BY(mu_) = false;
  Clock::time_point next_refresh_ ABSL_GUARDED_BY(mu_);
  // kSentinel: when the layout goes stale by age.
  Clock::time_point recheck_at_ ABSL_GUARDED_BY(mu_);
};

// Parses a CLUSTER SLOTS reply. `asked` is the node that answered: an empty
// host in the reply means its host. Exposed for tests.
absl::StatusOr<std::vector<std::pair<std::pair<int, int>, Address>>> ParseClusterSlots(
    const Reply& reply, const Address& asked);

}  // namespace stadt::redis::internal
