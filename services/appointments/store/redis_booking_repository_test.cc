
#include "services/common/booking/store/redis_booking_repository.h"

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/store/redis_catalog_repository.h"
#include "services/appointments/store/redis_counter_repository.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/fake_clock.h"
#include "tests/harness/redis_test.h"

namespace stadt::appointments {
namespace {

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// December 2037 (1 December is a Tuesday): Redis expiries are set from these
// times and must lie in the future of the real clock.
absl::Time Local(int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2037, 12, day, hour, minute), Berlin());
}

// The booking service on the real Redis adapters: what runs in production,
// minus gRPC.
class RedisBookingTest : public testing::RedisTest {
 protected:
  RedisBookingTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    catalog_ = std::make_unique<RedisCatalogRepository>(redis());
    bookings_ = std::make_unique<booking::RedisBookingRepository>(redis(), AppointmentKeys());
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 20, {}}, {"passport", "Passport", 10, {}}};
    Office office;
    office.id = "mitte";
    office.name = "Buergerbuero Mitte";
    office.district = "Mitte";
    office.address = {"Eberhardstr. 39", "70173", "Stuttgart"};
    office.service_ids = {"id-card", "passport"};
    office.counters = {{2, 12 * 60, 13 * 60, 3}};  // Tuesdays 12-13 h, three counters
    catalog.offices = {office};
    ASSERT_TRUE(catalog_->ApplySeed(catalog, "test").ok());
    booking::BookingRules rules;
    rules.max_active_bookings_per_person = 1000;
    rules.same_service_window_days = 0;
    service_ = std::make_unique<OfficeBookings>(*catalog_, *bookings_, clock_,
                                                booking::Calendar(rules, Berlin()),
                                                booking::BookingSecrets::Derive("redis test key"));
  }

  booking::Contact ContactFor(int i) {
    return {"Person", absl::StrCat("p", i, "@example.org"), ""};
  }

  // Recounts from the booking records what the per-bucket counters must say.
  std::map<int, int> ConfirmedPerBucket(const std::vector<std::string>& codes) {
    std::map<int, int> count;
    for (const std::string& code : codes) {
      absl::StatusOr<booking::BookingRecord> record = bookings_->GetBooking(code);
      EXPECT_TRUE(record.ok()) << code;
      if (!record.ok() || record->status != booking::BookingStatus::kConfirmed) continue;
      for (int b = record->start_bucket; b < record->start_bucket + record->buckets; ++b) {
        ++count[b];
      }
    }
    return count;
  }

  FakeClock clock_{Local(1, 9, 0)};
  std::unique_ptr<RedisCatalogRepository> catalog_;
  std::unique_ptr<booking::RedisBookingRepository> bookings_;
  std::unique_ptr<OfficeBookings> service_;
};

