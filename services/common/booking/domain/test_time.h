#pragma once

// Time helpers shared by the booking tests and those of the services built on
// the booking core (not linked into any service).

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace stadt::booking::testing {

inline absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// December 2037, local time in Berlin; 1 December is a Tuesday. Far ahead on
// purpose: the Redis tests set expiries from these times, which must lie in
// the future of the real clock whenever the tests run.
inline absl::Time December(int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2037, 12, day, hour, minute), Berlin());
}

}  // namespace stadt::booking::testing
