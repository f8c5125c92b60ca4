#include "services/daycare/domain/instance_json.h"

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace stadt::daycare {
namespace {

namespace json = boost::json;

constexpr char kIssueExample[] = R"({ "seed": 42,
  "programs": [ { "id": "P1", "capacity": 1 }, { "id": "P3", "capacity": 1 } ],
  "applications": [
    { "id": "A1", "choices": ["P3", "P1"], "points": { "P3": 12, "P1": 5 } },
    { "id": "A2", "choices": ["P3"], "points": { "P3": 20 } } ],
  "comment": "members beyond these are ignored" })";

std::string Allocate(std::string_view text, bool explain = false) {
  absl::StatusOr<ParsedInstance> parsed = ParseInstance(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  absl::StatusOr<Allocator> allocator =
      Allocator::Create(parsed->instance, parsed->policy.value_or(Policy{}));
  EXPECT_TRUE(allocator.ok()) << allocator.status();
  return ResultToJson(*allocator, allocator->Run(), explain);
}

TEST(InstanceJsonTest, ProducesTheDocumentedShape) {
  const json::value result = json::parse(Allocate(kIssueExample));
  const json::array& assignments = result.at("assignments").as_array();
  ASSERT_EQ(assignments.size(), 2u);
  EXPECT_EQ(assignments[0].at("application"), "A1");
  EXPECT_EQ(assignments[0].at("program"), "P1");
  EXPECT_EQ(assignments[0].at("choice_rank"), 2);
  EXPECT_EQ(assignments[1].at("program"), "P3");
  EXPECT_TRUE(assignments[0].at("lottery").is_number());
  const json::array& programs = result.at("programs").as_array();
  EXPECT_EQ(programs[1].at("id"), "P3");
  EXPECT_EQ(programs[1].at("filled"), 1);
  EXPECT_EQ(programs[1].at("cutoff").at("points"), 20);
  EXPECT_EQ(programs[0].at("cutoff").at("application"), "A1");
  EXPECT_EQ(result.at("stats").at("placed"), 2);
}

TEST(InstanceJsonTest, UnplacedChildHasNullProgram) {
  const json::value result = json::parse(Allocate(R"({"seed": 1,
      "programs": [{"id": "P", "capacity": 0}],
      "applications": [{"id": "A", "choices": ["P"]}]})"));
  EXPECT_TRUE(result.at("assignments").at(0).at("program").is_null());
  EXPECT_TRUE(result.at("programs").at(0).at("cutoff").is_null());
}

TEST(InstanceJsonTest, OutputIsByteForByteReproducible) {
  EXPECT_EQ(Allocate(kIssueExample, true), Allocate(kIssueExample, true));
}

TEST(InstanceJsonTest, ReadsFullAttributesAndAnInlinePolicy) {
  absl::StatusOr<ParsedInstance> parsed = ParseInstance(R"({"seed": 18446744073709551615,
    "policy": {"max_choices": 3, "older_child_first": false,
               "criteria": [{"id": "sibling", "points": 5, "centre": "K1", "label": "sibling"}]},
    "programs": [{"id": "P", "capacity": 2, "centre": "K1", "min_age_months": 12,
                  "max_age_months": 36, "care_scope": "full_day", "start_month": "2026-08"}],
    "applications": [{"id": "A", "choices": ["P"], "birth_date": "2024-02-29",
                      "start_month": "2026-08", "care_scope": "full_day",
                      "criteria": ["single_parent"], "centre_criteria": {"K1": ["sibling"]}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->instance.seed, UINT64_MAX);
  ASSERT_TRUE(parsed->policy);
  EXPECT_EQ(parsed->policy->max_choices, 3u);
  EXPECT_FALSE(parsed->policy->older_child_first);
  EXPECT_EQ(parsed->policy->criteria[0].centre, "K1");
  const Program& program = parsed->instance.programs[0];
  EXPECT_EQ(program.start_month, Month::Of(2026, 8));
  EXPECT_EQ(program.max_age_months, 36);
  const Application& application = parsed->instance.applications[0];
  EXPECT_EQ(application.birth_date, (Date{2024, 2, 29}));
  EXPECT_EQ(application.centre_criteria.at("K1"), std::vector<std::string>{"sibling"});
}

TEST(InstanceJsonTest, ErrorsNameTheOffendingField) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "instance: not valid JSON"},
      {"[]", "instance: expected a JSON object"},
      {R"({"programs": [], "applications": []})", "seed: expected"},
      {R"({"seed": -1, "programs": [], "applications": []})", "seed: expected"},
      {R"({"seed": 1.5, "programs": [], "applications": []})", "seed: expected"},
      {R"({"seed": 1, "applications": []})", "programs: expected an array"},
      {R"({"seed": 1, "programs": [{"id": "P"}], "applications": []})",
       "programs[0].capacity: expected"},
      {R"({"seed": 1, "programs": [{"id": "P", "capacity": -3}], "applications": []})",
       "programs[0].capacity: expected"},
      {R"({"seed": 1, "programs": [{"id": "P", "capacity": "3"}], "applications": []})",
       "programs[0].capacity: expected"},
      {R"({"seed": 1, "programs": [{"capacity": 3}], "applications": []})",
       "programs[0].id: expected"},
      {R"({"seed": 1, "programs": [{"id": "P", "capacity": 3, "start_month": "2026-13"}],
           "applications": []})",
       "programs[0].start_month: expected a month"},
      {R"({"seed": 1, "programs": [], "applications": [{"id": "A"}]})",
       "applications[0].choices: expected"},
      {R"({"seed": 1, "programs": [], "applications": [{"id": "A", "choices": [7]}]})",
       "applications[0].choices[0]: expected a string"},
      {R"({"seed": 1, "programs": [], "applications": [{"id": "A", "choices": [],
           "points": {"P": "x"}}]})",
       "applications[0].points.P: expected"},
      {R"({"seed": 1, "programs": [], "applications": [{"id": "A", "choices": [],
           "birth_date": "2025-02-29"}]})",
       "applications[0].birth_date: expected a date"},
      {R"({"seed": 1, "programs": [], "applications": [], "policy": {"max_choices": 0}})",
       "policy.max_choices: expected"},
      {R"({"seed": 1, "programs": [], "applications": [],
           "policy": {"criteria": [{"id": "x"}]}})",
       "policy.criteria[0].points: expected"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<ParsedInstance> parsed = ParseInstance(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().find(message), 0u)
        << "got: " << parsed.status().message() << "\nwant prefix: " << message;
  }
}

