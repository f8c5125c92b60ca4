// End to end: redis-server, the parking service and the gateway on free
// ports, driven over HTTP like the citizen app, the caseworker UI and the
// officer's device would.
#include <cctype>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/parking_test_tariffs.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// The Berlin calendar date `days` days after the one of `time`.
std::string BerlinDate(absl::Time time, int days = 0) {
  const absl::CivilDay day = absl::ToCivilDay(time, Berlin()) + days;
  return absl::FormatCivilTime(day);
}

class ParkingE2eTest : public ::testing::Test {
 protected:
  // Added to the parking service's environment.
  virtual std::map<std::string, std::string> Env() const { return {}; }

  void SetUp() override {
    // Charged around the clock, so that "not paid" holds at any hour the test runs.
    std::map<std::string, std::string> env = Env();
    env.emplace("PARKING_TARIFFS_FILE", WriteTariffsFile(kAroundTheClockTariffs));
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start({"parking"}, env);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    // Only the parking backend runs here, so /readyz stays 503; wait for a
    // parking route instead.
    ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }

  static int64_t Cents(const boost::json::value& money) {
    // int64 is a JSON string in the proto3 mapping; 0 is omitted.
    const boost::json::value* cents = money.as_object().if_contains("cents");
    return cents == nullptr ? 0 : std::stoll(std::string(cents->as_string()));
  }

  std::string Citizen(const std::string& subject = "citizen-1") {
    return stack_->tokens().Mint(subject, {"citizen"}, absl::Now());
  }
  std::string Officer() {
    return stack_->tokens().Mint("officer-3", {"parking_officer"}, absl::Now());
  }
  std::string Caseworker() {
    return stack_->tokens().Mint("parking-admin-7", {"parking_admin"}, absl::Now());
  }

  std::string Check(const std::string& plate, const std::string& zone,
                    const std::string& country = "") {
    HttpResult check = Fetch("POST", "/v1/parking/checks",
                             absl::StrCat(R"({"plate":")", plate, R"(","zoneId":")", zone,
                                          R"(","country":")", country, "\"}"),
                             Officer());
    EXPECT_EQ(check.status, 200) << check.body;
    return std::string(Json(check).at("status").as_string());
  }

  // Starts a session in zone 4401 for 30 minutes without a key.
  HttpResult StartFor(const std::string& token, const std::string& plate,
                      const std::string& country = "") {
    return Fetch(
        "POST", "/v1/parking/sessions",
        absl::StrCat(R"({"zoneId":"4401","plate":")", plate, R"(","country":")", country,
                     R"(","plannedEndTime":")", Rfc3339(absl::Now() + absl::Minutes(30)), "\"}"),
        token);
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(ParkingE2eTest, FindsTheZoneByPosition) {
  HttpResult station = Fetch("GET", "/v1/parking/zone-lookup?latitude=48.785&longitude=9.183");
  ASSERT_EQ(station.status, 200) << station.body;
  EXPECT_EQ(Json(station).at("zone").at("id").as_string(), "4401");
  EXPECT_EQ(Json(station).at("zone").at("tariff").at("id").as_string(), "bahnhof");
  EXPECT_TRUE(Json(station).at("zone").at("chargedNow").as_bool());
  // A few metres west of the border between 1101 and 1102: both offered.
  HttpResult border = Fetch("GET", "/v1/parking/zone-lookup?latitude=48.776&longitude=9.1819");
  ASSERT_EQ(border.status, 200) << border.body;
  EXPECT_EQ(Json(border).at("zone").at("id").as_string(), "1101");
  EXPECT_EQ(Json(border).at("nearby").at(0).at("zone").at("id").as_string(), "1102");
  HttpResult nowhere = Fetch("GET", "/v1/parking/zone-lookup?latitude=52.5&longitude=13.4");
  ASSERT_EQ(nowhere.status, 200);
  EXPECT_FALSE(Json(nowhere).as_object().contains("zone"));
}

