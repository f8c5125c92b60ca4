#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/monitoring/domain/catalog.h"

namespace stadt::monitoring {

// Periods are civil hours, days and months in the city's time zone; a period
// is named by the instant it starts.
absl::Time PeriodStart(absl::Time time, Grain grain, absl::TimeZone zone);
absl::Time NextPeriod(absl::Time period_start, Grain grain, absl::TimeZone zone);
absl::Time PreviousPeriod(absl::Time period_start, Grain grain, absl::TimeZone zone);
// The starts of all periods overlapping [from, to), oldest first; at most
// `limit` + 1 entries, so a caller can tell that the range was too long.
std::vector<absl::Time> PeriodsBetween(absl::Time from, absl::Time to, Grain grain,
                                       absl::TimeZone zone, size_t limit);

// Percentile KPIs keep a fixed log-scale histogram per period: bucket 0 holds
// values below kHistogramMin, bucket i >= 1 holds [min * g^(i-1), min * g^i)
// with g = 1.05, so a quantile is exact to within 5 %. Values are capped at
// the last bucket.
inline constexpr double kHistogramMin = 0.001;
inline constexpr double kHistogramGrowth = 1.05;
inline constexpr int kHistogramBuckets = 600;
int HistogramBucket(double value);
// The representative value of a bucket: its geometric middle.
double HistogramBucketValue(int bucket);

// What a period holds for one series: number of events, sum of their values,
// and for percentile KPIs the histogram.
struct Cell {
  int64_t samples = 0;
  double sum = 0;
  std::map<int, int64_t> histogram;

  void Add(double value, int histogram_bucket);
  void Merge(const Cell& other);
};

// One stored period of one KPI: the total and one cell per dimension value,
// keyed "key=value".
struct PeriodData {
  Cell total;
  std::map<std::string, Cell> by_dimension;
};

// The KPI's value over the events of a cell; nullopt without events.
std::optional<double> CellValue(Aggregation aggregation, const Cell& cell);
// The q-quantile (0 < q < 1) of a histogram; nullopt if it is empty.
std::optional<double> HistogramQuantile(const std::map<int, int64_t>& histogram, double q);

// "office=mitte", the name a dimension value is stored and grouped under.
std::string DimensionLabel(const std::string& key, const std::string& value);

}  // namespace stadt::monitoring
