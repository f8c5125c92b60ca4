// Quotes as a driver reads them off the sign at the street. Each sign is
// written in the tariff file format; each case names its stay in Berlin wall
// clock time and its price, worked out by hand in the comment beside it.
// 2026-11-23 is a Monday; 2026-06-04 (Fronleichnam) and 2026-12-25 are
// public holidays in Baden-Württemberg; clocks jump forward on 2026-03-29 at
// 02:00 and back on 2026-10-25 at 03:00.
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/parking/domain/tariff.h"

namespace stadt::parking {
namespace {

constexpr char kSigns[] = R"({
  "holiday_calendars": {"bw": {"name": "Baden-Württemberg",
                               "files": {"2026": "holidays-bw-2026.txt"}}},
  "tariffs": [
    {"id": "innenstadt", "name": "Mo-Sa 8-22 Uhr, 3,20 EUR/h, Höchstparkdauer 3 Std., Mindestgebühr 0,50 EUR",
     "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 320,
                  "max_parking_minutes": 180}],
     "holidays": "bw", "minimum_charge_cents": 50},
    {"id": "zwei-stunden", "name": "Höchstparkdauer 2 Std., Mo-Sa 8-22 Uhr, 3,00 EUR/h",
     "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 300,
                  "max_parking_minutes": 120}]},
    {"id": "wohngebiet", "name": "Mo-Fr 9-19, Sa 9-14 Uhr, 2,00 EUR/h, 12:30-13:30 frei, je angefangene 5 Min., bis 15 Min. frei",
     "windows": [{"days": [1,2,3,4,5], "from": "09:00", "to": "19:00", "cents_per_hour": 200},
                 {"days": [6], "from": "09:00", "to": "14:00", "cents_per_hour": 200}],
     "max_parking_minutes": 240,
     "free_periods": [{"days": [1,2,3,4,5], "from": "12:30", "to": "13:30"}],
     "holidays": "bw", "charging_unit_minutes": 5, "daily_cap_cents": 800, "free_stay_minutes": 15},
    {"id": "bahnhof", "name": "Rund um die Uhr 2,40 EUR/h, höchstens 10 EUR am Tag",
     "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "24:00", "cents_per_hour": 240}],
     "daily_cap_cents": 1000},
    {"id": "markt", "name": "Brötchentaste 30 Min. frei; Mo-Fr 8-18 Uhr 3,00 EUR/h max. 2 Std., 18-22 Uhr 1,50 EUR/h max. 4 Std.; Sa 8-16 Uhr; je angefangene 15 Min.",
     "windows": [{"days": [1,2,3,4,5], "from": "08:00", "to": "18:00", "cents_per_hour": 300, "max_parking_minutes": 120},
                 {"days": [1,2,3,4,5], "from": "18:00", "to": "22:00", "cents_per_hour": 150, "max_parking_minutes": 240},
                 {"days": [6], "from": "08:00", "to": "16:00", "cents_per_hour": 300, "max_parking_minutes": 120}],
     "holidays": "bw", "free_minutes": 30, "charging_unit_minutes": 15},
    {"id": "nachtzone", "name": "Fr+Sa 20-2 Uhr, 1,00 EUR/h, je angefangene 15 Min.",
     "windows": [{"days": [5,6], "from": "20:00", "to": "24:00", "cents_per_hour": 100},
                 {"days": [6,7], "from": "00:00", "to": "02:00", "cents_per_hour": 100}],
     "charging_unit_minutes": 15},
    {"id": "gestaffelt", "name": "Täglich 0-3 Uhr 0,60 EUR/h, 3-24 Uhr 1,20 EUR/h",
     "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "03:00", "cents_per_hour": 60},
                 {"days": [1,2,3,4,5,6,7], "from": "03:00", "to": "24:00", "cents_per_hour": 120}]}
  ]})";

constexpr char kHolidays2026[] = R"(# a part of Baden-Württemberg's list
2026-06-04 Fronleichnam
2026-12-25 1. Weihnachtstag
)";

absl::Time Berlin(int year, int month, int day, int hour, int minute) {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", tz));
    return tz;
  }();
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), *zone);
}

struct Stay {
  int year, month, day, hour, minute;
};

struct SignCase {
  const char* tariff;
  Stay from;
  Stay to;
  int64_t cents;  // -1: refused as beyond the maximum parking time
  const char* sign_reading;
};

