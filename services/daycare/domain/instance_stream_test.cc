// The streaming reader of instance files must build exactly the applications the
// whole-document parser builds, and hand anything unusual back to it.
#include "services/daycare/domain/instance_stream.h"

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/season_types.h"
#include "services/daycare/domain/test_instances.h"

namespace stadt::daycare {
namespace {

namespace json = boost::json;

std::optional<StreamedInstance> Stream(std::string_view text) {
  return StreamInstance(text, json::make_shared_resource<json::monotonic_resource>());
}

// Every member the engine reads, ids that need escaping, and members it ignores.
Instance RichInstance(uint64_t seed) {
  testing::InstanceShape shape = testing::Shape(30, 6, 4, 3);
  Instance instance = testing::RandomInstance(seed, shape);
  SplitMix64 random(seed);
  for (size_t a = 0; a < instance.applications.size(); ++a) {
    Application& application = instance.applications[a];
    if (a % 3 == 0) application.points.reset();
    if (a % 4 == 0) application.desired_start = Month::Of(2026, 8 + a % 3);
    if (a % 5 == 0) application.care_scope = "full_day";
    if (a % 2 == 0) application.district = a % 4 == 0 ? "Süd \"Ost\"" : "Mitte\n";
    if (a % 3 == 1) application.criteria = {"single_parent", "both_working"};
    if (a % 7 == 0) application.centre_criteria["K1"] = {"sibling"};
    if (a % 6 == 1) application.together_with = instance.applications[a - 1].id;
    if (random.UniformBelow(4) == 0) application.id = absl::StrCat("A\\u00e4\"", a);
  }
  return instance;
}

std::string DocumentOf(const Instance& instance) {
  json::array programs;
  for (const Program& program : instance.programs) programs.push_back(ProgramToJson(program));
  json::array applications;
  for (const Application& application : instance.applications) {
    json::object object = ApplicationToJson(application);
    object["note"] = json::parse(R"({"x":[1,2.5,{"y":null}],"ok":true})");
    object["remark"] = nullptr;
    applications.push_back(std::move(object));
  }
  json::object document{{"seed", instance.seed},
                        {"programs", std::move(programs)},
                        {"applications", std::move(applications)},
                        {"comment", "ignored"}};
  return json::serialize(document);
}

TEST(InstanceStreamTest, BuildsTheApplicationsTheDocumentParserBuilds) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const Instance source = RichInstance(seed);
    const std::string text = DocumentOf(source);
    std::optional<StreamedInstance> streamed = Stream(text);
    ASSERT_TRUE(streamed.has_value()) << "seed " << seed;
    ASSERT_EQ(streamed->applications.size(), source.applications.size());
    for (size_t a = 0; a < source.applications.size(); ++a) {
      EXPECT_EQ(json::serialize(ApplicationToJson(streamed->applications[a])),
                json::serialize(ApplicationToJson(source.applications[a])))
          << "seed " << seed << " application " << a;
    }
    // The rest of the document stays for the document parser.
    EXPECT_EQ(streamed->rest.at("programs").as_array().size(), source.programs.size());
    EXPECT_TRUE(streamed->rest.at("applications").as_array().empty());
    // And ParseInstance gives the same values either way.
    absl::StatusOr<ParsedInstance> parsed = ParseInstance(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->instance.seed, source.seed);
    EXPECT_EQ(parsed->instance.applications.size(), source.applications.size());
  }
}

TEST(InstanceStreamTest, HandsAnythingUnusualBackToTheDocumentParser) {
  const std::string head = R"({"seed":1,"programs":[{"id":"P1","capacity":1}],"applications":[)";
  for (const std::string application : {
           R"({"id":"A","id":"B","choices":[]})",                 // a repeated member
           R"({"id":"A","choices":["P1"],"points":{"P1":1.5}})",  // not an integer
           R"({"id":"A","choices":["P1"],"points":{"P1":1,"P1":2}})",
           R"({"id":"A","choices":null})",
           R"({"choices":["P1"]})",  // no id
           R"({"id":"","choices":["P1"]})",
           R"({"id":"A"})",  // no choices
           R"({"id":"A","choices":["P1"],"birth_date":"2024-02-30"})",
           R"({"id":"A","choices":["P1"],"start_month":7})",
           R"({"id":"A","choices":[1]})",
           R"("A")",
       }) {
    const std::string text = absl::StrCat(head, application, "]}");
    EXPECT_FALSE(Stream(text).has_value()) << application;
  }
  EXPECT_FALSE(Stream(R"({"seed":1,"programs":[],"applications":{}})").has_value());
  EXPECT_FALSE(
      Stream(R"({"seed":1,"programs":[],"applications":[],"applications":[]})").has_value());
  EXPECT_FALSE(Stream(R"({"seed":1,"programs":[]})").has_value());
  EXPECT_FALSE(Stream(R"({"seed":1,"programs":[],"applications":[]} x)").has_value());
  // The document parser names the field, as before.
  EXPECT_EQ(
      ParseInstance(absl::StrCat(head, R"({"id":"A","choices":[1]})", "]}")).status().message(),
      "applications[0].choices[0]: expected a string");
}

TEST(SiblingPairsTest, LinksThatCannotRunAreDropped) {
  std::vector<Application> applications;
  for (const char* id : {"A", "B", "C", "D", "E", "F", "G"}) {
    applications.push_back(testing::MakeApplication(id, {}));
  }
  applications[0].together_with = "B";  // kept: B names nobody
  applications[2].together_with = "X";  // not in the round
  applications[3].together_with = "A";  // A is paired with B
  applications[4].together_with = "E";  // itself
  applications[5].together_with = "G";  // both name each other: kept
  applications[6].together_with = "F";
  season::KeepSiblingPairsThatCanRun(applications);
  std::vector<std::string> links;
  for (const Application& application : applications) links.push_back(application.together_with);
  EXPECT_EQ(links, (std::vector<std::string>{"B", "", "", "", "", "G", "F"}));
  EXPECT_TRUE(Allocator::Create(Instance{1, {}, applications}, Policy{}).ok());
}

}  // namespace
}  // namespace stadt::daycare
