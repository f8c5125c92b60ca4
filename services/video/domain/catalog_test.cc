#include "services/video/domain/catalog.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/video/domain/test_catalog.h"

namespace stadt::video {
namespace {

using ::testing::HasSubstr;

TEST(VideoCatalogTest, ParsesTheSeed) {
  VideoCatalog catalog = testing::TestCatalog();
  ASSERT_EQ(catalog.topics.size(), 2u);
  EXPECT_TRUE(catalog.FindTopic("housing")->id_check_required);
  EXPECT_FALSE(catalog.FindTopic("job-advice")->id_check_required);
  EXPECT_EQ(catalog.FindCaseworker("cw-ben")->availability.size(), 2u);
  std::vector<const Caseworker*> housing = catalog.CaseworkersFor("housing");
  ASSERT_EQ(housing.size(), 2u);
  EXPECT_EQ(housing[0]->id, "cw-anna");
  EXPECT_EQ(catalog.FindCaseworker("nobody"), nullptr);
}

TEST(VideoCatalogTest, PlansAvailabilityAndAbsences) {
  VideoCatalog catalog = testing::TestCatalog();
  const Caseworker& anna = *catalog.FindCaseworker("cw-anna");
  booking::DayPlan tuesday = PlanDay(anna, absl::CivilDay(2037, 12, 1), 15);
  ASSERT_EQ(tuesday.capacity.size(), 96u);
  EXPECT_EQ(tuesday.capacity[39], 0);                                         // 09:45
  EXPECT_EQ(tuesday.capacity[40], 1);                                         // 10:00
  EXPECT_EQ(tuesday.capacity[47], 1);                                         // 11:45
  EXPECT_EQ(tuesday.capacity[48], 0);                                         // 12:00
  EXPECT_EQ(PlanDay(anna, absl::CivilDay(2037, 12, 8), 15).capacity[40], 0);  // absent
  EXPECT_EQ(PlanDay(anna, absl::CivilDay(2037, 12, 2), 15).capacity[40], 0);  // Wednesday
}

TEST(VideoCatalogTest, RejectsBadSeeds) {
  EXPECT_THAT(ParseVideoCatalog("{").status().message(), HasSubstr("not valid JSON"));
  EXPECT_THAT(ParseVideoCatalog(R"({"slot_minutes": 7})").status().message(),
              HasSubstr("slot_minutes"));
  EXPECT_THAT(ParseVideoCatalog(R"({"slot_minutes": 15, "topics": [{"id": "x", "name": "X",
      "department_id": "missing", "duration_minutes": 30}]})")
                  .status()
                  .message(),
              HasSubstr("unknown department"));
  EXPECT_THAT(ParseVideoCatalog(R"({"slot_minutes": 15, "departments": [{"id": "d", "name": "D"}],
      "caseworkers": [{"id": "c", "name": "C", "department_id": "d",
      "availability": [{"weekday": 2, "from": "10:00", "to": "25:00"}]}]})")
                  .status()
                  .message(),
              HasSubstr("HH:MM"));
  EXPECT_THAT(ParseVideoCatalog(R"({"slot_minutes": 15,
      "departments": [{"id": "d", "name": "D"}, {"id": "e", "name": "E"}],
      "topics": [{"id": "t", "name": "T", "department_id": "e", "duration_minutes": 30}],
      "caseworkers": [{"id": "c", "name": "C", "department_id": "d", "topic_ids": ["t"]}]})")
                  .status()
                  .message(),
              HasSubstr("own department"));
  EXPECT_THAT(ParseVideoCatalog(R"({"slot_minutes": 15, "departments": [{"id": "d", "name": 3}]})")
                  .status()
                  .message(),
              HasSubstr("departments.name: expected a string"));
}

}  // namespace
}  // namespace stadt::video
