// The OpenAPI document the real gateway binary serves passes an independent,
// well-kept validator (@apidevtools/swagger-parser run by Node.js).
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/http_client.h"
#include "tests/harness/process.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class OpenApiValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-openapi-XXXXXX");
    dir_ = mkdtemp(pattern.data());
    port_ = PickFreePort();
    // No backend and no token keys: the document needs neither.
    absl::StatusOr<std::unique_ptr<Subprocess>> gateway =
        Subprocess::Start(STADT_GATEWAY_BIN, {}, {{"GATEWAY_PORT", absl::StrCat(port_)}},
                          absl::StrCat(dir_, "/gateway.log"));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    ASSERT_TRUE(WaitForTcpPort(port_, absl::Seconds(20)).ok())
        << ReadFile(absl::StrCat(dir_, "/gateway.log"));
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<Subprocess> gateway_;
};

TEST_F(OpenApiValidationTest, ServedDocumentPassesSwaggerParser) {
  absl::StatusOr<HttpResult> result = HttpFetch(port_, "GET", "/openapi.json");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->status, 200);
  boost::system::error_code error;
  boost::json::value doc = boost::json::parse(result->body, error);
  ASSERT_FALSE(error);
  // The real document carries the linked services' routes, not just the
  // gateway's own endpoints.
  EXPECT_TRUE(doc.at("paths").as_object().contains("/v1/offices/{office_id}"));
  // swagger-parser checks path parameters against templates for Swagger 2
  // only; for OpenAPI 3 this test does: every {variable} is declared.
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      std::set<std::string> declared;
      if (operation.as_object().contains("parameters")) {
        for (const boost::json::value& parameter : operation.at("parameters").as_array()) {
          if (parameter.at("in") == "path")
            declared.insert(std::string(parameter.at("name").as_string()));
        }
      }
      std::set<std::string> in_template;
      for (size_t open = path.find('{'); open != std::string::npos;
           open = path.find('{', open + 1)) {
        in_template.insert(std::string(path.substr(open + 1, path.find('}', open) - open - 1)));
      }
      EXPECT_EQ(declared, in_template) << path << " " << method;
    }
  }

  const std::string document = absl::StrCat(dir_, "/openapi.json");
  std::ofstream(document) << result->body;
  const std::string log = absl::StrCat(dir_, "/validator.log");
  absl::StatusOr<std::unique_ptr<Subprocess>> validator = Subprocess::Start(
      STADT_NODE_BIN, {absl::StrCat(STADT_VALIDATOR_DIR, "/validate.js"), document}, {}, log);
  ASSERT_TRUE(validator.ok()) << validator.status();
  EXPECT_EQ((*validator)->Wait(), 0) << ReadFile(log);
  EXPECT_THAT(ReadFile(log), HasSubstr("valid: Stadtportal API"));
}

// docs/openapi.json is the document for readers of the repository (linked
// from the README); it must be the one the gateway serves. To refresh it, run
// deploy/regen_openapi.sh after a build.
TEST_F(OpenApiValidationTest, CommittedDocumentIsTheServedOne) {
  absl::StatusOr<HttpResult> result = HttpFetch(port_, "GET", "/openapi.json");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->status, 200);
  boost::system::error_code error;
  const boost::json::value committed =
      boost::json::parse(ReadFile(absl::StrCat(STADT_SOURCE_DIR, "/docs/openapi.json")), error);
  ASSERT_FALSE(error) << "docs/openapi.json is missing or not JSON";
  EXPECT_TRUE(committed == boost::json::parse(result->body))
      << "docs/openapi.json is out of date; regenerate it as the comment above says";
}

TEST_F(OpenApiValidationTest, ValidatorRejectsABrokenDocument) {
  // Proves the check has teeth: a parameter in no allowed place and a
  // reference to a schema that does not exist.
  const std::string document = absl::StrCat(dir_, "/broken.json");
  std::ofstream(document) << R"({"openapi":"3.0.3","info":{"title":"x","version":"1"},)"
                          << R"("paths":{"/v1/a":{"get":{"parameters":[{"name":"id",)"
                          << R"("in":"nowhere","schema":{"type":"string"}}],"responses":)"
                          << R"({"200":{"description":"OK","content":{"application/json":)"
                          << R"({"schema":{"$ref":"#/components/schemas/Nope"}}}}}}}}})";
  const std::string log = absl::StrCat(dir_, "/broken.log");
  absl::StatusOr<std::unique_ptr<Subprocess>> validator = Subprocess::Start(
      STADT_NODE_BIN, {absl::StrCat(STADT_VALIDATOR_DIR, "/validate.js"), document}, {}, log);
  ASSERT_TRUE(validator.ok()) << validator.status();
  EXPECT_NE((*validator)->Wait(), 0) << ReadFile(log);
  EXPECT_THAT(ReadFile(log), HasSubstr("invalid"));
}

}  // namespace
}  // namespace stadt::testing
