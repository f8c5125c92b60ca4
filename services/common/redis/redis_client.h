#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stadt::redis {

// Where the primaries are found (REDIS_MODE in the services' configuration).
enum class Mode {
  // One server at host:port.
  kSingle,
  // The Sentinels at `seeds` name the primary of `sentinel_master`; asked
  // again after a connection error or a READONLY reply (a failover).
  kSentinel,
  // A Redis Cluster: `seeds` (or else host:port) are some of its nodes; every
  // command goes to the primary serving its keys' hash slot.
  kCluster,
};

struct Address {
  std::string host;
  int port = 0;

  std::string ToString() const;  // "host:port"
  bool operator==(const Address&) const = default;
};

struct Options {
  Mode mode = Mode::kSingle;
  std::string host = "127.0.0.1";
  int port = 6379;
  // kSentinel: the Sentinels. kCluster: nodes to learn the slot map from
  // (after the first map, its primaries are asked first).
  std::vector<Address> seeds;
  std::string sentinel_master = "mymaster";
  std::string sentinel_password;  // empty: the Sentinels ask for none
  std::string password;
  std::chrono::milliseconds connect_timeout{500};
  // Bounds each socket read and write, and the wait for a free connection.
  std::chrono::milliseconds command_timeout{1000};
  // Connections per node.
  int pool_size = 4;
  // Delay after a failed reconnect, doubling up to max_backoff.
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
  // kSentinel, kCluster: the least time between two lookups of the primaries,
  // so that a failover does not turn every call into one.
  std::chrono::milliseconds refresh_interval{100};
  // kSentinel: the Sentinels are asked again this long after the last
  // lookup even without a sign of failover. A failover while the old primary
  // stays reachable (manual, or a partition) shows no such sign until the
  // Sentinel reconfigures it; this bounds how long writes still go there.
  std::chrono::milliseconds sentinel_recheck_interval{1000};
  // Acknowledged means replicated: > 0 makes Eval send `WAIT wait_replicas
  // wait_timeout` on the script's connection after it succeeded, and answer
  // UNAVAILABLE when fewer replicas confirmed in time. The script has run on
  // the primary then (it is not undone): the caller reports a failure it may
  // retry (every state-changing script is idempotent on retry), and a
  // failover before the replicas catch up may lose that write. 0: off.
  int wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{200};
};

// A Redis reply as a plain value, so that hiredis types stay inside the client.
// Error replies never appear here: they become a non-OK status instead.
struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };

  bool IsNil() const { return type == Type::kNil; }

  Type type = Type::kNil;
  std::string str;  // kString (binary-safe) and kStatus
  long long integer = 0;
  std::vector<Reply> elements;
};

// A Lua script, loaded into Redis once and run by its SHA1. The source gets a
// "#!lua" line in front (unless it has a shebang), so that a Redis Cluster
// node refuses the script if it touches a key outside its declared keys' slot.
class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return source_; }
  // Lower-case hex SHA1 of source(); empty only if OpenSSL could not digest,
  // and then Eval() fails with INTERNAL (NOSCRIPT).
  const std::string& sha() const { return sha_; }

 private:
  std::string source_;
  std::string sha_;
};

namespace internal {
class Connection;
class Topology;
}  // namespace internal

// Synchronous, thread-safe Redis client over a small pool of connections per
// primary; see Mode for how the primaries are found.
//
// Status mapping:
//  - Redis unreachable, I/O error, timeout, dropped connection, LOADING, BUSY:
//    UNAVAILABLE. A broken connection is reopened on a later call; after a
//    failed reconnect, calls fail fast until an exponential backoff expires.
//  - Error reply "<CODE> <message>" with CODE one of INVALID_ARGUMENT,
//    NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED,
//    RESOURCE_EXHAUSTED, OUT_OF_RANGE, PERMISSION_DENIED: that code with
//    <message>, so that Lua scripts can report domain outcomes.
//  - Any other error reply (also one nested in an array): INTERNAL carrying
//    the Redis error text, which must not reach clients.
//
// Cluster mode: a command or script whose keys lie in more than one hash
// slot is refused before it is sent (INTERNAL, "CROSSSLOT ..."): that is a
// key naming bug, see the hash tag rule in docs/design.md. MOVED and ASK are
// followed (up to 5 hops); a node that cannot be reached makes the slot map
// be asked for again. Sentinel and cluster mode: when a connection to the
// primary cannot be opened (nothing was sent), the primaries are looked up
// again and the call is tried once more; a READONLY reply (the node is a
// replica now) is retried on the primary looked up anew. An I/O error after
// the command was sent is UNAVAILABLE, as in single mode: the command may
// have run.
class Client {
 public:
  // Opens no connection: a service may start before Redis is up.
  static std::unique_ptr<Client> Create(Options options);
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);
  // Sends all commands on one connection (cluster mode: one per primary
  // concerned), then reads every reply. Not atomic: if any reply is an
  // error, the first error is returned, but the other commands have still
  // run.
  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);
  // EVALSHA on the primary serving the keys; on NOSCRIPT loads the script on
  // that node and retries once. With Options::wait_replicas, then WAIT.
  absl::StatusOr<Reply> Eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);
  absl::Status Ping();
  // The keys matching a SCAN MATCH `pattern`, sorted, each once. Cluster
  // mode: SCAN on every primary (a plain SCAN sees only the node it is sent
  // to). For maintenance sweeps, not hot paths; keys written or moved between
  // nodes (resharding) during the scan may be missed, as with SCAN itself.
  absl::StatusOr<std::vector<std::string>> ScanKeys(const std::string& pattern);

 private:
  // Runs a call on one connection; `asking` says it must send ASKING first.
  using Call = std::function<absl::StatusOr<Reply>(internal::Connection&, bool asking)>;

  explicit Client(const Options& options);

  // Runs `call` on the primary serving `slot` (any primary for nullopt),
  // following redirections.
  absl::StatusOr<Reply> Run(std::optional<int> slot, const Call& call);
  // The one hash slot of a command's keys: nullopt for no keys (or not in
  // cluster mode), INTERNAL if the keys span slots.
  absl::StatusOr<std::optional<int>> SlotOf(const std::vector<std::string>& args);
  absl::StatusOr<Reply> RoutedCommand(std::optional<int> slot,
                                      const std::vector<std::string>& args);
  // With wait_replicas: WAIT on `connection` after a successful `reply`.
  absl::StatusOr<Reply> AwaitReplicas(internal::Connection& connection,
                                      absl::StatusOr<Reply> reply);
  absl::StatusOr<std::vector<Reply>> ClusterPipeline(
      const std::vector<std::vector<std::string>>& commands);

  const std::unique_ptr<internal::Topology> topology_;
  const int wait_replicas_;
  const std::chrono::milliseconds wait_timeout_;
};

}  // namespace stadt::redis
