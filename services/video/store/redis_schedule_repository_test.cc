#include "services/video/store/redis_schedule_repository.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/redis_test.h"

namespace stadt::video {
namespace {

using RedisScheduleRepositoryTest = testing::RedisTest;

TEST_F(RedisScheduleRepositoryTest, NothingSetIsAnEmptyOverride) {
  RedisScheduleRepository repository(redis());
  absl::StatusOr<std::vector<ScheduleOverride>> got = repository.Get({"cw-anna", "cw-ben"});
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_FALSE((*got)[0].availability.has_value());
  EXPECT_TRUE((*got)[1].absences.empty());
}

TEST_F(RedisScheduleRepositoryTest, StoresAvailabilityAndAbsencesPerCaseworker) {
  RedisScheduleRepository repository(redis());
  ASSERT_TRUE(repository.PutAvailability("cw-ben", {{4, 840, 900}, {5, 480, 540}}).ok());
  const Absence late{"2037-12-21", "2037-12-23", "leave", "vacation"};
  const Absence early{"2037-12-15", "2037-12-15", "sick", "sick"};
  EXPECT_EQ(repository.AddAbsence("cw-ben", late).value(), late);
  EXPECT_EQ(repository.AddAbsence("cw-ben", early).value(), early);
  absl::StatusOr<std::vector<ScheduleOverride>> got = repository.Get({"cw-anna", "cw-ben"});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE((*got)[0].availability.has_value());
  ASSERT_TRUE((*got)[1].availability.has_value());
  EXPECT_THAT(*(*got)[1].availability,
              ::testing::ElementsAre(WeeklyWindow{4, 840, 900}, WeeklyWindow{5, 480, 540}));
  EXPECT_THAT((*got)[1].absences, ::testing::ElementsAre(early, late));  // by date
  // An empty week is a week without consultations, not "nothing set".
  ASSERT_TRUE(repository.PutAvailability("cw-ben", {}).ok());
  EXPECT_TRUE(repository.Get({"cw-ben"}).value()[0].availability->empty());
}

TEST_F(RedisScheduleRepositoryTest, TheFirstAbsenceUnderAnIdStaysEvenWhenDeclaredAtOnce) {
  RedisScheduleRepository repository(redis());
  constexpr int kCallers = 6;
  std::atomic<int> kept_own{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      const Absence mine{"2037-12-1" + std::to_string(i), "2037-12-19", "same-id", "sick"};
      absl::StatusOr<Absence> stored = repository.AddAbsence("cw-anna", mine);
      if (stored.ok() && *stored == mine) ++kept_own;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(kept_own.load(), 1);
  EXPECT_EQ(repository.Get({"cw-anna"}).value()[0].absences.size(), 1u);
}

}  // namespace
}  // namespace stadt::video
