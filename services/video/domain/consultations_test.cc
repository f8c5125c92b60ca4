#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/refusal.h"
#include "services/video/domain/test_video_domain.h"

namespace stadt::video {
namespace {

using ::testing::HasSubstr;
using testing::Local;

// A booked consultation's life, from consent to closing.
using ConsultationsTest = testing::VideoDomainTest;

TEST_F(ConsultationsTest, CitizenConsentsChecksInIsAdmittedAndJoins) {
  ConsultationView booked = Book("citizen-1", Local(1, 10, 0));
  const std::string code = booked.record.code;
  EXPECT_FALSE(booked.manage_token.empty());
  EXPECT_THAT(booked.ics, HasSubstr("SUMMARY:Video consultation: Housing benefit"));
  EXPECT_EQ(booked.join_from, Local(1, 9, 50));

  clock_.Set(Local(1, 9, 50));
  EXPECT_THAT(consultations_.CheckIn("citizen-1", code).status().message(), HasSubstr("consent"));
  EXPECT_EQ(consultations_.RecordConsent("citizen-1", code, "2025-01", "3").status().code(),
            absl::StatusCode::kFailedPrecondition);  // an outdated privacy notice
  EXPECT_EQ(
      booking::ReasonOf(consultations_.RecordConsent("citizen-1", code, "2026-01", "2").status()),
      "consent_version_not_current");  // outdated terms
  ASSERT_TRUE(consultations_.RecordConsent("citizen-1", code, "2026-01", "3").ok());
  EXPECT_EQ(consultations_.Join("citizen-1", code).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not admitted: no URL
  clock_.Set(Local(1, 9, 49));
  EXPECT_THAT(consultations_.CheckIn("citizen-1", code).status().message(), HasSubstr("09:50"));
  clock_.Set(Local(1, 9, 52));
  absl::StatusOr<ConsultationView> waiting = consultations_.CheckIn("citizen-1", code);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_EQ(waiting->visit.state, VisitState::kWaiting);

  clock_.Set(Local(1, 10, 1));
  absl::StatusOr<std::vector<WaitingEntry>> room =
      consultations_.WaitingRoom("cw-ben", "2037-12-01");
  ASSERT_TRUE(room.ok()) << room.status();
  ASSERT_EQ(room->size(), 1u);
  EXPECT_EQ((*room)[0].visit.waiting_since, Local(1, 9, 52));
  EXPECT_EQ((*room)[0].waited, absl::Minutes(9));
  EXPECT_EQ((*room)[0].caseworker_id, "cw-anna");

  absl::StatusOr<WaitingEntry> admitted = consultations_.Admit("cw-anna", code);
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(admitted->visit.state, VisitState::kAdmitted);
  absl::StatusOr<JoinLink> link = consultations_.Join("citizen-1", code);
  ASSERT_TRUE(link.ok()) << link.status();
  EXPECT_FALSE(link->moderator);
  EXPECT_EQ(link->room, booked.record.attributes);
  EXPECT_EQ(link->url, "https://meet.stadt.example/" + link->room + "?jwt=" + link->token);
  EXPECT_EQ(link->valid_from, Local(1, 9, 50));
  // The 30-minute consultation's link outlives its end by the rejoin margin.
  EXPECT_EQ(link->valid_until, Local(1, 10, 50));
  absl::StatusOr<JoinClaims> claims = consultations_.VerifyToken(code, link->token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->user_name, "Erika Muster");
  absl::StatusOr<JoinLink> host = consultations_.Host("cw-anna", code);
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->moderator);
  EXPECT_TRUE(consultations_.VerifyToken(code, host->token)->moderator);

  EXPECT_THAT(consultations_.Close("cw-anna", code, "resolved").status().message(),
              HasSubstr("ID check"));
  ASSERT_TRUE(consultations_.MarkIdentityChecked("cw-anna", code).ok());
  absl::StatusOr<WaitingEntry> closed = consultations_.Close("cw-anna", code, "resolved");
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->visit.outcome, "resolved");
  EXPECT_EQ(closed->waited, absl::Minutes(9));
  EXPECT_EQ(consultations_.Join("citizen-1", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(visits_.events(),
              ::testing::ElementsAre("consultation.consented", "consultation.waiting",
                                     "consultation.admitted", "consultation.identity_checked",
                                     "consultation.closed"));
}

TEST_F(ConsultationsTest, ACitizenWhoDroppedOutRejoinsWithinTheMarginAfterTheEnd) {
  const std::string code = Waiting("citizen-1", Local(1, 10, 0));
  clock_.Set(Local(1, 10, 5));
  ASSERT_TRUE(consultations_.Admit("cw-anna", code).ok());
  ASSERT_TRUE(consultations_.Join("citizen-1", code).ok());

  // It runs over the scheduled end (10:30); the citizen's connection drops.
  clock_.Set(Local(1, 10, 45));
  absl::StatusOr<JoinLink> again = consultations_.Join("citizen-1", code);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->valid_until, Local(1, 10, 50));
  EXPECT_TRUE(consultations_.VerifyToken(code, again->token).ok());
  ASSERT_TRUE(consultations_.Host("cw-anna", code).ok());

  // Past the margin: no new link, and the last one no longer opens the room.
  clock_.Set(Local(1, 10, 50));
  EXPECT_EQ(consultations_.Join("citizen-1", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(consultations_.Host("cw-anna", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(consultations_.VerifyToken(code, again->token).ok());
}

TEST_F(ConsultationsTest, CheckInStillClosesAtTheScheduledEnd) {
  const std::string code = Book("citizen-1", Local(1, 10, 0)).record.code;
  clock_.Set(Local(1, 9, 55));
  ASSERT_TRUE(consultations_.RecordConsent("citizen-1", code, "2026-01", "3").ok());
  clock_.Set(Local(1, 10, 30));
  EXPECT_EQ(consultations_.CheckIn("citizen-1", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ConsultationsTest, OthersSeeNothing) {
  const std::string code = Waiting("citizen-1", Local(1, 10, 0));
  clock_.Set(Local(1, 10, 0));
  // Another citizen: as if the code did not exist.
  EXPECT_EQ(consultations_.GetConsultation("citizen-2", code).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(consultations_.CheckIn("citizen-2", code).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(consultations_.Join("citizen-2", code).status().code(), absl::StatusCode::kNotFound);
  // A caseworker of another department, and somebody who is no caseworker.
  EXPECT_EQ(consultations_.Admit("cw-carla", code).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(consultations_.Host("cw-carla", code).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(consultations_.WaitingRoom("cw-carla", "2037-12-01")->empty());
  EXPECT_EQ(consultations_.Admit("citizen-1", code).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(consultations_.GetConsultation("citizen-1", code)->visit.state, VisitState::kWaiting);
}

TEST_F(ConsultationsTest, NoShowOnlyAfterTheGracePeriodAndBeforeCheckIn) {
  const std::string absent = Book("citizen-1", Local(1, 10, 0)).record.code;
  const std::string present = Waiting("citizen-2", Local(1, 10, 0));
  clock_.Set(Local(1, 10, 9));
  EXPECT_THAT(consultations_.MarkNoShow("cw-anna", absent).status().message(), HasSubstr("grace"));
  clock_.Set(Local(1, 10, 10));
  absl::StatusOr<WaitingEntry> no_show = consultations_.MarkNoShow("cw-anna", absent);
  ASSERT_TRUE(no_show.ok()) << no_show.status();
  EXPECT_EQ(no_show->visit.state, VisitState::kNoShow);
  EXPECT_THAT(consultations_.MarkNoShow("cw-anna", present).status().message(),
              HasSubstr("checked in"));
  EXPECT_EQ(consultations_.CheckIn("citizen-1", absent).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace stadt::video
