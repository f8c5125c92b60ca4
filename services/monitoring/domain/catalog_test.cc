#include "services/monitoring/domain/catalog.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/strings.h"
#include "services/monitoring/domain/test_catalog.h"

namespace stadt::monitoring {
namespace {

using ::testing::HasSubstr;
using testing::kTestCatalog;

absl::Status ParseWith(std::string_view from, std::string_view to) {
  std::string text = absl::StrReplaceAll(kTestCatalog, {{ToAbsl(from), ToAbsl(to)}});
  EXPECT_NE(text, kTestCatalog) << "replacement did not apply: " << from;
  return ParseCatalog(text).status();
}

TEST(CatalogTest, ParsesFieldsKpisAndMeasures) {
  absl::StatusOr<Catalog> catalog = ParseCatalog(kTestCatalog);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(catalog->version(), "test-1");
  ASSERT_EQ(catalog->fields().size(), 5u);
  EXPECT_EQ(catalog->fields()[2].title, "Digital citizen services");
  const KpiDefinition* rate = catalog->FindKpi("no_show_rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->aggregation, Aggregation::kRatio);
  EXPECT_EQ(rate->direction, Direction::kLowerIsBetter);
  EXPECT_DOUBLE_EQ(rate->warning_threshold, 0.2);
  EXPECT_TRUE(rate->AllowsDimension("office"));
  EXPECT_FALSE(rate->AllowsDimension("zone"));
  EXPECT_EQ(catalog->FindKpi("wait_seconds")->grain, Grain::kHour);
  EXPECT_FALSE(catalog->FindKpi("revenue_cents")->published);
  const MeasureDefinition* booking = catalog->FindMeasure("online_booking");
  ASSERT_NE(booking, nullptr);
  EXPECT_EQ(booking->milestones[0].due, absl::CivilDay(2030, 3, 1));
  EXPECT_EQ(booking->milestones[0].state, MilestoneState::kInProgress);
  EXPECT_THAT(booking->depends_on, ::testing::ElementsAre("platform"));
  EXPECT_TRUE(catalog->FindMeasure("platform")->IsBlocked());
  EXPECT_EQ(catalog->FindKpi("nope"), nullptr);
}

TEST(CatalogTest, RefusesMalformedJsonAndMissingParts) {
  EXPECT_THAT(ParseCatalog("{").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseCatalog("[]").status().message(), HasSubstr("expected an object"));
  EXPECT_THAT(ParseWith(R"("version": "test-1",)", "").message(), HasSubstr("version: missing"));
  EXPECT_THAT(ParseWith(R"({"number": 5, "title": "Smart city"})",
                        R"({"number": 4, "title": "Smart city"})")
                  .message(),
              HasSubstr("exactly the five fields"));
}

TEST(CatalogTest, NamesTheKpiMemberThatIsWrong) {
  EXPECT_THAT(ParseWith(R"("aggregation": "average")", R"("aggregation": "median")").message(),
              HasSubstr("kpis[3].aggregation: expected one of count, sum, ratio"));
  EXPECT_THAT(ParseWith(R"("grain": "hour")", R"("grain": "week")").message(),
              HasSubstr("kpis[4].grain"));
  EXPECT_THAT(ParseWith(R"("target": 10,)", R"("target": "10",)").message(),
              HasSubstr("kpis[0].target: expected a number"));
  EXPECT_THAT(ParseWith(R"("id": "booked")", R"("id": "Booked KPI")").message(),
              HasSubstr("kpis[0].id"));
  EXPECT_THAT(ParseWith(R"("published": false)", R"("published": false, "colour": 1)").message(),
              HasSubstr("kpis[2].colour: unknown member"));
  EXPECT_THAT(ParseWith(R"("id": "no_show_rate")", R"("id": "booked")").message(),
              HasSubstr("\"booked\" twice"));
}

TEST(CatalogTest, ThresholdMustLieOnTheWorseSideOfTheTarget) {
  EXPECT_THAT(ParseWith(R"("warning_threshold": 5,)", R"("warning_threshold": 15,)").message(),
              HasSubstr("kpis[0].warning_threshold: must lie on the worse side"));
  EXPECT_THAT(ParseWith(R"("warning_threshold": 0.2,)", R"("warning_threshold": 0.05,)").message(),
              HasSubstr("kpis[1].warning_threshold"));
  EXPECT_THAT(ParseWith(R"("warning_threshold": 0.2,)", R"("warning_threshold": 2,)").message(),
              HasSubstr("ratio's target"));
}

TEST(CatalogTest, DimensionKeysComeFromThePermittedList) {
  EXPECT_THAT(ParseWith(R"("dimensions": ["office"], "published": true},
    {"id": "no_show_rate")",
                        R"("dimensions": ["plate"], "published": true},
    {"id": "no_show_rate")")
                  .message(),
              HasSubstr("\"plate\" is not one of office, district"));
  EXPECT_THAT(ParseWith(R"("dimensions": ["zone"], "published": false)",
                        R"("dimensions": ["zone", "zone"], "published": false)")
                  .message(),
              HasSubstr("twice"));
}

TEST(CatalogTest, MeasuresReferToKnownKpisAndMeasures) {
  EXPECT_THAT(ParseWith(R"("kpis": ["revenue_cents"])", R"("kpis": ["revenue"])").message(),
              HasSubstr("measure smart_parking: unknown KPI \"revenue\""));
  EXPECT_THAT(
      ParseWith(R"("depends_on": ["online_booking"])", R"("depends_on": ["booking"])").message(),
      HasSubstr("measure reminders: depends on unknown measure \"booking\""));
  EXPECT_THAT(ParseWith(R"("due": "2030-03-01")", R"("due": "2030-02-30")").message(),
              HasSubstr("measures[1].milestones[0].due: expected a date"));
  EXPECT_THAT(ParseWith(R"("state": "done")", R"("state": "finished")").message(),
              HasSubstr("measures[3].milestones[0].state"));
  EXPECT_THAT(ParseWith(R"("priority": 3,)", R"("priority": 0,)").message(),
              HasSubstr("measures[2].priority"));
}

TEST(CatalogTest, RefusesDependencyCycles) {
  absl::Status status = ParseWith(R"("owner_department": "IT", "milestones")",
                                  R"("owner_department": "IT", "depends_on": ["reminders"],
                                     "milestones")");
  EXPECT_THAT(status.message(), HasSubstr("dependency cycle"));
  EXPECT_THAT(status.message(), HasSubstr("platform"));
  EXPECT_THAT(status.message(), HasSubstr("reminders"));
  EXPECT_THAT(
      ParseWith(R"("depends_on": ["platform"])", R"("depends_on": ["online_booking"])").message(),
      HasSubstr("dependency cycle online_booking -> online_booking"));
}

TEST(CatalogTest, SeedCatalogIsValid) {
  // The shipped seed must always load; the KPI ids are the contract with the
  // services' reporters (services/monitoring/KPIS.md).
  std::FILE* file = std::fopen(STADT_MONITORING_SEED, "rb");
  ASSERT_NE(file, nullptr);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, n);
  std::fclose(file);
  absl::StatusOr<Catalog> catalog = ParseCatalog(text);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  for (const char* id :
       {"appointments_booked", "appointments_cancelled", "appointments_no_show_rate",
        "appointments_days_to_next_free_slot", "daycare_applications_submitted",
        "daycare_placement_rate", "daycare_first_choice_share", "daycare_offers_accepted",
        "parking_sessions_started", "parking_revenue_cents", "parking_session_minutes",
        "parking_plate_checks", "video_consultations_booked", "video_consultations_held",
        "video_no_show_rate", "video_wait_seconds", "service_request_success",
        "reporter_events_dropped"}) {
    EXPECT_NE(catalog->FindKpi(id), nullptr) << id;
  }
  EXPECT_EQ(catalog->FindKpi("video_wait_seconds")->aggregation, Aggregation::kP90);
  EXPECT_EQ(catalog->FindKpi("parking_revenue_cents")->aggregation, Aggregation::kSum);
  EXPECT_GE(catalog->measures().size(), 10u);
}

}  // namespace
}  // namespace stadt::monitoring