TEST_F(ParkingE2eTest, QuotesWithABreakdown) {
  // Monday 2030-03-04, 10:00-11:30 Berlin in the city centre at 3.20 EUR/h.
  HttpResult quote = Fetch(
      "POST", "/v1/parking/quotes",
      R"({"zoneId":"1101","startTime":"2030-03-04T09:00:00Z","endTime":"2030-03-04T10:30:00Z"})");
  ASSERT_EQ(quote.status, 200) << quote.body;
  boost::json::value json = Json(quote);
  EXPECT_EQ(Cents(json.at("total")), 480);
  EXPECT_EQ(json.at("segments").at(0).at("localDate").as_string(), "2030-03-04");
  EXPECT_EQ(json.at("segments").at(0).at("localStart").at("minuteOfDay").as_int64(), 600);
  EXPECT_EQ(json.at("segments").at(0).at("kind").as_string(), "priced");
}

TEST_F(ParkingE2eTest, CitizenParksAndOfficerChecks) {
  const std::string token = Citizen();
  const absl::Time now = absl::Now();
  const std::string start_body =
      absl::StrCat(R"({"zoneId":"4401","plate":"S-AB 1234","plannedEndTime":")",
                   Rfc3339(now + absl::Minutes(30)), R"(","idempotencyKey":"start-1"})");
  HttpResult started = Fetch("POST", "/v1/parking/sessions", start_body, token);
  ASSERT_EQ(started.status, 200) << started.body;
  boost::json::value session = Json(started);
  const std::string id(session.at("id").as_string());
  EXPECT_EQ(session.at("plate").as_string(), "S-AB 1234");
  EXPECT_EQ(session.at("country").as_string(), "DE");
  EXPECT_FALSE(session.as_object().contains("taxReceipt"));  // not before it ended
  EXPECT_EQ(session.at("state").as_string(), "SESSION_STATE_ACTIVE");
  EXPECT_GT(Cents(session.at("price")), 0);

  // The retry returns the same session; a second car start for the plate is refused.
  HttpResult retried = Fetch("POST", "/v1/parking/sessions", start_body, token);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(Json(retried).at("id").as_string(), id);
  HttpResult twice =
      Fetch("POST", "/v1/parking/sessions",
            R"({"zoneId":"4401","plate":"s ab1234","idempotencyKey":"start-2"})", token);
  EXPECT_EQ(twice.status, 409) << twice.body;

  EXPECT_EQ(Check("s-ab 1234", "4401"), "CHECK_STATUS_PAID");
  EXPECT_EQ(Check("S-AB 1234", "1101"), "CHECK_STATUS_NOT_PAID");  // paid elsewhere

  HttpResult extended = Fetch("POST", absl::StrCat("/v1/parking/sessions/", id, "/extend"),
                              absl::StrCat(R"({"endTime":")", Rfc3339(now + absl::Minutes(60)),
                                           R"(","idempotencyKey":"extend-1"})"),
                              token);
  ASSERT_EQ(extended.status, 200) << extended.body;
  EXPECT_GT(Cents(Json(extended).at("price")), Cents(session.at("price")));

  HttpResult stopped = Fetch("POST", absl::StrCat("/v1/parking/sessions/", id, "/stop"),
                             R"({"idempotencyKey":"stop-1"})", token);
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  boost::json::value final_session = Json(stopped);
  EXPECT_EQ(final_session.at("state").as_string(), "SESSION_STATE_STOPPED");
  // 2.40 EUR/h around the clock: 4 ct per started minute actually parked
  // (none when stopped within the second it started).
  const int64_t price = Cents(final_session.at("price"));
  const boost::json::value* minutes =
      final_session.at("receipt").as_object().if_contains("parkedMinutes");
  EXPECT_EQ(price, 4 * (minutes == nullptr ? 0 : std::stoll(std::string(minutes->as_string()))));
  EXPECT_LE(price, 8);
  HttpResult stopped_again = Fetch("POST", absl::StrCat("/v1/parking/sessions/", id, "/stop"),
                                   R"({"idempotencyKey":"stop-1"})", token);
  EXPECT_EQ(stopped_again.status, 200);
  EXPECT_EQ(Cents(Json(stopped_again).at("price")), price);

  HttpResult receipt = Fetch("GET", absl::StrCat("/v1/parking/sessions/", id), "", token);
  ASSERT_EQ(receipt.status, 200) << receipt.body;
  EXPECT_EQ(Cents(Json(receipt).at("receipt").at("total")), price);
  HttpResult history = Fetch("GET", "/v1/parking/sessions", "", token);
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(Json(history).at("sessions").at(0).at("id").as_string(), id);

  // Just stopped: the officer's check shows the grace period.
  EXPECT_EQ(Check("S-AB1234", "4401"), "CHECK_STATUS_GRACE");

  // A resident's permit covers the zones of its area.
  HttpResult permit =
      Fetch("POST", "/v1/parking/permits",
            absl::StrCat(R"({"plate":"S-RE 42","area":"S-Mitte","validFrom":")",
                         BerlinDate(now, -1), R"(","validUntil":")", BerlinDate(now, 365), "\"}"),
            Caseworker());
  ASSERT_EQ(permit.status, 200) << permit.body;
  EXPECT_EQ(Json(permit).at("validFrom").as_string(), BerlinDate(now, -1));
  EXPECT_EQ(Json(permit).at("validUntil").as_string(), BerlinDate(now, 365));
  EXPECT_EQ(Check("s re 42", "1102"), "CHECK_STATUS_PERMIT");
  EXPECT_EQ(Check("s re 42", "2201"), "CHECK_STATUS_NOT_PAID");
  HttpResult search =
      Fetch("POST", "/v1/parking/permit-searches", R"({"plate":"S-RE42"})", Caseworker());
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(Json(search).at("permits").as_array().size(), 1u);
}

