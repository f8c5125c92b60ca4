#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/common/redis/redis_client.h"

struct redisContext;  // hiredis

// The pieces of redis::Client that talk to one Redis server. Internal to the
// client: other code uses redis::Client.
namespace stadt::redis::internal {

absl::Status Unavailable(absl::string_view why);

// One hiredis blocking connection. Once hiredis reports an I/O or protocol
// error the context is unusable, and the pool drops it (see broken()).
class Connection {
 public:
  // Connects with the options' timeouts; AUTH with `password` unless empty.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const Address& address,
                                                          const Options& options,
                                                          const std::string& password);
  ~Connection();

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool broken() const;

  // With `asking`, sends ASKING first (in the same write): a cluster node
  // serves a slot it is importing only to a client that says so.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& args, bool asking = false);
  // Sends all commands, then reads every reply, so that the connection stays
  // in step even after an error reply. UNAVAILABLE as a whole if the
  // connection broke; otherwise each command's own outcome.
  absl::StatusOr<std::vector<absl::StatusOr<Reply>>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

 private:
  explicit Connection(redisContext* context) : context_(context) {}

  absl::Status IoError() const;
  absl::StatusOr<Reply> Consume(void* raw);

  redisContext* const context_;
};

// A small pool of connections to one server, with reconnect backoff.
class NodePool : public std::enable_shared_from_this<NodePool> {
 public:
  // Returns its slot to the pool when it goes out of scope, on every path.
  class Lease {
   public:
    Lease(std::shared_ptr<NodePool> pool, std::unique_ptr<Connection> connection)
        : pool_(std::move(pool)), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Connection* operator->() { return connection_.get(); }
    Connection& operator*() { return *connection_; }

   private:
    friend class NodePool;
    std::shared_ptr<NodePool> pool_;
    std::unique_ptr<Connection> connection_;
  };

  static std::shared_ptr<NodePool> Create(Address address, const Options& options);

  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;

  const Address& address() const { return address_; }

  // A connection of this pool, opened if the free slot had none. Waits up to
  // the command timeout for a free slot. UNAVAILABLE means nothing was sent.
  absl::StatusOr<Lease> Acquire();

 private:
  using Clock = std::chrono::steady_clock;

  NodePool(Address address, const Options& options);

  absl::StatusOr<std::unique_ptr<Connection>> Reconnect();
  void Release(std::unique_ptr<Connection> connection);

  const Address address_;
  const Options options_;
  // Acquire() waits on it until a slot is free.
  absl::Mutex mu_;
  // Free pool slots; a null slot has no open connection. Open ones are kept at
  // the back, where Acquire() takes from.
  std::deque<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  // Delay after the next failed reconnect, and the time before which no
  // reconnect is tried.
  std::chrono::milliseconds backoff_ ABSL_GUARDED_BY(mu_);
  Clock::time_point next_reconnect_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::redis::internal
