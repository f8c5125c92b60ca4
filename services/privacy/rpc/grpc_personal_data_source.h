#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "services/common/call_context.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/status.h"
#include "services/privacy/domain/data_rights.h"

namespace stadt::privacy {

// The deadline of a call to a service: the caller's `incoming` deadline, but
// never more than `timeout` from `now` (PRIVACY_SERVICE_TIMEOUT bounds a
// caller without a deadline, or with a generous one).
inline absl::Time CallDeadline(absl::Time now, absl::Time incoming, absl::Duration timeout) {
  return std::min(incoming, now + timeout);
}

// A service's ExportPersonalData / ErasePersonalData over gRPC. `Service` is a
// generated service class (v1::Appointments, ...): every service declares the
// two RPCs with the same messages. The subject travels as the gateway sends
// it (x-stadt-subject), so the service reads it as from any citizen's call.
template <typename Service>
class GrpcPersonalDataSource final : public PersonalDataSource {
 public:
  GrpcPersonalDataSource(std::string name, const std::shared_ptr<grpc::Channel>& channel,
                         absl::Duration timeout, bool exports = true)
      : name_(std::move(name)),
        stub_(Service::NewStub(channel)),
        timeout_(timeout),
        exports_(exports) {}

  const std::string& name() const override { return name_; }
  bool exports() const override { return exports_; }

  absl::StatusOr<std::vector<Record>> Export(const std::string& subject,
                                             absl::Time deadline) override {
    grpc::ClientContext context;
    Prepare(context, subject, deadline);
    type::v1::PersonalData response;
    const grpc::Status status =
        stub_->ExportPersonalData(&context, type::v1::PersonalDataRequest(), &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return FromProto(response);
  }

  absl::StatusOr<Erasure> Erase(const std::string& subject,
                                const std::vector<std::string>& references,
                                absl::Time deadline) override {
    grpc::ClientContext context;
    Prepare(context, subject, deadline);
    type::v1::PersonalDataRequest request;
    for (const std::string& reference : references) request.add_references(reference);
    type::v1::ErasureReport response;
    const grpc::Status status = stub_->ErasePersonalData(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return FromProto(response);
  }

 private:
  void Prepare(grpc::ClientContext& context, const std::string& subject,
               absl::Time deadline) const {
    context.set_deadline(absl::ToChronoTime(CallDeadline(absl::Now(), deadline, timeout_)));
    context.AddMetadata(kSubjectMetadata, subject);
    context.AddMetadata(kRolesMetadata, "citizen");
  }

  std::string name_;
  std::unique_ptr<typename Service::Stub> stub_;
  absl::Duration timeout_;
  bool exports_;
};

}  // namespace stadt::privacy
