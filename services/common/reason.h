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

// The attached reason, or "" without one.
inline std::string ReasonOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload =
      status.GetPayload(absl::string_view(kReasonPayloadUrl.data(), kReasonPayloadUrl.size()));
  return payload ? std::string(*payload) : std::string();
}

}  // namespace stadt
