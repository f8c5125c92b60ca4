#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace stadt {

// A timestamp from a client: the range RFC 3339 can express, nothing wilder.
// INVALID_ARGUMENT names `field`.
absl::StatusOr<absl::Time> FromTimestamp(const google::protobuf::Timestamp& timestamp,
                                         std::string_view field);
void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out);

}  // namespace stadt
