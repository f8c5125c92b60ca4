#include "services/common/proto_time.h"

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt {

absl::StatusOr<absl::Time> FromTimestamp(const google::protobuf::Timestamp& timestamp,
                                         std::string_view field) {
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  constexpr int32_t kMaxNanos = 999999999;
  if (timestamp.seconds() < 0 || timestamp.seconds() > kMaxSeconds || timestamp.nanos() < 0 ||
      timestamp.nanos() > kMaxNanos) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": out of range")),
                      "invalid_timestamp");
  }
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  absl::Duration rest;
  const int64_t seconds = absl::IDivDuration(since_epoch, absl::Seconds(1), &rest);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
}

}  // namespace stadt
