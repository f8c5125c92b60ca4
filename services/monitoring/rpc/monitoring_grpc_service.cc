#include "services/monitoring/rpc/monitoring_grpc_service.h"

#include "services/common/call_context.h"
#include "services/common/log.h"
#include "services/common/reason.h"
#include "services/common/status.h"

namespace stadt::monitoring {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr char kSteeringOfficeRole[] = "steering_office";
constexpr size_t kMaxReporterLength = 64;

Viewer ViewerOf(const grpc::ServerContextBase& context) {
  return Viewer{.steering_office = CallerFromContext(context).HasRole(kSteeringOfficeRole)};
}

bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp) {
  // The range of google.protobuf.Timestamp: years 1 to 9999.
  return timestamp.nanos() >= 0 && timestamp.nanos() < kNanosPerSecond &&
         timestamp.seconds() >= -62135596800 && timestamp.seconds() <= 253402300799;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(time);
  out->set_seconds(nanos / kNanosPerSecond);
  out->set_nanos(static_cast<int32_t>(nanos % kNanosPerSecond));
}

v1::Status ToProto(KpiStatus status) {
  switch (status) {
    case KpiStatus::kOnTrack:
      return v1::STATUS_ON_TRACK;
    case KpiStatus::kAtRisk:
      return v1::STATUS_AT_RISK;
    case KpiStatus::kOffTrack:
      return v1::STATUS_OFF_TRACK;
    case KpiStatus::kNoData:
      return v1::STATUS_NO_DATA;
  }
  return v1::STATUS_UNSPECIFIED;
}

v1::Grain ToProto(Grain grain) {
  switch (grain) {
    case Grain::kHour:
      return v1::GRAIN_HOUR;
    case Grain::kDay:
      return v1::GRAIN_DAY;
    case Grain::kMonth:
      return v1::GRAIN_MONTH;
    case Grain::kAll:
      break;
  }
  return v1::GRAIN_UNSPECIFIED;
}

void ToProto(const KpiView& view, v1::Kpi* out) {
  const KpiDefinition& kpi = *view.kpi;
  out->set_kpi_id(kpi.id);
  out->set_name(kpi.name);
  out->set_description(kpi.description);
  out->set_unit(kpi.unit);
  out->set_owning_service(kpi.owning_service);
  out->set_field_of_action(kpi.field_of_action);
  out->set_aggregation(std::string(AggregationName(kpi.aggregation)));
  out->set_target(kpi.target);
  out->set_direction(std::string(DirectionName(kpi.direction)));
  out->set_warning_threshold(kpi.warning_threshold);
  out->set_grain(ToProto(kpi.grain));
  out->set_published(kpi.published);
  out->set_has_current_value(view.current.has_value());
  out->set_current_value(view.current.value_or(0));
  out->set_has_previous_value(view.previous.has_value());
  out->set_previous_value(view.previous.value_or(0));
  out->set_status(ToProto(view.status));
  out->set_trend(view.trend);
  for (const std::string& key : kpi.dimension_keys) out->add_dimension_keys(key);
}

}  // namespace

grpc::Status MonitoringGrpcService::ReportEvents(grpc::ServerContextBase*,
                                                 const v1::ReportEventsRequest* request,
                                                 v1::ReportEventsResponse* response) {
  if (request->reporter().size() > kMaxReporterLength) {
    return ToGrpcStatus(absl::InvalidArgumentError("reporter: at most 64 characters"));
  }
  std::vector<ReportedEvent> events;
  events.reserve(request->events_size());
  for (const v1::KpiEvent& event : request->events()) {
    ReportedEvent reported;
    reported.event_id = event.event_id();
    reported.kpi_id = event.kpi_id();
    // A malformed or missing time leaves the event without one: rejected.
    if (event.has_time() && IsValidTimestamp(event.time())) {
      reported.time = FromTimestamp(event.time());
    }
    reported.value = event.value();
    for (const auto& [key, value] : event.dimensions())
      reported.dimensions.emplace_back(key, value);
    events.push_back(std::move(reported));
  }
  absl::StatusOr<ReportCounts> counts = service_.Report(events);
  if (!counts.ok()) return ToGrpcStatus(counts.status());
  response->set_accepted(counts->accepted);
  response->set_duplicates(counts->duplicates);
  response->set_rejected(counts->rejected);
  if (counts->rejected > 0 || counts->dimension_values_refused > 0) {
    // Counts and the rule only: event content may be anything.
    log::Warn("events_rejected", {{"reporter", request->reporter().substr(0, kMaxReporterLength)},
                                  {"rejected", static_cast<int64_t>(counts->rejected)},
                                  {"first_reason", counts->first_rejection},
                                  {"dimension_values_refused",
                                   static_cast<int64_t>(counts->dimension_values_refused)}});
  }
  return grpc::Status::OK;
}

