// The access matrix (issue 18): every route of the gateway x every role x
// (token scoped to the right place, token scoped elsewhere, no token), sent end
// to end through the real gateway to the real services of one shared stack.
//
// Who may call what is declared once, in the proto options; the gateway, the
// generated docs/roles.md and this test read it. The table below states it a
// second time on purpose, as the expectation: a route whose roles change, or a
// new route, fails here until someone decides what it should be.
//
// What each cell asserts (the request carries ids no object has and "{}" as its
// body, so "allowed" cannot always mean 2xx):
//   no token     route open to anyone: neither 401 nor 403, below 500;
//                otherwise 401 with reason authentication_required.
//   wrong role   403 with reason role_not_allowed (open routes: as allowed).
//   allowed role, right scope: neither 401 nor 403 and below 500: the call
//                passed every access check and the service answered from its
//                own logic (2xx, or 400/404/409 for the made-up ids and body).
//   allowed role, wrong scope: scoped routes 403 with reason
//                scope_not_granted (from the gateway where the path names the
//                office, from the service where the object decides: video);
//                routes without a scope as with the right scope.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gateway/core/linked_apis.h"
#include "gateway/routing/route_table.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stadt/api/v1/annotations.pb.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace pb = google::protobuf;
using gateway::Route;
using gateway::RouteTable;

enum class Access { kAnyone, kSignedIn, kRoles };

struct Rule {
  Access access = Access::kRoles;
  std::set<std::string> roles;
  std::string scope;  // "", "office", "department"
};

Rule Anyone() { return {Access::kAnyone, {}, ""}; }
Rule Only(std::set<std::string> roles) { return {Access::kRoles, std::move(roles), ""}; }
Rule Scoped(std::set<std::string> roles, std::string scope) {
  return {Access::kRoles, std::move(roles), std::move(scope)};
}

