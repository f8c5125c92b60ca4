#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace stadt {

// Debian's Abseil is built with its own absl::string_view, a type distinct from
// std::string_view; these bridge the two without copying.
inline absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}
inline std::string_view FromAbsl(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

}  // namespace stadt
