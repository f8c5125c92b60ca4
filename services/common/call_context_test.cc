#include "services/common/call_context.h"

#include "gtest/gtest.h"

namespace stadt {
namespace {

Caller WithScopes(std::vector<std::string> scopes) {
  Caller caller;
  caller.subject = "caseworker-1";
  caller.roles = {"caseworker"};
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

}  // namespace
}  // namespace stadt
