#include "services/monitoring/domain/monitoring_service.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/monitoring/domain/in_memory_monitoring_repository.h"
#include "services/monitoring/domain/test_catalog.h"

namespace stadt::monitoring {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// Friday 2030-02-15 12:00 in Berlin.
const absl::Time kNow = absl::FromUnixSeconds(1897383600);

class MonitoringServiceTest : public ::testing::Test {
 protected:
  MonitoringServiceTest() {
    settings_.zone = Berlin();
    settings_.max_series_points = 100;
    service_ = std::make_unique<MonitoringService>(catalog_, repository_, clock_, settings_);
  }

  ReportedEvent Event(std::string id, std::string kpi, double value,
                      std::vector<std::pair<std::string, std::string>> dimensions = {},
                      absl::Duration ago = absl::ZeroDuration()) {
    return {std::move(id), std::move(kpi), clock_.Now() - ago, value, std::move(dimensions)};
  }

  const KpiView& Find(const std::vector<KpiView>& kpis, std::string_view id) {
    for (const KpiView& kpi : kpis) {
      if (kpi.kpi->id == id) return kpi;
    }
    ADD_FAILURE() << "no KPI " << id;
    return kpis.front();
  }

  Catalog catalog_ = ParseCatalog(testing::kTestCatalog).value();
  InMemoryMonitoringRepository repository_;
  FakeClock clock_{kNow};
  MonitoringSettings settings_;
  std::unique_ptr<MonitoringService> service_;
  const Viewer anonymous_{};
  const Viewer steering_{.steering_office = true};
};

TEST_F(MonitoringServiceTest, BadEventsAreRejectedWithoutStoppingTheBatch) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<ReportedEvent> batch = {
      Event("ok-1", "booked", 1, {{"office", "mitte"}}),
      Event("", "booked", 1),
      Event(std::string(65, 'x'), "booked", 1),
      Event("bad id", "booked", 1),
      Event("e4", "unknown_kpi", 1),
      Event("e5", "booked", 1, {{"zone", "1101"}}),
      Event("e6", "booked", 1, {{"office", "a|b"}}),
      Event("e7", "booked", 1, {{"office", std::string(65, 'm')}}),
      Event("e8", "booked", nan),
      Event("e9", "booked", -1),
      Event("e10", "no_show_rate", 0.5),
      Event("e11", "wait_seconds", -2),
      Event("e12", "booked", 1, {}, absl::Hours(24 * 8)),
      Event("e13", "booked", 1, {}, -absl::Minutes(10)),
      Event("e14", "session_minutes", std::numeric_limits<double>::infinity()),
      Event("ok-2", "no_show_rate", 1, {{"office", "süd"}}),
  };
  batch.push_back({"e15", "booked", std::nullopt, 1, {}});
  absl::StatusOr<ReportCounts> counts = service_->Report(batch);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->accepted, 2);
  EXPECT_EQ(counts->duplicates, 0);
  EXPECT_EQ(counts->rejected, 15);
  EXPECT_EQ(counts->first_rejection, "event_id must be 1 to 64 printable ASCII characters");
}

TEST_F(MonitoringServiceTest, ValidationReasonsNameTheRule) {
  auto reason = [&](const ReportedEvent& event) {
    return std::string(ValidateEvent(catalog_, event, clock_.Now(), settings_).message());
  };
  EXPECT_EQ(reason(Event("a", "nope", 1)), "unknown KPI");
  EXPECT_EQ(reason(Event("a", "booked", 1, {{"zone", "x"}})),
            "dimension key not declared for this KPI");
  EXPECT_EQ(reason(Event("a", "no_show_rate", 2)), "a ratio KPI takes the values 0 or 1");
  EXPECT_EQ(reason(Event("a", "booked", 1, {}, absl::Hours(24 * 8))),
            "time is too far in the past");
  EXPECT_EQ(reason(Event("a", "session_minutes", -5)), "");  // sums and averages may go negative
  EXPECT_EQ(reason(Event("a", "booked", 1e13)),
            "value must be finite and at most 1e12 in magnitude");
}

