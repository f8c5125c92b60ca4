#include "services/parking/domain/permits.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::parking {
namespace {

using ::testing::HasSubstr;

constexpr char kZones[] = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"zone": "1101", "tariff": "city", "permit_area": "S-Mitte"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.17, 48.77], [9.18, 48.77], [9.18, 48.78], [9.17, 48.78], [9.17, 48.77]]]}},
  {"type": "Feature", "properties": {"zone": "2201", "tariff": "city", "permit_area": "S-West"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.18, 48.77], [9.19, 48.77], [9.19, 48.78], [9.18, 48.78], [9.18, 48.77]]]}}]})";

constexpr char kAreas[] = R"({"areas": [
  {"id": "S-Mitte", "name": "Stuttgart-Mitte", "streets": ["Königstraße", "Theodor-Heuss-Str."]},
  {"id": "S-West", "name": "Stuttgart-West", "streets": ["Rotebühlstraße", "Senefelderstr."]}]})";

// Monday 2026-11-23 10:00 in Berlin (CET, UTC+1).
const absl::Time kMondayTen = absl::FromUnixSeconds(1795424400);

absl::Time Utc(int y, int m, int d, int hh) {
  return absl::FromCivil(absl::CivilHour(y, m, d, hh), absl::UTCTimeZone());
}

BerlinCalendar Calendar() { return BerlinCalendar::Load().value(); }

PermitRules MakeRules(PermitPolicy policy = {}) {
  return PermitRules(PermitAreas::Parse(kAreas).value(), Calendar(), policy);
}

PermitApplicationRequest Request(std::string from = "2026-12-01",
                                 std::string until = "2027-11-30") {
  return {"", "S-RE 42", "S-Mitte", "Koenigstrasse", "12a", std::move(from), std::move(until)};
}

TEST(PermitDatesTest, ParsesCalendarDatesOnly) {
  EXPECT_EQ(ParseDate("2027-02-28", "valid_from").value(), absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(ParseDate("2028-02-29", "valid_from").value(), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(FormatDate(absl::CivilDay(2027, 3, 5)), "2027-03-05");
  for (const char* bad : {"", "2027-1-05", "2027-01-5", "27-01-05", "2027/01/05", "2027-01-05Z",
                          "2027-01-05T00:00:00Z", "2027-0a-05", " 2027-01-05"}) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(bad, "valid_from");
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(day.status().message(), HasSubstr("valid_from: expected a date YYYY-MM-DD")) << bad;
  }
  // Shaped like a date, but none of the calendar.
  for (const char* bad : {"2027-02-29", "2027-13-01", "2027-00-10", "2027-04-31", "2027-01-00"}) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(bad, "valid_until");
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(day.status().message(), HasSubstr("not a date of the calendar")) << bad;
  }
  EXPECT_THAT(ParseDate("1999-12-31", "valid_from").status().message(), HasSubstr("year"));
}

TEST(PermitDatesTest, BerlinDaysStartAtLocalMidnight) {
  const BerlinCalendar calendar = Calendar();
  // Winter: UTC+1; summer: UTC+2.
  EXPECT_EQ(StartOfBerlinDay(calendar, absl::CivilDay(2027, 1, 15)), Utc(2027, 1, 14, 23));
  EXPECT_EQ(StartOfBerlinDay(calendar, absl::CivilDay(2027, 7, 1)), Utc(2027, 6, 30, 22));
  // 2027-03-28 has 23 hours, 2027-10-31 has 25.
  EXPECT_EQ(StartOfBerlinDay(calendar, absl::CivilDay(2027, 3, 29)) -
                StartOfBerlinDay(calendar, absl::CivilDay(2027, 3, 28)),
            absl::Hours(23));
  EXPECT_EQ(StartOfBerlinDay(calendar, absl::CivilDay(2027, 11, 1)) -
                StartOfBerlinDay(calendar, absl::CivilDay(2027, 10, 31)),
            absl::Hours(25));
  EXPECT_EQ(BerlinDayOf(calendar, Utc(2027, 1, 14, 23)), absl::CivilDay(2027, 1, 15));
  EXPECT_EQ(BerlinDayOf(calendar, Utc(2027, 1, 14, 23) - absl::Seconds(1)),
            absl::CivilDay(2027, 1, 14));
}

