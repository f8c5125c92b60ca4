#include "services/monitoring/domain/aggregation.h"

#include "gtest/gtest.h"

namespace stadt::monitoring {
namespace {

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

absl::Time At(int y, int m, int d, int hh, int mm, absl::TimeZone zone) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), zone);
}

TEST(PeriodTest, DaysAndMonthsFollowTheCitysWallClock) {
  const absl::TimeZone berlin = Berlin();
  // 23:30 UTC on 31 March is already 1 April in Berlin (summer time).
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2030, 3, 31, 23, 30, 0), absl::UTCTimeZone());
  EXPECT_EQ(PeriodStart(late, Grain::kDay, berlin), At(2030, 4, 1, 0, 0, berlin));
  EXPECT_EQ(PeriodStart(late, Grain::kMonth, berlin), At(2030, 4, 1, 0, 0, berlin));
  EXPECT_EQ(PeriodStart(late, Grain::kHour, berlin), At(2030, 4, 1, 1, 0, berlin));
  EXPECT_EQ(PeriodStart(late, Grain::kAll, berlin), absl::UnixEpoch());
}

TEST(PeriodTest, NextAndPreviousAcrossDaylightSavingChange) {
  const absl::TimeZone berlin = Berlin();
  // 2030-03-31 has 23 hours in Berlin.
  const absl::Time day = At(2030, 3, 31, 0, 0, berlin);
  EXPECT_EQ(NextPeriod(day, Grain::kDay, berlin) - day, absl::Hours(23));
  EXPECT_EQ(PreviousPeriod(NextPeriod(day, Grain::kDay, berlin), Grain::kDay, berlin), day);
  EXPECT_EQ(NextPeriod(At(2030, 1, 1, 0, 0, berlin), Grain::kMonth, berlin),
            At(2030, 2, 1, 0, 0, berlin));
  EXPECT_EQ(PreviousPeriod(At(2030, 1, 1, 0, 0, berlin), Grain::kMonth, berlin),
            At(2029, 12, 1, 0, 0, berlin));
  const absl::Time hour = At(2030, 3, 31, 1, 0, berlin);
  EXPECT_EQ(NextPeriod(hour, Grain::kHour, berlin), hour + absl::Hours(1));
  EXPECT_EQ(PreviousPeriod(hour, Grain::kHour, berlin), hour - absl::Hours(1));
}

TEST(PeriodTest, PeriodsBetweenStopsOnePastTheLimit) {
  const absl::TimeZone berlin = Berlin();
  const absl::Time from = At(2030, 1, 1, 12, 0, berlin);
  std::vector<absl::Time> days =
      PeriodsBetween(from, At(2030, 1, 4, 0, 0, berlin), Grain::kDay, berlin, 10);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0], At(2030, 1, 1, 0, 0, berlin));
  EXPECT_EQ(days[2], At(2030, 1, 3, 0, 0, berlin));
  EXPECT_EQ(PeriodsBetween(from, from + absl::Hours(24 * 365), Grain::kDay, berlin, 100).size(),
            101u);
}

TEST(HistogramTest, BucketsAreLogScaleWithinFivePercent) {
  EXPECT_EQ(HistogramBucket(0), 0);
  EXPECT_EQ(HistogramBucket(-3), 0);
  EXPECT_EQ(HistogramBucket(0.001), 1);
  EXPECT_EQ(HistogramBucket(1e30), kHistogramBuckets - 1);
  for (double value : {0.01, 1.0, 42.0, 120.0, 3600.0, 86400.0}) {
    const double represented = HistogramBucketValue(HistogramBucket(value));
    EXPECT_NEAR(represented, value, value * 0.05) << value;
  }
}

TEST(HistogramTest, QuantilesOfAKnownDistribution) {
  Cell cell;
  for (int i = 1; i <= 100; ++i) cell.Add(i, HistogramBucket(i));
  EXPECT_NEAR(*HistogramQuantile(cell.histogram, 0.5), 50, 2.5);
  EXPECT_NEAR(*HistogramQuantile(cell.histogram, 0.9), 90, 4.5);
  EXPECT_NEAR(*HistogramQuantile(cell.histogram, 0.99), 99, 5);
  EXPECT_FALSE(HistogramQuantile({}, 0.5).has_value());
}

TEST(CellValueTest, EachAggregation) {
  Cell cell;
  for (double v : {1.0, 0.0, 1.0, 1.0}) cell.Add(v, HistogramBucket(v));
  EXPECT_DOUBLE_EQ(*CellValue(Aggregation::kCount, cell), 3);
  EXPECT_DOUBLE_EQ(*CellValue(Aggregation::kSum, cell), 3);
  EXPECT_DOUBLE_EQ(*CellValue(Aggregation::kRatio, cell), 0.75);
  EXPECT_DOUBLE_EQ(*CellValue(Aggregation::kAverage, cell), 0.75);
  EXPECT_NEAR(*CellValue(Aggregation::kP50, cell), 1, 0.05);
  EXPECT_FALSE(CellValue(Aggregation::kRatio, Cell()).has_value());
  Cell other;
  other.Add(5, -1);
  cell.Merge(other);
  EXPECT_EQ(cell.samples, 5);
  EXPECT_DOUBLE_EQ(cell.sum, 8);
}

}  // namespace
}  // namespace stadt::monitoring
