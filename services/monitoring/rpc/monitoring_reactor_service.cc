#include "services/monitoring/rpc/monitoring_reactor_service.h"

namespace stadt::monitoring {

grpc::ServerUnaryReactor* MonitoringReactorService::ReportEvents(
    grpc::CallbackServerContext* context, const v1::ReportEventsRequest* request,
    v1::ReportEventsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ReportEvents(context, request, response); });
}

grpc::ServerUnaryReactor* MonitoringReactorService::ListFieldsOfAction(
    grpc::CallbackServerContext* context, const v1::ListFieldsOfActionRequest* request,
    v1::ListFieldsOfActionResponse* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ListFieldsOfAction(context, request, response);
  });
}

grpc::ServerUnaryReactor* MonitoringReactorService::ListKpis(grpc::CallbackServerContext* context,
                                                             const v1::ListKpisRequest* request,
                                                             v1::ListKpisResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListKpis(context, request, response); });
}

grpc::ServerUnaryReactor* MonitoringReactorService::GetKpiSeries(
    grpc::CallbackServerContext* context, const v1::GetKpiSeriesRequest* request,
    v1::KpiSeries* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetKpiSeries(context, request, response); });
}

grpc::ServerUnaryReactor* MonitoringReactorService::ListMeasures(
    grpc::CallbackServerContext* context, const v1::ListMeasuresRequest* request,
    v1::ListMeasuresResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListMeasures(context, request, response); });
}

grpc::ServerUnaryReactor* MonitoringReactorService::GetPrometheusMetrics(
    grpc::CallbackServerContext* context, const v1::GetPrometheusMetricsRequest* request,
    v1::HttpBody* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.GetPrometheusMetrics(context, request, response);
  });
}

}  // namespace stadt::monitoring
