#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gateway/auth/jwt.h"
#include "gateway/core/backends.h"
#include "gateway/routing/route_table.h"
#include "grpcpp/support/status.h"

namespace stadt::gateway {

// What the gateway keeps of an audited call until the backend answered: ids
// only (the path variables are ids by design), never the body.
struct AuditContext {
  std::string subject;
  std::vector<std::string> roles;
  std::vector<std::pair<std::string, std::string>> objects;  // field path, value
  std::string request_id;
};

AuditContext MakeAuditContext(const RouteMatch& match, const auth::Identity& identity,
                              const std::string& request_id);

// The call to stadt.audit.v1.Audit/Append that records one audited call: its
// RPC, `context`, the outcome (gRPC code, HTTP status, refusal reason) and,
// with the route's audit_response_id, the created object's id from `response`.
// Idempotent (a fresh event id per record), so the backends may retry it.
BackendCall AuditAppendCall(const Route& route, AuditContext context, const grpc::Status& status,
                            int http_status, std::string_view reason, const std::string& response,
                            absl::Duration timeout);

}  // namespace stadt::gateway
