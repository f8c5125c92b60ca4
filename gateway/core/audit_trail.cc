#include "gateway/core/audit_trail.h"

#include <algorithm>
#include <memory>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/message.h"
#include "services/common/call_context.h"
#include "stadt/audit/v1/audit.pb.h"

namespace stadt::gateway {
namespace {

namespace pb = google::protobuf;

constexpr char kAppendPath[] = "/stadt.audit.v1.Audit/Append";

// Unique per record, not secret: the audit service's idempotency key.
std::string NewEventId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrFormat("%016x%016x", random(), random());
}

// The created object's id, if the route names a response field for it.
std::string ResponseId(const Route& route, const std::string& response) {
  const pb::FieldDescriptor* field = route.audit_response_field;
  if (field == nullptr) return "";
  std::unique_ptr<pb::Message> message(
      pb::MessageFactory::generated_factory()->GetPrototype(route.method->output_type())->New());
  if (!message->ParseFromString(response)) return "";
  const pb::Reflection& reflection = *message->GetReflection();
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return reflection.GetString(*message, field);
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(reflection.GetInt32(*message, field));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(reflection.GetInt64(*message, field));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(reflection.GetUInt32(*message, field));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(reflection.GetUInt64(*message, field));
    default:
      return "";
  }
}

// Ids go into the trail as printable ASCII without spaces, at most 256 bytes
// (what the audit service accepts): anything else percent-encoded, as in the
// URL it came from, so a hostile path segment can neither break the record
// nor be lost.
std::string PrintableId(std::string_view value) {
  constexpr size_t kMaxBytes = 256;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(std::min(value.size() * 3, kMaxBytes));
  for (unsigned char c : value) {
    if (out.size() + 3 > kMaxBytes) break;
    if (absl::ascii_isgraph(c) && c != '%') {
      out += static_cast<char>(c);
    } else {
      const char escaped[] = {'%', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escaped, sizeof escaped);
    }
  }
  return out;
}

}  // namespace

AuditContext MakeAuditContext(const RouteMatch& match, const auth::Identity& identity,
                              const std::string& request_id) {
  AuditContext context{.subject = PrintableId(identity.subject),
                       .roles = {},
                       .objects = {},
                       .request_id = request_id};
  // A token without a subject still leaves a record (GCC 12 warns wrongly
  // about assigning a one-character literal here, hence push_back).
  if (context.subject.empty()) context.subject.push_back('-');
  for (const std::string& role : identity.roles) {
    if (!role.empty()) context.roles.push_back(PrintableId(role));
  }
  for (const auto& [segment, value] : match.variables) {
    if (!value.empty()) context.objects.emplace_back(segment->field_path, PrintableId(value));
  }
  return context;
}

BackendCall AuditAppendCall(const Route& route, AuditContext context, const grpc::Status& status,
                            int http_status, std::string_view reason, const std::string& response,
                            absl::Duration timeout) {
  audit::v1::AppendRequest request;
  audit::v1::Entry& entry = *request.mutable_entry();
  entry.set_event_id(NewEventId());
  entry.set_subject(std::move(context.subject));
  for (std::string& role : context.roles) entry.add_roles(std::move(role));
  entry.set_rpc(absl::StrCat(route.method->service()->full_name(), "/", route.method->name()));
  for (auto& [name, id] : context.objects) {
    audit::v1::ObjectRef& object = *entry.add_objects();
    object.set_name(std::move(name));
    object.set_id(std::move(id));
  }
  if (status.ok()) {
    if (const std::string id = ResponseId(route, response); !id.empty()) {
      audit::v1::ObjectRef& object = *entry.add_objects();
      object.set_name(route.audit_response_field->name());
      object.set_id(PrintableId(id));
    }
  }
  entry.set_request_id(context.request_id);
  entry.set_grpc_code(static_cast<int>(status.error_code()));
  entry.set_http_status(http_status);
  if (!status.ok()) entry.set_reason(std::string(reason));
  BackendCall call;
  call.service = "stadt.audit.v1.Audit";
  call.grpc_path = kAppendPath;
  call.request = request.SerializeAsString();
  call.metadata = {{std::string(kRequestIdMetadata), std::move(context.request_id)}};
  call.timeout = timeout;
  call.idempotent = true;
  return call;
}

}  // namespace stadt::gateway
