#include "services/parking/domain/sessions.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"

namespace stadt::parking {
namespace {

using ::testing::HasSubstr;

constexpr char kZones[] = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature",
   "properties": {"zone": "1101", "tariff": "city", "permit_area": "S-Mitte-1"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.17, 48.77], [9.18, 48.77], [9.18, 48.78], [9.17, 48.78], [9.17, 48.77]]]}},
  {"type": "Feature",
   "properties": {"zone": "1102", "tariff": "city"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.18, 48.77], [9.19, 48.77], [9.19, 48.78], [9.18, 48.78], [9.18, 48.77]]]}}]})";

// Mon-Sat 08-22, 3.00 EUR/h minute-exact, at most two hours.
constexpr char kTariffs[] = R"({"tariffs": [{"id": "city", "max_parking_minutes": 120,
  "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 300}]}]})";

// Monday 2026-11-23 10:00 in Berlin (CET, UTC+1).
const absl::Time kMondayTen = absl::FromUnixSeconds(1795424400);

ParkingRules MakeRules() {
  ZoneDirectory zones = ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value();
  ParkingRules rules(std::move(zones), ParseTariffs(kTariffs).value(),
                     PriceCalculator(BerlinCalendar::Load().value()));
  EXPECT_TRUE(rules.Validate().ok());
  return rules;
}

class ParkingRulesTest : public ::testing::Test {
 protected:
  Session Start(std::optional<absl::Time> planned_end = std::nullopt) {
    absl::StatusOr<Session> session =
        rules_.PlanStart({"citizen-1", "1101", "s-ab 1234", planned_end}, clock_.Now());
    EXPECT_TRUE(session.ok()) << session.status();
    return session.value_or(Session());
  }

  ParkingRules rules_ = MakeRules();
  FakeClock clock_{kMondayTen};
};

TEST_F(ParkingRulesTest, StartRunsToThePlannedEndOrTheMaximum) {
  Session open = Start();
  EXPECT_EQ(open.plate.key, "DE:S-AB1234");
  EXPECT_EQ(open.plate.registration, "S-AB 1234");
  EXPECT_EQ(open.tariff_id, "city");
  EXPECT_EQ(open.end, kMondayTen + absl::Hours(2));
  EXPECT_EQ(open.price_cents, 600);  // what it costs if it runs to the end
  Session planned = Start(kMondayTen + absl::Minutes(30));
  EXPECT_EQ(planned.end, kMondayTen + absl::Minutes(30));
  EXPECT_EQ(planned.price_cents, 150);
  // It ends by itself: active until its end, not a second longer.
  EXPECT_TRUE(planned.IsActiveAt(kMondayTen + absl::Minutes(29)));
  EXPECT_FALSE(planned.IsActiveAt(kMondayTen + absl::Minutes(30)));
}