TEST(InstanceJsonTest, HostileDocumentsAreRefusedNotCrashed) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string huge_seed = R"({"seed": 1e400, "programs": [], "applications": []})";
  const std::string huge_capacity =
      R"({"seed": 1, "programs": [{"id": "P", "capacity": 99999999999999999999}],
          "applications": []})";
  const std::string nul_in_id = std::string(R"({"seed": 1, "programs": [{"id": ")") +
                                std::string(1, '\0') + R"(", "capacity": 1}], "applications": []})";
  for (const std::string& text : {deep, huge_seed, huge_capacity, nul_in_id}) {
    EXPECT_EQ(ParseInstance(text).status().code(), absl::StatusCode::kInvalidArgument)
        << text.substr(0, 80);
  }
}

TEST(InstanceJsonTest, ParsesAStandalonePolicyFile) {
  absl::StatusOr<Policy> policy = ParsePolicy(
      R"({"criteria": [{"id": "both_working", "points": 10, "label": "both parents working"}]})");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->criteria[0].points, 10);
  EXPECT_EQ(policy->max_choices, 10u);
  EXPECT_EQ(ParsePolicy(R"({"older_child_first": 1})").status().message(),
            "older_child_first: expected true or false");
}

// The result is written directly (no document model): ids with quotes,
// backslashes, control characters and UTF-8 come back exactly.
TEST(InstanceJsonTest, ResultEscapesIdsAsJson) {
  Instance instance;
  Program program;
  program.id = "K\"1\\\t\x01ä";
  program.capacity = 1;
  instance.programs.push_back(program);
  Application application;
  application.id = "A/\n\x1f";
  application.choices.push_back(program.id);
  instance.applications.push_back(application);
  absl::StatusOr<Allocator> allocator = Allocator::Create(instance, Policy{});
  ASSERT_TRUE(allocator.ok()) << allocator.status();
  const std::string text = ResultToJson(*allocator, allocator->Run(), /*explain=*/true);
  const json::value result = json::parse(text);
  const json::value& assignment = result.at("assignments").at(0);
  EXPECT_EQ(assignment.at("application").as_string(), application.id);
  EXPECT_EQ(assignment.at("program").as_string(), program.id);
  EXPECT_EQ(result.at("programs").at(0).at("id").as_string(), program.id);
  EXPECT_EQ(result.at("programs").at(0).at("cutoff").at("application").as_string(), application.id);
  EXPECT_NE(text.find(R"("K\"1\\\t\u0001ä")"), std::string::npos) << text;
}

}  // namespace
}  // namespace stadt::daycare
