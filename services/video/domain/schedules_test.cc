#include "services/video/domain/schedules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/refusal.h"
#include "services/video/domain/test_video_domain.h"

namespace stadt::video {
namespace {

using testing::Local;

// Availability and absences set through the routes (the fixture's clock:
// Tuesday 1 December 2037, 07:00).
using CaseworkerSchedulesTest = testing::VideoDomainTest;

size_t SlotsOn(VideoBookings& bookings, const std::string& date) {
  absl::StatusOr<std::vector<VideoSlot>> slots = bookings.SearchSlots("housing", date, date, 100);
  EXPECT_TRUE(slots.ok()) << slots.status();
  return slots.ok() ? slots->size() : 0;
}

TEST_F(CaseworkerSchedulesTest, NewWeeklyHoursReplaceTheSeedsInSearchAndHolds) {
  // Ben (seed: Tuesdays 10-12, Wednesdays 10-11) now consults on Thursdays 14-15 only.
  absl::StatusOr<ScheduleView> set =
      schedules_.SetAvailability("cw-anna", "cw-ben", {{4, 14 * 60, 15 * 60}});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->availability, ::testing::ElementsAre(WeeklyWindow{4, 14 * 60, 15 * 60}));
  EXPECT_EQ(SlotsOn(video_bookings_, "2037-12-02"), 0u);  // no Wednesday any more
  EXPECT_EQ(SlotsOn(video_bookings_, "2037-12-03"), 3u);  // 14:00, 14:15, 14:30
  absl::StatusOr<VideoHold> hold = video_bookings_.CreateHold("c1", "housing", Local(3, 14, 0));
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_EQ(schedules_.Get("cw-ben", "cw-ben")->availability, set->availability);
}

TEST_F(CaseworkerSchedulesTest, OnlyTheCallersDepartment) {
  EXPECT_EQ(schedules_.Get("cw-carla", "cw-anna").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(booking::ReasonOf(schedules_.Get("cw-carla", "cw-anna").status()),
            "caseworker_not_found");
  EXPECT_EQ(schedules_.Get("citizen-1", "cw-anna").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(schedules_.Get("cw-anna", "NOT AN ID").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(schedules_.SetAvailability("cw-carla", "cw-ben", {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CaseworkerSchedulesTest, RefusesHoursThatWouldStrandBookedConsultations) {
  const ConsultationView booked = Book("c1", Local(2, 10, 0));  // Ben, Wednesday
  ASSERT_EQ(booked.record.resource_id, "cw-ben");
  absl::StatusOr<ScheduleView> refused =
      schedules_.SetAvailability("cw-ben", "cw-ben", {{2, 10 * 60, 12 * 60}});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(booking::ReasonOf(refused.status()), "bookings_stranded");
  EXPECT_EQ(SlotsOn(video_bookings_, "2037-12-02"), 1u);  // unchanged: 10:30 still free
}

TEST_F(CaseworkerSchedulesTest, RejectsMalformedInput) {
  for (const std::vector<WeeklyWindow>& windows :
       {std::vector<WeeklyWindow>{{8, 600, 660}}, std::vector<WeeklyWindow>{{1, 600, 600}},
        std::vector<WeeklyWindow>{{1, 605, 660}}, std::vector<WeeklyWindow>{{1, -15, 660}},
        std::vector<WeeklyWindow>{{1, 600, 1455}}}) {
    const absl::Status refused = schedules_.SetAvailability("cw-anna", "cw-anna", windows).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(booking::ReasonOf(refused), "availability_invalid");
  }
  for (const Absence& absence : {Absence{"2037-12-15", "2037-12-15", "", "sick"},
                                 Absence{"2037-12-15", "2037-12-14", "x", "sick"},
                                 Absence{"15.12.2037", "2037-12-15", "x", "sick"},
                                 Absence{"2037-12-15", "2037-12-15", "x", "party"},
                                 Absence{"2037-01-01", "2038-12-31", "x", "vacation"}}) {
    const absl::Status refused = schedules_.DeclareAbsence("cw-anna", "cw-anna", absence).status();
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument)
        << absence.id << " " << absence.kind;
    EXPECT_EQ(booking::ReasonOf(refused),
              absence.kind == "vacation" ? "absence_too_long" : "absence_invalid");
  }
  EXPECT_EQ(booking::ReasonOf(schedules_
                                  .ResolveAbsence("cw-anna", "cw-anna", "none",
                                                  AbsenceAction::kList, std::string(201, 'x'))
                                  .status()),
            "cancel_reason_too_long");
  EXPECT_EQ(booking::ReasonOf(schedules_.Get("cw-anna", "CW-ANNA").status()),
            "invalid_caseworker_id");
  EXPECT_EQ(booking::ReasonOf(schedules_.SetAvailability("cw-anna", "cw anna", {}).status()),
            "invalid_caseworker_id");
  const absl::Status unknown =
      schedules_.ResolveAbsence("cw-anna", "cw-anna", "none", AbsenceAction::kList, "").status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(booking::ReasonOf(unknown), "absence_not_found");
}

TEST_F(CaseworkerSchedulesTest, AnAbsenceListsMovesAndCancelsAndRetryingChangesNothing) {
  const ConsultationView annas = Book("c1", Local(15, 10, 0));  // tie: Anna (seed order)
  const ConsultationView bens = Book("c2", Local(15, 10, 0));   // then Ben
  ASSERT_EQ(annas.record.resource_id, "cw-anna");
  ASSERT_EQ(bens.record.resource_id, "cw-ben");

  const Absence sick{"2037-12-15", "2037-12-15", "anna-sick-15", "sick"};
  absl::StatusOr<AbsenceReport> declared = schedules_.DeclareAbsence("cw-ben", "cw-anna", sick);
  ASSERT_TRUE(declared.ok()) << declared.status();
  ASSERT_EQ(declared->consultations.size(), 1u);
  EXPECT_EQ(declared->consultations[0].booking_code, annas.record.code);
  EXPECT_EQ(declared->consultations[0].outcome, AbsenceOutcome::kAffected);
  // From now on the search offers only Ben that day: 10:30 to 11:30.
  EXPECT_EQ(SlotsOn(video_bookings_, "2037-12-15"), 5u);
  // The same absence again changes nothing; another one under its id is refused.
  EXPECT_TRUE(schedules_.DeclareAbsence("cw-anna", "cw-anna", sick).ok());
  absl::StatusOr<AbsenceReport> clash = schedules_.DeclareAbsence(
      "cw-anna", "cw-anna", Absence{"2037-12-16", "2037-12-16", "anna-sick-15", "sick"});
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(booking::ReasonOf(clash.status()), "absence_exists");

  absl::StatusOr<AbsenceReport> moved =
      schedules_.ResolveAbsence("cw-anna", "cw-anna", sick.id, AbsenceAction::kMove, "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->consultations.size(), 1u);
  EXPECT_EQ(moved->moved, 1);
  const AffectedConsultation& first = moved->consultations[0];
  EXPECT_EQ(first.outcome, AbsenceOutcome::kMoved);
  // Ben is busy at 10:00: the nearest free time is Ben's next one that day.
  EXPECT_EQ(first.caseworker_id, "cw-ben");
  EXPECT_EQ(first.new_start, Local(15, 10, 30));
  absl::StatusOr<ConsultationView> looked_up =
      video_bookings_.Lookup(annas.record.code, annas.manage_token);
  ASSERT_TRUE(looked_up.ok());
  EXPECT_EQ(looked_up->record.resource_id, "cw-ben");
  EXPECT_EQ(looked_up->record.attributes, annas.record.attributes);  // the same room

  // Retrying: nothing is left to move.
  absl::StatusOr<AbsenceReport> again =
      schedules_.ResolveAbsence("cw-anna", "cw-anna", sick.id, AbsenceAction::kMove, "");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->consultations.empty());
}

TEST_F(CaseworkerSchedulesTest, AConsultationThatHasBegunIsNotListedMovedOrCancelled) {
  const ConsultationView checked_in = Book("c1", Local(15, 10, 0));  // tie: Anna
  const ConsultationView bens = Book("c2", Local(15, 10, 0));
  const ConsultationView later = Book("c3", Local(15, 10, 30));  // tie again: Anna
  ASSERT_EQ(checked_in.record.resource_id, "cw-anna");
  ASSERT_EQ(bens.record.resource_id, "cw-ben");
  ASSERT_EQ(later.record.resource_id, "cw-anna");
  const Absence sick{"2037-12-15", "2037-12-15", "anna-sick", "sick"};
  absl::StatusOr<AbsenceReport> declared = schedules_.DeclareAbsence("cw-anna", "cw-anna", sick);
  ASSERT_TRUE(declared.ok()) << declared.status();
  EXPECT_EQ(declared->consultations.size(), 2u);  // nobody has checked in yet

  // On the day, the first citizen checks in before the absence is resolved.
  ASSERT_TRUE(consultations_.RecordConsent("c1", checked_in.record.code, "2026-01", "3").ok());
  clock_.Set(Local(15, 9, 50));
  ASSERT_TRUE(consultations_.CheckIn("c1", checked_in.record.code).ok());
  const auto codes = [](const AbsenceReport& report) {
    std::vector<std::string> listed;
    for (const AffectedConsultation& entry : report.consultations) {
      listed.push_back(entry.booking_code);
    }
    return listed;
  };
  absl::StatusOr<AbsenceReport> listed =
      schedules_.ResolveAbsence("cw-anna", "cw-anna", sick.id, AbsenceAction::kList, "");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(codes(*listed), ::testing::ElementsAre(later.record.code));

  absl::StatusOr<AbsenceReport> moved =
      schedules_.ResolveAbsence("cw-anna", "cw-anna", sick.id, AbsenceAction::kMove, "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_THAT(codes(*moved), ::testing::ElementsAre(later.record.code));
  EXPECT_EQ(moved->moved, 1);
  EXPECT_EQ(moved->consultations[0].caseworker_id, "cw-ben");
  // The checked-in consultation stays where it was, its citizen waiting.
  absl::StatusOr<ConsultationView> kept =
      video_bookings_.Lookup(checked_in.record.code, checked_in.manage_token);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->record.resource_id, "cw-anna");
  EXPECT_EQ(kept->record.start, Local(15, 10, 0));
  EXPECT_EQ(kept->record.status, booking::BookingStatus::kConfirmed);
  EXPECT_EQ(kept->visit.state, VisitState::kWaiting);

  // Nothing is left to move or to cancel; retrying changes nothing.
  for (AbsenceAction action : {AbsenceAction::kMove, AbsenceAction::kCancel}) {
    absl::StatusOr<AbsenceReport> again =
        schedules_.ResolveAbsence("cw-anna", "cw-anna", sick.id, action, "");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->consultations.empty());
  }
  EXPECT_EQ(video_bookings_.Lookup(checked_in.record.code, checked_in.manage_token)->record.status,
            booking::BookingStatus::kConfirmed);
}

TEST_F(CaseworkerSchedulesTest, CancellingTellsTheReason) {
  const ConsultationView booked = Book("c1", Local(22, 10, 0));
  ASSERT_EQ(booked.record.resource_id, "cw-anna");
  const Absence leave{"2037-12-21", "2037-12-23", "anna-leave", "vacation"};
  ASSERT_TRUE(schedules_.DeclareAbsence("cw-anna", "cw-anna", leave).ok());
  absl::StatusOr<AbsenceReport> cancelled =
      schedules_.ResolveAbsence("cw-anna", "cw-anna", leave.id, AbsenceAction::kCancel, "Urlaub");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  ASSERT_EQ(cancelled->cancelled, 1);
  EXPECT_EQ(cancelled->consultations[0].outcome, AbsenceOutcome::kCancelled);
  EXPECT_EQ(video_bookings_.Lookup(booked.record.code, booked.manage_token)->record.status,
            booking::BookingStatus::kCancelled);
}

TEST_F(CaseworkerSchedulesTest, StorageTroubleIsUnavailable) {
  schedule_store_.SetAvailable(false);
  EXPECT_EQ(schedules_.Get("cw-anna", "cw-anna").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(video_bookings_.SearchSlots("housing", "", "", 1).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::video
