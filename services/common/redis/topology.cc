#include "services/common/redis/topology.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/redis/key_slot.h"

namespace stadt::redis::internal {
namespace {

constexpr int16_t kUnserved = -1;

// CLUSTER SLOTS names a node as [host, port, id, ...]; "?" is a node whose
// endpoint is unknown.
std::optional<Address> NodeAddress(const Reply& node, const Address& asked) {
  if (node.type != Reply::Type::kArray || node.elements.size() < 2) return std::nullopt;
  Address address{node.elements[0].str, static_cast<int>(node.elements[1].integer)};
  if (address.host == "?" || address.port <= 0) return std::nullopt;
  if (address.host.empty()) address.host = asked.host;
  return address;
}

// The options for one node asked during a lookup, its timeouts cut to what
// is left of the lookup's budget (one command timeout for the whole lookup),
// or nothing once it is spent. Without the cut, a lookup while every node is
// silent (paused, partitioned) took one command timeout per node asked, and
// the call waiting on it answered after the gateway had given up on it.
std::optional<Options> WithinBudget(const Options& options,
                                    std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left <= std::chrono::milliseconds(0)) return std::nullopt;
  Options cut = options;
  cut.connect_timeout = std::min(cut.connect_timeout, left);
  cut.command_timeout = std::min(cut.command_timeout, left);
  return cut;
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::pair<int, int>, Address>>> ParseClusterSlots(
    const Reply& reply, const Address& asked) {
  if (reply.type != Reply::Type::kArray) return absl::InternalError("CLUSTER SLOTS: not a list");
  std::vector<std::pair<std::pair<int, int>, Address>> ranges;
  ranges.reserve(reply.elements.size());
  for (const Reply& range : reply.elements) {
    if (range.type != Reply::Type::kArray || range.elements.size() < 3) {
      return absl::InternalError("CLUSTER SLOTS: malformed slot range");
    }
    const long long first = range.elements[0].integer;
    const long long last = range.elements[1].integer;
    if (first < 0 || last < first || last >= kSlotCount) {
      return absl::InternalError("CLUSTER SLOTS: slot out of range");
    }
    // The third element is the primary; replicas follow, and we route to
    // primaries only.
    const std::optional<Address> primary = NodeAddress(range.elements[2], asked);
    if (!primary.has_value()) continue;
    ranges.push_back({{static_cast<int>(first), static_cast<int>(last)}, *primary});
  }
  return ranges;
}

Topology::Topology(Options options) : options_(std::move(options)) {
  absl::MutexLock lock(&mu_);
  if (options_.mode == Mode::kSingle) {
    primaries_ = {Address{options_.host, options_.port}};
  } else {
    // Nothing is known before the first call asks.
    stale_ = true;
  }
}

absl::StatusOr<std::shared_ptr<NodePool>> Topology::PoolFor(std::optional<int> slot) {
  const absl::Status refreshed = RefreshIfDue();
  absl::MutexLock lock(&mu_);
  if (primaries_.empty()) {
    return refreshed.ok() ? Unavailable("no primary known yet") : refreshed;
  }
  // No node of the cluster answered the lookup (the lookup took its whole
  // budget): the call would wait on a silent node for another timeout, so it
  // fails now. With Sentinel the old primary is still tried: Sentinels down do
  // not mean the primary is.
  if (!refreshed.ok() && options_.mode == Mode::kCluster) {
    return Unavailable(absl::StrCat("cluster lookup failed: ", refreshed.message()));
  }
  int index = 0;
  if (slot.has_value() && !slot_owner_.empty()) {
    index = slot_owner_[*slot];
    if (index == kUnserved) {
      stale_ = true;
      return Unavailable(absl::StrCat("no primary serves hash slot ", *slot));
    }
  }
  return PoolLocked(primaries_[index]);
}

std::shared_ptr<NodePool> Topology::PoolAt(const Address& address) {
  absl::MutexLock lock(&mu_);
  return PoolLocked(address);
}

void Topology::MarkStale() {
  if (options_.mode == Mode::kSingle) return;
  absl::MutexLock lock(&mu_);
  stale_ = true;
}

void Topology::Moved(int slot, const Address& address) {
  if (options_.mode != Mode::kCluster || slot < 0 || slot >= kSlotCount) return;
  absl::MutexLock lock(&mu_);
  if (slot_owner_.empty()) slot_owner_.assign(kSlotCount, kUnserved);
  slot_owner_[slot] = static_cast<int16_t>(PrimaryIndexLocked(address));
  // One MOVED rarely comes alone (a resharding moves many slots, a failover
  // all of a node's): learn the whole map on the next call.
  stale_ = true;
}

std::optional<std::vector<absl::string_view>> Topology::Keys(const std::vector<std::string>& args) {
  std::shared_ptr<const CommandKeyTable> commands;
  {
    absl::MutexLock lock(&mu_);
    commands = commands_;
  }
  if (commands == nullptr) return std::nullopt;
  return commands->Keys(args);
}

absl::Status Topology::RefreshIfDue() {
  {
    absl::MutexLock lock(&mu_);
    if (options_.mode == Mode::kSentinel && Clock::now() >= recheck_at_) stale_ = true;
    if (refreshing_ && primaries_.empty()) {
      // Nothing known yet (the first calls): wait for the lookup under way
      // instead of failing every call made meanwhile.
      const auto done = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !refreshing_; };
      mu_.AwaitWithTimeout(absl::Condition(&done), absl::FromChrono(options_.command_timeout));
      return absl::OkStatus();
    }
    if (!stale_ || refreshing_ || Clock::now() < next_refresh_) return absl::OkStatus();
    // Claimed by this caller; others go on with the old layout meanwhile.
    next_refresh_ = Clock::now() + options_.refresh_interval;
    refreshing_ = true;
  }
  absl::StatusOr<Layout> layout = Discover();
  absl::MutexLock lock(&mu_);
  refreshing_ = false;
  if (!layout.ok()) return layout.status();
  Install(*std::move(layout));
  return absl::OkStatus();
}

absl::StatusOr<Topology::Layout> Topology::Discover() {
  return options_.mode == Mode::kSentinel ? AskSentinels() : AskCluster();
}

// Asks each Sentinel in turn for the primary, and believes it only if the
// primary itself says it is one (ROLE): a Sentinel cut off from the others
// may still name the old primary after a failover.
absl::StatusOr<Topology::Layout> Topology::AskSentinels() {
  absl::Status last = Unavailable("no Sentinel configured");
  const Clock::time_point deadline = Clock::now() + options_.command_timeout;
  for (const Address& sentinel : options_.seeds) {
    const std::optional<Options> budget = WithinBudget(options_, deadline);
    if (!budget.has_value()) return Unavailable("no Sentinel answered in time: " + last.ToString());
    absl::StatusOr<std::unique_ptr<Connection>> connection =
        Connection::Open(sentinel, *budget, options_.sentinel_password);
    if (!connection.ok()) {
      last = connection.status();
      continue;
    }
    absl::StatusOr<Reply> named =
        (*connection)->Command({"SENTINEL", "get-master-addr-by-name", options_.sentinel_master});
    if (!named.ok() || named->elements.size() != 2) {
      last = Unavailable(absl::StrCat("Sentinel ", sentinel.ToString(), " names no primary ",
                                      options_.sentinel_master));
      continue;
    }
    Address primary{named->elements[0].str, 0};
    if (!absl::SimpleAtoi(named->elements[1].str, &primary.port)) continue;
    absl::StatusOr<std::unique_ptr<Connection>> to_primary = Connection::Open(
        primary, WithinBudget(options_, deadline).value_or(*budget), options_.password);
    if (!to_primary.ok()) {
      last = to_primary.status();
      continue;
    }
    absl::StatusOr<Reply> role = (*to_primary)->Command({"ROLE"});
    if (!role.ok() || role->elements.empty() || role->elements[0].str != "master") {
      last = Unavailable(absl::StrCat(primary.ToString(), " is not a primary (yet)"));
      continue;
    }
    Layout layout;
    layout.primaries = {primary};
    return layout;
  }
  return last;
}

std::vector<Address> Topology::ClusterCandidates() {
  std::vector<Address> candidates;
  {
    absl::MutexLock lock(&mu_);
    candidates = primaries_;
  }
  for (const Address& seed : options_.seeds) {
    if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end()) {
      candidates.push_back(seed);
    }
  }
  return candidates;
}

