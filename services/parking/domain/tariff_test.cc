// Tariff tests written by hand from the tariff rules; the expected cents are
// worked out in the comments. Instants are built with Abseil's own time zone
// code, independently of the date/tz library the calculator uses.
#include "services/parking/domain/tariff.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::parking {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

std::vector<int> MonSat() { return {1, 2, 3, 4, 5, 6}; }

absl::Time Berlin(int year, int month, int day, int hour, int minute, int second = 0) {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", tz));
    return tz;
  }();
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second), *zone);
}

TimeWindow Window(std::vector<int> days, int from_hour, int to_hour) {
  return {std::move(days), from_hour * 60, to_hour * 60};
}

// Mon-Sat 08-22 at 3.00 EUR/h, minute-exact, nothing else.
Tariff CityCentre() {
  Tariff tariff;
  tariff.id = "city";
  tariff.windows = {{Window(MonSat(), 8, 22), 300}};
  return tariff;
}

// Every day, around the clock: 0.60 EUR/h until 03:00, 1.20 EUR/h after.
Tariff AroundTheClock() {
  Tariff tariff;
  tariff.id = "station";
  const std::vector<int> all = {1, 2, 3, 4, 5, 6, 7};
  tariff.windows = {{Window(all, 0, 3), 60}, {Window(all, 3, 24), 120}};
  return tariff;
}

class TariffTest : public ::testing::Test {
 protected:
  Quote Price(const Tariff& tariff, absl::Time start, absl::Time end) {
    EXPECT_TRUE(ValidateTariff(tariff).ok()) << ValidateTariff(tariff);
    absl::StatusOr<Quote> quote = calculator_.Price(tariff, start, end);
    EXPECT_TRUE(quote.ok()) << quote.status();
    return quote.value_or(Quote());
  }

  PriceCalculator calculator_{BerlinCalendar::Load().value()};
};

// 2026-11-23 is a Monday.
TEST_F(TariffTest, WindowBoundaries) {
  // 07:50-08:10: 10 free minutes, then 10 minutes at 5 ct.
  Quote morning = Price(CityCentre(), Berlin(2026, 11, 23, 7, 50), Berlin(2026, 11, 23, 8, 10));
  EXPECT_EQ(morning.total_cents, 50);
  EXPECT_THAT(morning.segments,
              ElementsAre(AllOf(Field(&PriceSegment::kind, MinuteKind::kOutsideHours),
                                Field(&PriceSegment::minutes, 10)),
                          AllOf(Field(&PriceSegment::kind, MinuteKind::kPriced),
                                Field(&PriceSegment::local_from_minute, 8 * 60),
                                Field(&PriceSegment::minutes, 10))));
  // 21:50-22:10: the window ends at 22:00 sharp.
  EXPECT_EQ(
      Price(CityCentre(), Berlin(2026, 11, 23, 21, 50), Berlin(2026, 11, 23, 22, 10)).total_cents,
      50);
  // Ending exactly when the window opens costs nothing; its first minute costs 5 ct.
  EXPECT_EQ(Price(CityCentre(), Berlin(2026, 11, 23, 7, 0), Berlin(2026, 11, 23, 8, 0)).total_cents,
            0);
  EXPECT_EQ(Price(CityCentre(), Berlin(2026, 11, 23, 8, 0), Berlin(2026, 11, 23, 8, 1)).total_cents,
            5);
  // Minutes count from the start's second: 07:59:30 starts a free minute,
  // 08:00:30 a priced one.
  EXPECT_EQ(Price(CityCentre(), Berlin(2026, 11, 23, 7, 59, 30), Berlin(2026, 11, 23, 8, 1, 30))
                .total_cents,
            5);
  // Sunday is outside every window.
  EXPECT_EQ(
      Price(CityCentre(), Berlin(2026, 11, 29, 10, 0), Berlin(2026, 11, 29, 12, 0)).total_cents, 0);
}

