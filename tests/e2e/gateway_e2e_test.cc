// End to end: the real gateway and appointments binaries on free ports, a real
// redis-server underneath, driven over HTTP like a client would.
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// "" if `object` carries `utc` and `local` and both name the same instant
// (the local one to the second, on Europe/Berlin's wall clock with its
// offset), else what is wrong.
std::string SameInstant(const boost::json::object& object, const std::string& utc,
                        const std::string& local) {
  if (!object.contains(utc) || !object.contains(local)) return "missing " + utc + " or " + local;
  const std::string utc_text(object.at(utc).as_string());
  const std::string local_text(object.at(local).as_string());
  absl::Time utc_time;
  absl::Time local_time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, utc_text, &utc_time, &error) ||
      !absl::ParseTime(absl::RFC3339_full, local_text, &local_time, &error)) {
    return error;
  }
  if (absl::ToUnixSeconds(utc_time) != absl::ToUnixSeconds(local_time)) {
    return utc + " and " + local + " differ";
  }
  absl::TimeZone berlin;
  if (!absl::LoadTimeZone("Europe/Berlin", &berlin)) return "no Europe/Berlin";
  if (absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", local_time, berlin) != local_text) {
    return local + " is not Berlin's wall clock";
  }
  return "";
}

class GatewayE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every service runs: /readyz needs every backend the gateway links.
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::Start({"appointments", "audit", "daycare", "monitoring", "notifications", "parking",
                      "privacy", "video"},
                     {{"APPOINTMENTS_MIN_NOTICE", "0s"}});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  std::string Logs() const { return stack_->Logs(); }
  bool WaitUntil(int status, const std::string& target) {
    return stack_->WaitUntil(status, target);
  }
  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "",
                   std::map<std::string, std::string> headers = {}) {
    return stack_->Fetch(method, target, body, token, std::move(headers));
  }

  // Caseworkers get every office unless a test narrows the scope.
  std::string Token(std::vector<std::string> roles, absl::Duration ttl = absl::Minutes(5),
                    const std::string& subject = "caseworker-7",
                    const std::string& scope = "office:*") {
    return stack_->tokens().Mint(subject, roles, absl::Now(), ttl, kTestIssuer, scope);
  }

  std::unique_ptr<redis::Client> RedisClient() {
    return redis::Client::Create(stack_->redis_client_options());
  }

  static std::string NewOffice(const std::string& id) {
    return absl::StrCat(
        R"({"id":")", id, R"(","name":"Buergerbuero Sued","district":"Sued",)",
        R"("address":{"street":"Joesweg 5","postalCode":"70180","city":"Stuttgart"},)",
        R"("openingHours":[{"weekday":2,"opensMinute":480,"closesMinute":960}],)",
        R"("serviceIds":["id-card"]})");
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(GatewayE2eTest, ListsOfficesThatComeFromRedis) {
  HttpResult list = Fetch("GET", "/v1/offices");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.headers["content-type"], "application/json");
  EXPECT_EQ(Json(list).at("offices").as_array().size(), 6u);

  // Change the record in Redis behind the service's back: the next answer
  // shows it, so the data really comes from Redis.
  std::unique_ptr<redis::Client> redis = RedisClient();
  absl::StatusOr<redis::Reply> stored = redis->Command({"GET", "appt:{catalog}:office:mitte"});
  ASSERT_TRUE(stored.ok() && !stored->IsNil());
  boost::json::value office = boost::json::parse(stored->str);
  office.as_object()["name"] = "Renamed in Redis";
  const std::string renamed = boost::json::serialize(office);
  ASSERT_TRUE(redis->Command({"SET", "appt:{catalog}:office:mitte", renamed}).ok());
  HttpResult one = Fetch("GET", "/v1/offices/mitte");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Json(one).at("name").as_string(), "Renamed in Redis");
}

