// The booking store spread over 64 buckets (BookingKeys::Spread): records by
// their resource's bucket, ids found through their own bucket, moves across
// buckets in three steps (stopped between them as a killed replica would),
// erasure and reminders in every bucket. On the cluster run every step is a
// script on one slot, so a key of another slot would be refused by the node.
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/redis/key_slot.h"
#include "tests/harness/redis_test.h"

namespace stadt::booking {
namespace {

// Thursday 2037-01-15 08:00 UTC: Redis expiries computed from it lie ahead.
const absl::Time kNow = absl::FromUnixSeconds(2'115'619'200);
const absl::Time kDeleteAfter = kNow + absl::Hours(72);

class BucketedBookingTest : public testing::RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<RedisBookingRepository>(redis(), BookingKeys::Spread("one"));
    anna_ = "anna";
    // A resource in another bucket than anna's.
    for (int n = 0; store_->IdFitsResource(anna_, other_ = absl::StrCat("office-", n)); ++n) {
    }
  }

  HoldRecord Hold(const std::string& id, const std::string& resource, int bucket = 40) {
    HoldRecord hold;
    hold.hold_id = id;
    hold.client = "c1";
    hold.resource_id = resource;
    hold.day = "2037-01-16";
    hold.start_bucket = bucket;
    hold.buckets = 2;
    hold.service_ids = {absl::StrCat("passport-", id)};
    hold.start = kNow + absl::Hours(24);
    hold.end = hold.start + absl::Minutes(30);
    hold.expires_at = kNow + absl::Minutes(5);
    return hold;
  }

  std::string Book(const std::string& hold_id, const std::string& resource,
                   const std::string& code) {
    const HoldRecord hold = Hold(hold_id, resource);
    EXPECT_TRUE(store_->PutHold(hold, {1, 1}, kNow).ok());
    BookingRecord booking;
    booking.code = code;
    booking.client = hold.client;
    booking.person_key = "person-c1";
    booking.token_hash = "hash";
    booking.remind_at = kNow + absl::Hours(1);
    absl::StatusOr<std::string> booked =
        store_->ConfirmHold(hold_id, booking, {9, absl::ZeroDuration()}, kNow, kDeleteAfter);
    EXPECT_TRUE(booked.ok()) << booked.status();
    return booked.value_or("");
  }

  BookingRecord MovedTo(const std::string& code, const std::string& resource) {
    BookingRecord moved = *store_->GetBooking(code);
    moved.resource_id = resource;
    moved.start_bucket = 44;
    moved.remind_at = kNow + absl::Hours(2);
    return moved;
  }

  int Booked(const std::string& resource, int bucket, absl::Time now = kNow) {
    DayUsage usage = (*store_->GetUsage({{resource, "2037-01-16"}}, now))[0];
    int taken = usage.booked.count(bucket) != 0 ? usage.booked.at(bucket) : 0;
    for (const auto& [first, count] : usage.holds)
      taken += first <= bucket && bucket < first + count;
    return taken;
  }

  std::vector<std::string> EventTypes(const std::string& resource) {
    std::vector<std::string> types;
    redis::Reply events =
        redis()
            .Command({"XRANGE", absl::StrCat(store_->keys().For(resource), "outbox"), "-", "+"})
            .value();
    for (const redis::Reply& entry : events.elements)
      types.push_back(entry.elements[1].elements[1].str);
    return types;
  }

