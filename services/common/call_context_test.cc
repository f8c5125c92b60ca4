#include "services/common/call_context.h"

#include "gtest/gtest.h"
#include "services/common/reason.h"

namespace stadt {
namespace {

Caller WithScopes(std::vector<std::string> scopes) {
  Caller caller;
  caller.subject = "staff-1";
  caller.roles = {"office_staff"};
  caller.scopes = std::move(scopes);
  return caller;
}

TEST(CallerScopeTest, AScopeGrantsExactlyItsPlace) {
  const Caller caller = WithScopes({"office:mitte", "department:jobcentre"});
  EXPECT_TRUE(caller.HasScopeFor("office", "mitte"));
  EXPECT_TRUE(caller.HasScopeFor("department", "jobcentre"));
  EXPECT_FALSE(caller.HasScopeFor("office", "sued"));
  EXPECT_FALSE(caller.HasScopeFor("office", "mitt"));
  EXPECT_FALSE(caller.HasScopeFor("office", "mitte2"));
  EXPECT_FALSE(caller.HasScopeFor("department", "mitte"));  // the kind matters
}

TEST(CallerScopeTest, AWildcardGrantsEveryPlaceOfItsKindOnly) {
  const Caller caller = WithScopes({"office:*"});
  EXPECT_TRUE(caller.HasScopeFor("office", "mitte"));
  EXPECT_TRUE(caller.HasScopeFor("office", "sued"));
  EXPECT_FALSE(caller.HasScopeFor("department", "jobcentre"));
}

TEST(CallerScopeTest, NoOrMalformedScopesGrantNothing) {
  EXPECT_FALSE(WithScopes({}).HasScopeFor("office", "mitte"));
  EXPECT_FALSE(WithScopes({"office"}).HasScopeFor("office", "mitte"));
  EXPECT_FALSE(WithScopes({"office:"}).HasScopeFor("office", ""));
  EXPECT_FALSE(WithScopes({"officemitte"}).HasScopeFor("office", "mitte"));
  EXPECT_FALSE(WithScopes({"*"}).HasScopeFor("office", "mitte"));
  EXPECT_FALSE(WithScopes({"office:*"}).HasScopeFor("", "mitte"));
}

TEST(CallerRequireTest, NamesTheMissingRoleOrScopeAsAReason) {
  const Caller caller = WithScopes({"office:mitte"});
  EXPECT_TRUE(caller.Require("office_staff").ok());
  EXPECT_TRUE(caller.Require("office_staff", "office", "mitte").ok());
  const absl::Status wrong_role = caller.Require("office_admin", "office", "mitte");
  EXPECT_EQ(wrong_role.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(wrong_role), "role_not_allowed");
  const absl::Status wrong_place = caller.Require("office_staff", "office", "sued");
  EXPECT_EQ(wrong_place.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(wrong_place), "scope_not_granted");
  EXPECT_EQ(ReasonOf(caller.Require("office_staff", "office", "")), "scope_not_granted");
}

TEST(CallerScopeTest, ScopesGrantAgreesWithTheCaller) {
  EXPECT_TRUE(ScopesGrant({"office:*"}, "office", "nord"));
  EXPECT_FALSE(ScopesGrant({"department:*"}, "office", "nord"));
}

}  // namespace
}  // namespace stadt
