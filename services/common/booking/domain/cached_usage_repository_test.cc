#include "services/common/booking/domain/cached_usage_repository.h"

#include <functional>

#include "gtest/gtest.h"
#include "services/common/booking/domain/forwarding_booking_repository.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/booking/domain/test_time.h"

namespace stadt::booking {
namespace {

using testing::December;

constexpr char kOffice[] = "mitte";
constexpr char kOtherOffice[] = "nord";
constexpr char kDay[] = "2037-12-01";
constexpr char kOtherDay[] = "2037-12-02";

// Counts the reads that reach the store and can act in the middle of one, as
// a write from another request would.
class ObservedRepository final : public ForwardingBookingRepository {
 public:
  using ForwardingBookingRepository::ForwardingBookingRepository;

  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                 absl::Time now) override {
    ++reads;
    auto usage = inner().GetUsage(days, now);
    if (during_next_read) std::exchange(during_next_read, nullptr)();
    return usage;
  }
  absl::StatusOr<BookingRecord> GetBooking(const std::string& code) override {
    if (fail_get_booking) return absl::UnavailableError("connection lost");
    return inner().GetBooking(code);
  }
  absl::StatusOr<BookingRecord> CancelBookingBecause(const std::string& code, absl::Time now,
                                                     const ChangeCause& cause) override {
    auto cancelled = inner().CancelBookingBecause(code, now, cause);
    if (cancelled.ok() && lose_cancel_answer) return absl::UnavailableError("connection lost");
    return cancelled;
  }

  int reads = 0;
  std::function<void()> during_next_read;
  // The cancel happens in the store but its answer is lost on the way back.
  bool lose_cancel_answer = false;
  bool fail_get_booking = false;
};

HoldRecord Hold(const std::string& id, const std::string& client, const std::string& office,
                const std::string& day, int bucket, absl::Time now) {
  HoldRecord hold;
  hold.hold_id = id;
  hold.client = client;
  hold.resource_id = office;
  hold.day = day;
  hold.start_bucket = bucket;
  hold.buckets = 1;
  hold.service_ids = {"id-card"};
  hold.start = now + absl::Hours(24);
  hold.end = hold.start + absl::Minutes(15);
  hold.expires_at = now + absl::Minutes(5);
  return hold;
}

BookingRecord BookingOf(const HoldRecord& hold, const std::string& code) {
  BookingRecord booking;
  booking.code = code;
  booking.resource_id = hold.resource_id;
  booking.day = hold.day;
  booking.start_bucket = hold.start_bucket;
  booking.buckets = hold.buckets;
  booking.service_ids = hold.service_ids;
  booking.start = hold.start;
  booking.end = hold.end;
  booking.person_key = "person-" + hold.client;
  booking.client = hold.client;
  return booking;
}

// Buckets taken (booked or held) on a day, as a search would count them.
int Taken(const DayUsage& usage) {
  int taken = static_cast<int>(usage.holds.size());
  for (const auto& [bucket, count] : usage.booked) taken += count;
  return taken;
}

class CachedUsageRepositoryTest : public ::testing::Test {
 protected:
  int TakenOn(BookingRepository& repository, const std::string& office, const std::string& day) {
    auto usage = repository.GetUsage({{office, day}}, now_);
    EXPECT_TRUE(usage.ok()) << usage.status();
    return usage.ok() ? Taken(usage->front()) : -1;
  }

  // Booking ABC123 for anna on kOffice / kDay, made through the cache, which
  // now shows that day's one booking.
  void BookAnnaThroughTheCache() {
    HoldRecord hold = Hold("h1", "anna", kOffice, kDay, 10, now_);
    ASSERT_TRUE(cache_.PutHold(hold, capacity_, now_).ok());
    ASSERT_TRUE(
        cache_.ConfirmHold("h1", BookingOf(hold, "ABC123"), {}, now_, now_ + absl::Hours(48)).ok());
    ASSERT_EQ(TakenOn(cache_, kOffice, kDay), 1);
  }

  InMemoryBookingRepository store_;
  ObservedRepository observed_{store_};
  CachedUsageRepository cache_{observed_, absl::Seconds(1)};
  absl::Time now_ = December(1, 8, 0);
  const SlotCapacity capacity_ = {4};
};

TEST_F(CachedUsageRepositoryTest, RepeatedSearchesWithinTheTtlReadTheStoreOnce) {
  ASSERT_EQ(TakenOn(cache_, kOffice, kDay), 0);
  ASSERT_EQ(TakenOn(cache_, kOffice, kDay), 0);
  EXPECT_EQ(observed_.reads, 1);

  // Only the day not seen before is read.
  auto usage = cache_.GetUsage({{kOffice, kDay}, {kOtherOffice, kDay}}, now_);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->size(), 2u);
  EXPECT_EQ(observed_.reads, 2);
}

TEST_F(CachedUsageRepositoryTest, AnotherReplicasWriteShowsOnceTheTtlHasPassed) {
  ASSERT_EQ(TakenOn(cache_, kOffice, kDay), 0);
  // Written to the store directly, as another replica would.
  ASSERT_TRUE(store_.PutHold(Hold("h1", "anna", kOffice, kDay, 10, now_), capacity_, now_).ok());

  now_ += absl::Milliseconds(999);
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0) << "within the TTL the cached day is shown";
  now_ += absl::Milliseconds(1);
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 1);
}