// "METHOD /path/template" -> who may call it.
const std::map<std::string, Rule>& Rules() {
  static const auto* rules = new std::map<std::string, Rule>{
      {"GET /v1/offices", Anyone()},
      {"GET /v1/offices/{office_id}", Anyone()},
      {"GET /v1/offices/{office_id}/services", Anyone()},
      {"PUT /v1/offices/{office.id}", Scoped({"office_admin"}, "office")},
      {"POST /v1/offices/{office_id}/closures", Scoped({"office_admin"}, "office")},
      {"POST /v1/offices/{office_id}/closures/{closure_id}/resolve",
       Scoped({"office_admin"}, "office")},
      {"GET /v1/slots", Anyone()},
      {"GET /v1/offices/{office_id}/availability", Anyone()},
      {"POST /v1/holds", Only({"citizen"})},
      {"POST /v1/holds/{hold_id}/confirm", Only({"citizen"})},
      {"POST /v1/offices/{office_id}/staff-bookings", Scoped({"office_staff"}, "office")},
      {"POST /v1/holds/{hold_id}/email-confirmation", Anyone()},
      {"POST /v1/bookings/resend", Anyone()},
      {"POST /v1/bookings/{booking_code}/lookup", Anyone()},
      {"POST /v1/bookings/{booking_code}/cancel", Anyone()},
      {"POST /v1/bookings/{booking_code}/reschedule", Anyone()},
      {"GET /v1/offices/{office_id}/days/{date}/appointments", Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/checkins", Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/walk-ins", Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/calls", Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/tickets/{queue_number}/complete",
       Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/tickets/{queue_number}/recall",
       Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/tickets/{queue_number}/park",
       Scoped({"office_staff"}, "office")},
      {"POST /v1/offices/{office_id}/days/{date}/tickets/{queue_number}/cancel",
       Scoped({"office_staff"}, "office")},
      {"GET /v1/offices/{office_id}/call-display", Anyone()},
      {"POST /v1/offices/{office_id}/days/{date}/appointments/{booking_code}/no-show",
       Scoped({"office_staff"}, "office")},
      {"PUT /v1/daycare/seasons/{season_id}/programs", Only({"daycare_coordinator"})},
      {"GET /v1/daycare/seasons/{season_id}/programs", Anyone()},
      {"GET /v1/daycare/seasons/{season_id}/facilities", Anyone()},
      {"PUT /v1/daycare/seasons/{season_id}/policy", Only({"daycare_coordinator"})},
      {"GET /v1/daycare/seasons/{season_id}/policy",
       Only({"daycare_coordinator", "daycare_caseworker"})},
      {"POST /v1/daycare/seasons/{season_id}/period", Only({"daycare_coordinator"})},
      {"POST /v1/daycare/seasons/{season_id}/dry-run", Only({"daycare_coordinator"})},
      {"POST /v1/daycare/seasons/{season_id}/rounds", Only({"daycare_coordinator"})},
      {"GET /v1/daycare/seasons/{season_id}/rounds/{round}", Only({"daycare_coordinator"})},
      {"POST /v1/daycare/seasons/{season_id}/rounds/{round}/deadline",
       Only({"daycare_coordinator"})},
      {"POST /v1/daycare/seasons/{season_id}/applications", Only({"citizen"})},
      {"PUT /v1/daycare/seasons/{season_id}/applications/{application_id}", Only({"citizen"})},
      {"GET /v1/daycare/seasons/{season_id}/applications/{application_id}", Only({"citizen"})},
      {"GET /v1/daycare/seasons/{season_id}/applications", Only({"citizen"})},
      {"POST /v1/daycare/seasons/{season_id}/applications/{application_id}/withdraw",
       Only({"citizen"})},
      {"GET /v1/daycare/seasons/{season_id}/casework/applications", Only({"daycare_caseworker"})},
      {"GET /v1/daycare/seasons/{season_id}/casework/applications/{application_id}",
       Only({"daycare_caseworker"})},
      {"PUT /v1/daycare/seasons/{season_id}/casework/applications/{application_id}",
       Only({"daycare_caseworker"})},
      // Why a child got its result, read-only: coordinators need it as well.
      {"GET /v1/daycare/seasons/{season_id}/explanations/{application_id}",
       Only({"daycare_coordinator", "daycare_caseworker"})},
      {"POST "
       "/v1/daycare/seasons/{season_id}/casework/applications/{application_id}/criteria/"
       "{criterion}",
       Only({"daycare_caseworker"})},
      {"POST /v1/daycare/seasons/{season_id}/applications/{application_id}/accept",
       Only({"citizen"})},
      {"POST /v1/daycare/seasons/{season_id}/applications/{application_id}/decline",
       Only({"citizen"})},
      {"GET /v1/districts", Anyone()},
      {"GET /v1/audit/records", Only({"data_protection_officer", "operator"})},
      {"GET /v1/audit/verification", Only({"data_protection_officer", "operator"})},
      {"GET /v1/me/data", Only({"citizen"})},
      {"DELETE /v1/me/data", Only({"citizen"})},
      {"GET /v1/monitoring/fields", Anyone()},
      {"GET /v1/monitoring/kpis", Anyone()},
      {"GET /v1/monitoring/kpis/{kpi_id}/series", Anyone()},
      {"GET /v1/monitoring/measures", Anyone()},
      {"GET /v1/monitoring/metrics", Anyone()},
      {"GET /v1/notifications/dead-letters", Only({"operator"})},
      {"POST /v1/notifications/dead-letters/{source}/{id}/replay", Only({"operator"})},
      {"GET /v1/parking/zone-lookup", Anyone()},
      {"GET /v1/parking/zones/{zone_id}", Anyone()},
      {"POST /v1/parking/quotes", Anyone()},
      {"POST /v1/parking/sessions", Only({"citizen"})},
      {"POST /v1/parking/sessions/{session_id}/extend", Only({"citizen"})},
      {"POST /v1/parking/sessions/{session_id}/stop", Only({"citizen"})},
      {"GET /v1/parking/sessions/{session_id}", Only({"citizen"})},
      {"GET /v1/parking/sessions", Only({"citizen"})},
      {"POST /v1/parking/permits", Only({"parking_admin"})},
      {"POST /v1/parking/permit-searches", Only({"parking_admin"})},
      {"POST /v1/parking/permit-applications", Only({"citizen"})},
      {"GET /v1/parking/permit-applications", Only({"citizen"})},
      {"GET /v1/parking/permit-applications/{application_id}", Only({"citizen"})},
      {"GET /v1/parking/pending-permit-applications", Only({"parking_admin"})},
      {"POST /v1/parking/permit-applications/{application_id}/approve", Only({"parking_admin"})},
      {"POST /v1/parking/permit-applications/{application_id}/reject", Only({"parking_admin"})},
      {"POST /v1/parking/permits/{permit_id}/revoke", Only({"parking_admin"})},
      {"POST /v1/parking/checks", Only({"parking_officer"})},
      {"GET /v1/video/topics", Anyone()},
      {"GET /v1/video/slots", Anyone()},
      {"POST /v1/video/bookings/resend", Anyone()},
      {"POST /v1/video/holds", Only({"citizen"})},
      {"POST /v1/video/holds/{hold_id}/confirm", Only({"citizen"})},
      {"POST /v1/video/bookings/{booking_code}/lookup", Anyone()},
      {"POST /v1/video/bookings/{booking_code}/cancel", Anyone()},
      {"POST /v1/video/bookings/{booking_code}/reschedule", Anyone()},
      {"GET /v1/video/consultations/{booking_code}", Only({"citizen"})},
      {"GET /v1/video/consent-texts", Anyone()},
      {"GET /v1/video/consent-texts/{kind}/{version}", Anyone()},
      {"POST /v1/video/consultations/{booking_code}/consent", Only({"citizen"})},
      {"POST /v1/video/consultations/{booking_code}/check-in", Only({"citizen"})},
      {"POST /v1/video/consultations/{booking_code}/join", Only({"citizen"})},
      {"GET /v1/video/waiting-room/{date}", Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/consultations/{booking_code}/admit",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/consultations/{booking_code}/identity-checked",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/consultations/{booking_code}/no-show",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/consultations/{booking_code}/close",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/consultations/{booking_code}/host",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/consultations/{booking_code}/verify-token", Anyone()},
      {"GET /v1/video/caseworkers/{caseworker_id}/schedule",
       Scoped({"video_caseworker"}, "department")},
      {"PUT /v1/video/caseworkers/{caseworker_id}/availability",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/caseworkers/{caseworker_id}/absences",
       Scoped({"video_caseworker"}, "department")},
      {"POST /v1/video/caseworkers/{caseworker_id}/absences/{absence_id}/resolve",
       Scoped({"video_caseworker"}, "department")},
  };
  return *rules;
}

