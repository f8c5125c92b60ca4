#pragma once

// Fixtures shared by the video service's tests (not linked into the service).

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/test_time.h"
#include "services/video/domain/catalog.h"

namespace stadt::video::testing {

using booking::testing::Berlin;
// December 2037, local time; 1 December is a Tuesday (ISO weekday 2).
constexpr auto Local = booking::testing::December;

// Two departments. Social welfare: Anna and Ben consult on housing benefit
// (30 min, ID check) on Tuesdays 10-12 h, Ben also on Wednesdays; Carla on
// the jobcentre's topic (15 min, no ID check) on Tuesdays 9-10 h.
inline const char kTestCatalogJson[] = R"({
  "slot_minutes": 15,
  "departments": [{"id": "social", "name": "Social welfare office"},
                  {"id": "jobcentre", "name": "Jobcentre"}],
  "topics": [
    {"id": "housing", "name": "Housing benefit", "department_id": "social",
     "duration_minutes": 30, "id_check_required": true},
    {"id": "job-advice", "name": "Job advice", "department_id": "jobcentre",
     "duration_minutes": 15}],
  "caseworkers": [
    {"id": "cw-anna", "name": "Anna Berger", "department_id": "social", "topic_ids": ["housing"],
     "availability": [{"weekday": 2, "from": "10:00", "to": "12:00"}],
     "absences": [{"from": "2037-12-08", "to": "2037-12-08"}]},
    {"id": "cw-ben", "name": "Ben Yilmaz", "department_id": "social", "topic_ids": ["housing"],
     "availability": [{"weekday": 2, "from": "10:00", "to": "12:00"},
                      {"weekday": 3, "from": "10:00", "to": "11:00"}]},
    {"id": "cw-carla", "name": "Carla Weiss", "department_id": "jobcentre",
     "topic_ids": ["job-advice"], "availability": [{"weekday": 2, "from": "09:00", "to": "10:00"}]}]
})";

inline VideoCatalog TestCatalog() {
  absl::StatusOr<VideoCatalog> catalog = ParseVideoCatalog(kTestCatalogJson);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.value_or(VideoCatalog{});
}

}  // namespace stadt::video::testing
