#include "gateway/openapi/roles_doc.h"

#include <fstream>
#include <sstream>

#include "gateway/core/linked_apis.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stadt/api/v1/annotations.pb.h"

namespace stadt::gateway {
namespace {

RouteTable GatewayRoutes() {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const LinkedApi& api : LinkedApis()) services.push_back(api.service);
  return RouteTable::Build(services).value();
}

// The roles table is written down once, in the proto options: the committed
// document must be what the generator makes of them.
TEST(RolesDocTest, CommittedDocumentIsCurrent) {
  std::stringstream committed;
  committed << std::ifstream(STADT_SOURCE_DIR "/docs/roles.md").rdbuf();
  ASSERT_FALSE(committed.str().empty());
  absl::StatusOr<std::string> regenerated =
      ReplaceGeneratedPart(committed.str(), RolesMarkdown(GatewayRoutes()));
  ASSERT_TRUE(regenerated.ok()) << regenerated.status();
  EXPECT_TRUE(*regenerated == committed.str())
      << "docs/roles.md is out of date: run build/release/gateway/tools/stadt-roles-doc "
         "docs/roles.md";
}

TEST(RolesDocTest, EveryRoleHasGermanAndEnglishNames) {
  const std::string generated = RolesMarkdown(GatewayRoutes());
  EXPECT_THAT(generated, ::testing::HasSubstr("| `office_staff` | Bürgerbüro-Mitarbeitende |"));
  const google::protobuf::EnumDescriptor& roles = *api::v1::Role_descriptor();
  for (int i = 1; i < roles.value_count(); ++i) {
    const api::v1::RoleDoc& doc = roles.value(i)->options().GetExtension(api::v1::role_doc);
    EXPECT_FALSE(doc.de().empty() || doc.en().empty() || doc.duties().empty())
        << roles.value(i)->name();
  }
}

TEST(RolesDocTest, MissingMarkersAreAnError) {
  EXPECT_FALSE(ReplaceGeneratedPart("# Roles\n", "x").ok());
}

}  // namespace
}  // namespace stadt::gateway
