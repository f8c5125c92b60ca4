#include "services/video/store/redis_visit_repository.h"

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/fake_clock.h"
#include "services/video/domain/consultations.h"
#include "services/video/domain/test_catalog.h"
#include "services/video/domain/video_bookings.h"
#include "tests/harness/redis_test.h"

namespace stadt::video {
namespace {

using testing::Local;

// The video service on the real Redis adapters: what runs in production,
// minus gRPC.
class RedisVideoTest : public stadt::testing::RedisTest {
 protected:
  RedisVideoTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    bookings_ = std::make_unique<booking::RedisBookingRepository>(redis(), VideoKeys());
    visits_ = std::make_unique<RedisVisitRepository>(redis(), *bookings_);
    booking::BookingRules rules;
    rules.max_active_bookings_per_person = 1000;
    rules.same_service_window_days = 0;
    VideoSettings settings;
    settings.jitsi = {"stadtportal", "secret", "https://meet.stadt.example", "jitsi", ""};
    const booking::BookingSecrets secrets =
        booking::BookingSecrets::Derive("redis video key", "video");
    records_ = std::make_unique<ConsultationRecords>(catalog_, *bookings_, *visits_, clock_,
                                                     booking::Calendar(rules, testing::Berlin()),
                                                     secrets, settings);
    video_bookings_ = std::make_unique<VideoBookings>(*records_);
    consultations_ = std::make_unique<Consultations>(*records_, secrets);
  }

  absl::StatusOr<ConsultationView> Book(int citizen, absl::Time start) {
    const std::string client = absl::StrCat("citizen-", citizen);
    absl::StatusOr<VideoHold> hold = video_bookings_->CreateHold(client, "housing", start);
    if (!hold.ok()) return hold.status();
    return video_bookings_->Confirm(client, hold->hold_id,
                                    {"Person", absl::StrCat("p", citizen, "@example.org"), ""});
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

  VideoCatalog catalog_ = testing::TestCatalog();
  FakeClock clock_{Local(1, 7, 0)};
  std::unique_ptr<booking::RedisBookingRepository> bookings_;
  std::unique_ptr<RedisVisitRepository> visits_;
  std::unique_ptr<ConsultationRecords> records_;
  std::unique_ptr<VideoBookings> video_bookings_;
  std::unique_ptr<Consultations> consultations_;
};

TEST_F(RedisVideoTest, ConcurrentBookingsOfOneTimeGiveEachCaseworkerOnce) {
  constexpr int kCitizens = 30;
  absl::Mutex mutex;
  std::vector<std::string> caseworkers;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kCitizens; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<ConsultationView> booked = Book(i, Local(1, 10, 0));
      if (booked.ok()) {
        absl::MutexLock lock(&mutex);
        caseworkers.push_back(booked->record.resource_id);
      } else {
        EXPECT_EQ(booked.status().code(), absl::StatusCode::kAborted) << booked.status();
        ++refused;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::sort(caseworkers.begin(), caseworkers.end());
  EXPECT_EQ(caseworkers, (std::vector<std::string>{"cw-anna", "cw-ben"}));
  EXPECT_EQ(refused.load(), kCitizens - 2);
}

TEST_F(RedisVideoTest, RandomConcurrentMixNeverDoubleBooksACaseworker) {
  constexpr int kCitizens = 40;
  absl::Mutex mutex;
  std::vector<booking::BookingRecord> booked;
  std::vector<std::thread> threads;
  for (int i = 0; i < kCitizens; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 random(i);
      // Starts 10:00 to 11:30 on the quarter hour; each lasts 30 minutes, so
      // neighbouring starts overlap.
      const absl::Time start = Local(1, 10, 0) + absl::Minutes(15 * (random() % 7));
      absl::StatusOr<ConsultationView> view = Book(i, start);
      if (view.ok()) {
        absl::MutexLock lock(&mutex);
        booked.push_back(view->record);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_FALSE(booked.empty());
  for (size_t a = 0; a < booked.size(); ++a) {
    for (size_t b = 0; b < a; ++b) {
      if (booked[a].resource_id != booked[b].resource_id) continue;
      EXPECT_TRUE(booked[a].end <= booked[b].start || booked[b].end <= booked[a].start)
          << booked[a].resource_id << " has " << booked[a].code << " and " << booked[b].code;
    }
  }
  // Everything confirmed is stored, and what the search still offers can be booked.
  for (const booking::BookingRecord& record : booked) {
    EXPECT_TRUE(bookings_->GetBooking(record.code).ok());
  }
  absl::StatusOr<std::vector<VideoSlot>> left =
      video_bookings_->SearchSlots("housing", "2037-12-01", "2037-12-01", 100);
  ASSERT_TRUE(left.ok());
  if (!left->empty()) {
    EXPECT_TRUE(Book(999, left->front().start).ok());
  }
}

TEST_F(RedisVideoTest, WaitingRoomStepsAreAtomicAndLeaveOneEvent) {
  absl::StatusOr<ConsultationView> booked = Book(1, Local(1, 10, 0));
  ASSERT_TRUE(booked.ok()) << booked.status();
  const std::string code = booked->record.code;
  ASSERT_TRUE(consultations_->RecordConsent("citizen-1", code, "1", "1").ok());
  clock_.Set(Local(1, 9, 55));
  ASSERT_TRUE(consultations_->CheckIn("citizen-1", code).ok());
  // Checked in: the shared store no longer moves the booking.
  EXPECT_EQ(
      video_bookings_->Reschedule(code, booked->manage_token, Local(1, 11, 0)).status().code(),
      absl::StatusCode::kFailedPrecondition);

  std::atomic<int> admitted = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      absl::StatusOr<WaitingEntry> entry = consultations_->Admit("cw-ben", code);
      if (entry.ok()) ++admitted;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_GE(admitted.load(), 1);
  EXPECT_EQ(OutboxEvents("consultation.admitted"), 1);
  absl::StatusOr<Visit> visit = visits_->Get(code);
  ASSERT_TRUE(visit.ok());
  EXPECT_EQ(visit->state, VisitState::kAdmitted);
  EXPECT_EQ(visit->waiting_since, Local(1, 9, 55));
  EXPECT_EQ(visit->privacy_notice_version, "1");

  absl::StatusOr<std::vector<WaitingEntry>> room =
      consultations_->WaitingRoom("cw-anna", "2037-12-01");
  ASSERT_TRUE(room.ok());
  ASSERT_EQ(room->size(), 1u);
  EXPECT_EQ((*room)[0].visit.state, VisitState::kAdmitted);

  // A cancelled booking takes no further step.
  ASSERT_TRUE(video_bookings_->Cancel(code, booked->manage_token).ok());
  EXPECT_EQ(consultations_->MarkIdentityChecked("cw-ben", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(consultations_->WaitingRoom("cw-anna", "2037-12-01")->empty());
}

}  // namespace
}  // namespace stadt::video
