// End to end: an office's day as staff and citizens run it, through the real
// gateway and appointments binaries (the visit's life cycle, the counter
// queue). The office is open around the clock so the day is always today.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::Not;
using ::testing::StartsWith;

class AppointmentsOfficeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The office's day needs the appointments service only; readiness waits for it alone.
    StackOptions options;
    // Today has a free slot at any moment, 23:59 included: slots that began
    // up to an hour ago stay bookable (the last 20-minute id-card visit of the
    // day starts at 23:40), and are not missed for two hours.
    options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "-1h"},
                           {"APPOINTMENTS_NO_SHOW_GRACE", "2h"}};
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "appointments"}};
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith({"appointments"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
    ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin_));
    // Both office roles: this staff member runs the counter and keeps the
    // office's entry (hours, closures) too.
    staff_ = Token({"office_staff", "office_admin"}, "cw-1", "office:nacht");
    today_ = absl::FormatTime("%Y-%m-%d", absl::Now(), berlin_);
    day_ = "/v1/offices/nacht/days/" + today_;
    std::string always_open =
        R"({"name":"Nachtbuero","district":"Mitte","address":{"street":"A 1",)"
        R"("postalCode":"70173","city":"Stuttgart"},"serviceIds":["id-card"],)"
        R"("counters":[)";
    for (int weekday = 1; weekday <= 7; ++weekday) {
      absl::StrAppend(&always_open, weekday > 1 ? "," : "", R"({"weekday":)", weekday,
                      R"(,"fromMinute":0,"toMinute":1440,"counters":2})");
    }
    always_open += "]}";
    always_open_ = always_open;
    ASSERT_EQ(Fetch("PUT", "/v1/offices/nacht", always_open, staff_).status, 200);
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }
  std::string Token(std::vector<std::string> roles, const std::string& subject,
                    const std::string& scope = "office:*") {
    return stack_->tokens().Mint(subject, roles, absl::Now(), absl::Minutes(5), kTestIssuer, scope);
  }

  struct Booked {
    std::string code;
    std::string manage;  // {"manageToken": ...}
  };
  // Books the first free slot today (maybe one that began); empty code
  // only if the day changed since SetUp (the test ran across midnight).
  Booked BookToday(const std::string& citizen) { return Book(citizen, today_); }
  // Books the first free slot of `date` (empty code if it is not that day).
  Booked Book(const std::string& citizen, const std::string& date) {
    HttpResult search = Fetch("GET", absl::StrCat("/v1/slots?service_ids=id-card&office_ids=nacht",
                                                  "&limit=1&from_date=", date));
    EXPECT_EQ(search.status, 200) << search.body;
    const std::string start(Json(search).at("slots").at(0).at("start").as_string());
    absl::Time start_time;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, start, &start_time, nullptr));
    if (absl::FormatTime("%Y-%m-%d", start_time, berlin_) != date) return {};
    const std::string token = Token({"citizen"}, citizen);
    HttpResult hold = Fetch(
        "POST", "/v1/holds",
        absl::StrCat(R"({"officeId":"nacht","serviceIds":["id-card"],"start":")", start, R"("})"),
        token);
    EXPECT_EQ(hold.status, 200) << hold.body;
    HttpResult booked = Fetch(
        "POST",
        absl::StrCat("/v1/holds/", std::string(Json(hold).at("holdId").as_string()), "/confirm"),
        absl::StrCat(R"({"contact":{"name":"Max","email":")", citizen, R"(@example.org"}})"),
        token);
    EXPECT_EQ(booked.status, 200) << booked.body;
    return {std::string(Json(booked).at("bookingCode").as_string()),
            absl::StrCat(R"({"manageToken":")",
                         std::string(Json(booked).at("manageToken").as_string()), R"("})")};
  }

  static std::string Message(const HttpResult& result) {
    return std::string(Json(result).at("message").as_string());
  }

  std::string always_open_;
  std::unique_ptr<Stack> stack_;
  absl::TimeZone berlin_;
  std::string today_;
  std::string day_;
  std::string staff_;
};

// `utc_field` of `entry` as the office's wall clock shows it must be its
// `local_field`: the same instant, written in Europe/Berlin with its offset.
void ExpectLocal(const boost::json::value& entry, const char* utc_field, const char* local_field,
                 absl::TimeZone berlin) {
  ASSERT_TRUE(entry.as_object().contains(utc_field)) << utc_field << " in " << entry;
  absl::Time utc;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, std::string(entry.at(utc_field).as_string()),
                              &utc, nullptr));
  EXPECT_EQ(std::string(entry.at(local_field).as_string()),
            absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", utc, berlin))
      << local_field << " in " << entry;
}