// clang-format off
const SignCase kCases[] = {
  // 1. 90 minutes at 3,20 EUR/h: 90 * 320 / 60 = 480 ct.
  {"innenstadt", {2026, 11, 23, 10, 0}, {2026, 11, 23, 11, 30}, 480, "Monday morning"},
  // 2. Charged until 22:00 only: 30 min * 320 / 60 = 160 ct.
  {"innenstadt", {2026, 11, 23, 21, 30}, {2026, 11, 23, 22, 30}, 160, "into the free evening"},
  // 3. Sunday is outside "Mo-Sa": 0 ct, and the minimum is never raised from 0.
  {"innenstadt", {2026, 11, 29, 10, 0}, {2026, 11, 29, 12, 0}, 0, "Sunday"},
  // 4. Fronleichnam, a Thursday, is a public holiday: 0 ct.
  {"innenstadt", {2026, 6, 4, 10, 0}, {2026, 6, 4, 12, 0}, 0, "public holiday"},
  // 5. The day before is an ordinary Wednesday: 120 * 320 / 60 = 640 ct.
  {"innenstadt", {2026, 6, 3, 10, 0}, {2026, 6, 3, 12, 0}, 640, "the day before the holiday"},
  // 6. 5 min * 320 / 60 = 26.67 -> 27 ct, raised to the minimum of 50 ct.
  {"innenstadt", {2026, 11, 23, 10, 0}, {2026, 11, 23, 10, 5}, 50, "minimum charge"},
  // 7. Exactly the 3 hours allowed: 180 * 320 / 60 = 960 ct.
  {"innenstadt", {2026, 11, 23, 9, 0}, {2026, 11, 23, 12, 0}, 960, "the whole maximum"},
  // 8. One minute beyond the 3 hours: refused.
  {"innenstadt", {2026, 11, 23, 9, 0}, {2026, 11, 23, 12, 1}, -1, "beyond the maximum"},
  // 9. From 21:00 to 09:00: charged 21-22 (60 min) and 8-9 (60 min), each
  //    stretch within the 2 hours; 120 * 300 / 60 = 600 ct.
  {"zwei-stunden", {2026, 11, 23, 21, 0}, {2026, 11, 24, 9, 0}, 600, "overnight, maximum per stretch"},
  // 10. Until 10:01 the morning stretch holds 121 charged minutes: refused.
  {"zwei-stunden", {2026, 11, 23, 21, 0}, {2026, 11, 24, 10, 1}, -1, "overnight, too long next morning"},
  // 11. Lunch break 12:30-13:30 is free: 30 + 30 charged minutes, whole
  //     5-minute units: 60 * 200 / 60 = 200 ct.
  {"wohngebiet", {2026, 11, 23, 12, 0}, {2026, 11, 23, 14, 0}, 200, "across the lunch break"},
  // 12. Stays of up to 15 minutes are free: 0 ct.
  {"wohngebiet", {2026, 11, 23, 9, 0}, {2026, 11, 23, 9, 15}, 0, "short free stay"},
  // 13. 16 minutes are four started 5-minute units: 20 * 200 / 60 = 66.67 -> 67 ct.
  {"wohngebiet", {2026, 11, 23, 9, 0}, {2026, 11, 23, 9, 16}, 67, "started units"},
  // 14. Christmas Day (a Friday) is free in the residential zone too: 0 ct.
  {"wohngebiet", {2026, 12, 25, 10, 0}, {2026, 12, 25, 12, 0}, 0, "Christmas Day"},
  // 15. The lunch break counts toward the maximum of 4 hours: 09:00-13:00 is
  //     210 charged + 30 free minutes in one stretch, allowed; 210 * 200 / 60 = 700 ct.
  {"wohngebiet", {2026, 11, 23, 9, 0}, {2026, 11, 23, 13, 0}, 700, "maximum with a break"},
  // 16. Monday 08:00 - Tuesday 10:00: Monday 16 h * 240 = 3840 ct capped at
  //     1000; Tuesday 10 h * 240 = 2400 ct capped at 1000; 2000 ct.
  {"bahnhof", {2026, 11, 23, 8, 0}, {2026, 11, 24, 10, 0}, 2000, "daily cap, two days"},
  // 17. 20 minutes inside the 30 free minutes: 0 ct.
  {"markt", {2026, 11, 23, 10, 0}, {2026, 11, 23, 10, 20}, 0, "Brötchentaste"},
  // 18. 70 minutes, the first 30 free, 40 charged -> three started quarter
  //     hours, 45 * 300 / 60 = 225 ct.
  {"markt", {2026, 11, 23, 10, 0}, {2026, 11, 23, 11, 10}, 225, "free minutes deducted"},
  // 19. 17:00-19:00: 17:00-17:30 free, 17:30-18:00 at 3,00 (30 min = 150 ct),
  //     18:00-19:00 at 1,50 (60 min = 150 ct); 90 charged minutes are whole
  //     quarter hours; the stretch holds 120 minutes, within 18-22's maximum of 4 h: 300 ct.
  {"markt", {2026, 11, 23, 17, 0}, {2026, 11, 23, 19, 0}, 300, "across two windows"},
  // 20. 10:00-12:30: the stretch reaches 150 minutes inside 8-18's maximum of 2 h: refused.
  {"markt", {2026, 11, 23, 10, 0}, {2026, 11, 23, 12, 30}, -1, "beyond a window's maximum"},
  // 21. Saturday 15:30-16:30: 30 free minutes, then outside hours: 0 ct.
  {"markt", {2026, 11, 28, 15, 30}, {2026, 11, 28, 16, 30}, 0, "free minutes, then closing time"},
  // 22. Friday 23:50 - Saturday 00:20: Friday's 10 charged minutes make one
  //     quarter hour (25 ct), Saturday's 20 make two (50 ct): units are counted
  //     per day, so 75 ct, not the 50 ct of 30 minutes counted together.
  {"nachtzone", {2026, 11, 27, 23, 50}, {2026, 11, 28, 0, 20}, 75, "units across midnight"},
  // 23. Spring forward: 01:30-03:30 on the wall is one real hour: 30 min at
  //     0,60 (30 ct) and 30 min at 1,20 (60 ct) = 90 ct.
  {"gestaffelt", {2026, 3, 29, 1, 30}, {2026, 3, 29, 3, 30}, 90, "clocks go forward"},
  // 24. Fall back: 01:30-03:30 on the wall is three real hours: 02:00-03:00
  //     happens twice, so 150 min at 0,60 (150 ct) and 30 min at 1,20 (60 ct) = 210 ct.
  {"gestaffelt", {2026, 10, 25, 1, 30}, {2026, 10, 25, 3, 30}, 210, "clocks go back"},
};
// clang-format on

class TariffSignsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<Tariff>> tariffs =
        ParseTariffs(kSigns, [](std::string_view name) -> absl::StatusOr<std::string> {
          if (name == "holidays-bw-2026.txt") return std::string(kHolidays2026);
          return absl::NotFoundError("no such file");
        });
    ASSERT_TRUE(tariffs.ok()) << tariffs.status();
    for (Tariff& tariff : *tariffs) tariffs_.emplace(tariff.id, std::move(tariff));
  }

  const Tariff& Sign(const std::string& id) { return tariffs_.at(id); }

  std::map<std::string, Tariff> tariffs_;
  PriceCalculator calculator_{BerlinCalendar::Load().value()};
};

TEST_F(TariffSignsTest, EveryCaseCostsWhatTheSignSays) {
  for (const SignCase& c : kCases) {
    SCOPED_TRACE(absl::StrCat(c.tariff, ": ", c.sign_reading));
    const absl::Time start =
        Berlin(c.from.year, c.from.month, c.from.day, c.from.hour, c.from.minute);
    const absl::Time end = Berlin(c.to.year, c.to.month, c.to.day, c.to.hour, c.to.minute);
    absl::StatusOr<Quote> quote = calculator_.Price(Sign(c.tariff), start, end);
    if (c.cents < 0) {
      EXPECT_EQ(quote.status().code(), absl::StatusCode::kOutOfRange) << quote.status();
      EXPECT_THAT(quote.status().message(), ::testing::HasSubstr("maximum parking time"));
      continue;
    }
    ASSERT_TRUE(quote.ok()) << quote.status();
    EXPECT_EQ(quote->total_cents, c.cents);
  }
}

TEST_F(TariffSignsTest, FreeMinutesAreShownAsSuch) {
  absl::StatusOr<Quote> quote =
      calculator_.Price(Sign("markt"), Berlin(2026, 11, 23, 10, 0), Berlin(2026, 11, 23, 11, 10));
  ASSERT_TRUE(quote.ok()) << quote.status();
  ASSERT_EQ(quote->segments.size(), 2u);
  EXPECT_EQ(quote->segments[0].kind, MinuteKind::kFreeMinutes);
  EXPECT_EQ(quote->segments[0].minutes, 30);
  EXPECT_EQ(quote->segments[1].kind, MinuteKind::kPriced);
  ASSERT_EQ(quote->days.size(), 1u);
  EXPECT_EQ(quote->days[0].charged_minutes, 40);
  EXPECT_EQ(quote->days[0].billed_minutes, 45);
}

