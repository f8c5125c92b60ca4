#include "services/daycare/domain/allocation.h"

#include "gtest/gtest.h"
#include "services/daycare/domain/eligibility.h"
#include "services/daycare/domain/lottery.h"
#include "services/daycare/domain/priority_policy.h"
#include "services/daycare/domain/test_instances.h"

namespace stadt::daycare {
namespace {

Policy CityPolicy() {
  Policy policy;
  policy.criteria = {
      testing::MakeCriterion("both_working", 10, "both parents working or in training"),
      testing::MakeCriterion("single_parent", 8, "single parent"),
      testing::MakeCriterion("sibling", 5, "a sibling in this centre", "K12"),
  };
  return policy;
}

TEST(AgeTest, CountsCompletedMonthsAtTheFirstOfTheStartMonth) {
  EXPECT_EQ(AgeInMonthsAt({2024, 3, 1}, Month::Of(2026, 8)), 29);
  EXPECT_EQ(AgeInMonthsAt({2024, 3, 15}, Month::Of(2026, 8)), 28);
  EXPECT_EQ(AgeInMonthsAt({2026, 7, 31}, Month::Of(2026, 8)), 0);
  EXPECT_FALSE(IsValidDate({2025, 2, 29}));
  EXPECT_TRUE(IsValidDate({2024, 2, 29}));
}

TEST(PriorityPolicyTest, AddsCityWideAndCentreCriteria) {
  const Program k12_under3 = testing::MakeProgram("K12-U3", 10, "K12");
  const Program other = testing::MakeProgram("K7-U3", 10, "K7");
  Application application = testing::MakeApplication("A1", {"K12-U3"});
  application.criteria = {"both_working"};
  application.centre_criteria["K12"] = {"sibling"};
  const PointsBreakdown at_k12 = EvaluatePoints(CityPolicy(), k12_under3, application);
  EXPECT_EQ(at_k12.total, 15);
  ASSERT_EQ(at_k12.awarded.size(), 2u);
  EXPECT_EQ(at_k12.awarded[1].label, "a sibling in this centre");
  EXPECT_EQ(EvaluatePoints(CityPolicy(), other, application).total, 10);
}

TEST(PriorityPolicyTest, ReadyMadePointsWinOverAttributes) {
  const Program program = testing::MakeProgram("P1", 1);
  Application application = testing::MakeApplication("A1", {"P1"});
  application.points = ProgramPoints{{"P1", 42}};
  application.criteria = {"both_working"};
  EXPECT_EQ(EvaluatePoints(CityPolicy(), program, application).total, 42);
}

TEST(PriorityPolicyTest, FastCalculatorAgreesWithTheExplainedBreakdown) {
  Policy policy = CityPolicy();
  policy.criteria.push_back(testing::MakeCriterion("employee", 3, "parent works here", "K7"));
  const std::vector<Program> programs = {testing::MakeProgram("K12-U3", 5, "K12"),
                                         testing::MakeProgram("K7-U3", 5, "K7"),
                                         testing::MakeProgram("K9", 5)};
  const PointsCalculator calculator(policy, programs);
  SplitMix64 random(11);
  const char* const kFacts[] = {"both_working", "single_parent", "sibling", "employee"};
  for (int i = 0; i < 500; ++i) {
    Application application = testing::MakeApplication("A", {});
    for (const char* fact : kFacts) {
      if (random.UniformBelow(2) == 0) application.criteria.push_back(fact);
      if (random.UniformBelow(3) == 0) application.centre_criteria["K7"].push_back(fact);
      if (random.UniformBelow(3) == 0) application.centre_criteria["K12"].push_back(fact);
    }
    const int64_t city_wide = calculator.CityWidePoints(application);
    for (uint32_t p = 0; p < programs.size(); ++p) {
      EXPECT_EQ(calculator.Points(p, application, city_wide),
                EvaluatePoints(policy, programs[p], application).total);
    }
  }
}

TEST(EligibilityTest, RecordsAgeScopeAndStartReasons) {
  Policy policy;
  Program under3 = testing::WithAgeBand(testing::MakeProgram("U3", 5), 12, 35, Month::Of(2026, 9));
  under3.care_scope = "full_day";
  const Application baby = testing::MakeApplication("A", {"U3"}, Date{2026, 1, 10});
  auto too_young = CheckEligibility(policy, under3, baby, Language::kEnglish);
  ASSERT_TRUE(too_young);
  EXPECT_EQ(too_young->reason, IneligibleReason::kTooYoung);
  EXPECT_NE(too_young->text.find("7 months old in 2026-09"), std::string::npos) << too_young->text;
  EXPECT_EQ(CheckEligibility(policy, under3, baby)->text,
            "Ihr Kind ist im September 2026 7 Monate alt; U3 nimmt Kinder ab 12 Monaten auf.");
  const Application newborn = testing::MakeApplication("N", {"U3"}, Date{2026, 8, 1});
  EXPECT_EQ(CheckEligibility(policy, under3, newborn)->text,
            "Ihr Kind ist im September 2026 1 Monat alt; U3 nimmt Kinder ab 12 Monaten auf.");
  EXPECT_EQ(CheckEligibility(policy, under3, newborn, Language::kEnglish)->text,
            "Your child will be 1 month old in 2026-09; U3 takes children from 12 months.");

  const Application older = testing::MakeApplication("B", {"U3"}, Date{2022, 1, 1});
  EXPECT_EQ(CheckEligibility(policy, under3, older)->reason, IneligibleReason::kTooOld);

  Application half_day = testing::MakeApplication("C", {"U3"}, Date{2025, 1, 1});
  half_day.care_scope = "half_day";
  EXPECT_EQ(CheckEligibility(policy, under3, half_day)->reason, IneligibleReason::kCareScope);
  EXPECT_EQ(CheckEligibility(policy, under3, half_day)->text,
            "Der Betreuungsumfang von U3 ist ganztags; beantragt haben Sie halbtags.");

  Application late = testing::MakeApplication("D", {"U3"}, Date{2025, 1, 1});
  late.desired_start = Month::Of(2026, 10);
  EXPECT_EQ(CheckEligibility(policy, under3, late)->reason, IneligibleReason::kStartTooEarly);
  EXPECT_EQ(CheckEligibility(policy, under3, late)->text,
            "U3 beginnt im September 2026, also vor dem von Ihnen gewünschten Beginn (Oktober "
            "2026).");
  Application early = testing::MakeApplication("E", {"U3"}, Date{2025, 1, 1});
  early.desired_start = Month::Of(2026, 1);
  EXPECT_EQ(CheckEligibility(policy, under3, early)->reason, IneligibleReason::kStartTooLate);
  EXPECT_EQ(CheckEligibility(policy, under3, early)->text,
            "U3 beginnt im September 2026, mehr als 2 Monate nach dem von Ihnen gewünschten "
            "Beginn (Januar 2026).");
  EXPECT_EQ(CheckEligibility(policy, under3, early, Language::kEnglish)->text,
            "U3 starts in 2026-09, more than 2 months after the start you asked for (2026-01).");

  Application fits = testing::MakeApplication("F", {"U3"}, Date{2025, 1, 1});
  fits.desired_start = Month::Of(2026, 8);
  fits.care_scope = "full_day";
  EXPECT_FALSE(CheckEligibility(policy, under3, fits));
}

TEST(AllocatorTest, IneligibleChoicesAreDroppedAndTheNextChoiceIsUsed) {
  Instance instance;
  instance.programs = {
      testing::WithAgeBand(testing::MakeProgram("U3", 5), std::nullopt, 35, Month::Of(2026, 8)),
      testing::WithAgeBand(testing::MakeProgram("KG", 5), 36, std::nullopt, Month::Of(2026, 8))};
  instance.applications = {testing::MakeApplication("A1", {"U3", "KG"}, Date{2022, 5, 1})};
  absl::StatusOr<Allocator> allocator = Allocator::Create(instance, Policy{});
  ASSERT_TRUE(allocator.ok()) << allocator.status();
  EXPECT_EQ(allocator->choices(0)[0].ineligible, IneligibleReason::kTooOld);
  const RoundResult result = allocator->Run();
  EXPECT_EQ(result.placements[0].program, 1);
  EXPECT_EQ(result.placements[0].choice_rank, 2);
}

TEST(AllocatorTest, PointsThenOlderChildThenLottery) {
  Instance instance;
  instance.seed = 5;
  instance.programs = {testing::MakeProgram("P", 2)};
  instance.applications = {
      testing::MakeApplication("young_many_points", {"P"}, Date{2025, 6, 1}),
      testing::MakeApplication("young", {"P"}, Date{2025, 5, 1}),
      testing::MakeApplication("old", {"P"}, Date{2024, 1, 1}),
  };
  instance.applications[0].criteria = {"single_parent"};
  absl::StatusOr<Allocator> allocator = Allocator::Create(instance, CityPolicy());
  ASSERT_TRUE(allocator.ok()) << allocator.status();
  RoundResult result = allocator->Run();
  EXPECT_EQ(result.placements[0].program, 0);
  EXPECT_EQ(result.placements[1].program, -1);
  EXPECT_EQ(result.placements[2].program, 0);

  Policy lottery_only = CityPolicy();
  lottery_only.older_child_first = false;
  allocator = Allocator::Create(instance, lottery_only);
  ASSERT_TRUE(allocator.ok());
  result = allocator->Run();
  EXPECT_EQ(result.placements[0].program, 0);
  const bool young_wins = allocator->lottery(1) < allocator->lottery(2);
  EXPECT_EQ(result.placements[1].program == 0, young_wins);
  EXPECT_EQ(result.placements[2].program == 0, !young_wins);
}

TEST(AllocatorTest, RejectsBadInstancesNamingTheField) {
  auto error_of = [](Instance instance, Policy policy = {}) {
    return std::string(
        Allocator::Create(std::move(instance), std::move(policy)).status().message());
  };
  Instance base;
  base.programs = {testing::MakeProgram("P1", 1), testing::MakeProgram("P2", 1)};
  base.applications = {testing::MakeApplication("A1", {"P1"})};

  Instance unknown = base;
  unknown.applications[0].choices = {"P1", "P9"};
  EXPECT_EQ(error_of(unknown), "applications[0].choices[1]: unknown program \"P9\"");

  Instance twice = base;
  twice.applications[0].choices = {"P1", "P1"};
  EXPECT_EQ(error_of(twice), "applications[0].choices[1]: program \"P1\" chosen twice");

  Instance duplicate_program = base;
  duplicate_program.programs[1].id = "P1";
  EXPECT_EQ(error_of(duplicate_program), "programs[1].id: duplicate program id \"P1\"");

  Instance duplicate_application = base;
  duplicate_application.applications.push_back(testing::MakeApplication("A1", {}));
  EXPECT_EQ(error_of(duplicate_application), "applications[1].id: duplicate application id \"A1\"");

  Instance missing_points = base;
  missing_points.applications[0].choices = {"P1", "P2"};
  missing_points.applications[0].points = ProgramPoints{{"P1", 3}};
  EXPECT_EQ(error_of(missing_points), "applications[0].points.P2: missing for a chosen program");

  Policy two_choices;
  two_choices.max_choices = 1;
  EXPECT_EQ(error_of(missing_points, two_choices), "applications[0].choices: more than 1 choices");
}

TEST(AllocatorTest, StatsCountPlacesAndChoiceRanks) {
  Instance instance;
  instance.programs = {testing::MakeProgram("P1", 1), testing::MakeProgram("P2", 1)};
  instance.applications = {testing::MakeApplication("A1", {"P1", "P2"}),
                           testing::MakeApplication("A2", {"P1", "P2"}),
                           testing::MakeApplication("A3", {"P1"})};
  absl::StatusOr<Allocator> allocator = Allocator::Create(instance, Policy{});
  ASSERT_TRUE(allocator.ok());
  const RoundStats stats = ComputeStats(*allocator, allocator->Run());
  EXPECT_EQ(stats.applications, 3u);
  EXPECT_EQ(stats.placed, 2u);
  EXPECT_EQ(stats.placed_first_choice, 1u);
  EXPECT_EQ(stats.unplaced, 1u);
  EXPECT_EQ(stats.places, 2u);
  EXPECT_EQ(stats.places_filled, 2u);
  EXPECT_EQ(stats.placed_by_choice_rank[1], 1u);
  EXPECT_EQ(stats.unplaced_by_district, (std::map<std::string, uint32_t>{{"unknown", 1}}));
  EXPECT_EQ(stats.unplaced_by_age_years, (std::map<std::string, uint32_t>{{"unknown", 1}}));
}

TEST(AllocatorTest, StatsGroupUnplacedChildrenByAgeAndDistrict) {
  Instance instance;
  instance.programs = {testing::MakeProgram("P1", 1)};
  instance.programs[0].start_month = Month::Of(2026, 9);
  const std::pair<Date, const char*> children[] = {{Date{2025, 1, 1}, "Mitte"},
                                                   {Date{2025, 2, 1}, "Mitte"},
                                                   {Date{2023, 5, 1}, "Nord"},
                                                   {Date{2022, 1, 1}, ""}};
  for (size_t c = 0; c < std::size(children); ++c) {
    Application application =
        testing::MakeApplication(absl::StrCat("A", c), {"P1"}, children[c].first);
    application.district = children[c].second;
    instance.applications.push_back(application);
  }
  absl::StatusOr<Allocator> allocator = Allocator::Create(instance, Policy{});
  ASSERT_TRUE(allocator.ok());
  const RoundStats stats = ComputeStats(*allocator, allocator->Run());
  // The oldest child (born 2022) gets the place; ages are taken at 2026-09.
  EXPECT_EQ(stats.unplaced_by_age_years, (std::map<std::string, uint32_t>{{"1", 2}, {"3", 1}}));
  EXPECT_EQ(stats.unplaced_by_district,
            (std::map<std::string, uint32_t>{{"Mitte", 2}, {"Nord", 1}}));
}

TEST(AllocatorTest, CoarseAgeGroupsForKpisHaveFixedBounds) {
  EXPECT_EQ(CoarseAgeGroup(std::nullopt), "unknown");
  EXPECT_EQ(CoarseAgeGroup(-1), "unknown");  // not yet born at the start
  EXPECT_EQ(CoarseAgeGroup(0), "under-1");
  EXPECT_EQ(CoarseAgeGroup(11), "under-1");
  EXPECT_EQ(CoarseAgeGroup(12), "1-2");
  EXPECT_EQ(CoarseAgeGroup(23), "1-2");
  EXPECT_EQ(CoarseAgeGroup(24), "2-3");
  EXPECT_EQ(CoarseAgeGroup(35), "2-3");
  EXPECT_EQ(CoarseAgeGroup(36), "3-6");
  EXPECT_EQ(CoarseAgeGroup(71), "3-6");
  EXPECT_EQ(CoarseAgeGroup(72), "6-plus");
}

TEST(AllocatorTest, AgeForStatisticsIsTakenAtTheDesiredStartElseTheFirstChoicesStart) {
  Instance instance;
  instance.programs = {testing::MakeProgram("P1", 1), testing::MakeProgram("P2", 1)};
  instance.programs[0].start_month = Month::Of(2026, 8);
  instance.programs[1].start_month = Month::Of(2027, 8);
  Application by_first_choice = testing::MakeApplication("A0", {"P1", "P2"}, Date{2025, 8, 2});
  Application by_wish = testing::MakeApplication("A1", {"P1"}, Date{2025, 8, 2});
  by_wish.desired_start = Month::Of(2026, 9);
  Application no_birth_date = testing::MakeApplication("A2", {"P2"}, std::nullopt);
  instance.applications = {by_first_choice, by_wish, no_birth_date};
  absl::StatusOr<Allocator> allocator = Allocator::Create(instance, Policy{});
  ASSERT_TRUE(allocator.ok()) << allocator.status();
  EXPECT_EQ(AgeInMonthsAtStart(*allocator, 0), 11);  // at 2026-08, P1's start
  EXPECT_EQ(AgeInMonthsAtStart(*allocator, 1), 12);  // at the wished 2026-09
  EXPECT_EQ(AgeInMonthsAtStart(*allocator, 2), std::nullopt);
}

}  // namespace
}  // namespace stadt::daycare
