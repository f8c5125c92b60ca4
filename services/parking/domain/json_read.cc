#include "services/parking/domain/json_read.h"

#include "absl/strings/str_cat.h"
#include "services/common/strings.h"

namespace stadt::parking::json_read {
namespace {

absl::Status Missing(std::string_view key) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(key), ": missing"));
}

}  // namespace

absl::Status Malformed(std::string_view where, std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(where), ": expected ", ToAbsl(expected)));
}

absl::Status String(const boost::json::object& object, std::string_view key, bool required,
                    std::string* out) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr) return required ? Missing(key) : absl::OkStatus();
  if (!value->is_string()) return Malformed(key, "a string");
  *out = std::string(value->get_string());
  return absl::OkStatus();
}

absl::Status Int(const boost::json::object& object, std::string_view key, bool required,
                 int64_t min, int64_t max, int64_t* out) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr) return required ? Missing(key) : absl::OkStatus();
  if (!value->is_int64() || value->get_int64() < min || value->get_int64() > max) {
    return Malformed(key, absl::StrCat("an integer in [", min, ", ", max, "]"));
  }
  *out = value->get_int64();
  return absl::OkStatus();
}

absl::Status Array(const boost::json::object& object, std::string_view key, bool required,
                   const boost::json::array** out) {
  static const boost::json::array kEmpty;
  *out = &kEmpty;
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr) return required ? Missing(key) : absl::OkStatus();
  if (!value->is_array()) return Malformed(key, "an array");
  *out = &value->get_array();
  return absl::OkStatus();
}

}  // namespace stadt::parking::json_read
