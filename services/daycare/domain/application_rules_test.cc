#include "services/daycare/domain/application_rules.h"

#include "gtest/gtest.h"
#include "services/common/reason.h"

namespace stadt::daycare::season {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 1, 12, 0, 0), absl::UTCTimeZone());

// One program: under-3s at centre K1 starting 2026-08. Built once.
const std::vector<Program>& Season() {
  static const std::vector<Program>* const programs = [] {
    auto* list = new std::vector<Program>(1);
    Program& program = list->front();
    program.id = "U3";
    program.centre = "K1";
    program.capacity = 5;
    program.min_age_months = 10;
    program.max_age_months = 35;
    program.care_scope = "full_day";
    program.start_month = Month::Of(2026, 8);
    return list;
  }();
  return *programs;
}

Application Lena() {
  Application application;
  application.owner = "parent-1";
  application.child.name = "Lena";
  application.child.birth_date = Date{2025, 1, 15};
  application.choices.emplace_back("U3");
  return application;
}

std::string Reason(const Application& application, const Policy& policy = {}) {
  return ReasonOf(ValidateApplication(Season(), policy, application, kNow));
}

TEST(ApplicationRulesTest, AcceptsWhatTheSeasonOffers) {
  Policy policy;
  Criterion single_parent;
  single_parent.id = "single_parent";
  single_parent.points = 10;
  policy.criteria.push_back(single_parent);
  Application application = Lena();
  application.criteria.emplace_back("single_parent");
  application.care_scope = "full_day";
  application.desired_start = Month::Of(2026, 8);
  EXPECT_TRUE(ValidateApplication(Season(), policy, application, kNow).ok());
}

TEST(ApplicationRulesTest, EachRefusalHasItsReason) {
  Application vip = Lena();
  vip.criteria.emplace_back("vip");
  EXPECT_EQ(Reason(vip), "unknown_criterion");
  Application scope = Lena();
  scope.care_scope = "halbtags";
  EXPECT_EQ(Reason(scope), "unknown_care_scope");
  Application future = Lena();
  future.child.birth_date = Date{2026, 3, 2};  // the day after "now"
  EXPECT_EQ(Reason(future), "birth_date_in_future");
  Application today = Lena();
  today.child.birth_date = Date{2026, 3, 1};
  EXPECT_EQ(Reason(today), "age_outside_program");  // born today: 5 months in August
  Application missing = Lena();
  missing.child.birth_date.reset();
  EXPECT_EQ(Reason(missing), "birth_date_required");
  Application late = Lena();
  late.desired_start = Month::Of(2026, 9);
  EXPECT_EQ(Reason(late), "start_month_outside_season");
  Application old = Lena();
  old.child.birth_date = Date{2023, 8, 1};  // 36 months in August
  EXPECT_EQ(Reason(old), "age_outside_program");
  Application sibling = Lena();
  sibling.sibling_centres.emplace_back("K2");
  EXPECT_EQ(Reason(sibling), "unknown_centre");
  Application nameless = Lena();
  nameless.child.name = " ";
  EXPECT_EQ(Reason(nameless), "child_name_required");
}

TEST(ApplicationRulesTest, TheSameChildIsRecognisedHoweverTheNameIsWritten) {
  Application a = Lena();
  a.child.name = "Lena-Sophie Müller";
  Application b = Lena();
  b.child.name = "  lena sophie MUELLER";
  EXPECT_EQ(ChildKey(a), ChildKey(b));
  b.owner = "parent-2";
  EXPECT_NE(ChildKey(a), ChildKey(b));
  EXPECT_EQ(NormaliseName("Groß, Jürgen"), "gross juergen");
  EXPECT_EQ(NormaliseName("ÄÖÜ"), "aeoeue");
}

}  // namespace
}  // namespace stadt::daycare::season
