#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"

namespace stadt::gateway {

// One segment of a path template: a literal, or a variable that binds one
// path segment to a (possibly nested) scalar field of the request message.
struct PathSegment {
  bool is_variable = false;
  std::string literal;     // when !is_variable
  std::string field_path;  // when is_variable, e.g. "office.id"
  std::vector<const google::protobuf::FieldDescriptor*> fields;  // resolved field_path
};

// An HTTP route of one RPC, built from its (stadt.api.v1.http) option.
struct Route {
  std::string http_method;  // GET, POST, PUT, PATCH, DELETE
  std::string path_template;
  std::vector<PathSegment> segments;
  // "" (no body), "*" (whole request) or a top-level field of the request.
  std::string body;
  const google::protobuf::FieldDescriptor* body_field = nullptr;  // for a named body
  std::set<std::string> roles;  // lower-case role names; empty = any authenticated caller
  bool allow_anonymous = false;
  bool accepted = false;          // success is 202 instead of 200
  int cache_max_age_seconds = 0;  // > 0: a public, cacheable catalog read with an ETag
  // The kind of place the caller's token must be scoped to ("office"), "" for
  // city-wide roles; the service checks it against the object it loads.
  std::string scope;
  // Index into `segments` of the variable naming the place (scope_field), so
  // the gateway can check the token's scope before the call; -1 without one.
  int scope_segment = -1;
  // A staff action: each call leaves one audit record (the option's `audit`).
  bool audit = false;
  // With audit: the response field that names a created object, or null.
  const google::protobuf::FieldDescriptor* audit_response_field = nullptr;
  // The service refusals declared for the route (gateway/reasons), in the
  // option's order; the common ones (CommonReasons) are not repeated.
  std::vector<std::string> reasons;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_path;  // "/package.Service/Method"
};

struct RouteMatch {
  const Route* route = nullptr;
  // Variable field path -> decoded segment value.
  std::vector<std::pair<const PathSegment*, std::string>> variables;
};

// Outcome of matching a request line against the table.
struct MatchResult {
  enum class Kind { kMatched, kNoSuchPath, kMethodNotAllowed };
  Kind kind = Kind::kNoSuchPath;
  RouteMatch match;
  std::vector<std::string> allowed_methods;  // for kMethodNotAllowed
};

// Role enum value name -> role string in tokens: ROLE_PARKING_OFFICER -> "parking_officer".
std::string RoleName(const google::protobuf::EnumValueDescriptor& value);

class RouteTable {
 public:
  // Builds the routes of every method that carries the option. Fails on a
  // malformed option or two routes that would match the same requests, so a
  // broken API definition stops the gateway at start, not at the first request.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // `segments` are the decoded path segments of the request.
  MatchResult Match(std::string_view http_method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace stadt::gateway
