#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "services/common/kpi/kpi_sink.h"
#include "stadt/monitoring/v1/monitoring.grpc.pb.h"

namespace stadt {

// Delivers batches with Monitoring.ReportEvents, each call with its own
// deadline, so a slow or absent monitoring service costs the sender thread at
// most that long per attempt and never a citizen's request.
class GrpcKpiSink final : public KpiSink {
 public:
  GrpcKpiSink(std::shared_ptr<grpc::Channel> channel, std::string reporter);
  // An insecure channel to "host:port" inside the cluster. Reconnects with a
  // short backoff so delivery resumes soon after monitoring comes back.
  static std::unique_ptr<GrpcKpiSink> Connect(const std::string& address, std::string reporter);

  absl::Status Send(const std::vector<KpiEvent>& batch, absl::Duration timeout) override;

 private:
  std::unique_ptr<monitoring::v1::Monitoring::Stub> stub_;
  std::string reporter_;
};

// Exposed for tests.
void ToProto(const KpiEvent& event, monitoring::v1::KpiEvent* out);

}  // namespace stadt
