#include "gateway/openapi/openapi.h"

#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/array.hpp"
#include "boost/json/value.hpp"
#include "gateway/reasons/reason_catalog.h"
#include "google/protobuf/descriptor.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

namespace json = boost::json;
namespace pb = google::protobuf;
using Field = pb::FieldDescriptor;

// Query parameters may reach into nested messages ("filter.author"); bounded
// so that recursive messages cannot make the document explode.
constexpr int kMaxQueryDepth = 3;
constexpr std::string_view kErrorSchema = "Error";

json::object Ref(std::string_view schema_name) {
  return {{"$ref", absl::StrCat("#/components/schemas/", ToAbsl(schema_name))}};
}

json::object JsonContent(json::value schema) {
  return {{"application/json", json::object{{"schema", std::move(schema)}}}};
}

json::object ErrorReply(std::string_view description) {
  return {{"description", description}, {"content", JsonContent(Ref(kErrorSchema))}};
}

// The route's own refusals with this status: the error schema narrowed to
// their reasons, and the reasons named in the description beside what the
// status says in general.
void AddDeclaredRefusals(const Route& route, json::object& responses) {
  std::map<int, std::vector<std::string>> by_status;
  for (const std::string& reason : route.reasons) {
    if (const ReasonText* text = FindReason(reason)) by_status[text->http_status].push_back(reason);
  }
  for (const auto& [status, reasons] : by_status) {
    const std::string key = absl::StrCat(status);
    std::string description =
        responses.contains(key) ? std::string(responses[key].as_object()["description"].as_string())
                                : "Refused.";
    absl::StrAppend(&description,
                    " Refusals of this route (details[0].reason): ", absl::StrJoin(reasons, ", "),
                    ".");
    json::array values;
    for (const std::string& reason : reasons) values.emplace_back(json::string(reason));
    json::object reason_schema{{"type", "string"}, {"enum", std::move(values)}};
    json::object detail{{"type", "object"},
                        {"properties", json::object{{"reason", std::move(reason_schema)}}}};
    json::object narrowed{
        {"type", "object"},
        {"properties",
         json::object{{"details", json::object{{"type", "array"}, {"items", std::move(detail)}}}}}};
    json::object schema{{"allOf", json::array{Ref(kErrorSchema), std::move(narrowed)}}};
    responses[key] =
        json::object{{"description", description}, {"content", JsonContent(std::move(schema))}};
  }
}

// Every reason with its status and messages, once for the whole document.
json::object ReasonTable() {
  json::object table;
  for (const ReasonText& text : AllReasons()) {
    table[text.reason] =
        json::object{{"status", text.http_status}, {"de", text.de}, {"en", text.en}};
  }
  return table;
}

json::object Typed(std::string_view type, std::string_view format = "") {
  json::object schema{{"type", type}};
  if (!format.empty()) schema["format"] = format;
  return schema;
}

// The proto3 JSON form of each scalar type: 64-bit integers are strings
// (JavaScript numbers cannot hold them), bytes are base64.
json::object ScalarSchema(Field::Type type) {
  switch (type) {
    case Field::TYPE_INT32:
    case Field::TYPE_SINT32:
    case Field::TYPE_SFIXED32:
      return Typed("integer", "int32");
    case Field::TYPE_UINT32:
    case Field::TYPE_FIXED32: {
      json::object schema = Typed("integer", "int64");
      schema["minimum"] = 0;
      schema["maximum"] = std::uint64_t{4294967295u};
      return schema;
    }
    case Field::TYPE_INT64:
    case Field::TYPE_SINT64:
    case Field::TYPE_SFIXED64:
      return Typed("string", "int64");
    case Field::TYPE_UINT64:
    case Field::TYPE_FIXED64:
      return Typed("string", "uint64");
    case Field::TYPE_DOUBLE:
      return Typed("number", "double");
    case Field::TYPE_FLOAT:
      return Typed("number", "float");
    case Field::TYPE_BOOL:
      return Typed("boolean");
    case Field::TYPE_BYTES:
      return Typed("string", "byte");
    default:
      return Typed("string");
  }
}