TEST_F(CachedUsageRepositoryTest, OwnHoldConfirmAndCancelShowAtOnce) {
  ASSERT_EQ(TakenOn(cache_, kOffice, kDay), 0);
  HoldRecord hold = Hold("h1", "anna", kOffice, kDay, 10, now_);
  ASSERT_TRUE(cache_.PutHold(hold, capacity_, now_).ok());
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 1);

  ASSERT_TRUE(
      cache_.ConfirmHold("h1", BookingOf(hold, "ABC123"), {}, now_, now_ + absl::Hours(48)).ok());
  auto usage = cache_.GetUsage({{kOffice, kDay}}, now_);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->front().booked.at(10), 1);
  EXPECT_TRUE(usage->front().holds.empty());

  ASSERT_TRUE(cache_.CancelBooking("ABC123", now_).ok());
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0);
}

TEST_F(CachedUsageRepositoryTest, ANewHoldShowsThePreviousHoldsDayFreeAtOnce) {
  ASSERT_TRUE(cache_.PutHold(Hold("h1", "anna", kOffice, kDay, 10, now_), capacity_, now_).ok());
  ASSERT_EQ(TakenOn(cache_, kOffice, kDay), 1);
  // The store releases anna's first hold when she takes another slot elsewhere.
  ASSERT_TRUE(
      cache_.PutHold(Hold("h2", "anna", kOtherOffice, kOtherDay, 3, now_), capacity_, now_).ok());
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0);
  EXPECT_EQ(TakenOn(cache_, kOtherOffice, kOtherDay), 1);
}

TEST_F(CachedUsageRepositoryTest, ACancelWhoseAnswerWasLostDropsEverything) {
  ASSERT_NO_FATAL_FAILURE(BookAnnaThroughTheCache());
  observed_.lose_cancel_answer = true;
  EXPECT_FALSE(cache_.CancelBooking("ABC123", now_).ok());
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0);
}

TEST_F(CachedUsageRepositoryTest, AMoveShowsOnTheDayLeftAndTheDayTaken) {
  ASSERT_NO_FATAL_FAILURE(BookAnnaThroughTheCache());
  ASSERT_EQ(TakenOn(cache_, kOtherOffice, kOtherDay), 0);

  BookingRecord moved = BookingOf(Hold("h2", "anna", kOtherOffice, kOtherDay, 12, now_), "ABC123");
  ASSERT_TRUE(cache_.MoveBooking("ABC123", moved, capacity_, now_, now_ + absl::Hours(72)).ok());
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0);
  EXPECT_EQ(TakenOn(cache_, kOtherOffice, kOtherDay), 1);
}

TEST_F(CachedUsageRepositoryTest, AMoveFromADayItCouldNotLookUpDropsEverything) {
  ASSERT_NO_FATAL_FAILURE(BookAnnaThroughTheCache());

  observed_.fail_get_booking = true;
  BookingRecord moved = BookingOf(Hold("h2", "anna", kOtherOffice, kOtherDay, 12, now_), "ABC123");
  ASSERT_TRUE(cache_.MoveBooking("ABC123", moved, capacity_, now_, now_ + absl::Hours(72)).ok());
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0);
}

TEST_F(CachedUsageRepositoryTest, AReadThatAWriteOvertookIsNotKept) {
  // The hold lands after the store answered the read but before the answer is
  // cached: caching it would hide the hold for the whole TTL.
  observed_.during_next_read = [this] {
    ASSERT_TRUE(cache_.PutHold(Hold("h1", "anna", kOffice, kDay, 10, now_), capacity_, now_).ok());
  };
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 0);  // what the store had when read
  EXPECT_EQ(TakenOn(cache_, kOffice, kDay), 1);
}

TEST_F(CachedUsageRepositoryTest, ZeroTtlReadsTheStoreEveryTime) {
  CachedUsageRepository uncached(observed_, absl::ZeroDuration());
  TakenOn(uncached, kOffice, kDay);
  TakenOn(uncached, kOffice, kDay);
  EXPECT_EQ(observed_.reads, 2);
}

TEST_F(CachedUsageRepositoryTest, AFullCacheStartsOverInsteadOfGrowing) {
  CachedUsageRepository small(observed_, absl::Seconds(1), /*max_entries=*/2);
  TakenOn(small, kOffice, kDay);
  TakenOn(small, kOffice, kOtherDay);
  TakenOn(small, kOtherOffice, kDay);  // clears, then keeps only this day
  ASSERT_EQ(observed_.reads, 3);
  TakenOn(small, kOtherOffice, kDay);
  EXPECT_EQ(observed_.reads, 3);
  TakenOn(small, kOffice, kDay);
  EXPECT_EQ(observed_.reads, 4);
}

TEST_F(CachedUsageRepositoryTest, StoreFailuresAreReturnedAndNotCached) {
  class Failing final : public ForwardingBookingRepository {
   public:
    using ForwardingBookingRepository::ForwardingBookingRepository;
    absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>&,
                                                   absl::Time) override {
      return absl::UnavailableError("store down");
    }
  } failing(store_);
  CachedUsageRepository cache(failing, absl::Seconds(1));
  EXPECT_EQ(cache.GetUsage({{kOffice, kDay}}, now_).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(cache.GetUsage({{kOffice, kDay}}, now_).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::booking
