#include "gateway/transcode/transcoder.h"

#include <cmath>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/transcode/json_render.h"
#include "gateway/transcode/utf8.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

namespace pb = google::protobuf;
using Field = pb::FieldDescriptor;

constexpr size_t kMaxQueryParams = 64;

absl::Status BadParameter(std::string_view name, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(name), ": ", ToAbsl(problem)));
}

template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  return absl::SimpleAtoi(ToAbsl(text), out);
}

bool ParseBool(std::string_view text, bool* out) {
  if (text == "true" || text == "1") return *out = true, true;
  if (text == "false" || text == "0") return *out = false, true;
  return false;
}

// Sets (or, for repeated fields, appends) one scalar from its text form.
absl::Status SetScalar(pb::Message* message, const Field* field, std::string_view name,
                       std::string_view text) {
  const pb::Reflection* reflection = message->GetReflection();
  const bool repeated = field->is_repeated();
  auto bad = [&](std::string_view expected) {
    return BadParameter(name, absl::StrCat("expected ", ToAbsl(expected)));
  };
  switch (field->cpp_type()) {
    case Field::CPPTYPE_STRING: {
      if (field->type() == Field::TYPE_BYTES) return bad("a JSON body for bytes");
      if (!IsValidUtf8(text)) return bad("UTF-8 text");
      std::string value(text);
      repeated ? reflection->AddString(message, field, value)
               : reflection->SetString(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_INT32: {
      int32_t value;
      if (!ParseInt(text, &value)) return bad("a 32-bit integer");
      repeated ? reflection->AddInt32(message, field, value)
               : reflection->SetInt32(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_INT64: {
      int64_t value;
      if (!ParseInt(text, &value)) return bad("a 64-bit integer");
      repeated ? reflection->AddInt64(message, field, value)
               : reflection->SetInt64(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_UINT32: {
      uint32_t value;
      if (!ParseInt(text, &value)) return bad("an unsigned 32-bit integer");
      repeated ? reflection->AddUInt32(message, field, value)
               : reflection->SetUInt32(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_UINT64: {
      uint64_t value;
      if (!ParseInt(text, &value)) return bad("an unsigned 64-bit integer");
      repeated ? reflection->AddUInt64(message, field, value)
               : reflection->SetUInt64(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_BOOL: {
      bool value;
      if (!ParseBool(text, &value)) return bad("true or false");
      repeated ? reflection->AddBool(message, field, value)
               : reflection->SetBool(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_DOUBLE:
    case Field::CPPTYPE_FLOAT: {
      double value;
      if (!absl::SimpleAtod(ToAbsl(text), &value) || !std::isfinite(value)) return bad("a number");
      if (field->cpp_type() == Field::CPPTYPE_FLOAT) {
        if (std::fabs(value) > std::numeric_limits<float>::max()) return bad("a number");
        repeated ? reflection->AddFloat(message, field, static_cast<float>(value))
                 : reflection->SetFloat(message, field, static_cast<float>(value));
      } else {
        repeated ? reflection->AddDouble(message, field, value)
                 : reflection->SetDouble(message, field, value);
      }
      return absl::OkStatus();
    }
    case Field::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* value = field->enum_type()->FindValueByName(std::string(text));
      if (value == nullptr) return bad("one of the enum's names");
      repeated ? reflection->AddEnum(message, field, value)
               : reflection->SetEnum(message, field, value);
      return absl::OkStatus();
    }
    case Field::CPPTYPE_MESSAGE:
      break;
  }
  return bad("a scalar field");
}

// Finds a field by proto name or JSON name.
const Field* FindField(const pb::Descriptor& message, std::string_view name) {
  const Field* field = message.FindFieldByName(std::string(name));
  return field != nullptr ? field : message.FindFieldByCamelcaseName(std::string(name));
}

// Walks "a.b.c" down singular message fields, returning the leaf's message.
absl::StatusOr<std::pair<pb::Message*, const Field*>> ResolveQueryField(pb::Message* request,
                                                                        std::string_view name) {
  pb::Message* message = request;
  std::vector<std::string> parts = absl::StrSplit(ToAbsl(name), '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const Field* field = FindField(*message->GetDescriptor(), parts[i]);
    if (field == nullptr) return BadParameter(name, "unknown query parameter");
    if (i + 1 == parts.size()) {
      if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
        return BadParameter(name, "cannot be set from a query parameter");
      }
      return std::make_pair(message, field);
    }
    if (field->cpp_type() != Field::CPPTYPE_MESSAGE || field->is_repeated()) {
      return BadParameter(name, "unknown query parameter");
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return BadParameter(name, "unknown query parameter");
}

absl::Status BindBody(const Route& route, std::string_view body, pb::Message* request) {
  if (route.body.empty()) {
    if (!body.empty()) return absl::InvalidArgumentError("body: this route takes no body");
    return absl::OkStatus();
  }
  if (body.empty()) return absl::InvalidArgumentError("body: a JSON body is required");
  // JSON is UTF-8 (RFC 8259), and Protobuf's parse errors quote the offending
  // text, which must not carry other bytes into the JSON error response.
  if (!IsValidUtf8(body)) return absl::InvalidArgumentError("body: not UTF-8 text");
  pb::Message* target = route.body_field == nullptr
                            ? request
                            : request->GetReflection()->MutableMessage(request, route.body_field);
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  pb::util::Status status = pb::util::JsonStringToMessage(body, target, options);
  if (!status.ok()) {
    // Protobuf's parser messages name the offending field and are free of
    // server internals, so they help the client fix the request.
    return absl::InvalidArgumentError(absl::StrCat(
        "body: ", absl::string_view(status.message().data(), status.message().size())));
  }
  return absl::OkStatus();
}

absl::Status BindQuery(const Route& route, const QueryParams& query, pb::Message* request) {
  if (query.size() > kMaxQueryParams) {
    return absl::InvalidArgumentError("query: too many parameters");
  }
  for (const auto& [name, value] : query) {
    // Error messages name the parameter, and they go out as JSON text.
    if (!IsValidUtf8(name))
      return absl::InvalidArgumentError("query: a parameter name is not UTF-8");
    absl::StatusOr<std::pair<pb::Message*, const Field*>> target = ResolveQueryField(request, name);
    if (!target.ok()) return target.status();
    if (route.body == "*" || (route.body_field != nullptr && name.starts_with(route.body + ".")) ||
        name == route.body) {
      return BadParameter(name, "is set by the body");
    }
    const bool already_set =
        !target->second->is_repeated() &&
        target->first->GetReflection()->HasField(*target->first, target->second);
    if (already_set) return BadParameter(name, "given twice");
    if (absl::Status status = SetScalar(target->first, target->second, name, value); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status BindPath(const RouteMatch& match, pb::Message* request) {
  for (const auto& [segment, value] : match.variables) {
    pb::Message* message = request;
    for (size_t i = 0; i + 1 < segment->fields.size(); ++i) {
      message = message->GetReflection()->MutableMessage(message, segment->fields[i]);
    }
    if (absl::Status status =
            SetScalar(message, segment->fields.back(), segment->field_path, value);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status BindRequest(const RouteMatch& match, const QueryParams& query, std::string_view body,
                         pb::Message* request) {
  if (absl::Status status = BindBody(*match.route, body, request); !status.ok()) return status;
  if (absl::Status status = BindQuery(*match.route, query, request); !status.ok()) return status;
  return BindPath(match, request);
}

absl::StatusOr<std::string> RenderJson(const pb::Message& message) {
  std::string json;
  json.reserve(512);
  const absl::Status rendered = AppendJson(message, &json);
  if (rendered.ok()) return json;
  if (rendered.code() != absl::StatusCode::kUnimplemented) {
    return absl::InternalError("cannot render response");
  }
  // A well-known type AppendJson leaves to Protobuf's printer.
  json.clear();
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  pb::util::Status status = pb::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError("cannot render response");
  return json;
}

}  // namespace stadt::gateway
