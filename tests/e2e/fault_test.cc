// Faults on the real stack: a service killed under load, Redis killed and
// restarted on its own data, Redis unreachable, and a client that retries
// after a timeout. Every wait is a bounded poll for a state, never a sleep
// for time to pass.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::AnyOf;
using ::testing::Eq;

constexpr char kSeason[] = "/v1/daycare/seasons/fault-2026";
constexpr int kPollAttempts = 400;
constexpr absl::Duration kPollInterval = absl::Milliseconds(25);

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string StringAt(const boost::json::value& json, std::initializer_list<const char*> path) {
  const boost::json::value* at = &json;
  for (const char* key : path) {
    const boost::json::object* object = at->if_object();
    at = object == nullptr ? nullptr : object->if_contains(key);
    if (at == nullptr) return "";
  }
  return at->is_string() ? std::string(at->as_string()) : "";
}

// What a client was told was done: read back after the faults.
struct Booking {
  std::string code;
  std::string manage_token;
};

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-fault-redis-XXXXXX");
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    redis_dir_ = pattern;
    StackOptions options;
    options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "0s"}};
    // A short cooldown, so that an open circuit lets the first probe through
    // soon after the backend is back.
    options.gateway_env = {{"GATEWAY_BREAKER_COOLDOWN", "200ms"},
                           {"GATEWAY_READINESS_BACKENDS", "appointments,daycare,parking"}};
    // What deploy/ and k8s/ configure. Not "everysec": while a background
    // fsync runs (a busy disk), Redis then postpones writing new commands to
    // the AOF by up to 2 s but already answers them, so even a kill -9 of the
    // process loses acknowledged writes (deploy/README.md, Redis durability:
    // a redis-cli loop on a busy disk lost 3 of 20 acknowledged keys).
    options.redis.appendfsync = "always";
    options.redis.dir = redis_dir_;
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::StartWith({"appointments", "daycare", "parking"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  void TearDown() override {
    if (stack_ != nullptr) {
      absl::Status stopped = stack_->Stop();
      EXPECT_TRUE(stopped.ok()) << stopped.message();
    }
    stack_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(redis_dir_, ignored);
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }

  // Caseworkers here may run every office's day ("office:*").
  std::string Token(const std::string& subject, std::vector<std::string> roles) {
    return stack_->tokens().Mint(subject, roles, absl::Now(), absl::Minutes(10), kTestIssuer,
                                 "office:*");
  }

  // Polls `request` until it answers `status`, within a bounded number of tries.
  bool PollUntil(int status, const std::function<HttpResult()>& request) {
    for (int attempt = 0; attempt < kPollAttempts; ++attempt) {
      if (request().status == status) return true;
      absl::SleepFor(kPollInterval);
    }
    return false;
  }

  // The earliest free slot of an office that is open around the clock, so
  // the test does not depend on the time of day it runs at.
  std::pair<std::string, std::string> FreeSlot() {
    std::string always_open =
        R"({"name":"Nachtamt","district":"Nord","address":{"street":"Nachtweg 1",)"
        R"("postalCode":"70191","city":"Stuttgart"},"serviceIds":["id-card"],"counters":[)";
    for (int weekday = 1; weekday <= 7; ++weekday) {
      absl::StrAppend(&always_open, weekday > 1 ? "," : "", R"({"weekday":)", weekday,
                      R"(,"fromMinute":0,"toMinute":1440,"counters":2})");
    }
    always_open += "]}";
    HttpResult put = Fetch("PUT", "/v1/offices/fault-office", always_open,
                           Token("office-admin-1", {"office_admin"}));
    EXPECT_EQ(put.status, 200) << put.body;
    HttpResult search =
        Fetch("GET", "/v1/slots?service_ids=id-card&office_ids=fault-office&limit=1");
    EXPECT_EQ(search.status, 200) << search.body;
    boost::json::value found = Json(search);
    return {"fault-office", std::string(found.at("slots").at(0).at("start").as_string())};
  }

  struct HeldSlot {
    std::string hold_id;
    std::string office;
    std::string start;  // RFC 3339
  };

  HeldSlot Hold(const std::string& citizen) {
    const auto [office, start] = FreeSlot();
    HttpResult hold = Fetch("POST", "/v1/holds",
                            absl::StrCat(R"({"officeId":")", office,
                                         R"(","serviceIds":["id-card"],"start":")", start, R"("})"),
                            citizen);
    EXPECT_EQ(hold.status, 200) << hold.body;
    return {StringAt(Json(hold), {"holdId"}), office, start};
  }

  // One e-mail address per hold: bookings per person are limited.
  HttpResult Confirm(const std::string& hold_id, const std::string& citizen) {
    return Fetch("POST", absl::StrCat("/v1/holds/", hold_id, "/confirm"),
                 absl::StrCat(R"({"contact":{"name":"Erika Mustermann","email":"erika-)", hold_id,
                              R"(@example.org"}})"),
                 citizen);
  }

  Booking Book(const std::string& subject) {
    const std::string citizen = Token(subject, {"citizen"});
    HttpResult booked = Confirm(Hold(citizen).hold_id, citizen);
    EXPECT_EQ(booked.status, 200) << booked.body;
    boost::json::value json = Json(booked);
    return {StringAt(json, {"bookingCode"}), StringAt(json, {"manageToken"})};
  }

  HttpResult Lookup(const Booking& booking) {
    return Fetch("POST", absl::StrCat("/v1/bookings/", booking.code, "/lookup"),
                 absl::StrCat(R"({"manageToken":")", booking.manage_token, R"("})"));
  }

  std::string StartSessionBody(const std::string& plate, const std::string& key) {
    return absl::StrCat(R"({"zoneId":"4401","plate":")", plate, R"(","plannedEndTime":")",
                        Rfc3339(absl::Now() + absl::Hours(2)), R"(","idempotencyKey":")", key,
                        R"("})");
  }

  std::string StartSession(const std::string& citizen, const std::string& plate) {
    std::string key = "start-" + plate;
    std::replace(key.begin(), key.end(), ' ', '-');
    HttpResult started =
        Fetch("POST", "/v1/parking/sessions", StartSessionBody(plate, key), citizen);
    EXPECT_EQ(started.status, 200) << started.body;
    return StringAt(Json(started), {"id"});
  }

  // A season with one place, one application, a published round and the
  // parent's acceptance of the offer; returns the application id.
  std::string AcceptedDaycareOffer(const std::string& parent_subject) {
    const std::string caseworker = Token("coordinator-2", {"daycare_coordinator"});
    const std::string parent = Token(parent_subject, {"citizen"});
    const std::vector<std::tuple<std::string, std::string, std::string>> setup = {
        {"PUT", "/programs", R"({"programs":[{"id":"K1","capacity":1,"name":"Kita Sonne"}]})"},
        {"PUT", "/policy", R"({"policyJson":"{\"max_choices\":1,\"criteria\":[]}"})"},
        {"POST", "/period", R"({"period":"PERIOD_OPEN"})"},
    };
    for (const auto& [method, path, body] : setup) {
      HttpResult result = Fetch(method, kSeason + path, body, caseworker);
      EXPECT_EQ(result.status, 200) << path << " " << result.body;
    }
    HttpResult applied =
        Fetch("POST", absl::StrCat(kSeason, "/applications"),
              R"({"choices":["K1"],"childName":"Fritz","birthDate":"2023-05-01"})", parent);
    EXPECT_EQ(applied.status, 200) << applied.body;
    const std::string id = StringAt(Json(applied), {"application", "id"});
    EXPECT_EQ(
        Fetch("POST", absl::StrCat(kSeason, "/period"), R"({"period":"PERIOD_CLOSED"})", caseworker)
            .status,
        200);
    HttpResult round =
        Fetch("POST", absl::StrCat(kSeason, "/rounds"),
              R"({"seed":"7","round":1,"deadline":"2099-01-01T00:00:00Z"})", caseworker);
    EXPECT_EQ(round.status, 200) << round.body;
    HttpResult accepted =
        Fetch("POST", absl::StrCat(kSeason, "/applications/", id, "/accept"), "{}", parent);
    EXPECT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(StringAt(Json(accepted), {"offer"}), "OFFER_STATE_ACCEPTED") << accepted.body;
    return id;
  }

  void ExpectEachRefusedWith503(
      const std::vector<std::pair<std::string, std::function<HttpResult()>>>& routes) {
    for (const auto& [name, request] : routes) {
      HttpResult refused = request();
      EXPECT_EQ(refused.status, 503) << name << ": " << refused.body;
      EXPECT_FALSE(Reason(refused).empty()) << name << ": " << refused.body;
    }
    for (const char* name : {"appointments", "daycare", "parking"}) {
      EXPECT_TRUE(stack_->service(name).Running()) << name << " died\n" << stack_->Logs();
    }
  }

  // `since`: when the dependency answered again. Prints how long each route
  // took to answer 2xx after that (a figure for the README, not an assertion:
  // the machine may be busy).
  void ExpectEachRecovers(
      const std::vector<std::pair<std::string, std::function<HttpResult()>>>& routes,
      absl::Time since) {
    for (const auto& [name, request] : routes) {
      EXPECT_TRUE(PollUntil(200, request)) << name << ": " << request().body;
      std::cout << "[ measured ] " << name << " answered 2xx "
                << absl::FormatDuration(absl::Now() - since) << " after its dependency was back\n";
    }
    EXPECT_TRUE(stack_->WaitUntil(200, "/readyz"));
  }

  std::unique_ptr<Stack> stack_;
  std::string redis_dir_;
};