TEST_F(ParkingE2eTest, BadInputGetsAClearClientError) {
  const std::string token = Citizen();
  const absl::Time now = absl::Now();
  HttpResult own = Fetch("POST", "/v1/parking/sessions",
                         R"({"zoneId":"4401","plate":"S-AB 1234","idempotencyKey":"k1"})", token);
  ASSERT_EQ(own.status, 200) << own.body;
  const std::string id(Json(own).at("id").as_string());

  struct Case {
    std::string method, target, body, token;
    int status;
    std::string reason, message;
  };
  const std::string other = Citizen("citizen-2");
  const Case kCases[] = {
      {"POST", "/v1/parking/sessions", R"({"zoneId":"9999","plate":"S-XY 1"})", token, 404,
       "zone_unknown", "unknown zone"},
      {"POST", "/v1/parking/sessions", R"({"zoneId":"4401","plate":"HELLO"})", token, 400,
       "plate_malformed", "malformed plate"},
      {"POST", "/v1/parking/sessions", R"({"zoneId":"4401","plate":"SAB 1234"})", token, 400,
       "plate_ambiguous", "ambiguous plate"},
      {"POST", "/v1/parking/sessions", R"({"zoneId":"4401","plate":"S-AB 0123"})", token, 400,
       "plate_malformed", "not starting with 0"},
      {"POST", "/v1/parking/sessions", R"({"zoneId":"4401","plate":"AB-123-CD","country":"XX"})",
       token, 400, "plate_country_unknown", "ISO 3166-1"},
      {"POST", "/v1/parking/checks", R"({"plate":"S-AB 1234","zoneId":"4401","country":"FRA"})",
       Officer(), 400, "plate_country_unknown", "ISO 3166-1"},
      {"POST", "/v1/parking/sessions",
       absl::StrCat(R"({"zoneId":"4401","plate":"S-XY 1","plannedEndTime":")",
                    Rfc3339(now - absl::Minutes(5)), "\"}"),
       token, 400, "end_not_after_start", "after the start"},
      {"POST", "/v1/parking/quotes",
       R"({"zoneId":"4401","startTime":"2030-03-04T10:00:00Z","endTime":"2030-03-04T09:00:00Z"})",
       "", 400, "end_not_after_start", "end must be after start"},
      {"POST", absl::StrCat("/v1/parking/sessions/", id, "/extend"),
       absl::StrCat(R"({"endTime":")", Rfc3339(now + absl::Hours(25)), "\"}"), token, 400,
       "end_beyond_max_stay", "maximum parking time"},
      {"POST", absl::StrCat("/v1/parking/sessions/", id, "/stop"), "{}", other, 404,
       "session_not_found", "session not found"},
      {"GET", absl::StrCat("/v1/parking/sessions/", id), "", other, 404, "session_not_found",
       "session not found"},
      {"POST", "/v1/parking/sessions",
       R"({"zoneId":"4401","plate":"S-XY 2","idempotencyKey":"k1"})", token, 400,
       "idempotency_key_reused", "idempotency_key"},
      {"POST", "/v1/parking/sessions",
       R"({"zoneId":"4401","plate":"S-XY 2","idempotencyKey":"no spaces please"})", token, 400,
       "idempotency_key_invalid", "idempotency_key"},
      {"GET", "/v1/parking/zone-lookup?latitude=123&longitude=9", "", "", 400,
       "position_out_of_range", "latitude"},
      {"POST", "/v1/parking/checks", R"({"plate":"S-AB 1234","zoneId":"4401"})", token, 403,
       "role_not_allowed", ""},
      {"POST", "/v1/parking/sessions", R"({"zoneId":"4401","plate":"S-XY 3"})", "", 401,
       "authentication_required", ""},
  };
  for (const Case& c : kCases) {
    HttpResult result = Fetch(c.method, c.target, c.body, c.token);
    EXPECT_EQ(result.status, c.status) << c.method << " " << c.target << " " << result.body;
    EXPECT_EQ(Reason(result), c.reason) << c.target << " " << result.body;
    EXPECT_THAT(result.body, HasSubstr(c.message)) << c.target;
  }
  // Nothing of the refused requests was written: the plate of the first has
  // no session, and the foreign stop left the session running.
  EXPECT_EQ(Check("S-XY 1", "4401"), "CHECK_STATUS_NOT_PAID");
  EXPECT_EQ(Check("S-AB 1234", "4401"), "CHECK_STATUS_PAID");
  EXPECT_TRUE(stack_->service("parking").Running());
  EXPECT_TRUE(stack_->gateway().Running());
}

