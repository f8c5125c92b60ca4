// The client contract of issue 23, end to end: every refusal a route declares
// (`reasons` in its proto option, listed as `x-reasons` in the OpenAPI
// document the gateway serves) is provoked through the gateway against the
// real service. Each answer must carry that reason, the HTTP status the
// reason catalog documents, and the catalog's message for people in German
// by default and in English for Accept-Language: en. Each reason a route
// answers must be declared for it, and each declared one must be walked.
// Parking's walk; the walking helper is tests/e2e/refusal_walk.h, the other
// services' walks are the refusal_walk_*_e2e_test.cc beside this one.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/parking_test_tariffs.h"
#include "tests/e2e/refusal_walk.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

// The Berlin calendar date `days` days after today's.
std::string BerlinDate(int days) {
  absl::TimeZone berlin;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), berlin) + days);
}

class RefusalWalkTest : public RefusalWalk {
 protected:
  void SetUp() override {
    // Charged around the clock: the refusals do not depend on the hour.
    StackOptions options;
    options.service_env = {{"PARKING_TARIFFS_FILE", WriteTariffsFile(kAroundTheClockTariffs)}};
    StartStack({"parking"}, options, "/v1/parking/zones/4401");
  }

  std::string Citizen(const std::string& subject) const {
    return stack_->tokens().Mint(subject, {"citizen"}, absl::Now());
  }
  std::string Caseworker() const {
    return stack_->tokens().Mint("parking-admin-7", {"parking_admin"}, absl::Now());
  }
  std::string Officer() const {
    return stack_->tokens().Mint("officer-3", {"parking_officer"}, absl::Now());
  }

  // Starts a session and returns its id ("" and a test failure if refused).
  std::string Start(const std::string& token, const std::string& plate, absl::Duration planned) {
    HttpResult started = stack_->Fetch(
        "POST", "/v1/parking/sessions",
        absl::StrCat(R"({"zoneId":"4401","plate":")", plate, R"(","plannedEndTime":")",
                     Rfc3339(absl::Now() + planned), "\"}"),
        token);
    EXPECT_EQ(started.status, 200) << started.body;
    return started.status == 200 ? std::string(Json(started).at("id").as_string()) : "";
  }
};