TEST_F(AppointmentsOfficeE2eTest, NoCancelOrRescheduleOnceTheVisitHasBegunOrEnded) {
  const Booked waiting = BookToday("citizen-1");
  if (waiting.code.empty()) GTEST_SKIP() << "the day changed while the test ran";
  const Booked completed = BookToday("citizen-2");
  ASSERT_FALSE(completed.code.empty());

  // Codes as citizens read them out: lower case, without dashes.
  const std::string typed = absl::AsciiStrToLower(absl::StrReplaceAll(waiting.code, {{"-", ""}}));
  EXPECT_EQ(Fetch("POST", "/v1/bookings/" + typed + "/lookup", waiting.manage).status, 200);
  HttpResult checked_in = Fetch("POST", day_ + "/checkins",
                                absl::StrCat(R"({"bookingCode":")", typed, R"("})"), staff_);
  ASSERT_EQ(checked_in.status, 200) << checked_in.body;
  EXPECT_EQ(Json(checked_in).at("bookingCode").as_string(), waiting.code);

  HttpResult cancel = Fetch("POST", "/v1/bookings/" + waiting.code + "/cancel", waiting.manage);
  EXPECT_EQ(cancel.status, 400);
  EXPECT_EQ(Reason(cancel), "already_checked_in") << cancel.body;
  EXPECT_THAT(Message(cancel), Not(StartsWith("[")));
  const std::string tomorrow =
      absl::FormatTime("%Y-%m-%dT10:00:00Z", absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  HttpResult moved = Fetch("POST", "/v1/bookings/" + waiting.code + "/reschedule",
                           absl::StrCat(waiting.manage.substr(0, waiting.manage.size() - 1),
                                        R"(,"officeId":"nacht","start":")", tomorrow, R"("})"));
  EXPECT_EQ(moved.status, 400) << moved.body;
  EXPECT_EQ(Reason(moved), "already_checked_in") << moved.body;
  EXPECT_THAT(Message(moved), Not(StartsWith("[")));

  // Completed: called to a counter, served.
  ASSERT_EQ(Fetch("POST", day_ + "/checkins",
                  absl::StrCat(R"({"bookingCode":")", completed.code, R"("})"), staff_)
                .status,
            200);
  for (int call = 0; call < 2; ++call) {
    HttpResult called = Fetch("POST", day_ + "/calls", R"({"counter":"1"})", staff_);
    ASSERT_EQ(called.status, 200) << called.body;
    ASSERT_EQ(Fetch("POST",
                    absl::StrCat(day_, "/tickets/", Json(called).at("queueNumber").as_int64(),
                                 "/complete"),
                    "{}", staff_)
                  .status,
              200);
  }
  cancel = Fetch("POST", "/v1/bookings/" + completed.code + "/cancel", completed.manage);
  EXPECT_EQ(cancel.status, 400);
  EXPECT_EQ(Reason(cancel), "visit_completed") << cancel.body;
  EXPECT_THAT(Message(cancel), Not(StartsWith("[")));
  HttpResult lookup = Fetch("POST", "/v1/bookings/" + completed.code + "/lookup", completed.manage);
  EXPECT_EQ(Json(lookup).at("status").as_string(), "BOOKING_STATUS_CONFIRMED");
}

TEST_F(AppointmentsOfficeE2eTest, TheCounterQueueAndTheCallDisplay) {
  const Booked booked = BookToday("citizen-3");
  if (booked.code.empty()) GTEST_SKIP() << "the day changed while the test ran";
  const std::string board = "/v1/offices/nacht/call-display";
  HttpResult before = Fetch("GET", board);  // the screen needs no login
  ASSERT_EQ(before.status, 200) << before.body;
  const int64_t version = std::stoll(std::string(Json(before).at("version").as_string()));

  // Nobody waiting is an empty answer.
  HttpResult empty = Fetch("POST", day_ + "/calls", R"({"counter":"1"})", staff_);
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(Json(empty).at("queueNumber").as_int64(), 0);
  // Walk-ins only for the office's services.
  HttpResult not_offered =
      Fetch("POST", day_ + "/walk-ins", R"({"serviceIds":["passport"]})", staff_);
  EXPECT_EQ(not_offered.status, 400);
  EXPECT_EQ(Reason(not_offered), "service_not_offered") << not_offered.body;
  EXPECT_THAT(Message(not_offered), Not(StartsWith("[")));
  HttpResult walk_in = Fetch("POST", day_ + "/walk-ins", R"({"serviceIds":["id-card"]})", staff_);
  ASSERT_EQ(walk_in.status, 200) << walk_in.body;
  EXPECT_GT(Json(walk_in).at("queueNumber").as_int64(), 0);
  ASSERT_EQ(Fetch("POST", day_ + "/checkins",
                  absl::StrCat(R"({"bookingCode":")", booked.code, R"("})"), staff_)
                .status,
            200);

  // The day list: booking and walk-in, the name for this office's staff.
  HttpResult list = Fetch("GET", day_ + "/appointments", "", staff_);
  ASSERT_EQ(list.status, 200) << list.body;
  int walk_ins = 0;
  const boost::json::value listed = Json(list);
  for (const boost::json::value& entry : listed.at("appointments").as_array()) {
    if (entry.at("walkIn").as_bool()) {
      ++walk_ins;
      EXPECT_EQ(entry.at("citizenName").as_string(), "");
    } else if (entry.at("bookingCode").as_string() == booked.code) {
      EXPECT_EQ(entry.at("citizenName").as_string(), "Max");
      EXPECT_EQ(entry.at("state").as_string(), "VISIT_STATE_WAITING");
    }
  }
  EXPECT_EQ(walk_ins, 1);
  const std::string other_office = Token({"office_staff", "office_admin"}, "cw-2", "office:mitte");
  EXPECT_EQ(Fetch("GET", day_ + "/appointments", "", other_office).status, 403);

  // Call, park, recall, cancel.
  HttpResult call = Fetch("POST", day_ + "/calls", R"({"counter":"7"})", staff_);
  ASSERT_EQ(call.status, 200) << call.body;
  const int64_t called = Json(call).at("queueNumber").as_int64();
  const std::string ticket = absl::StrCat(day_, "/tickets/", called);
  HttpResult parked = Fetch("POST", ticket + "/park", "{}", staff_);
  ASSERT_EQ(parked.status, 200) << parked.body;
  EXPECT_EQ(Json(parked).at("state").as_string(), "VISIT_STATE_PARKED");
  EXPECT_EQ(Fetch("POST", ticket + "/park", "{}", staff_).status, 200);  // idempotent
  HttpResult recalled = Fetch("POST", ticket + "/recall", R"({"counter":"8"})", staff_);
  ASSERT_EQ(recalled.status, 200) << recalled.body;
  EXPECT_EQ(Json(recalled).at("counter").as_string(), "8");
  EXPECT_EQ(Fetch("POST", ticket + "/recall", R"({"counter":"<b>"})", staff_).status, 400);
  EXPECT_EQ(Fetch("POST", ticket + "/cancel", "{}", other_office).status, 403);
  HttpResult cancelled = Fetch("POST", ticket + "/cancel", "{}", staff_);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Json(cancelled).at("state").as_string(), "VISIT_STATE_CANCELLED");
  EXPECT_EQ(Fetch("POST", ticket + "/cancel", "{}", staff_).status, 200);  // idempotent
  HttpResult closed = Fetch("POST", ticket + "/recall", R"({"counter":"8"})", staff_);
  EXPECT_EQ(closed.status, 400);
  EXPECT_EQ(Reason(closed), "ticket_closed") << closed.body;
  EXPECT_THAT(Message(closed), Not(StartsWith("[")));

  // The display: two calls more, newest first, no names or codes.
  HttpResult after = Fetch("GET", board + "?since=" + std::to_string(version));
  ASSERT_EQ(after.status, 200) << after.body;
  const boost::json::value shown = Json(after);
  EXPECT_EQ(std::stoll(std::string(shown.at("version").as_string())), version + 2);
  EXPECT_EQ(shown.at("changed").as_bool(), true);
  EXPECT_EQ(shown.at("date").as_string(), today_);
  EXPECT_EQ(shown.at("calls").at(0).at("queueNumber").as_int64(), called);
  EXPECT_EQ(shown.at("calls").at(0).at("counter").as_string(), "8");
  EXPECT_EQ(shown.at("calls").at(0).at("timeZone").as_string(), "Europe/Berlin");
  ExpectLocal(shown.at("calls").at(0), "calledAt", "localCalled", berlin_);
  EXPECT_EQ(after.body.find("Max"), std::string::npos);
  EXPECT_EQ(after.body.find(booked.code), std::string::npos);
  HttpResult same = Fetch("GET", absl::StrCat(board, "?since=", version + 2));
  ASSERT_EQ(same.status, 200);
  EXPECT_FALSE(Json(same).at("changed").as_bool());
  EXPECT_TRUE(Json(same).at("calls").as_array().empty());
  EXPECT_EQ(Fetch("GET", board + "?since=-1").status, 400);
}

