#include "services/video/rpc/video_grpc_service.h"

#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "services/booking/domain/in_memory_booking_repository.h"
#include "services/video/domain/in_memory_visit_repository.h"
#include "services/video/domain/test_catalog.h"

namespace stadt::video {
namespace {

// Signed-in paths run through the gateway in tests/e2e; here: conversions and
// what the adapter itself must refuse.
class VideoGrpcServiceTest : public ::testing::Test {
 protected:
  VideoCatalog catalog_ = testing::TestCatalog();
  FakeClock clock_{testing::Local(1, 7, 0)};
  booking::InMemoryBookingRepository bookings_;
  InMemoryVisitRepository visits_{bookings_};
  VideoService domain_{catalog_,
                       bookings_,
                       visits_,
                       clock_,
                       booking::Calendar(booking::BookingRules{}, testing::Berlin()),
                       booking::BookingSecrets::Derive("k", "video"),
                       VideoSettings{}};
  VideoGrpcService service_{domain_};
  grpc::ServerContext context_;
};

TEST_F(VideoGrpcServiceTest, ListsTopicsAndSlots) {
  v1::ListTopicsResponse topics;
  ASSERT_TRUE(service_.ListTopics(&context_, nullptr, &topics).ok());
  ASSERT_EQ(topics.topics_size(), 2);
  EXPECT_TRUE(topics.topics(0).id_check_required());
  EXPECT_EQ(topics.departments(1).id(), "jobcentre");
  v1::SearchSlotsRequest request;
  request.set_topic_id("job-advice");
  request.set_limit(2);
  v1::SearchSlotsResponse slots;
  ASSERT_TRUE(service_.SearchSlots(&context_, &request, &slots).ok());
  ASSERT_EQ(slots.slots_size(), 2);
  EXPECT_EQ(slots.slots(0).start().seconds(), absl::ToUnixSeconds(testing::Local(1, 9, 0)));
}

TEST_F(VideoGrpcServiceTest, RefusesBadInputAndAnonymousCallers) {
  v1::CreateHoldRequest hold;
  hold.set_topic_id("housing");
  hold.mutable_start()->set_nanos(-1);
  v1::Hold held;
  EXPECT_EQ(service_.CreateHold(&context_, &hold, &held).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  hold.mutable_start()->set_seconds(absl::ToUnixSeconds(testing::Local(1, 10, 0)));
  hold.mutable_start()->set_nanos(0);
  EXPECT_EQ(service_.CreateHold(&context_, &hold, &held).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::GetConsultationRequest get;
  get.set_booking_code("AAA-BBB-CCC");
  v1::Consultation consultation;
  EXPECT_EQ(service_.GetConsultation(&context_, &get, &consultation).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ListWaitingRoomRequest room;
  room.set_date("2026-12-01");
  v1::ListWaitingRoomResponse entries;
  EXPECT_EQ(service_.ListWaitingRoom(&context_, &room, &entries).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::VerifyJoinTokenRequest verify;
  verify.set_booking_code("not a code");
  v1::VerifyJoinTokenResponse verified;
  EXPECT_EQ(service_.VerifyJoinToken(&context_, &verify, &verified).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(VideoConversionTest, WaitingEntryAndJoinLink) {
  WaitingEntry entry;
  entry.code = "AAA-BBB-CCC";
  entry.topic = {"housing", "Housing benefit", "social", 30, true};
  entry.start = absl::FromUnixSeconds(1'800'000'000);
  entry.end = entry.start + absl::Minutes(30);
  entry.visit.state = VisitState::kWaiting;
  entry.visit.waiting_since = entry.start - absl::Minutes(4);
  entry.waited = absl::Minutes(4);
  v1::WaitingEntry message;
  ToProto(entry, &message);
  EXPECT_EQ(message.state(), v1::VISIT_STATE_WAITING);
  EXPECT_EQ(message.duration_minutes(), 30);
  EXPECT_EQ(message.waited_seconds(), 240);
  EXPECT_EQ(message.waiting_since().seconds(), 1'800'000'000 - 240);
  EXPECT_TRUE(message.id_check_required());
  EXPECT_FALSE(message.id_checked());

  JoinLink link{"https://meet/x?jwt=t", "x", "t", entry.start, entry.end, true};
  v1::JoinLink link_message;
  ToProto(link, &link_message);
  EXPECT_EQ(link_message.url(), "https://meet/x?jwt=t");
  EXPECT_TRUE(link_message.moderator());
  EXPECT_EQ(link_message.valid_until().seconds(), 1'800'000'000 + 1800);
}

}  // namespace
}  // namespace stadt::video
