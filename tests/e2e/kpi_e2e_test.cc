// End to end: the real services and gateway report KPI events to a fake
// monitoring service written here. A citizen's request must never depend on
// monitoring: it succeeds while monitoring is absent or hanging, and the
// events (or the count of those that had to be dropped) arrive once it is back.
#include <signal.h>
#include <stdlib.h>

#include <functional>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace mv1 = ::stadt::monitoring::v1;

struct Received {
  std::string reporter;
  mv1::KpiEvent event;
};

// Accepts ReportEvents like the real monitoring service would: deduplicates
// by event id. Can be told to hang, to play a monitoring service that accepts
// connections but never answers.
class FakeMonitoring final : public mv1::Monitoring::Service {
 public:
  grpc::Status ReportEvents(grpc::ServerContext* context, const mv1::ReportEventsRequest* request,
                            mv1::ReportEventsResponse* response) override {
    absl::MutexLock lock(&mutex_);
    // A condition variable, not Await: a cancelled call is noticed only when
    // woken, as the cancellation itself does not touch the mutex.
    while (hanging_ && !context->IsCancelled()) changed_.Wait(&mutex_);
    if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    for (const mv1::KpiEvent& event : request->events()) {
      if (!ids_.insert(event.event_id()).second) {
        response->set_duplicates(response->duplicates() + 1);
        continue;
      }
      received_.push_back({request->reporter(), event});
      response->set_accepted(response->accepted() + 1);
    }
    changed_.SignalAll();
    return grpc::Status::OK;
  }

  void Hang() {
    absl::MutexLock lock(&mutex_);
    hanging_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mutex_);
    hanging_ = false;
    changed_.SignalAll();
  }

  // Waits until `done` holds for what has arrived, at most `timeout`.
  bool WaitFor(const std::function<bool(const std::vector<Received>&)>& done,
               absl::Duration timeout = absl::Seconds(30)) {
    absl::MutexLock lock(&mutex_);
    const auto arrived = [&]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) { return done(received_); };
    return mutex_.AwaitWithDeadline(absl::Condition(&arrived), absl::Now() + timeout);
  }
  std::vector<Received> received() {
    absl::MutexLock lock(&mutex_);
    return received_;
  }

 private:
  absl::Mutex mutex_;
  absl::CondVar changed_;
  bool hanging_ ABSL_GUARDED_BY(mutex_) = false;
  std::set<std::string> ids_ ABSL_GUARDED_BY(mutex_);
  std::vector<Received> received_ ABSL_GUARDED_BY(mutex_);
};

// Events of one KPI from one reporter.
std::vector<mv1::KpiEvent> Events(const std::vector<Received>& received,
                                  const std::string& reporter, const std::string& kpi) {
  std::vector<mv1::KpiEvent> events;
  for (const Received& r : received) {
    if (r.reporter == reporter && r.event.kpi_id() == kpi) events.push_back(r.event);
  }
  return events;
}

std::string Dimension(const mv1::KpiEvent& event, const std::string& key) {
  auto it = event.dimensions().find(key);
  return it == event.dimensions().end() ? "" : it->second;
}

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

