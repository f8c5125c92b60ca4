#include "services/privacy/rpc/privacy_grpc_service.h"

#include <array>
#include <memory>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/common/call_context.h"
#include "services/common/grpc_reactor.h"
#include "services/common/grpc_reactor_testing.h"
#include "services/privacy/rpc/grpc_personal_data_source.h"
#include "services/privacy/rpc/privacy_reactor_service.h"
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
    reactor_ = std::make_unique<PrivacyReactorService>(*service_, pool_);
    grpc::ServerBuilder front;
    front.RegisterService(reactor_.get());
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
  // Served as in production: the callback front, the calls on a pool.
  BlockingCallPool pool_{2};
  std::unique_ptr<PrivacyReactorService> reactor_;
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

TEST(PrivacyReactorServiceTest, ServesEveryMethod) {
  DataRights rights({});
  PrivacyGrpcService service(rights);
  BlockingCallPool pool(2);
  PrivacyReactorService front(service, pool);
  EXPECT_THAT(
      stadt::testing::MethodsAnsweringUnimplemented(front, v1::Privacy::service_full_name()),
      ::testing::IsEmpty());
}

// A source whose exports wait until the test lets them go.
class HeldSource final : public PersonalDataSource {
 public:
  const std::string& name() const override { return name_; }
  absl::StatusOr<std::vector<Record>> Export(const std::string&, absl::Time) override {
    absl::MutexLock lock(&mutex_);
    ++entered_;
    mutex_.Await(absl::Condition(&released_));
    ++returned_;
    return std::vector<Record>();
  }
  absl::StatusOr<Erasure> Erase(const std::string&, const std::vector<std::string>&,
                                absl::Time) override {
    return Erasure();
  }
  void AwaitEntered(int count) {
    absl::MutexLock lock(&mutex_);
    const auto entered = [this, count]()
                             ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return entered_ >= count; };
    mutex_.Await(absl::Condition(&entered));
  }
  void Release() {
    absl::MutexLock lock(&mutex_);
    released_ = true;
  }
  // How many exports began and did not end yet.
  int running() {
    absl::MutexLock lock(&mutex_);
    return entered_ - returned_;
  }

 private:
  const std::string name_ = "held";
  absl::Mutex mutex_;
  int entered_ ABSL_GUARDED_BY(mutex_) = 0;
  int returned_ ABSL_GUARDED_BY(mutex_) = 0;
  bool released_ ABSL_GUARDED_BY(mutex_) = false;
};

// The order main() relies on: Server::Shutdown returns only once every call a
// handler on the pool holds is finished, so the server, then the front, then
// the pool can go (a call finished into a destroyed server is what
// AddressSanitizer reports; the sanitizers preset runs this test).
TEST(PrivacyReactorServiceTest, ShutdownWaitsForTheCallsOnThePool) {
  HeldSource source;
  DataRights rights({&source});
  PrivacyGrpcService service(rights);
  auto pool = std::make_unique<BlockingCallPool>(2);
  auto front = std::make_unique<PrivacyReactorService>(service, *pool);
  grpc::ServerBuilder builder;
  builder.RegisterService(front.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::Privacy::Stub> stub =
      v1::Privacy::NewStub(server->InProcessChannel(grpc::ChannelArguments()));

  // Four calls: two wait in the source on the pool's two threads, the others
  // wait in its queue (or have not reached the server yet).
  struct Call {
    grpc::ClientContext context;
    v1::MyData response;
    grpc::Status status;
    absl::Notification done;
  };
  std::array<Call, 4> calls;
  const v1::ExportMyDataRequest request;
  for (Call& call : calls) {
    call.context.AddMetadata(kSubjectMetadata, "anna");
    stub->async()->ExportMyData(&call.context, &request, &call.response,
                                [&call](grpc::Status status) {
                                  call.status = std::move(status);
                                  call.done.Notify();
                                });
  }
  source.AwaitEntered(2);

  // A deadline already past: every call is cancelled at once, and the
  // handlers still finish theirs before Shutdown returns.
  std::thread shutdown([&server] { server->Shutdown(absl::ToChronoTime(absl::Now())); });
  source.Release();
  shutdown.join();
  EXPECT_EQ(source.running(), 0);
  // Each client has its answer: the result, or the shutdown's cancellation
  // (UNAVAILABLE when the transport closed before that reached it).
  for (Call& call : calls) {
    call.done.WaitForNotification();
    EXPECT_THAT(call.status.error_code(),
                ::testing::AnyOf(grpc::StatusCode::OK, grpc::StatusCode::CANCELLED,
                                 grpc::StatusCode::UNAVAILABLE))
        << call.status.error_message();
  }
  server.reset();
  front.reset();
  pool.reset();
}

}  // namespace
}  // namespace stadt::privacy
