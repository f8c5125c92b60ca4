// Absences on the real Redis adapters: a consultation whose citizen checks in
// at the very moment the absence is resolved (after it was listed) is left as
// it is by the store's atomic step, and the rest of the batch goes on.
#include <functional>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/forwarding_booking_repository.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/fake_clock.h"
#include "services/video/domain/consultations.h"
#include "services/video/domain/schedules.h"
#include "services/video/domain/test_catalog.h"
#include "services/video/domain/video_bookings.h"
#include "services/video/store/redis_schedule_repository.h"
#include "services/video/store/redis_visit_repository.h"
#include "tests/harness/redis_test.h"

namespace stadt::video {
namespace {

using testing::Local;

// The booking store, where something happens just before the office's move
// or cancellation of a consultation reaches it.
class InterleavedBookings : public booking::ForwardingBookingRepository {
 public:
  using ForwardingBookingRepository::ForwardingBookingRepository;

  std::function<void(const std::string& code)> before_change;

  absl::StatusOr<booking::BookingRecord> MoveBookingBecause(
      const std::string& code, const booking::BookingRecord& moved,
      const booking::SlotCapacity& capacity, absl::Time now, absl::Time delete_after,
      const booking::ChangeCause& cause) override {
    if (before_change) before_change(code);
    return inner().MoveBookingBecause(code, moved, capacity, now, delete_after, cause);
  }
  absl::StatusOr<booking::BookingRecord> CancelBookingBecause(
      const std::string& code, absl::Time now, const booking::ChangeCause& cause) override {
    if (before_change) before_change(code);
    return inner().CancelBookingBecause(code, now, cause);
  }
};

class RedisAbsenceTest : public stadt::testing::RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    // As main wires it (the citizen may cancel a checked-in consultation).
    store_ = std::make_unique<booking::RedisBookingRepository>(redis(), VideoKeys());
    bookings_ = std::make_unique<InterleavedBookings>(*store_);
    visits_ = std::make_unique<RedisVisitRepository>(redis(), *store_);
    schedule_store_ = std::make_unique<RedisScheduleRepository>(redis());
    VideoSettings settings;
    settings.jitsi = {"stadtportal", "secret", "https://meet.stadt.example", "jitsi", ""};
    settings.privacy_notice_version = "1";
    settings.terms_version = "1";
    const booking::BookingSecrets secrets =
        booking::BookingSecrets::Derive("redis absence key", "video");
    records_ = std::make_unique<ConsultationRecords>(
        catalog_, *bookings_, *visits_, clock_,
        booking::Calendar(booking::BookingRules{}, testing::Berlin()), secrets, settings,
        schedule_store_.get());
    video_bookings_ = std::make_unique<VideoBookings>(*records_);
    consultations_ = std::make_unique<Consultations>(*records_, secrets);
    schedules_ = std::make_unique<CaseworkerSchedules>(*records_, *schedule_store_);
  }

