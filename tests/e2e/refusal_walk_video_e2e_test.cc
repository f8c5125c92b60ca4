// The refusal walk of the video service (issue 23's client contract; the
// helper and what each refusal must show: tests/e2e/refusal_walk.h). Booking,
// the consultation's steps (consent, check-in, waiting room, admission,
// identity check, no-show, close, host, join token) and the caseworkers'
// schedules, each refusal provoked through the real gateway.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/e2e/refusal_walk.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

// The caseworkers consult around the clock, so that the walk can book,
// check in and admit right now whatever the time of day; the slot running now
// can still be booked (VIDEO_MIN_NOTICE=-15m) and, without a grace period,
// recorded as a no-show at once.
constexpr char kAlwaysOpenCatalog[] = R"({
  "slot_minutes": 15,
  "departments": [{"id": "social", "name": "Sozialamt"}, {"id": "jobcentre", "name": "Jobcenter"}],
  "topics": [{"id": "housing", "name": "Wohngeld", "department_id": "social",
              "duration_minutes": 30, "id_check_required": true},
             {"id": "job-advice", "name": "Jobberatung", "department_id": "jobcentre",
              "duration_minutes": 15},
             {"id": "rent-advice", "name": "Mietberatung", "department_id": "social",
              "duration_minutes": 15}],
  "caseworkers": [
    {"id": "cw-anna", "name": "Anna Berger", "department_id": "social", "topic_ids": ["housing"],
     "availability": [{"weekday": 1, "from": "00:00", "to": "24:00"},
                      {"weekday": 2, "from": "00:00", "to": "24:00"},
                      {"weekday": 3, "from": "00:00", "to": "24:00"},
                      {"weekday": 4, "from": "00:00", "to": "24:00"},
                      {"weekday": 5, "from": "00:00", "to": "24:00"},
                      {"weekday": 6, "from": "00:00", "to": "24:00"},
                      {"weekday": 7, "from": "00:00", "to": "24:00"}]},
    {"id": "cw-carla", "name": "Carla Weiss", "department_id": "jobcentre",
     "topic_ids": ["job-advice"],
     "availability": [{"weekday": 1, "from": "00:00", "to": "24:00"},
                      {"weekday": 2, "from": "00:00", "to": "24:00"},
                      {"weekday": 3, "from": "00:00", "to": "24:00"},
                      {"weekday": 4, "from": "00:00", "to": "24:00"},
                      {"weekday": 5, "from": "00:00", "to": "24:00"},
                      {"weekday": 6, "from": "00:00", "to": "24:00"},
                      {"weekday": 7, "from": "00:00", "to": "24:00"}]},
    {"id": "cw-bert", "name": "Bert Lang", "department_id": "social", "topic_ids": ["rent-advice"],
     "availability": [{"weekday": 1, "from": "00:00", "to": "24:00"},
                      {"weekday": 2, "from": "00:00", "to": "24:00"},
                      {"weekday": 3, "from": "00:00", "to": "24:00"},
                      {"weekday": 4, "from": "00:00", "to": "24:00"},
                      {"weekday": 5, "from": "00:00", "to": "24:00"},
                      {"weekday": 6, "from": "00:00", "to": "24:00"},
                      {"weekday": 7, "from": "00:00", "to": "24:00"}]}]
})";

constexpr char kConsent[] = R"({"privacyNoticeVersion":"2026-01","termsVersion":"3"})";

class VideoRefusalWalkTest : public RefusalWalk {
 protected:
  void SetUp() override {
    StackOptions options;
    options.service_env = {
        {"VIDEO_SEED_FILE", WriteTempFile("walk-video.json", kAlwaysOpenCatalog)},
        {"VIDEO_MIN_NOTICE", "-15m"},
        {"VIDEO_NO_SHOW_GRACE", "0s"},
        {"VIDEO_JOIN_LEAD", "2h"},
        {"VIDEO_MAX_ACTIVE_BOOKINGS", "2"},
        {"VIDEO_PRIVACY_NOTICE_VERSION", "2026-01"},
        {"VIDEO_TERMS_VERSION", "3"}};
    StartStack({"video"}, options, "/v1/video/topics");
  }

  std::string Citizen(const std::string& subject) const { return Token(subject, {"citizen"}); }
  std::string Caseworker(const std::string& subject, const std::string& department) const {
    return Token(subject, {"video_caseworker"}, "department:" + department);
  }

