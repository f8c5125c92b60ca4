#include "services/audit/domain/audit_record.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/common/crypto/crypto.h"

namespace stadt::audit {
namespace {

constexpr absl::string_view kFormat = "stadt.audit.v1";
constexpr size_t kMaxIdBytes = 256;
constexpr size_t kMaxListEntries = 32;

// A netstring: "<length>:<bytes>,". Unambiguous whatever the bytes hold.
void AppendField(std::string& out, absl::string_view value) {
  absl::StrAppend(&out, value.size(), ":", value, ",");
}

// Reads the fields AppendField wrote, in order.
class FieldReader {
 public:
  explicit FieldReader(absl::string_view text) : rest_(text) {}

  bool Next(absl::string_view& value) {
    const size_t colon = rest_.find(':');
    if (colon == absl::string_view::npos || colon == 0 || colon > 9) return false;
    size_t length = 0;
    if (!absl::SimpleAtoi(rest_.substr(0, colon), &length)) return false;
    if (rest_.size() < colon + 1 + length + 1 || rest_[colon + 1 + length] != ',') return false;
    value = rest_.substr(colon + 1, length);
    rest_.remove_prefix(colon + 1 + length + 1);
    return true;
  }
  template <typename Int>
  bool NextInt(Int& value) {
    absl::string_view text;
    return Next(text) && absl::SimpleAtoi(text, &value);
  }
  bool NextString(std::string& value) {
    absl::string_view text;
    if (!Next(text)) return false;
    value = std::string(text);
    return true;
  }
  bool AtEnd() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

bool IsPrintableId(std::string_view value) {
  return value.size() <= kMaxIdBytes && std::all_of(value.begin(), value.end(), [](char c) {
           return absl::ascii_isgraph(static_cast<unsigned char>(c));
         });
}

bool IsHexHash(std::string_view value) {
  return value.size() == kGenesisHash.size() && std::all_of(value.begin(), value.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

absl::Status Invalid(const char* field) {
  return absl::InvalidArgumentError(absl::StrCat("audit entry: missing or malformed ", field));
}

}  // namespace

absl::Status ValidateEntry(const Entry& entry) {
  if (entry.event_id.empty() || !IsPrintableId(entry.event_id)) return Invalid("event_id");
  if (entry.subject.empty() || !IsPrintableId(entry.subject)) return Invalid("subject");
  if (entry.rpc.empty() || !IsPrintableId(entry.rpc)) return Invalid("rpc");
  if (!IsPrintableId(entry.request_id)) return Invalid("request_id");
  if (!IsPrintableId(entry.reason)) return Invalid("reason");
  if (entry.roles.size() > kMaxListEntries) return Invalid("roles");
  for (const std::string& role : entry.roles) {
    if (role.empty() || !IsPrintableId(role)) return Invalid("roles");
  }
  if (entry.objects.size() > kMaxListEntries) return Invalid("objects");
  for (const ObjectRef& object : entry.objects) {
    if (object.name.empty() || !IsPrintableId(object.name) || object.id.empty() ||
        !IsPrintableId(object.id)) {
      return Invalid("objects");
    }
  }
  if (entry.grpc_code < 0 || entry.grpc_code > 16) return Invalid("grpc_code");
  if (entry.http_status < 100 || entry.http_status > 599) return Invalid("http_status");
  return absl::OkStatus();
}

std::string CanonicalBytes(const Record& record) {
  std::string out;
  AppendField(out, kFormat);
  AppendField(out, absl::StrCat(record.sequence));
  AppendField(out, absl::StrCat(absl::ToUnixMicros(record.time)));
  const Entry& entry = record.entry;
  AppendField(out, entry.event_id);
  AppendField(out, entry.subject);
  AppendField(out, absl::StrCat(entry.roles.size()));
  for (const std::string& role : entry.roles) AppendField(out, role);
  AppendField(out, entry.rpc);
  AppendField(out, absl::StrCat(entry.objects.size()));
  for (const ObjectRef& object : entry.objects) {
    AppendField(out, object.name);
    AppendField(out, object.id);
  }
  AppendField(out, entry.request_id);
  AppendField(out, absl::StrCat(entry.grpc_code));
  AppendField(out, absl::StrCat(entry.http_status));
  AppendField(out, entry.reason);
  AppendField(out, record.previous_hash);
  return out;
}

std::string HashOf(const Record& record) {
  return absl::BytesToHexString(crypto::Sha256(CanonicalBytes(record)));
}

void Seal(Record& record, std::string_view previous_hash) {
  record.previous_hash = std::string(previous_hash);
  record.hash = HashOf(record);
}

std::string Encode(const Record& record) {
  std::string out = CanonicalBytes(record);
  AppendField(out, record.hash);
  return out;
}

absl::StatusOr<Record> Decode(std::string_view stored) {
  const absl::Status malformed = absl::InvalidArgumentError("not an audit record");
  FieldReader reader(absl::string_view(stored.data(), stored.size()));
  absl::string_view format;
  if (!reader.Next(format) || format != kFormat) return malformed;
  Record record;
  int64_t micros = 0;
  if (!reader.NextInt(record.sequence) || !reader.NextInt(micros)) return malformed;
  record.time = absl::FromUnixMicros(micros);
  Entry& entry = record.entry;
  size_t roles = 0;
  if (!reader.NextString(entry.event_id) || !reader.NextString(entry.subject) ||
      !reader.NextInt(roles) || roles > kMaxListEntries) {
    return malformed;
  }
  entry.roles.resize(roles);
  for (std::string& role : entry.roles) {
    if (!reader.NextString(role)) return malformed;
  }
  size_t objects = 0;
  if (!reader.NextString(entry.rpc) || !reader.NextInt(objects) || objects > kMaxListEntries) {
    return malformed;
  }
  entry.objects.resize(objects);
  for (ObjectRef& object : entry.objects) {
    if (!reader.NextString(object.name) || !reader.NextString(object.id)) return malformed;
  }
  if (!reader.NextString(entry.request_id) || !reader.NextInt(entry.grpc_code) ||
      !reader.NextInt(entry.http_status) || !reader.NextString(entry.reason) ||
      !reader.NextString(record.previous_hash) || !reader.NextString(record.hash) ||
      !reader.AtEnd() || !IsHexHash(record.previous_hash) || !IsHexHash(record.hash)) {
    return malformed;
  }
  return record;
}

}  // namespace stadt::audit