TEST_F(TariffTest, StartedMinutesAndHalfUpCents) {
  Tariff tariff = CityCentre();
  tariff.windows[0].cents_per_hour = 250;  // 4.1666... ct per minute
  const absl::Time nine = Berlin(2026, 11, 23, 9, 0);
  // 61 s are two started minutes: 8.33 ct -> 8.
  Quote two = Price(tariff, nine, nine + absl::Seconds(61));
  EXPECT_EQ(two.parked_minutes, 2);
  EXPECT_EQ(two.total_cents, 8);
  // 3 minutes: 12.5 ct -> 13 (half up).
  EXPECT_EQ(Price(tariff, nine, nine + absl::Minutes(3)).total_cents, 13);
  // Zero length costs nothing.
  EXPECT_EQ(Price(tariff, nine, nine).total_cents, 0);
}

TEST_F(TariffTest, ChargingUnitAndMinimumCharge) {
  Tariff tariff = CityCentre();
  tariff.charging_unit_minutes = 15;
  tariff.minimum_charge_cents = 100;
  const absl::Time nine = Berlin(2026, 11, 23, 9, 0);
  // 16 minutes are two started units: 30 min at 5 ct = 150 ct.
  Quote quote = Price(tariff, nine, nine + absl::Minutes(16));
  EXPECT_EQ(quote.billed_minutes, 30);
  EXPECT_EQ(quote.total_cents, 150);
  EXPECT_FALSE(quote.minimum_charge_applied);
  // 5 minutes -> one unit, 75 ct, raised to the 1.00 EUR minimum.
  Quote short_stay = Price(tariff, nine, nine + absl::Minutes(5));
  EXPECT_EQ(short_stay.total_cents, 100);
  EXPECT_TRUE(short_stay.minimum_charge_applied);
  // Outside the window nothing is charged, and no minimum is raised from 0.
  EXPECT_EQ(Price(tariff, Berlin(2026, 11, 23, 23, 0), Berlin(2026, 11, 23, 23, 30)).total_cents,
            0);
}

TEST_F(TariffTest, ShortFreeStay) {
  Tariff tariff = CityCentre();
  tariff.free_stay_minutes = 15;
  const absl::Time nine = Berlin(2026, 11, 23, 9, 0);
  Quote free = Price(tariff, nine, nine + absl::Minutes(15));
  EXPECT_EQ(free.total_cents, 0);
  EXPECT_TRUE(free.free_stay_applied);
  // One minute longer and every minute counts: 16 * 5 ct.
  EXPECT_EQ(Price(tariff, nine, nine + absl::Minutes(16)).total_cents, 80);
}

TEST_F(TariffTest, AcrossMidnight) {
  Tariff tariff = CityCentre();
  tariff.windows.push_back({Window(MonSat(), 22, 24), 60, 0});
  tariff.windows.push_back({Window(MonSat(), 0, 8), 60, 0});
  // Mon 23:30 - Tue 00:30: 30 min at 1 ct on each day.
  Quote quote = Price(tariff, Berlin(2026, 11, 23, 23, 30), Berlin(2026, 11, 24, 0, 30));
  EXPECT_THAT(
      quote.days,
      ElementsAre(AllOf(Field(&DayTotal::local_date, "2026-11-23"), Field(&DayTotal::cents, 30)),
                  AllOf(Field(&DayTotal::local_date, "2026-11-24"), Field(&DayTotal::cents, 30))));
  EXPECT_EQ(quote.total_cents, 60);
  // Sat 21:00 - Sun 01:00: 60 min at 5 ct, 120 min at 1 ct, Sunday free.
  EXPECT_EQ(Price(tariff, Berlin(2026, 11, 28, 21, 0), Berlin(2026, 11, 29, 1, 0)).total_cents,
            300 + 120);
}

