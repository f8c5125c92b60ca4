#pragma once

#include "services/monitoring/domain/monitoring_service.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"

namespace stadt::monitoring {

// Thin gRPC adapter: converts messages, decides what the caller may see from
// its role, calls the use cases, maps statuses. Synchronous: every call
// blocks on Redis.
class MonitoringGrpcService final : public v1::Monitoring::Service {
 public:
  explicit MonitoringGrpcService(MonitoringService& service) : service_(service) {}

  grpc::Status ReportEvents(grpc::ServerContext* context, const v1::ReportEventsRequest* request,
                            v1::ReportEventsResponse* response) override;
  grpc::Status ListFieldsOfAction(grpc::ServerContext* context,
                                  const v1::ListFieldsOfActionRequest* request,
                                  v1::ListFieldsOfActionResponse* response) override;
  grpc::Status ListKpis(grpc::ServerContext* context, const v1::ListKpisRequest* request,
                        v1::ListKpisResponse* response) override;
  grpc::Status GetKpiSeries(grpc::ServerContext* context, const v1::GetKpiSeriesRequest* request,
                            v1::KpiSeries* response) override;
  grpc::Status ListMeasures(grpc::ServerContext* context, const v1::ListMeasuresRequest* request,
                            v1::ListMeasuresResponse* response) override;
  grpc::Status GetPrometheusMetrics(grpc::ServerContext* context,
                                    const v1::GetPrometheusMetricsRequest* request,
                                    v1::HttpBody* response) override;

 private:
  MonitoringService& service_;
};

}  // namespace stadt::monitoring
