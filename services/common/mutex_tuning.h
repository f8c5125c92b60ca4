#pragma once

#include "absl/synchronization/mutex.h"

namespace stadt {

// Debian's Abseil is built with mutex deadlock detection on: every
// absl::Mutex lock (gRPC's own locks are absl::Mutex too) then records the
// lock order in a process-wide graph under a global lock, a few percent of the
// CPU a request costs (bench/cpu/run.sh). Release builds switch it off; debug
// and sanitizer builds keep it, so a lock-order inversion still shows in
// tests. Call it first thing in main, before any thread starts.
inline void DisableMutexDeadlockDetectionInRelease() {
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
}

}  // namespace stadt
