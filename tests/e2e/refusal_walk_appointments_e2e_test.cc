// The refusal walk of the appointments service (issue 23's client contract;
// the helper and what each refusal must show: tests/e2e/refusal_walk.h): the
// office's entry and closures, booking, managing a booking, and the counter's
// day (check-in, walk-ins, tickets, no-shows), each refusal provoked through
// the real gateway. The office is open around the clock with one counter, so
// that today's day works whatever the time and one booking fills a slot.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/redis/redis_client.h"
#include "tests/e2e/refusal_walk.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

// An office entry open all week, from 00:00 to 24:00 with `counters` counters.
std::string OfficeEntry(int counters) {
  std::string entry =
      R"({"name":"Nachtbuero","district":"Mitte","address":{"street":"A 1",)"
      R"("postalCode":"70173","city":"Stuttgart"},"serviceIds":["id-card","passport"],)"
      R"("counters":[)";
  for (int weekday = 1; weekday <= 7; ++weekday) {
    absl::StrAppend(&entry, weekday > 1 ? "," : "", R"({"weekday":)", weekday,
                    R"(,"fromMinute":0,"toMinute":1440,"counters":)", counters, "}");
  }
  return entry + "]}";
}

// The same office offering passports only.
std::string PassportOnly() {
  std::string entry = OfficeEntry(1);
  const std::string both = R"("serviceIds":["id-card","passport"])";
  entry.replace(entry.find(both), both.size(), R"("serviceIds":["passport"])");
  return entry;
}

constexpr char kOffice[] = "/v1/offices/nacht";