std::string Key(const Route& route) {
  return absl::StrCat(route.http_method, " ", route.path_template);
}

const RouteTable& GatewayRoutes() {
  static const RouteTable* table = [] {
    std::vector<const pb::ServiceDescriptor*> services;
    for (const gateway::LinkedApi& api : gateway::LinkedApis()) services.push_back(api.service);
    return new RouteTable(RouteTable::Build(services).value());
  }();
  return *table;
}

std::vector<std::string> AllRoles() {
  std::vector<std::string> roles;
  const pb::EnumDescriptor& descriptor = *api::v1::Role_descriptor();
  for (int i = 0; i < descriptor.value_count(); ++i) {
    if (descriptor.value(i)->number() == api::v1::ROLE_UNSPECIFIED) continue;
    roles.push_back(gateway::RoleName(*descriptor.value(i)));
  }
  return roles;
}

// The video service knows its caseworkers from its catalog: cw-anna works in
// social-welfare (services/video/seed/catalog.json).
constexpr char kVideoCaseworker[] = "cw-anna";
constexpr char kOffice[] = "mitte";
constexpr char kRightScopes[] = "office:mitte department:social-welfare";
constexpr char kWrongScopes[] = "office:vaihingen department:public-order";

// A value for a path variable: a number where the field is one, a date where
// the name says so, else a made-up id.
std::string ValueFor(const gateway::PathSegment& segment) {
  const pb::FieldDescriptor& field = *segment.fields.back();
  if (field.name() == "office_id" || field.name() == "id") return kOffice;
  if (field.cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) return "1";
  if (field.name() == "date") return "2030-01-07";
  return "matrix-1";
}

std::string Target(const Route& route) {
  std::string target;
  for (const gateway::PathSegment& segment : route.segments) {
    absl::StrAppend(&target, "/", segment.is_variable ? ValueFor(segment) : segment.literal);
  }
  return target;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start(Stack::KnownServices());
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  static void TearDownTestSuite() {
    if (stack_ != nullptr) {
      absl::Status stopped = stack_->Stop();
      EXPECT_TRUE(stopped.ok()) << stopped.message();
    }
    delete stack_;
    stack_ = nullptr;
  }

  static std::string TokenFor(const std::string& role, const std::string& scopes) {
    const std::string subject = role == "video_caseworker" ? kVideoCaseworker : "matrix-" + role;
    return stack_->tokens().Mint(subject, {role}, absl::Now(), absl::Hours(1), kTestIssuer, scopes);
  }

  static inline Stack* stack_ = nullptr;
};