TEST_F(GatewayE2eTest, PagesFiltersAndListsServices) {
  HttpResult first = Fetch("GET", "/v1/offices?page_size=4");
  ASSERT_EQ(first.status, 200);
  boost::json::value page = Json(first);
  EXPECT_EQ(page.at("offices").as_array().size(), 4u);
  std::string token(page.at("nextPageToken").as_string());
  HttpResult second = Fetch("GET", "/v1/offices?pageSize=4&pageToken=" + token);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(Json(second).at("offices").as_array().size(), 2u);
  EXPECT_EQ(Json(second).at("nextPageToken").as_string(), "");

  HttpResult district = Fetch("GET", "/v1/offices?district=Bad%20Cannstatt");
  ASSERT_EQ(district.status, 200);
  EXPECT_EQ(Json(district).at("offices").at(0).at("id").as_string(), "bad-cannstatt");

  HttpResult services = Fetch("GET", "/v1/offices/mitte/services");
  ASSERT_EQ(services.status, 200);
  EXPECT_EQ(Json(services).at("services").at(0).at("id").as_string(), "id-card");
}

TEST_F(GatewayE2eTest, CaseworkerMaintainsTheCatalog) {
  HttpResult put = Fetch("PUT", "/v1/offices/sued", NewOffice("ignored"),
                         Token({"office_staff", "office_admin"}));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("id").as_string(), "sued");  // The path names the office.
  HttpResult read = Fetch("GET", "/v1/offices/sued");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(Json(read).at("address").at("postalCode").as_string(), "70180");
}

TEST_F(GatewayE2eTest, RefusesCallersWithoutTheRightIdentity) {
  HttpResult anonymous = Fetch("PUT", "/v1/offices/sued", NewOffice("sued"));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(Reason(anonymous), "authentication_required");
  HttpResult citizen = Fetch("PUT", "/v1/offices/sued", NewOffice("sued"), Token({"citizen"}));
  EXPECT_EQ(citizen.status, 403);
  EXPECT_EQ(Reason(citizen), "role_not_allowed");
  HttpResult expired = Fetch("PUT", "/v1/offices/sued", NewOffice("sued"),
                             Token({"office_staff", "office_admin"}, absl::Minutes(-5)));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(Reason(expired), "token_expired");
  HttpResult forged = Fetch("PUT", "/v1/offices/sued", NewOffice("sued"),
                            TestTokens().Mint("x", {"office_admin"}, absl::Now()));
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(Fetch("GET", "/v1/offices/sued").status, 404);  // Nothing was written.
}

TEST_F(GatewayE2eTest, BadInputGetsAClearClientError) {
  const std::string token = Token({"office_staff", "office_admin"});
  struct Case {
    std::string method, target, body;
    int status;
    std::string reason;
  };
  const Case kCases[] = {
      {"GET", "/v1/nowhere", "", 404, "route_not_found"},
      {"DELETE", "/v1/offices", "", 405, "method_not_allowed"},
      {"GET", "/v1/offices/does-not-exist", "", 404, "office_not_found"},
      {"GET", "/v1/offices/NOT%20AN%20ID", "", 400, "invalid_office_id"},
      {"GET", "/v1/offices?page_size=abc", "", 400, "invalid_request"},
      {"GET", "/v1/offices?page_size=-5", "", 400, "invalid_page_size"},
      {"GET", "/v1/offices?page_token=forged", "", 400, "page_cursor_invalid"},
      {"GET", "/v1/offices?secret=1", "", 400, "invalid_request"},
      {"PUT", "/v1/offices/sued", "{\"name\": ", 400, "invalid_request"},
      {"PUT", "/v1/offices/sued", R"({"openingHours": "always"})", 400, "invalid_request"},
      {"PUT", "/v1/offices/sued", R"({"name": ["x"]})", 400, "invalid_request"},
      {"PUT", "/v1/offices/sued", R"({"name": "x"})", 400, "office_invalid"},
      {"PUT", "/v1/offices/sued", std::string(8192, 'x'), 413, "body_too_large"},
  };
  for (const Case& c : kCases) {
    HttpResult result = Fetch(c.method, c.target, c.body, token);
    EXPECT_EQ(result.status, c.status) << c.method << " " << c.target << " " << result.body;
    EXPECT_EQ(Reason(result), c.reason) << c.method << " " << c.target;
  }
  absl::StatusOr<std::string> garbage = HttpRaw(stack_->gateway_port(), "NOT HTTP AT ALL\r\n\r\n");
  ASSERT_TRUE(garbage.ok());
  EXPECT_THAT(*garbage, HasSubstr("400"));
  EXPECT_TRUE(stack_->gateway().Running());
  EXPECT_TRUE(stack_->service("appointments").Running());
}