// Well-known types have a JSON form of their own instead of an object of
// their fields.
std::optional<json::object> WellKnownSchema(const pb::Descriptor& message) {
  const std::string& name = message.full_name();
  if (name == "google.protobuf.Timestamp") return Typed("string", "date-time");
  if (name == "google.protobuf.Duration") {
    json::object schema = Typed("string");
    schema["pattern"] = R"(^-?[0-9]+(\.[0-9]{1,9})?s$)";
    schema["example"] = "1.5s";
    return schema;
  }
  if (name == "google.protobuf.FieldMask") return Typed("string");
  if (name == "google.protobuf.Empty") return Typed("object");
  if (name == "google.protobuf.Struct") {
    json::object schema = Typed("object");
    schema["additionalProperties"] = true;
    return schema;
  }
  if (name == "google.protobuf.Value") return json::object{};
  if (name == "google.protobuf.ListValue") {
    json::object schema = Typed("array");
    schema["items"] = json::object{};
    return schema;
  }
  if (name == "google.protobuf.Any") {
    json::object schema = Typed("object");
    schema["properties"] = json::object{{"@type", Typed("string")}};
    schema["additionalProperties"] = true;
    return schema;
  }
  if (message.file()->name() == "google/protobuf/wrappers.proto") {
    // A wrapper is its value, or null when unset.
    json::object schema = ScalarSchema(message.FindFieldByName("value")->type());
    schema["nullable"] = true;
    return schema;
  }
  return std::nullopt;
}

// Collects components/schemas while field schemas are built.
class SchemaRegistry {
 public:
  json::value FieldSchema(const Field& field) {
    if (field.is_map()) {
      json::object schema = Typed("object");
      schema["additionalProperties"] = ElementSchema(*field.message_type()->map_value());
      return schema;
    }
    if (field.is_repeated()) {
      json::object schema = Typed("array");
      schema["items"] = ElementSchema(field);
      return schema;
    }
    return ElementSchema(field);
  }

  json::value MessageSchema(const pb::Descriptor& message) {
    if (std::optional<json::object> known = WellKnownSchema(message)) return *std::move(known);
    const std::string& name = message.full_name();
    if (!schemas_.contains(name)) {
      schemas_[name] = json::object{};  // Placeholder first: messages may refer to themselves.
      json::object properties;
      for (int i = 0; i < message.field_count(); ++i) {
        const Field& field = *message.field(i);
        properties[field.json_name()] = FieldSchema(field);
      }
      json::object schema = Typed("object");
      schema["properties"] = std::move(properties);
      schemas_[name] = std::move(schema);
    }
    return Ref(name);
  }

  json::object Take() {
    json::object out;
    for (auto& [name, schema] : schemas_) out[name] = std::move(schema);
    return out;
  }

 private:
  json::value ElementSchema(const Field& field) {
    if (field.type() == Field::TYPE_MESSAGE || field.type() == Field::TYPE_GROUP) {
      return MessageSchema(*field.message_type());
    }
    if (field.type() == Field::TYPE_ENUM) return EnumSchema(*field.enum_type());
    return ScalarSchema(field.type());
  }

  // Enums travel as their value names.
  json::value EnumSchema(const pb::EnumDescriptor& type) {
    const std::string& name = type.full_name();
    if (!schemas_.contains(name)) {
      json::array values;
      for (int i = 0; i < type.value_count(); ++i) values.emplace_back(type.value(i)->name());
      json::object schema = Typed("string");
      schema["enum"] = std::move(values);
      schemas_[name] = std::move(schema);
    }
    return Ref(name);
  }

  std::map<std::string, json::value> schemas_;  // Sorted: a stable document.
};

// Routes whose templates have literals and variables at the same places are
// the same OpenAPI path, which must then use one set of variable names; the
// first route of each shape names them (names never reach the wire).
struct PathKey {
  std::string path;
  std::vector<std::string> variable_names;
};

std::string ShapeOf(const Route& route) {
  std::vector<std::string> parts;
  for (const PathSegment& segment : route.segments) {
    parts.push_back(segment.is_variable ? "{}" : segment.literal);
  }
  return absl::StrJoin(parts, "/");
}

std::map<std::string, PathKey> PathKeysByShape(const RouteTable& routes) {
  std::map<std::string, PathKey> keys;
  for (const Route& route : routes.routes()) {
    std::string shape = ShapeOf(route);
    if (keys.contains(shape)) continue;
    PathKey key{route.path_template, {}};
    for (const PathSegment& segment : route.segments) {
      if (segment.is_variable) key.variable_names.push_back(segment.field_path);
    }
    keys.emplace(std::move(shape), std::move(key));
  }
  return keys;
}

bool CanBeQueryParameter(const Field& field) {
  return !field.is_map() && field.type() != Field::TYPE_BYTES &&
         (field.cpp_type() != Field::CPPTYPE_MESSAGE || !field.is_repeated());
}

