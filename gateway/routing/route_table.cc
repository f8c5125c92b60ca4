#include "gateway/routing/route_table.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gateway/reasons/reason_catalog.h"
#include "services/common/strings.h"
#include "stadt/api/v1/annotations.pb.h"

namespace stadt::gateway {
namespace {

namespace pb = google::protobuf;

constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

absl::Status Malformed(const pb::MethodDescriptor& method, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("route of ", method.full_name(), ": ", ToAbsl(problem)));
}

bool IsIdentifier(absl::string_view text) {
  if (text.empty() || absl::ascii_isdigit(text.front())) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

// Resolves "a.b.c" to fields; every step but the last must be a singular
// message, the last a singular scalar (path segments carry one value).
absl::Status ResolveFieldPath(const pb::MethodDescriptor& method, const std::string& field_path,
                              std::vector<const pb::FieldDescriptor*>* fields) {
  const pb::Descriptor* message = method.input_type();
  std::vector<std::string> names = absl::StrSplit(field_path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const pb::FieldDescriptor* field = message->FindFieldByName(names[i]);
    if (field == nullptr) return Malformed(method, absl::StrCat("no field ", field_path));
    if (field->is_repeated()) {
      return Malformed(method, absl::StrCat("path field ", field_path, " is repeated"));
    }
    const bool last = i + 1 == names.size();
    const bool is_message = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (last == is_message) {
      return Malformed(method, absl::StrCat("path field ", field_path, " must end at a scalar"));
    }
    fields->push_back(field);
    if (!last) message = field->message_type();
  }
  return absl::OkStatus();
}

absl::Status ParseSegment(const pb::MethodDescriptor& method, absl::string_view text,
                          PathSegment* segment) {
  if (text.empty()) return Malformed(method, "empty path segment");
  if (text.front() != '{') {
    if (absl::StrContains(text, '{') || absl::StrContains(text, '}')) {
      return Malformed(method, "a variable must fill a whole segment");
    }
    segment->literal = std::string(text);
    return absl::OkStatus();
  }
  if (text.back() != '}' || text.size() < 3) return Malformed(method, "unclosed variable");
  segment->is_variable = true;
  segment->field_path = std::string(text.substr(1, text.size() - 2));
  for (absl::string_view part : absl::StrSplit(segment->field_path, '.')) {
    if (!IsIdentifier(part)) return Malformed(method, "bad variable name");
  }
  return ResolveFieldPath(method, segment->field_path, &segment->fields);
}

absl::Status ParseTemplate(const pb::MethodDescriptor& method, Route* route) {
  if (!absl::StartsWith(route->path_template, "/") || route->path_template.size() < 2) {
    return Malformed(method, "path must start with '/' and name a resource");
  }
  std::set<std::string> variables;
  for (absl::string_view text : absl::StrSplit(route->path_template.substr(1), '/')) {
    PathSegment segment;
    if (absl::Status status = ParseSegment(method, text, &segment); !status.ok()) return status;
    if (segment.is_variable && !variables.insert(segment.field_path).second) {
      return Malformed(method, "variable used twice");
    }
    route->segments.push_back(std::move(segment));
  }
  return absl::OkStatus();
}

absl::Status ResolveBody(const pb::MethodDescriptor& method, Route* route) {
  if (route->body.empty() || route->body == "*") {
    if (!route->body.empty() && (route->http_method == "GET" || route->http_method == "DELETE")) {
      return Malformed(method, "GET and DELETE routes take no body");
    }
    return absl::OkStatus();
  }
  if (route->http_method == "GET" || route->http_method == "DELETE") {
    return Malformed(method, "GET and DELETE routes take no body");
  }
  route->body_field = method.input_type()->FindFieldByName(route->body);
  if (route->body_field == nullptr || route->body_field->is_repeated() ||
      route->body_field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    return Malformed(method, "body must name a singular message field of the request");
  }
  return absl::OkStatus();
}

// A scope is a lower-case kind ("office"); its field, if any, must be a path
// variable so that the gateway reads the place before binding the request.
absl::Status ResolveScope(const pb::MethodDescriptor& method, const api::v1::HttpRoute& option,
                          Route* route) {
  route->scope = option.scope();
  if (route->scope.empty()) {
    if (!option.scope_field().empty()) return Malformed(method, "scope_field needs a scope");
    return absl::OkStatus();
  }
  if (!std::all_of(route->scope.begin(), route->scope.end(),
                   [](char c) { return absl::ascii_islower(c) || c == '_'; })) {
    return Malformed(method, "scope: a lower-case kind such as \"office\"");
  }
  if (route->roles.empty() || route->allow_anonymous) {
    return Malformed(method, "a scoped route names its roles and needs a token");
  }
  if (option.scope_field().empty()) return absl::OkStatus();
  for (size_t i = 0; i < route->segments.size(); ++i) {
    if (route->segments[i].is_variable && route->segments[i].field_path == option.scope_field()) {
      route->scope_segment = static_cast<int>(i);
      return absl::OkStatus();
    }
  }
  return Malformed(method, "scope_field must be a variable of the path");
}

// Audit records are for staff actions that change something: a read or a
// route anyone may call is no staff action.
absl::Status ResolveAudit(const pb::MethodDescriptor& method, const api::v1::HttpRoute& option,
                          Route* route) {
  route->audit = option.audit();
  if (route->audit && (route->http_method == "GET" || route->allow_anonymous)) {
    return Malformed(method, "audit: only on routes that change state and need a token");
  }
  if (option.audit_response_id().empty()) return absl::OkStatus();
  route->audit_response_field = method.output_type()->FindFieldByName(option.audit_response_id());
  const pb::FieldDescriptor* field = route->audit_response_field;
  if (!route->audit || field == nullptr || field->is_repeated() ||
      field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    return Malformed(method, "audit_response_id: a scalar field of the response, with audit");
  }
  return absl::OkStatus();
}

absl::StatusOr<Route> BuildRoute(const pb::MethodDescriptor& method) {
  const api::v1::HttpRoute& option = method.options().GetExtension(api::v1::http);
  if (method.client_streaming() || method.server_streaming()) {
    return Malformed(method, "streaming methods cannot have an HTTP route");
  }
  Route route;
  route.http_method = option.method();
  if (std::find(std::begin(kMethods), std::end(kMethods), route.http_method) ==
      std::end(kMethods)) {
    return Malformed(method, "method must be GET, POST, PUT, PATCH or DELETE");
  }
  route.path_template = option.path();
  route.body = option.body();
  route.allow_anonymous = option.allow_anonymous();
  route.accepted = option.accepted();
  route.cache_max_age_seconds = option.cache_max_age_seconds();
  // Only what anyone may read can be cached by anyone (shared caches included).
  if (route.cache_max_age_seconds != 0 &&
      (route.http_method != "GET" || !route.allow_anonymous || route.cache_max_age_seconds < 0 ||
       route.cache_max_age_seconds > 86400)) {
    return Malformed(method, "cache_max_age_seconds: 1-86400, only on GET routes anyone may read");
  }
  for (const std::string& reason : option.reasons()) {
    if (FindReason(reason) == nullptr) {
      return Malformed(method, absl::StrCat("reason \"", reason,
                                            "\" is not in the reason catalog (gateway/reasons)"));
    }
    if (std::find(route.reasons.begin(), route.reasons.end(), reason) != route.reasons.end()) {
      return Malformed(method, absl::StrCat("reason \"", reason, "\" declared twice"));
    }
    route.reasons.push_back(reason);
  }
  route.method = &method;
  route.grpc_path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  for (int role : option.roles()) {
    const pb::EnumValueDescriptor* value = api::v1::Role_descriptor()->FindValueByNumber(role);
    if (value == nullptr || role == api::v1::ROLE_UNSPECIFIED) {
      return Malformed(method, "unknown role");
    }
    route.roles.insert(RoleName(*value));
  }
  if (absl::Status status = ParseTemplate(method, &route); !status.ok()) return status;
  if (absl::Status status = ResolveBody(method, &route); !status.ok()) return status;
  if (absl::Status status = ResolveScope(method, option, &route); !status.ok()) return status;
  if (absl::Status status = ResolveAudit(method, option, &route); !status.ok()) return status;
  return route;
}

// Two routes clash when they have the same method and the same shape: the
// same literals at the same places and variables at the same places.
std::string Shape(const Route& route) {
  std::vector<std::string> parts = {route.http_method};
  for (const PathSegment& segment : route.segments) {
    parts.push_back(segment.is_variable ? "{}" : segment.literal);
  }
  return absl::StrJoin(parts, "/");
}

bool MatchSegments(const Route& route, const std::vector<std::string>& segments,
                   RouteMatch* match) {
  if (route.segments.size() != segments.size()) return false;
  match->variables.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const PathSegment& segment = route.segments[i];
    if (segment.is_variable) {
      if (segments[i].empty()) return false;
      match->variables.emplace_back(&segment, segments[i]);
    } else if (segment.literal != segments[i]) {
      return false;
    }
  }
  match->route = &route;
  return true;
}

// Prefers the route whose first literal comes earlier: /v1/offices/search
// wins over /v1/offices/{office_id} for "search".
bool MoreSpecific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].is_variable != b.segments[i].is_variable) return !a.segments[i].is_variable;
  }
  return false;
}

}  // namespace

