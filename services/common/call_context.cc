#include "services/common/call_context.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/server_context.h"
#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::vector<std::string> SplitNonEmpty(const std::string& text, char separator) {
  return absl::StrSplit(text, separator, absl::SkipEmpty());
}

}  // namespace

bool Caller::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Caller::HasScopeFor(std::string_view kind, std::string_view id) const {
  return ScopesGrant(scopes, kind, id);
}

absl::Status Caller::Require(std::string_view role, std::string_view kind,
                             std::string_view id) const {
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    return WithReason(absl::PermissionDeniedError(
                          absl::StrCat("Diese Rolle darf das nicht (", ToAbsl(role),
                                       " erforderlich) / this needs the role ", ToAbsl(role))),
                      "role_not_allowed");
  }
  if (!kind.empty() && !HasScopeFor(kind, id)) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "Ihr Zugang gilt nicht für diese Stelle / your token is not scoped to "
                          "this ",
                          ToAbsl(kind))),
                      "scope_not_granted");
  }
  return absl::OkStatus();
}

bool ScopesGrant(const std::vector<std::string>& scopes, std::string_view kind,
                 std::string_view id) {
  if (kind.empty() || id.empty()) return false;
  return std::any_of(scopes.begin(), scopes.end(), [&](const std::string& scope) {
    const std::string_view text(scope);
    if (text.size() <= kind.size() + 1 || text.substr(0, kind.size()) != kind ||
        text[kind.size()] != ':') {
      return false;
    }
    const std::string_view granted = text.substr(kind.size() + 1);
    return granted == "*" || granted == id;
  });
}

Caller CallerFromContext(const grpc::ServerContextBase& context) {
  Caller caller;
  caller.subject = Metadata(context, kSubjectMetadata);
  caller.roles = SplitNonEmpty(Metadata(context, kRolesMetadata), ',');
  caller.scopes = SplitNonEmpty(Metadata(context, kScopesMetadata), ' ');
  caller.request_id = Metadata(context, kRequestIdMetadata);
  const std::string language = Metadata(context, kLanguageMetadata);
  if (language == "de" || language == "en") caller.language = language;
  return caller;
}

}  // namespace stadt
