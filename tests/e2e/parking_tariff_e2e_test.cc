// End to end: the zone answer shows the tariff as the sign reads and whether
// parking is charged right now; the officer's check never says "not paid"
// where parking is free at this moment, and honours the grace period from
// the start of charging. The services run on the real clock, so the tariffs
// are written for the moment the test runs.
#include <fstream>
#include <iterator>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/parking_test_tariffs.h"
#include "tests/harness/process.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// A tariff that began charging this minute would stop charging at midnight;
// the few minutes before it are waited out, so the answers cannot change
// while the test runs.
void WaitUntilClearOfMidnight() {
  const absl::CivilSecond now = absl::ToCivilSecond(absl::Now(), Berlin());
  if (now.hour() == 23 && now.minute() >= 55) {
    const absl::Time midnight = absl::FromCivil(absl::CivilDay(now) + 1, Berlin());
    std::this_thread::sleep_for(absl::ToChronoSeconds(midnight - absl::Now() + absl::Seconds(2)));
  }
}

// innenstadt (1101, 1102) charges never; wohngebiet (2201, 3301) from this
// minute until midnight on today's weekday; bahnhof (4401) always.
std::string TariffsForNow(absl::Time* charging_began) {
  const absl::Time now = absl::Now();
  const absl::CivilMinute minute = absl::ToCivilMinute(now, Berlin());
  // The start of this minute (not FromCivil(minute): in the hour repeated when
  // the clocks go back, that is the minute's first occurrence, an hour ago).
  *charging_began = absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 60 * 60);
  const int weekday = static_cast<int>(absl::GetWeekday(minute)) + 1;  // absl: Monday = 0
  return absl::StrFormat(R"({"tariffs": [
    {"id": "innenstadt", "name": "Innenstadt (Test): gebührenfrei"},
    {"id": "wohngebiet", "name": "Wohngebiet (Test): ab jetzt 2,00 EUR/h",
     "windows": [{"days": [%d], "from": "%02d:%02d", "to": "24:00", "cents_per_hour": 200}]},
    {"id": "bahnhof", "name": "Hauptbahnhof: rund um die Uhr 2,40 EUR/h",
     "windows": [{"days": [1,2,3,4,5,6,7], "from": "00:00", "to": "24:00", "cents_per_hour": 240,
                  "max_parking_minutes": 120}],
     "daily_cap_cents": 1000, "charging_unit_minutes": 15, "free_minutes": 10},
    {"id": "markt", "name": "Markt (Test): gebührenfrei"}
  ]})",
                         weekday, minute.hour(), minute.minute());
}

class ParkingTariffE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WaitUntilClearOfMidnight();
    const std::string tariffs = WriteTariffsFile(TariffsForNow(&charging_began_));
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::Start({"parking"}, {{"PARKING_TARIFFS_FILE", tariffs}, {"PARKING_GRACE", "10m"}});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
  }

  boost::json::value Check(const std::string& plate, const std::string& zone) {
    const std::string officer =
        stack_->tokens().Mint("officer-3", {"parking_officer"}, absl::Now());
    HttpResult check = stack_->Fetch(
        "POST", "/v1/parking/checks",
        absl::StrCat(R"({"plate":")", plate, R"(","zoneId":")", zone, "\"}"), officer);
    EXPECT_EQ(check.status, 200) << check.body;
    return Json(check);
  }

  boost::json::value Zone(const std::string& id) {
    HttpResult zone = stack_->Fetch("GET", absl::StrCat("/v1/parking/zones/", id));
    EXPECT_EQ(zone.status, 200) << zone.body;
    return Json(zone);
  }

  absl::Time charging_began_;
  std::unique_ptr<Stack> stack_;
};

TEST_F(ParkingTariffE2eTest, ACheckWhereParkingIsFreeNowIsNeverNotPaid) {
  const boost::json::value check = Check("S-XY 77", "1101");
  EXPECT_EQ(check.at("status").as_string(), "CHECK_STATUS_FREE_NOW");
  // A zone that never charges has no start of charging to announce.
  EXPECT_FALSE(check.as_object().contains("chargingStartsAt"));
  const boost::json::value zone = Zone("1101");
  EXPECT_FALSE(zone.at("chargedNow").as_bool());
}