class AppointmentsRefusalWalkTest : public RefusalWalk {
 protected:
  void StartAppointments(std::map<std::string, std::string> env) {
    // The slot running now can still be booked and, without a grace period,
    // be recorded as missed at once.
    env.insert({{"APPOINTMENTS_MIN_NOTICE", "-15m"},
                {"APPOINTMENTS_NO_SHOW_GRACE", "0s"},
                {"APPOINTMENTS_MAX_ACTIVE_BOOKINGS", "2"}});
    StackOptions options;
    options.service_env = std::move(env);
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "appointments"}};
    StartStack({"appointments"}, options, "/readyz");
    if (HasFatalFailure()) return;
    ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin_));
    staff_ = Token("cw-1", {"office_staff", "office_admin"}, "office:*");
    today_ = absl::FormatTime("%Y-%m-%d", absl::Now(), berlin_);
    // The next Berlin day (now + 24 h is still today on the 25-hour day in October).
    tomorrow_ = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), berlin_) + 1);
    day_ = absl::StrCat(kOffice, "/days/", today_);
    Ok("PUT", kOffice, OfficeEntry(1), staff_);
  }

  // The first free start of `service` on `date` ("" if the day has none left).
  std::string FirstStart(const std::string& service, const std::string& date,
                         const std::string& office = "nacht") {
    HttpResult search =
        Fetch("GET", absl::StrCat("/v1/slots?office_ids=", office, "&limit=1&service_ids=", service,
                                  "&from_date=", date, "&to_date=", date));
    EXPECT_EQ(search.status, 200) << search.body;
    const boost::json::value answer = Json(search);
    const boost::json::array& slots = answer.at("slots").as_array();
    return slots.empty() ? "" : std::string(slots.at(0).at("start").as_string());
  }

  std::string Hold(const std::string& citizen, const std::string& service, const std::string& start,
                   const std::string& office = "nacht") {
    HttpResult hold = Fetch("POST", "/v1/holds",
                            absl::StrCat(R"({"officeId":")", office, R"(","serviceIds":[")",
                                         service, R"("],"start":")", start, "\"}"),
                            citizen);
    EXPECT_EQ(hold.status, 200) << hold.body;
    return hold.status == 200 ? std::string(Json(hold).at("holdId").as_string()) : "";
  }

  static std::string Contact(const std::string& subject) {
    return absl::StrCat(R"({"contact":{"name":"Max Muster","email":")", subject,
                        R"(@example.org"}})");
  }

  struct Booked {
    std::string code;
    std::string start;
    std::string manage;  // {"manageToken": ...}
    // The manage token with "start" added: a reschedule's body.
    std::string MoveTo(const std::string& to, const std::string& office = "nacht") const {
      return absl::StrCat(manage.substr(0, manage.size() - 1), R"(,"officeId":")", office,
                          R"(","start":")", to, "\"}");
    }
  };
  // Books the first free `service` slot of `date` for the citizen `subject`.
  Booked Book(const std::string& subject, const std::string& service, const std::string& date,
              const std::string& office = "nacht") {
    const std::string start = FirstStart(service, date, office);
    if (start.empty()) return {};
    const std::string citizen = Token(subject, {"citizen"});
    HttpResult booked =
        Fetch("POST", absl::StrCat("/v1/holds/", Hold(citizen, service, start, office), "/confirm"),
              Contact(subject), citizen);
    EXPECT_EQ(booked.status, 200) << booked.body;
    if (booked.status != 200) return {};
    return {std::string(Json(booked).at("bookingCode").as_string()), start,
            absl::StrCat(R"({"manageToken":")",
                         std::string(Json(booked).at("manageToken").as_string()), "\"}")};
  }

  HttpResult Ok(const std::string& method, const std::string& target, const std::string& body,
                const std::string& token) {
    HttpResult result = Fetch(method, target, body, token);
    EXPECT_EQ(result.status, 200) << method << " " << target << ": " << result.body;
    return result;
  }

  // The link token the confirmation mail for `hold_id` carries, as the mailer
  // opens it: read from the outbox streams of every bucket and opened with the
  // stack's APPOINTMENTS_SECRET_KEY (tests/harness/stack.cc).
  std::string MailedToken(const std::string& hold_id) {
    std::unique_ptr<redis::Client> redis = redis::Client::Create(stack_->redis_client_options());
    absl::StatusOr<redis::Reply> outbox =
        booking::AllOutboxEvents(*redis, booking::BookingKeys::Spread("appt"));
    EXPECT_TRUE(outbox.ok()) << outbox.status();
    std::string sealed;
    for (const redis::Reply& entry : outbox.ok() ? outbox->elements : std::vector<redis::Reply>{}) {
      std::map<std::string, std::string> event;
      const std::vector<redis::Reply>& fields = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
      if (event["type"] == "booking.email_confirmation_requested" && event["hold"] == hold_id) {
        sealed = event["link_token"];
      }
    }
    std::string master;
    EXPECT_TRUE(
        absl::Base64Unescape("c3RhZHRwb3J0YWwtZTJlLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGVzIQ==", &master));
    absl::StatusOr<std::string> token =
        booking::OpenMailedLinkToken(booking::BookingSecrets::Derive(master), hold_id, sealed);
    EXPECT_TRUE(token.ok()) << "no confirmation mail for " << hold_id << ": " << token.status();
    return token.value_or("");
  }

  static std::string Code(const std::string& code) {
    return absl::StrCat(R"({"bookingCode":")", code, "\"}");
  }

  // `day` (days from today) at `hour`:`minute` in Berlin, as UTC RFC 3339.
  std::string LocalStart(int day, int hour, int minute) const {
    const absl::CivilDay civil = absl::ToCivilDay(absl::Now(), berlin_) + day;
    return absl::FormatTime(
        "%Y-%m-%dT%H:%M:%SZ",
        absl::FromCivil(absl::CivilMinute(civil.year(), civil.month(), civil.day(), hour, minute),
                        berlin_),
        absl::UTCTimeZone());
  }

  // Malformed input on every route that reads it: each refused with its own
  // reason, before anything is looked up or changed. `later` is a booking of
  // tomorrow's.
  void WalkMalformedInput(const Booked& later) {
    const std::string citizen = Token("citizen-input", {"citizen"});
    const std::string long_district(101, 'm');
    const std::string tomorrow_start = FirstStart("id-card", tomorrow_);
    ExpectRefusal("GET", "/v1/offices?district=" + long_district, "", "", "district_too_long");
    ExpectRefusal("GET", "/v1/offices?page_size=-5", "", "", "invalid_page_size");
    ExpectRefusal("GET", "/v1/offices?page_token=forged", "", "", "page_cursor_invalid");
    ExpectRefusal("GET", "/v1/offices/NACHT", "", "", "invalid_office_id");
    ExpectRefusal("GET", "/v1/offices/NACHT/services", "", "", "invalid_office_id");
    ExpectRefusal("PUT", kOffice, R"({"name":"Ohne Anschrift"})", staff_, "office_invalid");

    // Closures.
    const std::string closure =
        R"({"id":"walk-input","fromDate":"2037-03-09","toDate":"2037-03-09","reason":"Schulung"})";
    ExpectRefusal("POST", "/v1/offices/NACHT/closures", closure, staff_, "invalid_office_id");
    ExpectRefusal("POST", absl::StrCat(kOffice, "/closures"),
                  R"({"id":"Walk Input","fromDate":"2037-03-09","toDate":"2037-03-09"})", staff_,
                  "closure_invalid");
    ExpectRefusal("POST", "/v1/offices/NACHT/closures/walk-training/resolve",
                  R"({"action":"CLOSURE_ACTION_LIST"})", staff_, "invalid_office_id");
    ExpectRefusal("POST", absl::StrCat(kOffice, "/closures/Walk_Training/resolve"),
                  R"({"action":"CLOSURE_ACTION_LIST"})", staff_, "invalid_closure_id");
    ExpectRefusal("POST", absl::StrCat(kOffice, "/closures/walk-training/resolve"), "{}", staff_,
                  "closure_action_invalid");
    ExpectRefusal("POST", absl::StrCat(kOffice, "/closures/walk-training/resolve"),
                  absl::StrCat(R"({"action":"CLOSURE_ACTION_CANCEL","reason":")",
                               std::string(201, 'x'), "\"}"),
                  staff_, "cancel_reason_too_long");

    // The services and offices of a search, an availability, a hold and a
    // staff booking.
    const std::string four = "service_ids=a&service_ids=b&service_ids=c&service_ids=d";
    const std::string availability = absl::StrCat(kOffice, "/availability");
    ExpectRefusal("GET", "/v1/slots", "", "", "service_ids_missing");
    ExpectRefusal("GET", "/v1/slots?" + four, "", "", "too_many_services");
    ExpectRefusal("GET", "/v1/slots?service_ids=ID-CARD", "", "", "invalid_service_id");
    ExpectRefusal("GET", "/v1/slots?service_ids=id-card&service_ids=id-card", "", "",
                  "duplicate_service");
    ExpectRefusal("GET", "/v1/slots?service_ids=id-card&office_ids=NACHT", "", "",
                  "invalid_office_id");
    ExpectRefusal("GET", "/v1/slots?service_ids=id-card&district=" + long_district, "", "",
                  "district_too_long");
    ExpectRefusal("GET", "/v1/slots?service_ids=id-card&limit=101", "", "", "invalid_page_size");
    ExpectRefusal("GET", availability, "", "", "service_ids_missing");
    ExpectRefusal("GET", availability + "?" + four, "", "", "too_many_services");
    ExpectRefusal("GET", availability + "?service_ids=ID-CARD", "", "", "invalid_service_id");
    ExpectRefusal("GET", availability + "?service_ids=id-card&service_ids=id-card", "", "",
                  "duplicate_service");
    ExpectRefusal("GET", "/v1/offices/NACHT/availability?service_ids=id-card", "", "",
                  "invalid_office_id");
    auto hold_body = [&](const std::string& office, const std::string& services,
                         const std::string& start) {
      return absl::StrCat(R"({"officeId":")", office, R"(","serviceIds":[)", services,
                          R"(],"start":")", start, "\"}");
    };
    const std::string staff_bookings = absl::StrCat(kOffice, "/staff-bookings");
    auto for_caller = [&](const std::string& services, const std::string& start,
                          const std::string& contact) {
      return absl::StrCat(R"({"serviceIds":[)", services, R"(],"start":")", start,
                          R"(","contact":)", contact, "}");
    };
    const std::string caller = R"({"name":"Max Muster","phone":"0711 123456"})";
    const std::map<std::string, std::string> bad_services = {
        {"", "service_ids_missing"},
        {R"("a","b","c","d")", "too_many_services"},
        {R"("ID-CARD")", "invalid_service_id"},
        {R"("id-card","id-card")", "duplicate_service"}};
    for (const auto& [services, reason] : bad_services) {
      ExpectRefusal("POST", "/v1/holds", hold_body("nacht", services, tomorrow_start), citizen,
                    reason);
      ExpectRefusal("POST", staff_bookings, for_caller(services, tomorrow_start, caller), staff_,
                    reason);
    }
    ExpectRefusal("POST", "/v1/holds", hold_body("NACHT", R"("id-card")", tomorrow_start), citizen,
                  "invalid_office_id");
    ExpectRefusal("POST", "/v1/offices/NACHT/staff-bookings",
                  for_caller(R"("id-card")", tomorrow_start, caller), staff_, "invalid_office_id");
    // A time RFC 3339 can write but no booking can have.
    const std::string year_one = "0001-01-01T00:00:00Z";
    ExpectRefusal("POST", "/v1/holds", hold_body("nacht", R"("id-card")", year_one), citizen,
                  "invalid_timestamp");
    ExpectRefusal("POST", staff_bookings, for_caller(R"("id-card")", year_one, caller), staff_,
                  "invalid_timestamp");
    ExpectRefusal("POST", absl::StrCat("/v1/bookings/", later.code, "/reschedule"),
                  later.MoveTo(year_one), "", "invalid_timestamp");

    // Contacts, on a confirmation and a staff booking.
    const std::string hold = Hold(citizen, "id-card", tomorrow_start);
    const std::map<std::string, std::string> bad_contacts = {
        {R"({"name":"","email":"max@example.org"})", "contact_name_invalid"},
        {R"({"name":"Max","email":"nobody@"})", "invalid_email"},
        {R"({"name":"Max","phone":"12"})", "invalid_phone"}};
    for (const auto& [contact, reason] : bad_contacts) {
      ExpectRefusal("POST", absl::StrCat("/v1/holds/", hold, "/confirm"),
                    absl::StrCat(R"({"contact":)", contact, "}"), citizen, reason);
      ExpectRefusal("POST", staff_bookings, for_caller(R"("id-card")", tomorrow_start, contact),
                    staff_, reason);
    }

    // The counter's day.
    const std::string bad_office = absl::StrCat("/v1/offices/NACHT/days/", today_);
    ExpectRefusal("GET", bad_office + "/appointments", "", staff_, "invalid_office_id");
    ExpectRefusal("POST", bad_office + "/checkins", Code(later.code), staff_, "invalid_office_id");
    ExpectRefusal("POST", bad_office + "/walk-ins", R"({"serviceIds":["id-card"]})", staff_,
                  "invalid_office_id");
    ExpectRefusal("POST", bad_office + "/calls", R"({"counter":"1"})", staff_, "invalid_office_id");
    ExpectRefusal("POST", absl::StrCat(bad_office, "/appointments/", later.code, "/no-show"), "{}",
                  staff_, "invalid_office_id");
    ExpectRefusal("GET", "/v1/offices/NACHT/call-display", "", "", "invalid_office_id");
    ExpectRefusal("GET", absl::StrCat(kOffice, "/call-display?since=-1"), "", "", "invalid_since");
    for (const auto& [services, reason] : bad_services) {
      if (reason == "duplicate_service") continue;  // a walk-in may name a service twice
      ExpectRefusal("POST", day_ + "/walk-ins", absl::StrCat(R"({"serviceIds":[)", services, "]}"),
                    staff_, reason);
    }
    ExpectRefusal("POST", day_ + "/calls", R"({"counter":"Schalter 1!"})", staff_,
                  "invalid_counter");
    ExpectRefusal("POST", day_ + "/tickets/1/recall", R"({"counter":"Schalter 1!"})", staff_,
                  "invalid_counter");
    for (const std::string step : {"complete", "recall", "park", "cancel"}) {
      const std::string body = step == "recall" ? R"({"counter":"1"})" : "{}";
      ExpectRefusal("POST", absl::StrCat(bad_office, "/tickets/1/", step), body, staff_,
                    "invalid_office_id");
      ExpectRefusal("POST", absl::StrCat(day_, "/tickets/0/", step), body, staff_,
                    "invalid_queue_number");
    }
  }

  absl::TimeZone berlin_;
  std::string staff_;
  std::string today_;
  std::string tomorrow_;
  std::string day_;
};