  ConsultationView Book(const std::string& citizen, absl::Time start) {
    absl::StatusOr<VideoHold> hold = video_bookings_->CreateHold(citizen, "housing", start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    absl::StatusOr<ConsultationView> booked = video_bookings_->Confirm(
        citizen, hold.ok() ? hold->hold_id : "", {"Person", citizen + "@example.org", ""});
    EXPECT_TRUE(booked.ok()) << booked.status();
    return booked.value_or(ConsultationView{});
  }

  // Anna's consultations at 10:00 (the one that will check in) and 10:30 on
  // Tuesday 15 December 2037, Ben's at 10:00; Anna's absence that day is
  // declared (listing both of hers) and the clock stands at 09:50.
  void BookAndDeclare() {
    first_ = Book("c1", Local(15, 10, 0));  // tie: Anna (seed order)
    bens_ = Book("c2", Local(15, 10, 0));
    second_ = Book("c3", Local(15, 10, 30));  // tie again: Anna
    ASSERT_EQ(first_.record.resource_id, "cw-anna");
    ASSERT_EQ(bens_.record.resource_id, "cw-ben");
    ASSERT_EQ(second_.record.resource_id, "cw-anna");
    ASSERT_TRUE(consultations_->RecordConsent("c1", first_.record.code, "1", "1").ok());
    absl::StatusOr<AbsenceReport> declared =
        schedules_->DeclareAbsence("cw-anna", "cw-anna", sick_);
    ASSERT_TRUE(declared.ok()) << declared.status();
    ASSERT_EQ(declared->consultations.size(), 2u);
    clock_.Set(Local(15, 9, 50));
    // The first citizen checks in just before the office's change of their
    // consultation reaches the store (after the resolution listed it).
    bookings_->before_change = [this](const std::string& code) {
      if (code != first_.record.code || checked_in_) return;
      checked_in_ = true;
      EXPECT_TRUE(consultations_->CheckIn("c1", code).ok());
    };
  }

  int OutboxEvents(const std::string& type) {
    absl::StatusOr<redis::Reply> reply = booking::AllOutboxEvents(redis(), VideoKeys());
    EXPECT_TRUE(reply.ok());
    int count = 0;
    for (const redis::Reply& entry : reply->elements) {
      const std::vector<redis::Reply>& fields = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str == "type" && fields[i + 1].str == type) ++count;
      }
    }
    return count;
  }

  // The first consultation is where it was, confirmed, its citizen waiting.
  void ExpectFirstUntouched() {
    absl::StatusOr<booking::BookingRecord> kept = store_->GetBooking(first_.record.code);
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_EQ(kept->status, booking::BookingStatus::kConfirmed);
    EXPECT_EQ(kept->resource_id, "cw-anna");
    EXPECT_EQ(kept->start, Local(15, 10, 0));
    EXPECT_EQ(visits_->Get(first_.record.code)->state, VisitState::kWaiting);
  }

  static std::vector<std::string> Codes(const AbsenceReport& report) {
    std::vector<std::string> codes;
    for (const AffectedConsultation& entry : report.consultations) {
      codes.push_back(entry.booking_code);
    }
    return codes;
  }

  VideoCatalog catalog_ = testing::TestCatalog();
  FakeClock clock_{Local(1, 7, 0)};
  const Absence sick_{"2037-12-15", "2037-12-15", "anna-sick", "sick"};
  std::unique_ptr<booking::RedisBookingRepository> store_;
  std::unique_ptr<InterleavedBookings> bookings_;
  std::unique_ptr<RedisVisitRepository> visits_;
  std::unique_ptr<RedisScheduleRepository> schedule_store_;
  std::unique_ptr<ConsultationRecords> records_;
  std::unique_ptr<VideoBookings> video_bookings_;
  std::unique_ptr<Consultations> consultations_;
  std::unique_ptr<CaseworkerSchedules> schedules_;
  ConsultationView first_, bens_, second_;
  bool checked_in_ = false;
};

TEST_F(RedisAbsenceTest, ACheckInDuringTheMoveLeavesThatConsultationAndMovesTheRest) {
  BookAndDeclare();
  if (HasFatalFailure()) return;
  absl::StatusOr<AbsenceReport> moved =
      schedules_->ResolveAbsence("cw-anna", "cw-anna", sick_.id, AbsenceAction::kMove, "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_TRUE(checked_in_);
  EXPECT_THAT(Codes(*moved), ::testing::ElementsAre(second_.record.code));
  EXPECT_EQ(moved->moved, 1);
  EXPECT_EQ(moved->cancelled, 0);
  ExpectFirstUntouched();
  EXPECT_EQ(store_->GetBooking(second_.record.code)->resource_id, "cw-ben");
  EXPECT_EQ(OutboxEvents("booking.rescheduled"), 1);
  EXPECT_EQ(OutboxEvents("booking.cancelled"), 0);

  // Retrying changes nothing.
  absl::StatusOr<AbsenceReport> again =
      schedules_->ResolveAbsence("cw-anna", "cw-anna", sick_.id, AbsenceAction::kMove, "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->consultations.empty());
  EXPECT_EQ(OutboxEvents("booking.rescheduled"), 1);
}

TEST_F(RedisAbsenceTest, ACheckInDuringTheCancellationLeavesThatConsultation) {
  BookAndDeclare();
  if (HasFatalFailure()) return;
  absl::StatusOr<AbsenceReport> cancelled =
      schedules_->ResolveAbsence("cw-anna", "cw-anna", sick_.id, AbsenceAction::kCancel, "");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_TRUE(checked_in_);
  EXPECT_THAT(Codes(*cancelled), ::testing::ElementsAre(second_.record.code));
  EXPECT_EQ(cancelled->cancelled, 1);
  ExpectFirstUntouched();
  EXPECT_EQ(store_->GetBooking(second_.record.code)->status, booking::BookingStatus::kCancelled);
  EXPECT_EQ(OutboxEvents("booking.cancelled"), 1);
}

}  // namespace
}  // namespace stadt::video