  std::unique_ptr<RedisBookingRepository> store_;
  std::string anna_;
  std::string other_;
};

TEST_F(BucketedBookingTest, BucketTagsSpreadEvenlyOverTheSlots) {
  const BookingKeys keys = BookingKeys::Spread("appt");
  std::set<std::string> prefixes(keys.Buckets().begin(), keys.Buckets().end());
  ASSERT_EQ(prefixes.size(), 64u);
  for (int bucket = 0; bucket < keys.buckets(); ++bucket) {
    // Each bucket's tag lies in its 1/64 of the slots: every primary of an
    // evenly split cluster serves the same number of buckets, within one.
    EXPECT_EQ(redis::KeySlot(absl::StrCat(keys.Bucket(bucket), "outbox")) / 256, bucket);
  }
  EXPECT_EQ(keys.For("mitte"), keys.For("mitte"));
  EXPECT_EQ(keys.Person("k"), "appt:{p:k}:");
  EXPECT_EQ(keys.Subject("s"), "appt:{s:s}:");
}

TEST_F(BucketedBookingTest, IdsThatDoNotFitTheirResourceAreFoundThroughTheirStubs) {
  // "h1" and this code lie in other buckets than anna's (checked), so both
  // are reached through a stub in their own bucket.
  ASSERT_FALSE(store_->IdFitsResource("h1", anna_));
  std::string code = "AAA-BBB-CCC";
  for (char c = 'D'; store_->IdFitsResource(code, anna_); ++c) code = std::string(11, c);
  ASSERT_EQ(Book("h1", anna_, code), code);
  EXPECT_EQ(store_->GetHold("h1")->booking_code, code);
  EXPECT_EQ(store_->GetBooking(code)->resource_id, anna_);
  EXPECT_EQ(*store_->RecordPrefix(code), store_->keys().For(anna_));
  EXPECT_EQ(*store_->DayBookings({anna_, "2037-01-16"}), std::vector<std::string>{code});
  EXPECT_EQ(EventTypes(anna_), std::vector<std::string>{"booking.confirmed"});
  EXPECT_EQ(store_->CancelBooking(code, kNow)->status, BookingStatus::kCancelled);
  EXPECT_EQ(Booked(anna_, 40), 0);
}

TEST_F(BucketedBookingTest, AMoveToAResourceOfAnotherBucketTakesTheRecordAlong) {
  const std::string code = Book("h1", anna_, "AAA-BBB-CCC");
  ASSERT_TRUE(store_
                  ->MoveBookingBecause(code, MovedTo(code, other_), {1, 1}, kNow, kDeleteAfter,
                                       {"closure", "c-1", "Wasserschaden"})
                  .ok());
  absl::StatusOr<BookingRecord> moved = store_->GetBooking(code);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->resource_id, other_);
  EXPECT_EQ(moved->start_bucket, 44);
  EXPECT_EQ(moved->token_hash, "hash");
  EXPECT_EQ(*store_->RecordPrefix(code), store_->keys().For(other_));
  EXPECT_EQ(Booked(anna_, 40), 0);
  EXPECT_EQ(Booked(other_, 44), 1);
  EXPECT_TRUE(store_->DayBookings({anna_, "2037-01-16"})->empty());
  EXPECT_EQ(*store_->DayBookings({other_, "2037-01-16"}), std::vector<std::string>{code});
  EXPECT_EQ(EventTypes(other_), std::vector<std::string>{"booking.rescheduled"});
  // And back again, then cancelled where it is.
  ASSERT_TRUE(store_->MoveBooking(code, MovedTo(code, anna_), {1, 1}, kNow, kDeleteAfter).ok());
  EXPECT_EQ(store_->GetBooking(code)->resource_id, anna_);
  EXPECT_EQ(Booked(other_, 44), 0);
  EXPECT_EQ(store_->CancelBooking(code, kNow)->status, BookingStatus::kCancelled);
  EXPECT_EQ(Booked(anna_, 44), 0);
}

TEST_F(BucketedBookingTest, APersonsNextConfirmChecksABookingMovedAwayThroughItsStub) {
  // The code fits anna's bucket, so after the move its record is reached
  // through the stub left there: the confirm's check of what the person's
  // slot counts (read for all entries at once) follows it.
  std::string code = "AAA-BBB-CCC";
  for (char c = 'D'; !store_->IdFitsResource(code, anna_); ++c) code = std::string(11, c);
  ASSERT_EQ(Book("h1", anna_, code), code);
  ASSERT_TRUE(store_->MoveBooking(code, MovedTo(code, other_), {1, 1}, kNow, kDeleteAfter).ok());
  ASSERT_EQ(*store_->RecordPrefix(code), store_->keys().For(other_));
  ASSERT_NE(store_->keys().For(code), store_->keys().For(other_));
  const PersonLimits one{1, absl::ZeroDuration()};
  HoldRecord next = Hold("h2", anna_, 50);
  ASSERT_TRUE(store_->PutHold(next, {1, 1}, kNow).ok());
  BookingRecord booking;
  booking.code = "EEE-EEE-EEE";
  booking.client = next.client;
  booking.person_key = "person-c1";
  // Still confirmed where it went: it counts.
  EXPECT_EQ(ReasonOf(store_->ConfirmHold("h2", booking, one, kNow, kDeleteAfter).status()),
            "limit_reached");
  // Cancelled there, stopped before the person's slot: the check finds it
  // cancelled through the stub, so it no longer counts.
  ASSERT_TRUE(store_->CancelInOffice(code, kNow, ChangeCause{}).ok());
  EXPECT_EQ(store_->ConfirmHold("h2", booking, one, kNow, kDeleteAfter).value(), "EEE-EEE-EEE");
}