TEST_F(ParkingE2eTest, ForeignAndUmlautPlatesParkAndAreChecked) {
  const std::string token = Citizen();
  HttpResult french = StartFor(token, "ab-123-cd", "F");
  ASSERT_EQ(french.status, 200) << french.body;
  EXPECT_EQ(Json(french).at("plate").as_string(), "AB-123-CD");
  EXPECT_EQ(Json(french).at("country").as_string(), "FR");
  HttpResult austrian = StartFor(token, "W 12345A", "A");
  ASSERT_EQ(austrian.status, 200) << austrian.body;
  HttpResult swiss = StartFor(token, "ZH 123456", "CH");
  ASSERT_EQ(swiss.status, 200) << swiss.body;
  HttpResult tuebingen = StartFor(token, "tü-ab 12e");
  ASSERT_EQ(tuebingen.status, 200) << tuebingen.body;
  EXPECT_EQ(Json(tuebingen).at("plate").as_string(), "TÜ-AB 12E");
  EXPECT_EQ(Json(tuebingen).at("country").as_string(), "DE");
  HttpResult loerrach = StartFor(token, "LÖ X 5", "DE");
  ASSERT_EQ(loerrach.status, 200) << loerrach.body;

  EXPECT_EQ(Check("AB 123 CD", "4401", "FR"), "CHECK_STATUS_PAID");
  EXPECT_EQ(Check("w-12345a", "4401", "AT"), "CHECK_STATUS_PAID");
  EXPECT_EQ(Check("ZH123456", "4401", "CH"), "CHECK_STATUS_PAID");
  EXPECT_EQ(Check("TÜ-AB 12E", "4401"), "CHECK_STATUS_PAID");
  EXPECT_EQ(Check("lö-x 5", "4401", "D"), "CHECK_STATUS_PAID");
  // Another country's car with the same registration has not paid.
  EXPECT_EQ(Check("AB-123-CD", "4401", "IT"), "CHECK_STATUS_NOT_PAID");
  EXPECT_EQ(Check("TU-AB 12E", "4401"), "CHECK_STATUS_NOT_PAID");
}