TEST_F(GatewayE2eTest, PropagatesRequestIds) {
  HttpResult result = Fetch("GET", "/v1/offices/mitte", "", "", {{"X-Request-Id", "trace-me-1"}});
  EXPECT_EQ(result.headers["x-request-id"], "trace-me-1");
  HttpResult generated = Fetch("GET", "/v1/offices/mitte");
  EXPECT_EQ(generated.headers["x-request-id"].size(), 32u);
}

TEST_F(GatewayE2eTest, RedisOutageIs503AndRecovers) {
  stack_->KillRedis();
  HttpResult down = Fetch("GET", "/v1/offices/mitte");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(Reason(down), "backend_unavailable");
  EXPECT_THAT(down.body, Not(HasSubstr("127.0.0.1")));
  EXPECT_TRUE(WaitUntil(503, "/readyz"));

  ASSERT_TRUE(stack_->RestartRedis().ok());
  EXPECT_TRUE(WaitUntil(200, "/readyz")) << Logs();
  EXPECT_EQ(Fetch("GET", "/v1/offices/mitte").status, 200);  // AOF kept the catalog.
}

TEST_F(GatewayE2eTest, ServiceDownIs503ForItsRoutesOnly) {
  stack_->service("appointments").Kill();
  HttpResult down = Fetch("GET", "/v1/offices");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(Reason(down), "backend_unavailable");
  EXPECT_EQ(Fetch("GET", "/healthz").status, 200);
  EXPECT_EQ(Fetch("GET", "/readyz").status, 503);
}

TEST_F(GatewayE2eTest, CitizenSearchesHoldsBooksReschedulesAndCancels) {
  const std::string citizen = Token({"citizen"}, absl::Minutes(5), "citizen-1");
  HttpResult search = Fetch("GET", "/v1/slots?service_ids=id-card&service_ids=passport&limit=3");
  ASSERT_EQ(search.status, 200) << search.body;
  const boost::json::value found = Json(search);
  const boost::json::array& slots = found.at("slots").as_array();
  ASSERT_EQ(slots.size(), 3u);
  EXPECT_EQ(slots[0].at("durationMinutes").as_int64(), 40);
  const std::string office(slots[0].at("officeId").as_string());
  const std::string start(slots[0].at("start").as_string());

  const std::string hold_body =
      absl::StrCat(R"({"officeId":")", office, R"(","serviceIds":["id-card","passport"],"start":")",
                   start, R"("})");
  EXPECT_EQ(Fetch("POST", "/v1/holds", hold_body).status, 401);
  HttpResult hold = Fetch("POST", "/v1/holds", hold_body, citizen);
  ASSERT_EQ(hold.status, 200) << hold.body;
  const std::string hold_id(Json(hold).at("holdId").as_string());

  const std::string contact =
      R"({"contact":{"name":"Erika Mustermann","email":"erika@example.org","phone":"+49 711 1"}})";
  HttpResult stranger = Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact,
                              Token({"citizen"}, absl::Minutes(5), "citizen-2"));
  EXPECT_EQ(stranger.status, 404);
  HttpResult bad_email = Fetch("POST", "/v1/holds/" + hold_id + "/confirm",
                               R"({"contact":{"name":"E","email":"not-an-address"}})", citizen);
  EXPECT_EQ(bad_email.status, 400);
  HttpResult booked = Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  boost::json::value booking = Json(booked);
  const std::string code(booking.at("bookingCode").as_string());
  const std::string token(booking.at("manageToken").as_string());
  EXPECT_EQ(booking.at("status").as_string(), "BOOKING_STATUS_CONFIRMED");
  EXPECT_THAT(std::string(booking.at("ics").as_string()), HasSubstr("BEGIN:VCALENDAR"));
  // A retried confirm (say after a timeout) returns the same booking.
  HttpResult retried = Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  EXPECT_EQ(Json(retried).at("bookingCode").as_string(), code);

  const std::string manage = absl::StrCat(R"({"manageToken":")", token, R"("})");
  HttpResult lookup = Fetch("POST", "/v1/bookings/" + code + "/lookup", manage);
  ASSERT_EQ(lookup.status, 200);
  EXPECT_EQ(Json(lookup).at("contact").at("name").as_string(), "Erika Mustermann");
  EXPECT_EQ(Json(lookup).at("manageToken").as_string(), "");
  EXPECT_EQ(Fetch("POST", "/v1/bookings/" + code + "/lookup", R"({"manageToken":"guess"})").status,
            404);
  EXPECT_EQ(Fetch("POST", "/v1/bookings/AAA-AAA-AAA/lookup", manage).status, 404);

  const std::string later(slots[2].at("start").as_string());
  HttpResult moved = Fetch("POST", "/v1/bookings/" + code + "/reschedule",
                           absl::StrCat(R"({"manageToken":")", token, R"(","officeId":")",
                                        std::string(slots[2].at("officeId").as_string()),
                                        R"(","start":")", later, R"("})"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(moved).at("slot").at("start").as_string(), later);

  HttpResult cancelled = Fetch("POST", "/v1/bookings/" + code + "/cancel", manage);
  ASSERT_EQ(cancelled.status, 200);
  EXPECT_EQ(Json(cancelled).at("status").as_string(), "BOOKING_STATUS_CANCELLED");
}