TEST_F(AppointmentsRefusalWalkTest, EveryAppointmentsRefusalHasItsReasonStatusAndBothMessages) {
  StartAppointments({});
  if (HasFatalFailure()) return;
  if (NearAClockChange()) {
    GTEST_SKIP() << "Berlin's clocks change within the hour: maybe no running slot to miss";
  }
  // Today's two bookings need two free slots left today (not so in the last
  // half hour before midnight).
  const Booked first = Book("citizen-first", "id-card", today_);
  const Booked second = Book("citizen-second", "passport", today_);
  if (first.code.empty() || second.code.empty()) GTEST_SKIP() << "no free slots left today";
  const Booked later = Book("citizen-later", "id-card", tomorrow_);
  ASSERT_FALSE(later.code.empty());
  const std::string other = Token("citizen-other", {"citizen"});
  const std::string unknown_code = "K7M-4QX-P2A";

  // Filters by a spoken language: "zz" is no ISO 639-1 code.
  ExpectRefusal("GET", "/v1/offices?language=zz", "", "", "bad_language");
  ExpectRefusal("GET", "/v1/slots?service_ids=id-card&language=zz", "", "", "bad_language");

  // The office's entry and closures.
  std::string closed = OfficeEntry(1);
  for (size_t at = closed.find("\"counters\":1"); at != std::string::npos;
       at = closed.find("\"counters\":1", at)) {
    closed.replace(at, 12, "\"counters\":0");
  }
  ExpectRefusal("PUT", kOffice, closed, staff_, "bookings_stranded");
  Ok("POST", absl::StrCat(kOffice, "/closures"),
     R"({"id":"walk-training","fromDate":"2037-03-02","toDate":"2037-03-02","reason":"Schulung"})",
     staff_);
  ExpectRefusal(
      "POST", absl::StrCat(kOffice, "/closures"),
      R"({"id":"walk-training","fromDate":"2037-03-02","toDate":"2037-03-03","reason":"Schulung"})",
      staff_, "closure_exists");

  // Booking: one counter, so a booked slot is taken.
  ExpectRefusal(
      "POST", "/v1/holds",
      absl::StrCat(R"({"officeId":"nacht","serviceIds":["id-card"],"start":")", later.start, "\"}"),
      other, "slot_taken");
  ExpectRefusal("POST", "/v1/holds/0000000000000000000000/confirm", Contact("citizen-other"), other,
                "hold_not_found");
  const std::string hold = Hold(other, "id-card", FirstStart("id-card", tomorrow_));
  ExpectRefusal("POST", absl::StrCat("/v1/holds/", hold, "/confirm"), R"({"contact":{"name":"X"}})",
                other, "contact_missing");
  // One id card booking a month, two open bookings a person.
  const std::string citizen_later = Token("citizen-later", {"citizen"});
  ExpectRefusal(
      "POST",
      absl::StrCat("/v1/holds/", Hold(citizen_later, "id-card", FirstStart("id-card", tomorrow_)),
                   "/confirm"),
      Contact("citizen-later"), citizen_later, "service_already_booked");
  Ok("POST",
     absl::StrCat("/v1/holds/", Hold(citizen_later, "passport", FirstStart("passport", tomorrow_)),
                  "/confirm"),
     Contact("citizen-later"), citizen_later);
  ExpectRefusal(
      "POST",
      absl::StrCat("/v1/holds/", Hold(citizen_later, "passport", FirstStart("passport", tomorrow_)),
                   "/confirm"),
      Contact("citizen-later"), citizen_later, "limit_reached");
  ExpectRefusal("POST", "/v1/bookings/resend", R"({"email":"nobody@"})", "", "invalid_email");

  // Staff book for a caller on the phone.
  const std::string staff_bookings = absl::StrCat(kOffice, "/staff-bookings");
  auto for_caller = [](const std::string& service, const std::string& start,
                       const std::string& contact) {
    return absl::StrCat(R"({"serviceIds":[")", service, R"("],"start":")", start, R"(","contact":)",
                        contact, "}");
  };
  const std::string caller = R"({"name":"Erika","phone":"0711 123456"})";
  ExpectRefusal("POST", staff_bookings, for_caller("id-card", later.start, caller), staff_,
                "slot_taken");
  ExpectRefusal("POST", staff_bookings,
                for_caller("id-card", FirstStart("id-card", tomorrow_), R"({"name":"Erika"})"),
                staff_, "contact_missing");
  const HttpResult by_phone =
      Ok("POST", staff_bookings, for_caller("id-card", FirstStart("id-card", tomorrow_), caller),
         staff_);
  ExpectRefusal("POST", staff_bookings,
                for_caller("id-card", FirstStart("id-card", tomorrow_), caller), staff_,
                "service_already_booked");
  Ok("POST", staff_bookings, for_caller("passport", FirstStart("passport", tomorrow_), caller),
     staff_);
  ExpectRefusal("POST", staff_bookings,
                for_caller("passport", FirstStart("passport", tomorrow_), caller), staff_,
                "limit_reached");

  // Managing a booking with its code and token.
  for (const std::string step : {"lookup", "cancel", "reschedule"}) {
    ExpectRefusal("POST", absl::StrCat("/v1/bookings/not-a-code/", step), later.manage, "",
                  "not_a_booking_code");
    ExpectRefusal("POST", absl::StrCat("/v1/bookings/", unknown_code, "/", step), later.manage, "",
                  "booking_not_found");
  }
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", later.code, "/reschedule"),
                later.MoveTo(std::string(Json(by_phone).at("slot").at("start").as_string())), "",
                "slot_taken");

  // The counter's day: check-in, walk-ins, tickets.
  const std::string checkins = absl::StrCat(day_, "/checkins");
  ExpectRefusal("POST", checkins, Code("not-a-code"), staff_, "not_a_booking_code");
  ExpectRefusal("POST", checkins, Code(later.code), staff_, "booking_not_found");
  const std::string no_show = absl::StrCat(day_, "/appointments/", second.code, "/no-show");
  ExpectRefusal("POST", absl::StrCat(day_, "/appointments/not-a-code/no-show"), "{}", staff_,
                "not_a_booking_code");
  ExpectRefusal("POST", absl::StrCat(day_, "/appointments/", later.code, "/no-show"), "{}", staff_,
                "booking_not_found");
  ExpectRefusal("POST", no_show, "{}", staff_, "no_show_too_early");
  Ok("POST", checkins, Code(first.code), staff_);
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", first.code, "/cancel"), first.manage, "",
                "already_checked_in");
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", first.code, "/reschedule"),
                first.MoveTo(FirstStart("id-card", tomorrow_)), "", "already_checked_in");
  ExpectRefusal("POST", absl::StrCat(day_, "/walk-ins"), R"({"serviceIds":["registration"]})",
                staff_, "service_not_offered");
  const HttpResult walk_in =
      Ok("POST", absl::StrCat(day_, "/walk-ins"), R"({"serviceIds":["id-card"]})", staff_);
  const std::string tickets = absl::StrCat(day_, "/tickets/");
  auto body_of = [](const std::string& step) {
    return step == "recall" ? R"({"counter":"1"})" : "{}";
  };
  for (const std::string step : {"complete", "recall", "park", "cancel"}) {
    ExpectRefusal("POST", absl::StrCat(tickets, "999/", step), body_of(step), staff_,
                  "ticket_not_found");
  }
  ExpectRefusal("POST",
                absl::StrCat(tickets, Json(walk_in).at("queueNumber").as_int64(), "/complete"),
                "{}", staff_, "ticket_not_called");
  // Both in the queue (the checked-in booking and the walk-in) are served.
  std::string ticket;
  for (int call = 0; call < 2; ++call) {
    const HttpResult called =
        Ok("POST", absl::StrCat(day_, "/calls"), R"({"counter":"1"})", staff_);
    ticket = absl::StrCat(tickets, Json(called).at("queueNumber").as_int64());
    Ok("POST", absl::StrCat(ticket, "/complete"), "{}", staff_);
  }
  for (const std::string step : {"recall", "park", "cancel"}) {
    ExpectRefusal("POST", absl::StrCat(ticket, "/", step), body_of(step), staff_, "ticket_closed");
  }
  // The checked-in booking's visit took place.
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", first.code, "/cancel"), first.manage, "",
                "visit_completed");
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", first.code, "/reschedule"),
                first.MoveTo(FirstStart("id-card", tomorrow_)), "", "visit_completed");

  // A cancelled booking.
  Ok("POST", absl::StrCat("/v1/bookings/", second.code, "/cancel"), second.manage, "");
  ExpectRefusal("POST", checkins, Code(second.code), staff_, "booking_cancelled");
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", second.code, "/reschedule"),
                second.MoveTo(FirstStart("passport", tomorrow_)), "", "booking_cancelled");

  // An office without opening hours takes no walk-ins.
  Ok("PUT", "/v1/offices/zu", closed, staff_);
  ExpectRefusal("POST", absl::StrCat("/v1/offices/zu/days/", today_, "/walk-ins"),
                R"({"serviceIds":["id-card"]})", staff_, "office_closed");

  // Where and when a booking can go: the office and its services, the
  // requested start, on each route that places one.
  Ok("PUT", "/v1/offices/pass", PassportOnly(), staff_);
  const std::string tomorrow_start = LocalStart(1, 10, 0);
  const std::string yesterday = LocalStart(-1, 10, 0);
  const std::string late_tomorrow = LocalStart(1, 23, 50);  // 20 minutes: past midnight
  const std::string unreleased = "2037-03-02T09:00:00Z";    // 10:00 in Berlin
  const std::string off_grid = "2037-03-02T09:05:00Z";
  const std::string nobody = Token("citizen-nobody", {"citizen"});
  auto hold_of = [](const std::string& office, const std::string& services,
                    const std::string& start) {
    return absl::StrCat(R"({"officeId":")", office, R"(","serviceIds":[)", services,
                        R"(],"start":")", start, "\"}");
  };
  struct Placement {
    std::string office, services, start, reason;
  };
  const std::string id_card = R"("id-card")";
  const Placement placements[] = {
      {"nacht", R"("fishing")", tomorrow_start, "service_unknown"},
      {"nacht", R"("id-card","certificate-of-conduct")", tomorrow_start, "services_not_combinable"},
      {"nowhere", id_card, tomorrow_start, "office_not_found"},
      {"pass", id_card, tomorrow_start, "service_not_offered"},
      {"nacht", id_card, off_grid, "start_off_grid"},
      {"nacht", id_card, yesterday, "start_too_soon"},
      {"nacht", id_card, unreleased, "day_not_released"},
      {"zu", id_card, tomorrow_start, "outside_opening_hours"},
      {"nacht", id_card, late_tomorrow, "ends_after_midnight"}};
  for (const Placement& placement : placements) {
    ExpectRefusal("POST", "/v1/holds",
                  hold_of(placement.office, placement.services, placement.start), nobody,
                  placement.reason);
    ExpectRefusal("POST", absl::StrCat("/v1/offices/", placement.office, "/staff-bookings"),
                  absl::StrCat(R"({"serviceIds":[)", placement.services, R"(],"start":")",
                               placement.start, R"(","contact":)", caller, "}"),
                  staff_, placement.reason);
    // A booking keeps its services: only the office and the start can be wrong.
    if (placement.services == id_card) {
      ExpectRefusal("POST", absl::StrCat("/v1/bookings/", later.code, "/reschedule"),
                    later.MoveTo(placement.start, placement.office), "", placement.reason);
    }
  }
  ExpectRefusal("GET", "/v1/slots?service_ids=fishing", "", "", "service_unknown");
  ExpectRefusal("GET", "/v1/slots?service_ids=id-card&service_ids=certificate-of-conduct", "", "",
                "services_not_combinable");
  ExpectRefusal("GET", "/v1/slots?service_ids=id-card&office_ids=nowhere", "", "",
                "office_not_found");
  ExpectRefusal("GET", "/v1/offices/nacht/availability?service_ids=fishing", "", "",
                "service_unknown");
  ExpectRefusal("GET",
                "/v1/offices/nacht/availability?service_ids=id-card&service_ids=certificate-of-"
                "conduct",
                "", "", "services_not_combinable");
  ExpectRefusal("GET", "/v1/offices/nowhere/availability?service_ids=id-card", "", "",
                "office_not_found");
  ExpectRefusal("GET", "/v1/offices/pass/availability?service_ids=id-card", "", "",
                "service_not_offered");
  ExpectRefusal("GET", "/v1/offices/nowhere", "", "", "office_not_found");
  ExpectRefusal("GET", "/v1/offices/nowhere/services", "", "", "office_not_found");
  ExpectRefusal(
      "POST", "/v1/offices/nowhere/closures",
      R"({"id":"walk-training","fromDate":"2037-03-02","toDate":"2037-03-02","reason":"Schulung"})",
      staff_, "office_not_found");
  ExpectRefusal("POST", "/v1/offices/nowhere/closures/walk-training/resolve",
                R"({"action":"CLOSURE_ACTION_LIST"})", staff_, "office_not_found");
  ExpectRefusal("POST", absl::StrCat(kOffice, "/closures/no-such-closure/resolve"),
                R"({"action":"CLOSURE_ACTION_LIST"})", staff_, "closure_not_found");

  // The counter's queue changes only on the day itself.
  const std::string other_day = absl::StrCat(kOffice, "/days/2037-03-02");
  ExpectRefusal("POST", absl::StrCat(other_day, "/checkins"), Code(later.code), staff_,
                "not_today");
  ExpectRefusal("POST", absl::StrCat(other_day, "/walk-ins"), R"({"serviceIds":["id-card"]})",
                staff_, "not_today");
  ExpectRefusal("POST", absl::StrCat(other_day, "/calls"), R"({"counter":"1"})", staff_,
                "not_today");
  for (const std::string step : {"recall", "park", "cancel"}) {
    ExpectRefusal("POST", absl::StrCat(other_day, "/tickets/1/", step), body_of(step), staff_,
                  "not_today");
  }
  ExpectRefusal("POST", absl::StrCat("/v1/offices/nowhere/days/", today_, "/walk-ins"),
                R"({"serviceIds":["id-card"]})", staff_, "office_not_found");

  // Dates as people mistype them.
  ExpectRefusal("GET", "/v1/slots?service_ids=id-card&from_date=01.12.2037", "", "",
                "invalid_date");
  ExpectRefusal("GET", "/v1/offices/nacht/availability?service_ids=id-card&to_date=morgen", "", "",
                "invalid_date");
  const std::string bad_day = absl::StrCat(kOffice, "/days/01.12.2037");
  ExpectRefusal("GET", absl::StrCat(bad_day, "/appointments"), "", staff_, "invalid_date");
  ExpectRefusal("POST", absl::StrCat(bad_day, "/checkins"), Code(later.code), staff_,
                "invalid_date");
  ExpectRefusal("POST", absl::StrCat(bad_day, "/walk-ins"), R"({"serviceIds":["id-card"]})", staff_,
                "invalid_date");
  ExpectRefusal("POST", absl::StrCat(bad_day, "/calls"), R"({"counter":"1"})", staff_,
                "invalid_date");
  for (const std::string step : {"complete", "recall", "park", "cancel"}) {
    ExpectRefusal("POST", absl::StrCat(bad_day, "/tickets/1/", step), body_of(step), staff_,
                  "invalid_date");
  }
  ExpectRefusal("POST", absl::StrCat(bad_day, "/appointments/", later.code, "/no-show"), "{}",
                staff_, "invalid_date");

  // Missed appointments, at an office with three counters: one missed, one
  // arrived, one cancelled, all in the slot running now.
  Ok("PUT", "/v1/offices/frueh", OfficeEntry(3), staff_);
  const Booked missed = Book("citizen-missed", "id-card", today_, "frueh");
  const Booked arrived = Book("citizen-arrived", "id-card", today_, "frueh");
  const Booked dropped = Book("citizen-dropped", "id-card", today_, "frueh");
  ASSERT_FALSE(missed.code.empty() || arrived.code.empty() || dropped.code.empty());
  const std::string frueh = absl::StrCat("/v1/offices/frueh/days/", today_);
  Ok("POST", absl::StrCat(frueh, "/appointments/", missed.code, "/no-show"), "{}", staff_);
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", missed.code, "/cancel"), missed.manage, "",
                "visit_no_show");
  ExpectRefusal("POST", absl::StrCat("/v1/bookings/", missed.code, "/reschedule"),
                missed.MoveTo(FirstStart("id-card", tomorrow_)), "", "visit_no_show");
  ExpectRefusal("POST", absl::StrCat(frueh, "/checkins"), Code(missed.code), staff_,
                "visit_no_show");
  Ok("POST", absl::StrCat(frueh, "/checkins"), Code(arrived.code), staff_);
  ExpectRefusal("POST", absl::StrCat(frueh, "/appointments/", arrived.code, "/no-show"), "{}",
                staff_, "already_checked_in");
  Ok("POST", absl::StrCat("/v1/bookings/", dropped.code, "/cancel"), dropped.manage, "");
  ExpectRefusal("POST", absl::StrCat(frueh, "/appointments/", dropped.code, "/no-show"), "{}",
                staff_, "booking_cancelled");
  WalkMalformedInput(later);

  ExpectEveryDeclaredReasonWalked(
      "Appointments",
      {{"POST /v1/holds/{hold_id}/confirm hold_expired",
        "a hold lives at least 30 s (APPOINTMENTS_HOLD_TTL's floor)"},
       {"POST /v1/holds/{hold_id}/confirm email_required",
        "only with confirmation by e-mail: the next test walks it"},
       {"POST /v1/holds/{hold_id}/confirm hold_already_confirmed",
        "a race: the mailed link confirms the hold between ConfirmHold's own check and its script"},
       {"POST /v1/holds/{hold_id}/email-confirmation hold_not_found",
        "only with confirmation by e-mail: the next test walks it"},
       {"POST /v1/holds/{hold_id}/email-confirmation hold_expired",
        "a hold lives at least 30 s (APPOINTMENTS_HOLD_TTL's floor)"},
       {"POST /v1/holds/{hold_id}/email-confirmation limit_reached",
        "only with confirmation by e-mail: the next test walks it"},
       {"POST /v1/holds/{hold_id}/email-confirmation service_already_booked",
        "only with confirmation by e-mail: the next test walks it"}});
}