TEST_F(BucketedBookingTest, AMoveStoppedAfterItsFirstStepLeavesTheBookingWhereItWas) {
  const std::string code = Book("h1", anna_, "AAA-BBB-CCC");
  store_->StopMovesAfterStepForTesting(1);
  EXPECT_FALSE(store_->MoveBooking(code, MovedTo(code, other_), {1, 1}, kNow, kDeleteAfter).ok());
  EXPECT_EQ(store_->GetBooking(code)->resource_id, anna_);
  EXPECT_EQ(Booked(anna_, 40), 1);
  // The new place stays taken (the safe side: one place too few, never one
  // booking too many) until a retry or the appointment's end.
  const absl::Time end = store_->GetBooking(code)->end;
  EXPECT_EQ(Booked(other_, 44), 1);
  EXPECT_EQ(Booked(other_, 44, end - absl::Milliseconds(1)), 1);
  EXPECT_EQ(Booked(other_, 44, end), 0);
  // The retry takes its own hold back and moves it: the place counts once.
  store_->StopMovesAfterStepForTesting(0);
  ASSERT_TRUE(store_->MoveBooking(code, MovedTo(code, other_), {1, 1}, kNow, kDeleteAfter).ok());
  EXPECT_EQ(Booked(other_, 44), 1);
  EXPECT_EQ(Booked(other_, 44, kNow + RedisBookingRepository::kMoveHoldTtl), 1);
}

TEST_F(BucketedBookingTest, AMoveStoppedAfterItsSecondStepIsCompletedByTheNextReader) {
  const std::string code = Book("h1", anna_, "AAA-BBB-CCC");
  const absl::Time end = store_->GetBooking(code)->end;
  store_->StopMovesAfterStepForTesting(2);
  EXPECT_FALSE(store_->MoveBooking(code, MovedTo(code, other_), {1, 1}, kNow, kDeleteAfter).ok());
  // Until a reader comes, the booking is the staged record and the held
  // place: both last as long as the booking would, however late the reader
  // comes (no other citizen can take the place meanwhile).
  const std::string staged = absl::StrCat(store_->keys().For(other_), "moving:", code);
  EXPECT_EQ(redis().Command({"PEXPIRETIME", staged})->integer, absl::ToUnixMillis(kDeleteAfter));
  EXPECT_EQ(Booked(other_, 44, end - absl::Milliseconds(1)), 1);
  absl::StatusOr<BookingRecord> found = store_->GetBooking(code);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->resource_id, other_);
  EXPECT_EQ(Booked(anna_, 40), 0);
  EXPECT_EQ(Booked(other_, 44, kNow + RedisBookingRepository::kMoveHoldTtl), 1);
  EXPECT_EQ(EventTypes(other_), std::vector<std::string>{"booking.rescheduled"});
}

TEST_F(BucketedBookingTest, ErasureAndRemindersReachEveryBucket) {
  const std::string here = Book("h1", anna_, "AAA-BBB-CCC");
  const std::string there = Book("h2", other_, "DDD-EEE-FFF");
  EXPECT_EQ(store_->SubjectBookings("c1")->size(), 2u);
  EXPECT_EQ(store_->EmitDueReminders(kNow + absl::Hours(1), 10).value(), 2);
  EXPECT_EQ(store_->EraseSubject("c1", kNow).value(), 4);  // two bookings, two holds
  EXPECT_EQ(store_->GetBooking(here).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetBooking(there).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Booked(anna_, 40), 0);
  EXPECT_EQ(Booked(other_, 40), 0);
  EXPECT_TRUE(EventTypes(anna_).empty());
  EXPECT_TRUE(EventTypes(other_).empty());
  EXPECT_TRUE(store_->SubjectBookings("c1")->empty());
}

TEST_F(BucketedBookingTest, BookingsLeftUnderTheOldLayoutStopTheStart) {
  EXPECT_TRUE(RefuseBookingsOfOldLayout(redis(), "appt:{appt}:").ok());
  ASSERT_TRUE(redis().Command({"HSET", "appt:{appt}:booking:AAA-BBB-CCC", "code", "x"}).ok());
  // Other keys of the old layout (an expired day's counters) do not count.
  ASSERT_TRUE(redis().Command({"SET", "appt:{appt}:booked:anna:2037-01-16", "1"}).ok());
  absl::Status refused = RefuseBookingsOfOldLayout(redis(), "appt:{appt}:");
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "1 bookings")) << refused;
  EXPECT_TRUE(RefuseBookingsOfOldLayout(redis(), "video:{video}:").ok());
}

}  // namespace
}  // namespace stadt::booking
