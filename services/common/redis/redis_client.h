#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace stadt::redis {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  std::chrono::milliseconds connect_timeout{500};
  // Bounds each socket read and write, and the wait for a free connection.
  std::chrono::milliseconds command_timeout{1000};
  int pool_size = 4;
  // Delay after a failed reconnect, doubling up to max_backoff.
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{2000};
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

// A Lua script, loaded into Redis once and run by its SHA1.
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

// Synchronous, thread-safe Redis client over a small pool of connections.
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
class Client {
 public:
  // Opens no connection: a service may start before Redis is up.
  static std::unique_ptr<Client> Create(Options options);
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  absl::StatusOr<Reply> Command(const std::vector<std::string>& args);
  // Sends all commands on one connection, then reads every reply. Not atomic:
  // if any reply is an error, the first error is returned, but the other
  // commands have still run.
  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);
  // EVALSHA; on NOSCRIPT loads the script on that connection and retries once.
  absl::StatusOr<Reply> Eval(const Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);
  absl::Status Ping();

 private:
  class Connection;
  class Lease;
  using Clock = std::chrono::steady_clock;

  explicit Client(Options options);

  absl::StatusOr<Lease> Acquire();
  absl::StatusOr<std::unique_ptr<Connection>> Reconnect();
  void Release(std::unique_ptr<Connection> connection);

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

}  // namespace stadt::redis