// Every scalar the transcoder would take from the query string: fields that
// are neither bound by the path nor by the body, by their JSON names.
void AddQueryParameters(const pb::Descriptor& message, const std::string& proto_prefix,
                        const std::string& json_prefix, int depth,
                        const std::set<std::string>& excluded, SchemaRegistry& schemas,
                        json::array& parameters) {
  for (int i = 0; i < message.field_count(); ++i) {
    const Field& field = *message.field(i);
    const std::string proto_path = proto_prefix + field.name();
    const std::string json_path = json_prefix + field.json_name();
    if (excluded.contains(proto_path) || !CanBeQueryParameter(field)) continue;
    if (field.cpp_type() == Field::CPPTYPE_MESSAGE) {
      if (depth + 1 < kMaxQueryDepth && !WellKnownSchema(*field.message_type()).has_value()) {
        AddQueryParameters(*field.message_type(), proto_path + ".", json_path + ".", depth + 1,
                           excluded, schemas, parameters);
      }
      continue;
    }
    parameters.emplace_back(json::object{{"name", json_path},
                                         {"in", "query"},
                                         {"required", false},
                                         {"schema", schemas.FieldSchema(field)}});
  }
}

json::array Parameters(const Route& route, const PathKey& key, SchemaRegistry& schemas) {
  json::array parameters;
  std::set<std::string> excluded;
  size_t variable = 0;
  for (const PathSegment& segment : route.segments) {
    if (!segment.is_variable) continue;
    excluded.insert(segment.field_path);
    json::object parameter{{"name", key.variable_names[variable++]},
                           {"in", "path"},
                           {"required", true},
                           {"schema", schemas.FieldSchema(*segment.fields.back())}};
    parameter["description"] = absl::StrCat("Sets the request field `", segment.field_path, "`.");
    parameters.emplace_back(std::move(parameter));
  }
  if (route.body == "*") return parameters;
  if (!route.body.empty()) excluded.insert(route.body);
  AddQueryParameters(*route.method->input_type(), "", "", 0, excluded, schemas, parameters);
  return parameters;
}

std::string AccessDescription(const Route& route) {
  if (route.allow_anonymous) return "Access: anyone; a bearer token is optional.";
  if (route.roles.empty()) return "Access: any authenticated caller.";
  std::vector<std::string> roles(route.roles.begin(), route.roles.end());
  std::string access = absl::StrCat(
      "Access: a bearer token with one of the roles: ", absl::StrJoin(roles, ", "), ".");
  if (!route.scope.empty()) {
    absl::StrAppend(&access, " Scoped: the token needs the scope ", route.scope, ":<id> (or ",
                    route.scope, ":*) for the ", route.scope, " of the object acted on.");
  }
  return access;
}

json::object Responses(const Route& route, bool needs_pow, SchemaRegistry& schemas) {
  json::object responses;
  responses[route.accepted ? "202" : "200"] =
      json::object{{"description", route.accepted ? "Accepted" : "OK"},
                   {"content", JsonContent(schemas.MessageSchema(*route.method->output_type()))}};
  if (route.cache_max_age_seconds > 0) {
    responses["304"] = json::object{
        {"description",
         absl::StrCat("Not Modified: the If-None-Match header named the current ETag. Answers "
                      "of this public catalog read carry an ETag and may be cached for ",
                      route.cache_max_age_seconds, " s (Cache-Control: public).")}};
  }
  responses["400"] = ErrorReply("The request is malformed or invalid.");
  responses["401"] = ErrorReply("The bearer token is missing, malformed or refused.");
  if (needs_pow) {
    const std::string refused =
        "The proof-of-work solution was refused (pow_invalid, pow_expired, pow_replayed): get a "
        "new challenge.";
    responses["403"] = ErrorReply(
        route.roles.empty()
            ? refused
            : absl::StrCat("The caller's role may not use this (role_not_allowed), or: ", refused));
    responses["428"] = ErrorReply(absl::StrCat(
        "No proof-of-work solution (pow_required): get a challenge from GET ",
        ToAbsl(kPowChallengePath), ", solve it and send it in ", ToAbsl(kPowSolutionHeader), "."));
  } else if (!route.roles.empty()) {
    responses["403"] = ErrorReply("The caller's role may not use this.");
  }
  responses["404"] = ErrorReply("No such object.");
  json::object too_many = ErrorReply("Too many requests; retry after the Retry-After seconds.");
  too_many["headers"] = json::object{
      {"Retry-After", json::object{{"description", "Seconds until a retry may succeed."},
                                   {"schema", json::object{{"type", "integer"}, {"minimum", 1}}}}}};
  responses["429"] = std::move(too_many);
  AddDeclaredRefusals(route, responses);
  responses["default"] = ErrorReply("Any other error, in the same error format.");  // kept last
  return responses;
}

