#include "services/appointments/domain/next_free_slot_probe.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/in_memory_catalog_repository.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/fake_kpi_recorder.h"

namespace stadt::appointments {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

Office MakeOffice(std::string id, std::vector<CounterWindow> counters) {
  Office office;
  office.id = std::move(id);
  office.name = "Buergerbuero " + office.id;
  office.district = "Mitte";
  office.address = {"Marktplatz 1", "70173", "Stuttgart"};
  office.service_ids = {"id-card", "passport"};
  office.counters = std::move(counters);
  return office;
}

class NextFreeSlotProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 20}, {"passport", "Passport", 20}};
    // The fixed "now" is Tuesday 1 December 2026, 09:00 in Berlin.
    catalog.offices = {MakeOffice("mitte", {{3, 8 * 60, 10 * 60, 1}}),  // Wednesdays
                       MakeOffice("west", {{2, 12 * 60, 13 * 60, 1}}),  // Tuesdays
                       MakeOffice("zu", {})};                           // no counters at all
    ASSERT_TRUE(catalog_.ApplySeed(catalog, "test").ok());
  }

  static booking::BookingRules Rules() {
    booking::BookingRules rules;
    rules.horizon_days = 14;
    return rules;
  }

  FakeClock clock_{absl::FromCivil(absl::CivilMinute(2026, 12, 1, 9, 0), Berlin())};
  InMemoryCatalogRepository catalog_;
  booking::InMemoryBookingRepository bookings_repository_;
  OfficeBookings bookings_{catalog_, bookings_repository_, clock_,
                           booking::Calendar(Rules(), Berlin()),
                           booking::BookingSecrets::Derive("test master key")};
  FakeKpiRecorder kpis_;
  NextFreeSlotProbe probe_{catalog_, bookings_, kpis_, clock_, absl::Hours(1)};
};

TEST_F(NextFreeSlotProbeTest, MeasuresEveryOfficeAndServiceInCalendarDays) {
  absl::StatusOr<std::vector<NextFreeSlot>> measured = probe_.Measure();
  ASSERT_TRUE(measured.ok()) << measured.status();
  ASSERT_EQ(measured->size(), 6u);
  EXPECT_EQ((*measured)[0].office_id, "mitte");
  EXPECT_EQ((*measured)[0].service_id, "id-card");
  EXPECT_EQ((*measured)[0].days, 1);  // tomorrow, Wednesday
  EXPECT_EQ((*measured)[2].office_id, "west");
  EXPECT_EQ((*measured)[2].days, 0);  // today at 12:00
  EXPECT_EQ((*measured)[4].office_id, "zu");
  EXPECT_EQ((*measured)[4].days, std::nullopt);
}

TEST_F(NextFreeSlotProbeTest, RecordsOneEventPerOfficeAndServiceWithBothDimensions) {
  ASSERT_EQ(probe_.MeasureIfDue().value(), 6);
  const std::vector<KpiSample> samples = kpis_.samples("appointments_days_to_next_free_slot");
  ASSERT_EQ(samples.size(), 6u);
  EXPECT_THAT(samples[0].dimensions,
              ElementsAre(Pair("office", "mitte"), Pair("service", "id-card")));
  EXPECT_EQ(samples[0].value, 1);
  EXPECT_EQ(samples[2].value, 0);
  // Nothing within the 14-day horizon counts as 15 days.
  EXPECT_EQ(samples[4].value, 15);
  EXPECT_TRUE(kpis_.AllDimensionsAllowed());
}

TEST_F(NextFreeSlotProbeTest, MeasuresOncePerPeriodNamedByThePeriod) {
  ASSERT_EQ(probe_.MeasureIfDue().value(), 6);
  clock_.Advance(absl::Minutes(50));  // 09:50: the same hour
  EXPECT_EQ(probe_.MeasureIfDue().value(), 0);
  clock_.Advance(absl::Minutes(10));  // 10:00: the next one
  EXPECT_EQ(probe_.MeasureIfDue().value(), 6);
  const std::vector<KpiSample> samples = kpis_.samples("appointments_days_to_next_free_slot");
  ASSERT_EQ(samples.size(), 12u);
  const int64_t nine =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilMinute(2026, 12, 1, 9, 0), Berlin()));
  EXPECT_EQ(samples[0].occurrence_key, "mitte/id-card/" + std::to_string(nine));
  EXPECT_EQ(samples[6].occurrence_key, "mitte/id-card/" + std::to_string(nine + 3600));
}

TEST_F(NextFreeSlotProbeTest, ABookedOutDayMovesTheMeasureToTheNextOpenDay) {
  // West's only hour today holds three 20-minute slots; take them all.
  for (int minute : {0, 20, 40}) {
    const absl::Time start = absl::FromCivil(absl::CivilMinute(2026, 12, 1, 12, minute), Berlin());
    absl::StatusOr<HoldView> hold =
        bookings_.CreateHold("citizen-" + std::to_string(minute), "west", {"id-card"}, start);
    ASSERT_TRUE(hold.ok()) << hold.status();
  }
  absl::StatusOr<std::vector<NextFreeSlot>> measured = probe_.Measure();
  ASSERT_TRUE(measured.ok());
  EXPECT_EQ((*measured)[2].days, 7);  // next Tuesday
}

TEST_F(NextFreeSlotProbeTest, StorageTroubleRecordsNothingAndIsRetried) {
  catalog_.SetAvailable(false);
  EXPECT_EQ(probe_.MeasureIfDue().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(kpis_.samples().empty());
  catalog_.SetAvailable(true);
  EXPECT_EQ(probe_.MeasureIfDue().value(), 6);
}

}  // namespace
}  // namespace stadt::appointments