TEST_F(RefusalWalkTest, EveryParkingRefusalHasItsReasonStatusAndBothMessages) {
  const std::string citizen = Citizen("citizen-walk");
  const std::string other = Citizen("citizen-other");
  const std::string caseworker = Caseworker();
  const absl::Time now = absl::Now();
  const std::string plates[][2] = {{"HELLO", "plate_malformed"},
                                   {"SAB 1234", "plate_ambiguous"},
                                   {"S-AB 1234\",\"country\":\"XX", "plate_country_unknown"}};

  // Zones and quotes (anyone).
  ExpectRefusal("GET", "/v1/parking/zone-lookup?latitude=123&longitude=9", "", "",
                "position_out_of_range");
  ExpectRefusal("GET", "/v1/parking/zones/9999", "", "", "zone_unknown");
  const std::string quote = "/v1/parking/quotes";
  ExpectRefusal("POST", quote, R"({"zoneId":"9999","endTime":"2030-03-04T10:00:00Z"})", "",
                "zone_unknown");
  ExpectRefusal("POST", quote, R"({"zoneId":"4401"})", "", "end_time_required");
  ExpectRefusal("POST", quote,
                R"({"zoneId":"4401","startTime":"2030-03-04T10:00:00Z",)"
                R"("endTime":"2030-03-04T09:00:00Z"})",
                "", "end_not_after_start");
  ExpectRefusal("POST", quote,
                R"({"zoneId":"4401","startTime":"2030-03-04T10:00:00Z",)"
                R"("endTime":"2030-03-05T11:00:00Z"})",
                "", "end_beyond_max_stay");

  // Starting a session.
  const std::string sessions = "/v1/parking/sessions";
  for (const auto& [plate, reason] : plates) {
    ExpectRefusal("POST", sessions, absl::StrCat(R"({"zoneId":"4401","plate":")", plate, "\"}"),
                  citizen, reason);
  }
  ExpectRefusal("POST", sessions, R"({"zoneId":"9999","plate":"S-WK 9"})", citizen, "zone_unknown");
  ExpectRefusal("POST", sessions,
                absl::StrCat(R"({"zoneId":"4401","plate":"S-WK 9","plannedEndTime":")",
                             Rfc3339(now - absl::Minutes(5)), "\"}"),
                citizen, "end_not_after_start");
  ExpectRefusal("POST", sessions,
                absl::StrCat(R"({"zoneId":"4401","plate":"S-WK 9","plannedEndTime":")",
                             Rfc3339(now + absl::Hours(25)), "\"}"),
                citizen, "end_beyond_max_stay");
  ExpectRefusal("POST", sessions,
                R"({"zoneId":"4401","plate":"S-WK 9","idempotencyKey":"no spaces please"})",
                citizen, "idempotency_key_invalid");
  // A malformed reminder address is the client's to fix; a sound one needs the
  // reminder key, which this stack does not set (PARKING_SECRET_KEY).
  ExpectRefusal("POST", sessions, R"({"zoneId":"4401","plate":"S-WK 9","notifyEmail":"nobody@"})",
                citizen, "invalid_email");
  ExpectRefusal("POST", sessions,
                R"({"zoneId":"4401","plate":"S-WK 9","notifyEmail":"fahrer@example.org"})", citizen,
                "reminders_unavailable");
  ASSERT_EQ(stack_
                ->Fetch("POST", sessions,
                        R"({"zoneId":"4401","plate":"S-WK 8","idempotencyKey":"start-1"})", citizen)
                .status,
            200);
  ExpectRefusal("POST", sessions,
                R"({"zoneId":"4401","plate":"S-WK 9","idempotencyKey":"start-1"})", citizen,
                "idempotency_key_reused");
  ExpectRefusal("POST", sessions, R"({"zoneId":"4401","plate":"S-WK 8"})", citizen,
                "session_already_active");
  ExpectRefusal("GET", absl::StrCat(sessions, "?pageSize=100000"), "", citizen,
                "invalid_page_size");

  // A running session: extended and stopped only by its owner, only later.
  const std::string running = Start(citizen, "S-WK 1", absl::Minutes(60));
  const std::string extend = absl::StrCat(sessions, "/", running, "/extend");
  const std::string stop = absl::StrCat(sessions, "/", running, "/stop");
  ExpectRefusal("GET", absl::StrCat(sessions, "/", running), "", other, "session_not_found");
  const std::string later = absl::StrCat(R"({"endTime":")", Rfc3339(now + absl::Minutes(70)));
  ExpectRefusal("POST", extend, absl::StrCat(later, "\"}"), other, "session_not_found");
  ExpectRefusal("POST", extend, "{}", citizen, "end_time_required");
  ExpectRefusal("POST", extend,
                absl::StrCat(R"({"endTime":")", Rfc3339(now + absl::Minutes(30)), "\"}"), citizen,
                "end_not_after_current_end");
  ExpectRefusal("POST", extend,
                absl::StrCat(R"({"endTime":")", Rfc3339(now + absl::Hours(25)), "\"}"), citizen,
                "end_beyond_max_stay");
  ExpectRefusal("POST", extend, absl::StrCat(later, R"(","idempotencyKey":"a b"})"), citizen,
                "idempotency_key_invalid");
  ASSERT_EQ(
      stack_->Fetch("POST", extend, absl::StrCat(later, R"(","idempotencyKey":"ext-1"})"), citizen)
          .status,
      200);
  ExpectRefusal("POST", extend,
                absl::StrCat(R"({"endTime":")", Rfc3339(now + absl::Minutes(80)),
                             R"(","idempotencyKey":"ext-1"})"),
                citizen, "idempotency_key_reused");
  ExpectRefusal("POST", stop, "{}", other, "session_not_found");
  ExpectRefusal("POST", stop, R"({"idempotencyKey":"a b"})", citizen, "idempotency_key_invalid");

  // A stopped session can be neither stopped nor extended again; a stop key
  // used for it cannot stop the next session of the same plate.
  const std::string first = Start(citizen, "S-WK 2", absl::Minutes(60));
  const std::string first_stop = absl::StrCat(sessions, "/", first, "/stop");
  ASSERT_EQ(stack_->Fetch("POST", first_stop, R"({"idempotencyKey":"stop-1"})", citizen).status,
            200);
  // A second stop answers the stopped session again (stops are idempotent).
  EXPECT_EQ(stack_->Fetch("POST", first_stop, "{}", citizen).status, 200);
  ExpectRefusal("POST", absl::StrCat(sessions, "/", first, "/extend"), absl::StrCat(later, "\"}"),
                citizen, "session_ended");
  const std::string second = Start(citizen, "S-WK 2", absl::Minutes(60));
  ExpectRefusal("POST", absl::StrCat(sessions, "/", second, "/stop"),
                R"({"idempotencyKey":"stop-1"})", citizen, "idempotency_key_reused");

  // Officers' checks.
  for (const auto& [plate, reason] : plates) {
    ExpectRefusal("POST", "/v1/parking/checks",
                  absl::StrCat(R"({"zoneId":"4401","plate":")", plate, "\"}"), Officer(), reason);
  }
  ExpectRefusal("POST", "/v1/parking/checks", R"({"zoneId":"9999","plate":"S-WK 1"})", Officer(),
                "zone_unknown");

  // Permits issued by caseworkers.
  const std::string permits = "/v1/parking/permits";
  auto permit = [](const std::string& plate, const std::string& area, const std::string& from,
                   const std::string& until) {
    return absl::StrCat(R"({"plate":")", plate, R"(","area":")", area, R"(","validFrom":")", from,
                        R"(","validUntil":")", until, "\"}");
  };
  for (const auto& [plate, reason] : plates) {
    ExpectRefusal("POST", permits, permit(plate, "S-Mitte", "2031-01-01", "2031-02-01"), caseworker,
                  reason);
    ExpectRefusal("POST", "/v1/parking/permit-searches",
                  absl::StrCat(R"({"plate":")", plate, "\"}"), caseworker, reason);
    ExpectRefusal("POST", absl::StrCat(permits, "/0000000000000000/revoke"),
                  absl::StrCat(R"({"plate":")", plate, R"(","reason":"Umzug"})"), caseworker,
                  reason);
  }
  ExpectRefusal("POST", permits, permit("S-PW 1", "S-Nirgendwo", "2031-01-01", "2031-02-01"),
                caseworker, "permit_area_unknown");
  ExpectRefusal("POST", permits, permit("S-PW 1", "S-Mitte", "2031-02-30", "2031-03-01"),
                caseworker, "invalid_date");
  ExpectRefusal("POST", permits, permit("S-PW 1", "S-Mitte", "2031-02-02", "2031-02-01"),
                caseworker, "permit_period_invalid");
  ExpectRefusal("POST", permits, permit("S-PW 1", "S-Mitte", "2031-01-01", "2034-01-01"),
                caseworker, "permit_too_long");
  ExpectRefusal("POST", permits, permit("S-PW 1", "S-Mitte", "2020-01-01", "2020-02-01"),
                caseworker, "permit_expired");
  ExpectRefusal("POST", absl::StrCat(permits, "/0000000000000000/revoke"),
                R"({"plate":"S-PW 1","reason":""})", caseworker, "decision_reason_invalid");
  ExpectRefusal("POST", absl::StrCat(permits, "/0000000000000000/revoke"),
                R"({"plate":"S-PW 1","reason":"Umzug"})", caseworker, "permit_not_found");

  // Residents' applications and their decision.
  const std::string applications = "/v1/parking/permit-applications";
  auto application = [](const std::string& plate, const std::string& street,
                        const std::string& from, const std::string& until) {
    return absl::StrCat(R"({"plate":")", plate, R"(","area":"S-Mitte","street":")", street,
                        R"(","houseNumber":"5","validFrom":")", from, R"(","validUntil":")", until,
                        "\"}");
  };
  const std::string from = BerlinDate(2);
  const std::string until = BerlinDate(40);
  for (const auto& [plate, reason] : plates) {
    ExpectRefusal("POST", applications, application(plate, "Königstraße", from, until), citizen,
                  reason);
  }
  ExpectRefusal(
      "POST", applications,
      absl::StrCat(R"({"plate":"S-PA 1","area":"S-Nirgendwo","street":"Königstraße",)",
                   R"("houseNumber":"5","validFrom":")", from, R"(","validUntil":")", until, "\"}"),
      citizen, "permit_area_unknown");
  ExpectRefusal("POST", applications, application("S-PA 1", "  ", from, until), citizen,
                "street_invalid");
  ExpectRefusal("POST", applications, application("S-PA 1", "Königstraße", from, "2031-02-30"),
                citizen, "invalid_date");
  ExpectRefusal("POST", applications, application("S-PA 1", "Königstraße", from, BerlinDate(1)),
                citizen, "permit_period_invalid");
  ExpectRefusal("POST", applications,
                application("S-PA 1", "Königstraße", "2020-01-01", "2020-01-05"), citizen,
                "permit_start_invalid");
  ExpectRefusal("POST", applications, application("S-PA 1", "Königstraße", from, BerlinDate(500)),
                citizen, "permit_too_long");
  ExpectRefusal("POST", applications, application("S-PA 1", "Rotebühlstraße", from, until), citizen,
                "street_not_in_area");
  HttpResult applied = stack_->Fetch("POST", applications,
                                     application("S-PA 1", "Königstraße", from, until), citizen);
  ASSERT_EQ(applied.status, 200) << applied.body;
  const std::string id(Json(applied).at("id").as_string());
  ExpectRefusal("POST", applications, application("S-PA 1", "Königstraße", from, BerlinDate(41)),
                citizen, "permit_application_exists");
  ExpectRefusal("GET", absl::StrCat(applications, "?pageSize=100000"), "", citizen,
                "invalid_page_size");
  ExpectRefusal("GET", "/v1/parking/pending-permit-applications?pageSize=100000", "", caseworker,
                "invalid_page_size");
  ExpectRefusal("GET", absl::StrCat(applications, "/0000000000000000"), "", citizen,
                "permit_application_not_found");
  ExpectRefusal("POST", absl::StrCat(applications, "/0000000000000000/approve"), "{}", caseworker,
                "permit_application_not_found");
  ExpectRefusal("POST", absl::StrCat(applications, "/0000000000000000/reject"),
                R"({"reason":"Kein Hauptwohnsitz"})", caseworker, "permit_application_not_found");
  ExpectRefusal("POST", absl::StrCat(applications, "/", id, "/reject"), R"({"reason":""})",
                caseworker, "decision_reason_invalid");
  ASSERT_EQ(stack_->Fetch("POST", absl::StrCat(applications, "/", id, "/approve"), "{}", caseworker)
                .status,
            200);
  ExpectRefusal("POST", absl::StrCat(applications, "/", id, "/reject"),
                R"({"reason":"Kein Hauptwohnsitz"})", caseworker, "permit_application_not_pending");
  HttpResult second_applied = stack_->Fetch(
      "POST", applications, application("S-PA 2", "Königstraße", from, until), citizen);
  ASSERT_EQ(second_applied.status, 200) << second_applied.body;
  const std::string second_id(Json(second_applied).at("id").as_string());
  ASSERT_EQ(stack_
                ->Fetch("POST", absl::StrCat(applications, "/", second_id, "/reject"),
                        R"({"reason":"Kein Hauptwohnsitz"})", caseworker)
                .status,
            200);
  ExpectRefusal("POST", absl::StrCat(applications, "/", second_id, "/approve"), "{}", caseworker,
                "permit_application_not_pending");

  ExpectEveryDeclaredReasonWalked(
      "Parking", {{"POST /v1/parking/permit-applications/{application_id}/approve permit_expired",
                   "only once the requested validity has passed, which a test cannot wait for"},
                  {"POST /v1/parking/sessions/{session_id}/stop session_ended",
                   "only for a session that ran out by itself, which a test cannot wait for"}});
}

TEST_F(RefusalWalkTest, TheGatewaysOwnRefusalsAreLocalisedToo) {
  HttpResult german = stack_->Fetch("POST", "/v1/parking/sessions", "{not json", Citizen("c"));
  EXPECT_EQ(german.status, 400);
  EXPECT_EQ(Reason(german), "invalid_request");
  EXPECT_THAT(std::string(Json(german).at("message").as_string()),
              ::testing::HasSubstr("Die Anfrage ist fehlerhaft"));
  // The parser's own words stay available for developers.
  EXPECT_TRUE(Json(german).at("details").at(0).as_object().contains("detail")) << german.body;
  HttpResult english =
      stack_->Fetch("POST", "/v1/parking/sessions", "", "", {{"Accept-Language", "fr, en;q=0.5"}});
  EXPECT_EQ(english.status, 401);
  EXPECT_EQ(Json(english).at("message"), "Please sign in.");
  EXPECT_EQ(english.headers["content-language"], "en");
}

}  // namespace
}  // namespace stadt::testing
