#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/video/domain/test_video_domain.h"

namespace stadt::video {
namespace {

using ::testing::HasSubstr;
using testing::Local;

// Search, hold, confirm and the manage code's actions.
using VideoBookingsTest = testing::VideoDomainTest;

TEST_F(VideoBookingsTest, SearchOffersATimeWhileAnyCaseworkerIsFree) {
  absl::StatusOr<std::vector<VideoSlot>> slots =
      video_bookings_.SearchSlots("housing", "2037-12-01", "2037-12-02", 100);
  ASSERT_TRUE(slots.ok()) << slots.status();
  // Tuesday 10:00-11:30 starts (7), Wednesday Ben 10:00-10:30 (3).
  ASSERT_EQ(slots->size(), 10u);
  EXPECT_EQ(slots->front().start, Local(1, 10, 0));
  EXPECT_EQ(slots->front().duration_minutes, 30);
  EXPECT_EQ(slots->back().start, Local(2, 10, 30));
  Book("c1", Local(1, 10, 0));
  Book("c2", Local(1, 10, 0));  // both caseworkers now busy 10:00-10:30
  slots = video_bookings_.SearchSlots("housing", "2037-12-01", "2037-12-01", 3);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->front().start, Local(1, 10, 30));
  // Anna is absent on the 8th; Ben still consults.
  slots = video_bookings_.SearchSlots("housing", "2037-12-08", "2037-12-08", 100);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->size(), 7u);
}

TEST_F(VideoBookingsTest, AssignsTheLeastBookedFreeCaseworker) {
  EXPECT_EQ(Book("c1", Local(1, 10, 0)).record.resource_id, "cw-anna");  // tie: seed order
  EXPECT_EQ(Book("c2", Local(1, 11, 0)).record.resource_id, "cw-ben");   // Anna has one
  EXPECT_EQ(Book("c3", Local(1, 11, 30)).record.resource_id, "cw-anna");
  EXPECT_EQ(Book("c4", Local(1, 10, 0)).record.resource_id, "cw-ben");  // Anna is busy then
  absl::StatusOr<VideoHold> full = video_bookings_.CreateHold("c5", "housing", Local(1, 10, 0));
  EXPECT_EQ(full.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(video_bookings_.CreateHold("c5", "housing", Local(1, 12, 0)).status().code(),
            absl::StatusCode::kFailedPrecondition);  // nobody works then
}

TEST_F(VideoBookingsTest, ManageCodeAndTokenCancelAndReschedule) {
  ConsultationView booked = Book("citizen-1", Local(1, 10, 0));
  const std::string code = booked.record.code;
  EXPECT_EQ(video_bookings_.Lookup(code, "wrong").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<ConsultationView> moved =
      video_bookings_.Reschedule(code, booked.manage_token, Local(2, 10, 0));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->record.resource_id, "cw-ben");                 // only Ben works on Wednesdays
  EXPECT_EQ(moved->record.attributes, booked.record.attributes);  // the same room
  // Wednesday 10:00 is Ben's only place then: another citizen's move there fails
  // and leaves their booking as it was.
  ConsultationView other = Book("citizen-2", Local(1, 11, 0));
  EXPECT_EQ(video_bookings_.Reschedule(other.record.code, other.manage_token, Local(2, 10, 0))
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(video_bookings_.Lookup(other.record.code, other.manage_token)->record.start,
            Local(1, 11, 0));
  absl::StatusOr<ConsultationView> cancelled = video_bookings_.Cancel(code, booked.manage_token);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->record.status, booking::BookingStatus::kCancelled);
  EXPECT_THAT(cancelled->ics, HasSubstr("METHOD:CANCEL"));
  EXPECT_EQ(consultations_.RecordConsent("citizen-1", code, "2026-01", "3").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(video_bookings_.Lookup(code, booked.manage_token)->record.status,
            booking::BookingStatus::kCancelled);
}

TEST_F(VideoBookingsTest, RejectsBadInput) {
  EXPECT_EQ(video_bookings_.SearchSlots("NOT A TOPIC", "", "", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(video_bookings_.SearchSlots("unknown", "", "", 0).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(video_bookings_.SearchSlots("housing", "", "", 1000).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(video_bookings_.CreateHold("", "housing", Local(1, 10, 0)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(video_bookings_.CreateHold("c1", "housing", Local(1, 10, 5)).status().code(),
            absl::StatusCode::kInvalidArgument);  // off the grid
  EXPECT_EQ(consultations_.GetConsultation("c1", "../../etc").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(consultations_.WaitingRoom("cw-anna", "yesterday").status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string code = Book("c1", Local(1, 10, 0)).record.code;
  EXPECT_EQ(consultations_.Close("cw-anna", code, "whatever").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(consultations_.RecordConsent("c1", code, "", "3").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(consultations_.MarkIdentityChecked("cw-carla", code).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(consultations_.VerifyToken(code, "a.b.c").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(consultations_.VerifyToken("AAA-BBB-CCC", "a.b.c").status().code(),
            absl::StatusCode::kPermissionDenied);  // no hint whether the code exists
}

}  // namespace
}  // namespace stadt::video