TEST_F(ParkingE2eTest, PlatesDifferingOnlyInTheSeparatorAreTwoCars) {
  const std::string token = Citizen();
  HttpResult stuttgart = StartFor(token, "S-AB 1234");
  ASSERT_EQ(stuttgart.status, 200) << stuttgart.body;
  EXPECT_EQ(Check("S AB 1234", "4401"), "CHECK_STATUS_PAID");
  EXPECT_EQ(Check("SA-B 1234", "4401"), "CHECK_STATUS_NOT_PAID");
  // The other car can be started, also by the same citizen, and is paid then.
  HttpResult saulgau = StartFor(token, "SA B1234");
  ASSERT_EQ(saulgau.status, 200) << saulgau.body;
  EXPECT_EQ(Json(saulgau).at("plate").as_string(), "SA-B 1234");
  EXPECT_EQ(Check("SA-B 1234", "4401"), "CHECK_STATUS_PAID");
}

TEST_F(ParkingE2eTest, AStartRevealsNothingAboutOtherCitizensSessions) {
  HttpResult owner = StartFor(Citizen("citizen-1"), "S-EN 1");
  ASSERT_EQ(owner.status, 200) << owner.body;

  // A stranger starts for the parked plate and for one nobody parked: the two
  // answers differ in nothing but the plate and the session's own values.
  const std::string stranger = Citizen("citizen-2");
  HttpResult parked = StartFor(stranger, "S-EN 1");
  HttpResult unparked = StartFor(stranger, "S-EN 2");
  ASSERT_EQ(parked.status, 200) << parked.body;
  ASSERT_EQ(unparked.status, 200) << unparked.body;
  auto keys = [](const HttpResult& result) {
    std::set<std::string> names;
    const boost::json::value json = Json(result);
    for (const auto& [name, value] : json.as_object()) names.insert(std::string(name));
    return names;
  };
  EXPECT_EQ(keys(parked), keys(unparked));
  EXPECT_EQ(Json(parked).at("state"), Json(unparked).at("state"));
  EXPECT_NE(Json(parked).at("id"), Json(owner).at("id"));

  // Only the same citizen's second start for their own running session is
  // refused, and it says so in their terms.
  HttpResult twice = StartFor(stranger, "s-en 1");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(Reason(twice), "session_already_active");
  EXPECT_THAT(twice.body, HasSubstr("you already have"));

  // The owner stops; the stranger's session still pays for the car.
  const std::string id(Json(owner).at("id").as_string());
  ASSERT_EQ(
      Fetch("POST", absl::StrCat("/v1/parking/sessions/", id, "/stop"), "{}", Citizen()).status,
      200);
  EXPECT_EQ(Check("S-EN 1", "4401"), "CHECK_STATUS_PAID");
}