TEST_F(GatewayE2eTest, BookingRoutesRejectBadInput) {
  const std::string citizen = Token({"citizen"}, absl::Minutes(5), "citizen-3");
  struct Case {
    std::string method, target, body;
    int status;
  };
  const Case kCases[] = {
      {"GET", "/v1/slots", "", 400},                              // no service
      {"GET", "/v1/slots?service_ids=fishing-license", "", 404},  // unknown service
      {"GET", "/v1/slots?service_ids=id-card&service_ids=certificate-of-conduct", "", 400},
      {"GET", "/v1/slots?service_ids=id-card&from_date=31.12.2026", "", 400},
      {"GET", "/v1/slots?service_ids=id-card&limit=100000", "", 400},
      {"GET", "/v1/offices/mitte/availability?service_ids=id-card&to_date=x", "", 400},
      {"POST", "/v1/holds",
       R"({"officeId":"mitte","serviceIds":["id-card"],"start":"2020-01-01T08:00:00Z"})", 400},
      {"POST", "/v1/holds", R"({"officeId":"mitte","serviceIds":["id-card"],"start":"tomorrow"})",
       400},
      {"POST", "/v1/holds",
       R"({"officeId":"nowhere","serviceIds":["id-card"],"start":"2030-01-01T08:00:00Z"})", 404},
      {"POST", "/v1/holds",
       R"({"officeId":"mitte","serviceIds":[],"start":"2030-01-01T08:00:00Z"})", 400},
      {"POST", "/v1/holds/no-such-hold/confirm",
       R"({"contact":{"name":"E","email":"e@example.org"}})", 404},
      {"POST", "/v1/bookings/AAA-AAA-AAA/cancel", R"({"manageToken":"x"})", 404},
  };
  for (const Case& c : kCases) {
    HttpResult result = Fetch(c.method, c.target, c.body, citizen);
    EXPECT_EQ(result.status, c.status) << c.method << " " << c.target << " " << result.body;
    EXPECT_FALSE(Reason(result).empty()) << c.target;
  }
  HttpResult calendar = Fetch("GET", "/v1/offices/mitte/availability?service_ids=id-card");
  ASSERT_EQ(calendar.status, 200) << calendar.body;
  EXPECT_GE(Json(calendar).at("days").as_array().size(), 28u);
}