TEST_F(AppointmentsOfficeE2eTest, TheDayListGivesStartCheckInAndCallInLocalTime) {
  const Booked booked = BookToday("citizen-local");
  if (booked.code.empty()) GTEST_SKIP() << "the day changed while the test ran";
  ASSERT_EQ(Fetch("POST", day_ + "/walk-ins", R"({"serviceIds":["id-card"]})", staff_).status, 200);
  ASSERT_EQ(Fetch("POST", day_ + "/checkins",
                  absl::StrCat(R"({"bookingCode":")", booked.code, R"("})"), staff_)
                .status,
            200);
  HttpResult call = Fetch("POST", day_ + "/calls", R"({"counter":"3"})", staff_);
  ASSERT_EQ(call.status, 200) << call.body;
  const int64_t called = Json(call).at("queueNumber").as_int64();

  HttpResult list = Fetch("GET", day_ + "/appointments", "", staff_);
  ASSERT_EQ(list.status, 200) << list.body;
  const boost::json::value listed = Json(list);
  const boost::json::array& entries = listed.at("appointments").as_array();
  ASSERT_EQ(entries.size(), 2u) << list.body;
  int calls_seen = 0;
  for (const boost::json::value& entry : entries) {
    EXPECT_EQ(entry.at("timeZone").as_string(), "Europe/Berlin");
    ExpectLocal(entry, "start", "localStart", berlin_);
    // Both checked in (the walk-in on arrival); only the called one has a call time.
    ExpectLocal(entry, "checkedInAt", "localCheckedIn", berlin_);
    if (entry.at("queueNumber").as_int64() == called) {
      ++calls_seen;
      ExpectLocal(entry, "calledAt", "localCalled", berlin_);
    } else {
      EXPECT_FALSE(entry.as_object().contains("calledAt")) << entry;
      EXPECT_TRUE(!entry.as_object().contains("localCalled") ||
                  entry.at("localCalled").as_string().empty())
          << entry;
    }
  }
  EXPECT_EQ(calls_seen, 1) << list.body;
}

