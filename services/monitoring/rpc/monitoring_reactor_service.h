#pragma once

#include "services/common/grpc_reactor.h"
#include "services/monitoring/rpc/monitoring_grpc_service.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"

namespace stadt::monitoring {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Every call reads or writes Redis, so
// each runs on `pool` (blocking Redis I/O stays off gRPC's threads).
class MonitoringReactorService final : public v1::Monitoring::CallbackService {
 public:
  MonitoringReactorService(MonitoringGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* ReportEvents(grpc::CallbackServerContext* context,
                                         const v1::ReportEventsRequest* request,
                                         v1::ReportEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListFieldsOfAction(grpc::CallbackServerContext* context,
                                               const v1::ListFieldsOfActionRequest* request,
                                               v1::ListFieldsOfActionResponse* response) override;
  grpc::ServerUnaryReactor* ListKpis(grpc::CallbackServerContext* context,
                                     const v1::ListKpisRequest* request,
                                     v1::ListKpisResponse* response) override;
  grpc::ServerUnaryReactor* GetKpiSeries(grpc::CallbackServerContext* context,
                                         const v1::GetKpiSeriesRequest* request,
                                         v1::KpiSeries* response) override;
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* context,
                                         const v1::ListMeasuresRequest* request,
                                         v1::ListMeasuresResponse* response) override;
  grpc::ServerUnaryReactor* GetPrometheusMetrics(grpc::CallbackServerContext* context,
                                                 const v1::GetPrometheusMetricsRequest* request,
                                                 v1::HttpBody* response) override;

 private:
  MonitoringGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::monitoring
