#include "services/common/booking/domain/refusal.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace stadt::booking {

absl::Status Refusal(absl::StatusCode code, std::string_view reason, std::string_view text) {
  std::string message = "[";
  message.append(reason).append("] ").append(text);
  return absl::Status(code, message);
}

std::string ReasonOf(const absl::Status& status) {
  const std::string_view message(status.message().data(), status.message().size());
  if (message.empty() || message.front() != '[') return "";
  const size_t close = message.find(']');
  if (close == std::string_view::npos || close < 2) return "";
  const std::string_view reason = message.substr(1, close - 1);
  const bool token = std::all_of(reason.begin(), reason.end(),
                                 [](char c) { return absl::ascii_islower(c) || c == '_'; });
  return token ? std::string(reason) : "";
}

}  // namespace stadt::booking
