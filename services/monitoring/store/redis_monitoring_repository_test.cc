// The aggregates against a real redis-server: exactly-once counting of
// retried and concurrent batches, every period and dimension, the cardinality
// bound, expiry.
#include "services/monitoring/store/redis_monitoring_repository.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/redis/key_slot.h"
#include "services/monitoring/domain/monitoring_service.h"
#include "services/monitoring/domain/test_catalog.h"
#include "tests/harness/redis_test.h"

namespace stadt::monitoring {
namespace {

// 2030-02-12 12:00 in Berlin: later than any test run, so that expiries
// computed from it lie in the future.
const absl::Time kNow = absl::FromUnixSeconds(1897383600);

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

class RedisMonitoringTest : public stadt::testing::RedisTest {
 protected:
  RedisMonitoringTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    RedisMonitoringOptions store_options;
    store_options.max_dimension_values = 3;
    repository_ = std::make_unique<RedisMonitoringRepository>(redis(), store_options);
    settings_.zone = Berlin();
    service_ = std::make_unique<MonitoringService>(catalog_, *repository_, clock_, settings_);
  }

  ReportedEvent Event(std::string id, std::string kpi, double value,
                      std::vector<std::pair<std::string, std::string>> dimensions = {},
                      absl::Duration ago = absl::ZeroDuration()) {
    return {std::move(id), std::move(kpi), clock_.Now() - ago, value, std::move(dimensions)};
  }

  PeriodData Period(const std::string& kpi, Grain grain, absl::Time at = kNow) {
    absl::StatusOr<std::vector<PeriodData>> data =
        repository_->Read({{kpi, {grain, PeriodStart(at, grain, settings_.zone)}}});
    EXPECT_TRUE(data.ok()) << data.status();
    return data.ok() ? data->front() : PeriodData();
  }

  Catalog catalog_ = ParseCatalog(testing::kTestCatalog).value();
  FakeClock clock_{kNow};
  MonitoringSettings settings_;
  std::unique_ptr<RedisMonitoringRepository> repository_;
  std::unique_ptr<MonitoringService> service_;
};

TEST_F(RedisMonitoringTest, CountsEveryPeriodTotalAndDimensionValue) {
  absl::StatusOr<ReportCounts> counts =
      service_->Report({Event("a", "no_show_rate", 1, {{"office", "mitte"}}),
                        Event("b", "no_show_rate", 0, {{"office", "mitte"}}),
                        Event("c", "no_show_rate", 0, {{"office", "nord"}}),
                        Event("d", "no_show_rate", 0, {}, absl::Hours(25))});
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->accepted, 4);
  for (Grain grain : {Grain::kHour, Grain::kDay}) {
    const PeriodData today = Period("no_show_rate", grain);
    EXPECT_EQ(today.total.samples, 3);
    EXPECT_DOUBLE_EQ(today.total.sum, 1);
    EXPECT_EQ(today.by_dimension.at("office=mitte").samples, 2);
    EXPECT_DOUBLE_EQ(today.by_dimension.at("office=mitte").sum, 1);
    EXPECT_EQ(today.by_dimension.at("office=nord").samples, 1);
  }
  EXPECT_EQ(Period("no_show_rate", Grain::kMonth).total.samples, 4);
  EXPECT_EQ(Period("no_show_rate", Grain::kAll).total.samples, 4);
  EXPECT_EQ(Period("no_show_rate", Grain::kDay, kNow - absl::Hours(25)).total.samples, 1);
  EXPECT_EQ(Period("booked", Grain::kDay).total.samples, 0);
}

TEST_F(RedisMonitoringTest, RetriedBatchCountsNothingTwice) {
  std::vector<ReportedEvent> batch;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(Event(absl::StrCat("evt-", i), "session_minutes", i % 60,
                          {{"zone", absl::StrCat("z", i % 2)}}));
  }
  batch.push_back(Event("evt-7", "session_minutes", 1000));  // repeated id within the batch
  absl::StatusOr<ReportCounts> first = service_->Report(batch);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->accepted, 300);
  EXPECT_EQ(first->duplicates, 1);
  const PeriodData before = Period("session_minutes", Grain::kDay);

  absl::StatusOr<ReportCounts> retry = service_->Report(batch);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->accepted, 0);
  EXPECT_EQ(retry->duplicates, 301);
  const PeriodData after = Period("session_minutes", Grain::kDay);
  EXPECT_EQ(after.total.samples, 300);
  EXPECT_EQ(after.total.samples, before.total.samples);
  EXPECT_DOUBLE_EQ(after.total.sum, before.total.sum);
  EXPECT_DOUBLE_EQ(after.total.sum, 5 * (59 * 60 / 2));
  EXPECT_EQ(after.by_dimension.at("zone=z0").samples, 150);
}

// A batch of several KPIs is one script per KPI (each KPI's keys share its
// own hash tag); a retry of the whole batch, e.g. after one KPI's script
// failed, counts the KPIs already done as duplicates.
TEST_F(RedisMonitoringTest, BatchOfSeveralKpisIsCountedPerKpiAndOnceOnRetry) {
  const std::vector<ReportedEvent> batch = {
      Event("m-1", "booked", 1), Event("m-2", "no_show_rate", 1), Event("m-3", "booked", 1),
      Event("m-4", "wait_seconds", 30), Event("m-5", "no_show_rate", 0)};
  ASSERT_TRUE(service_->Report({batch[0], batch[1]}).ok());
  absl::StatusOr<ReportCounts> counts = service_->Report(batch);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->accepted, 3);
  EXPECT_EQ(counts->duplicates, 2);
  EXPECT_EQ(Period("booked", Grain::kDay).total.samples, 2);
  EXPECT_EQ(Period("no_show_rate", Grain::kDay).total.samples, 2);
  EXPECT_DOUBLE_EQ(Period("wait_seconds", Grain::kDay).total.sum, 30);
  // Each KPI under its own tag: the slots differ, so KPIs spread.
  EXPECT_NE(redis::KeySlot("mon:{kpi:booked}:p:a:0"),
            redis::KeySlot("mon:{kpi:no_show_rate}:p:a:0"));
  absl::StatusOr<redis::Reply> booked_all =
      redis().Command({"HGET", "mon:{kpi:booked}:p:a:0", "n"});
  ASSERT_TRUE(booked_all.ok()) << booked_all.status();
  EXPECT_EQ(booked_all->str, "2");
}