// Requests in a loop on another thread, the statuses counted per target.
class Load {
 public:
  struct Target {
    std::string path;
    std::string token;
  };

  Load(int gateway_port, std::vector<Target> targets)
      : port_(gateway_port), targets_(std::move(targets)), thread_([this] { Run(); }) {}
  ~Load() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Status -> count, per path.
  std::map<std::string, std::map<int, int>> Statuses() {
    absl::MutexLock lock(&mutex_);
    return statuses_;
  }

  // Blocks until at least `requests` more have been answered (bounded).
  bool WaitForMore(int requests) {
    const int goal = answered_ + requests;
    for (int attempt = 0; attempt < kPollAttempts && answered_ < goal; ++attempt) {
      absl::SleepFor(kPollInterval);
    }
    return answered_ >= goal;
  }

 private:
  void Run() {
    while (!stop_) {
      for (const Target& target : targets_) {
        std::map<std::string, std::string> headers;
        if (!target.token.empty()) headers["Authorization"] = "Bearer " + target.token;
        absl::StatusOr<HttpResult> result = HttpFetch(port_, "GET", target.path, "", headers);
        absl::MutexLock lock(&mutex_);
        ++statuses_[target.path][result.ok() ? result->status : -1];
        ++answered_;
      }
    }
  }

