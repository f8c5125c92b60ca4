#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/routing/route_table.h"
#include "google/protobuf/message.h"

namespace stadt::gateway {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Fills `request` (an empty message of the route's input type) from an HTTP
// request, in the order body, query, path: the JSON body through Protobuf's
// JSON mapping (unknown fields rejected), query parameters by field path
// (proto or JSON names), then path variables, which always win.
// Every problem is INVALID_ARGUMENT with a message safe to show the client.
absl::Status BindRequest(const RouteMatch& match, const QueryParams& query, std::string_view body,
                         google::protobuf::Message* request);

// Proto3 JSON of a response; fields with default values are printed too, so
// clients see a stable shape.
absl::StatusOr<std::string> RenderJson(const google::protobuf::Message& message);

}  // namespace stadt::gateway
