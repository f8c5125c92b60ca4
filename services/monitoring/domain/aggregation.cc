#include "services/monitoring/domain/aggregation.h"

#include <algorithm>
#include <cmath>

#include "absl/time/civil_time.h"

namespace stadt::monitoring {

absl::Time PeriodStart(absl::Time time, Grain grain, absl::TimeZone zone) {
  const absl::CivilSecond civil = absl::ToCivilSecond(time, zone);
  switch (grain) {
    case Grain::kHour:
      return absl::FromCivil(absl::CivilHour(civil), zone);
    case Grain::kDay:
      return absl::FromCivil(absl::CivilDay(civil), zone);
    case Grain::kMonth:
      return absl::FromCivil(absl::CivilMonth(civil), zone);
    case Grain::kAll:
      return absl::UnixEpoch();
  }
  return absl::UnixEpoch();
}

absl::Time NextPeriod(absl::Time period_start, Grain grain, absl::TimeZone zone) {
  const absl::CivilSecond civil = absl::ToCivilSecond(period_start, zone);
  switch (grain) {
    case Grain::kHour:
      // Civil hours skip or repeat at DST changes; whole hours of absolute
      // time do not, so that every period has data of one hour.
      return PeriodStart(period_start + absl::Hours(1), grain, zone);
    case Grain::kDay:
      return absl::FromCivil(absl::CivilDay(civil) + 1, zone);
    case Grain::kMonth:
      return absl::FromCivil(absl::CivilMonth(civil) + 1, zone);
    case Grain::kAll:
      return absl::InfiniteFuture();
  }
  return absl::InfiniteFuture();
}

absl::Time PreviousPeriod(absl::Time period_start, Grain grain, absl::TimeZone zone) {
  switch (grain) {
    case Grain::kHour:
      return PeriodStart(period_start - absl::Hours(1), grain, zone);
    case Grain::kDay:
    case Grain::kMonth:
      // One second before this period lies in the previous one.
      return PeriodStart(period_start - absl::Seconds(1), grain, zone);
    case Grain::kAll:
      return absl::UnixEpoch();
  }
  return absl::UnixEpoch();
}

std::vector<absl::Time> PeriodsBetween(absl::Time from, absl::Time to, Grain grain,
                                       absl::TimeZone zone, size_t limit) {
  std::vector<absl::Time> periods;
  if (grain == Grain::kAll) return periods;
  for (absl::Time start = PeriodStart(from, grain, zone); start < to && periods.size() <= limit;
       start = NextPeriod(start, grain, zone)) {
    periods.push_back(start);
  }
  return periods;
}

int HistogramBucket(double value) {
  if (!(value >= kHistogramMin)) return 0;
  const double index = std::floor(std::log(value / kHistogramMin) / std::log(kHistogramGrowth));
  return static_cast<int>(std::min<double>(index + 1, kHistogramBuckets - 1));
}

double HistogramBucketValue(int bucket) {
  if (bucket <= 0) return 0;
  return kHistogramMin * std::pow(kHistogramGrowth, bucket - 0.5);
}

void Cell::Add(double value, int histogram_bucket) {
  ++samples;
  sum += value;
  if (histogram_bucket >= 0) ++histogram[histogram_bucket];
}

void Cell::Merge(const Cell& other) {
  samples += other.samples;
  sum += other.sum;
  for (const auto& [bucket, count] : other.histogram) histogram[bucket] += count;
}

std::optional<double> HistogramQuantile(const std::map<int, int64_t>& histogram, double q) {
  int64_t total = 0;
  for (const auto& [bucket, count] : histogram) total += count;
  if (total <= 0) return std::nullopt;
  // The smallest bucket whose cumulative count reaches q of all events.
  const double rank = std::max(1.0, std::ceil(q * static_cast<double>(total)));
  int64_t seen = 0;
  for (const auto& [bucket, count] : histogram) {
    seen += count;
    if (static_cast<double>(seen) >= rank) return HistogramBucketValue(bucket);
  }
  return HistogramBucketValue(histogram.rbegin()->first);
}

std::optional<double> CellValue(Aggregation aggregation, const Cell& cell) {
  if (cell.samples <= 0) return std::nullopt;
  switch (aggregation) {
    case Aggregation::kCount:
    case Aggregation::kSum:
      return cell.sum;
    case Aggregation::kRatio:
    case Aggregation::kAverage:
      return cell.sum / static_cast<double>(cell.samples);
    case Aggregation::kP50:
    case Aggregation::kP90:
    case Aggregation::kP95:
    case Aggregation::kP99:
      return HistogramQuantile(cell.histogram, Quantile(aggregation));
  }
  return std::nullopt;
}

std::string DimensionLabel(const std::string& key, const std::string& value) {
  return key + "=" + value;
}

}  // namespace stadt::monitoring
