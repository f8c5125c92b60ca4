#include "services/monitoring/rpc/monitoring_grpc_service.h"

#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/monitoring/domain/in_memory_monitoring_repository.h"
#include "services/monitoring/domain/test_catalog.h"

namespace stadt::monitoring {
namespace {

// 2030-02-12 12:00 in Berlin.
constexpr int64_t kNow = 1897383600;

class MonitoringGrpcServiceTest : public ::testing::Test {
 protected:
  MonitoringGrpcServiceTest() {
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
    settings_.zone = zone;
    service_ = std::make_unique<MonitoringService>(catalog_, repository_, clock_, settings_);
    grpc_ = std::make_unique<MonitoringGrpcService>(*service_);
  }

  v1::KpiEvent* AddEvent(v1::ReportEventsRequest& request, const std::string& id,
                         const std::string& kpi, double value) {
    v1::KpiEvent* event = request.add_events();
    event->set_event_id(id);
    event->set_kpi_id(kpi);
    event->mutable_time()->set_seconds(kNow - 60);
    event->set_value(value);
    return event;
  }

  Catalog catalog_ = ParseCatalog(testing::kTestCatalog).value();
  InMemoryMonitoringRepository repository_;
  FakeClock clock_{absl::FromUnixSeconds(kNow)};
  MonitoringSettings settings_;
  std::unique_ptr<MonitoringService> service_;
  std::unique_ptr<MonitoringGrpcService> grpc_;
  grpc::ServerContext context_;
};

TEST_F(MonitoringGrpcServiceTest, ReportsEventsAndRejectsMalformedTimes) {
  v1::ReportEventsRequest request;
  request.set_reporter("appointments");
  (*AddEvent(request, "a", "booked", 1)->mutable_dimensions())["office"] = "mitte";
  AddEvent(request, "b", "booked", 1)->clear_time();
  AddEvent(request, "c", "booked", 1)->mutable_time()->set_nanos(-1);
  AddEvent(request, "d", "booked", 1)->mutable_time()->set_seconds(999999999999);
  v1::ReportEventsResponse response;
  ASSERT_TRUE(grpc_->ReportEvents(&context_, &request, &response).ok());
  EXPECT_EQ(response.accepted(), 1);
  EXPECT_EQ(response.rejected(), 3);
  ASSERT_TRUE(grpc_->ReportEvents(&context_, &request, &response).ok());
  EXPECT_EQ(response.accepted(), 0);
  EXPECT_EQ(response.duplicates(), 1);

  request.set_reporter(std::string(65, 'r'));
  EXPECT_EQ(grpc_->ReportEvents(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MonitoringGrpcServiceTest, ListKpisCarriesDefinitionValueAndStatus) {
  v1::ReportEventsRequest report;
  AddEvent(report, "a", "no_show_rate", 1);
  AddEvent(report, "b", "no_show_rate", 0);
  v1::ReportEventsResponse reported;
  ASSERT_TRUE(grpc_->ReportEvents(&context_, &report, &reported).ok());

  v1::ListKpisRequest request;
  request.set_field_of_action(3);
  v1::ListKpisResponse response;
  ASSERT_TRUE(grpc_->ListKpis(&context_, &request, &response).ok());
  EXPECT_EQ(response.catalog_version(), "test-1");
  ASSERT_EQ(response.kpis_size(), 2);
  const v1::Kpi& rate = response.kpis(1);
  EXPECT_EQ(rate.kpi_id(), "no_show_rate");
  EXPECT_EQ(rate.aggregation(), "ratio");
  EXPECT_EQ(rate.direction(), "lower_is_better");
  EXPECT_EQ(rate.grain(), v1::GRAIN_DAY);
  EXPECT_TRUE(rate.has_current_value());
  EXPECT_DOUBLE_EQ(rate.current_value(), 0.5);
  EXPECT_EQ(rate.status(), v1::STATUS_OFF_TRACK);
  EXPECT_EQ(rate.dimension_keys(0), "office");
  EXPECT_EQ(response.kpis(0).status(), v1::STATUS_NO_DATA);
}

TEST_F(MonitoringGrpcServiceTest, SeriesRefusesUnknownGrainsAndBadTimestamps) {
  v1::GetKpiSeriesRequest request;
  request.set_kpi_id("booked");
  request.set_grain(static_cast<v1::Grain>(17));
  v1::KpiSeries response;
  EXPECT_EQ(grpc_->GetKpiSeries(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_grain(v1::GRAIN_MONTH);
  request.mutable_from()->set_nanos(2'000'000'000);
  EXPECT_EQ(grpc_->GetKpiSeries(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_from();
  ASSERT_TRUE(grpc_->GetKpiSeries(&context_, &request, &response).ok());
  EXPECT_EQ(response.grain(), v1::GRAIN_MONTH);
  ASSERT_EQ(response.series_size(), 1);
  EXPECT_EQ(response.series(0).points_size(), 30);
  request.set_kpi_id("revenue_cents");  // not published
  EXPECT_EQ(grpc_->GetKpiSeries(&context_, &request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(MonitoringGrpcServiceTest, MeasuresWithMilestonesAndBlockers) {
  v1::ListMeasuresRequest request;
  v1::ListMeasuresResponse response;
  ASSERT_TRUE(grpc_->ListMeasures(&context_, &request, &response).ok());
  ASSERT_EQ(response.measures_size(), 4);
  const v1::Measure& platform = response.measures(0);
  EXPECT_EQ(platform.measure_id(), "platform");
  EXPECT_TRUE(platform.blocked());
  EXPECT_EQ(platform.milestones(0).due(), "2030-01-31");
  EXPECT_EQ(platform.milestones(0).state(), "blocked");
  EXPECT_TRUE(platform.milestones(0).overdue());
  EXPECT_EQ(response.measures(1).blocked_by(0), "platform");
  EXPECT_EQ(response.measures(1).depends_on(0), "platform");
}

TEST_F(MonitoringGrpcServiceTest, PrometheusTextComesAsAnHttpBody) {
  v1::ReportEventsRequest report;
  AddEvent(report, "a", "booked", 1);
  v1::ReportEventsResponse reported;
  ASSERT_TRUE(grpc_->ReportEvents(&context_, &report, &reported).ok());
  v1::GetPrometheusMetricsRequest request;
  v1::HttpBody response;
  ASSERT_TRUE(grpc_->GetPrometheusMetrics(&context_, &request, &response).ok());
  EXPECT_EQ(response.content_type(), "text/plain; version=0.0.4");
  EXPECT_NE(response.data().find("stadt_kpi_booked_total 1\n"), std::string::npos);
  // Anonymous: the unpublished revenue KPI is not exposed.
  EXPECT_EQ(response.data().find("revenue"), std::string::npos);
}

}  // namespace
}  // namespace stadt::monitoring