TEST_F(AppointmentsRefusalWalkTest, ConfirmationByEmailRefusesWithItsReasons) {
  StartAppointments({{"APPOINTMENTS_EMAIL_CONFIRMATION", "true"}});
  if (HasFatalFailure()) return;
  const std::string citizen = Token("citizen-mail", {"citizen"});
  const std::string hold = Hold(citizen, "id-card", FirstStart("id-card", tomorrow_));
  ExpectRefusal("POST", absl::StrCat("/v1/holds/", hold, "/confirm"),
                R"({"contact":{"name":"Max","phone":"0711 123456"}})", citizen, "email_required");
  ExpectRefusal("POST", absl::StrCat("/v1/holds/", hold, "/email-confirmation"),
                R"({"token":"not-the-mailed-token"})", "", "hold_not_found");

  // Between the mail and the click, office staff booked for the same person
  // on the phone (limits count by the e-mail address too): the link is then
  // refused, first for the service, then for the number of open bookings.
  const std::string mailing = Token("citizen-link", {"citizen"});
  const std::string pending = Hold(mailing, "id-card", FirstStart("id-card", tomorrow_));
  const std::string contact =
      R"({"contact":{"name":"Max Muster","email":"citizen-link@example.org"}})";
  Ok("POST", absl::StrCat("/v1/holds/", pending, "/confirm"), contact, mailing);
  const std::string link = absl::StrCat(R"({"token":")", MailedToken(pending), "\"}");
  auto book_by_phone = [&](const std::string& service) {
    Ok("POST", absl::StrCat(kOffice, "/staff-bookings"),
       absl::StrCat(R"({"serviceIds":[")", service, R"("],"start":")",
                    FirstStart(service, tomorrow_), R"(",)", contact.substr(1)),
       staff_);
  };
  book_by_phone("id-card");
  ExpectRefusal("POST", absl::StrCat("/v1/holds/", pending, "/email-confirmation"), link, "",
                "service_already_booked");
  book_by_phone("passport");
  ExpectRefusal("POST", absl::StrCat("/v1/holds/", pending, "/email-confirmation"), link, "",
                "limit_reached");
}

}  // namespace
}  // namespace stadt::testing
