#include "gateway/transcode/json_render.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace stadt::gateway {
namespace {

namespace pb = google::protobuf;
using Field = pb::FieldDescriptor;

// Range of google.protobuf.Timestamp (0001-01-01 to 9999-12-31, UTC) and of
// google.protobuf.Duration (about 10,000 years), as in their definitions.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
constexpr int64_t kMaxDurationSeconds = 315576000000;
constexpr int32_t kMaxNanos = 999999999;

// Like Protobuf's printer, escapes '<' and '>' (the JSON may end up in HTML)
// and the line separators JavaScript treats as line ends.
bool NeedsNoEscape(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>';
}

void AppendString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    // Runs of plain characters, the usual case, are copied at once.
    size_t plain = i;
    while (plain < text.size() && NeedsNoEscape(static_cast<unsigned char>(text[plain]))) ++plain;
    if (plain > i) {
      out->append(text.data() + i, plain - i);
      i = plain;
      if (i == text.size()) break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      case '\b':
        out->append("\\b");
        continue;
      case '\f':
        out->append("\\f");
        continue;
      case '<':
        out->append("\\u003c");
        continue;
      case '>':
        out->append("\\u003e");
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      absl::StrAppendFormat(out, "\\u%04x", c);
    } else if (c == 0xe2 && i + 2 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(text[i + 2]) == 0xa8 ||
                static_cast<unsigned char>(text[i + 2]) == 0xa9)) {
      // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
      out->append(static_cast<unsigned char>(text[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029");
      i += 2;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

template <typename Float>
void AppendFloat(Float value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    // As Protobuf prints them (so clients see the same text as before):
    // %g with the digits the type always keeps, or with enough for an exact
    // round trip when those do not read back as the same value.
    char buffer[64];
    char* const last = buffer + sizeof(buffer);
    std::to_chars_result printed = std::to_chars(buffer, last, value, std::chars_format::general,
                                                 std::numeric_limits<Float>::digits10);
    Float read_back{};
    std::from_chars(buffer, printed.ptr, read_back);
    if (read_back != value) {
      printed = std::to_chars(buffer, last, value, std::chars_format::general,
                              std::numeric_limits<Float>::max_digits10);
    }
    out->append(buffer, printed.ec == std::errc() ? printed.ptr : buffer);
  }
}

// 0, 3, 6 or 9 digits, as few as show the value exactly.
void AppendFraction(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  if (nanos % 1000000 == 0) {
    absl::StrAppendFormat(out, ".%03d", nanos / 1000000);
  } else if (nanos % 1000 == 0) {
    absl::StrAppendFormat(out, ".%06d", nanos / 1000);
  } else {
    absl::StrAppendFormat(out, ".%09d", nanos);
  }
}

struct SecondsNanos {
  int64_t seconds;
  int32_t nanos;
};

SecondsNanos ReadSecondsNanos(const pb::Message& message) {
  const pb::Descriptor* type = message.GetDescriptor();
  const pb::Reflection* reflection = message.GetReflection();
  return {reflection->GetInt64(message, type->FindFieldByNumber(1)),
          reflection->GetInt32(message, type->FindFieldByNumber(2))};
}

absl::Status AppendTimestamp(const pb::Message& message, std::string* out) {
  const auto [seconds, nanos] = ReadSecondsNanos(message);
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds || nanos < 0 ||
      nanos > kMaxNanos) {
    return absl::InvalidArgumentError("timestamp out of range");
  }
  const absl::CivilSecond civil =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  absl::StrAppendFormat(out, "\"%04d-%02d-%02dT%02d:%02d:%02d", civil.year(), civil.month(),
                        civil.day(), civil.hour(), civil.minute(), civil.second());
  AppendFraction(nanos, out);
  out->append("Z\"");
  return absl::OkStatus();
}

absl::Status AppendDuration(const pb::Message& message, std::string* out) {
  const auto [seconds, nanos] = ReadSecondsNanos(message);
  if (seconds < -kMaxDurationSeconds || seconds > kMaxDurationSeconds || nanos < -kMaxNanos ||
      nanos > kMaxNanos || (seconds < 0 && nanos > 0) || (seconds > 0 && nanos < 0)) {
    return absl::InvalidArgumentError("duration out of range");
  }
  out->push_back('"');
  if (seconds < 0 || nanos < 0) out->push_back('-');
  absl::StrAppend(out, seconds < 0 ? -seconds : seconds);
  AppendFraction(nanos < 0 ? -nanos : nanos, out);
  out->append("s\"");
  return absl::OkStatus();
}

class Renderer {
 public:
  explicit Renderer(std::string* out) : out_(*out) {}

  absl::Status Message(const pb::Message& message) {
    const pb::Descriptor* type = message.GetDescriptor();
    switch (type->well_known_type()) {
      case pb::Descriptor::WELLKNOWNTYPE_UNSPECIFIED:
        return Fields(message);
      case pb::Descriptor::WELLKNOWNTYPE_TIMESTAMP:
        return AppendTimestamp(message, &out_);
      case pb::Descriptor::WELLKNOWNTYPE_DURATION:
        return AppendDuration(message, &out_);
      case pb::Descriptor::WELLKNOWNTYPE_DOUBLEVALUE:
      case pb::Descriptor::WELLKNOWNTYPE_FLOATVALUE:
      case pb::Descriptor::WELLKNOWNTYPE_INT64VALUE:
      case pb::Descriptor::WELLKNOWNTYPE_UINT64VALUE:
      case pb::Descriptor::WELLKNOWNTYPE_INT32VALUE:
      case pb::Descriptor::WELLKNOWNTYPE_UINT32VALUE:
      case pb::Descriptor::WELLKNOWNTYPE_STRINGVALUE:
      case pb::Descriptor::WELLKNOWNTYPE_BYTESVALUE:
      case pb::Descriptor::WELLKNOWNTYPE_BOOLVALUE:
        return Value(message, type->FindFieldByNumber(1), -1);
      default:
        return absl::UnimplementedError(type->full_name());
    }
  }

 private:
  absl::Status Fields(const pb::Message& message) {
    const pb::Descriptor* type = message.GetDescriptor();
    const pb::Reflection* reflection = message.GetReflection();
    out_.push_back('{');
    bool first = true;
    for (int i = 0; i < type->field_count(); ++i) {
      const Field* field = type->field(i);
      // Fields with presence (messages, oneof members, proto3 `optional`)
      // appear when set; the others always, with their default if unset.
      if (!field->is_repeated() && field->has_presence() && !reflection->HasField(message, field)) {
        continue;
      }
      if (!first) out_.push_back(',');
      first = false;
      AppendString(field->json_name(), &out_);
      out_.push_back(':');
      absl::Status status = field->is_map()        ? Map(message, field)
                            : field->is_repeated() ? List(message, field)
                                                   : Value(message, field, -1);
      if (!status.ok()) return status;
    }
    out_.push_back('}');
    return absl::OkStatus();
  }

  absl::Status List(const pb::Message& message, const Field* field) {
    const int size = message.GetReflection()->FieldSize(message, field);
    out_.push_back('[');
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_.push_back(',');
      if (absl::Status status = Value(message, field, i); !status.ok()) return status;
    }
    out_.push_back(']');
    return absl::OkStatus();
  }

  absl::Status Map(const pb::Message& message, const Field* field) {
    const pb::Reflection* reflection = message.GetReflection();
    const int size = reflection->FieldSize(message, field);
    const Field* key_field = field->message_type()->map_key();
    const Field* value_field = field->message_type()->map_value();
    out_.push_back('{');
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_.push_back(',');
      const pb::Message& entry = reflection->GetRepeatedMessage(message, field, i);
      if (key_field->cpp_type() == Field::CPPTYPE_STRING) {
        AppendString(entry.GetReflection()->GetString(entry, key_field), &out_);
      } else {
        // Integer and bool keys are quoted; their unquoted text is what
        // Value() prints for int32/uint32/bool, and int64 keys are quoted there.
        std::string key;
        Renderer(&key).Value(entry, key_field, -1).IgnoreError();
        if (key.front() == '"') {
          out_.append(key);
        } else {
          absl::StrAppend(&out_, "\"", key, "\"");
        }
      }
      out_.push_back(':');
      if (absl::Status status = Value(entry, value_field, -1); !status.ok()) return status;
    }
    out_.push_back('}');
    return absl::OkStatus();
  }

  // One value of `field`: element `index` of a repeated field, or the
  // singular value when `index` is -1.
  absl::Status Value(const pb::Message& message, const Field* field, int index) {
    const pb::Reflection* r = message.GetReflection();
    const bool one = index < 0;
    switch (field->cpp_type()) {
      case Field::CPPTYPE_INT32:
        absl::StrAppend(
            &out_, one ? r->GetInt32(message, field) : r->GetRepeatedInt32(message, field, index));
        break;
      case Field::CPPTYPE_UINT32:
        absl::StrAppend(&out_, one ? r->GetUInt32(message, field)
                                   : r->GetRepeatedUInt32(message, field, index));
        break;
      case Field::CPPTYPE_INT64:
        absl::StrAppend(
            &out_, "\"",
            one ? r->GetInt64(message, field) : r->GetRepeatedInt64(message, field, index), "\"");
        break;
      case Field::CPPTYPE_UINT64:
        absl::StrAppend(
            &out_, "\"",
            one ? r->GetUInt64(message, field) : r->GetRepeatedUInt64(message, field, index), "\"");
        break;
      case Field::CPPTYPE_DOUBLE:
        AppendFloat(
            one ? r->GetDouble(message, field) : r->GetRepeatedDouble(message, field, index),
            &out_);
        break;
      case Field::CPPTYPE_FLOAT:
        AppendFloat(one ? r->GetFloat(message, field) : r->GetRepeatedFloat(message, field, index),
                    &out_);
        break;
      case Field::CPPTYPE_BOOL:
        out_.append((one ? r->GetBool(message, field) : r->GetRepeatedBool(message, field, index))
                        ? "true"
                        : "false");
        break;
      case Field::CPPTYPE_ENUM: {
        if (field->enum_type()->full_name() == "google.protobuf.NullValue") {
          return absl::UnimplementedError("google.protobuf.NullValue");
        }
        const int number =
            one ? r->GetEnumValue(message, field) : r->GetRepeatedEnumValue(message, field, index);
        // A value this build does not know travels as its number.
        if (const pb::EnumValueDescriptor* value = field->enum_type()->FindValueByNumber(number)) {
          AppendString(value->name(), &out_);
        } else {
          absl::StrAppend(&out_, number);
        }
        break;
      }
      case Field::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& text =
            one ? r->GetStringReference(message, field, &scratch)
                : r->GetRepeatedStringReference(message, field, index, &scratch);
        if (field->type() == Field::TYPE_BYTES) {
          absl::StrAppend(&out_, "\"", absl::Base64Escape(text), "\"");
        } else {
          AppendString(text, &out_);
        }
        break;
      }
      case Field::CPPTYPE_MESSAGE:
        return Message(one ? r->GetMessage(message, field)
                           : r->GetRepeatedMessage(message, field, index));
    }
    return absl::OkStatus();
  }

  std::string& out_;
};

}  // namespace

absl::Status AppendJson(const pb::Message& message, std::string* out) {
  return Renderer(out).Message(message);
}

}  // namespace stadt::gateway
