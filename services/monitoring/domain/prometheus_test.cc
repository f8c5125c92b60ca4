#include "services/monitoring/domain/prometheus.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/monitoring/domain/test_catalog.h"

namespace stadt::monitoring {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PrometheusTest : public ::testing::Test {
 protected:
  std::string Render(const std::string& kpi_id) {
    return RenderPrometheus({{catalog_.FindKpi(kpi_id), &all_time_, &current_}});
  }
  void Add(PeriodData& data, double value, const std::string& label, int bucket = -1) {
    data.total.Add(value, bucket);
    data.by_dimension[label].Add(value, bucket);
  }

  Catalog catalog_ = ParseCatalog(testing::kTestCatalog).value();
  PeriodData all_time_;
  PeriodData current_;
};

TEST_F(PrometheusTest, NamesUseBaseUnits) {
  EXPECT_EQ(PrometheusNameOf(*catalog_.FindKpi("revenue_cents")).name, "stadt_kpi_revenue_euros");
  EXPECT_DOUBLE_EQ(PrometheusNameOf(*catalog_.FindKpi("revenue_cents")).factor, 0.01);
  EXPECT_EQ(PrometheusNameOf(*catalog_.FindKpi("session_minutes")).name,
            "stadt_kpi_session_seconds");
  EXPECT_EQ(PrometheusNameOf(*catalog_.FindKpi("wait_seconds")).name, "stadt_kpi_wait_seconds");
  EXPECT_EQ(PrometheusNameOf(*catalog_.FindKpi("booked")).name, "stadt_kpi_booked");
}

TEST_F(PrometheusTest, CountersAreTotalsWithOneFamilyPerDimensionKey) {
  Add(all_time_, 1, "office=mitte");
  Add(all_time_, 1, "office=mitte");
  Add(all_time_, 1, "office=nord");
  const std::string text = Render("booked");
  EXPECT_THAT(text, HasSubstr("# TYPE stadt_kpi_booked_total counter\n"
                              "stadt_kpi_booked_total 3\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE stadt_kpi_booked_by_office_total counter\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_booked_by_office_total{office=\"mitte\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_booked_by_office_total{office=\"nord\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# HELP stadt_kpi_booked_total Booked (appointments)\n"));
}

TEST_F(PrometheusTest, SumsConvertToTheBaseUnit) {
  Add(all_time_, 250, "zone=1101");
  Add(all_time_, 1000, "zone=1102");
  const std::string text = Render("revenue_cents");
  EXPECT_THAT(text, HasSubstr("stadt_kpi_revenue_euros_total 12.5\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_revenue_euros_by_zone_total{zone=\"1102\"} 10\n"));
}

TEST_F(PrometheusTest, RatiosAreNumeratorAndDenominatorCounters) {
  Add(all_time_, 1, "office=mitte");
  Add(all_time_, 0, "office=mitte");
  Add(all_time_, 0, "office=mitte");
  const std::string text = Render("no_show_rate");
  EXPECT_THAT(text, HasSubstr("# TYPE stadt_kpi_no_show_rate_numerator_total counter\n"
                              "stadt_kpi_no_show_rate_numerator_total 1\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_no_show_rate_denominator_total 3\n"));
  EXPECT_THAT(
      text, HasSubstr("stadt_kpi_no_show_rate_by_office_denominator_total{office=\"mitte\"} 3\n"));
}

TEST_F(PrometheusTest, AveragesAreSummariesInSeconds) {
  Add(all_time_, 30, "zone=1101");
  Add(all_time_, 90, "zone=1101");
  const std::string text = Render("session_minutes");
  EXPECT_THAT(text, HasSubstr("# TYPE stadt_kpi_session_seconds summary\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_session_seconds_sum 7200\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_session_seconds_count 2\n"));
  EXPECT_THAT(text, Not(HasSubstr("quantile")));
}

TEST_F(PrometheusTest, PercentilesHaveQuantilesOfTheCurrentPeriod) {
  for (int i = 1; i <= 10; ++i) {
    Add(all_time_, i * 10, "department=ordnungsamt", HistogramBucket(i * 10));
    Add(current_, i * 10, "department=ordnungsamt", HistogramBucket(i * 10));
  }
  const std::string text = Render("wait_seconds");
  EXPECT_THAT(text, HasSubstr("# TYPE stadt_kpi_wait_seconds summary\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_wait_seconds{quantile=\"0.9\"} "));
  EXPECT_THAT(text, Not(HasSubstr("NaN")));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_wait_seconds_by_department{department=\"ordnungsamt\","
                              "quantile=\"0.5\"} "));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_wait_seconds_count 10\n"));
  EXPECT_THAT(text, HasSubstr("stadt_kpi_wait_seconds_sum 550\n"));
  // Without events in the current period the quantiles are NaN.
  current_ = PeriodData();
  EXPECT_THAT(Render("wait_seconds"), HasSubstr("stadt_kpi_wait_seconds{quantile=\"0.5\"} NaN\n"));
}

}  // namespace
}  // namespace stadt::monitoring