  // The first free start of `topic` from `from_date` on ("" for today).
  std::string FirstStart(const std::string& topic, const std::string& from_date = "") {
    HttpResult search =
        Fetch("GET", absl::StrCat("/v1/video/slots?topic_id=", topic, "&limit=1",
                                  from_date.empty() ? "" : "&from_date=", from_date));
    EXPECT_EQ(search.status, 200) << search.body;
    return std::string(Json(search).at("slots").at(0).at("start").as_string());
  }

  // Holds `start` for `citizen`; returns the hold id.
  std::string Hold(const std::string& citizen, const std::string& topic, const std::string& start) {
    HttpResult hold =
        Fetch("POST", "/v1/video/holds",
              absl::StrCat(R"({"topicId":")", topic, R"(","start":")", start, "\"}"), citizen);
    EXPECT_EQ(hold.status, 200) << hold.body;
    return hold.status == 200 ? std::string(Json(hold).at("holdId").as_string()) : "";
  }

  struct Booked {
    std::string code;
    std::string start;
    std::string manage;  // {"manageToken": ...}
  };
  // Books `start` for the citizen `subject` (an address of their own: the
  // limits count by address too).
  Booked Book(const std::string& subject, const std::string& topic, const std::string& start) {
    const std::string citizen = Citizen(subject);
    HttpResult booked =
        Fetch("POST", absl::StrCat("/v1/video/holds/", Hold(citizen, topic, start), "/confirm"),
              Contact(subject), citizen);
    EXPECT_EQ(booked.status, 200) << booked.body;
    if (booked.status != 200) return {};
    return {std::string(Json(booked).at("bookingCode").as_string()), start,
            absl::StrCat(R"({"manageToken":")",
                         std::string(Json(booked).at("manageToken").as_string()), "\"}")};
  }
  static std::string Contact(const std::string& subject) {
    return absl::StrCat(R"({"contact":{"name":"Erika Mustermann","email":")", subject,
                        R"(@example.org"}})");
  }

  void Ok(const std::string& method, const std::string& target, const std::string& body,
          const std::string& token) {
    HttpResult result = Fetch(method, target, body, token);
    ASSERT_EQ(result.status, 200) << method << " " << target << ": " << result.body;
  }

  static std::string Consultation(const std::string& code, const std::string& step = "") {
    return absl::StrCat("/v1/video/consultations/", code, step.empty() ? "" : "/", step);
  }
};

