#include "services/privacy/rpc/privacy_grpc_service.h"

#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/common/call_context.h"
#include "services/privacy/rpc/grpc_personal_data_source.h"
#include "stadt/daycare/v1/daycare.grpc.pb.h"

namespace stadt::privacy {
namespace {

TEST(CallDeadlineTest, TheCallersDeadlineBoundedByTheTimeout) {
  const absl::Time now = absl::FromUnixSeconds(1'780'000'000);
  EXPECT_EQ(CallDeadline(now, now + absl::Seconds(2), absl::Seconds(4)), now + absl::Seconds(2));
  EXPECT_EQ(CallDeadline(now, now + absl::Seconds(9), absl::Seconds(4)), now + absl::Seconds(4));
  EXPECT_EQ(CallDeadline(now, absl::InfiniteFuture(), absl::Seconds(4)), now + absl::Seconds(4));
}

// A daycare service that records the deadline of each call it gets.
class DeadlineRecorder final : public daycare::v1::Daycare::Service {
 public:
  grpc::Status ExportPersonalData(grpc::ServerContext* context,
                                  const type::v1::PersonalDataRequest*,
                                  type::v1::PersonalData*) override {
    Record(*context);
    return grpc::Status::OK;
  }
  grpc::Status ErasePersonalData(grpc::ServerContext* context, const type::v1::PersonalDataRequest*,
                                 type::v1::ErasureReport*) override {
    Record(*context);
    return grpc::Status::OK;
  }
  std::vector<absl::Time> deadlines() {
    absl::MutexLock lock(&mutex_);
    return deadlines_;
  }

 private:
  void Record(const grpc::ServerContext& context) {
    absl::MutexLock lock(&mutex_);
    deadlines_.push_back(absl::FromChrono(context.deadline()));
  }

  absl::Mutex mutex_;
  std::vector<absl::Time> deadlines_ ABSL_GUARDED_BY(mutex_);
};

// The orchestrator over gRPC in one process: privacy -> a daycare that records
// deadlines. The gateway's deadline reaches the service, bounded by the timeout.
class PrivacyDeadlineTest : public ::testing::Test {
 protected:
  static constexpr absl::Duration kServiceTimeout = absl::Seconds(30);

  void SetUp() override {
    grpc::ServerBuilder backend;
    backend.RegisterService(&daycare_);
    backend_ = backend.BuildAndStart();
    ASSERT_NE(backend_, nullptr);
    source_ = std::make_unique<GrpcPersonalDataSource<daycare::v1::Daycare>>(
        "daycare", backend_->InProcessChannel(grpc::ChannelArguments()), kServiceTimeout);
    rights_ = std::make_unique<DataRights>(std::vector<PersonalDataSource*>{source_.get()});
    service_ = std::make_unique<PrivacyGrpcService>(*rights_);
    grpc::ServerBuilder front;
    front.RegisterService(service_.get());
    front_ = front.BuildAndStart();
    ASSERT_NE(front_, nullptr);
    stub_ = v1::Privacy::NewStub(front_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (front_) front_->Shutdown();
    if (backend_) backend_->Shutdown();
  }

  DeadlineRecorder daycare_;
  std::unique_ptr<grpc::Server> backend_;
  std::unique_ptr<GrpcPersonalDataSource<daycare::v1::Daycare>> source_;
  std::unique_ptr<DataRights> rights_;
  std::unique_ptr<PrivacyGrpcService> service_;
  std::unique_ptr<grpc::Server> front_;
  std::unique_ptr<v1::Privacy::Stub> stub_;
};

TEST_F(PrivacyDeadlineTest, TheGatewaysDeadlineReachesTheServices) {
  // Deadlines are absolute: however long the calls take, the service sees the
  // gateway's (to the rounding of gRPC's timeout header), not now + 30 s.
  const absl::Time deadline = absl::Now() + absl::Seconds(3);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  context.AddMetadata(kSubjectMetadata, "anna");
  v1::ErasureResult result;
  ASSERT_TRUE(stub_->EraseMyData(&context, v1::EraseMyDataRequest(), &result).ok());
  const std::vector<absl::Time> seen = daycare_.deadlines();
  ASSERT_EQ(seen.size(), 2u);  // the export the erasure starts with, then the erasure
  for (absl::Time at : seen) {
    EXPECT_LE(at, deadline + absl::Milliseconds(100));
    EXPECT_GE(at, deadline - absl::Seconds(1));
  }
}

TEST_F(PrivacyDeadlineTest, WithoutADeadlineTheTimeoutBoundsTheCall) {
  const absl::Time before = absl::Now();
  grpc::ClientContext context;
  context.AddMetadata(kSubjectMetadata, "anna");
  v1::MyData data;
  ASSERT_TRUE(stub_->ExportMyData(&context, v1::ExportMyDataRequest(), &data).ok());
  const std::vector<absl::Time> seen = daycare_.deadlines();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_GE(seen[0], before + kServiceTimeout - absl::Seconds(1));
  EXPECT_LE(seen[0], absl::Now() + kServiceTimeout + absl::Milliseconds(100));
}

}  // namespace
}  // namespace stadt::privacy