json::object PowSolutionParameter() {
  json::object schema = Typed("string", "byte");
  schema["maxLength"] = 2048;
  return {{"name", kPowSolutionHeader},
          {"in", "header"},
          {"required", true},
          {"description",
           absl::StrCat("A solved proof-of-work challenge (GET ", ToAbsl(kPowChallengePath),
                        "): base64 of the JSON {\"algorithm\", \"challenge\", \"number\", "
                        "\"salt\", \"signature\"}, where number is the one with hex "
                        "SHA-256(salt + number) = challenge. Each solution is accepted once.")},
          {"schema", std::move(schema)}};
}

json::object Operation(const Route& route, const PathKey& key, const std::string& operation_id,
                       bool needs_pow, SchemaRegistry& schemas) {
  json::object operation;
  operation["operationId"] = operation_id;
  operation["tags"] = json::array{json::string(route.method->service()->name())};
  operation["summary"] = route.method->name();
  // The access sentence stays last: readers (the bad-input sweep) parse the
  // roles from it to the end.
  operation["description"] =
      needs_pow ? absl::StrCat("Needs a solved proof-of-work challenge in ",
                               ToAbsl(kPowSolutionHeader), ". ", AccessDescription(route))
                : AccessDescription(route);
  operation["x-grpc-method"] = route.grpc_path;
  // Clients and reviewers see which calls leave an audit record.
  if (route.audit) operation["x-stadt-audit"] = true;
  json::array parameters = Parameters(route, key, schemas);
  if (needs_pow) parameters.emplace_back(PowSolutionParameter());
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);
  if (!route.body.empty()) {
    const pb::Descriptor& body_type = route.body_field != nullptr
                                          ? *route.body_field->message_type()
                                          : *route.method->input_type();
    operation["requestBody"] = json::object{
        {"required", true}, {"content", JsonContent(schemas.MessageSchema(body_type))}};
  }
  operation["responses"] = Responses(route, needs_pow, schemas);
  json::array reasons;
  for (const std::string& reason : route.reasons) reasons.emplace_back(json::string(reason));
  operation["x-reasons"] = std::move(reasons);
  json::array security;
  if (route.allow_anonymous) security.emplace_back(json::object{});
  security.emplace_back(json::object{{"bearerAuth", json::array{}}});
  operation["security"] = std::move(security);
  return operation;
}

// Method names are the natural operation ids; a name that two services share
// is qualified by its service.
std::map<const Route*, std::string> OperationIds(const RouteTable& routes) {
  std::map<std::string, int> uses;
  for (const Route& route : routes.routes()) ++uses[route.method->name()];
  std::map<const Route*, std::string> ids;
  for (const Route& route : routes.routes()) {
    const std::string& name = route.method->name();
    ids[&route] = uses[name] == 1 ? name : absl::StrCat(route.method->service()->name(), "_", name);
  }
  return ids;
}

json::object PlainGet(std::string_view operation_id, std::string_view summary,
                      std::string_view media_type, json::object schema) {
  json::object ok{{"description", "OK"},
                  {"content", json::object{{media_type, json::object{{"schema", schema}}}}}};
  return {{"get", json::object{{"operationId", operation_id},
                               {"tags", json::array{"Gateway"}},
                               {"summary", summary},
                               {"responses", json::object{{"200", std::move(ok)},
                                                          {"default", ErrorReply("Error.")}}}}}};
}

json::object PowChallengeSchema() {
  json::object schema = Typed("object");
  schema["required"] =
      json::array{"algorithm", "challenge", "salt", "maxNumber", "signature", "expires"};
  json::object algorithm = Typed("string");
  algorithm["enum"] = json::array{"SHA-256"};
  json::object max_number = Typed("integer", "int64");
  max_number["minimum"] = 1;
  schema["properties"] = json::object{
      {"algorithm", std::move(algorithm)},
      {"challenge", json::object{{"type", "string"},
                                 {"description",
                                  "Hex SHA-256 of salt + number, for a secret "
                                  "number in [0, maxNumber]."}}},
      {"salt", json::object{{"type", "string"},
                            {"description", "Random nonce and expiry; hash it unchanged."}}},
      {"maxNumber", std::move(max_number)},
      {"signature", json::object{{"type", "string"},
                                 {"description",
                                  "The gateway's signature of the challenge; "
                                  "send it back unchanged."}}},
      {"expires", Typed("string", "date-time")}};
  return schema;
}