class KpiE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { monitoring_port_ = PickFreePort(); }

  void TearDown() override {
    monitoring_.Release();
    stack_.reset();  // SIGTERM: the services flush what they still hold
    StopMonitoring();
    for (const auto& [name, value] : env_) unsetenv(name.c_str());
  }

  void StartMonitoring() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", monitoring_port_),
                             grpc::InsecureServerCredentials());
    // Without SO_REUSEPORT, so that a port taken meanwhile fails here instead
    // of being shared with another test's process.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.RegisterService(&monitoring_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr) << "monitoring port " << monitoring_port_ << " is taken";
  }
  void StopMonitoring() {
    if (server_ == nullptr) return;
    monitoring_.Release();
    server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    server_.reset();
  }

  // Starts the services and the gateway, all pointed at the fake monitoring
  // service with short intervals. `env` goes to every binary: the services
  // through the harness, the gateway through this process's environment.
  void StartStack(const std::set<std::string>& services, std::map<std::string, std::string> env) {
    env["MONITORING_ADDRESS"] = absl::StrCat("127.0.0.1:", monitoring_port_);
    env.try_emplace("KPI_FLUSH_INTERVAL", "50ms");
    env.try_emplace("KPI_RETRY_BACKOFF", "50ms");
    env.try_emplace("KPI_RETRY_MAX_BACKOFF", "200ms");
    env.try_emplace("KPI_SEND_TIMEOUT", "1s");
    env.try_emplace("KPI_MAX_ATTEMPTS", "1000000");
    env.try_emplace("KPI_MAX_AGE", "1h");
    env.try_emplace("APPOINTMENTS_MIN_NOTICE", "0s");
    env_ = env;
    for (const auto& [name, value] : env_) setenv(name.c_str(), value.c_str(), /*overwrite=*/1);
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start(services, env_);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }

  std::string Citizen() { return stack_->tokens().Mint("citizen-1", {"citizen"}, absl::Now()); }
  std::string Officer() {
    return stack_->tokens().Mint("officer-3", {"parking_officer"}, absl::Now());
  }

  // Starts and stops a session in zone 4401 (a 24-hour tariff, so any time of
  // day works); returns the HTTP statuses.
  std::vector<int> ParkAndLeave(const std::string& plate) {
    const std::string token = Citizen();
    HttpResult started = stack_->Fetch(
        "POST", "/v1/parking/sessions",
        absl::StrCat(R"({"zoneId":"4401","plate":")", plate, R"(","plannedEndTime":")",
                     Rfc3339(absl::Now() + absl::Minutes(30)), R"("})"),
        token);
    if (started.status != 200) return {started.status};
    const std::string id(Json(started).at("id").as_string());
    HttpResult stopped =
        stack_->Fetch("POST", absl::StrCat("/v1/parking/sessions/", id, "/stop"), "{}", token);
    return {started.status, stopped.status};
  }

  int CheckPlate(const std::string& plate) {
    return stack_
        ->Fetch("POST", "/v1/parking/checks",
                absl::StrCat(R"({"plate":")", plate, R"(","zoneId":"4401"})"), Officer())
        .status;
  }

  // Search, hold and confirm the earliest id-card slot; returns its office.
  std::string BookAppointment() {
    HttpResult search = stack_->Fetch("GET", "/v1/slots?service_ids=id-card&limit=1");
    EXPECT_EQ(search.status, 200) << search.body;
    const boost::json::value slot = Json(search).at("slots").at(0);
    const std::string office(slot.at("officeId").as_string());
    const std::string token = Citizen();
    HttpResult hold = stack_->Fetch(
        "POST", "/v1/holds",
        absl::StrCat(R"({"officeId":")", office, R"(","serviceIds":["id-card"],"start":")",
                     std::string(slot.at("start").as_string()), R"("})"),
        token);
    EXPECT_EQ(hold.status, 200) << hold.body;
    const std::string hold_id(Json(hold).at("holdId").as_string());
    HttpResult booked = stack_->Fetch(
        "POST", "/v1/holds/" + hold_id + "/confirm",
        R"({"contact":{"name":"Erika Mustermann","email":"erika@example.org"}})", token);
    EXPECT_EQ(booked.status, 200) << booked.body;
    return office;
  }

  FakeMonitoring monitoring_;
  int monitoring_port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Stack> stack_;
};