TEST_F(RedisBookingTest, TwoHundredConcurrentHoldsOnCapacityThreeGiveThree) {
  constexpr int kThreads = 20;
  constexpr int kHoldsPerThread = 10;
  std::atomic<int> held{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kHoldsPerThread; ++i) {
        absl::StatusOr<HoldView> hold = service_->CreateHold(absl::StrCat("client-", t, "-", i),
                                                             "mitte", {"id-card"}, Local(1, 12, 0));
        if (hold.ok()) ++held;
        if (hold.status().code() == absl::StatusCode::kAborted) ++refused;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(held.load(), 3);
  EXPECT_EQ(refused.load(), kThreads * kHoldsPerThread - 3);
}

TEST_F(RedisBookingTest, RandomConcurrentMixNeverOverbooksOrLosesABooking) {
  constexpr int kThreads = 8;
  constexpr int kOperations = 60;
  absl::Mutex mutex;
  std::vector<std::pair<std::string, std::string>> acknowledged;  // code, token
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(1234 + t);
      std::vector<std::pair<std::string, std::string>> mine;
      for (int i = 0; i < kOperations; ++i) {
        const absl::Time start = Local(1, 12, 10 * static_cast<int>(random() % 5));
        const int action = static_cast<int>(random() % 4);
        if (action <= 1 || mine.empty()) {
          const std::string client = absl::StrCat("c", t, "-", i);
          absl::StatusOr<HoldView> hold = service_->CreateHold(client, "mitte", {"id-card"}, start);
          if (!hold.ok()) continue;
          absl::StatusOr<BookingView> booking =
              service_->Confirm(client, hold->hold_id, ContactFor(t * 1000 + i));
          if (booking.ok()) mine.emplace_back(booking->record.code, booking->manage_token);
        } else if (action == 2) {
          const auto& [code, token] = mine[random() % mine.size()];
          EXPECT_TRUE(service_->Cancel(code, token).ok());
        } else {
          const auto& [code, token] = mine[random() % mine.size()];
          absl::StatusOr<BookingView> moved = service_->Reschedule(code, token, "mitte", start);
          EXPECT_TRUE(moved.ok() || moved.status().code() == absl::StatusCode::kAborted ||
                      moved.status().code() == absl::StatusCode::kFailedPrecondition)
              << moved.status();
        }
      }
      absl::MutexLock lock(&mutex);
      acknowledged.insert(acknowledged.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<std::string> codes;
  for (const auto& [code, token] : acknowledged) {
    ASSERT_TRUE(service_->Lookup(code, token).ok()) << "lost booking " << code;
    codes.push_back(code);
  }
  std::map<int, int> expected = ConfirmedPerBucket(codes);
  absl::StatusOr<std::vector<booking::DayUsage>> usage =
      bookings_->GetUsage({{"mitte", "2037-12-01"}}, clock_.Now());
  ASSERT_TRUE(usage.ok());
  for (int bucket = 72; bucket < 78; ++bucket) {
    const int counted = usage->front().booked.count(bucket) ? usage->front().booked.at(bucket) : 0;
    EXPECT_EQ(counted, expected[bucket]) << "bucket " << bucket;
    EXPECT_LE(counted, 3) << "bucket " << bucket;
  }
  EXPECT_FALSE(acknowledged.empty());
}

TEST_F(RedisBookingTest, ExpiredHoldsFreeCapacityWithoutAnySweeper) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        service_->CreateHold(absl::StrCat("c", i), "mitte", {"id-card"}, Local(1, 12, 0)).ok());
  }
  EXPECT_EQ(service_->CreateHold("late", "mitte", {"id-card"}, Local(1, 12, 0)).status().code(),
            absl::StatusCode::kAborted);
  clock_.Advance(absl::Minutes(5) + absl::Seconds(1));
  auto slots = service_->SearchSlots({.service_ids = {"id-card"}});
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->front().start, Local(1, 12, 0));
  EXPECT_TRUE(service_->CreateHold("late", "mitte", {"id-card"}, Local(1, 12, 0)).ok());
}

TEST_F(RedisBookingTest, ConfirmWritesTheOutboxAndRetriesAreIdempotent) {
  absl::StatusOr<HoldView> hold =
      service_->CreateHold("citizen", "mitte", {"id-card"}, Local(1, 12, 0));
  ASSERT_TRUE(hold.ok());
  BookingView first = service_->Confirm("citizen", hold->hold_id, ContactFor(1)).value();
  BookingView retry = service_->Confirm("citizen", hold->hold_id, ContactFor(1)).value();
  EXPECT_EQ(first.record.code, retry.record.code);
  EXPECT_EQ(first.manage_token, retry.manage_token);
  absl::StatusOr<redis::Reply> outbox = booking::AllOutboxEvents(redis(), AppointmentKeys());
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->elements.size(), 1u);  // One event, not two.
  ASSERT_TRUE(service_->Cancel(first.record.code, first.manage_token).ok());
  ASSERT_TRUE(service_->Cancel(first.record.code, first.manage_token).ok());
  outbox = booking::AllOutboxEvents(redis(), AppointmentKeys());
  EXPECT_EQ(outbox->elements.size(), 2u);
  // Contact data is stored only sealed, and the record expires after retention.
  absl::StatusOr<redis::Reply> stored = redis().Command(
      {"HGET", absl::StrCat(AppointmentKeys().For("mitte"), "booking:", first.record.code),
       "contact"});
  EXPECT_EQ(stored->str.find("p1@example.org"), std::string::npos);
  absl::StatusOr<redis::Reply> ttl = redis().Command(
      {"PTTL", absl::StrCat(AppointmentKeys().For("mitte"), "booking:", first.record.code)});
  EXPECT_GT(ttl->integer, 0);
}