TEST_F(ParkingE2eTest, AStoppedSessionHasAReceiptAndAStopRetriedWithoutKeyReturnsIt) {
  const std::string token = Citizen();
  HttpResult started = StartFor(token, "S-RC 1");
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string id(Json(started).at("id").as_string());
  const std::string stop = absl::StrCat("/v1/parking/sessions/", id, "/stop");
  HttpResult stopped = Fetch("POST", stop, "{}", token);
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  // Retried without a key (the answer was lost): the same session and receipt.
  HttpResult again = Fetch("POST", stop, "{}", token);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again), Json(stopped));
  HttpResult read = Fetch("GET", absl::StrCat("/v1/parking/sessions/", id), "", token);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(Json(read).at("taxReceipt"), Json(stopped).at("taxReceipt"));

  const boost::json::value session = Json(stopped);
  const boost::json::value& receipt = session.at("taxReceipt");
  std::string upper_id = id;
  for (char& c : upper_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(receipt.at("number").as_string(), "PK-" + upper_id);
  EXPECT_EQ(receipt.at("issuer").at("name").as_string(), "Landeshauptstadt Stuttgart");
  EXPECT_EQ(receipt.at("issuer").at("address").as_string(), "Marktplatz 1, 70173 Stuttgart");
  EXPECT_EQ(receipt.at("zoneId").as_string(), "4401");
  EXPECT_EQ(receipt.at("startTime"), session.at("startTime"));
  EXPECT_EQ(receipt.at("endTime"), session.at("endTime"));
  EXPECT_EQ(receipt.at("vatRatePercent").as_int64(), 19);
  const int64_t gross = Cents(receipt.at("gross"));
  EXPECT_EQ(gross, Cents(session.at("price")));
  EXPECT_EQ(Cents(receipt.at("vat")), (2 * gross * 19 + 119) / 238);  // half up
  EXPECT_EQ(Cents(receipt.at("net")) + Cents(receipt.at("vat")), gross);
}

class ParkingReceiptIssuerE2eTest : public ParkingE2eTest {
 protected:
  std::map<std::string, std::string> Env() const override {
    return {{"PARKING_RECEIPT_ISSUER_NAME", "Stadt Tübingen"},
            {"PARKING_RECEIPT_ISSUER_ADDRESS", "Am Markt 1, 72070 Tübingen"},
            {"PARKING_RECEIPT_ISSUER_TAX_ID", "DE000000000"},
            {"PARKING_RECEIPT_VAT_PERCENT", "7"}};
  }
};

TEST_F(ParkingReceiptIssuerE2eTest, TheIssuerAndRateComeFromTheConfiguration) {
  const std::string token = Citizen();
  HttpResult started = StartFor(token, "TÜ-IS 1");
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string id(Json(started).at("id").as_string());
  HttpResult stopped =
      Fetch("POST", absl::StrCat("/v1/parking/sessions/", id, "/stop"), "{}", token);
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  const boost::json::value receipt = Json(stopped).at("taxReceipt");
  EXPECT_EQ(receipt.at("issuer").at("name").as_string(), "Stadt Tübingen");
  EXPECT_EQ(receipt.at("issuer").at("address").as_string(), "Am Markt 1, 72070 Tübingen");
  EXPECT_EQ(receipt.at("issuer").at("taxId").as_string(), "DE000000000");
  EXPECT_EQ(receipt.at("vatRatePercent").as_int64(), 7);
}

// Minutes before Berlin midnight a test that applies "from today" could see
// the service's day change under it.
bool CloseToBerlinMidnight(absl::Time now) {
  const absl::Time midnight = absl::FromCivil(absl::ToCivilDay(now, Berlin()) + 1, Berlin());
  return midnight - now < absl::Minutes(2);
}