TEST_F(RedisMonitoringTest, ConcurrentDeliveriesOfOneBatchCountOnce) {
  std::vector<ReportedEvent> batch;
  for (int i = 0; i < 200; ++i) batch.push_back(Event(absl::StrCat("c-", i), "booked", 1));
  std::atomic<int> accepted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      absl::StatusOr<ReportCounts> counts = service_->Report(batch);
      if (counts.ok()) accepted += counts->accepted;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted, 200);
  EXPECT_DOUBLE_EQ(Period("booked", Grain::kDay).total.sum, 200);
}

TEST_F(RedisMonitoringTest, PercentileHistogramsAreStoredPerPeriod) {
  std::vector<ReportedEvent> batch;
  for (int i = 1; i <= 100; ++i) {
    batch.push_back(Event(absl::StrCat("w", i), "wait_seconds", i, {{"department", "bib"}}));
  }
  ASSERT_TRUE(service_->Report(batch).ok());
  const PeriodData hour = Period("wait_seconds", Grain::kHour);
  EXPECT_NEAR(*CellValue(Aggregation::kP90, hour.total), 90, 4.5);
  EXPECT_NEAR(*CellValue(Aggregation::kP50, hour.by_dimension.at("department=bib")), 50, 2.5);
  absl::StatusOr<std::vector<KpiView>> kpis = service_->ListKpis(Viewer{}, 2);
  ASSERT_TRUE(kpis.ok());
  EXPECT_NEAR(*kpis->front().current, 90, 4.5);
}

TEST_F(RedisMonitoringTest, DimensionValuesBeyondTheLimitCountOnlyInTheTotal) {
  std::vector<ReportedEvent> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(Event(absl::StrCat("o", i), "booked", 1, {{"office", absl::StrCat("o", i)}}));
  }
  absl::StatusOr<ReportCounts> counts = service_->Report(batch);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->accepted, 5);
  EXPECT_EQ(counts->dimension_values_refused, 2);
  const PeriodData day = Period("booked", Grain::kDay);
  EXPECT_DOUBLE_EQ(day.total.sum, 5);
  EXPECT_EQ(day.by_dimension.size(), 3u);
  // A value already known keeps counting.
  ASSERT_TRUE(service_->Report({Event("o-again", "booked", 1, {{"office", "o1"}})}).ok());
  EXPECT_DOUBLE_EQ(Period("booked", Grain::kDay).by_dimension.at("office=o1").sum, 2);
}

TEST_F(RedisMonitoringTest, PeriodsAndEventIdsExpire) {
  ASSERT_TRUE(service_->Report({Event("x", "booked", 1)}).ok());
  const int64_t day_start = absl::ToUnixSeconds(PeriodStart(kNow, Grain::kDay, settings_.zone));
  absl::StatusOr<redis::Reply> day_expiry =
      redis().Command({"EXPIRETIME", absl::StrCat("mon:{kpi:booked}:p:d:", day_start)});
  ASSERT_TRUE(day_expiry.ok()) << day_expiry.status();
  EXPECT_EQ(day_expiry->integer, day_start + 1100 * 86400);
  absl::StatusOr<redis::Reply> all_expiry = redis().Command({"TTL", "mon:{kpi:booked}:p:a:0"});
  ASSERT_TRUE(all_expiry.ok());
  EXPECT_EQ(all_expiry->integer, -1);
  const int64_t hour = absl::ToUnixSeconds(PeriodStart(kNow, Grain::kHour, settings_.zone));
  const std::string seen = absl::StrCat("mon:{kpi:booked}:ev:", hour);
  absl::StatusOr<redis::Reply> event_expiry = redis().Command({"EXPIRETIME", seen});
  ASSERT_TRUE(event_expiry.ok());
  EXPECT_EQ(event_expiry->integer, hour + 3600 + 49 * 3600);
  absl::StatusOr<redis::Reply> claimed = redis().Command({"HEXISTS", seen, "x"});
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->integer, 1);
}

TEST(ParsePeriodHashTest, ReadsTotalsDimensionsAndHistograms) {
  PeriodData data = ParsePeriodHash({{"n", "3"},
                                     {"s", "4.5"},
                                     {"h12", "2"},
                                     {"n|office=mitte", "1"},
                                     {"s|office=mitte", "0.5"},
                                     {"h12|office=mitte", "1"},
                                     {"garbage", "x"},
                                     {"n", "not a number"}});
  EXPECT_EQ(data.total.samples, 3);
  EXPECT_DOUBLE_EQ(data.total.sum, 4.5);
  EXPECT_EQ(data.total.histogram.at(12), 2);
  EXPECT_EQ(data.by_dimension.at("office=mitte").samples, 1);
  EXPECT_EQ(data.by_dimension.at("office=mitte").histogram.at(12), 1);
}

}  // namespace
}  // namespace stadt::monitoring