TEST_F(TariffSignsTest, LatestEndCountsChargedMinutesOnly) {
  // 21:00 Monday under "Höchstparkdauer 2 Std., Mo-Sa 8-22": one charged hour
  // tonight, two tomorrow morning: the stay may last until Tuesday 10:00.
  EXPECT_EQ(calculator_.LatestEnd(Sign("zwei-stunden"), Berlin(2026, 11, 23, 21, 0)),
            Berlin(2026, 11, 24, 10, 0));
  // Saturday 21:00: Sunday is free, Monday's stretch ends the stay at 10:00.
  EXPECT_EQ(calculator_.LatestEnd(Sign("zwei-stunden"), Berlin(2026, 11, 28, 21, 0)),
            Berlin(2026, 11, 30, 10, 0));
  // At 10:00 on a weekday the two hours end at 12:00.
  EXPECT_EQ(calculator_.LatestEnd(Sign("zwei-stunden"), Berlin(2026, 11, 23, 10, 0)),
            Berlin(2026, 11, 23, 12, 0));
  // Without a maximum, the longest stay of a week.
  EXPECT_EQ(calculator_.LatestEnd(Sign("bahnhof"), Berlin(2026, 11, 23, 10, 0)),
            Berlin(2026, 11, 30, 10, 0));
}

TEST_F(TariffSignsTest, ChargingNowAndWhenItChanges) {
  // Sunday night in the city centre: free until Monday 08:00.
  ChargeState sunday = calculator_.ChargingAt(Sign("innenstadt"), Berlin(2026, 11, 29, 23, 0));
  EXPECT_FALSE(sunday.charged);
  EXPECT_EQ(sunday.next_change, Berlin(2026, 11, 30, 8, 0));
  // Monday 08:03: charged since 08:00 at 3,20 EUR/h, until 22:00.
  ChargeState monday = calculator_.ChargingAt(Sign("innenstadt"), Berlin(2026, 11, 30, 8, 3));
  EXPECT_TRUE(monday.charged);
  EXPECT_EQ(monday.cents_per_hour, 320);
  EXPECT_EQ(monday.charged_since, Berlin(2026, 11, 30, 8, 0));
  EXPECT_EQ(monday.next_change, Berlin(2026, 11, 30, 22, 0));
  // Christmas Eve (Thursday) evening: Christmas Day is a holiday, Saturday charges again.
  ChargeState christmas = calculator_.ChargingAt(Sign("innenstadt"), Berlin(2026, 12, 24, 23, 0));
  EXPECT_FALSE(christmas.charged);
  EXPECT_EQ(christmas.next_change, Berlin(2026, 12, 26, 8, 0));
  // Around the clock: charged, no recent start, no end within a week.
  ChargeState station = calculator_.ChargingAt(Sign("bahnhof"), Berlin(2026, 11, 23, 3, 0));
  EXPECT_TRUE(station.charged);
  EXPECT_EQ(station.charged_since, absl::InfinitePast());
  EXPECT_EQ(station.next_change, absl::InfiniteFuture());
  // The lunch break is free.
  EXPECT_FALSE(calculator_.ChargingAt(Sign("wohngebiet"), Berlin(2026, 11, 23, 13, 0)).charged);
}

TEST_F(TariffSignsTest, SignsReadInGermanAndEnglish) {
  const std::vector<std::string> german = DescribeTariffGerman(Sign("markt"));
  EXPECT_THAT(german,
              ::testing::Contains("Mo–Fr 08:00–18:00 Uhr: 3,00 €/Std., Höchstparkdauer 2 Std."));
  EXPECT_THAT(german, ::testing::Contains("Die ersten 30 Min. jedes Parkvorgangs gebührenfrei"));
  EXPECT_THAT(german, ::testing::Contains("Abgerechnet je angefangene 15 Min."));
  EXPECT_THAT(german, ::testing::Contains("An gesetzlichen Feiertagen gebührenfrei"));
  const std::vector<std::string> english = DescribeTariffEnglish(Sign("nachtzone"));
  EXPECT_THAT(english, ::testing::Contains("Fri, Sat 20:00-24:00: EUR 1.00 per hour"));
  EXPECT_THAT(english, ::testing::Contains("Sat, Sun 00:00-02:00: EUR 1.00 per hour"));
}

}  // namespace
}  // namespace stadt::parking
