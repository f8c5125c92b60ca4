#include "gateway/openapi/openapi.h"

#include <functional>

#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stadt/testing/v1/openapi_test.pb.h"
#include "stadt/testing/v1/routes_test.pb.h"

namespace stadt::gateway {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const google::protobuf::ServiceDescriptor* Service(const google::protobuf::FileDescriptor* file,
                                                   const std::string& name) {
  return file->FindServiceByName(name);
}

class OpenApiTest : public ::testing::Test {
 protected:
  OpenApiTest() {
    RouteTable routes =
        RouteTable::Build({Service(stadt::testing::v1::Kitchen::descriptor()->file(), "Kitchens"),
                           Service(stadt::testing::v1::Book::descriptor()->file(), "Library")})
            .value();
    doc_ = BuildOpenApi(routes, OpenApiInfo{});
  }

  const json::object& Operation(const std::string& path, const std::string& method) {
    return doc_.at("paths").at(path).at(method).as_object();
  }
  const json::object& Schema(const std::string& name) {
    return doc_.at("components").at("schemas").at(name).as_object();
  }
  const json::value& Property(const std::string& schema, const std::string& property) {
    return Schema(schema).at("properties").at(property);
  }
  // Parameter name -> parameter of an operation.
  std::map<std::string, json::object> Parameters(const json::object& operation) {
    std::map<std::string, json::object> out;
    if (!operation.contains("parameters")) return out;
    for (const json::value& parameter : operation.at("parameters").as_array()) {
      out[std::string(parameter.at("name").as_string())] = parameter.as_object();
    }
    return out;
  }
  static std::string Text(const json::value& value) { return json::serialize(value); }