TEST_F(ParkingTariffE2eTest, ACheckRightAfterChargingBeganIsInGrace) {
  const boost::json::value check = Check("S-XY 77", "2201");
  EXPECT_EQ(check.at("status").as_string(), "CHECK_STATUS_GRACE");
  EXPECT_EQ(check.at("chargingStartedAt").as_string(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", charging_began_, absl::UTCTimeZone()));
  // Where charging runs around the clock, no session means not paid.
  EXPECT_EQ(Check("S-XY 77", "4401").at("status").as_string(), "CHECK_STATUS_NOT_PAID");
}

TEST_F(ParkingTariffE2eTest, TheZoneShowsItsTariffAsTheSignReads) {
  const boost::json::value zone = Zone("4401");
  EXPECT_TRUE(zone.at("chargedNow").as_bool());
  EXPECT_EQ(zone.at("maxParkingMinutes").as_int64(), 120);
  const boost::json::value& tariff = zone.at("tariff");
  EXPECT_EQ(tariff.at("windows").at(0).at("from").as_string(), "00:00");
  EXPECT_EQ(tariff.at("windows").at(0).at("to").as_string(), "24:00");
  EXPECT_EQ(tariff.at("windows").at(0).at("perHour").at("cents").as_string(), "240");
  EXPECT_EQ(tariff.at("freeMinutes").as_int64(), 10);
  EXPECT_EQ(tariff.at("chargingUnitMinutes").as_int64(), 15);
  std::vector<std::string> german;
  for (const boost::json::value& line : tariff.at("descriptionDe").as_array()) {
    german.emplace_back(line.as_string());
  }
  EXPECT_THAT(german,
              ::testing::Contains("Mo–So 00:00–24:00 Uhr: 2,40 €/Std., Höchstparkdauer 2 Std."));
  EXPECT_THAT(german, ::testing::Contains("Die ersten 10 Min. jedes Parkvorgangs gebührenfrei"));
  EXPECT_THAT(german, ::testing::Contains("Höchstens 10,00 € pro Tag"));
  EXPECT_FALSE(tariff.at("descriptionEn").as_array().empty());
}

TEST_F(ParkingTariffE2eTest, AQuoteBeyondTheMaximumIsRefusedWithItsReason) {
  const absl::Time start = absl::FromCivil(absl::CivilMinute(2030, 3, 4, 10, 0), Berlin());
  auto quote = [&](absl::Duration length) {
    return stack_->Fetch(
        "POST", "/v1/parking/quotes",
        absl::StrCat(
            R"({"zoneId":"4401","startTime":")",
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", start, absl::UTCTimeZone()), R"(","endTime":")",
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", start + length, absl::UTCTimeZone()), "\"}"));
  };
  // 2 hours: 10 free minutes, 110 charged, eight started quarter hours = 120
  // minutes at 2.40 EUR/h = 480 ct.
  HttpResult allowed = quote(absl::Hours(2));
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(Json(allowed).at("total").at("cents").as_string(), "480");
  HttpResult refused = quote(absl::Hours(2) + absl::Minutes(1));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_THAT(refused.body, ::testing::HasSubstr("end_beyond_max_stay"));
  EXPECT_THAT(refused.body, ::testing::HasSubstr("maximum parking time of 120 minutes"));
}

// The service refuses to start on a tariff file it cannot price honestly, and
// its log names the line to edit.
TEST(ParkingTariffFileE2eTest, ABrokenTariffFileStopsTheStartNamingTheLine) {
  struct Case {
    std::string tariffs;
    std::string message;
  };
  const Case kCases[] = {
      {R"({"tariffs": [
  {"id": "innenstadt", "windows": [
    {"days": [1], "from": "08:00", "to": "12:00", "cents_per_hour": 100},
    {"days": [1], "from": "11:00", "to": "13:00", "cents_per_hour": 100}]}]})",
       "line 4: charging window overlaps the one on line 3"},
      {R"({"tariffs": [
  {"id": "innenstadt", "windows": [
    {"days": [1], "from": "08:00", "to": "09:00", "cents_per_hour": 100,
     "max_parking_minutes": 120}]}]})",
       "line 3: maximum parking time of 120 minutes is longer than its window"},
      {R"({"holiday_calendars": {"bw": {"name": "BW",
   "files": {"2026": "holidays-bw-2026.txt"}}},
 "tariffs": []})",
       "line 2: holiday file holidays-bw-2026.txt"},
  };
  for (const Case& c : kCases) {
    const std::string tariffs = WriteTariffsFile(c.tariffs);
    const std::string log = tariffs + ".log";
    absl::StatusOr<std::unique_ptr<Subprocess>> parking = Subprocess::Start(
        STADT_PARKING_BIN, {},
        {{"PARKING_TARIFFS_FILE", tariffs},
         {"PARKING_ZONES_FILE",
          absl::StrCat(STADT_SOURCE_DIR, "/services/parking/seed/zones.geojson")},
         {"PARKING_PERMIT_AREAS_FILE",
          absl::StrCat(STADT_SOURCE_DIR, "/services/parking/seed/permit_areas.json")},
         {"PARKING_GRPC_ADDRESS", absl::StrCat("127.0.0.1:", PickFreePort())}},
        log);
    ASSERT_TRUE(parking.ok()) << parking.status();
    EXPECT_EQ((*parking)->Wait(), 2) << c.message;  // configuration refused
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(text, ::testing::HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace stadt::testing