TEST_F(ParkingE2eTest, ResidentsApplyCaseworkersDecideOfficersSeeOnlyValidPermits) {
  const absl::Time now = absl::Now();
  if (CloseToBerlinMidnight(now)) GTEST_SKIP() << "too close to midnight in Berlin";
  const std::string citizen = Citizen("resident-1");
  const std::string stranger = Citizen("resident-2");
  auto apply = [&](const std::string& plate) {
    return Fetch("POST", "/v1/parking/permit-applications",
                 absl::StrCat(R"({"plate":")", plate,
                              R"(","area":"S-Mitte","street":"Königstr.","houseNumber":"5",)",
                              R"("validFrom":")", BerlinDate(now), R"(","validUntil":")",
                              BerlinDate(now, 30), "\"}"),
                 citizen);
  };
  HttpResult applied = apply("S-PA 1");
  ASSERT_EQ(applied.status, 200) << applied.body;
  const std::string id(Json(applied).at("id").as_string());
  EXPECT_EQ(Json(applied).at("state").as_string(), "PERMIT_APPLICATION_STATE_PENDING");
  EXPECT_EQ(Json(applied).at("validFrom").as_string(), BerlinDate(now));
  EXPECT_EQ(Check("S-PA 1", "1102"), "CHECK_STATUS_NOT_PAID");  // pending is no permit

  // Only the applicant sees it; only a caseworker decides.
  HttpResult own = Fetch("GET", "/v1/parking/permit-applications", "", citizen);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Json(own).at("applications").at(0).at("id").as_string(), id);
  HttpResult foreign =
      Fetch("GET", absl::StrCat("/v1/parking/permit-applications/", id), "", stranger);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  HttpResult others = Fetch("GET", "/v1/parking/permit-applications", "", stranger);
  ASSERT_EQ(others.status, 200);
  EXPECT_TRUE(Json(others).at("applications").as_array().empty()) << others.body;
  const std::string approve = absl::StrCat("/v1/parking/permit-applications/", id, "/approve");
  HttpResult self_approved = Fetch("POST", approve, "{}", citizen);
  EXPECT_EQ(self_approved.status, 403);
  EXPECT_EQ(Reason(self_approved), "role_not_allowed");

  HttpResult queue = Fetch("GET", "/v1/parking/pending-permit-applications", "", Caseworker());
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_EQ(Json(queue).at("applications").at(0).at("street").as_string(), "Königstr.");

  HttpResult approved = Fetch("POST", approve, "{}", Caseworker());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Json(approved).at("state").as_string(), "PERMIT_APPLICATION_STATE_APPROVED");
  EXPECT_EQ(Json(approved).at("permitId").as_string(), id);
  EXPECT_EQ(Json(approved).at("street").as_string(), "");  // the address is gone
  EXPECT_EQ(Json(approved).at("houseNumber").as_string(), "");
  HttpResult again = Fetch("POST", approve, "{}", Caseworker());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again).at("permitId").as_string(), id);
  EXPECT_EQ(Check("S-PA 1", "1102"), "CHECK_STATUS_PERMIT");
  EXPECT_EQ(Check("S-PA 1", "2201"), "CHECK_STATUS_NOT_PAID");  // another area
  HttpResult search =
      Fetch("POST", "/v1/parking/permit-searches", R"({"plate":"S-PA 1"})", Caseworker());
  ASSERT_EQ(search.status, 200);
  EXPECT_EQ(Json(search).at("permits").as_array().size(), 1u);  // one permit, not two

  // Revoked: no permit any more, and the citizen sees why.
  HttpResult revoked = Fetch("POST", absl::StrCat("/v1/parking/permits/", id, "/revoke"),
                             R"({"plate":"S-PA 1","reason":"Umzug"})", Caseworker());
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_TRUE(Json(revoked).at("revoked").as_bool());
  EXPECT_EQ(Check("S-PA 1", "1102"), "CHECK_STATUS_NOT_PAID");
  HttpResult mine = Fetch("GET", absl::StrCat("/v1/parking/permit-applications/", id), "", citizen);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Json(mine).at("state").as_string(), "PERMIT_APPLICATION_STATE_REVOKED");
  EXPECT_EQ(Json(mine).at("reason").as_string(), "Umzug");

  // Rejected: no permit, and approving it later is refused with the reason.
  HttpResult second = apply("S-PA 2");
  ASSERT_EQ(second.status, 200) << second.body;
  const std::string second_id(Json(second).at("id").as_string());
  HttpResult rejected =
      Fetch("POST", absl::StrCat("/v1/parking/permit-applications/", second_id, "/reject"),
            R"({"reason":"Kein Hauptwohnsitz im Gebiet"})", Caseworker());
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Json(rejected).at("state").as_string(), "PERMIT_APPLICATION_STATE_REJECTED");
  EXPECT_EQ(Check("S-PA 2", "1102"), "CHECK_STATUS_NOT_PAID");
  HttpResult late =
      Fetch("POST", absl::StrCat("/v1/parking/permit-applications/", second_id, "/approve"), "{}",
            Caseworker());
  EXPECT_EQ(late.status, 400) << late.body;
  EXPECT_EQ(Reason(late), "permit_application_not_pending");
  EXPECT_THAT(late.body, HasSubstr("rejected: Kein Hauptwohnsitz im Gebiet"));
  EXPECT_EQ(Check("S-PA 2", "1102"), "CHECK_STATUS_NOT_PAID");
}

