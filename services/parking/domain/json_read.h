#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "boost/json/value.hpp"

namespace stadt::parking::json_read {

// Small readers for configuration files. Each fails with INVALID_ARGUMENT
// naming the member and what was expected; an absent optional member leaves
// *out unchanged.
absl::Status Malformed(std::string_view where, std::string_view expected);
absl::Status String(const boost::json::object& object, std::string_view key, bool required,
                    std::string* out);
absl::Status Int(const boost::json::object& object, std::string_view key, bool required,
                 int64_t min, int64_t max, int64_t* out);
absl::Status Array(const boost::json::object& object, std::string_view key, bool required,
                   const boost::json::array** out);

// Where each value of a JSON text starts, by its path: "tariffs[1].windows[0].to".
// Lets configuration errors name the line a person has to edit.
class JsonLines {
 public:
  // `text` must be valid JSON (parse it first).
  explicit JsonLines(std::string_view text);
  // The 1-based line of the value at `path`; 0 if there is none.
  int LineOf(std::string_view path) const;

 private:
  std::map<std::string, int, std::less<>> lines_;
};

// The 1-based line of byte `offset` of `text`.
int LineAt(std::string_view text, size_t offset);

}  // namespace stadt::parking::json_read
