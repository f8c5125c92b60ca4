#include "services/video/domain/video_service.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/video/domain/in_memory_visit_repository.h"
#include "services/video/domain/test_catalog.h"

namespace stadt::video {
namespace {

using ::testing::HasSubstr;
using testing::Local;

VideoSettings Settings() {
  VideoSettings settings;
  settings.jitsi = {"stadtportal", "secret", "https://meet.stadt.example", "jitsi", ""};
  settings.privacy_notice_version = "2026-01";
  settings.terms_version = "3";
  return settings;
}

class VideoServiceTest : public ::testing::Test {
 protected:
  ConsultationView Book(const std::string& citizen, absl::Time start,
                        const std::string& topic = "housing") {
    absl::StatusOr<VideoHold> hold = service_.CreateHold(citizen, topic, start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    absl::StatusOr<ConsultationView> booked = service_.Confirm(
        citizen, hold.ok() ? hold->hold_id : "", {"Erika Muster", citizen + "@example.org", ""});
    EXPECT_TRUE(booked.ok()) << booked.status();
    return booked.value_or(ConsultationView{});
  }

  // Books, consents and checks in at the join lead time.
  std::string Waiting(const std::string& citizen, absl::Time start) {
    const std::string code = Book(citizen, start).record.code;
    EXPECT_TRUE(service_.RecordConsent(citizen, code, "2026-01", "3").ok());
    clock_.Set(start - absl::Minutes(10));
    EXPECT_TRUE(service_.CheckIn(citizen, code).ok());
    return code;
  }

  VideoCatalog catalog_ = testing::TestCatalog();
  FakeClock clock_{Local(1, 7, 0)};
  booking::InMemoryBookingRepository bookings_;
  InMemoryVisitRepository visits_{bookings_};
  VideoService service_{catalog_,
                        bookings_,
                        visits_,
                        clock_,
                        booking::Calendar(booking::BookingRules{}, testing::Berlin()),
                        booking::BookingSecrets::Derive("video test key", "video"),
                        Settings()};
};

TEST_F(VideoServiceTest, SearchOffersATimeWhileAnyCaseworkerIsFree) {
  absl::StatusOr<std::vector<VideoSlot>> slots =
      service_.SearchSlots("housing", "2037-12-01", "2037-12-02", 100);
  ASSERT_TRUE(slots.ok()) << slots.status();
  // Tuesday 10:00-11:30 starts (7), Wednesday Ben 10:00-10:30 (3).
  ASSERT_EQ(slots->size(), 10u);
  EXPECT_EQ(slots->front().start, Local(1, 10, 0));
  EXPECT_EQ(slots->front().duration_minutes, 30);
  EXPECT_EQ(slots->back().start, Local(2, 10, 30));
  Book("c1", Local(1, 10, 0));
  Book("c2", Local(1, 10, 0));  // both caseworkers now busy 10:00-10:30
  slots = service_.SearchSlots("housing", "2037-12-01", "2037-12-01", 3);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->front().start, Local(1, 10, 30));
  // Anna is absent on the 8th; Ben still consults.
  slots = service_.SearchSlots("housing", "2037-12-08", "2037-12-08", 100);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->size(), 7u);
}

TEST_F(VideoServiceTest, AssignsTheLeastBookedFreeCaseworker) {
  EXPECT_EQ(Book("c1", Local(1, 10, 0)).record.resource_id, "cw-anna");  // tie: seed order
  EXPECT_EQ(Book("c2", Local(1, 11, 0)).record.resource_id, "cw-ben");   // Anna has one
  EXPECT_EQ(Book("c3", Local(1, 11, 30)).record.resource_id, "cw-anna");
  EXPECT_EQ(Book("c4", Local(1, 10, 0)).record.resource_id, "cw-ben");  // Anna is busy then
  absl::StatusOr<VideoHold> full = service_.CreateHold("c5", "housing", Local(1, 10, 0));
  EXPECT_EQ(full.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(service_.CreateHold("c5", "housing", Local(1, 12, 0)).status().code(),
            absl::StatusCode::kFailedPrecondition);  // nobody works then
}

TEST_F(VideoServiceTest, CitizenConsentsChecksInIsAdmittedAndJoins) {
  ConsultationView booked = Book("citizen-1", Local(1, 10, 0));
  const std::string code = booked.record.code;
  EXPECT_FALSE(booked.manage_token.empty());
  EXPECT_THAT(booked.ics, HasSubstr("SUMMARY:Video consultation: Housing benefit"));
  EXPECT_EQ(booked.join_from, Local(1, 9, 50));

  clock_.Set(Local(1, 9, 50));
  EXPECT_THAT(service_.CheckIn("citizen-1", code).status().message(), HasSubstr("consent"));
  EXPECT_EQ(service_.RecordConsent("citizen-1", code, "2025-01", "3").status().code(),
            absl::StatusCode::kFailedPrecondition);  // an outdated privacy notice
  ASSERT_TRUE(service_.RecordConsent("citizen-1", code, "2026-01", "3").ok());
  EXPECT_EQ(service_.Join("citizen-1", code).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not admitted: no URL
  clock_.Set(Local(1, 9, 49));
  EXPECT_THAT(service_.CheckIn("citizen-1", code).status().message(), HasSubstr("09:50"));
  clock_.Set(Local(1, 9, 52));
  absl::StatusOr<ConsultationView> waiting = service_.CheckIn("citizen-1", code);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_EQ(waiting->visit.state, VisitState::kWaiting);

  clock_.Set(Local(1, 10, 1));
  absl::StatusOr<std::vector<WaitingEntry>> room = service_.WaitingRoom("cw-ben", "2037-12-01");
  ASSERT_TRUE(room.ok()) << room.status();
  ASSERT_EQ(room->size(), 1u);
  EXPECT_EQ((*room)[0].visit.waiting_since, Local(1, 9, 52));
  EXPECT_EQ((*room)[0].waited, absl::Minutes(9));
  EXPECT_EQ((*room)[0].caseworker_id, "cw-anna");

  absl::StatusOr<WaitingEntry> admitted = service_.Admit("cw-anna", code);
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->visit.state, VisitState::kAdmitted);
  absl::StatusOr<JoinLink> link = service_.Join("citizen-1", code);
  ASSERT_TRUE(link.ok()) << link.status();
  EXPECT_FALSE(link->moderator);
  EXPECT_EQ(link->room, booked.record.attributes);
  EXPECT_EQ(link->url, "https://meet.stadt.example/" + link->room + "?jwt=" + link->token);
  EXPECT_EQ(link->valid_from, Local(1, 9, 50));
  EXPECT_EQ(link->valid_until, Local(1, 10, 30));
  absl::StatusOr<JoinClaims> claims = service_.VerifyToken(code, link->token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->user_name, "Erika Muster");
  absl::StatusOr<JoinLink> host = service_.Host("cw-anna", code);
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->moderator);
  EXPECT_TRUE(service_.VerifyToken(code, host->token)->moderator);

  EXPECT_THAT(service_.Close("cw-anna", code, "resolved").status().message(),
              HasSubstr("ID check"));
  ASSERT_TRUE(service_.MarkIdentityChecked("cw-anna", code).ok());
  absl::StatusOr<WaitingEntry> closed = service_.Close("cw-anna", code, "resolved");
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->visit.outcome, "resolved");
  EXPECT_EQ(closed->waited, absl::Minutes(9));
  EXPECT_EQ(service_.Join("citizen-1", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(visits_.events(),
              ::testing::ElementsAre("consultation.consented", "consultation.waiting",
                                     "consultation.admitted", "consultation.identity_checked",
                                     "consultation.closed"));
}

TEST_F(VideoServiceTest, OthersSeeNothing) {
  const std::string code = Waiting("citizen-1", Local(1, 10, 0));
  clock_.Set(Local(1, 10, 0));
  // Another citizen: as if the code did not exist.
  EXPECT_EQ(service_.GetConsultation("citizen-2", code).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.CheckIn("citizen-2", code).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.Join("citizen-2", code).status().code(), absl::StatusCode::kNotFound);
  // A caseworker of another department, and somebody who is no caseworker.
  EXPECT_EQ(service_.Admit("cw-carla", code).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.Host("cw-carla", code).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(service_.WaitingRoom("cw-carla", "2037-12-01")->empty());
  EXPECT_EQ(service_.Admit("citizen-1", code).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.GetConsultation("citizen-1", code)->visit.state, VisitState::kWaiting);
}

TEST_F(VideoServiceTest, NoShowOnlyAfterTheGracePeriodAndBeforeCheckIn) {
  const std::string absent = Book("citizen-1", Local(1, 10, 0)).record.code;
  const std::string present = Waiting("citizen-2", Local(1, 10, 0));
  clock_.Set(Local(1, 10, 9));
  EXPECT_THAT(service_.MarkNoShow("cw-anna", absent).status().message(), HasSubstr("grace"));
  clock_.Set(Local(1, 10, 10));
  absl::StatusOr<WaitingEntry> no_show = service_.MarkNoShow("cw-anna", absent);
  ASSERT_TRUE(no_show.ok()) << no_show.status();
  EXPECT_EQ(no_show->visit.state, VisitState::kNoShow);
  EXPECT_THAT(service_.MarkNoShow("cw-anna", present).status().message(), HasSubstr("checked in"));
  EXPECT_EQ(service_.CheckIn("citizen-1", absent).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(VideoServiceTest, ManageCodeAndTokenCancelAndReschedule) {
  ConsultationView booked = Book("citizen-1", Local(1, 10, 0));
  const std::string code = booked.record.code;
  EXPECT_EQ(service_.Lookup(code, "wrong").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<ConsultationView> moved =
      service_.Reschedule(code, booked.manage_token, Local(2, 10, 0));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->record.resource_id, "cw-ben");                 // only Ben works on Wednesdays
  EXPECT_EQ(moved->record.attributes, booked.record.attributes);  // the same room
  // Wednesday 10:00 is Ben's only place then: another citizen's move there fails
  // and leaves their booking as it was.
  ConsultationView other = Book("citizen-2", Local(1, 11, 0));
  EXPECT_EQ(
      service_.Reschedule(other.record.code, other.manage_token, Local(2, 10, 0)).status().code(),
      absl::StatusCode::kAborted);
  EXPECT_EQ(service_.Lookup(other.record.code, other.manage_token)->record.start, Local(1, 11, 0));
  absl::StatusOr<ConsultationView> cancelled = service_.Cancel(code, booked.manage_token);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->record.status, booking::BookingStatus::kCancelled);
  EXPECT_THAT(cancelled->ics, HasSubstr("METHOD:CANCEL"));
  EXPECT_EQ(service_.RecordConsent("citizen-1", code, "2026-01", "3").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_.Lookup(code, booked.manage_token)->record.status,
            booking::BookingStatus::kCancelled);
}

TEST_F(VideoServiceTest, RejectsBadInput) {
  EXPECT_EQ(service_.SearchSlots("NOT A TOPIC", "", "", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.SearchSlots("unknown", "", "", 0).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.SearchSlots("housing", "", "", 1000).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.CreateHold("", "housing", Local(1, 10, 0)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_.CreateHold("c1", "housing", Local(1, 10, 5)).status().code(),
            absl::StatusCode::kInvalidArgument);  // off the grid
  EXPECT_EQ(service_.GetConsultation("c1", "../../etc").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.WaitingRoom("cw-anna", "yesterday").status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string code = Book("c1", Local(1, 10, 0)).record.code;
  EXPECT_EQ(service_.Close("cw-anna", code, "whatever").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.RecordConsent("c1", code, "", "3").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.MarkIdentityChecked("cw-carla", code).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.VerifyToken(code, "a.b.c").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_.VerifyToken("AAA-BBB-CCC", "a.b.c").status().code(),
            absl::StatusCode::kPermissionDenied);  // no hint whether the code exists
}

}  // namespace
}  // namespace stadt::video
