#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early return on error, for code that passes absl::Status along unchanged.
#define STADT_RETURN_IF_ERROR(expr)                                 \
  do {                                                              \
    if (absl::Status stadt_status_ = (expr); !stadt_status_.ok()) { \
      return stadt_status_;                                         \
    }                                                               \
  } while (false)

// Declares or assigns `lhs` from the value of an absl::StatusOr expression, or
// returns its error unchanged:
//   STADT_ASSIGN_OR_RETURN(Office office, catalog.Find(id));
// A declaration whose type holds a comma needs parentheses or an alias.
#define STADT_ASSIGN_OR_RETURN(lhs, expr) \
  STADT_ASSIGN_OR_RETURN_IMPL_(STADT_STATUS_MACROS_CONCAT_(stadt_statusor_, __LINE__), lhs, expr)

// `lhs` may be a declaration and `statusor` is a name: neither can be put in
// parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define STADT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)  \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)
// NOLINTEND(bugprone-macro-parentheses)

#define STADT_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define STADT_STATUS_MACROS_CONCAT_(a, b) STADT_STATUS_MACROS_CONCAT_INNER_(a, b)
