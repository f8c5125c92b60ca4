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

absl::StatusOr<ParsedInstance> ParseResolving(std::string_view text) {
  return ParseInstance(text, {.resolve_wishes = true});
}

// The planners' tool reads the wishes as program indices: the same allocation,
// result and explanations, byte for byte, as with the ids.
TEST(InstanceStreamTest, ResolvedWishesAllocateAndExplainAsTheIdsDo) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const Instance source = RichInstance(seed);
    const std::string text = DocumentOf(source);
    absl::StatusOr<ParsedInstance> by_id = ParseInstance(text);
    absl::StatusOr<ParsedInstance> resolved = ParseResolving(text);
    ASSERT_TRUE(by_id.ok() && resolved.ok()) << "seed " << seed;
    for (size_t a = 0; a < source.applications.size(); ++a) {
      const Application& application = resolved->instance.applications[a];
      ASSERT_TRUE(application.resolved.has_value()) << "seed " << seed << " application " << a;
      EXPECT_TRUE(application.choices.empty());
      EXPECT_FALSE(application.points.has_value());
      EXPECT_EQ(application.HasReadyMadePoints(), source.applications[a].points.has_value());
      ASSERT_EQ(application.resolved->size(), source.applications[a].choices.size());
      for (size_t c = 0; c < application.resolved->size(); ++c) {
        const ResolvedWish& wish = (*application.resolved)[c];
        EXPECT_EQ(source.programs[wish.program].id, source.applications[a].choices[c]);
        if (source.applications[a].points) {
          EXPECT_EQ(wish.points,
                    source.applications[a].points->find(source.programs[wish.program].id)->second);
        }
      }
    }
    absl::StatusOr<Allocator> with_ids = Allocator::Create(std::move(by_id->instance), Policy{});
    absl::StatusOr<Allocator> with_indices =
        Allocator::Create(std::move(resolved->instance), Policy{});
    ASSERT_TRUE(with_ids.ok() && with_indices.ok()) << with_indices.status();
    for (Language language : {Language::kGerman, Language::kEnglish}) {
      EXPECT_EQ(ResultToJson(*with_indices, with_indices->Run(), true, language),
                ResultToJson(*with_ids, with_ids->Run(), true, language))
          << "seed " << seed;
    }
  }
}

// Where the wishes cannot be resolved, they stay ids, and errors read as before.
TEST(InstanceStreamTest, WishesStayIdsWhenTheProgramsCannotResolveThem) {
  // The programs after the applications: nothing to look the wishes up in yet.
  absl::StatusOr<ParsedInstance> late = ParseResolving(
      R"({"seed":1,"applications":[{"id":"A","choices":["P1"]}],"programs":[{"id":"P1","capacity":1}]})");
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_FALSE(late->instance.applications[0].resolved.has_value());
  EXPECT_EQ(late->instance.applications[0].choices, std::vector<std::string>{"P1"});
  // A program id twice, a program without an id, something that is no program:
  // indices would be ambiguous or shifted; Create names the problem.
  for (const char* programs :
       {R"([{"id":"P1","capacity":1},{"id":"P1","capacity":1}])",
        R"([{"capacity":1},{"id":"P1","capacity":1}])", R"([7,{"id":"P1","capacity":1}])",
        R"([{"id":"P1","id":"P2","capacity":1}])"}) {
    std::optional<StreamedInstance> streamed = StreamInstance(
        absl::StrCat(R"({"seed":1,"programs":)", programs,
                     R"(,"applications":[{"id":"A","choices":["P1"]}]})"),
        json::make_shared_resource<json::monotonic_resource>(), /*resolve_wishes=*/true);
    ASSERT_TRUE(streamed.has_value()) << programs;
    EXPECT_FALSE(streamed->applications[0].resolved.has_value()) << programs;
  }
  // An unknown wish, a wish without its points, a point for an unknown program:
  // the document parser reads them as ids, and Create's messages are the old ones.
  const std::string head =
      R"({"seed":1,"programs":[{"id":"P1","capacity":1},{"id":"P2","capacity":1}],"applications":[)";
  const std::pair<const char*, const char*> cases[] = {
      {R"({"id":"A","choices":["P1","P9"]})", "applications[0].choices[1]: unknown program \"P9\""},
      {R"({"id":"A","choices":["P1","P2"],"points":{"P1":3}})",
       "applications[0].points.P2: missing for a chosen program"},
      {R"({"id":"A","choices":["P1","P1"],"points":{"P1":3}})",
       "applications[0].choices[1]: program \"P1\" chosen twice"},
      {R"({"id":"A","choices":["P1"],"points":{"P1":3,"P9":1}})", ""},
  };
  for (const auto& [application, message] : cases) {
    absl::StatusOr<ParsedInstance> parsed = ParseResolving(absl::StrCat(head, application, "]}"));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<Allocator> allocator = Allocator::Create(parsed->instance, Policy{});
    EXPECT_EQ(allocator.status().message(), message) << application;
  }
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
