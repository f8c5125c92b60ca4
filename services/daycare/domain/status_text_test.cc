#include "services/daycare/domain/status_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::daycare::season {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ApplicationView ViewIn(OfferState state, uint32_t last_round) {
  ApplicationView view;
  view.application.child.name = "Lena";
  view.offer.state = state;
  view.offer.program = "P1";
  view.offer.round = 1;
  view.offer.last_round = last_round;
  view.offer.deadline = absl::FromUnixSeconds(1'800'000'000);
  view.state = StateOf(view.application, view.offer, last_round);
  return view;
}

std::vector<Program> Programs() {
  Program program;
  program.id = "P1";
  program.name = "Kita Sonne";
  return {program};
}

TEST(StatusTextTest, TheWordsMatchTheState) {
  EXPECT_EQ(StateOf(Application{}, Offer{}, 0), ApplicationState::kSubmitted);
  ApplicationView offered = ViewIn(OfferState::kOpen, 1);
  EXPECT_EQ(offered.state, ApplicationState::kOffered);
  EXPECT_THAT(DescribeStatus(offered, Programs(), Language::kGerman),
              HasSubstr("Lena wird ein Platz in Kita Sonne angeboten (Runde 1)"));
  EXPECT_THAT(DescribeStatus(offered, Programs(), Language::kEnglish),
              HasSubstr("Lena is offered a place at Kita Sonne (round 1)"));
  ApplicationView declined = ViewIn(OfferState::kDeclined, 1);
  for (Language language : {Language::kGerman, Language::kEnglish}) {
    const std::string text = DescribeStatus(declined, Programs(), language);
    EXPECT_THAT(text, Not(HasSubstr("has a place at")));
    EXPECT_THAT(text, Not(HasSubstr("angeboten")));
  }
  ApplicationView waiting = ViewIn(OfferState::kNone, 2);
  waiting.offer.waiting = {{"P1", 3}};
  EXPECT_EQ(waiting.state, ApplicationState::kWaiting);
  EXPECT_EQ(DescribeStatus(waiting, Programs(), Language::kGerman),
            "Nach Runde 2 hat Lena noch keinen Platz. Wartelisten: Kita Sonne: Platz 3.");
  Application withdrawn;
  withdrawn.withdrawn = true;
  EXPECT_EQ(StateOf(withdrawn, Offer{}, 0), ApplicationState::kWithdrawn);
}

TEST(StatusTextTest, SaysWhichCriteriaCounted) {
  std::vector<CriterionView> criteria = {{"a", "alleinerziehend", Verdict::kVerified, true},
                                         {"b", "beide berufstätig", Verdict::kUnverified, false},
                                         {"c", "Härtefall", Verdict::kRejected, false}};
  EXPECT_EQ(DescribeCriteria(criteria, Language::kGerman),
            "Berücksichtigte Kriterien: alleinerziehend. Noch nicht geprüft und daher nicht "
            "berücksichtigt: beide berufstätig. Nicht anerkannt: Härtefall.");
  EXPECT_EQ(DescribeCriteria({}, Language::kEnglish), "");
}

}  // namespace
}  // namespace stadt::daycare::season
