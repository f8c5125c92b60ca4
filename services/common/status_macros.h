#pragma once

#include "absl/status/status.h"

// Early return on error, for code that passes absl::Status along unchanged.
#define STADT_RETURN_IF_ERROR(expr)                                 \
  do {                                                              \
    if (absl::Status stadt_status_ = (expr); !stadt_status_.ok()) { \
      return stadt_status_;                                         \
    }                                                               \
  } while (false)
