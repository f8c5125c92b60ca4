#pragma once

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "services/common/clock.h"

namespace stadt {

// A clock that only moves when a test says so. Safe to read from many
// threads. A test double: beside the interface it replaces, in a header of
// its own that only tests, benchmarks and fuzzers include (target
// stadt_fake_clock; the domain include check refuses it in production code).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Advance(absl::Duration d) { nanos_ += absl::ToInt64Nanoseconds(d); }
  void Set(absl::Time t) { nanos_ = absl::ToUnixNanos(t); }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace stadt
