#include "services/common/kpi/kpi_reporting.h"

#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/common/kpi/grpc_kpi_sink.h"

namespace stadt {
namespace {

using ::testing::HasSubstr;

TEST(ReadKpiSettingsTest, UnsetAddressDisablesReportingWithSaneDefaults) {
  EnvConfig config = EnvConfig::FromValues({});
  const KpiSettings settings = ReadKpiSettings(config, "parking");
  ASSERT_TRUE(config.Finish().ok());
  EXPECT_TRUE(settings.monitoring_address.empty());
  EXPECT_EQ(settings.reporter.service, "parking");
  EXPECT_EQ(settings.reporter.batch_size, 500);
  EXPECT_EQ(settings.reporter.buffer_size, 10000);
  EXPECT_EQ(settings.reporter.flush_interval, absl::Seconds(5));
}

TEST(ReadKpiSettingsTest, ReadsEveryVariable) {
  EnvConfig config = EnvConfig::FromValues({{"MONITORING_ADDRESS", "monitoring:50060"},
                                            {"KPI_BATCH_SIZE", "50"},
                                            {"KPI_FLUSH_INTERVAL", "250ms"},
                                            {"KPI_BUFFER_SIZE", "2000"},
                                            {"KPI_SEND_TIMEOUT", "1s"},
                                            {"KPI_RETRY_BACKOFF", "100ms"},
                                            {"KPI_RETRY_MAX_BACKOFF", "10s"},
                                            {"KPI_MAX_ATTEMPTS", "4"},
                                            {"KPI_MAX_AGE", "2m"},
                                            {"KPI_SHUTDOWN_TIMEOUT", "3s"}});
  const KpiSettings settings = ReadKpiSettings(config, "daycare");
  ASSERT_TRUE(config.Finish().ok()) << config.Finish();
  EXPECT_EQ(settings.monitoring_address, "monitoring:50060");
  EXPECT_EQ(settings.reporter.batch_size, 50);
  EXPECT_EQ(settings.reporter.flush_interval, absl::Milliseconds(250));
  EXPECT_EQ(settings.reporter.buffer_size, 2000);
  EXPECT_EQ(settings.reporter.send_timeout, absl::Seconds(1));
  EXPECT_EQ(settings.reporter.initial_backoff, absl::Milliseconds(100));
  EXPECT_EQ(settings.reporter.max_backoff, absl::Seconds(10));
  EXPECT_EQ(settings.reporter.max_attempts, 4);
  EXPECT_EQ(settings.reporter.max_age, absl::Minutes(2));
  EXPECT_EQ(settings.reporter.shutdown_timeout, absl::Seconds(3));
}

TEST(ReadKpiSettingsTest, MalformedValuesAreNamed) {
  EnvConfig config = EnvConfig::FromValues(
      {{"MONITORING_ADDRESS", "no-port"}, {"KPI_BATCH_SIZE", "0"}, {"KPI_FLUSH_INTERVAL", "soon"}});
  ReadKpiSettings(config, "appointments");
  const absl::Status status = config.Finish();
  EXPECT_THAT(std::string(status.message()), HasSubstr("MONITORING_ADDRESS"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("KPI_BATCH_SIZE"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("KPI_FLUSH_INTERVAL"));
}

TEST(StartKpiReportingTest, WithoutAnAddressRecordsNothing) {
  KpiSettings settings;
  std::unique_ptr<KpiRecorder> recorder = StartKpiReporting(settings);
  ASSERT_NE(recorder, nullptr);
  EXPECT_NE(dynamic_cast<NoopKpiRecorder*>(recorder.get()), nullptr);
  recorder->Count("appointments_booked", {{"office", "mitte"}});
}

// A monitoring service in this process, answering from a script.
class FakeMonitoring final : public monitoring::v1::Monitoring::Service {
 public:
  grpc::Status ReportEvents(grpc::ServerContext*,
                            const monitoring::v1::ReportEventsRequest* request,
                            monitoring::v1::ReportEventsResponse* response) override {
    absl::MutexLock lock(&mutex_);
    requests_.push_back(*request);
    response->set_accepted(request->events_size());
    return status_;
  }
  void SetStatus(grpc::Status status) {
    absl::MutexLock lock(&mutex_);
    status_ = std::move(status);
  }
  std::vector<monitoring::v1::ReportEventsRequest> requests() {
    absl::MutexLock lock(&mutex_);
    return requests_;
  }

 private:
  absl::Mutex mutex_;
  std::vector<monitoring::v1::ReportEventsRequest> requests_ ABSL_GUARDED_BY(mutex_);
  grpc::Status status_ ABSL_GUARDED_BY(mutex_) = grpc::Status::OK;
};

class GrpcKpiSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&monitoring_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    sink_ = GrpcKpiSink::Connect(absl::StrCat("127.0.0.1:", port_), "parking");
  }
  void TearDown() override { server_->Shutdown(); }

  FakeMonitoring monitoring_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<GrpcKpiSink> sink_;
};

TEST_F(GrpcKpiSinkTest, DeliversTheBatchAsReportEvents) {
  KpiEvent event{"abc-1",
                 "parking_revenue_cents",
                 absl::FromUnixMillis(1'800'000'000'250),
                 350,
                 {{"zone", "z1"}}};
  ASSERT_TRUE(sink_->Send({event}, absl::Seconds(5)).ok());
  const auto requests = monitoring_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].reporter(), "parking");
  ASSERT_EQ(requests[0].events_size(), 1);
  const monitoring::v1::KpiEvent& sent = requests[0].events(0);
  EXPECT_EQ(sent.event_id(), "abc-1");
  EXPECT_EQ(sent.kpi_id(), "parking_revenue_cents");
  EXPECT_EQ(sent.time().seconds(), 1'800'000'000);
  EXPECT_EQ(sent.time().nanos(), 250'000'000);
  EXPECT_EQ(sent.value(), 350);
  EXPECT_EQ(sent.dimensions().at("zone"), "z1");
}

TEST_F(GrpcKpiSinkTest, MapsTheMonitoringServicesErrors) {
  monitoring_.SetStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy"));
  EXPECT_EQ(
      sink_->Send({KpiEvent{"a", "appointments_booked", absl::Now(), 1, {}}}, absl::Seconds(5))
          .code(),
      absl::StatusCode::kUnavailable);
  monitoring_.SetStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"));
  EXPECT_EQ(
      sink_->Send({KpiEvent{"b", "appointments_booked", absl::Now(), 1, {}}}, absl::Seconds(5))
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(GrpcKpiSinkTest, AnAbsentMonitoringServiceIsAnErrorNotAHang) {
  server_->Shutdown();
  const absl::Status status = sink_->Send(
      {KpiEvent{"a", "appointments_booked", absl::Now(), 1, {}}}, absl::Milliseconds(500));
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.code(), absl::StatusCode::kInvalidArgument);  // so it is retried
}

}  // namespace
}  // namespace stadt