TEST(PermitDatesTest, ValidityRunsFromTheFirstDayToTheEndOfTheLast) {
  const PermitRules rules = MakeRules();
  const PermitRules::Span span = rules.Validity("2027-03-28", "2027-03-28").value();
  EXPECT_EQ(span.from, Utc(2027, 3, 27, 23));
  EXPECT_EQ(span.until, Utc(2027, 3, 28, 22));
  Permit permit{"p", ParsePlate("", "S-RE 42").value(), "S-Mitte", span.from, span.until};
  EXPECT_EQ(rules.FirstDay(permit), absl::CivilDay(2027, 3, 28));
  EXPECT_EQ(rules.LastDay(permit), absl::CivilDay(2027, 3, 28));
  EXPECT_EQ(rules.Validity("2027-03-02", "2027-03-01").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rules.Validity("2027-03-01T00:00:00Z", "2027-03-02").status().message(),
              HasSubstr("valid_from: expected a date"));
}

TEST(StreetKeyTest, IgnoresCaseAccentsAndStreetForms) {
  const std::string koenig = StreetKey("Königstraße");
  EXPECT_EQ(koenig, "konigstrasse");
  for (const char* same : {"Koenigstrasse", "königstr.", "KÖNIGSTRASSE", "Königstr", "Königstr .",
                           " Königstraße ", "Königstrasse"}) {
    EXPECT_EQ(StreetKey(same), koenig) << same;
  }
  EXPECT_EQ(StreetKey("Theodor-Heuss-Straße"), StreetKey("theodor heuss str."));
  EXPECT_EQ(StreetKey("Straße des 17. Juni"), StreetKey("Str. des 17 Juni"));
  EXPECT_EQ(StreetKey("Rue de Méribel"), StreetKey("rue de meribel"));
  EXPECT_EQ(StreetKey("Çağrı-Weg"), StreetKey("Cağrı Weg"));
  EXPECT_NE(StreetKey("Königstraße"), StreetKey("Königsweg"));
  EXPECT_NE(StreetKey("Königstraße"), StreetKey("Königsplatz"));
  EXPECT_EQ(StreetKey("-- . --"), "");
}

TEST(PermitAreasTest, LoadsAndMatchesStreets) {
  const PermitAreas areas = PermitAreas::Parse(kAreas).value();
  ASSERT_NE(areas.Find("S-West"), nullptr);
  EXPECT_EQ(areas.Find("S-Ost"), nullptr);
  EXPECT_TRUE(areas.HasStreet(*areas.Find("S-West"), "Senefelderstraße"));
  EXPECT_TRUE(areas.HasStreet(*areas.Find("S-Mitte"), "theodor heuss strasse"));
  EXPECT_FALSE(areas.HasStreet(*areas.Find("S-West"), "Königstraße"));
  ZoneDirectory zones = ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value();
  EXPECT_TRUE(areas.CheckAgainst(zones).ok());
}

TEST(PermitAreasTest, RefusesABadFileNamingTheProblem) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case kCases[] = {
      {"{", "not JSON"},
      {R"({"areas": []})", "\"areas\" is empty"},
      {R"({"areas": [{"id": "A", "streets": ["X-Weg"]}]})", "areas[0]: name: missing"},
      {R"({"areas": [{"id": "A", "name": "a", "streets": []}]})", "areas[0] (A): streets is empty"},
      {R"({"areas": [{"id": "A", "name": "a", "streets": ["X-Weg"]},
                     {"id": "A", "name": "b", "streets": ["Y-Weg"]}]})",
       "areas[1] (A): id used twice"},
      {R"({"areas": [{"id": "A", "name": "a", "streets": ["Königstraße", "Koenigstr."]}]})",
       "areas[0] (A): streets[1]: \"Koenigstr.\" is listed twice"},
      {R"({"areas": [{"id": "A", "name": "a", "streets": ["X-Weg", 7]}]})",
       "areas[0] (A): streets[1]: expected a street name"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<PermitAreas> areas = PermitAreas::Parse(c.json);
    EXPECT_EQ(areas.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(areas.status().message(), HasSubstr(c.message)) << c.json;
  }
  ZoneDirectory zones = ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value();
  // A zone names an area the file lacks; an area of the file covers no zone.
  const PermitAreas only_mitte =
      PermitAreas::Parse(R"({"areas": [{"id": "S-Mitte", "name": "M", "streets": ["A-Weg"]}]})")
          .value();
  EXPECT_THAT(only_mitte.CheckAgainst(zones).message(),
              HasSubstr("zone 2201: permit area S-West is not in the permit areas file"));
  const PermitAreas extra = PermitAreas::Parse(R"({"areas": [
      {"id": "S-Mitte", "name": "M", "streets": ["A-Weg"]},
      {"id": "S-West", "name": "W", "streets": ["B-Weg"]},
      {"id": "S-Ost", "name": "O", "streets": ["C-Weg"]}]})")
                                .value();
  EXPECT_THAT(extra.CheckAgainst(zones).message(),
              HasSubstr("S-Ost is the permit area of no zone"));
}