grpc::Status MonitoringGrpcService::ListFieldsOfAction(grpc::ServerContextBase* context,
                                                       const v1::ListFieldsOfActionRequest*,
                                                       v1::ListFieldsOfActionResponse* response) {
  absl::StatusOr<std::vector<FieldView>> fields = service_.ListFields(ViewerOf(*context));
  if (!fields.ok()) return ToGrpcStatus(fields.status());
  for (const FieldView& view : *fields) {
    v1::FieldOfAction* out = response->add_fields();
    out->set_number(view.field->number);
    out->set_title(view.field->title);
    out->set_status(ToProto(view.status));
    out->set_kpis_on_track(view.on_track);
    out->set_kpis_at_risk(view.at_risk);
    out->set_kpis_off_track(view.off_track);
    out->set_kpis_without_data(view.without_data);
  }
  response->set_catalog_version(service_.catalog().version());
  return grpc::Status::OK;
}

grpc::Status MonitoringGrpcService::ListKpis(grpc::ServerContextBase* context,
                                             const v1::ListKpisRequest* request,
                                             v1::ListKpisResponse* response) {
  absl::StatusOr<std::vector<KpiView>> kpis =
      service_.ListKpis(ViewerOf(*context), request->field_of_action());
  if (!kpis.ok()) return ToGrpcStatus(kpis.status());
  for (const KpiView& view : *kpis) ToProto(view, response->add_kpis());
  response->set_catalog_version(service_.catalog().version());
  return grpc::Status::OK;
}

grpc::Status MonitoringGrpcService::GetKpiSeries(grpc::ServerContextBase* context,
                                                 const v1::GetKpiSeriesRequest* request,
                                                 v1::KpiSeries* response) {
  SeriesQuery query;
  query.kpi_id = request->kpi_id();
  query.dimension = request->dimension();
  switch (request->grain()) {
    case v1::GRAIN_HOUR:
      query.grain = Grain::kHour;
      break;
    case v1::GRAIN_DAY:
      query.grain = Grain::kDay;
      break;
    case v1::GRAIN_MONTH:
      query.grain = Grain::kMonth;
      break;
    case v1::GRAIN_UNSPECIFIED:
      break;
    default:
      return ToGrpcStatus(
          WithReason(absl::InvalidArgumentError("grain: unknown value"), "grain_invalid"));
  }
  for (const auto& [has, timestamp, target, name] :
       {std::tuple(request->has_from(), &request->from(), &query.from, "from"),
        std::tuple(request->has_to(), &request->to(), &query.to, "to")}) {
    if (!has) continue;
    if (!IsValidTimestamp(*timestamp)) {
      return ToGrpcStatus(absl::InvalidArgumentError(std::string(name) + ": malformed timestamp"));
    }
    *target = FromTimestamp(*timestamp);
  }
  absl::StatusOr<SeriesView> view = service_.GetSeries(ViewerOf(*context), query);
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(view->kpi, response->mutable_kpi());
  response->set_grain(ToProto(view->grain));
  for (const DimensionSeries& series : view->series) {
    v1::KpiDimensionSeries* out = response->add_series();
    out->set_dimension_value(series.dimension_value);
    for (const SeriesPoint& point : series.points) {
      v1::KpiPoint* p = out->add_points();
      ToTimestamp(point.period_start, p->mutable_period_start());
      p->set_value(point.value);
      p->set_samples(point.samples);
    }
  }
  return grpc::Status::OK;
}

grpc::Status MonitoringGrpcService::ListMeasures(grpc::ServerContextBase* context,
                                                 const v1::ListMeasuresRequest* request,
                                                 v1::ListMeasuresResponse* response) {
  absl::StatusOr<std::vector<MeasureView>> measures =
      service_.ListMeasures(ViewerOf(*context), request->field_of_action());
  if (!measures.ok()) return ToGrpcStatus(measures.status());
  for (const MeasureView& view : *measures) {
    const MeasureDefinition& measure = *view.measure;
    v1::Measure* out = response->add_measures();
    out->set_measure_id(measure.id);
    out->set_title(measure.title);
    out->set_field_of_action(measure.field_of_action);
    out->set_priority(measure.priority);
    out->set_owner_department(measure.owner_department);
    for (const MilestoneView& milestone : view.milestones) {
      v1::Milestone* m = out->add_milestones();
      m->set_title(milestone.milestone->title);
      m->set_due(absl::FormatCivilTime(milestone.milestone->due));
      m->set_state(std::string(MilestoneStateName(milestone.milestone->state)));
      m->set_overdue(milestone.overdue);
    }
    for (const std::string& id : measure.depends_on) out->add_depends_on(id);
    for (const std::string& id : view.kpi_ids) out->add_kpi_ids(id);
    for (const std::string& id : view.blocked_by) out->add_blocked_by(id);
    out->set_status(ToProto(view.status));
    out->set_blocked(view.blocked);
  }
  return grpc::Status::OK;
}

grpc::Status MonitoringGrpcService::GetPrometheusMetrics(grpc::ServerContextBase* context,
                                                         const v1::GetPrometheusMetricsRequest*,
                                                         v1::HttpBody* response) {
  absl::StatusOr<std::string> text = service_.PrometheusText(ViewerOf(*context));
  if (!text.ok()) return ToGrpcStatus(text.status());
  response->set_content_type("text/plain; version=0.0.4");
  response->set_data(*std::move(text));
  return grpc::Status::OK;
}

}  // namespace stadt::monitoring