TEST_F(MonitoringServiceTest, TooLargeBatchFailsAsAWhole) {
  std::vector<ReportedEvent> batch(settings_.max_batch_events + 1, Event("x", "booked", 1));
  EXPECT_EQ(service_->Report(batch).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MonitoringServiceTest, RetriedBatchCountsNothingTwice) {
  std::vector<ReportedEvent> batch = {Event("a", "booked", 1, {{"office", "mitte"}}),
                                      Event("b", "booked", 1, {{"office", "mitte"}}),
                                      Event("a", "booked", 1, {{"office", "mitte"}})};
  absl::StatusOr<ReportCounts> first = service_->Report(batch);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->accepted, 2);
  EXPECT_EQ(first->duplicates, 1);
  absl::StatusOr<ReportCounts> retry = service_->Report(batch);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->accepted, 0);
  EXPECT_EQ(retry->duplicates, 3);
  absl::StatusOr<std::vector<KpiView>> kpis = service_->ListKpis(steering_, 0);
  ASSERT_TRUE(kpis.ok());
  EXPECT_EQ(Find(*kpis, "booked").current, 2);
}

TEST_F(MonitoringServiceTest, CurrentValueStatusAndTrend) {
  // Yesterday 12 bookings, today 7: at risk (target 10, warning 5), trend -5.
  std::vector<ReportedEvent> batch;
  for (int i = 0; i < 12; ++i) {
    batch.push_back(Event("y" + std::to_string(i), "booked", 1, {}, absl::Hours(24)));
  }
  for (int i = 0; i < 7; ++i) batch.push_back(Event("t" + std::to_string(i), "booked", 1));
  // No-show rate today 1 of 4 = 0.25: off track (lower is better, warning 0.2).
  for (int i = 0; i < 4; ++i) {
    batch.push_back(Event("n" + std::to_string(i), "no_show_rate", i == 0 ? 1 : 0));
  }
  ASSERT_TRUE(service_->Report(batch).ok());
  absl::StatusOr<std::vector<KpiView>> kpis = service_->ListKpis(steering_, 0);
  ASSERT_TRUE(kpis.ok());
  const KpiView& booked = Find(*kpis, "booked");
  EXPECT_EQ(booked.current, 7);
  EXPECT_EQ(booked.previous, 12);
  EXPECT_DOUBLE_EQ(booked.trend, -5);
  EXPECT_EQ(booked.status, KpiStatus::kAtRisk);
  const KpiView& rate = Find(*kpis, "no_show_rate");
  EXPECT_DOUBLE_EQ(*rate.current, 0.25);
  EXPECT_EQ(rate.status, KpiStatus::kOffTrack);
  EXPECT_DOUBLE_EQ(rate.trend, 0);  // no previous period
  EXPECT_EQ(Find(*kpis, "session_minutes").status, KpiStatus::kNoData);
}

TEST_F(MonitoringServiceTest, PercentileKpiUsesTheHistogramOfTheCurrentHour) {
  std::vector<ReportedEvent> batch;
  for (int i = 1; i <= 100; ++i) {
    batch.push_back(Event("w" + std::to_string(i), "wait_seconds", i * 3.0));
  }
  ASSERT_TRUE(service_->Report(batch).ok());
  const std::vector<KpiView> kpis = service_->ListKpis(anonymous_, 2).value();
  const KpiView& wait = Find(kpis, "wait_seconds");
  EXPECT_NEAR(*wait.current, 270, 270 * 0.05);
  EXPECT_EQ(wait.status, KpiStatus::kAtRisk);  // above 120, below 300
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(Find(service_->ListKpis(anonymous_, 2).value(), "wait_seconds").status,
            KpiStatus::kNoData);
}

