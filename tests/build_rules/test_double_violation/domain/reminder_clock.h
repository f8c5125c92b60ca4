#pragma once

// A fixture: production domain code that reaches for a test double. The
// include check must refuse it (tests/build_rules/CMakeLists.txt).
#include "services/common/fake_clock.h"
