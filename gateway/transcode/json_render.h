#pragma once

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace stadt::gateway {

// Appends the proto3 JSON of `message` to `out` the way Protobuf's
// MessageToJsonString does with always_print_primitive_fields: camelCase
// names, 64-bit integers as strings, enums by name, bytes as base64,
// Timestamp, Duration and the wrappers in their JSON forms, fields without
// presence printed with their default values, unset messages and proto3
// `optional` fields left out. It walks the message by reflection instead of
// going through Protobuf's type-resolver converter, which costs more than the
// rest of a routed request in the gateway.
// UNIMPLEMENTED for the well-known types it does not know (Any, Struct, Value,
// ListValue, FieldMask, NullValue): the caller uses Protobuf's printer
// for those. INVALID_ARGUMENT for a Timestamp or Duration outside the range
// JSON can carry. `out` holds a partial document after an error.
absl::Status AppendJson(const google::protobuf::Message& message, std::string* out);

}  // namespace stadt::gateway