TEST_F(ParkingRulesTest, StartRefusesBadInput) {
  auto start = [&](std::string zone, std::string plate, std::optional<absl::Time> end) {
    return rules_.PlanStart({"citizen-1", zone, plate, end}, clock_.Now()).status();
  };
  EXPECT_EQ(start("9999", "S-AB 1234", std::nullopt).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(start("1101", "not a plate", std::nullopt).code(), absl::StatusCode::kInvalidArgument);
  absl::Status before = start("1101", "S-AB 1234", kMondayTen - absl::Minutes(1));
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(before.message(), HasSubstr("after the start"));
  EXPECT_EQ(start("1101", "S-AB 1234", kMondayTen + absl::Minutes(121)).code(),
            absl::StatusCode::kOutOfRange);
}

TEST_F(ParkingRulesTest, ExtendUpToTheMaximumOnly) {
  Session session = Start(kMondayTen + absl::Minutes(30));
  clock_.Advance(absl::Minutes(20));
  Session extended = rules_.PlanExtend(session, kMondayTen + absl::Hours(2), clock_.Now()).value();
  EXPECT_EQ(extended.end, kMondayTen + absl::Hours(2));
  EXPECT_EQ(extended.price_cents, 600);
  EXPECT_EQ(
      rules_.PlanExtend(session, kMondayTen + absl::Minutes(121), clock_.Now()).status().code(),
      absl::StatusCode::kOutOfRange);
  EXPECT_EQ(
      rules_.PlanExtend(session, kMondayTen + absl::Minutes(10), clock_.Now()).status().code(),
      absl::StatusCode::kInvalidArgument);
  clock_.Advance(absl::Minutes(10));  // the session has ended by itself
  EXPECT_EQ(rules_.PlanExtend(session, kMondayTen + absl::Hours(1), clock_.Now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ParkingRulesTest, StopChargesTheMinutesParked) {
  Session session = Start();
  clock_.Advance(absl::Minutes(42) + absl::Seconds(10));
  Session stopped = rules_.PlanStop(session, clock_.Now()).value();
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.end, kMondayTen + absl::Minutes(42) + absl::Seconds(10));
  EXPECT_EQ(stopped.price_cents, 43 * 5);  // 43 started minutes
  EXPECT_FALSE(stopped.IsActiveAt(clock_.Now()));
  EXPECT_EQ(rules_.PlanStop(stopped, clock_.Now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Quote receipt = rules_.Receipt(stopped).value();
  EXPECT_EQ(receipt.total_cents, stopped.price_cents);
  EXPECT_EQ(receipt.parked_minutes, 43);
}

TEST_F(ParkingRulesTest, QuotesAPlannedStay) {
  EXPECT_EQ(rules_.QuoteStay("1101", kMondayTen, kMondayTen + absl::Hours(1)).value().total_cents,
            300);
  EXPECT_EQ(rules_.QuoteStay("1101", kMondayTen, kMondayTen).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rules_.QuoteStay("42", kMondayTen, kMondayTen + absl::Hours(1)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ParkingRulesTest, PermitsNeedAKnownAreaAndASpan) {
  const absl::Time from = kMondayTen;
  const absl::Time until = kMondayTen + absl::Hours(24 * 365);
  const Plate plate = ParsePlate("", "s-ab 1234").value();
  Permit permit = rules_.PlanPermit(plate, "S-Mitte-1", from, until).value();
  EXPECT_EQ(permit.plate, plate);
  EXPECT_EQ(rules_.PlanPermit(plate, "Nowhere", from, until).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rules_.PlanPermit(plate, "S-Mitte-1", until, from).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ParkingRulesTest, OfficerCheck) {
  const Zone& west = *rules_.FindZone("1101").value();
  const Zone& east = *rules_.FindZone("1102").value();
  const absl::Duration grace = absl::Minutes(5);
  Session session = Start(kMondayTen + absl::Minutes(30));
  const absl::Time during = kMondayTen + absl::Minutes(10);
  const ChargeState charged{.charged = true, .cents_per_hour = 300};

  CheckResult paid = CheckPlate(west, session, {}, charged, during, grace);
  EXPECT_EQ(paid.status, CheckStatus::kPaid);
  EXPECT_EQ(paid.paid_until, session.end);
  // Paid in another zone is not paid here.
  EXPECT_EQ(CheckPlate(east, session, {}, charged, during, grace).status, CheckStatus::kNotPaid);
  // Just expired: grace; later: not paid.
  EXPECT_EQ(CheckPlate(west, session, {}, charged, session.end + absl::Minutes(4), grace).status,
            CheckStatus::kGrace);
  CheckResult late = CheckPlate(west, session, {}, charged, session.end + absl::Minutes(5), grace);
  EXPECT_EQ(late.status, CheckStatus::kNotPaid);
  EXPECT_EQ(late.paid_until, session.end);
  EXPECT_EQ(CheckPlate(west, std::nullopt, {}, charged, during, grace).status,
            CheckStatus::kNotPaid);

  // A resident's permit covers zones of its area while it is valid.
  Permit permit{"p1", session.plate, "S-Mitte-1", kMondayTen - absl::Hours(1),
                kMondayTen + absl::Hours(1)};
  CheckResult resident = CheckPlate(west, std::nullopt, {permit}, charged, during, grace);
  EXPECT_EQ(resident.status, CheckStatus::kPermit);
  EXPECT_EQ(resident.permit_valid_until, permit.valid_until);
  EXPECT_EQ(CheckPlate(east, std::nullopt, {permit}, charged, during, grace).status,
            CheckStatus::kNotPaid);
  EXPECT_EQ(
      CheckPlate(west, std::nullopt, {permit}, charged, kMondayTen + absl::Hours(2), grace).status,
      CheckStatus::kNotPaid);
}

TEST_F(ParkingRulesTest, OfficerCheckWhereParkingIsFreeNow) {
  const Zone& west = *rules_.FindZone("1101").value();
  const absl::Duration grace = absl::Minutes(5);
  // Sunday 10:00 is outside Mon-Sat 08-22: free now, never "not paid".
  const absl::Time sunday = kMondayTen - absl::Hours(24);
  const ChargeState free = rules_.ChargingAt("1101", sunday).value();
  ASSERT_FALSE(free.charged);
  CheckResult result = CheckPlate(west, std::nullopt, {}, free, sunday, grace);
  EXPECT_EQ(result.status, CheckStatus::kFreeNow);
  EXPECT_EQ(result.charging_starts_at, kMondayTen - absl::Hours(2));  // Monday 08:00
  // Monday 08:03: charging began three minutes ago, within the grace period.
  const absl::Time eight = kMondayTen - absl::Hours(2);
  const ChargeState started = rules_.ChargingAt("1101", eight + absl::Minutes(3)).value();
  CheckResult early = CheckPlate(west, std::nullopt, {}, started, eight + absl::Minutes(3), grace);
  EXPECT_EQ(early.status, CheckStatus::kGrace);
  EXPECT_EQ(early.charging_started_at, eight);
  // 08:05 the grace period from the start of charging is over.
  const ChargeState later = rules_.ChargingAt("1101", eight + absl::Minutes(5)).value();
  EXPECT_EQ(CheckPlate(west, std::nullopt, {}, later, eight + absl::Minutes(5), grace).status,
            CheckStatus::kNotPaid);
}

TEST_F(ParkingRulesTest, TheMaximumCountsChargedMinutesOnly) {
  // Monday 21:00 with two hours allowed per stretch of charging hours: one
  // hour tonight; the night is free and ends the stretch, so tomorrow's
  // stretch may hold two hours: the session may run until Tuesday 10:00.
  clock_.Advance(absl::Hours(11));
  Session overnight =
      rules_.PlanStart({"citizen-1", "1101", "S-AB 1234", std::nullopt}, clock_.Now()).value();
  EXPECT_EQ(overnight.max_end, kMondayTen + absl::Hours(24));
  EXPECT_EQ(overnight.end, overnight.max_end);
  EXPECT_EQ(overnight.price_cents, 900);  // 60 + 120 charged minutes at 3.00 EUR/h
}

TEST_F(ParkingRulesTest, TheCheckJudgesEveryOwnersSessionOfThePlateInTheZone) {
  // A shared car: two citizens started sessions of one plate.
  Session early = Start(kMondayTen + absl::Minutes(20));
  Session late = Start(kMondayTen + absl::Minutes(50));
  late.owner = "citizen-2";
  Session elsewhere = Start(kMondayTen + absl::Minutes(90));
  elsewhere.zone_id = "1102";
  const std::vector<Session> sessions = {early, late, elsewhere};

  // While both run, the longer one; after the first ended, still the second.
  EXPECT_EQ(SessionForCheck(sessions, "1101", kMondayTen + absl::Minutes(5)), late);
  EXPECT_EQ(SessionForCheck({late, early}, "1101", kMondayTen + absl::Minutes(30)), late);
  // A session that has ended does not hide one that runs.
  Session ended = early;
  ended.start = kMondayTen - absl::Hours(3);
  ended.end = kMondayTen - absl::Hours(1);
  EXPECT_EQ(SessionForCheck({early, ended}, "1101", kMondayTen + absl::Minutes(5)), early);
  // After both ended: the one that ended last, for the grace period.
  EXPECT_EQ(SessionForCheck(sessions, "1101", kMondayTen + absl::Hours(1)), late);
  // Another zone's session is not about this zone; nothing started: none.
  EXPECT_EQ(SessionForCheck(sessions, "1102", kMondayTen + absl::Minutes(5)), elsewhere);
  EXPECT_EQ(SessionForCheck({elsewhere}, "1101", kMondayTen), std::nullopt);
  EXPECT_EQ(SessionForCheck(sessions, "1101", kMondayTen - absl::Minutes(1)), std::nullopt);
}

}  // namespace
}  // namespace stadt::parking