TEST_F(GatewayE2eTest, CaseworkerRunsTheDayAtTheCounter) {
  // Today's counter needs a booking today: on a stack of its own, slots that
  // began up to an hour ago stay bookable and are not missed for two hours, so
  // there is one at any moment, 23:59 included (the fixture's 0 s notice left
  // none after 23:40, when the last 20-minute visit of the day starts).
  stack_.reset();
  StackOptions options;
  options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "-1h"}, {"APPOINTMENTS_NO_SHOW_GRACE", "2h"}};
  options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "appointments"}};
  absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith({"appointments"}, options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  stack_ = *std::move(stack);
  ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  const std::string caseworker = Token({"office_staff", "office_admin"});
  std::string always_open = R"({"name":"Nachtbuero","district":"Mitte","address":{"street":"A 1",)"
                            R"("postalCode":"70173","city":"Stuttgart"},"serviceIds":["id-card"],)"
                            R"("counters":[)";
  for (int weekday = 1; weekday <= 7; ++weekday) {
    absl::StrAppend(&always_open, weekday > 1 ? "," : "", R"({"weekday":)", weekday,
                    R"(,"fromMinute":0,"toMinute":1440,"counters":2})");
  }
  always_open += "]}";
  ASSERT_EQ(Fetch("PUT", "/v1/offices/nacht", always_open, caseworker).status, 200);
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), berlin);
  HttpResult search =
      Fetch("GET", "/v1/slots?service_ids=id-card&office_ids=nacht&limit=1&from_date=" + today);
  ASSERT_EQ(search.status, 200) << search.body;
  const boost::json::value found = Json(search);
  const std::string start(found.at("slots").at(0).at("start").as_string());
  absl::Time start_time;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, start, &start_time, nullptr));
  if (absl::FormatTime("%Y-%m-%d", start_time, berlin) != today) {
    GTEST_SKIP() << "the day changed while the test ran (it ran across midnight)";
  }
  const std::string citizen = Token({"citizen"}, absl::Minutes(5), "citizen-9");
  HttpResult hold = Fetch(
      "POST", "/v1/holds",
      absl::StrCat(R"({"officeId":"nacht","serviceIds":["id-card"],"start":")", start, R"("})"),
      citizen);
  ASSERT_EQ(hold.status, 200) << hold.body;
  HttpResult booked = Fetch(
      "POST",
      absl::StrCat("/v1/holds/", std::string(Json(hold).at("holdId").as_string()), "/confirm"),
      R"({"contact":{"name":"Max","email":"max@example.org"}})", citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  const std::string code(Json(booked).at("bookingCode").as_string());

  const std::string day = "/v1/offices/nacht/days/" + today;
  EXPECT_EQ(Fetch("GET", day + "/appointments", "", citizen).status, 403);
  // A caseworker of another office (or of none) cannot see or run this day.
  const std::string other_office =
      Token({"office_staff", "office_admin"}, absl::Minutes(5), "cw-2", "office:mitte");
  const std::string no_office =
      Token({"office_staff", "office_admin"}, absl::Minutes(5), "cw-3", "");
  for (const std::string& outsider : {other_office, no_office}) {
    EXPECT_EQ(Fetch("GET", day + "/appointments", "", outsider).status, 403);
    EXPECT_EQ(Fetch("POST", day + "/checkins", absl::StrCat(R"({"bookingCode":")", code, R"("})"),
                    outsider)
                  .status,
              403);
    EXPECT_EQ(Fetch("POST", day + "/calls", R"({"counter":"1"})", outsider).status, 403);
    EXPECT_EQ(Fetch("PUT", "/v1/offices/nacht", always_open, outsider).status, 403);
  }
  EXPECT_EQ(
      Fetch("GET", "/v1/offices/mitte/days/" + today + "/appointments", "", other_office).status,
      200);
  const std::string own_office =
      Token({"office_staff", "office_admin"}, absl::Minutes(5), "cw-4", "office:nacht");
  HttpResult list = Fetch("GET", day + "/appointments", "", own_office);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json(list).at("appointments").at(0).at("bookingCode").as_string(), code);
  EXPECT_EQ(Json(list).at("appointments").at(0).at("state").as_string(), "VISIT_STATE_EXPECTED");

  HttpResult ticket = Fetch("POST", day + "/checkins",
                            absl::StrCat(R"({"bookingCode":")", code, R"("})"), caseworker);
  ASSERT_EQ(ticket.status, 200) << ticket.body;
  EXPECT_EQ(Json(ticket).at("queueNumber").as_int64(), 1);
  // The ticket tells when it was drawn, in UTC and on the office's clock
  // (the same instant), and is not called yet.
  const boost::json::value drawn = Json(ticket);
  const boost::json::object& issued = drawn.as_object();
  EXPECT_EQ(issued.at("timeZone").as_string(), "Europe/Berlin");
  EXPECT_FALSE(issued.contains("calledAt")) << ticket.body;
  EXPECT_EQ(SameInstant(issued, "issuedAt", "localIssued"), "") << ticket.body;
  HttpResult walk_in =
      Fetch("POST", day + "/walk-ins", R"({"serviceIds":["id-card"]})", caseworker);
  ASSERT_EQ(walk_in.status, 200);
  HttpResult call = Fetch("POST", day + "/calls", R"({"counter":"3"})", caseworker);
  ASSERT_EQ(call.status, 200) << call.body;
  EXPECT_EQ(Json(call).at("counter").as_string(), "3");
  EXPECT_EQ(SameInstant(Json(call).as_object(), "calledAt", "localCalled"), "") << call.body;
  EXPECT_EQ(SameInstant(Json(call).as_object(), "issuedAt", "localIssued"), "") << call.body;
  const int64_t called = Json(call).at("queueNumber").as_int64();
  EXPECT_EQ(
      Fetch("POST", absl::StrCat(day, "/tickets/", called, "/complete"), "{}", caseworker).status,
      200);
  EXPECT_EQ(Fetch("POST", day + "/calls", R"({"counter":"3"})", caseworker).status, 200);
  HttpResult empty = Fetch("POST", day + "/calls", R"({"counter":"3"})", caseworker);
  EXPECT_EQ(empty.status, 200) << empty.body;  // nobody waiting: an empty ticket
  EXPECT_EQ(Json(empty).at("queueNumber").as_int64(), 0);
  EXPECT_EQ(Fetch("POST", day + "/calls", R"({"counter":"<b>"})", caseworker).status, 400);
  EXPECT_EQ(
      Fetch("POST", "/v1/offices/nacht/days/2020-01-01/calls", R"({"counter":"3"})", caseworker)
          .status,
      400);
}