TEST_F(VideoRefusalWalkTest, EveryVideoRefusalHasItsReasonStatusAndBothMessages) {
  if (NearAClockChange()) {
    GTEST_SKIP() << "Berlin's clocks change within the hour: maybe no running slot to miss";
  }
  const std::string anna = Caseworker("cw-anna", "social");
  const std::string carla = Caseworker("cw-carla", "jobcentre");
  const std::string other = Citizen("citizen-other");
  const std::string tomorrow =
      absl::FormatTime("%Y-%m-%d", absl::Now() + absl::Hours(30), absl::UTCTimeZone());
  const std::string unknown_code = "K7M-4QX-P2A";

  // Booking: the soonest housing slot (check-in opens two hours ahead), a
  // soon job advice, and one tomorrow.
  // The running job advice is missed, the next one waited for.
  const Booked missed = Book("citizen-missed", "job-advice", FirstStart("job-advice"));
  const std::string waiting_citizen = Citizen("citizen-waiting");
  const Booked waiting = Book("citizen-waiting", "job-advice", FirstStart("job-advice"));
  const std::string admitted_citizen = Citizen("citizen-admitted");
  const Booked admitted = Book("citizen-admitted", "housing", FirstStart("housing"));
  const std::string later_citizen = Citizen("citizen-later");
  const Booked later = Book("citizen-later", "housing", FirstStart("housing", tomorrow));
  ASSERT_FALSE(missed.code.empty() || waiting.code.empty() || admitted.code.empty() ||
               later.code.empty());

  ExpectRefusal("POST", "/v1/video/holds",
                absl::StrCat(R"({"topicId":"housing","start":")", later.start, "\"}"), other,
                "slot_taken");
  // A housing consultation (30 minutes) cannot start at 23:45: the day ends.
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  const absl::CivilDay next_day = absl::ToCivilDay(absl::Now(), berlin) + 2;
  const std::string late_evening = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%SZ",
      absl::FromCivil(absl::CivilMinute(next_day.year(), next_day.month(), next_day.day(), 23, 45),
                      berlin),
      absl::UTCTimeZone());
  ExpectRefusal("POST", "/v1/video/holds",
                absl::StrCat(R"({"topicId":"housing","start":")", late_evening, "\"}"), other,
                "slot_not_offered");
  ExpectRefusal("POST", "/v1/video/holds",
                absl::StrCat(R"({"topicId":"cooking","start":")", later.start, "\"}"), other,
                "topic_unknown");
  ExpectRefusal("GET", "/v1/video/slots?topic_id=cooking", "", "", "topic_unknown");
  ExpectRefusal("GET", "/v1/video/slots", "", "", "topic_invalid");
  ExpectRefusal("POST", "/v1/video/holds",
                absl::StrCat(R"({"topicId":"NOT A TOPIC","start":")", later.start, "\"}"), other,
                "topic_invalid");
  ExpectRefusal("GET", "/v1/video/slots?topic_id=housing&from_date=01.12.2037", "", "",
                "invalid_date");
  ExpectRefusal("GET", "/v1/video/slots?topic_id=housing&limit=100000", "", "",
                "invalid_page_size");
  const std::string hold = Hold(other, "housing", FirstStart("housing", tomorrow));
  ExpectRefusal("POST", "/v1/video/holds/0000000000000000000000/confirm",
                R"({"contact":{"name":"Erika","email":"erika@example.org"}})", other,
                "hold_not_found");
  ExpectRefusal("POST", absl::StrCat("/v1/video/holds/", hold, "/confirm"),
                R"({"contact":{"name":"Erika"}})", other, "contact_missing");
  // One housing consultation a week, two open consultations a person.
  const std::string again_hold = Hold(later_citizen, "housing", FirstStart("housing", tomorrow));
  ExpectRefusal("POST", absl::StrCat("/v1/video/holds/", again_hold, "/confirm"),
                Contact("citizen-later"), later_citizen, "service_already_booked");
  const std::string second_hold =
      Hold(later_citizen, "job-advice", FirstStart("job-advice", tomorrow));
  Ok("POST", absl::StrCat("/v1/video/holds/", second_hold, "/confirm"), Contact("citizen-later"),
     later_citizen);
  const std::string third_hold = Hold(later_citizen, "job-advice", FirstStart("job-advice"));
  ExpectRefusal("POST", absl::StrCat("/v1/video/holds/", third_hold, "/confirm"),
                Contact("citizen-later"), later_citizen, "limit_reached");
  ExpectRefusal("POST", "/v1/video/bookings/resend", R"({"email":"nobody@"})", "", "invalid_email");

  // Managing a booking with its code and token.
  for (const std::string step : {"lookup", "cancel", "reschedule"}) {
    ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/not-a-code/", step), later.manage, "",
                  "not_a_booking_code");
    ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", unknown_code, "/", step),
                  later.manage, "", "booking_not_found");
  }
  const std::string move_to_taken = absl::StrCat(later.manage.substr(0, later.manage.size() - 1),
                                                 R"(,"start":")", admitted.start, "\"}");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", later.code, "/reschedule"),
                move_to_taken, "", "slot_taken");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", later.code, "/reschedule"),
                absl::StrCat(later.manage.substr(0, later.manage.size() - 1), R"(,"start":")",
                             late_evening, "\"}"),
                "", "slot_not_offered");
  // Starts no one can book: off the 15-minute grid, gone, not released yet.
  const absl::CivilDay yesterday = absl::ToCivilDay(absl::Now(), berlin) - 1;
  const std::string yesterday_morning = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%SZ",
      absl::FromCivil(
          absl::CivilMinute(yesterday.year(), yesterday.month(), yesterday.day(), 10, 0), berlin),
      absl::UTCTimeZone());
  for (const auto& [start, reason] :
       {std::pair<std::string, std::string>{"2037-03-02T09:05:00Z", "start_off_grid"},
        {yesterday_morning, "start_too_soon"},
        {"2037-03-02T09:00:00Z", "day_not_released"}}) {
    ExpectRefusal("POST", "/v1/video/holds",
                  absl::StrCat(R"({"topicId":"housing","start":")", start, "\"}"), other, reason);
    ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", later.code, "/reschedule"),
                  absl::StrCat(later.manage.substr(0, later.manage.size() - 1), R"(,"start":")",
                               start, "\"}"),
                  "", reason);
  }

  // The citizen's steps.
  for (const std::string step : {"", "consent", "check-in", "join"}) {
    const std::string method = step.empty() ? "GET" : "POST";
    const std::string body = step == "consent" ? kConsent : (step.empty() ? "" : "{}");
    ExpectRefusal(method, Consultation("not-a-code", step), body, later_citizen,
                  "not_a_booking_code");
    ExpectRefusal(method, Consultation(later.code, step), body, other, "booking_not_found");
  }
  ExpectRefusal("POST", Consultation(later.code, "consent"),
                R"({"privacyNoticeVersion":"","termsVersion":"3"})", later_citizen,
                "consent_version_invalid");
  ExpectRefusal("POST", Consultation(later.code, "consent"),
                R"({"privacyNoticeVersion":"2025-01","termsVersion":"3"})", later_citizen,
                "consent_version_outdated");
  ExpectRefusal("POST", Consultation(later.code, "check-in"), "{}", later_citizen,
                "consent_required");
  Ok("POST", Consultation(later.code, "consent"), kConsent, later_citizen);
  ExpectRefusal("POST", Consultation(later.code, "check-in"), "{}", later_citizen,
                "check_in_not_open");
  ExpectRefusal("POST", Consultation(later.code, "join"), "{}", later_citizen, "not_admitted_yet");

  // The caseworkers' steps.
  ExpectRefusal("GET", "/v1/video/waiting-room/2026-02-30", "", anna, "invalid_date");
  for (const std::string step : {"admit", "identity-checked", "no-show", "close", "host"}) {
    const std::string body = step == "close" ? R"({"outcome":"follow-up"})" : "{}";
    ExpectRefusal("POST", Consultation("not-a-code", step), body, anna, "not_a_booking_code");
    ExpectRefusal("POST", Consultation(later.code, step), body, carla, "booking_not_found");
  }
  ExpectRefusal("POST", Consultation(later.code, "admit"), "{}", anna, "citizen_not_waiting");
  ExpectRefusal("POST", Consultation(later.code, "identity-checked"), "{}", anna,
                "consultation_not_admitted");
  ExpectRefusal("POST", Consultation(waiting.code, "identity-checked"), "{}", carla,
                "id_check_not_required");
  ExpectRefusal("POST", Consultation(later.code, "close"), R"({"outcome":"follow-up"})", anna,
                "consultation_not_admitted");
  ExpectRefusal("POST", Consultation(later.code, "close"), R"({"outcome":"done"})", anna,
                "outcome_invalid");
  ExpectRefusal("POST", Consultation(later.code, "no-show"), "{}", anna, "no_show_too_early");

  // A citizen in the waiting room: consent is past, the visit cannot change.
  Ok("POST", Consultation(waiting.code, "consent"), kConsent, waiting_citizen);
  Ok("POST", Consultation(waiting.code, "check-in"), "{}", waiting_citizen);
  ExpectRefusal("POST", Consultation(waiting.code, "consent"), kConsent, waiting_citizen,
                "consent_too_late");
  ExpectRefusal("POST", Consultation(waiting.code, "no-show"), "{}", carla, "citizen_checked_in");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", waiting.code, "/cancel"),
                waiting.manage, "", "already_checked_in");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", waiting.code, "/reschedule"),
                absl::StrCat(waiting.manage.substr(0, waiting.manage.size() - 1), R"(,"start":")",
                             FirstStart("job-advice", tomorrow), "\"}"),
                "", "already_checked_in");

  // Admitted, then closed: a resolved housing case needs the ID check first.
  Ok("POST", Consultation(admitted.code, "consent"), kConsent, admitted_citizen);
  Ok("POST", Consultation(admitted.code, "check-in"), "{}", admitted_citizen);
  Ok("POST", Consultation(admitted.code, "admit"), "{}", anna);
  HttpResult joined = Fetch("POST", Consultation(admitted.code, "join"), "{}", admitted_citizen);
  ASSERT_EQ(joined.status, 200) << joined.body;
  ExpectRefusal("POST", Consultation(admitted.code, "close"), R"({"outcome":"resolved"})", anna,
                "id_check_required");
  ExpectRefusal(
      "POST", Consultation(admitted.code, "verify-token"),
      absl::StrCat(R"({"token":")", std::string(Json(joined).at("token").as_string()), "x\"}"), "",
      "join_token_refused");
  ExpectRefusal("POST", Consultation(unknown_code, "verify-token"), R"({"token":"a.b.c"})", "",
                "join_token_refused");
  ExpectRefusal("POST", Consultation("not-a-code", "verify-token"), R"({"token":"a.b.c"})", "",
                "not_a_booking_code");
  Ok("POST", Consultation(admitted.code, "close"), R"({"outcome":"follow-up"})", anna);
  ExpectRefusal("POST", Consultation(admitted.code, "check-in"), "{}", admitted_citizen,
                "consultation_over");
  ExpectRefusal("POST", Consultation(admitted.code, "join"), "{}", admitted_citizen,
                "consultation_over");
  ExpectRefusal("POST", Consultation(admitted.code, "host"), "{}", anna, "consultation_over");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", admitted.code, "/cancel"),
                admitted.manage, "", "visit_completed");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", admitted.code, "/reschedule"),
                absl::StrCat(admitted.manage.substr(0, admitted.manage.size() - 1), R"(,"start":")",
                             FirstStart("housing", tomorrow), "\"}"),
                "", "visit_completed");

  // A cancelled booking.
  Ok("POST", absl::StrCat("/v1/video/bookings/", later.code, "/cancel"), later.manage, "");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", later.code, "/reschedule"),
                absl::StrCat(later.manage.substr(0, later.manage.size() - 1), R"(,"start":")",
                             FirstStart("housing", tomorrow), "\"}"),
                "", "booking_cancelled");
  ExpectRefusal("POST", Consultation(later.code, "check-in"), "{}", later_citizen,
                "booking_cancelled");
  ExpectRefusal("POST", Consultation(later.code, "host"), "{}", anna, "booking_cancelled");
  const Booked unconsented =
      Book("citizen-unconsented", "housing", FirstStart("housing", tomorrow));
  Ok("POST", absl::StrCat("/v1/video/bookings/", unconsented.code, "/cancel"), unconsented.manage,
     "");
  ExpectRefusal("POST", Consultation(unconsented.code, "consent"), kConsent,
                Citizen("citizen-unconsented"), "booking_cancelled");

  // Missed: recorded at once (no grace), then neither cancelled nor moved; a
  // cancelled consultation is not missed.
  Ok("POST", Consultation(missed.code, "no-show"), "{}", carla);
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", missed.code, "/cancel"), missed.manage,
                "", "visit_no_show");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", missed.code, "/reschedule"),
                absl::StrCat(missed.manage.substr(0, missed.manage.size() - 1), R"(,"start":")",
                             FirstStart("job-advice", tomorrow), "\"}"),
                "", "visit_no_show");
  const Booked gone = Book("citizen-gone", "rent-advice", FirstStart("rent-advice"));
  Ok("POST", absl::StrCat("/v1/video/bookings/", gone.code, "/cancel"), gone.manage, "");
  ExpectRefusal("POST", Consultation(gone.code, "no-show"), "{}", anna, "booking_cancelled");

  // Schedules.
  const std::string anna_schedule = "/v1/video/caseworkers/cw-anna";
  // Early tomorrow is booked: hours from 23:00 on Mondays only would strand it.
  ASSERT_FALSE(Book("citizen-stranded", "housing", FirstStart("housing", tomorrow)).code.empty());
  ExpectRefusal("PUT", absl::StrCat(anna_schedule, "/availability"),
                R"({"availability":[{"weekday":1,"fromMinute":1380,"toMinute":1440}]})", anna,
                "bookings_stranded");
  Ok("POST", absl::StrCat(anna_schedule, "/absences"),
     R"({"id":"anna-training","fromDate":"2037-03-02","toDate":"2037-03-03",)"
     R"("kind":"ABSENCE_KIND_TRAINING"})",
     anna);
  ExpectRefusal("POST", absl::StrCat(anna_schedule, "/absences"),
                R"({"id":"anna-training","fromDate":"2037-03-02","toDate":"2037-03-04",)"
                R"("kind":"ABSENCE_KIND_TRAINING"})",
                anna, "absence_exists");
  ExpectRefusal("POST", absl::StrCat(anna_schedule, "/absences"),
                R"({"id":"anna-backwards","fromDate":"2037-03-04","toDate":"2037-03-02",)"
                R"("kind":"ABSENCE_KIND_TRAINING"})",
                anna, "absence_invalid");
  ExpectRefusal("POST", absl::StrCat(anna_schedule, "/absences"),
                R"({"id":"anna-sabbatical","fromDate":"2037-01-01","toDate":"2038-12-31",)"
                R"("kind":"ABSENCE_KIND_VACATION"})",
                anna, "absence_too_long");
  ExpectRefusal("PUT", absl::StrCat(anna_schedule, "/availability"),
                R"({"availability":[{"weekday":8,"fromMinute":600,"toMinute":660}]})", anna,
                "availability_invalid");
  ExpectRefusal("POST", absl::StrCat(anna_schedule, "/absences/no-such-absence/resolve"),
                R"({"action":"ABSENCE_ACTION_LIST"})", anna, "absence_not_found");
  // Another department's caseworker is not anna's to see or change.
  const std::string carla_schedule = "/v1/video/caseworkers/cw-carla";
  ExpectRefusal("GET", absl::StrCat(carla_schedule, "/schedule"), "", anna, "caseworker_not_found");
  ExpectRefusal("PUT", absl::StrCat(carla_schedule, "/availability"),
                R"({"availability":[{"weekday":1,"fromMinute":600,"toMinute":660}]})", anna,
                "caseworker_not_found");
  ExpectRefusal("POST", absl::StrCat(carla_schedule, "/absences"),
                R"({"id":"carla-training","fromDate":"2037-03-02","toDate":"2037-03-03",)"
                R"("kind":"ABSENCE_KIND_TRAINING"})",
                anna, "caseworker_not_found");
  ExpectRefusal("POST", absl::StrCat(carla_schedule, "/absences/anna-training/resolve"),
                R"({"action":"ABSENCE_ACTION_LIST"})", anna, "caseworker_not_found");

  // Malformed input: a time no booking can have, contacts, caseworker ids,
  // absence actions and reasons.
  const std::string year_one = "0001-01-01T00:00:00Z";
  ExpectRefusal("POST", "/v1/video/holds",
                absl::StrCat(R"({"topicId":"housing","start":")", year_one, "\"}"), other,
                "invalid_timestamp");
  ExpectRefusal("POST", absl::StrCat("/v1/video/bookings/", later.code, "/reschedule"),
                absl::StrCat(later.manage.substr(0, later.manage.size() - 1), R"(,"start":")",
                             year_one, "\"}"),
                "", "invalid_timestamp");
  for (const auto& [contact, reason] :
       {std::pair<std::string, std::string>{R"({"name":"","email":"erika@example.org"})",
                                            "contact_name_invalid"},
        {R"({"name":"Erika","email":"nobody@"})", "invalid_email"},
        {R"({"name":"Erika","phone":"12"})", "invalid_phone"}}) {
    ExpectRefusal("POST", absl::StrCat("/v1/video/holds/", hold, "/confirm"),
                  absl::StrCat(R"({"contact":)", contact, "}"), other, reason);
  }
  const std::string bad_schedule = "/v1/video/caseworkers/CW-ANNA";
  ExpectRefusal("GET", absl::StrCat(bad_schedule, "/schedule"), "", anna, "invalid_caseworker_id");
  ExpectRefusal("PUT", absl::StrCat(bad_schedule, "/availability"),
                R"({"availability":[{"weekday":1,"fromMinute":600,"toMinute":660}]})", anna,
                "invalid_caseworker_id");
  ExpectRefusal("POST", absl::StrCat(bad_schedule, "/absences"),
                R"({"id":"anna-input","fromDate":"2037-03-02","toDate":"2037-03-03",)"
                R"("kind":"ABSENCE_KIND_TRAINING"})",
                anna, "invalid_caseworker_id");
  ExpectRefusal("POST", absl::StrCat(bad_schedule, "/absences/anna-training/resolve"),
                R"({"action":"ABSENCE_ACTION_LIST"})", anna, "invalid_caseworker_id");
  ExpectRefusal("POST", absl::StrCat(anna_schedule, "/absences/anna-training/resolve"), "{}", anna,
                "absence_action_invalid");
  ExpectRefusal(
      "POST", absl::StrCat(anna_schedule, "/absences/anna-training/resolve"),
      absl::StrCat(R"({"action":"ABSENCE_ACTION_CANCEL","reason":")", std::string(201, 'x'), "\"}"),
      anna, "cancel_reason_too_long");

  // The consent texts: a version never published.
  ExpectRefusal("GET", "/v1/video/consent-texts/terms/0", "", "", "consent_text_not_found");

  ExpectEveryDeclaredReasonWalked(
      "Video", {{"POST /v1/video/holds/{hold_id}/confirm hold_expired",
                 "a hold lives at least 30 s (VIDEO_HOLD_TTL's floor), which the walk does not "
                 "wait for"}});
}

}  // namespace
}  // namespace stadt::testing