TEST_F(AppointmentsOfficeE2eTest, ClosingADayMovesItsBookingsOnceAndBlocksIt) {
  // The next Berlin day (now + 24 h is still today on the 25-hour day in October).
  const std::string tomorrow = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), berlin_) + 1);
  std::vector<std::string> codes;
  for (int i = 0; i < 3; ++i) {
    const Booked booked = Book(absl::StrCat("closure-citizen-", i), tomorrow);
    ASSERT_FALSE(booked.code.empty());
    codes.push_back(booked.code);
  }
  // New hours that would strand them are refused.
  std::string shorter = always_open_;
  for (size_t at = shorter.find("\"counters\":2"); at != std::string::npos;
       at = shorter.find("\"counters\":2", at)) {
    shorter.replace(at, 12, "\"counters\":0");
  }
  HttpResult stranded = Fetch("PUT", "/v1/offices/nacht", shorter, staff_);
  EXPECT_EQ(stranded.status, 400) << stranded.body;
  EXPECT_EQ(Reason(stranded), "bookings_stranded") << stranded.body;
  EXPECT_THAT(Message(stranded), Not(StartsWith("[")));

  const std::string closure = absl::StrCat(R"({"id":"e2e-strike","fromDate":")", tomorrow,
                                           R"(","toDate":")", tomorrow, R"(","reason":"Streik"})");
  const std::string other_office = Token({"office_staff", "office_admin"}, "cw-2", "office:mitte");
  EXPECT_EQ(Fetch("POST", "/v1/offices/nacht/closures", closure, other_office).status, 403);
  HttpResult declared = Fetch("POST", "/v1/offices/nacht/closures", closure, staff_);
  ASSERT_EQ(declared.status, 200) << declared.body;
  EXPECT_EQ(Json(declared).at("bookings").as_array().size(), 3u);
  const boost::json::value declared_json = Json(declared);
  for (const boost::json::value& affected : declared_json.at("bookings").as_array()) {
    EXPECT_EQ(affected.at("timeZone").as_string(), "Europe/Berlin");
    ExpectLocal(affected, "start", "localStart", berlin_);
  }
  // The search shows the day closed at once.
  HttpResult search = Fetch("GET", absl::StrCat("/v1/slots?service_ids=id-card&office_ids=nacht",
                                                "&from_date=", tomorrow, "&to_date=", tomorrow));
  ASSERT_EQ(search.status, 200);
  EXPECT_TRUE(Json(search).at("slots").as_array().empty()) << search.body;

  const std::string resolve = "/v1/offices/nacht/closures/e2e-strike/resolve";
  EXPECT_EQ(Fetch("POST", resolve, R"({"action":"CLOSURE_ACTION_UNSPECIFIED"})", staff_).status,
            400);
  HttpResult moved = Fetch("POST", resolve, R"({"action":"CLOSURE_ACTION_MOVE"})", staff_);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(moved).at("moved").as_int64(), 3);
  const boost::json::value moved_json = Json(moved);
  for (const boost::json::value& affected : moved_json.at("bookings").as_array()) {
    ExpectLocal(affected, "start", "localStart", berlin_);
    ExpectLocal(affected, "newStart", "localNewStart", berlin_);  // the slot it moved to
  }
  HttpResult again = Fetch("POST", resolve, R"({"action":"CLOSURE_ACTION_MOVE"})", staff_);
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(Json(again).at("bookings").as_array().empty());
  // Handled: now the office may change (its closure is kept).
  HttpResult office = Fetch("GET", "/v1/offices/nacht");
  EXPECT_EQ(Json(office).at("closures").at(0).at("id").as_string(), "e2e-strike");
}

