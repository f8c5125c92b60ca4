#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "boost/json/object.hpp"
#include "gateway/routing/route_table.h"

namespace stadt::gateway {

// The gateway's proof-of-work endpoint and the header that carries a solution.
inline constexpr std::string_view kPowChallengePath = "/v1/pow/challenge";
inline constexpr std::string_view kPowSolutionHeader = "X-Pow-Solution";

struct OpenApiInfo {
  std::string title = "Stadtportal API";
  std::string version = "v1";
  // Routes, as (method, path template), that need a solved proof-of-work
  // challenge: their operations declare the solution header and its refusals.
  std::set<std::pair<std::string, std::string>> pow_routes = {};
};

// Builds the OpenAPI 3.0 document of the gateway from its route table: one
// operation per route, parameters and schemas derived from the request and
// response messages under the proto3 JSON mapping (what the transcoder really
// accepts and renders), plus the gateway's own endpoints and its error body.
// Deterministic: the same routes always give the same document.
boost::json::object BuildOpenApi(const RouteTable& routes, const OpenApiInfo& info);

}  // namespace stadt::gateway
