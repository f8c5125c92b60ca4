#include "services/common/kpi/grpc_kpi_sink.h"

#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "services/common/log.h"
#include "services/common/status.h"

namespace stadt {

void ToProto(const KpiEvent& event, monitoring::v1::KpiEvent* out) {
  out->set_event_id(event.event_id);
  out->set_kpi_id(event.kpi_id);
  const int64_t nanos = absl::ToUnixNanos(event.time);
  out->mutable_time()->set_seconds(nanos / 1000000000);
  out->mutable_time()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  out->set_value(event.value);
  for (const auto& [key, value] : event.dimensions) (*out->mutable_dimensions())[key] = value;
}

GrpcKpiSink::GrpcKpiSink(std::shared_ptr<grpc::Channel> channel, std::string reporter)
    : stub_(monitoring::v1::Monitoring::NewStub(std::move(channel))),
      reporter_(std::move(reporter)) {}

std::unique_ptr<GrpcKpiSink> GrpcKpiSink::Connect(const std::string& address,
                                                  std::string reporter) {
  grpc::ChannelArguments arguments;
  // gRPC's default reconnect backoff grows to two minutes; events would wait
  // that long after an outage although our own retry is ready much earlier.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  return std::make_unique<GrpcKpiSink>(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments),
      std::move(reporter));
}

absl::Status GrpcKpiSink::Send(const std::vector<KpiEvent>& batch, absl::Duration timeout) {
  monitoring::v1::ReportEventsRequest request;
  request.set_reporter(reporter_);
  for (const KpiEvent& event : batch) ToProto(event, request.add_events());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  monitoring::v1::ReportEventsResponse response;
  const grpc::Status status = stub_->ReportEvents(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  if (response.rejected() > 0) {
    // Refused events are bugs on our side (an unknown KPI id, a bad value);
    // resending cannot fix them, so they count as delivered.
    log::Warn("kpi_events_refused_by_monitoring", {{"rejected", response.rejected()}});
  }
  return absl::OkStatus();
}

}  // namespace stadt
