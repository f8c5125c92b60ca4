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

// December 2026, local time in Berlin; 1 December is a Tuesday.
inline absl::Time December(int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, 12, day, hour, minute), Berlin());
}

}  // namespace stadt::booking::testing
