#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace stadt {

// The one source of "now" for domain code, injected so that tests control time
// instead of sleeping (FakeClock, services/common/fake_clock.h).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace stadt
