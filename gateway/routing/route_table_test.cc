#include "gateway/routing/route_table.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stadt/api/v1/annotations.pb.h"
#include "stadt/testing/v1/routes_test.pb.h"

namespace stadt::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const google::protobuf::ServiceDescriptor* Service(const std::string& name) {
  return testing::v1::Book::descriptor()->file()->FindServiceByName(name);
}

absl::StatusOr<RouteTable> BuildFor(const std::string& name) {
  return RouteTable::Build({Service(name)});
}

TEST(RouteTableTest, BuildsRoutesFromOptions) {
  absl::StatusOr<RouteTable> table = BuildFor("Library");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->routes().size(), 5u);  // Internal has no option.
  const Route& put = table->routes()[3];
  EXPECT_EQ(put.grpc_path, "/stadt.testing.v1.Library/PutBook");
  EXPECT_EQ(put.http_method, "PUT");
  EXPECT_EQ(put.body, "book");
  EXPECT_THAT(put.roles, UnorderedElementsAre("office_staff"));
  EXPECT_EQ(put.scope, "shelf");
  EXPECT_EQ(put.scope_segment, 2);  // {book.shelf_id}
  EXPECT_FALSE(put.allow_anonymous);
  ASSERT_EQ(put.segments.size(), 5u);
  EXPECT_TRUE(put.segments[2].is_variable);
  EXPECT_EQ(put.segments[2].fields.size(), 2u);
  EXPECT_THAT(table->routes()[4].reasons, ::testing::ElementsAre("not_found", "limit_reached"));
}

TEST(RouteTableTest, MatchesAndBindsVariables) {
  RouteTable table = BuildFor("Library").value();
  MatchResult result = table.Match("GET", {"v1", "shelves", "s-1", "books"});
  ASSERT_EQ(result.kind, MatchResult::Kind::kMatched);
  EXPECT_EQ(result.match.route->method->name(), "ListBooks");
  ASSERT_EQ(result.match.variables.size(), 1u);
  EXPECT_EQ(result.match.variables[0].second, "s-1");
}

TEST(RouteTableTest, LiteralBeatsVariable) {
  RouteTable table = BuildFor("Library").value();
  EXPECT_EQ(table.Match("GET", {"v1", "shelves", "search"}).match.route->method->name(),
            "SearchShelves");
  EXPECT_EQ(table.Match("GET", {"v1", "shelves", "other"}).match.route->method->name(), "GetShelf");
}

TEST(RouteTableTest, DistinguishesUnknownPathFromWrongMethod) {
  RouteTable table = BuildFor("Library").value();
  EXPECT_EQ(table.Match("GET", {"v1", "nothing"}).kind, MatchResult::Kind::kNoSuchPath);
  EXPECT_EQ(table.Match("GET", {"v1", "shelves", "", "books"}).kind,
            MatchResult::Kind::kNoSuchPath);
  MatchResult wrong = table.Match("DELETE", {"v1", "books"});
  EXPECT_EQ(wrong.kind, MatchResult::Kind::kMethodNotAllowed);
  EXPECT_THAT(wrong.allowed_methods, UnorderedElementsAre("POST"));
}

TEST(RouteTableTest, RejectsBrokenDefinitionsAtBuild) {
  const std::pair<const char*, const char*> kCases[] = {
      {"DuplicateRoutes", "duplicate route"},
      {"UnknownVariable", "no field"},
      {"MessageVariable", "must end at a scalar"},
      {"UnclosedVariable", "unclosed"},
      {"BodyOnGet", "take no body"},
      {"UnknownMethod", "method must be"},
      {"ScalarBody", "singular message"},
      {"RelativePath", "must start with"},
      {"CachedPersonalRead", "anyone may read"},
      {"ScopeFieldNotInPath", "variable of the path"},
      {"ScopedAnonymousRoute", "needs a token"},
      {"AuditedRead", "only on routes that change"},
      {"AuditedUnknownResponseId", "audit_response_id"},
      {"UnknownReason", "not in the reason catalog"},
      {"ReasonTwice", "declared twice"}};
  for (const auto& [service, problem] : kCases) {
    absl::StatusOr<RouteTable> table = BuildFor(service);
    ASSERT_FALSE(table.ok()) << service;
    EXPECT_THAT(std::string(table.status().message()), HasSubstr(problem)) << service;
  }
}

TEST(RouteTableTest, UnscopedRoutesHaveNoScopeSegment) {
  RouteTable table = BuildFor("Library").value();
  const Route& list = table.routes()[2];
  EXPECT_EQ(list.scope, "");
  EXPECT_EQ(list.scope_segment, -1);
}

TEST(RouteTableTest, RoleNamesComeFromTheEnum) {
  EXPECT_EQ(RoleName(*api::v1::Role_descriptor()->FindValueByNumber(api::v1::ROLE_PARKING_OFFICER)),
            "parking_officer");
}

}  // namespace
}  // namespace stadt::gateway
