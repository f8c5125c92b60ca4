#include "services/common/booking/domain/refusal.h"

#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt::booking {

absl::Status Refusal(absl::StatusCode code, std::string_view reason, std::string_view text) {
  return WithReason(absl::Status(code, ToAbsl(text)), reason);
}

std::string ReasonOf(const absl::Status& status) { return stadt::ReasonOf(status); }

}  // namespace stadt::booking
