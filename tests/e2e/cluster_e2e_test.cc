// End to end on a Redis Cluster (issue 20): appointments, parking and
// monitoring run with REDIS_MODE=cluster against three primaries, and a
// citizen books, confirms and cancels an appointment and parks and leaves
// through the gateway, while a reporter's batch of several KPIs is counted.
// Behind the services' back the test then finds their keys on more than one
// primary: the stack really ran on the cluster, and the keys spread.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "services/common/redis/key_slot.h"
#include "services/common/redis/redis_client.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace mv1 = ::stadt::monitoring::v1;

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

class ClusterE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.redis_cluster = true;
    options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "0s"}};
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::StartWith({"appointments", "monitoring", "parking"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/v1/parking/zones/4401")) << stack_->Logs();
    redis_ = redis::Client::Create(stack_->redis_client_options());
  }

  std::string Citizen() { return stack_->tokens().Mint("citizen-1", {"citizen"}, absl::Now()); }

  // The primaries (by address) holding at least one key matching `pattern`.
  std::set<std::string> PrimariesHolding(const std::string& pattern) {
    std::set<std::string> primaries;
    absl::StatusOr<std::vector<std::string>> keys = redis_->ScanKeys(pattern);
    EXPECT_TRUE(keys.ok()) << keys.status();
    absl::StatusOr<redis::Reply> ranges = redis_->Command({"CLUSTER", "SLOTS"});
    EXPECT_TRUE(ranges.ok()) << ranges.status();
    if (!keys.ok() || !ranges.ok()) return primaries;
    for (const std::string& key : *keys) {
      const int slot = redis::KeySlot(key);
      for (const redis::Reply& range : ranges->elements) {
        if (slot >= range.elements[0].integer && slot <= range.elements[1].integer) {
          primaries.insert(absl::StrCat(range.elements[2].elements[1].integer));
        }
      }
    }
    return primaries;
  }

  std::unique_ptr<Stack> stack_;
  std::unique_ptr<redis::Client> redis_;
};

TEST_F(ClusterE2eTest, BookCancelParkAndKpisWorkWithEveryServiceOnTheCluster) {
  const std::string citizen = Citizen();
  // Appointments: search, hold, confirm (retried: the same booking), cancel.
  HttpResult search = stack_->Fetch("GET", "/v1/slots?service_ids=id-card&limit=1");
  ASSERT_EQ(search.status, 200) << search.body;
  const boost::json::value slot = Json(search).at("slots").at(0);
  const std::string hold_body =
      absl::StrCat(R"({"officeId":")", std::string(slot.at("officeId").as_string()),
                   R"(","serviceIds":["id-card"],"start":")",
                   std::string(slot.at("start").as_string()), R"("})");
  HttpResult hold = stack_->Fetch("POST", "/v1/holds", hold_body, citizen);
  ASSERT_EQ(hold.status, 200) << hold.body;
  const std::string hold_id(Json(hold).at("holdId").as_string());
  const std::string contact = R"({"contact":{"name":"Erika Mustermann","email":"e@example.org"}})";
  HttpResult booked = stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  ASSERT_EQ(booked.status, 200) << booked.body << stack_->Logs();
  const std::string code(Json(booked).at("bookingCode").as_string());
  const std::string manage = absl::StrCat(
      R"({"manageToken":")", std::string(Json(booked).at("manageToken").as_string()), R"("})");
  HttpResult retried = stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  EXPECT_EQ(Json(retried).at("bookingCode").as_string(), code);
  HttpResult cancelled = stack_->Fetch("POST", "/v1/bookings/" + code + "/cancel", manage);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Json(cancelled).at("status").as_string(), "BOOKING_STATUS_CANCELLED");
  // The slot is free again: it can be held once more.
  EXPECT_EQ(stack_->Fetch("POST", "/v1/holds", hold_body, citizen).status, 200);

  // Parking: start and stop a session (zone 4401 has a 24-hour tariff).
  HttpResult started =
      stack_->Fetch("POST", "/v1/parking/sessions",
                    absl::StrCat(R"({"zoneId":"4401","plate":"S-CL 20","plannedEndTime":")",
                                 Rfc3339(absl::Now() + absl::Minutes(30)), R"("})"),
                    citizen);
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string session(Json(started).at("id").as_string());
  HttpResult stopped =
      stack_->Fetch("POST", absl::StrCat("/v1/parking/sessions/", session, "/stop"), "{}", citizen);
  EXPECT_EQ(stopped.status, 200) << stopped.body;

  // Monitoring: one batch of two KPIs (one script per KPI, each in its own
  // slot), retried: nothing counts twice.
  std::unique_ptr<mv1::Monitoring::Stub> monitoring = mv1::Monitoring::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_->service_port("monitoring")),
                          grpc::InsecureChannelCredentials()));
  mv1::ReportEventsRequest batch;
  batch.set_reporter("appointments");
  for (const auto& [id, kpi] :
       std::vector<std::pair<std::string, std::string>>{{"c-1", "appointments_booked"},
                                                        {"c-2", "appointments_booked"},
                                                        {"c-3", "appointments_cancelled"}}) {
    mv1::KpiEvent* event = batch.add_events();
    event->set_event_id(id);
    event->set_kpi_id(kpi);
    event->mutable_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 5);
    event->set_value(1);
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    mv1::ReportEventsResponse counted;
    grpc::Status status = monitoring->ReportEvents(&context, batch, &counted);
    ASSERT_TRUE(status.ok()) << status.error_message() << stack_->Logs();
    EXPECT_EQ(counted.accepted(), attempt == 0 ? 3 : 0);
    EXPECT_EQ(counted.duplicates(), attempt == 0 ? 0 : 3);
  }
  HttpResult metrics = stack_->Fetch("GET", "/v1/monitoring/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_THAT(metrics.body, ::testing::HasSubstr("\nstadt_kpi_appointments_booked_total 2\n"));

  // Behind the services' back: their keys are on the cluster, spread over
  // more than one primary (parking's plate buckets, monitoring's KPIs).
  EXPECT_FALSE(PrimariesHolding("appt:*").empty());
  EXPECT_GE(PrimariesHolding("park:*").size() + PrimariesHolding("mon:*").size(), 2u);
  std::set<std::string> all = PrimariesHolding("*");
  EXPECT_GE(all.size(), 2u);
}

}  // namespace
}  // namespace stadt::testing
