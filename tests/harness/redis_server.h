#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/process.h"

namespace stadt::testing {

// A throw-away redis-server for tests: loopback only, AOF on (so that Kill()
// then Restart() behaves like a crash and recovery), data in a fresh temporary
// directory that the destructor removes, or in one the caller owns.
class RedisServer {
 public:
  struct Options {
    int port = 0;  // 0 picks a free one
    // The AOF's fsync policy: "always", "everysec" or "no". "no" by default:
    // Redis still write()s every command to the AOF before it answers, so a
    // kill -9 of the server loses nothing (the kernel has the bytes); an
    // fsync only guards against a power failure, which no test simulates.
    // With "always", every write waited for the disk, and on a CI machine
    // whose disk was busy an fsync could outlast a service's Redis timeout
    // and turn a test's request into a 503. Tests of the production setting
    // ask for "always" (tests/e2e/fault_test.cc). Never "everysec" in a
    // crash test: while a background fsync runs it postpones AOF writes of
    // commands it has already answered.
    std::string appendfsync = "no";
    // Empty: a fresh temporary directory, removed with the server. Otherwise
    // an existing directory the caller owns and keeps.
    std::string dir;
    // Appended to the command line, e.g. {"--cluster-enabled", "yes"}.
    std::vector<std::string> extra_args;
    // Not empty: runs a Sentinel (redis-server --sentinel) with this
    // configuration, written to the data directory, where the Sentinel
    // rewrites it as it learns.
    std::string sentinel_config;
  };

  // The binary is $STADT_REDIS_SERVER, else redis-server on PATH. Returns
  // once the server answers PING.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(const Options& options);
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(int port = 0);
  ~RedisServer();

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  // A client of this server with `pool_size` connections.
  std::unique_ptr<redis::Client> Connect(int pool_size = 8) const;
  const std::string& dir() const { return dir_; }

  // SIGKILL, as a crash would.
  void Kill();
  // SIGSTOP and SIGCONT: a server that hangs, with its connections open.
  void Pause();
  void Resume();
  // Stops the server if it still runs, then starts it on the same port and
  // directory, so that data written before survives.
  absl::Status Restart();

 private:
  RedisServer(int port, std::string dir, const Options& options, bool owns_dir)
      : port_(port),
        dir_(std::move(dir)),
        appendfsync_(options.appendfsync),
        extra_args_(options.extra_args),
        sentinel_config_(options.sentinel_config),
        owns_dir_(owns_dir) {}

  absl::Status Launch();
  absl::Status WaitUntilServing();

  int port_;
  const std::string dir_;
  const std::string appendfsync_;
  const std::vector<std::string> extra_args_;
  const std::string sentinel_config_;
  const bool owns_dir_;
  std::unique_ptr<Subprocess> process_;
  // Where this launch's lines begin in the log (Restart() appends).
  size_t log_start_ = 0;
};

}  // namespace stadt::testing
