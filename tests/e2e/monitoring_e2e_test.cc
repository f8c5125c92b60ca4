// End to end: redis-server, the monitoring service and the gateway on free
// ports. Events go in over gRPC like a service's reporter sends them; the
// dashboard's JSON and the operators' Prometheus text come out through the
// gateway.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace v1 = stadt::monitoring::v1;
using ::testing::HasSubstr;
using ::testing::Not;

class MonitoringE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start({"monitoring"});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/v1/monitoring/kpis")) << stack_->Logs();
    stub_ = v1::Monitoring::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", stack_->service_port("monitoring")),
                            grpc::InsecureChannelCredentials()));
  }

  static void Add(v1::ReportEventsRequest& request, const std::string& id, const std::string& kpi,
                  double value, const std::map<std::string, std::string>& dimensions = {}) {
    v1::KpiEvent* event = request.add_events();
    event->set_event_id(id);
    event->set_kpi_id(kpi);
    event->mutable_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 5);
    event->set_value(value);
    for (const auto& [key, value] : dimensions) (*event->mutable_dimensions())[key] = value;
  }

  v1::ReportEventsResponse Report(const v1::ReportEventsRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ReportEventsResponse response;
    grpc::Status status = stub_->ReportEvents(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::string Steering() {
    return stack_->tokens().Mint("steering-1", {"steering_office"}, absl::Now());
  }

  // The KPI of that id in a ListKpis answer, or nullopt.
  static std::optional<boost::json::object> FindKpi(const boost::json::value& answer,
                                                    const std::string& id) {
    for (const boost::json::value& kpi : answer.at("kpis").as_array()) {
      if (kpi.at("kpiId").as_string() == id) return kpi.as_object();
    }
    return std::nullopt;
  }

  std::unique_ptr<Stack> stack_;
  std::unique_ptr<v1::Monitoring::Stub> stub_;
};

TEST_F(MonitoringE2eTest, ReportedEventsShowUpOnceInJsonAndPrometheus) {
  v1::ReportEventsRequest batch;
  batch.set_reporter("appointments");
  Add(batch, "appt-1", "appointments_booked", 1, {{"office", "mitte"}});
  Add(batch, "appt-2", "appointments_booked", 1, {{"office", "mitte"}});
  Add(batch, "appt-3", "appointments_booked", 1, {{"office", "bad-cannstatt"}});
  Add(batch, "drop-1", "reporter_events_dropped", 4, {{"service", "parking"}});
  Add(batch, "plate-1", "appointments_booked", 1, {{"plate", "S-AB-123"}});  // not a dimension
  v1::ReportEventsResponse first = Report(batch);
  EXPECT_EQ(first.accepted(), 4);
  EXPECT_EQ(first.rejected(), 1);
  // The reporter retries the whole batch (say its first answer was lost).
  v1::ReportEventsResponse retry = Report(batch);
  EXPECT_EQ(retry.accepted(), 0);
  EXPECT_EQ(retry.duplicates(), 4);
  EXPECT_EQ(retry.rejected(), 1);

  HttpResult kpis = stack_->Fetch("GET", "/v1/monitoring/kpis?field_of_action=3");
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  std::optional<boost::json::object> booked = FindKpi(Json(kpis), "appointments_booked");
  ASSERT_TRUE(booked.has_value()) << kpis.body;
  EXPECT_EQ(booked->at("currentValue").to_number<double>(), 3);
  EXPECT_EQ(booked->at("hasCurrentValue").as_bool(), true);
  EXPECT_EQ(booked->at("status").as_string(), "STATUS_OFF_TRACK");  // 3 of 400

  HttpResult series = stack_->Fetch(
      "GET", "/v1/monitoring/kpis/appointments_booked/series?grain=GRAIN_DAY&dimension=office");
  ASSERT_EQ(series.status, 200) << series.body;
  const boost::json::value series_json = Json(series);
  const boost::json::array& all = series_json.at("series").as_array();
  ASSERT_EQ(all.size(), 3u) << series.body;
  EXPECT_EQ(all[1].at("dimensionValue").as_string(), "bad-cannstatt");
  EXPECT_EQ(all[2].at("dimensionValue").as_string(), "mitte");
  EXPECT_EQ(all[2].at("points").as_array().back().at("value").to_number<double>(), 2);

  HttpResult metrics = stack_->Fetch("GET", "/v1/monitoring/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_EQ(metrics.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_THAT(metrics.body, HasSubstr("\nstadt_kpi_appointments_booked_total 3\n"));
  EXPECT_THAT(metrics.body,
              HasSubstr("stadt_kpi_appointments_booked_by_office_total{office=\"mitte\"} 2\n"));
  EXPECT_THAT(metrics.body, Not(HasSubstr("plate")));
  EXPECT_THAT(metrics.body, Not(HasSubstr("reporter_events_dropped")));
}

TEST_F(MonitoringE2eTest, SteeringOfficeSeesUnpublishedKpis) {
  v1::ReportEventsRequest batch;
  Add(batch, "drop-1", "reporter_events_dropped", 4, {{"service", "parking"}});
  ASSERT_EQ(Report(batch).accepted(), 1);

  HttpResult anonymous = stack_->Fetch("GET", "/v1/monitoring/kpis");
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_FALSE(FindKpi(Json(anonymous), "reporter_events_dropped").has_value());
  EXPECT_TRUE(FindKpi(Json(anonymous), "appointments_booked").has_value());
  EXPECT_EQ(stack_->Fetch("GET", "/v1/monitoring/kpis/reporter_events_dropped/series").status, 404);

  HttpResult steering = stack_->Fetch("GET", "/v1/monitoring/kpis", "", Steering());
  ASSERT_EQ(steering.status, 200) << steering.body;
  std::optional<boost::json::object> dropped = FindKpi(Json(steering), "reporter_events_dropped");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(dropped->at("currentValue").to_number<double>(), 4);
  EXPECT_EQ(dropped->at("published").as_bool(), false);
  EXPECT_EQ(
      stack_->Fetch("GET", "/v1/monitoring/kpis/reporter_events_dropped/series", "", Steering())
          .status,
      200);
  HttpResult metrics = stack_->Fetch("GET", "/v1/monitoring/metrics", "", Steering());
  EXPECT_THAT(metrics.body, HasSubstr("stadt_kpi_reporter_events_dropped_total 4\n"));

  // Fields and measures answer for both; the roll-up counts what the caller sees.
  HttpResult fields = stack_->Fetch("GET", "/v1/monitoring/fields");
  ASSERT_EQ(fields.status, 200);
  EXPECT_EQ(Json(fields).at("fields").as_array().size(), 5u);
  HttpResult measures = stack_->Fetch("GET", "/v1/monitoring/measures?field_of_action=2");
  ASSERT_EQ(measures.status, 200);
  EXPECT_GE(Json(measures).at("measures").as_array().size(), 2u);
}

TEST_F(MonitoringE2eTest, BadQueriesAreClientErrors) {
  EXPECT_EQ(stack_->Fetch("GET", "/v1/monitoring/kpis?field_of_action=9").status, 400);
  HttpResult plate =
      stack_->Fetch("GET", "/v1/monitoring/kpis/appointments_booked/series?dimension=plate");
  EXPECT_EQ(plate.status, 400);
  EXPECT_EQ(Reason(plate), "dimension_unknown");
  HttpResult too_long = stack_->Fetch(
      "GET", "/v1/monitoring/kpis/appointments_booked/series?grain=GRAIN_HOUR&from.seconds=0");
  EXPECT_EQ(too_long.status, 400);
  EXPECT_THAT(too_long.body, HasSubstr("range too long"));
  EXPECT_EQ(stack_->Fetch("GET", "/v1/monitoring/kpis/no_such_kpi/series").status, 404);
  EXPECT_EQ(
      stack_->Fetch("GET", "/v1/monitoring/kpis/appointments_booked/series?grain=WEEK").status,
      400);
  // Ingest has no HTTP route: only the services reach it.
  EXPECT_EQ(stack_->Fetch("POST", "/v1/monitoring/events", "{}").status, 404);
}

TEST_F(MonitoringE2eTest, TooLargeBatchIsRefusedOverGrpc) {
  v1::ReportEventsRequest batch;
  for (int i = 0; i < 5001; ++i) Add(batch, absl::StrCat("e", i), "appointments_booked", 1);
  grpc::ClientContext context;
  v1::ReportEventsResponse response;
  EXPECT_EQ(stub_->ReportEvents(&context, batch, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(MonitoringStartTest, RefusesToStartWithAnInvalidCatalogAndSaysWhy) {
  const std::string dir = ::testing::TempDir();
  const std::string catalog = absl::StrCat(dir, "monitoring-bad-catalog.json");
  std::ofstream(catalog) << R"({"version": "bad-1",
    "fields_of_action": [{"number": 1, "title": "a"}, {"number": 2, "title": "b"},
      {"number": 3, "title": "c"}, {"number": 4, "title": "d"}, {"number": 5, "title": "e"}],
    "kpis": [{"id": "parking_checks", "name": "Checks", "description": "d", "unit": "checks",
      "owning_service": "parking", "field_of_action": 5, "aggregation": "count", "target": 1,
      "direction": "higher_is_better", "warning_threshold": 0, "grain": "day",
      "dimensions": ["plate"], "published": true}]})";
  const std::string log = absl::StrCat(dir, "monitoring-bad-catalog.log");
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start(STADT_MONITORING_BIN, {},
                        {{"MONITORING_CATALOG_FILE", catalog},
                         {"MONITORING_GRPC_ADDRESS", absl::StrCat("127.0.0.1:", PickFreePort())}},
                        log);
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ((*process)->Wait(), 2);
  std::ifstream in(log);
  const std::string output(std::istreambuf_iterator<char>(in), {});
  EXPECT_THAT(output, HasSubstr("kpis[0].dimensions: \"plate\" is not one of"));
}

}  // namespace
}  // namespace stadt::testing