struct Expected {
  bool passes = false;  // neither 401 nor 403, below 500
  int status = 0;       // else this status
  std::string reason;   // with this reason
};

Expected Passes() { return {true, 0, ""}; }
Expected Refused(int status, std::string reason) { return {false, status, std::move(reason)}; }

Expected ExpectedFor(const Rule& rule, const std::string* role, bool right_scope) {
  if (rule.access == Access::kAnyone) return Passes();
  if (role == nullptr) return Refused(401, "authentication_required");
  if (rule.access == Access::kSignedIn) return Passes();
  if (!rule.roles.contains(*role)) return Refused(403, "role_not_allowed");
  if (!rule.scope.empty() && !right_scope) return Refused(403, "scope_not_granted");
  return Passes();
}

// Every route the gateway serves has a rule here, and every rule a route:
// a new route cannot slip in without someone deciding who may call it.
TEST_F(AccessMatrixTest, EveryRouteHasAnExplicitRuleAndTheOptionsAgreeWithIt) {
  std::set<std::string> routes;
  for (const Route& route : GatewayRoutes().routes()) {
    const std::string key = Key(route);
    routes.insert(key);
    auto rule = Rules().find(key);
    ASSERT_NE(rule, Rules().end()) << "no access rule for the route " << key
                                   << ": add one to tests/e2e/access_matrix_e2e_test.cc";
    const Access declared = route.allow_anonymous ? Access::kAnyone
                            : route.roles.empty() ? Access::kSignedIn
                                                  : Access::kRoles;
    EXPECT_EQ(declared, rule->second.access) << key;
    EXPECT_EQ(route.roles, rule->second.roles) << key;
    EXPECT_EQ(route.scope, rule->second.scope) << key;
  }
  for (const auto& [key, rule] : Rules()) {
    EXPECT_TRUE(routes.contains(key)) << "a rule for a route that does not exist: " << key;
  }
  // The OpenAPI document the gateway serves lists the same routes (besides
  // its own /healthz, /readyz, /metrics, /openapi.json and /v1/pow).
  HttpResult served = stack_->Fetch("GET", "/openapi.json");
  ASSERT_EQ(served.status, 200);
  size_t documented = 0;
  const boost::json::value document = Json(served);
  for (const auto& [path, item] : document.at("paths").as_object()) {
    if (!std::string_view(path).starts_with("/v1/") ||
        std::string_view(path).starts_with("/v1/pow/")) {
      continue;
    }
    documented += item.as_object().size();
  }
  EXPECT_EQ(documented, Rules().size());
}

TEST_F(AccessMatrixTest, EveryRouteEveryRoleEveryScope) {
  const std::vector<std::string> roles = AllRoles();
  std::map<std::pair<std::string, bool>, std::string> tokens;
  for (const std::string& role : roles) {
    tokens[{role, true}] = TokenFor(role, kRightScopes);
    tokens[{role, false}] = TokenFor(role, kWrongScopes);
  }
  std::vector<std::string> failures;
  int cells = 0;
  for (const Route& route : GatewayRoutes().routes()) {
    auto rule = Rules().find(Key(route));
    if (rule == Rules().end()) continue;  // the test above fails for it
    const std::string target = Target(route);
    const std::string body = route.body.empty() ? "" : "{}";
    auto check = [&](const std::string* role, bool right_scope) {
      const std::string token = role == nullptr ? "" : tokens.at({*role, right_scope});
      const HttpResult result = stack_->Fetch(route.http_method, target, body, token);
      const Expected expected = ExpectedFor(rule->second, role, right_scope);
      ++cells;
      const bool ok = expected.passes
                          ? result.status != 401 && result.status != 403 && result.status < 500
                          : result.status == expected.status && Reason(result) == expected.reason;
      if (!ok) {
        failures.push_back(absl::StrCat(
            route.http_method, " ", target, " as ", role == nullptr ? "(no token)" : *role,
            role == nullptr ? "" : (right_scope ? " (right scope)" : " (wrong scope)"),
            ": expected ",
            expected.passes ? "to pass the access checks"
                            : absl::StrCat(expected.status, " ", expected.reason),
            ", got ", result.status, " ", result.body.substr(0, 200)));
      }
    };
    check(nullptr, true);
    for (const std::string& role : roles) {
      check(&role, true);
      check(&role, false);
    }
  }
  EXPECT_EQ(cells, static_cast<int>(Rules().size() * (2 * roles.size() + 1)));
  EXPECT_THAT(failures, ::testing::IsEmpty()) << absl::StrJoin(failures, "\n");
}

