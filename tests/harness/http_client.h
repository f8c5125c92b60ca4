#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace stadt::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A blocking HTTP/1.1 client for tests: one request per connection.
absl::StatusOr<HttpResult> HttpFetch(int port, const std::string& method, const std::string& target,
                                     const std::string& body = "",
                                     const std::map<std::string, std::string>& headers = {});

// Sends raw bytes and returns whatever the server answers before closing.
absl::StatusOr<std::string> HttpRaw(int port, const std::string& bytes);

}  // namespace stadt::testing
