#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace grpc {
class ServerContextBase;
}

namespace stadt {

// gRPC metadata the gateway sets on every backend call. Services trust these
// only because nothing but the gateway can reach them (network policy).
inline constexpr char kSubjectMetadata[] = "x-stadt-subject";
inline constexpr char kRolesMetadata[] = "x-stadt-roles";    // comma-separated
inline constexpr char kScopesMetadata[] = "x-stadt-scopes";  // space-separated
inline constexpr char kRequestIdMetadata[] = "x-request-id";
inline constexpr char kTraceparentMetadata[] = "traceparent";
// "de" or "en": the language the gateway chose from the request's
// Accept-Language (mails to the citizen are written in it).
inline constexpr char kLanguageMetadata[] = "x-stadt-language";

// Who is calling, as forwarded by the gateway. Empty subject: anonymous.
struct Caller {
  std::string subject;
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  std::string request_id;
  std::string language;  // "de", "en", or empty (German)

  bool HasRole(const std::string& role) const;
  // Caseworkers are scoped to where they work: the token scope "<kind>:<id>"
  // (e.g. "office:mitte", "department:jobcentre") grants that one place,
  // "<kind>:*" every place of that kind. No scope grants nothing.
  bool HasScopeFor(std::string_view kind, std::string_view id) const;
  // OK when the caller holds `role` and, with a `kind`, a scope for kind:id:
  // each service's check behind the gateway's, against the object it loads.
  // Else PERMISSION_DENIED with reason role_not_allowed or scope_not_granted.
  absl::Status Require(std::string_view role, std::string_view kind = {},
                       std::string_view id = {}) const;
};

// Whether one of `scopes` grants the place `kind`:`id` (see Caller::HasScopeFor);
// the gateway's check before the call and the services' check agree by using it.
bool ScopesGrant(const std::vector<std::string>& scopes, std::string_view kind,
                 std::string_view id);

Caller CallerFromContext(const grpc::ServerContextBase& context);

}  // namespace stadt