  const int port_;
  const std::vector<Target> targets_;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  absl::Mutex mutex_;
  std::map<std::string, std::map<int, int>> statuses_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

TEST_F(FaultTest, KilledServiceAnswers503WhileOthersServeAndRecoversAfterRestart) {
  const std::string caseworker = Token("coordinator-3", {"daycare_coordinator"});
  const std::string zone = "/v1/parking/zones/4401";
  const std::string offices = "/v1/offices";
  const std::string round = absl::StrCat(kSeason, "/rounds/1");  // 404 until published
  Load load(stack_->gateway_port(), {{zone, ""}, {offices, ""}, {round, caseworker}});
  ASSERT_TRUE(load.WaitForMore(30));

  stack_->service("parking").Kill();  // SIGKILL
  ASSERT_TRUE(PollUntil(503, [&] { return Fetch("GET", zone); })) << stack_->Logs();
  HttpResult down = Fetch("GET", zone);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(Reason(down), "backend_unavailable");
  ASSERT_TRUE(load.WaitForMore(60));  // the others keep serving meanwhile
  // Operators see why the gateway is not ready: the open circuit.
  EXPECT_TRUE(PollUntil(503, [&] {
    HttpResult ready = Fetch("GET", "/readyz");
    return absl::StrContains(ready.body, R"("stadt.parking.v1.Parking":"breaker_open")")
               ? ready
               : HttpResult{};
  })) << Fetch("GET", "/readyz").body;

  ASSERT_TRUE(stack_->RestartService("parking").ok()) << stack_->Logs();
  const absl::Time serving = absl::Now();  // RestartService returns once it listens
  ASSERT_TRUE(PollUntil(200, [&] { return Fetch("GET", zone); })) << stack_->Logs();
  std::cout << "[ measured ] the restarted service answered 2xx "
            << absl::FormatDuration(absl::Now() - serving) << " after it listened\n";
  ASSERT_TRUE(load.WaitForMore(30));
  load.Stop();

  std::map<std::string, std::map<int, int>> statuses = load.Statuses();
  // The other services never noticed.
  for (const auto& [status, count] : statuses[offices]) EXPECT_EQ(status, 200) << count;
  for (const auto& [status, count] : statuses[round]) EXPECT_EQ(status, 404) << count;
  // The killed one answered, or refused cleanly: never a 500, a hang or a reset.
  for (const auto& [status, count] : statuses[zone]) {
    EXPECT_THAT(status, AnyOf(Eq(200), Eq(503))) << count;
  }
  EXPECT_GT(statuses[zone][503], 0);
}

TEST_F(FaultTest, AcknowledgedWritesSurviveKill9OfRedis) {
  std::vector<Booking> bookings;
  for (int i = 0; i < 3; ++i) bookings.push_back(Book(absl::StrCat("citizen-b", i)));
  const std::string parent = "parent-fault";
  const std::string application = AcceptedDaycareOffer(parent);
  const std::string driver = Token("citizen-driver", {"citizen"});
  std::vector<std::string> sessions;
  for (const char* plate : {"S-FT 1", "S-FT 2", "S-FT 3"}) {
    sessions.push_back(StartSession(driver, plate));
  }
  ASSERT_FALSE(HasFailure()) << stack_->Logs();

  // The moment the last answer came back, Redis dies without a chance to
  // flush anything, and comes back on the same port and data directory.
  stack_->KillRedis();
  ASSERT_TRUE(stack_->RestartRedis().ok());

  for (const Booking& booking : bookings) {
    ASSERT_TRUE(PollUntil(200, [&] { return Lookup(booking); }))
        << booking.code << ": " << Lookup(booking).body;
    EXPECT_EQ(StringAt(Json(Lookup(booking)), {"status"}), "BOOKING_STATUS_CONFIRMED");
  }
  // Services reconnect with a backoff: each read is polled until it answers.
  const std::string parent_token = Token(parent, {"citizen"});
  auto offer = [&] {
    return Fetch("GET", absl::StrCat(kSeason, "/applications/", application), "", parent_token);
  };
  ASSERT_TRUE(PollUntil(200, offer)) << offer().body;
  EXPECT_EQ(StringAt(Json(offer()), {"offer"}), "OFFER_STATE_ACCEPTED") << offer().body;
  for (const std::string& id : sessions) {
    auto session = [&] {
      return Fetch("GET", absl::StrCat("/v1/parking/sessions/", id), "", driver);
    };
    ASSERT_TRUE(PollUntil(200, session)) << session().body;
    EXPECT_EQ(StringAt(Json(session()), {"state"}), "SESSION_STATE_ACTIVE");
  }
}

TEST_F(FaultTest, RedisUnreachableGives503WithAReasonAndRecovers) {
  const Booking booking = Book("citizen-r");
  const std::string driver = Token("citizen-r", {"citizen"});
  const std::string session = StartSession(driver, "S-RD 1");
  const std::string caseworker = Token("coordinator-4", {"daycare_coordinator"});
  // One body for every retry: the same key with another body is refused.
  const std::string new_session = StartSessionBody("S-RD 2", "rd-2");
  ASSERT_FALSE(HasFailure());
  const std::vector<std::pair<std::string, std::function<HttpResult()>>> routes = {
      {"lookup booking", [&] { return Lookup(booking); }},
      {"parking session",
       [&] { return Fetch("GET", absl::StrCat("/v1/parking/sessions/", session), "", driver); }},
      {"new parking session",
       [&] { return Fetch("POST", "/v1/parking/sessions", new_session, driver); }},
      {"daycare programs",
       [&] {
         return Fetch("PUT", absl::StrCat(kSeason, "/programs"),
                      R"({"programs":[{"id":"K1","capacity":1}]})", caseworker);
       }},
  };

  // Refused connections: Redis is gone.
  stack_->KillRedis();
  ExpectEachRefusedWith503(routes);
  EXPECT_TRUE(stack_->WaitUntil(503, "/readyz"));
  ASSERT_TRUE(stack_->RestartRedis().ok());
  ExpectEachRecovers(routes, absl::Now());

  // Silence: Redis hangs with its connections open, so every command runs
  // into the services' Redis timeout instead of a refused connection.
  stack_->PauseRedis();
  ExpectEachRefusedWith503(routes);
  stack_->ResumeRedis();
  ExpectEachRecovers(routes, absl::Now());
}

TEST_F(FaultTest, RetryWithTheSameKeyAfterATimeoutTakesEffectOnce) {
  const std::string driver = Token("citizen-t", {"citizen"});
  const std::string body = StartSessionBody("S-TO 1", "timeout-1");
  // The service hangs: the gateway gives up after its backend timeout while
  // the request waits in the service's socket.
  stack_->service("parking").Signal(SIGSTOP);
  HttpResult timed_out = Fetch("POST", "/v1/parking/sessions", body, driver);
  stack_->service("parking").Signal(SIGCONT);
  EXPECT_EQ(timed_out.status, 504) << timed_out.body;
  EXPECT_EQ(Reason(timed_out), "backend_timeout");
  // The client retries the same request until it gets an answer.
  std::string id;
  ASSERT_TRUE(PollUntil(200, [&] {
    HttpResult retried = Fetch("POST", "/v1/parking/sessions", body, driver);
    if (retried.status == 200) id = StringAt(Json(retried), {"id"});
    return retried;
  }));
  HttpResult again = Fetch("POST", "/v1/parking/sessions", body, driver);
  EXPECT_EQ(StringAt(Json(again), {"id"}), id);
  HttpResult history = Fetch("GET", "/v1/parking/sessions", "", driver);
  ASSERT_EQ(history.status, 200) << history.body;
  const boost::json::value sessions = Json(history);
  ASSERT_EQ(sessions.at("sessions").as_array().size(), 1u) << history.body;
  EXPECT_EQ(StringAt(sessions.at("sessions").at(0), {"id"}), id);

  // The same for a booking: the hold is the confirmation's idempotency key.
  const std::string citizen = Token("citizen-u", {"citizen"});
  const HeldSlot held = Hold(citizen);
  stack_->service("appointments").Signal(SIGSTOP);
  HttpResult booking_timed_out = Confirm(held.hold_id, citizen);
  stack_->service("appointments").Signal(SIGCONT);
  EXPECT_EQ(booking_timed_out.status, 504) << booking_timed_out.body;
  std::string code;
  ASSERT_TRUE(PollUntil(200, [&] {
    HttpResult retried = Confirm(held.hold_id, citizen);
    if (retried.status == 200) code = StringAt(Json(retried), {"bookingCode"});
    return retried;
  }));
  EXPECT_EQ(StringAt(Json(Confirm(held.hold_id, citizen)), {"bookingCode"}), code);
  // The office's day holds that one booking, whichever attempt made it.
  absl::Time start;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, held.start, &start, nullptr));
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  HttpResult day = Fetch("GET",
                         absl::StrCat("/v1/offices/", held.office, "/days/",
                                      absl::FormatTime("%Y-%m-%d", start, berlin), "/appointments"),
                         "", Token("office-staff-5", {"office_staff"}));
  ASSERT_EQ(day.status, 200) << day.body;
  const boost::json::value appointments = Json(day);
  ASSERT_EQ(appointments.at("appointments").as_array().size(), 1u) << day.body;
  EXPECT_EQ(StringAt(appointments.at("appointments").at(0), {"bookingCode"}), code);
}

}  // namespace
}  // namespace stadt::testing
