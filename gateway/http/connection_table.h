#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace stadt::gateway {

// Which connections the server keeps open: a global cap, a share per client
// address, and, at the cap, room made by closing the connection that has been
// idle (waiting for its next request) the longest. So many keep-alive
// connections from one address cannot lock everybody else out, and idle ones
// never keep an active client from connecting. Thread-safe.
class ConnectionTable {
 public:
  struct Options {
    int max_connections = 1024;
    // Connections one address may hold; 0: no per-address limit (behind a
    // proxy every connection comes from the proxy's address).
    int max_per_address = 0;
  };
  enum class Verdict { kAdmitted, kAddressFull, kFull };
  struct Admission {
    Verdict verdict = Verdict::kFull;
    uint64_t id = 0;  // kAdmitted: the connection's id
    // kAdmitted at the cap: the idle connection closed to make room. Its
    // closer has been called; it is no longer in the table.
    std::optional<uint64_t> shed;
  };

  explicit ConnectionTable(Options options) : options_(options) {}

  // Decides on a new connection from `address`. `closer` closes it later (shed
  // or drain); it must be safe to call from any thread and more than once.
  Admission Admit(const std::string& address, std::function<void()> closer, absl::Time now);
  // A connection waits for its next request from `now` on / is serving one.
  void MarkIdle(uint64_t id, absl::Time now);
  void MarkBusy(uint64_t id);
  // The connection is gone; unknown ids are ignored.
  void Remove(uint64_t id);
  // Calls every closer (the drain).
  void CloseAll();

  int size() const;
  int CountFrom(std::string_view address) const;

 private:
  struct Entry {
    std::string address;
    std::function<void()> closer;
    absl::Time idle_since = absl::InfiniteFuture();  // InfiniteFuture: busy
  };
  void EraseLocked(std::map<uint64_t, Entry>::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int, std::less<>> per_address_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::gateway