json::object StatusSchema() {
  json::object schema = Typed("object");
  schema["properties"] = json::object{{"status", Typed("string")}};
  return schema;
}

// The gateway's own endpoints, which no proto declares.
void AddGatewayPaths(json::object& paths) {
  paths["/healthz"] =
      PlainGet("Healthz", "Liveness of the gateway process.", "application/json", StatusSchema());
  paths["/readyz"] = PlainGet("Readyz", "Readiness: every backend reports SERVING.",
                              "application/json", StatusSchema());
  paths["/openapi.json"] =
      PlainGet("OpenApi", "This document.", "application/json", Typed("object"));
  paths["/metrics"] = PlainGet("Metrics", "Prometheus metrics in the text exposition format.",
                               "text/plain", Typed("string"));
  json::object pow =
      PlainGet("PowChallenge",
               "A proof-of-work challenge for the routes that need one. Find the number with hex "
               "SHA-256(salt + number) = challenge, then send the solution in the X-Pow-Solution "
               "header before the challenge expires.",
               "application/json", PowChallengeSchema());
  json::object& responses = pow["get"].as_object()["responses"].as_object();
  json::value fallback = responses["default"];
  responses.erase("default");  // kept last
  responses["404"] = ErrorReply("This gateway asks for no proof of work (pow_not_enabled).");
  responses["default"] = std::move(fallback);
  pow["get"].as_object()["x-reasons"] = json::array{"pow_not_enabled"};
  paths[kPowChallengePath] = std::move(pow);
}

json::object ErrorSchema() {
  json::object detail = Typed("object");
  detail["properties"] = json::object{
      {"reason",
       json::object{{"type", "string"},
                    {"description",
                     "Stable machine-readable reason, e.g. rate_limited. Each operation lists "
                     "its own in x-reasons; those any operation may answer are in "
                     "x-common-reasons; x-reasons at the top names the status and the German "
                     "and English message of every reason."}}},
      {"detail", json::object{{"type", "string"},
                              {"description",
                               "The service's own explanation, for developers (English), when the "
                               "message is the catalog's text for people."}}}};
  json::object schema = Typed("object");
  schema["required"] = json::array{"code", "status", "message", "details"};
  schema["properties"] = json::object{
      {"code", json::object{{"type", "integer"}, {"description", "gRPC status code number."}}},
      {"status", json::object{{"type", "string"}, {"description", "gRPC status code name."}}},
      {"message", json::object{{"type", "string"},
                               {"description",
                                "For people: German, or English with Accept-Language: en "
                                "(Content-Language says which)."}}},
      {"details", json::object{{"type", "array"}, {"items", std::move(detail)}}}};
  return schema;
}

}  // namespace

json::object BuildOpenApi(const RouteTable& routes, const OpenApiInfo& info) {
  SchemaRegistry schemas;
  const std::map<std::string, PathKey> keys = PathKeysByShape(routes);
  const std::map<const Route*, std::string> operation_ids = OperationIds(routes);
  json::object paths;
  for (const Route& route : routes.routes()) {
    const PathKey& key = keys.at(ShapeOf(route));
    json::value& path = paths[key.path];
    if (!path.is_object()) path.emplace_object();
    const bool needs_pow = info.pow_routes.contains({route.http_method, route.path_template});
    path.as_object()[absl::AsciiStrToLower(route.http_method)] =
        Operation(route, key, operation_ids.at(&route), needs_pow, schemas);
  }
  AddGatewayPaths(paths);

  json::object components;
  json::object schema_list = schemas.Take();
  schema_list[kErrorSchema] = ErrorSchema();
  components["schemas"] = std::move(schema_list);
  components["securitySchemes"] = json::object{
      {"bearerAuth", json::object{{"type", "http"},
                                  {"scheme", "bearer"},
                                  {"bearerFormat", "JWT"},
                                  {"description",
                                   "An access token of the city's identity "
                                   "provider; roles and scopes in the claims the gateway is "
                                   "configured with (docs/roles.md)."}}}};
  json::array common;
  for (std::string_view reason : CommonReasons()) common.emplace_back(json::string(reason));
  return {{"openapi", "3.0.3"},
          {"info", json::object{{"title", info.title}, {"version", info.version}}},
          {"servers", json::array{json::object{{"url", "/"}}}},
          {"paths", std::move(paths)},
          {"components", std::move(components)},
          {"x-common-reasons", std::move(common)},
          {"x-reasons", ReasonTable()}};
}

}  // namespace stadt::gateway