std::string RoleName(const pb::EnumValueDescriptor& value) {
  std::string name = absl::AsciiStrToLower(value.name());
  if (absl::StartsWith(name, "role_")) name = name.substr(5);
  return name;
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const pb::ServiceDescriptor*>& services) {
  RouteTable table;
  std::map<std::string, std::string> shapes;  // shape -> method that owns it
  for (const pb::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor& method = *service->method(i);
      if (!method.options().HasExtension(api::v1::http)) continue;
      absl::StatusOr<Route> route = BuildRoute(method);
      if (!route.ok()) return route.status();
      auto [it, inserted] = shapes.emplace(Shape(*route), method.full_name());
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat("duplicate route ", route->http_method, " ",
                                                       route->path_template, ": ", it->second,
                                                       " and ", method.full_name()));
      }
      table.routes_.push_back(*std::move(route));
    }
  }
  return table;
}

MatchResult RouteTable::Match(std::string_view http_method,
                              const std::vector<std::string>& segments) const {
  MatchResult result;
  RouteMatch candidate;
  for (const Route& route : routes_) {
    if (!MatchSegments(route, segments, &candidate)) continue;
    if (route.http_method != http_method) {
      result.allowed_methods.push_back(route.http_method);
      continue;
    }
    if (result.kind != MatchResult::Kind::kMatched || MoreSpecific(route, *result.match.route)) {
      result.kind = MatchResult::Kind::kMatched;
      result.match = candidate;
    }
  }
  if (result.kind != MatchResult::Kind::kMatched && !result.allowed_methods.empty()) {
    result.kind = MatchResult::Kind::kMethodNotAllowed;
  }
  return result;
}

}  // namespace stadt::gateway
