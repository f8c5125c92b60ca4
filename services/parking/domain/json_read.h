#pragma once

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

}  // namespace stadt::parking::json_read