TEST_F(KpiE2eTest, ABookingAndAParkingSessionThroughTheGatewayArriveAsEvents) {
  StartMonitoring();
  StartStack({"appointments", "parking"}, {});
  ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
  const std::string office = BookAppointment();
  EXPECT_THAT(ParkAndLeave("S-KP 100"), ::testing::ElementsAre(200, 200));

  const bool arrived = monitoring_.WaitFor([&](const std::vector<Received>& received) {
    return !Events(received, "appointments", "appointments_booked").empty() &&
           !Events(received, "appointments", "appointments_days_to_next_free_slot").empty() &&
           !Events(received, "parking", "parking_session_minutes").empty() &&
           !Events(received, "gateway", "service_request_success").empty();
  });
  ASSERT_TRUE(arrived) << stack_->Logs();
  const std::vector<Received> received = monitoring_.received();

  const auto booked = Events(received, "appointments", "appointments_booked");
  ASSERT_EQ(booked.size(), 1u);
  EXPECT_EQ(booked[0].value(), 1);
  EXPECT_EQ(Dimension(booked[0], "office"), office);
  EXPECT_GT(booked[0].time().seconds(), 0);
  // Measured by the service itself (at start, then every period) for each
  // office and service, not from the search the booking made.
  const auto days = Events(received, "appointments", "appointments_days_to_next_free_slot");
  ASSERT_FALSE(days.empty());
  bool booked_office_measured = false;
  for (const mv1::KpiEvent& event : days) {
    EXPECT_FALSE(Dimension(event, "service").empty());
    EXPECT_GE(event.value(), 0);
    booked_office_measured |= Dimension(event, "office") == office;
  }
  EXPECT_TRUE(booked_office_measured);

  const auto started = Events(received, "parking", "parking_sessions_started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(Dimension(started[0], "zone"), "4401");
  const auto revenue = Events(received, "parking", "parking_revenue_cents");
  ASSERT_EQ(revenue.size(), 1u);
  EXPECT_GE(revenue[0].value(), 0);

  std::set<std::string> services;
  for (const mv1::KpiEvent& event : Events(received, "gateway", "service_request_success")) {
    services.insert(Dimension(event, "service"));
  }
  // The gateway's events may still be on their way for one of the two.
  EXPECT_TRUE(services.contains("appointments") || services.contains("parking"));

  // Only allowed dimension keys; nothing about the citizen or the car.
  const std::set<std::string> allowed = {"office",     "district", "zone",
                                         "department", "service",  "age_group"};
  for (const Received& r : received) {
    for (const auto& [key, value] : r.event.dimensions()) {
      EXPECT_TRUE(allowed.contains(key)) << key;
      EXPECT_EQ(value.find("Erika"), std::string::npos);
      EXPECT_EQ(value.find("KP"), std::string::npos);
    }
    EXPECT_FALSE(r.event.event_id().empty());
  }
}

TEST_F(KpiE2eTest, WithMonitoringDownCitizensAreServedAndTheLossIsReportedWhenItReturns) {
  // Nothing listens on the monitoring port yet. The parking service holds at
  // most three events (one awaiting retry, two buffered): the rest is dropped.
  StartStack({"parking"}, {{"KPI_BATCH_SIZE", "1"}, {"KPI_BUFFER_SIZE", "2"}});
  ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();

  // 1 start + 2 at the stop + 5 checks of 2 (count, unpaid share) = 13
  // parking events.
  EXPECT_THAT(ParkAndLeave("S-KP 200"), ::testing::ElementsAre(200, 200));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(CheckPlate("S-KP 200"), 200);
  constexpr int kParkingEvents = 13;

  StartMonitoring();
  // Everything the service kept arrives, and the count of what it dropped.
  auto accounted = [&](const std::vector<Received>& received) {
    int kept = 0;
    double dropped = 0;
    for (const Received& r : received) {
      if (r.reporter != "parking") continue;
      if (r.event.kpi_id() == "reporter_events_dropped") {
        dropped += r.event.value();
      } else {
        ++kept;
      }
    }
    return kept + dropped == kParkingEvents && dropped > 0;
  };
  ASSERT_TRUE(monitoring_.WaitFor(accounted)) << stack_->Logs();
  const std::vector<Received> received = monitoring_.received();
  // The first event was never dropped: it was retried until monitoring came back.
  const auto started = Events(received, "parking", "parking_sessions_started");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(Dimension(started[0], "zone"), "4401");
  const auto drops = Events(received, "parking", "reporter_events_dropped");
  ASSERT_FALSE(drops.empty());
  EXPECT_EQ(Dimension(drops[0], "service"), "parking");
}

TEST_F(KpiE2eTest, ASessionThatRunsOutIsSettledAndItsRevenueReported) {
  StartMonitoring();
  StartStack({"parking"}, {{"PARKING_SETTLE_INTERVAL", "1s"}});
  ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
  // Nobody stops it: the service's settler reports it once its end has passed.
  HttpResult started =
      stack_->Fetch("POST", "/v1/parking/sessions",
                    absl::StrCat(R"({"zoneId":"4401","plate":"S-KP 400","plannedEndTime":")",
                                 Rfc3339(absl::Now() + absl::Seconds(2)), R"("})"),
                    Citizen());
  ASSERT_EQ(started.status, 200) << started.body;

  ASSERT_TRUE(monitoring_.WaitFor([](const std::vector<Received>& received) {
    return !Events(received, "parking", "parking_session_minutes").empty();
  })) << stack_->Logs();
  const std::vector<Received> received = monitoring_.received();
  const auto minutes = Events(received, "parking", "parking_session_minutes");
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_GT(minutes[0].value(), 0);
  EXPECT_LE(minutes[0].value(), 3.0 / 60);
  EXPECT_EQ(Dimension(minutes[0], "zone"), "4401");
  const auto revenue = Events(received, "parking", "parking_revenue_cents");
  ASSERT_EQ(revenue.size(), 1u);
  EXPECT_GE(revenue[0].value(), 0);
}

TEST_F(KpiE2eTest, AHangingMonitoringServiceDoesNotHoldUpRequests) {
  StartMonitoring();
  monitoring_.Hang();
  // A reporter that waited for monitoring would hold every request for the
  // full send timeout, far beyond the gateway's 2 s backend deadline: the
  // requests would fail with 504 instead of succeeding.
  StartStack({"parking"}, {{"KPI_BATCH_SIZE", "1"}, {"KPI_SEND_TIMEOUT", "60s"}});
  ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(ParkAndLeave(absl::StrCat("S-KP 30", i)), ::testing::ElementsAre(200, 200));
  }
  EXPECT_TRUE(monitoring_.received().empty());
  monitoring_.Release();
  ASSERT_TRUE(monitoring_.WaitFor([](const std::vector<Received>& received) {
    return Events(received, "parking", "parking_sessions_started").size() == 3;
  })) << stack_->Logs();
}

TEST_F(KpiE2eTest, EventsStillBufferedAreFlushedOnShutdown) {
  StartMonitoring();
  StartStack({"parking"}, {{"KPI_FLUSH_INTERVAL", "10m"}});
  ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
  EXPECT_THAT(ParkAndLeave("S-KP 400"), ::testing::ElementsAre(200, 200));
  EXPECT_TRUE(Events(monitoring_.received(), "parking", "parking_sessions_started").empty());
  stack_->service("parking").Signal(SIGTERM);
  EXPECT_EQ(stack_->service("parking").Wait(), 0) << stack_->Logs();
  EXPECT_EQ(Events(monitoring_.received(), "parking", "parking_sessions_started").size(), 1u)
      << stack_->Logs();
}

}  // namespace
}  // namespace stadt::testing