TEST_F(RedisBookingTest, RescheduleIntoAFullSlotLeavesTheBookingAsItWas) {
  std::vector<BookingView> full;
  for (int i = 0; i < 3; ++i) {
    const std::string client = absl::StrCat("c", i);
    auto hold = service_->CreateHold(client, "mitte", {"passport"}, Local(1, 12, 30));
    ASSERT_TRUE(hold.ok());
    full.push_back(service_->Confirm(client, hold->hold_id, ContactFor(i)).value());
  }
  auto hold = service_->CreateHold("mover", "mitte", {"passport"}, Local(1, 12, 0));
  BookingView mover = service_->Confirm("mover", hold->hold_id, ContactFor(9)).value();
  EXPECT_EQ(service_->Reschedule(mover.record.code, mover.manage_token, "mitte", Local(1, 12, 30))
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(service_->Lookup(mover.record.code, mover.manage_token)->slot.start, Local(1, 12, 0));
  absl::StatusOr<std::vector<booking::DayUsage>> usage =
      bookings_->GetUsage({{"mitte", "2037-12-01"}}, clock_.Now());
  EXPECT_EQ(usage->front().booked.at(72), 1);
  EXPECT_EQ(usage->front().booked.at(75), 3);
}

TEST_F(RedisBookingTest, RemindersGoOutOnceWhenDueAndFollowChanges) {
  std::vector<BookingView> made;
  for (int i = 0; i < 3; ++i) {
    const std::string client = absl::StrCat("c", i);
    auto hold = service_->CreateHold(client, "mitte", {"id-card"}, Local(8, 12, 0));
    ASSERT_TRUE(hold.ok()) << hold.status();
    made.push_back(service_->Confirm(client, hold->hold_id, ContactFor(i)).value());
  }
  ASSERT_TRUE(service_->Cancel(made[0].record.code, made[0].manage_token).ok());
  ASSERT_TRUE(
      service_->Reschedule(made[1].record.code, made[1].manage_token, "mitte", Local(15, 12, 0))
          .ok());
  EXPECT_EQ(service_->SendDueReminders().value(), 0);  // a week early
  clock_.Set(Local(7, 12, 1));                         // 24 h before the 8th, 12:00
  EXPECT_EQ(service_->SendDueReminders().value(), 1);  // only the untouched booking
  EXPECT_EQ(service_->SendDueReminders().value(), 0);  // never twice
  clock_.Set(Local(14, 12, 1));
  EXPECT_EQ(service_->SendDueReminders().value(), 1);  // the moved one, at its new time
  absl::StatusOr<redis::Reply> outbox = booking::AllOutboxEvents(redis(), AppointmentKeys());
  int reminders = 0;
  for (const redis::Reply& entry : outbox->elements) {
    const redis::Reply& fields = entry.elements[1];
    if (fields.elements[1].str == "booking.reminder") ++reminders;
  }
  EXPECT_EQ(reminders, 2);
}

TEST_F(RedisBookingTest, RedisDownIsUnavailable) {
  redis_server().Kill();
  EXPECT_EQ(service_->SearchSlots({.service_ids = {"id-card"}}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(service_->CreateHold("c", "mitte", {"id-card"}, Local(1, 12, 0)).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::appointments
