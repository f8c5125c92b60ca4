#include "services/monitoring/domain/monitoring_service.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/reason.h"
#include "services/monitoring/domain/prometheus.h"

namespace stadt::monitoring {
namespace {

constexpr size_t kMaxEventIdLength = 64;
constexpr size_t kMaxDimensionValueLength = 64;
constexpr double kMaxAbsoluteValue = 1e12;
constexpr int kDefaultSeriesPeriods = 30;

bool IsEventIdChar(char c) { return c >= 0x21 && c <= 0x7e; }

// Dimension values become hash fields "key=value" and Prometheus label
// values: no separators, quotes, backslashes or control characters.
bool IsDimensionValueByte(unsigned char c) {
  return c >= 0x20 && c != 0x7f && c != '|' && c != '=' && c != '"' && c != '\\';
}

absl::Status Invalid(std::string_view reason) {
  return absl::InvalidArgumentError(std::string(reason));
}

absl::Status ValidateValue(const KpiDefinition& kpi, double value) {
  if (!std::isfinite(value) || std::abs(value) > kMaxAbsoluteValue) {
    return Invalid("value must be finite and at most 1e12 in magnitude");
  }
  switch (kpi.aggregation) {
    case Aggregation::kRatio:
      if (value != 0 && value != 1) return Invalid("a ratio KPI takes the values 0 or 1");
      break;
    case Aggregation::kCount:
      if (value < 0) return Invalid("a count KPI takes non-negative increments");
      break;
    case Aggregation::kP50:
    case Aggregation::kP90:
    case Aggregation::kP95:
    case Aggregation::kP99:
      if (value < 0) return Invalid("a percentile KPI takes non-negative values");
      break;
    case Aggregation::kSum:
    case Aggregation::kAverage:
      break;
  }
  return absl::OkStatus();
}

absl::Status ValidateDimensions(const KpiDefinition& kpi, const ReportedEvent& event) {
  std::set<std::string_view> keys;
  for (const auto& [key, value] : event.dimensions) {
    if (!kpi.AllowsDimension(key)) return Invalid("dimension key not declared for this KPI");
    if (!keys.insert(key).second) return Invalid("dimension key given twice");
    if (value.empty() || value.size() > kMaxDimensionValueLength ||
        !std::all_of(value.begin(), value.end(),
                     [](char c) { return IsDimensionValueByte(static_cast<unsigned char>(c)); })) {
      return Invalid(
          "dimension value must be 1 to 64 bytes without control characters, |, =, \" "
          "or \\");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEvent(const Catalog& catalog, const ReportedEvent& event, absl::Time now,
                           const MonitoringSettings& settings) {
  if (event.event_id.empty() || event.event_id.size() > kMaxEventIdLength ||
      !std::all_of(event.event_id.begin(), event.event_id.end(), IsEventIdChar)) {
    return Invalid("event_id must be 1 to 64 printable ASCII characters");
  }
  const KpiDefinition* kpi = catalog.FindKpi(event.kpi_id);
  if (kpi == nullptr) return Invalid("unknown KPI");
  if (!event.time.has_value()) return Invalid("time is required");
  if (*event.time < now - settings.max_event_age) return Invalid("time is too far in the past");
  if (*event.time > now + settings.max_clock_skew) return Invalid("time lies in the future");
  if (absl::Status status = ValidateValue(*kpi, event.value); !status.ok()) return status;
  return ValidateDimensions(*kpi, event);
}

absl::StatusOr<ReportCounts> MonitoringService::Report(const std::vector<ReportedEvent>& events) {
  if (events.size() > settings_.max_batch_events) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", settings_.max_batch_events, " events per batch"));
  }
  ReportCounts counts;
  const absl::Time now = clock_.Now();
  std::vector<IngestEvent> valid;
  valid.reserve(events.size());
  for (const ReportedEvent& event : events) {
    if (absl::Status status = ValidateEvent(catalog_, event, now, settings_); !status.ok()) {
      if (counts.rejected++ == 0) counts.first_rejection = std::string(status.message());
      continue;
    }
    const KpiDefinition& kpi = *catalog_.FindKpi(event.kpi_id);
    IngestEvent ingest;
    ingest.event_id = event.event_id;
    ingest.kpi_id = event.kpi_id;
    ingest.value = event.value;
    ingest.histogram_bucket = IsPercentile(kpi.aggregation) ? HistogramBucket(event.value) : -1;
    for (Grain grain : {Grain::kHour, Grain::kDay, Grain::kMonth, Grain::kAll}) {
      ingest.periods.push_back({grain, PeriodStart(*event.time, grain, settings_.zone)});
    }
    ingest.dimensions = event.dimensions;
    std::sort(ingest.dimensions.begin(), ingest.dimensions.end());
    valid.push_back(std::move(ingest));
  }
  if (valid.empty()) return counts;
  absl::StatusOr<IngestCounts> stored = repository_.Ingest(valid);
  if (!stored.ok()) return stored.status();
  counts.accepted = stored->accepted;
  counts.duplicates = stored->duplicates;
  counts.dimension_values_refused = stored->dimension_values_refused;
  return counts;
}

bool MonitoringService::Visible(const Viewer& viewer, const KpiDefinition& kpi) const {
  return kpi.published || viewer.steering_office;
}

absl::StatusOr<std::vector<KpiView>> MonitoringService::Evaluate(
    const std::vector<const KpiDefinition*>& kpis) {
  const absl::Time now = clock_.Now();
  std::vector<PeriodKey> keys;
  for (const KpiDefinition* kpi : kpis) {
    const absl::Time current = PeriodStart(now, kpi->grain, settings_.zone);
    keys.push_back({kpi->id, {kpi->grain, current}});
    keys.push_back({kpi->id, {kpi->grain, PreviousPeriod(current, kpi->grain, settings_.zone)}});
  }
  absl::StatusOr<std::vector<PeriodData>> data = repository_.Read(keys);
  if (!data.ok()) return data.status();
  std::vector<KpiView> views;
  for (size_t i = 0; i < kpis.size(); ++i) {
    KpiView view;
    view.kpi = kpis[i];
    view.current = CellValue(kpis[i]->aggregation, (*data)[2 * i].total);
    view.previous = CellValue(kpis[i]->aggregation, (*data)[2 * i + 1].total);
    view.status = EvaluateStatus(*kpis[i], view.current);
    if (view.current.has_value() && view.previous.has_value()) {
      view.trend = *view.current - *view.previous;
    }
    views.push_back(view);
  }
  return views;
}

absl::StatusOr<std::vector<KpiView>> MonitoringService::ListKpis(const Viewer& viewer,
                                                                 int field_of_action) {
  if (field_of_action < 0 || field_of_action > 5) {
    return WithReason(absl::InvalidArgumentError("field_of_action must be 1 to 5 (or 0 for all)"),
                      "field_of_action_invalid");
  }
  std::vector<const KpiDefinition*> kpis;
  for (const KpiDefinition& kpi : catalog_.kpis()) {
    if (!Visible(viewer, kpi)) continue;
    if (field_of_action != 0 && kpi.field_of_action != field_of_action) continue;
    kpis.push_back(&kpi);
  }
  return Evaluate(kpis);
}

absl::StatusOr<std::vector<absl::Time>> MonitoringService::SeriesPeriods(const SeriesQuery& query,
                                                                         Grain grain) {
  const absl::TimeZone zone = settings_.zone;
  absl::Time to =
      query.to.value_or(NextPeriod(PeriodStart(clock_.Now(), grain, zone), grain, zone));
  absl::Time from;
  if (query.from.has_value()) {
    from = *query.from;
  } else {
    from = PeriodStart(to - absl::Nanoseconds(1), grain, zone);
    for (int i = 1; i < kDefaultSeriesPeriods; ++i) from = PreviousPeriod(from, grain, zone);
  }
  if (from >= to) {
    return WithReason(absl::InvalidArgumentError("from must lie before to"),
                      "series_range_invalid");
  }
  std::vector<absl::Time> periods =
      PeriodsBetween(from, to, grain, zone, settings_.max_series_points);
  if (periods.size() > settings_.max_series_points) {
    return WithReason(absl::InvalidArgumentError(
                          absl::StrCat("range too long: at most ", settings_.max_series_points,
                                       " periods per series; choose a coarser grain")),
                      "series_range_too_long");
  }
  return periods;
}

absl::StatusOr<SeriesView> MonitoringService::GetSeries(const Viewer& viewer,
                                                        const SeriesQuery& query) {
  const KpiDefinition* kpi = catalog_.FindKpi(query.kpi_id);
  // An unpublished KPI does not exist for anonymous callers.
  if (kpi == nullptr || !Visible(viewer, *kpi)) {
    return WithReason(absl::NotFoundError("KPI not found"), "kpi_not_found");
  }
  if (query.grain == Grain::kAll) {
    return WithReason(absl::InvalidArgumentError("grain: hour, day or month"), "grain_invalid");
  }
  if (!query.dimension.empty() && !kpi->AllowsDimension(query.dimension)) {
    return WithReason(absl::InvalidArgumentError("dimension: not one of the KPI's dimension keys"),
                      "dimension_unknown");
  }
  SeriesView view;
  view.grain = query.grain.value_or(kpi->grain);
  absl::StatusOr<std::vector<absl::Time>> periods = SeriesPeriods(query, view.grain);
  if (!periods.ok()) return periods.status();
  absl::StatusOr<std::vector<KpiView>> evaluated = Evaluate({kpi});
  if (!evaluated.ok()) return evaluated.status();
  view.kpi = evaluated->front();

  std::vector<PeriodKey> keys;
  for (absl::Time start : *periods) keys.push_back({kpi->id, {view.grain, start}});
  absl::StatusOr<std::vector<PeriodData>> data = repository_.Read(keys);
  if (!data.ok()) return data.status();

  auto point = [&](absl::Time start, const Cell& cell) {
    return SeriesPoint{start, CellValue(kpi->aggregation, cell).value_or(0), cell.samples};
  };
  DimensionSeries total;
  for (size_t i = 0; i < periods->size(); ++i) {
    total.points.push_back(point((*periods)[i], (*data)[i].total));
  }
  view.series.push_back(std::move(total));
  if (query.dimension.empty()) return view;

  const std::string prefix = query.dimension + "=";
  std::set<std::string> values;
  for (const PeriodData& period : *data) {
    for (const auto& [label, cell] : period.by_dimension) {
      if (label.starts_with(prefix)) values.insert(label.substr(prefix.size()));
    }
  }
  for (const std::string& value : values) {
    DimensionSeries series;
    series.dimension_value = value;
    const std::string label = prefix + value;
    for (size_t i = 0; i < periods->size(); ++i) {
      auto it = (*data)[i].by_dimension.find(label);
      series.points.push_back(
          point((*periods)[i], it == (*data)[i].by_dimension.end() ? Cell() : it->second));
    }
    view.series.push_back(std::move(series));
  }
  return view;
}

absl::StatusOr<std::vector<FieldView>> MonitoringService::ListFields(const Viewer& viewer) {
  absl::StatusOr<std::vector<KpiView>> kpis = ListKpis(viewer, 0);
  if (!kpis.ok()) return kpis.status();
  std::vector<FieldView> fields;
  for (const FieldOfAction& field : catalog_.fields()) {
    FieldView view;
    view.field = &field;
    std::vector<KpiStatus> statuses;
    for (const KpiView& kpi : *kpis) {
      if (kpi.kpi->field_of_action != field.number) continue;
      statuses.push_back(kpi.status);
      view.on_track += kpi.status == KpiStatus::kOnTrack;
      view.at_risk += kpi.status == KpiStatus::kAtRisk;
      view.off_track += kpi.status == KpiStatus::kOffTrack;
      view.without_data += kpi.status == KpiStatus::kNoData;
    }
    view.status = Worst(statuses);
    fields.push_back(view);
  }
  return fields;
}

namespace {

// Every measure `measure` depends on, directly or through others, that is
// blocked; nearest first. The catalog has no cycles.
std::vector<std::string> BlockedDependencies(const Catalog& catalog,
                                             const MeasureDefinition& measure) {
  std::vector<std::string> blocked;
  std::set<std::string> visited;
  std::vector<const MeasureDefinition*> queue = {&measure};
  for (size_t i = 0; i < queue.size(); ++i) {
    for (const std::string& id : queue[i]->depends_on) {
      if (!visited.insert(id).second) continue;
      const MeasureDefinition* dependency = catalog.FindMeasure(id);
      if (dependency == nullptr) continue;
      if (dependency->IsBlocked()) blocked.push_back(id);
      queue.push_back(dependency);
    }
  }
  return blocked;
}

}  // namespace

absl::StatusOr<std::vector<MeasureView>> MonitoringService::ListMeasures(const Viewer& viewer,
                                                                         int field_of_action) {
  if (field_of_action < 0 || field_of_action > 5) {
    return WithReason(absl::InvalidArgumentError("field_of_action must be 1 to 5 (or 0 for all)"),
                      "field_of_action_invalid");
  }
  absl::StatusOr<std::vector<KpiView>> kpis = ListKpis(viewer, 0);
  if (!kpis.ok()) return kpis.status();
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), settings_.zone);
  std::vector<MeasureView> measures;
  for (const MeasureDefinition& measure : catalog_.measures()) {
    if (field_of_action != 0 && measure.field_of_action != field_of_action) continue;
    MeasureView view;
    view.measure = &measure;
    view.blocked = measure.IsBlocked();
    view.blocked_by = BlockedDependencies(catalog_, measure);
    bool overdue = false;
    for (const Milestone& milestone : measure.milestones) {
      const bool late = milestone.state != MilestoneState::kDone && milestone.due < today;
      overdue = overdue || late;
      view.milestones.push_back({&milestone, late});
    }
    std::vector<KpiStatus> statuses;
    for (const std::string& id : measure.kpi_ids) {
      for (const KpiView& kpi : *kpis) {
        if (kpi.kpi->id != id) continue;
        view.kpi_ids.push_back(id);
        statuses.push_back(kpi.status);
      }
    }
    // The plan's side: blocked is off track; late or held up is at risk.
    if (view.blocked) {
      statuses.push_back(KpiStatus::kOffTrack);
    } else if (overdue || !view.blocked_by.empty()) {
      statuses.push_back(KpiStatus::kAtRisk);
    } else if (!measure.milestones.empty()) {
      statuses.push_back(KpiStatus::kOnTrack);
    }
    view.status = Worst(statuses);
    measures.push_back(std::move(view));
  }
  std::stable_sort(measures.begin(), measures.end(),
                   [](const MeasureView& a, const MeasureView& b) {
                     return a.measure->priority < b.measure->priority;
                   });
  return measures;
}

absl::StatusOr<std::string> MonitoringService::PrometheusText(const Viewer& viewer) {
  const absl::Time now = clock_.Now();
  std::vector<const KpiDefinition*> kpis;
  std::vector<PeriodKey> keys;
  for (const KpiDefinition& kpi : catalog_.kpis()) {
    if (!Visible(viewer, kpi)) continue;
    kpis.push_back(&kpi);
    keys.push_back({kpi.id, {Grain::kAll, absl::UnixEpoch()}});
    keys.push_back({kpi.id, {kpi.grain, PeriodStart(now, kpi.grain, settings_.zone)}});
  }
  absl::StatusOr<std::vector<PeriodData>> data = repository_.Read(keys);
  if (!data.ok()) return data.status();
  std::vector<PrometheusKpi> input;
  for (size_t i = 0; i < kpis.size(); ++i) {
    input.push_back({kpis[i], &(*data)[2 * i], &(*data)[2 * i + 1]});
  }
  return RenderPrometheus(input);
}

}  // namespace stadt::monitoring
