#include "services/daycare/domain/explanation.h"

#include "gtest/gtest.h"
#include "services/daycare/domain/matching.h"
#include "services/daycare/domain/test_instances.h"

namespace stadt::daycare {
namespace {

bool Mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Allocator Make(Instance instance, Policy policy = {}) {
  absl::StatusOr<Allocator> allocator = Allocator::Create(std::move(instance), std::move(policy));
  EXPECT_TRUE(allocator.ok()) << allocator.status();
  return *std::move(allocator);
}

TEST(ExplanationTest, NamesPointsOfTheLastChildAdmitted) {
  Policy policy;
  policy.criteria = {testing::MakeCriterion("both_working", 10, "both parents working"),
                     testing::MakeCriterion("single_parent", 8, "single parent")};
  Instance instance;
  instance.programs = {testing::MakeProgram("K12", 1), testing::MakeProgram("K7", 1)};
  instance.programs[0].name = "Kita Sonnenschein";
  instance.applications = {testing::MakeApplication("A1", {"K12", "K7"}),
                           testing::MakeApplication("A2", {"K12"})};
  instance.applications[0].criteria = {"single_parent"};
  instance.applications[1].criteria = {"both_working"};
  Allocator allocator = Make(instance, policy);
  const RoundResult result = allocator.Run();
  const Explanation explanation = Explain(allocator, result, 0, {}, Language::kEnglish);
  EXPECT_EQ(explanation.summary, "Your child has a place at K7, your choice number 2.");
  ASSERT_EQ(explanation.choices.size(), 1u);
  EXPECT_EQ(explanation.choices[0].program, "K12");
  EXPECT_EQ(explanation.choices[0].text,
            "The only place at Kita Sonnenschein went to children with higher priority. "
            "The last child admitted had 10 points; your child has 8 points (8 for single "
            "parent).");
  // The child who got its first choice has nothing above it to explain.
  EXPECT_TRUE(Explain(allocator, result, 1).choices.empty());

  // German by default, the catalogue's German label with it: the same numbers.
  instance.programs[1].name = "Kita Regenbogen";
  policy.criteria[0].label_en = policy.criteria[0].label;
  policy.criteria[0].label = "beide Eltern berufstätig";
  policy.criteria[1].label_en = policy.criteria[1].label;
  policy.criteria[1].label = "alleinerziehend";
  Allocator german_allocator = Make(instance, policy);
  const RoundResult german_result = german_allocator.Run();
  const Explanation german = Explain(german_allocator, german_result, 0);
  EXPECT_EQ(german.summary, "Ihr Kind hat einen Platz in Kita Regenbogen, Ihrem Wunsch Nummer 2.");
  ASSERT_EQ(german.choices.size(), 1u);
  EXPECT_EQ(german.choices[0].program, "K12");
  EXPECT_EQ(german.choices[0].choice_rank, 1);
  EXPECT_EQ(german.choices[0].text,
            "Der einzige Platz in Kita Sonnenschein ging an ein Kind mit höherem Vorrang. Das "
            "zuletzt aufgenommene Kind hatte 10 Punkte; Ihr Kind hat 8 Punkte (8 für "
            "alleinerziehend).");
  EXPECT_EQ(Explain(german_allocator, german_result, 0, {}, Language::kEnglish).choices[0].text,
            explanation.choices[0].text);
}

// Words that differ between singular and plural, and in how dates are written.
TEST(ExplanationTest, GermanAndEnglishPluralsAndDates) {
  EXPECT_EQ(Counted(1, "Punkt", "Punkte"), "1 Punkt");
  EXPECT_EQ(Counted(0, "Punkt", "Punkte"), "0 Punkte");
  EXPECT_EQ(Counted(2, "point", "points"), "2 points");
  EXPECT_EQ(MonthInWords(Month::Of(2026, 3), Language::kGerman), "März 2026");
  EXPECT_EQ(MonthInWords(Month::Of(2026, 3), Language::kEnglish), "2026-03");
  EXPECT_EQ(DateInWords(Date{2024, 11, 3}, Language::kGerman), "03.11.2024");
  EXPECT_EQ(DateInWords(Date{2024, 11, 3}, Language::kEnglish), "2024-11-03");

  // One place, one point: singular in both languages.
  Policy policy;
  policy.criteria = {testing::MakeCriterion("x", 1, "Kriterium")};
  Instance instance;
  instance.programs = {testing::MakeProgram("K", 1)};
  instance.applications = {testing::MakeApplication("A1", {"K"}),
                           testing::MakeApplication("A2", {"K"})};
  instance.applications[1].criteria = {"x"};
  Allocator allocator = Make(instance, policy);
  const RoundResult result = allocator.Run();
  EXPECT_EQ(Explain(allocator, result, 0).choices[0].text,
            "Der einzige Platz in K ging an ein Kind mit höherem Vorrang. Das zuletzt "
            "aufgenommene Kind hatte 1 Punkt; Ihr Kind hat 0 Punkte.");
  EXPECT_EQ(Explain(allocator, result, 0, {}, Language::kEnglish).choices[0].text,
            "The only place at K went to children with higher priority. The last child admitted "
            "had 1 point; your child has 0 points.");
}

TEST(ExplanationTest, ExplainsAgeLotteryAndIneligibility) {
  Instance instance;
  instance.seed = 3;
  instance.programs = {
      testing::WithAgeBand(testing::MakeProgram("U3", 1), std::nullopt, 35, Month::Of(2026, 8)),
      testing::MakeProgram("P", 1)};
  instance.applications = {
      testing::MakeApplication("older", {"P"}, Date{2024, 1, 1}),
      testing::MakeApplication("younger", {"U3", "P"}, Date{2020, 1, 1}),
      testing::MakeApplication("no_birth", {"P"}),
  };
  // "younger" is actually the oldest: too old for U3, and first at P by age.
  Allocator allocator = Make(instance);
  const RoundResult result = allocator.Run();
  ASSERT_EQ(result.placements[1].program, 1);
  const Explanation oldest = Explain(allocator, result, 1, {}, Language::kEnglish);
  ASSERT_EQ(oldest.choices.size(), 1u);
  EXPECT_TRUE(Mentions(oldest.choices[0].text, "takes children up to 35 months"))
      << oldest.choices[0].text;
  EXPECT_EQ(Explain(allocator, result, 1).choices[0].text,
            "Ihr Kind ist im August 2026 79 Monate alt; U3 nimmt Kinder bis zu 35 Monaten auf.");

  const Explanation second = Explain(allocator, result, 0, {}, Language::kEnglish);
  EXPECT_EQ(second.summary, "No place could be offered for any of your choices in this round.");
  ASSERT_EQ(second.choices.size(), 1u);
  EXPECT_TRUE(Mentions(second.choices[0].text, "is older (born 2020-01-01)"))
      << second.choices[0].text;
  const Explanation second_german = Explain(allocator, result, 0);
  EXPECT_EQ(second_german.summary,
            "In dieser Runde konnte für keinen Ihrer Wünsche ein Platz angeboten werden.");
  EXPECT_EQ(second_german.choices[0].text,
            "Der einzige Platz in P ging an ein Kind mit höherem Vorrang. Das zuletzt "
            "aufgenommene Kind hatte ebenfalls 0 Punkte und ist älter (geboren am 01.01.2020); "
            "bei gleicher Punktzahl kommen ältere Kinder zuerst.");

  Policy lottery_only;
  lottery_only.older_child_first = false;
  Allocator by_lottery = Make(instance, lottery_only);
  const RoundResult lottery_result = by_lottery.Run();
  for (uint32_t a = 0; a < 3; ++a) {
    if (lottery_result.placements[a].program >= 0) continue;
    for (const ChoiceExplanation& choice :
         Explain(by_lottery, lottery_result, a, {}, Language::kEnglish).choices) {
      if (choice.program != "P") continue;
      EXPECT_TRUE(Mentions(choice.text, "the lottery decided")) << choice.text;
      EXPECT_TRUE(Mentions(choice.text, absl::StrCat("your child's is ", by_lottery.lottery(a))))
          << choice.text;
    }
    for (const ChoiceExplanation& choice : Explain(by_lottery, lottery_result, a).choices) {
      if (choice.program != "P") continue;
      EXPECT_TRUE(Mentions(choice.text, "das Los hat entschieden")) << choice.text;
      EXPECT_TRUE(
          Mentions(choice.text, absl::StrCat("die Ihres Kindes ist ", by_lottery.lottery(a))))
          << choice.text;
    }
  }
}

// On random instances every explanation of a rejected eligible choice points at a full
// program whose cutoff child outranks the explained child: the text never contradicts
// the matching.
TEST(ExplanationTest, EveryRejectionIsBackedByAFullProgramAndAHigherCutoff) {
  for (uint64_t seed = 10; seed < 40; ++seed) {
    const testing::InstanceShape shape = testing::Shape(60, 8, 4, 5);
    Allocator allocator = Make(testing::RandomInstance(seed, shape));
    const RoundResult result = allocator.Run();
    for (uint32_t a = 0; a < result.placements.size(); ++a) {
      const Explanation explanation = Explain(allocator, result, a, {}, Language::kEnglish);
      ASSERT_FALSE(explanation.summary.empty());
      for (const ChoiceExplanation& choice : explanation.choices) {
        const EvaluatedChoice& evaluated = allocator.choices(a)[choice.choice_rank - 1];
        ASSERT_FALSE(choice.text.empty());
        if (evaluated.ineligible) continue;
        const ProgramOutcome& outcome = result.programs[evaluated.program];
        EXPECT_TRUE(outcome.full()) << "seed " << seed;
        if (outcome.capacity == 0) {
          EXPECT_NE(choice.text.find("has no places"), std::string::npos) << choice.text;
          continue;
        }
        ASSERT_TRUE(outcome.cutoff_application);
        const uint32_t cutoff = *outcome.cutoff_application;
        const int64_t cutoff_points =
            allocator.choices(cutoff)[result.placements[cutoff].choice_rank - 1].points;
        EXPECT_TRUE(Outranks(allocator.PriorityAt(cutoff, cutoff_points),
                             allocator.PriorityAt(a, evaluated.points)));
      }
    }
  }
}

}  // namespace
}  // namespace stadt::daycare