TEST(PermitApplicationTest, PlansAValidApplication) {
  const PermitRules rules = MakeRules();
  PermitApplication application = rules.PlanApplication("citizen-1", Request(), kMondayTen).value();
  EXPECT_EQ(application.applicant, "citizen-1");
  EXPECT_EQ(application.plate.key, "DE:S-RE42");
  EXPECT_EQ(application.area, "S-Mitte");
  EXPECT_EQ(application.street, "Koenigstrasse");
  EXPECT_EQ(application.house_number, "12a");
  EXPECT_EQ(application.first_day, absl::CivilDay(2026, 12, 1));
  EXPECT_EQ(application.last_day, absl::CivilDay(2027, 11, 30));
  EXPECT_EQ(application.status, ApplicationStatus::kPending);
  // Today (Berlin) is the earliest first day.
  EXPECT_TRUE(
      rules.PlanApplication("citizen-1", Request("2026-11-23", "2026-11-23"), kMondayTen).ok());
}

TEST(PermitApplicationTest, RefusesWithASpecificReason) {
  const PermitRules rules = MakeRules();
  struct Case {
    PermitApplicationRequest request;
    absl::StatusCode code;
    const char* message;
  };
  PermitApplicationRequest west_street = Request();
  west_street.street = "Rotebühlstraße";
  PermitApplicationRequest unknown_area = Request();
  unknown_area.area = "S-Ost";
  PermitApplicationRequest bad_plate = Request();
  bad_plate.plate = "HELLO";
  PermitApplicationRequest bad_number = Request();
  bad_number.house_number = "zwölf";
  PermitApplicationRequest no_street = Request();
  no_street.street = "  ";
  const Case kCases[] = {
      {west_street, absl::StatusCode::kFailedPrecondition,
       "this street is not part of permit area S-Mitte"},
      {unknown_area, absl::StatusCode::kInvalidArgument, "unknown permit area"},
      {bad_plate, absl::StatusCode::kInvalidArgument, "plate"},
      {bad_number, absl::StatusCode::kInvalidArgument, "house_number"},
      {no_street, absl::StatusCode::kInvalidArgument, "street"},
      {Request("2026-11-22", "2027-01-31"), absl::StatusCode::kInvalidArgument,
       "valid_from lies in the past (today is 2026-11-23)"},
      {Request("2026-12-01", "2026-11-30"), absl::StatusCode::kInvalidArgument,
       "valid_until must not be before valid_from"},
      {Request("2026-12-01", "2027-12-01"), absl::StatusCode::kOutOfRange,
       "exceeds the maximum of 12 months"},
      {Request("2027-12-01", "2027-12-31"), absl::StatusCode::kInvalidArgument,
       "at most one year ahead"},
      {Request("1.12.2026", "2027-11-30"), absl::StatusCode::kInvalidArgument,
       "valid_from: expected a date YYYY-MM-DD"},
      {Request("2026-12-01", "2027-02-30"), absl::StatusCode::kInvalidArgument,
       "valid_until: 2027-02-30 is not a date of the calendar"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<PermitApplication> planned =
        rules.PlanApplication("citizen-1", c.request, kMondayTen);
    EXPECT_EQ(planned.status().code(), c.code) << c.message;
    EXPECT_THAT(planned.status().message(), HasSubstr(c.message));
  }
  EXPECT_EQ(rules.PlanApplication("", Request(), kMondayTen).status().code(),
            absl::StatusCode::kUnauthenticated);
  // The longest validity follows the policy.
  const PermitRules short_rules = MakeRules({.max_months = 3});
  EXPECT_TRUE(
      short_rules.PlanApplication("c", Request("2026-12-01", "2027-02-28"), kMondayTen).ok());
  EXPECT_EQ(short_rules.PlanApplication("c", Request("2026-12-01", "2027-03-01"), kMondayTen)
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);
}

TEST(PermitApplicationTest, DecisionsFollowTheStateMachine) {
  PermitApplication application;
  application.status = ApplicationStatus::kPending;
  EXPECT_EQ(DecisionOn(application, Decision::kApprove).value(), DecisionEffect::kApply);
  EXPECT_EQ(DecisionOn(application, Decision::kReject).value(), DecisionEffect::kApply);

  application.status = ApplicationStatus::kApproved;
  EXPECT_EQ(DecisionOn(application, Decision::kApprove).value(), DecisionEffect::kRepeat);
  EXPECT_EQ(DecisionOn(application, Decision::kReject).status().code(),
            absl::StatusCode::kFailedPrecondition);

  application.status = ApplicationStatus::kRejected;
  application.reason = "Kein Wohnsitz im Gebiet";
  EXPECT_EQ(DecisionOn(application, Decision::kReject).value(), DecisionEffect::kRepeat);
  absl::Status approve = DecisionOn(application, Decision::kApprove).status();
  EXPECT_EQ(approve.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(approve.message(), HasSubstr("rejected: Kein Wohnsitz im Gebiet"));

  application.status = ApplicationStatus::kRevoked;
  application.reason = "Umzug";
  for (Decision decision : {Decision::kApprove, Decision::kReject}) {
    absl::Status status = DecisionOn(application, decision).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(status.message(), HasSubstr("revoked: Umzug"));
  }
  EXPECT_EQ(ParseApplicationStatus("rejected"), ApplicationStatus::kRejected);
  EXPECT_EQ(ParseApplicationStatus("maybe"), std::nullopt);
}

TEST(PermitApplicationTest, ApprovalIssuesThePermitOfTheRequestedDays) {
  const PermitRules rules = MakeRules();
  PermitApplication application =
      rules.PlanApplication("citizen-1", Request("2026-11-23", "2026-11-30"), kMondayTen).value();
  application.id = "ab00000000000001";
  Permit permit = rules.PlanApproval(application, kMondayTen).value();
  EXPECT_EQ(permit.id, application.id);
  EXPECT_EQ(permit.plate.key, "DE:S-RE42");
  EXPECT_EQ(permit.valid_from, Utc(2026, 11, 22, 23));
  EXPECT_EQ(permit.valid_until, Utc(2026, 11, 30, 23));
  EXPECT_FALSE(permit.revoked);
  // Decided after the last requested day: nothing left to approve.
  EXPECT_EQ(rules.PlanApproval(application, Utc(2026, 11, 30, 23)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PermitApplicationTest, ReasonsAreShortSingleLines) {
  EXPECT_EQ(ValidateReason("  Umzug  ").value(), "Umzug");
  EXPECT_FALSE(ValidateReason("").ok());
  EXPECT_FALSE(ValidateReason("   ").ok());
  EXPECT_FALSE(ValidateReason("zwei\nZeilen").ok());
  EXPECT_FALSE(ValidateReason(std::string(501, 'x')).ok());
}

TEST(PermitCheckTest, ARevokedPermitCoversNothing) {
  ZoneDirectory zones = ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value();
  const Zone& mitte = *zones.Find("1101");
  Permit permit{"p1", ParsePlate("", "S-RE 42").value(), "S-Mitte", kMondayTen - absl::Hours(1),
                kMondayTen + absl::Hours(24)};
  const ChargeState charged{.charged = true, .cents_per_hour = 320};
  EXPECT_EQ(CheckPlate(mitte, std::nullopt, {permit}, charged, kMondayTen, absl::Minutes(5)).status,
            CheckStatus::kPermit);
  permit.revoked = true;
  EXPECT_EQ(CheckPlate(mitte, std::nullopt, {permit}, charged, kMondayTen, absl::Minutes(5)).status,
            CheckStatus::kNotPaid);
  // Not yet valid, or valid no longer.
  permit.revoked = false;
  EXPECT_EQ(CheckPlate(mitte, std::nullopt, {permit}, charged, kMondayTen - absl::Hours(2),
                       absl::Minutes(5))
                .status,
            CheckStatus::kNotPaid);
  EXPECT_EQ(CheckPlate(mitte, std::nullopt, {permit}, charged, kMondayTen + absl::Hours(24),
                       absl::Minutes(5))
                .status,
            CheckStatus::kNotPaid);
}

}  // namespace
}  // namespace stadt::parking