TEST_F(TariffTest, AcrossSpringDaylightSavingChange) {
  // Sunday 2026-03-29: clocks jump from 02:00 to 03:00. 01:30 -> 03:30 on the
  // wall is one real hour: 30 min at 1 ct (before 03:00), 30 min at 2 ct.
  Quote quote = Price(AroundTheClock(), Berlin(2026, 3, 29, 1, 30), Berlin(2026, 3, 29, 3, 30));
  EXPECT_EQ(quote.parked_minutes, 60);
  EXPECT_EQ(quote.total_cents, 30 + 60);
  EXPECT_THAT(quote.segments, ElementsAre(Field(&PriceSegment::local_from_minute, 90),
                                          Field(&PriceSegment::local_from_minute, 180)));
  // A whole wall-clock day has 23 hours: 3 h at 0.60 less the skipped hour
  // (2 h -> 120 ct) plus 21 h at 1.20 (2520 ct).
  EXPECT_EQ(
      Price(AroundTheClock(), Berlin(2026, 3, 29, 0, 0), Berlin(2026, 3, 30, 0, 0)).total_cents,
      120 + 2520);
}

TEST_F(TariffTest, AcrossAutumnDaylightSavingChange) {
  // Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET, 02:00-03:00 happens
  // twice. 01:30 -> 03:30 on the wall is three real hours: 150 min at 1 ct,
  // 30 min at 2 ct.
  Quote quote = Price(AroundTheClock(), Berlin(2026, 10, 25, 1, 30), Berlin(2026, 10, 25, 3, 30));
  EXPECT_EQ(quote.parked_minutes, 180);
  EXPECT_EQ(quote.total_cents, 150 + 60);
  // A whole wall-clock day has 25 hours: 4 h at 0.60 + 21 h at 1.20.
  EXPECT_EQ(
      Price(AroundTheClock(), Berlin(2026, 10, 25, 0, 0), Berlin(2026, 10, 26, 0, 0)).total_cents,
      240 + 2520);
}

TEST_F(TariffTest, AcrossAFreePeriodAndAFreeDate) {
  Tariff tariff = CityCentre();
  tariff.free_periods = {Window({1, 2, 3, 4, 5}, 12, 13)};
  tariff.free_dates = {"2026-12-25"};
  // Mon 11:30-13:30: lunch hour free, 60 priced minutes.
  Quote quote = Price(tariff, Berlin(2026, 11, 23, 11, 30), Berlin(2026, 11, 23, 13, 30));
  EXPECT_EQ(quote.total_cents, 300);
  EXPECT_THAT(quote.segments, ElementsAre(Field(&PriceSegment::kind, MinuteKind::kPriced),
                                          Field(&PriceSegment::kind, MinuteKind::kFreePeriod),
                                          Field(&PriceSegment::kind, MinuteKind::kPriced)));
  // Saturday has no lunch break.
  EXPECT_EQ(Price(tariff, Berlin(2026, 11, 28, 11, 30), Berlin(2026, 11, 28, 13, 30)).total_cents,
            600);
  // Christmas Day (a Friday) is free; the 24th is not.
  EXPECT_EQ(Price(tariff, Berlin(2026, 12, 25, 9, 0), Berlin(2026, 12, 25, 11, 0)).total_cents, 0);
  EXPECT_EQ(Price(tariff, Berlin(2026, 12, 24, 9, 0), Berlin(2026, 12, 24, 11, 0)).total_cents,
            600);
}