TEST_F(GatewayE2eTest, GracefulStopOnSigterm) {
  stack_->gateway().Signal(SIGTERM);
  EXPECT_EQ(stack_->gateway().Wait(), 0) << Logs();
  stack_->service("appointments").Signal(SIGTERM);
  EXPECT_EQ(stack_->service("appointments").Wait(), 0) << Logs();
}

// Appointments with the e-mail confirmation step: the booking is made only
// when the link of the mail (an outbox event the mailer sends) is used.
class EmailConfirmationE2eTest : public ::testing::Test {
 protected:
  static constexpr char kMasterKey[] = "c3RhZHRwb3J0YWwtZTJlLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGVzIQ==";

  void SetUp() override {
    StackOptions options;
    options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "0s"},
                           {"APPOINTMENTS_SECRET_KEY", kMasterKey},
                           {"APPOINTMENTS_EMAIL_CONFIRMATION", "true"},
                           {"APPOINTMENTS_EMAIL_CONFIRMATION_TTL", "10m"}};
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "appointments"}};
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith({"appointments"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  // The link token of the newest confirmation mail for `hold_id`, as the
  // mailer opens it.
  std::string MailedToken(const std::string& hold_id) {
    std::unique_ptr<redis::Client> redis = redis::Client::Create(stack_->redis_client_options());
    absl::StatusOr<redis::Reply> outbox =
        booking::AllOutboxEvents(*redis, booking::BookingKeys::Spread("appt"));
    EXPECT_TRUE(outbox.ok()) << outbox.status();
    std::string sealed;
    int mails = 0;
    for (const redis::Reply& entry : outbox.ok() ? outbox->elements : std::vector<redis::Reply>{}) {
      std::map<std::string, std::string> event;
      const std::vector<redis::Reply>& fields = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
      if (event["type"] == "booking.email_confirmation_requested" && event["hold"] == hold_id) {
        sealed = event["link_token"];
        ++mails;
      }
    }
    EXPECT_EQ(mails, 1);
    std::string master;
    EXPECT_TRUE(absl::Base64Unescape(kMasterKey, &master));
    return booking::OpenMailedLinkToken(booking::BookingSecrets::Derive(master), hold_id, sealed)
        .value_or("");
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(EmailConfirmationE2eTest, TheBookingIsMadeWhenTheMailedLinkIsUsed) {
  const std::string citizen =
      stack_->tokens().Mint("citizen-1", {"citizen"}, absl::Now(), absl::Minutes(5), kTestIssuer);
  HttpResult search = stack_->Fetch("GET", "/v1/slots?service_ids=id-card&limit=1");
  ASSERT_EQ(search.status, 200) << search.body;
  const boost::json::value slot = Json(search).at("slots").at(0);
  HttpResult hold =
      stack_->Fetch("POST", "/v1/holds",
                    absl::StrCat(R"({"officeId":")", std::string(slot.at("officeId").as_string()),
                                 R"(","serviceIds":["id-card"],"start":")",
                                 std::string(slot.at("start").as_string()), R"("})"),
                    citizen);
  ASSERT_EQ(hold.status, 200) << hold.body;
  const std::string hold_id(Json(hold).at("holdId").as_string());

  const std::string contact = R"({"contact":{"name":"Erika","email":"erika@example.org"}})";
  HttpResult pending = stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(Json(pending).at("status").as_string(), "BOOKING_STATUS_PENDING_EMAIL");
  EXPECT_EQ(Json(pending).at("bookingCode").as_string(), "");  // none before the link is used
  EXPECT_EQ(Json(pending).at("manageToken").as_string(), "");
  EXPECT_TRUE(Json(pending).as_object().contains("confirmBy"));
  // Retried: still one mail.
  ASSERT_EQ(stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen).status,
            200);
  const std::string token = MailedToken(hold_id);
  ASSERT_FALSE(token.empty());

  const std::string link = "/v1/holds/" + hold_id + "/email-confirmation";
  EXPECT_EQ(stack_->Fetch("POST", link, R"({"token":"guessed"})").status, 404);
  EXPECT_EQ(stack_
                ->Fetch("POST", "/v1/holds/unknown/email-confirmation",
                        absl::StrCat(R"({"token":")", token, R"("})"))
                .status,
            404);
  // No login needed: the link may be opened on another device.
  HttpResult booked = stack_->Fetch("POST", link, absl::StrCat(R"({"token":")", token, R"("})"));
  ASSERT_EQ(booked.status, 200) << booked.body;
  const boost::json::value booking = Json(booked);
  EXPECT_EQ(booking.at("status").as_string(), "BOOKING_STATUS_CONFIRMED");
  const std::string code(booking.at("bookingCode").as_string());
  const std::string manage(booking.at("manageToken").as_string());
  HttpResult lookup = stack_->Fetch("POST", "/v1/bookings/" + code + "/lookup",
                                    absl::StrCat(R"({"manageToken":")", manage, R"("})"));
  ASSERT_EQ(lookup.status, 200) << lookup.body;
  EXPECT_EQ(Json(lookup).at("contact").at("email").as_string(), "erika@example.org");
  // The citizen's confirm retried after the link was used shows the booking.
  HttpResult retried = stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(Json(retried).at("bookingCode").as_string(), code);
}

}  // namespace
}  // namespace stadt::testing
