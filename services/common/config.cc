#include "services/common/config.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/strings.h"

namespace stadt {
namespace {

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

EnvConfig::EnvConfig() : lookup_(ProcessEnv) {}
EnvConfig::EnvConfig(Lookup lookup) : lookup_(std::move(lookup)) {}

EnvConfig EnvConfig::FromValues(std::map<std::string, std::string> values) {
  return EnvConfig(
      [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
      });
}

std::optional<std::string> EnvConfig::Get(const std::string& name) const {
  std::optional<std::string> value = lookup_(name);
  // An empty variable counts as unset: that is what `FOO= binary` usually means.
  if (value.has_value() && value->empty()) return std::nullopt;
  return value;
}

void EnvConfig::Fail(const std::string& name, std::string_view problem) {
  errors_.push_back(absl::StrCat(name, ": ", ToAbsl(problem)));
}

std::string EnvConfig::RequiredString(const std::string& name) {
  std::optional<std::string> value = Get(name);
  if (!value.has_value()) {
    Fail(name, "is required but not set");
    return "";
  }
  return *value;
}

std::string EnvConfig::String(const std::string& name, std::string default_value) {
  return Get(name).value_or(std::move(default_value));
}

int EnvConfig::Int(const std::string& name, int default_value, int min, int max) {
  std::optional<std::string> value = Get(name);
  if (!value.has_value()) return default_value;
  int parsed = 0;
  if (!absl::SimpleAtoi(*value, &parsed) || parsed < min || parsed > max) {
    Fail(name, absl::StrCat("must be an integer in [", min, ", ", max, "]"));
    return default_value;
  }
  return parsed;
}

bool EnvConfig::Bool(const std::string& name, bool default_value) {
  std::optional<std::string> value = Get(name);
  if (!value.has_value()) return default_value;
  const std::string lowered = absl::AsciiStrToLower(*value);
  if (lowered == "true" || lowered == "1" || lowered == "yes") return true;
  if (lowered == "false" || lowered == "0" || lowered == "no") return false;
  Fail(name, "must be true or false");
  return default_value;
}

absl::Duration EnvConfig::Duration(const std::string& name, absl::Duration default_value,
                                   absl::Duration min, absl::Duration max) {
  std::optional<std::string> value = Get(name);
  if (!value.has_value()) return default_value;
  absl::Duration parsed;
  if (!absl::ParseDuration(*value, &parsed) || parsed < min || parsed > max) {
    Fail(name, absl::StrCat("must be a duration such as 500ms or 2s, in [",
                            absl::FormatDuration(min), ", ", absl::FormatDuration(max), "]"));
    return default_value;
  }
  return parsed;
}

std::string EnvConfig::HostPort(const std::string& name, std::string default_value) {
  std::string value = Get(name).value_or(std::move(default_value));
  std::string host;
  int port = 0;
  if (!SplitHostPort(value, &host, &port)) {
    Fail(name, "must be host:port with a port in [1, 65535]");
  }
  return value;
}

absl::Status EnvConfig::Finish() const {
  if (errors_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid configuration: ", absl::StrJoin(errors_, "; ")));
}

bool SplitHostPort(std::string_view host_port, std::string* host, int* port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  int parsed = 0;
  if (!absl::SimpleAtoi(ToAbsl(host_port.substr(colon + 1)), &parsed) || parsed < 1 ||
      parsed > 65535) {
    return false;
  }
  *host = std::string(host_port.substr(0, colon));
  *port = parsed;
  return true;
}

bool SplitHostPortList(std::string_view list, std::vector<std::pair<std::string, int>>* entries) {
  for (const absl::string_view entry : absl::StrSplit(ToAbsl(list), ',', absl::SkipWhitespace())) {
    const absl::string_view trimmed = absl::StripAsciiWhitespace(entry);
    std::pair<std::string, int> parsed;
    if (!SplitHostPort(std::string_view(trimmed.data(), trimmed.size()), &parsed.first,
                       &parsed.second)) {
      return false;
    }
    entries->push_back(std::move(parsed));
  }
  return true;
}

}  // namespace stadt