TEST_F(TariffTest, AtTheMaximumTime) {
  Tariff tariff = CityCentre();
  tariff.windows[0].max_parking_minutes = 120;
  const absl::Time nine = Berlin(2026, 11, 23, 9, 0);
  EXPECT_EQ(Price(tariff, nine, nine + absl::Minutes(120)).total_cents, 600);
  absl::StatusOr<Quote> over =
      calculator_.Price(tariff, nine, nine + absl::Minutes(120) + absl::Seconds(1));
  EXPECT_EQ(over.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(over.status().message(), HasSubstr("maximum parking time of 120 minutes"));
  EXPECT_EQ(calculator_.Price(tariff, nine, nine - absl::Seconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TariffTest, DailyCap) {
  Tariff tariff = CityCentre();
  tariff.daily_cap_cents = 1000;
  // Mon 08:00 - Tue 10:00: Monday 14 h = 4200 ct capped to 1000; Tuesday
  // 2 h = 600 ct stays under the cap.
  Quote quote = Price(tariff, Berlin(2026, 11, 23, 8, 0), Berlin(2026, 11, 24, 10, 0));
  EXPECT_THAT(
      quote.days,
      ElementsAre(AllOf(Field(&DayTotal::cents_before_cap, 4200), Field(&DayTotal::cents, 1000)),
                  AllOf(Field(&DayTotal::cents_before_cap, 600), Field(&DayTotal::cents, 600))));
  EXPECT_EQ(quote.total_cents, 1600);
}

TEST(TariffParseTest, ReadsTheDocumentedFormat) {
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(R"({"tariffs": [{
    "id": "zone-a", "name": "Innenstadt",
    "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 320}],
    "free_periods": [{"days": [6], "from": "14:00", "to": "24:00"}],
    "free_dates": ["2026-12-25"],
    "charging_unit_minutes": 1, "minimum_charge_cents": 50,
    "max_parking_minutes": 180, "daily_cap_cents": 1500, "free_stay_minutes": 10}]})");
  ASSERT_TRUE(tariffs.ok()) << tariffs.status();
  ASSERT_EQ(tariffs->size(), 1u);
  const Tariff& tariff = tariffs->front();
  EXPECT_EQ(tariff.windows[0].when.to_minute, 22 * 60);
  EXPECT_EQ(tariff.windows[0].cents_per_hour, 320);
  EXPECT_EQ(tariff.free_periods[0].to_minute, 24 * 60);
  EXPECT_EQ(tariff.windows[0].max_parking_minutes, 180);  // the tariff's default
  EXPECT_EQ(tariff.daily_cap_cents, 1500);
  EXPECT_EQ(tariff.free_stay_minutes, 10);
}

TEST(TariffParseTest, RefusesBrokenTariffs) {
  const char* kBad[] = {
      "not json",
      R"({"tariffs": [{"id": "a", "billing_increment_minutes": 5}]})",  // an unknown member
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60, "windows": [{"days": [1], "from": "22:00", "to": "06:00", "cents_per_hour": 1}]}]})",
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60, "windows": [{"days": [1], "from": "25:00", "to": "26:00", "cents_per_hour": 1}]}]})",
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60, "windows": [{"days": [8], "from": "08:00", "to": "09:00", "cents_per_hour": 1}]}]})",
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60, "windows": [{"days": [1], "from": "08:00", "to": "12:00", "cents_per_hour": 1}, {"days": [1,2], "from": "11:00", "to": "13:00", "cents_per_hour": 2}]}]})",
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60, "windows": [{"days": [1], "from": "08:00", "to": "09:00", "cents_per_hour": -1}]}]})",
      R"({"tariffs": [{"id": "a", "charging_unit_minutes": 0}]})",
      R"({"tariffs": [{"id": "a", "windows": [{"days": [1], "from": "08:00", "to": "09:00", "cents_per_hour": 1, "max_parking_minutes": 61}]}]})",
      R"({"tariffs": [{"id": "a", "holidays": "by"}]})",
      R"({"tariffs": [{"id": "a", "free_dates": ["2026-02-30"]}]})",
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60, "free_dates": ["25.12.2026"]}]})",
      R"({"tariffs": [{"id": "a", "max_parking_minutes": 60}, {"id": "a", "max_parking_minutes": 60}]})",
  };
  for (const char* text : kBad) {
    EXPECT_EQ(ParseTariffs(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace stadt::parking
