#include "services/common/privacy/personal_data.h"

namespace stadt::privacy {

std::string ExportTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

}  // namespace stadt::privacy