TEST_F(AppointmentsOfficeE2eTest, StaffBookForAPhoneOnlyCallerWithinTheCallersLimit) {
  // The next Berlin day (now + 24 h is still today on the 25-hour day in October).
  const std::string tomorrow = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), berlin_) + 1);
  auto book_for_caller = [&](const std::string& phone, const std::string& token) {
    HttpResult search = Fetch("GET", absl::StrCat("/v1/slots?service_ids=id-card&office_ids=nacht",
                                                  "&limit=1&from_date=", tomorrow));
    const std::string start(Json(search).at("slots").at(0).at("start").as_string());
    return Fetch("POST", "/v1/offices/nacht/staff-bookings",
                 absl::StrCat(R"({"serviceIds":["id-card"],"start":")", start,
                              R"(","contact":{"name":"Erika","phone":")", phone, R"("}})"),
                 token);
  };
  const std::string citizen = Token({"citizen"}, "citizen-7");
  EXPECT_EQ(book_for_caller("0711 123456", citizen).status, 403);
  const std::string other_office = Token({"office_staff", "office_admin"}, "cw-2", "office:mitte");
  EXPECT_EQ(book_for_caller("0711 123456", other_office).status, 403);

  HttpResult booked = book_for_caller("0711 123456", staff_);
  ASSERT_EQ(booked.status, 200) << booked.body;
  EXPECT_EQ(Json(booked).at("status").as_string(), "BOOKING_STATUS_CONFIRMED");
  EXPECT_TRUE(Json(booked).at("bookedByStaff").as_bool());
  EXPECT_EQ(Json(booked).at("contact").at("email").as_string(), "");
  // The caller's limits (one booking per service in 30 days by default) count
  // the number however it is written.
  HttpResult again = book_for_caller("+49 711 12-34-56", staff_);
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(Reason(again), "service_already_booked") << again.body;
  EXPECT_THAT(Message(again), Not(StartsWith("[")));
  EXPECT_EQ(book_for_caller("0711 654321", staff_).status, 200);  // another caller
  HttpResult nothing =
      Fetch("POST", "/v1/offices/nacht/staff-bookings",
            R"({"serviceIds":["id-card"],"start":"2099-01-01T10:00:00Z","contact":{"name":"X"}})",
            staff_);
  EXPECT_EQ(nothing.status, 400);
  EXPECT_EQ(Reason(nothing), "contact_missing") << nothing.body;
  EXPECT_THAT(Message(nothing), Not(StartsWith("[")));
}

}  // namespace
}  // namespace stadt::testing