// Asks the known primaries, then the seeds, for the slot map; the first that
// answers wins. The command table comes along on the first call.
absl::StatusOr<Topology::Layout> Topology::AskCluster() {
  std::shared_ptr<const CommandKeyTable> commands;
  {
    absl::MutexLock lock(&mu_);
    commands = commands_;
  }
  absl::Status last = Unavailable("no cluster node configured");
  const Clock::time_point deadline = Clock::now() + options_.command_timeout;
  for (const Address& candidate : ClusterCandidates()) {
    const std::optional<Options> budget = WithinBudget(options_, deadline);
    if (!budget.has_value()) {
      return Unavailable("no cluster node answered in time: " + last.ToString());
    }
    absl::StatusOr<std::unique_ptr<Connection>> connection =
        Connection::Open(candidate, *budget, options_.password);
    if (!connection.ok()) {
      last = connection.status();
      continue;
    }
    absl::StatusOr<Reply> slots = (*connection)->Command({"CLUSTER", "SLOTS"});
    if (!slots.ok()) {
      last = slots.status();
      continue;
    }
    absl::StatusOr<std::vector<std::pair<std::pair<int, int>, Address>>> ranges =
        ParseClusterSlots(*slots, candidate);
    if (!ranges.ok()) {
      last = ranges.status();
      continue;
    }
    if (commands == nullptr) {
      absl::StatusOr<Reply> described = (*connection)->Command({"COMMAND"});
      if (!described.ok()) return described.status();
      absl::StatusOr<CommandKeyTable> table = CommandKeyTable::FromCommandReply(*described);
      if (!table.ok()) return table.status();
      commands = std::make_shared<const CommandKeyTable>(*std::move(table));
    }
    Layout layout;
    layout.slot_owner.assign(kSlotCount, kUnserved);
    layout.commands = commands;
    for (const auto& [range, primary] : *ranges) {
      auto found = std::find(layout.primaries.begin(), layout.primaries.end(), primary);
      const auto index = static_cast<int16_t>(found - layout.primaries.begin());
      if (found == layout.primaries.end()) layout.primaries.push_back(primary);
      std::fill(layout.slot_owner.begin() + range.first,
                layout.slot_owner.begin() + range.second + 1, index);
    }
    if (layout.primaries.empty()) {
      last = Unavailable(absl::StrCat(candidate.ToString(), " knows no slot owners yet"));
      continue;
    }
    return layout;
  }
  return last;
}

void Topology::Install(Layout layout) {
  absl::flat_hash_map<std::string, std::shared_ptr<NodePool>> pools;
  for (const Address& primary : layout.primaries) pools[primary.ToString()] = PoolLocked(primary);
  // Pools of nodes that are no longer primaries close their connections once
  // the last lease is back.
  pools_ = std::move(pools);
  primaries_ = std::move(layout.primaries);
  slot_owner_ = std::move(layout.slot_owner);
  if (layout.commands != nullptr) commands_ = std::move(layout.commands);
  stale_ = false;
  recheck_at_ = Clock::now() + options_.sentinel_recheck_interval;
}

std::shared_ptr<NodePool> Topology::PoolLocked(const Address& address) {
  std::shared_ptr<NodePool>& pool = pools_[address.ToString()];
  if (pool == nullptr) pool = NodePool::Create(address, options_);
  return pool;
}

int Topology::PrimaryIndexLocked(const Address& address) {
  const auto found = std::find(primaries_.begin(), primaries_.end(), address);
  if (found != primaries_.end()) return static_cast<int>(found - primaries_.begin());
  primaries_.push_back(address);
  return static_cast<int>(primaries_.size()) - 1;
}

}  // namespace stadt::redis::internal
