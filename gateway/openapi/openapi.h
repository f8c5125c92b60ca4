#pragma once

#include <string>

#include "boost/json/object.hpp"
#include "gateway/routing/route_table.h"

namespace stadt::gateway {

struct OpenApiInfo {
  std::string title = "Stadtportal API";
  std::string version = "v1";
};

// Builds the OpenAPI 3.0 document of the gateway from its route table: one
// operation per route, parameters and schemas derived from the request and
// response messages under the proto3 JSON mapping (what the transcoder really
// accepts and renders), plus the gateway's own endpoints and its error body.
// Deterministic: the same routes always give the same document.
boost::json::object BuildOpenApi(const RouteTable& routes, const OpenApiInfo& info);

}  // namespace stadt::gateway