  json::object doc_;
};

TEST_F(OpenApiTest, DeclaresVersionInfoAndBearerScheme) {
  EXPECT_EQ(doc_.at("openapi").as_string(), "3.0.3");
  EXPECT_EQ(doc_.at("info").at("title").as_string(), "Stadtportal API");
  const json::value& scheme = doc_.at("components").at("securitySchemes").at("bearerAuth");
  EXPECT_EQ(scheme.at("type").as_string(), "http");
  EXPECT_EQ(scheme.at("scheme").as_string(), "bearer");
  EXPECT_EQ(scheme.at("bearerFormat").as_string(), "JWT");
}

TEST_F(OpenApiTest, GetTakesPathVariableAndScalarQueryFieldsByJsonName) {
  std::map<std::string, json::object> parameters =
      Parameters(Operation("/v1/kitchens/{kitchen_id}", "get"));
  // secret (bytes), asOf (a Timestamp) and node.children (repeated message)
  // cannot come from a query string, so they are not offered.
  std::vector<std::string> names;
  for (const auto& [name, parameter] : parameters) names.push_back(name);
  EXPECT_THAT(names, UnorderedElementsAre("kitchen_id", "sinceVersion", "tags", "node.name"));
  EXPECT_EQ(parameters["kitchen_id"].at("in").as_string(), "path");
  EXPECT_TRUE(parameters["kitchen_id"].at("required").as_bool());
  EXPECT_EQ(parameters["sinceVersion"].at("in").as_string(), "query");
  EXPECT_EQ(Text(parameters["sinceVersion"].at("schema")), R"({"type":"string","format":"int64"})");
  EXPECT_EQ(Text(parameters["tags"].at("schema")), R"({"type":"array","items":{"type":"string"}})");
}

TEST_F(OpenApiTest, RoutesOfOneShapeShareOnePathWithItsVariableNames) {
  // PATCH /v1/kitchens/{kitchen.kitchen_id} is the same OpenAPI path as the
  // GET's /v1/kitchens/{kitchen_id}; OpenAPI forbids two spellings of it.
  EXPECT_FALSE(doc_.at("paths").as_object().contains("/v1/kitchens/{kitchen.kitchen_id}"));
  const json::object& patch = Operation("/v1/kitchens/{kitchen_id}", "patch");
  std::map<std::string, json::object> parameters = Parameters(patch);
  ASSERT_TRUE(parameters.contains("kitchen_id"));
  EXPECT_THAT(std::string(parameters["kitchen_id"].at("description").as_string()),
              HasSubstr("kitchen.kitchen_id"));
  // The body fills `kitchen`; the remaining scalar goes in the query.
  EXPECT_TRUE(parameters.contains("validateOnly"));
  EXPECT_FALSE(parameters.contains("kitchen.bigCount"));
  EXPECT_EQ(Text(patch.at("requestBody").at("content").at("application/json").at("schema")),
            R"({"$ref":"#/components/schemas/stadt.testing.v1.Kitchen"})");
}

TEST_F(OpenApiTest, WholeBodyRouteHasNoQueryParameters) {
  const json::object& post = Operation("/v1/kitchens", "post");
  EXPECT_FALSE(post.contains("parameters"));
  EXPECT_TRUE(post.at("requestBody").at("required").as_bool());
}

TEST_F(OpenApiTest, SecurityAndRolesFollowTheRouteOptions) {
  const json::object& anonymous = Operation("/v1/kitchens/{kitchen_id}", "get");
  EXPECT_EQ(Text(anonymous.at("security")), R"([{},{"bearerAuth":[]}])");
  EXPECT_FALSE(anonymous.at("responses").as_object().contains("403"));

  const json::object& restricted = Operation("/v1/kitchens/{kitchen_id}", "patch");
  EXPECT_EQ(Text(restricted.at("security")), R"([{"bearerAuth":[]}])");
  EXPECT_THAT(std::string(restricted.at("description").as_string()),
              HasSubstr("office_staff, operator"));
  EXPECT_TRUE(restricted.at("responses").as_object().contains("403"));

  const json::object& any_caller = Operation("/v1/kitchens", "post");
  EXPECT_THAT(std::string(any_caller.at("description").as_string()),
              HasSubstr("any authenticated caller"));
}

TEST_F(OpenApiTest, ResponsesReferenceOutputAndErrorSchemas) {
  const json::object& responses =
      Operation("/v1/kitchens/{kitchen_id}", "get").at("responses").as_object();
  EXPECT_EQ(Text(responses.at("200").at("content").at("application/json").at("schema")),
            R"({"$ref":"#/components/schemas/stadt.testing.v1.Kitchen"})");
  for (const char* code : {"400", "401", "404", "429", "default"}) {
    EXPECT_EQ(Text(responses.at(code).at("content").at("application/json").at("schema")),
              R"({"$ref":"#/components/schemas/Error"})")
        << code;
  }
  EXPECT_EQ(responses.at("429").at("headers").at("Retry-After").at("schema").at("type").as_string(),
            "integer");
  EXPECT_THAT(Schema("Error").at("required").as_array(),
              UnorderedElementsAre("code", "status", "message", "details"));
}

TEST_F(OpenApiTest, SchemasFollowTheProto3JsonMapping) {
  const std::string kitchen = "stadt.testing.v1.Kitchen";
  EXPECT_EQ(Text(Property(kitchen, "bigCount")), R"({"type":"string","format":"int64"})");
  EXPECT_EQ(Text(Property(kitchen, "hugeCount")), R"({"type":"string","format":"uint64"})");
  EXPECT_EQ(Property(kitchen, "smallCount").at("type").as_string(), "integer");
  EXPECT_EQ(Text(Property(kitchen, "blob")), R"({"type":"string","format":"byte"})");
  EXPECT_EQ(Text(Property(kitchen, "colour")),
            R"({"$ref":"#/components/schemas/stadt.testing.v1.Colour"})");
  EXPECT_EQ(Text(Schema("stadt.testing.v1.Colour")),
            R"({"type":"string","enum":["COLOUR_UNSPECIFIED","COLOUR_RED"]})");
  EXPECT_EQ(Text(Property(kitchen, "openedAt")), R"({"type":"string","format":"date-time"})");
  EXPECT_EQ(Property(kitchen, "cookTime").at("type").as_string(), "string");
  EXPECT_EQ(Text(Property(kitchen, "stock")),
            R"({"type":"object","additionalProperties":{"type":"integer","format":"int32"}})");
  EXPECT_EQ(Text(Property(kitchen, "optionalCount")),
            R"({"type":"string","format":"int64","nullable":true})");
  EXPECT_EQ(Text(Property(kitchen, "palette")),
            R"({"type":"array","items":{"$ref":"#/components/schemas/stadt.testing.v1.Colour"}})");
  EXPECT_EQ(Text(Property(kitchen, "rating")), R"({"type":"number","format":"double"})");
  EXPECT_EQ(Text(Property(kitchen, "open")), R"({"type":"boolean"})");
  // A recursive message refers to itself instead of recursing forever.
  EXPECT_EQ(Text(Property("stadt.testing.v1.Node", "children")),
            R"({"type":"array","items":{"$ref":"#/components/schemas/stadt.testing.v1.Node"}})");
}

TEST_F(OpenApiTest, EveryReferenceResolvesAndOperationIdsAreUnique) {
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc_.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      EXPECT_TRUE(operation_ids.insert(std::string(operation.at("operationId").as_string())).second)
          << path << " " << method;
    }
  }
  std::function<void(const json::value&)> check = [&](const json::value& value) {
    if (value.is_array()) {
      for (const json::value& item : value.as_array()) check(item);
    } else if (value.is_object()) {
      for (const auto& [key, item] : value.as_object()) {
        if (key == "$ref") {
          const std::string prefix = "#/components/schemas/";
          std::string ref(item.as_string());
          ASSERT_TRUE(ref.starts_with(prefix)) << ref;
          EXPECT_TRUE(
              doc_.at("components").at("schemas").as_object().contains(ref.substr(prefix.size())))
              << ref;
        }
        check(item);
      }
    }
  };
  check(doc_);
  EXPECT_GT(operation_ids.size(), 8u);
}

TEST_F(OpenApiTest, ListsTheGatewaysOwnEndpoints) {
  for (const char* path :
       {"/healthz", "/readyz", "/openapi.json", "/metrics", "/v1/pow/challenge"}) {
    EXPECT_TRUE(doc_.at("paths").as_object().contains(path)) << path;
  }
  const json::object& challenge = Operation("/v1/pow/challenge", "get");
  EXPECT_EQ(challenge.at("operationId").as_string(), "PowChallenge");
  const json::value& schema =
      challenge.at("responses").at("200").at("content").at("application/json").at("schema");
  EXPECT_EQ(schema.at("required").as_array().size(), 6u);
  EXPECT_EQ(Text(schema.at("properties").at("expires")),
            R"({"type":"string","format":"date-time"})");
  EXPECT_TRUE(challenge.at("responses").as_object().contains("404"));
}

TEST_F(OpenApiTest, ProofOfWorkRoutesDeclareTheSolutionHeaderAndTheirRefusals) {
  RouteTable routes =
      RouteTable::Build({Service(stadt::testing::v1::Book::descriptor()->file(), "Library")})
          .value();
  OpenApiInfo info;
  info.pow_routes = {{"POST", "/v1/books"}, {"PUT", "/v1/shelves/{book.shelf_id}/books/{book.id}"}};
  doc_ = BuildOpenApi(routes, info);
  const json::object& create = Operation("/v1/books", "post");
  const std::map<std::string, json::object> parameters = Parameters(create);
  ASSERT_TRUE(parameters.contains("X-Pow-Solution"));
  const json::object& header = parameters.at("X-Pow-Solution");
  EXPECT_EQ(header.at("in").as_string(), "header");
  EXPECT_TRUE(header.at("required").as_bool());
  EXPECT_TRUE(create.at("responses").as_object().contains("428"));
  EXPECT_TRUE(create.at("responses").as_object().contains("403"));
  EXPECT_THAT(Text(create.at("responses").at("403")), HasSubstr("pow_replayed"));
  // A route with roles keeps its role refusal in the 403.
  const json::object& put = Operation("/v1/shelves/{book.shelf_id}/books/{book.id}", "put");
  EXPECT_THAT(Text(put.at("responses").at("403")), HasSubstr("role_not_allowed"));
  EXPECT_TRUE(Parameters(put).contains("X-Pow-Solution"));
  // Others are untouched.
  const json::object& get = Operation("/v1/shelves/{shelf_id}", "get");
  EXPECT_FALSE(Parameters(get).contains("X-Pow-Solution"));
  EXPECT_FALSE(get.at("responses").as_object().contains("428"));
}

TEST_F(OpenApiTest, IsDeterministic) {
  RouteTable routes =
      RouteTable::Build({Service(stadt::testing::v1::Kitchen::descriptor()->file(), "Kitchens"),
                         Service(stadt::testing::v1::Book::descriptor()->file(), "Library")})
          .value();
  EXPECT_EQ(json::serialize(BuildOpenApi(routes, OpenApiInfo{})), json::serialize(doc_));
}

}  // namespace
}  // namespace stadt::gateway