TEST_F(MonitoringServiceTest, AnonymousCallersSeePublishedKpisOnly) {
  absl::StatusOr<std::vector<KpiView>> anonymous = service_->ListKpis(anonymous_, 0);
  absl::StatusOr<std::vector<KpiView>> steering = service_->ListKpis(steering_, 0);
  EXPECT_EQ(anonymous->size(), 4u);
  EXPECT_EQ(steering->size(), 5u);
  EXPECT_EQ(service_->GetSeries(anonymous_, {.kpi_id = "revenue_cents"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(service_->GetSeries(steering_, {.kpi_id = "revenue_cents"}).ok());
  EXPECT_EQ(service_->ListKpis(anonymous_, 5)->size(), 1u);
  EXPECT_EQ(service_->ListKpis(anonymous_, 6).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MonitoringServiceTest, SeriesPerPeriodAndPerDimensionValue) {
  ASSERT_TRUE(service_
                  ->Report({Event("a", "booked", 1, {{"office", "mitte"}}, absl::Hours(48)),
                            Event("b", "booked", 1, {{"office", "mitte"}}),
                            Event("c", "booked", 1, {{"office", "nord"}}), Event("d", "booked", 1)})
                  .ok());
  absl::StatusOr<SeriesView> view =
      service_->GetSeries(anonymous_, {.kpi_id = "booked", .dimension = "office"});
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->grain, Grain::kDay);
  ASSERT_EQ(view->series.size(), 3u);
  const DimensionSeries& total = view->series[0];
  EXPECT_EQ(total.dimension_value, "");
  ASSERT_EQ(total.points.size(), 30u);
  EXPECT_EQ(total.points.back().period_start, PeriodStart(kNow, Grain::kDay, Berlin()));
  EXPECT_EQ(total.points.back().value, 3);
  EXPECT_EQ(total.points[27].value, 1);
  EXPECT_EQ(total.points[28].samples, 0);
  EXPECT_EQ(view->series[1].dimension_value, "mitte");
  EXPECT_EQ(view->series[1].points.back().value, 1);
  EXPECT_EQ(view->series[1].points[27].value, 1);
  EXPECT_EQ(view->series[2].dimension_value, "nord");
  EXPECT_EQ(view->series[2].points.back().value, 1);

  absl::StatusOr<SeriesView> monthly = service_->GetSeries(
      anonymous_,
      {.kpi_id = "booked", .grain = Grain::kMonth, .from = kNow - absl::Hours(24 * 60)});
  ASSERT_TRUE(monthly.ok());
  EXPECT_EQ(monthly->series[0].points.size(), 3u);  // December, January, February
  EXPECT_EQ(monthly->series[0].points.back().value, 4);
}

TEST_F(MonitoringServiceTest, SeriesRefusesBadRangesAndDimensions) {
  auto code = [&](SeriesQuery query) { return service_->GetSeries(steering_, query).status(); };
  EXPECT_THAT(
      code({.kpi_id = "booked", .grain = Grain::kHour, .from = kNow - absl::Hours(200)}).message(),
      HasSubstr("range too long: at most 100 periods"));
  EXPECT_EQ(code({.kpi_id = "booked", .from = kNow, .to = kNow - absl::Hours(1)}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.kpi_id = "booked", .dimension = "zone"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code({.kpi_id = "nope"}).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(
      service_
          ->GetSeries(steering_,
                      {.kpi_id = "booked", .grain = Grain::kHour, .from = kNow - absl::Hours(99)})
          .ok());
}

TEST_F(MonitoringServiceTest, FieldsRollUpTheirKpis) {
  ASSERT_TRUE(service_
                  ->Report({Event("a", "booked", 1), Event("b", "no_show_rate", 0),
                            Event("c", "session_minutes", 120)})
                  .ok());
  absl::StatusOr<std::vector<FieldView>> fields = service_->ListFields(anonymous_);
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->size(), 5u);
  const FieldView& citizens = (*fields)[2];
  EXPECT_EQ(citizens.field->number, 3);
  EXPECT_EQ(citizens.off_track, 1);  // one booking, target 10
  EXPECT_EQ(citizens.on_track, 1);   // no no-shows
  EXPECT_EQ(citizens.status, KpiStatus::kOffTrack);
  EXPECT_EQ((*fields)[0].status, KpiStatus::kNoData);
  EXPECT_EQ((*fields)[0].without_data, 0);
  const FieldView& smart_city = (*fields)[4];
  EXPECT_EQ(smart_city.off_track, 1);     // 120 minutes against 60/90
  EXPECT_EQ(smart_city.without_data, 0);  // revenue is not published
  EXPECT_EQ(service_->ListFields(steering_).value()[4].without_data, 1);
}

TEST_F(MonitoringServiceTest, MeasuresShowOverdueMilestonesAndWhatBlocksThem) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2030, 3, 2, 12, 0, 0), Berlin()));
  absl::StatusOr<std::vector<MeasureView>> measures = service_->ListMeasures(steering_, 0);
  ASSERT_TRUE(measures.ok());
  ASSERT_EQ(measures->size(), 4u);
  // Sorted by priority, the catalog's order among equals.
  EXPECT_EQ((*measures)[0].measure->id, "platform");
  EXPECT_EQ((*measures)[1].measure->id, "online_booking");
  EXPECT_EQ((*measures)[2].measure->id, "smart_parking");
  EXPECT_EQ((*measures)[3].measure->id, "reminders");

  const MeasureView& platform = (*measures)[0];
  EXPECT_TRUE(platform.blocked);
  EXPECT_TRUE(platform.milestones[0].overdue);
  EXPECT_EQ(platform.status, KpiStatus::kOffTrack);

  const MeasureView& booking = (*measures)[1];
  EXPECT_THAT(booking.blocked_by, ElementsAre("platform"));
  EXPECT_TRUE(booking.milestones[0].overdue);  // due 1 March, still in progress
  EXPECT_EQ(booking.status, KpiStatus::kAtRisk);
  EXPECT_THAT(booking.kpi_ids, ElementsAre("booked", "no_show_rate"));

  // Held up through online_booking: the blockage is transitive.
  EXPECT_THAT((*measures)[3].blocked_by, ElementsAre("platform"));
  EXPECT_EQ((*measures)[3].status, KpiStatus::kAtRisk);
  EXPECT_FALSE((*measures)[3].milestones[0].overdue);

  // Done milestones are never overdue; the linked KPI has no data yet.
  EXPECT_FALSE((*measures)[2].milestones[0].overdue);
  EXPECT_EQ((*measures)[2].status, KpiStatus::kOnTrack);
}

TEST_F(MonitoringServiceTest, MeasureStatusIncludesItsKpisAndHidesUnpublishedOnes) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2029, 12, 1, 12, 0, 0), Berlin()));
  ASSERT_TRUE(service_->Report({Event("r", "revenue_cents", 100)}).ok());
  const MeasureView parking_steering = service_->ListMeasures(steering_, 5).value().at(0);
  EXPECT_THAT(parking_steering.kpi_ids, ElementsAre("revenue_cents"));
  EXPECT_EQ(parking_steering.status, KpiStatus::kOffTrack);  // 100 cents against 500/1000
  const MeasureView parking_public = service_->ListMeasures(anonymous_, 5).value().at(0);
  EXPECT_TRUE(parking_public.kpi_ids.empty());
  EXPECT_EQ(parking_public.status, KpiStatus::kOnTrack);
  // Before its first due date the plan of online_booking is on track.
  EXPECT_FALSE(service_->ListMeasures(steering_, 3).value()[0].milestones[0].overdue);
}

}  // namespace
}  // namespace stadt::monitoring