TEST_F(ParkingE2eTest, BadPermitInputIsRefusedWithItsReason) {
  const absl::Time now = absl::Now();
  if (CloseToBerlinMidnight(now)) GTEST_SKIP() << "too close to midnight in Berlin";
  const std::string citizen = Citizen();
  auto body = [](const std::string& street, const std::string& from, const std::string& until) {
    return absl::StrCat(R"({"plate":"S-PA 9","area":"S-Mitte","street":")", street,
                        R"(","houseNumber":"5","validFrom":")", from, R"(","validUntil":")", until,
                        "\"}");
  };
  struct Case {
    std::string target, body, token;
    int status;
    std::string reason, message;
  };
  const Case kCases[] = {
      {"/v1/parking/permit-applications", body("Königstraße", BerlinDate(now), "2031-02-30"),
       citizen, 400, "invalid_date", "valid_until: 2031-02-30 is not a date of the calendar"},
      {"/v1/parking/permit-applications", body("Königstraße", Rfc3339(now), BerlinDate(now, 10)),
       citizen, 400, "invalid_date", "valid_from: expected a date YYYY-MM-DD"},
      {"/v1/parking/permit-applications",
       body("Königstraße", BerlinDate(now, -1), BerlinDate(now, 10)), citizen, 400,
       "permit_start_invalid", "valid_from lies in the past"},
      {"/v1/parking/permit-applications",
       body("Königstraße", BerlinDate(now), BerlinDate(now, 400)), citizen, 400, "permit_too_long",
       "exceeds the maximum of 12 months"},
      {"/v1/parking/permit-applications",
       body("Rotebühlstraße", BerlinDate(now), BerlinDate(now, 10)), citizen, 400,
       "street_not_in_area", "this street is not part of permit area"},
      {"/v1/parking/permits",
       absl::StrCat(R"({"plate":"S-PA 9","area":"S-Mitte","validFrom":")", Rfc3339(now),
                    R"(","validUntil":")", BerlinDate(now, 10), "\"}"),
       Caseworker(), 400, "invalid_date", "valid_from: expected a date YYYY-MM-DD"},
      {"/v1/parking/permit-applications/0000000000000000/reject", R"({"reason":""})", Caseworker(),
       400, "decision_reason_invalid", "reason"},
      {"/v1/parking/permits/0000000000000000/revoke", R"({"plate":"S-PA 9","reason":"x"})",
       Caseworker(), 404, "permit_not_found", "permit not found"},
  };
  for (const Case& c : kCases) {
    HttpResult result = Fetch("POST", c.target, c.body, c.token);
    EXPECT_EQ(result.status, c.status) << c.target << " " << c.body << " " << result.body;
    EXPECT_EQ(Reason(result), c.reason) << c.body << " " << result.body;
    EXPECT_THAT(result.body, HasSubstr(c.message)) << c.body;
  }
  // Nothing was stored.
  HttpResult own = Fetch("GET", "/v1/parking/permit-applications", "", citizen);
  ASSERT_EQ(own.status, 200);
  EXPECT_TRUE(Json(own).at("applications").as_array().empty()) << own.body;
  EXPECT_EQ(Check("S-PA 9", "1101"), "CHECK_STATUS_NOT_PAID");
}

}  // namespace
}  // namespace stadt::testing
