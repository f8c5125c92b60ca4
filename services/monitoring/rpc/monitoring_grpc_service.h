#pragma once

#include "services/monitoring/domain/monitoring_service.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"

namespace stadt::monitoring {

// Thin gRPC adapter: converts messages, decides what the caller may see from
// its role, calls the use cases, maps statuses. Every call blocks on Redis:
// MonitoringReactorService serves them with gRPC's callback API on a bounded
// pool (services/common/grpc_reactor.h). The handlers take
// grpc::ServerContextBase, so that unit tests call them with a plain
// grpc::ServerContext.
class MonitoringGrpcService final {
 public:
  explicit MonitoringGrpcService(MonitoringService& service) : service_(service) {}

  grpc::Status ReportEvents(grpc::ServerContextBase* context,
                            const v1::ReportEventsRequest* request,
                            v1::ReportEventsResponse* response);
  grpc::Status ListFieldsOfAction(grpc::ServerContextBase* context,
                                  const v1::ListFieldsOfActionRequest* request,
                                  v1::ListFieldsOfActionResponse* response);
  grpc::Status ListKpis(grpc::ServerContextBase* context, const v1::ListKpisRequest* request,
                        v1::ListKpisResponse* response);
  grpc::Status GetKpiSeries(grpc::ServerContextBase* context,
                            const v1::GetKpiSeriesRequest* request, v1::KpiSeries* response);
  grpc::Status ListMeasures(grpc::ServerContextBase* context,
                            const v1::ListMeasuresRequest* request,
                            v1::ListMeasuresResponse* response);
  grpc::Status GetPrometheusMetrics(grpc::ServerContextBase* context,
                                    const v1::GetPrometheusMetricsRequest* request,
                                    v1::HttpBody* response);

 private:
  MonitoringService& service_;
};

}  // namespace stadt::monitoring
