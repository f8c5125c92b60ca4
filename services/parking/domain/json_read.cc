#include "services/parking/domain/json_read.h"

#include <algorithm>
#include <vector>

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

namespace stadt::parking::json_read {
namespace {

struct Container {
  bool is_array = false;
  std::string path;
  int64_t index = 0;
  std::string key;
  bool expect_key = false;
};

std::string ChildPath(const Container& container) {
  if (container.is_array) return absl::StrCat(container.path, "[", container.index, "]");
  return container.path.empty() ? container.key : absl::StrCat(container.path, ".", container.key);
}

// The index just past the string that starts at text[begin] == '"'.
size_t SkipString(std::string_view text, size_t begin) {
  size_t i = begin + 1;
  while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
  return i + 1;
}

bool EndsLiteral(char c) {
  return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

}  // namespace

JsonLines::JsonLines(std::string_view text) {
  std::vector<Container> open;
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == ':') {
      ++i;
      continue;
    }
    if (c == ',') {
      if (!open.empty()) {
        Container& top = open.back();
        if (top.is_array) {
          ++top.index;
        } else {
          top.expect_key = true;
        }
      }
      ++i;
      continue;
    }
    if (c == '}' || c == ']') {
      if (!open.empty()) open.pop_back();
      ++i;
      continue;
    }
    if (!open.empty() && !open.back().is_array && open.back().expect_key) {
      const size_t end = SkipString(text, i);
      open.back().key = std::string(text.substr(i + 1, end - i - 2));
      open.back().expect_key = false;
      i = end;
      continue;
    }
    std::string path = open.empty() ? std::string() : ChildPath(open.back());
    lines_.emplace(path, line);
    if (c == '{' || c == '[') {
      open.push_back({c == '[', std::move(path), 0, {}, c == '{'});
      ++i;
    } else if (c == '"') {
      i = SkipString(text, i);
    } else {
      while (i < text.size() && !EndsLiteral(text[i])) ++i;
    }
  }
}

int JsonLines::LineOf(std::string_view path) const {
  auto it = lines_.find(path);
  return it == lines_.end() ? 0 : it->second;
}

int LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(offset), '\n'));
}

}  // namespace stadt::parking::json_read
