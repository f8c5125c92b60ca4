#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/monitoring/domain/aggregation.h"
#include "services/monitoring/domain/catalog.h"
#include "services/monitoring/domain/monitoring_repository.h"
#include "services/monitoring/domain/status.h"

namespace stadt::monitoring {

struct MonitoringSettings {
  absl::TimeZone zone = absl::UTCTimeZone();
  // Events older than this, or further ahead of the clock than the skew, are
  // rejected: reporters deliver within minutes, not weeks.
  absl::Duration max_event_age = absl::Hours(48);
  absl::Duration max_clock_skew = absl::Minutes(5);
  size_t max_batch_events = 5000;
  size_t max_series_points = 1000;
};

// Who is reading: the steering office sees every KPI, everybody else the
// published ones only.
struct Viewer {
  bool steering_office = false;
};

struct ReportedEvent {
  std::string event_id;
  std::string kpi_id;
  std::optional<absl::Time> time;
  double value = 0;
  std::vector<std::pair<std::string, std::string>> dimensions;
};

struct ReportCounts {
  int accepted = 0;
  int duplicates = 0;
  int rejected = 0;
  int dimension_values_refused = 0;
  // Why the first rejected event was rejected (no event content), for logs.
  std::string first_rejection;
};

struct KpiView {
  const KpiDefinition* kpi = nullptr;
  std::optional<double> current;
  std::optional<double> previous;
  KpiStatus status = KpiStatus::kNoData;
  // current - previous, 0 unless both exist.
  double trend = 0;
};

struct SeriesQuery {
  std::string kpi_id = {};
  std::optional<Grain> grain = std::nullopt;  // default: the KPI's grain
  std::optional<absl::Time> from = std::nullopt;
  std::optional<absl::Time> to = std::nullopt;
  std::string dimension = {};  // empty: the total only
};

struct SeriesPoint {
  absl::Time period_start;
  double value = 0;  // 0 when samples == 0
  int64_t samples = 0;
};

struct DimensionSeries {
  std::string dimension_value;  // empty for the total
  std::vector<SeriesPoint> points;
};

struct SeriesView {
  KpiView kpi;
  Grain grain = Grain::kDay;
  std::vector<DimensionSeries> series;
};

struct FieldView {
  const FieldOfAction* field = nullptr;
  KpiStatus status = KpiStatus::kNoData;
  int on_track = 0;
  int at_risk = 0;
  int off_track = 0;
  int without_data = 0;
};

struct MilestoneView {
  const Milestone* milestone = nullptr;
  bool overdue = false;
};

struct MeasureView {
  const MeasureDefinition* measure = nullptr;
  std::vector<MilestoneView> milestones;
  std::vector<std::string> kpi_ids;  // the ones the viewer may see
  std::vector<std::string> blocked_by;
  bool blocked = false;
  KpiStatus status = KpiStatus::kNoData;
};

// Checks one event against the catalog and the clock; INVALID_ARGUMENT with
// a reason that quotes no event content.
absl::Status ValidateEvent(const Catalog& catalog, const ReportedEvent& event, absl::Time now,
                           const MonitoringSettings& settings);

// The monitoring use cases: ingest, KPI values and statuses, series, the
// roll-ups per field of action and measure, Prometheus text.
class MonitoringService {
 public:
  MonitoringService(const Catalog& catalog, MonitoringRepository& repository, const Clock& clock,
                    MonitoringSettings settings)
      : catalog_(catalog), repository_(repository), clock_(clock), settings_(settings) {}

  // Bad events are counted as rejected and never stop the batch; only a
  // batch that is too large or a storage failure fails the call.
  absl::StatusOr<ReportCounts> Report(const std::vector<ReportedEvent>& events);
  // field_of_action 0: all fields.
  absl::StatusOr<std::vector<KpiView>> ListKpis(const Viewer& viewer, int field_of_action);
  absl::StatusOr<SeriesView> GetSeries(const Viewer& viewer, const SeriesQuery& query);
  absl::StatusOr<std::vector<FieldView>> ListFields(const Viewer& viewer);
  absl::StatusOr<std::vector<MeasureView>> ListMeasures(const Viewer& viewer, int field_of_action);
  absl::StatusOr<std::string> PrometheusText(const Viewer& viewer);

  const Catalog& catalog() const { return catalog_; }

 private:
  bool Visible(const Viewer& viewer, const KpiDefinition& kpi) const;
  absl::StatusOr<std::vector<KpiView>> Evaluate(const std::vector<const KpiDefinition*>& kpis);
  absl::StatusOr<std::vector<absl::Time>> SeriesPeriods(const SeriesQuery& query, Grain grain);

  const Catalog& catalog_;
  MonitoringRepository& repository_;
  const Clock& clock_;
  const MonitoringSettings settings_;
};

}  // namespace stadt::monitoring
