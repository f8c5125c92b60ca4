#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/support/status.h"
#include "services/common/privacy/personal_data.h"
#include "stadt/type/v1/personal_data.pb.h"

namespace stadt::privacy {

// The rpc adapters' conversions of a service's part of an export or erasure.
void ToProto(const std::string& service, const std::vector<Record>& records,
             type::v1::PersonalData& out);
void ToProto(const std::string& service, const Erasure& erasure, type::v1::ErasureReport& out);
// A service's answer to ExportPersonalData / ErasePersonalData: its part, or
// the error that stopped it.
grpc::Status Answer(const std::string& service, const absl::StatusOr<std::vector<Record>>& records,
                    type::v1::PersonalData& out);
grpc::Status Answer(const std::string& service, const absl::StatusOr<Erasure>& erasure,
                    type::v1::ErasureReport& out);
// And back, where the privacy service reads a service's answer.
std::vector<Record> FromProto(const type::v1::PersonalData& data);
Erasure FromProto(const type::v1::ErasureReport& report);

}  // namespace stadt::privacy
