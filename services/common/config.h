#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace stadt {

// Reads typed configuration from environment variables. Every problem is
// collected, so that a misconfigured deployment reports all bad variables at
// once; Finish() then fails with one clear message and the binary exits before
// it serves anything.
class EnvConfig {
 public:
  using Lookup = std::function<std::optional<std::string>(const std::string&)>;

  // Reads the process environment.
  EnvConfig();
  // Reads from `lookup`.
  explicit EnvConfig(Lookup lookup);
  // Reads from fixed values instead of the environment (tests, tools).
  static EnvConfig FromValues(std::map<std::string, std::string> values);

  std::string RequiredString(const std::string& name);
  std::string String(const std::string& name, std::string default_value);
  int Int(const std::string& name, int default_value, int min, int max);
  bool Bool(const std::string& name, bool default_value);
  // Accepts absl duration syntax: "250ms", "2s", "1m30s".
  absl::Duration Duration(const std::string& name, absl::Duration default_value, absl::Duration min,
                          absl::Duration max);
  // "host:port" with a port in 1..65535; "host" must be non-empty.
  std::string HostPort(const std::string& name, std::string default_value);

  // Records that `name`, read with one of the calls above, breaks a rule of
  // the caller's own (e.g. one of a few words); Finish() reports it.
  void Reject(const std::string& name, std::string_view problem) { Fail(name, problem); }

  // OK if every variable read so far was valid; otherwise INVALID_ARGUMENT
  // naming each bad variable.
  absl::Status Finish() const;

 private:
  std::optional<std::string> Get(const std::string& name) const;
  void Fail(const std::string& name, std::string_view problem);

  Lookup lookup_;
  std::vector<std::string> errors_;
};

// Splits "host:port"; false if malformed or the port is out of range.
bool SplitHostPort(std::string_view host_port, std::string* host, int* port);

// Splits "host:port,host:port" (spaces around the commas allowed; empty: none)
// into (host, port) pairs; false if any entry is malformed.
bool SplitHostPortList(std::string_view list, std::vector<std::pair<std::string, int>>* entries);

}  // namespace stadt
