#include "services/common/status.h"

#include "gtest/gtest.h"
#include "services/common/reason.h"

namespace stadt {
namespace {

TEST(StatusTest, KeepsClientFacingMessages) {
  grpc::Status status = ToGrpcStatus(absl::NotFoundError("office not found"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "office not found");
}

TEST(StatusTest, HidesInternalAndInfrastructureDetails) {
  grpc::Status internal = ToGrpcStatus(absl::InternalError("WRONGTYPE at key appt:{x}"));
  EXPECT_EQ(internal.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(internal.error_message().find("WRONGTYPE"), std::string::npos);
  grpc::Status down = ToGrpcStatus(absl::UnavailableError("redis 10.0.0.7:6379 refused"));
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(down.error_message().find("10.0.0.7"), std::string::npos);
}

TEST(StatusTest, MapsGrpcCodesToHttpAsDesigned) {
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::OUT_OF_RANGE), 400);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::ABORTED), 409);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::INTERNAL), 500);
  EXPECT_EQ(HttpStatusForGrpcCode(grpc::StatusCode::UNKNOWN), 500);
}

TEST(StatusTest, RoundTripsCodes) {
  absl::Status back = FromGrpcStatus(grpc::Status(grpc::StatusCode::ABORTED, "retry"));
  EXPECT_EQ(back.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(back.message(), "retry");
}

TEST(StatusTest, CarriesAReasonTokenAcrossGrpc) {
  const absl::Status refused =
      WithReason(absl::InvalidArgumentError("criteria[0]: unknown"), "unknown_criterion");
  const grpc::Status wire = ToGrpcStatus(refused);
  EXPECT_EQ(wire.error_details(), "unknown_criterion");
  EXPECT_EQ(ReasonOf(FromGrpcStatus(wire)), "unknown_criterion");
  // Hidden codes lose their reason with their message; non-tokens are dropped.
  EXPECT_EQ(ToGrpcStatus(WithReason(absl::InternalError("x"), "boom")).error_details(), "");
  EXPECT_EQ(ReasonOf(WithReason(absl::NotFoundError("x"), "Not A Token")), "");
  EXPECT_EQ(ReasonOf(FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "x", "a b"))), "");
  EXPECT_TRUE(WithReason(absl::OkStatus(), "ok_reason").ok());
}

}  // namespace
}  // namespace stadt
