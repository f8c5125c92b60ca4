#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/types/optional.h"

namespace stadt {

// A machine-readable reason for a refusal, carried with an absl::Status from
// the domain to the gateway, which answers it as `details[0].reason` (without
// one, the lower-case code name). Reasons are stable tokens clients switch on:
// 1 to 64 characters of a-z, 0-9 and '_' (IsReasonToken); anything else is
// dropped on the way.
inline constexpr std::string_view kReasonPayloadUrl = "type.stadt/reason";

inline bool IsReasonToken(std::string_view reason) {
  if (reason.empty() || reason.size() > 64) return false;
  for (char c : reason) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// `status` with `reason` attached (an OK status stays OK, without a reason).
inline absl::Status WithReason(absl::Status status, std::string_view reason) {
  if (!status.ok() && IsReasonToken(reason)) {
    status.SetPayload(absl::string_view(kReasonPayloadUrl.data(), kReasonPayloadUrl.size()),
                      absl::Cord(absl::string_view(reason.data(), reason.size())));
  }
  return status;
}

// A reason can also lead the message, "[slot_taken] Der Termin ...": the
// form Redis scripts can write into an error reply. Returns the length of
// that "[token] " prefix, 0 without one.
inline size_t ReasonPrefixLength(std::string_view message) {
  if (message.empty() || message.front() != '[') return 0;
  const size_t close = message.find(']');
  if (close == std::string_view::npos || !IsReasonToken(message.substr(1, close - 1))) return 0;
  return close + 1 < message.size() && message[close + 1] == ' ' ? close + 2 : close + 1;
}

// The attached reason, else the one leading the message, else "".
inline std::string ReasonOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload =
      status.GetPayload(absl::string_view(kReasonPayloadUrl.data(), kReasonPayloadUrl.size()));
  if (payload) return std::string(*payload);
  const std::string_view message(status.message().data(), status.message().size());
  const size_t prefix = ReasonPrefixLength(message);
  if (prefix == 0) return std::string();
  return std::string(message.substr(1, message.find(']') - 1));
}

// The message without a leading "[reason] ".
inline std::string_view MessageWithoutReason(const absl::Status& status) {
  const std::string_view message(status.message().data(), status.message().size());
  return message.substr(ReasonPrefixLength(message));
}

}  // namespace stadt