// The acceptance, spelled out: staff of other services never reach
// a daycare route that shows a child, and daycare caseworkers neither set
// policy nor publish or read rounds.
TEST_F(AccessMatrixTest, DaycareRoutesShowingChildrenAreClosedToOtherStaff) {
  const std::vector<std::string> child_routes = {
      "GET /v1/daycare/seasons/{season_id}/rounds/{round}",
      "GET /v1/daycare/seasons/{season_id}/casework/applications",
      "GET /v1/daycare/seasons/{season_id}/casework/applications/{application_id}",
      "PUT /v1/daycare/seasons/{season_id}/casework/applications/{application_id}",
      "POST /v1/daycare/seasons/{season_id}/rounds",
      "POST /v1/daycare/seasons/{season_id}/dry-run",
      "GET /v1/daycare/seasons/{season_id}/explanations/{application_id}"};
  for (const std::string& key : child_routes) {
    const Rule& rule = Rules().at(key);
    for (const std::string role : {"office_staff", "office_admin", "video_caseworker",
                                   "parking_admin", "parking_officer", "citizen"}) {
      EXPECT_FALSE(rule.roles.contains(role)) << role << " may use " << key;
    }
  }
  for (const char* key :
       {"PUT /v1/daycare/seasons/{season_id}/policy", "POST /v1/daycare/seasons/{season_id}/rounds",
        "GET /v1/daycare/seasons/{season_id}/rounds/{round}",
        "POST /v1/daycare/seasons/{season_id}/rounds/{round}/deadline"}) {
    EXPECT_FALSE(Rules().at(key).roles.contains("daycare_caseworker")) << key;
  }
  // Coordinators read a child's result through the explanation, not the
  // casework view with the family's contact details.
  EXPECT_FALSE(Rules()
                   .at("GET /v1/daycare/seasons/{season_id}/casework/applications/{application_id}")
                   .roles.contains("daycare_coordinator"));
  // And through the gateway, with a counter caseworker's token for office:mitte.
  const std::string counter = TokenFor("office_staff", "office:mitte");
  HttpResult round = stack_->Fetch("GET", "/v1/daycare/seasons/s1/rounds/1", "", counter);
  EXPECT_EQ(round.status, 403);
  EXPECT_EQ(Reason(round), "role_not_allowed");
}

// The gateway configured as for the Keycloak realm of deploy/keycloak: roles
// from realm_access.roles, scopes from the stadt_scopes array.
TEST(KeycloakClaimsE2eTest, RolesAndScopesComeFromTheConfiguredClaims) {
  StackOptions options;
  options.gateway_env = {{"GATEWAY_ROLES_CLAIM", "realm_access.roles"},
                         {"GATEWAY_SCOPES_CLAIM", "stadt_scopes"}};
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith({"appointments"}, options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto token = [&](const std::string& roles_claim, const char* office) {
    boost::json::object claims;
    claims[roles_claim == "roles" ? "roles" : "realm_access"] =
        roles_claim == "roles"
            ? boost::json::value(boost::json::array{"office_staff"})
            : boost::json::value(boost::json::object{
                  {"roles", boost::json::array{"office_staff", "uma_authorization"}}});
    claims["stadt_scopes"] = boost::json::array{office};
    return (*stack)->tokens().MintWithClaims("staff-kc", claims, absl::Now());
  };
  const std::string day = "/v1/offices/mitte/days/2030-01-07/appointments";
  HttpResult own = (*stack)->Fetch("GET", day, "", token("realm_access", "office:mitte"));
  EXPECT_EQ(own.status, 200) << own.body;
  HttpResult other = (*stack)->Fetch("GET", day, "", token("realm_access", "office:vaihingen"));
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Reason(other), "scope_not_granted");
  // Roles where this provider does not put them grant nothing.
  HttpResult top_level = (*stack)->Fetch("GET", day, "", token("roles", "office:mitte"));
  EXPECT_EQ(top_level.status, 403);
  EXPECT_EQ(Reason(top_level), "role_not_allowed");
  absl::Status stopped = (*stack)->Stop();
  EXPECT_TRUE(stopped.ok()) << stopped.message();
}

}  // namespace
}  // namespace stadt::testing
