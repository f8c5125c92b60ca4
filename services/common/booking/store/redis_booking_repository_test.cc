#include "services/common/booking/store/redis_booking_repository.h"

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/refusal.h"
#include "tests/harness/redis_test.h"

namespace stadt::booking {
namespace {

// Thursday 2037-01-15 08:00 UTC: far enough ahead that Redis expiries computed
// from it lie in the future whenever the test runs.
const absl::Time kNow = absl::FromUnixSeconds(2'115'619'200);

HoldRecord MakeHold(const std::string& id, const std::string& client, const std::string& resource) {
  HoldRecord hold;
  hold.hold_id = id;
  hold.client = client;
  hold.resource_id = resource;
  hold.day = "2037-01-15";
  hold.start_bucket = 40;
  hold.buckets = 2;
  hold.service_ids = {"topic"};
  hold.start = kNow + absl::Hours(24);
  hold.end = hold.start + absl::Minutes(30);
  hold.expires_at = kNow + absl::Minutes(5);
  return hold;
}

BookingRecord BookingFor(const HoldRecord& hold, const std::string& code) {
  BookingRecord booking;
  booking.code = code;
  booking.client = hold.client;
  booking.person_key = absl::StrCat("person-", hold.client);
  booking.token_hash = "hash";
  booking.attributes = R"({"room":"r"})";
  return booking;
}

// The shared store on its own, under two services' prefixes.
class SharedRedisBookingTest : public testing::RedisTest {
 protected:
  SharedRedisBookingTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    first_ = std::make_unique<RedisBookingRepository>(
        redis(), "one:{one}:", RedisBookingRepository::Options{.check_in_closes_booking = true});
    second_ = std::make_unique<RedisBookingRepository>(redis(), "two:{two}:");
  }

  std::unique_ptr<RedisBookingRepository> first_;
  std::unique_ptr<RedisBookingRepository> second_;
};

TEST_F(SharedRedisBookingTest, ConcurrentHoldsOnASingleResourceGiveOne) {
  constexpr int kClients = 40;
  std::atomic<int> held = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      absl::Status status = first_->PutHold(
          MakeHold(absl::StrCat("h", i), absl::StrCat("c", i), "anna"), {1, 1}, kNow);
      (status.ok() ? held : refused)++;
      if (!status.ok()) {
        EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(held.load(), 1);
  EXPECT_EQ(refused.load(), kClients - 1);
}

TEST_F(SharedRedisBookingTest, ANewHoldGivesThePreviousBackUnlessItBecameABooking) {
  auto taken_at = [&](int bucket) {
    DayUsage usage = (*first_->GetUsage({{"r", "2037-01-15"}}, kNow))[0];
    int taken = usage.booked.count(bucket) != 0 ? usage.booked.at(bucket) : 0;
    for (const auto& [first, count] : usage.holds)
      taken += first <= bucket && bucket < first + count;
    return taken;
  };
  auto hold_at = [&](const std::string& id, int bucket) {
    HoldRecord hold = MakeHold(id, "c1", "r");
    hold.start_bucket = bucket;
    return hold;
  };
  ASSERT_TRUE(first_->PutHold(hold_at("h1", 40), {1, 1}, kNow).ok());
  ASSERT_TRUE(first_->PutHold(hold_at("h2", 44), {1, 1}, kNow).ok());
  EXPECT_EQ(taken_at(40), 0);
  EXPECT_EQ(taken_at(44), 1);
  ASSERT_TRUE(first_
                  ->ConfirmHold("h2", BookingFor(hold_at("h2", 44), "AAA-AAA-AAA"),
                                {5, absl::ZeroDuration()}, kNow, kNow + absl::Hours(72))
                  .ok());
  // The booking stays when the citizen holds again.
  ASSERT_TRUE(first_->PutHold(hold_at("h3", 48), {1, 1}, kNow).ok());
  EXPECT_EQ(taken_at(44), 1);
  EXPECT_EQ(taken_at(48), 1);
  // A hold refused (its place taken) still gave the previous one back, and
  // the next hold finds nothing left to give back.
  EXPECT_EQ(ReasonOf(first_->PutHold(hold_at("h4", 44), {1, 1}, kNow)), "slot_taken");
  EXPECT_EQ(taken_at(48), 0);
  ASSERT_TRUE(first_->PutHold(hold_at("h5", 52), {1, 1}, kNow).ok());
  EXPECT_EQ(taken_at(44), 1);
  EXPECT_EQ(taken_at(52), 1);
  EXPECT_EQ(first_->GetHold("h2")->booking_code, "AAA-AAA-AAA");
}

TEST_F(SharedRedisBookingTest, ConfirmKeepsAttributesAndPrefixesAreSeparate) {
  const HoldRecord hold = MakeHold("h1", "c1", "anna");
  ASSERT_TRUE(first_->PutHold(hold, {1, 1}, kNow).ok());
  // The same resource id under another prefix is another resource.
  ASSERT_TRUE(second_->PutHold(MakeHold("h2", "c2", "anna"), {1, 1}, kNow).ok());
  absl::StatusOr<std::string> code = first_->ConfirmHold(
      "h1", BookingFor(hold, "AAA-BBB-CCC"), PersonLimits{}, kNow, kNow + absl::Hours(48));
  ASSERT_TRUE(code.ok()) << code.status();
  absl::StatusOr<BookingRecord> stored = first_->GetBooking(*code);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->resource_id, "anna");
  EXPECT_EQ(stored->attributes, R"({"room":"r"})");
  EXPECT_EQ(stored->start_bucket, 40);
  EXPECT_EQ(second_->GetBooking(*code).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::vector<DayUsage>> usage = first_->GetUsage({{"anna", "2037-01-15"}}, kNow);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ((*usage)[0].booked.at(40), 1);
  EXPECT_TRUE((*usage)[0].holds.empty());
}

TEST_F(SharedRedisBookingTest, ASubjectsBookingsAreFoundAndErasedWithTheirSlotAndEvents) {
  const HoldRecord mine = MakeHold("h1", "citizen-9", "anna");
  const HoldRecord theirs = MakeHold("h2", "citizen-8", "anna");
  ASSERT_TRUE(first_->PutHold(mine, {2, 2}, kNow).ok());
  ASSERT_TRUE(first_->PutHold(theirs, {2, 2}, kNow).ok());
  ASSERT_TRUE(first_
                  ->ConfirmHold("h1", BookingFor(mine, "AAA-BBB-CCC"), PersonLimits{}, kNow,
                                kNow + absl::Hours(48))
                  .ok());
  ASSERT_TRUE(first_
                  ->ConfirmHold("h2", BookingFor(theirs, "DDD-EEE-FFF"), PersonLimits{}, kNow,
                                kNow + absl::Hours(48))
                  .ok());
  first_->EraseWith({"visit"});
  ASSERT_TRUE(redis().Command({"HSET", "one:{one}:visit:AAA-BBB-CCC", "state", "waiting"}).ok());

  absl::StatusOr<std::vector<KeptBooking>> found = first_->SubjectBookings("citizen-9");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].record.code, "AAA-BBB-CCC");
  EXPECT_EQ((*found)[0].delete_after, kNow + absl::Hours(48));
  EXPECT_TRUE(second_->SubjectBookings("citizen-9")->empty());

  // Booking, hold, visit and its outbox event go; the slot comes back.
  EXPECT_EQ(first_->EraseSubject("citizen-9", kNow).value(), 2);
  EXPECT_EQ(first_->GetBooking("AAA-BBB-CCC").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(first_->GetHold("h1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(redis().Command({"EXISTS", "one:{one}:visit:AAA-BBB-CCC"})->integer, 0);
  EXPECT_EQ((*first_->GetUsage({{"anna", "2037-01-15"}}, kNow))[0].booked.at(40), 1);
  redis::Reply events = redis().Command({"XRANGE", "one:{one}:outbox", "-", "+"}).value();
  ASSERT_EQ(events.elements.size(), 1u);  // the other citizen's
  EXPECT_TRUE(first_->SubjectBookings("citizen-9")->empty());
  EXPECT_TRUE(first_->GetBooking("DDD-EEE-FFF").ok());
  EXPECT_EQ(first_->EraseSubject("citizen-9", kNow).value(), 0);  // a retry erases nothing
}

TEST_F(SharedRedisBookingTest, CancelAndMoveAreRefusedOnceTheVisitHasBegunOrEnded) {
  const HoldRecord hold = MakeHold("h1", "c1", "anna");
  ASSERT_TRUE(first_->PutHold(hold, {1, 1}, kNow).ok());
  ASSERT_TRUE(first_
                  ->ConfirmHold("h1", BookingFor(hold, "AAA-BBB-CCC"), PersonLimits{}, kNow,
                                kNow + absl::Hours(48))
                  .ok());
  BookingRecord moved = *first_->GetBooking("AAA-BBB-CCC");
  moved.start_bucket = 44;
  for (const auto& [visit, reason] :
       std::map<std::string, std::string>{{"waiting", "already_checked_in"},
                                          {"called", "already_checked_in"},
                                          {"completed", "visit_completed"},
                                          {"no_show", "visit_no_show"}}) {
    // What the counter's scripts write.
    ASSERT_TRUE(redis().Command({"HSET", "one:{one}:booking:AAA-BBB-CCC", "visit", visit}).ok());
    EXPECT_EQ(first_->GetBooking("AAA-BBB-CCC")->visit, visit);
    absl::StatusOr<BookingRecord> cancelled = first_->CancelBooking("AAA-BBB-CCC", kNow);
    EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(ReasonOf(cancelled.status()), reason) << cancelled.status();
    EXPECT_EQ(
        ReasonOf(first_->MoveBooking("AAA-BBB-CCC", moved, {1, 1}, kNow, kNow + absl::Hours(48))
                     .status()),
        reason);
  }
  absl::StatusOr<BookingRecord> stored = first_->GetBooking("AAA-BBB-CCC");
  EXPECT_EQ(stored->status, BookingStatus::kConfirmed);
  EXPECT_EQ(stored->start_bucket, 40);
  EXPECT_EQ((*first_->GetUsage({{"anna", "2037-01-15"}}, kNow))[0].booked.at(40), 1);
  // Where a check-in does not close the booking (video), it can still be cancelled.
  RedisBookingRepository video_like(redis(), "one:{one}:");
  EXPECT_EQ(video_like.CancelBooking("AAA-BBB-CCC", kNow)->status, BookingStatus::kCancelled);
}

TEST_F(SharedRedisBookingTest, ALinksRequestListsThePersonsActiveBookingsOncePerInterval) {
  const HoldRecord hold = MakeHold("h1", "c1", "anna");
  ASSERT_TRUE(first_->PutHold(hold, {1, 1}, kNow).ok());
  BookingRecord booking = BookingFor(hold, "AAA-AAA-AAA");
  booking.sealed_contact = std::string("\x01\xff", 2);
  booking.token_nonce = "nonce-1";
  ASSERT_TRUE(
      first_->ConfirmHold("h1", booking, {5, absl::ZeroDuration()}, kNow, kNow + absl::Hours(72))
          .ok());
  const absl::Duration interval = absl::Minutes(10);
  EXPECT_EQ(first_->RequestLinks("person-nobody", "r0", "sealed", kNow, interval).value(), 0);
  EXPECT_EQ(first_->RequestLinks("person-c1", "r1", "sealed-r1", kNow, interval).value(), 1);
  // Within the interval: nothing more is queued.
  EXPECT_EQ(first_->RequestLinks("person-c1", "r2", "sealed-r2", kNow, interval).value(), 0);
  absl::StatusOr<redis::Reply> outbox = redis().Command({"XRANGE", "one:{one}:outbox", "-", "+"});
  ASSERT_TRUE(outbox.ok());
  std::vector<std::map<std::string, std::string>> links;
  for (const redis::Reply& entry : outbox->elements) {
    std::map<std::string, std::string> event;
    const std::vector<redis::Reply>& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
    if (event["type"] == "booking.links_requested") links.push_back(event);
  }
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0]["request"], "r1");
  EXPECT_EQ(links[0]["contact"], "sealed-r1");
  EXPECT_NE(links[0]["bookings"].find(R"("code":"AAA-AAA-AAA")"), std::string::npos);
  EXPECT_NE(links[0]["bookings"].find(R"("nonce":"nonce-1")"), std::string::npos);
  EXPECT_NE(links[0]["bookings"].find(R"("contact":"01ff")"), std::string::npos);  // hex
  // A cancelled booking is not listed.
  ASSERT_TRUE(first_->CancelBooking("AAA-AAA-AAA", kNow).ok());
  EXPECT_EQ(first_->RequestLinks("person-c1", "r3", "sealed", kNow + interval, interval).value(),
            0);
}

TEST_F(SharedRedisBookingTest, AHoldAwaitingItsEmailStaysTakenUntilTheLinkExpires) {
  const HoldRecord hold = MakeHold("h1", "c1", "anna");
  ASSERT_TRUE(first_->PutHold(hold, {1, 1}, kNow).ok());
  const PendingEmail pending{"token-hash", "sealed-contact", "attrs", "sealed-link"};
  const absl::Time until = kNow + absl::Minutes(30);
  EXPECT_EQ(first_->AwaitEmail("h1", "c2", pending, until, kNow).status().code(),
            absl::StatusCode::kNotFound);  // not c2's hold
  absl::StatusOr<HoldRecord> stored = first_->AwaitEmail("h1", "c1", pending, until, kNow);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->expires_at, until);
  EXPECT_EQ(stored->email_token_hash, "token-hash");
  EXPECT_EQ(stored->pending_contact, "sealed-contact");
  EXPECT_EQ(stored->pending_attributes, "attrs");
  // The citizen's one open hold is still this one for as long.
  EXPECT_GT(redis().Command({"PTTL", "one:{s:c1}:client-hold"})->integer,
            absl::ToInt64Milliseconds(absl::Minutes(5)));
  // A retry changes nothing and queues no second mail.
  PendingEmail other = pending;
  other.token_hash = "another";
  ASSERT_TRUE(first_->AwaitEmail("h1", "c1", other, until + absl::Hours(1), kNow).ok());
  EXPECT_EQ(first_->GetHold("h1")->email_token_hash, "token-hash");
  absl::StatusOr<redis::Reply> outbox = redis().Command({"XRANGE", "one:{one}:outbox", "-", "+"});
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->elements.size(), 1u);
  const std::vector<redis::Reply>& fields = outbox->elements[0].elements[1].elements;
  std::map<std::string, std::string> event;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
  EXPECT_EQ(event["type"], "booking.email_confirmation_requested");
  EXPECT_EQ(event["hold"], "h1");
  EXPECT_EQ(event["link_token"], "sealed-link");
  EXPECT_EQ(event["contact"], "sealed-contact");

  // Past the hold's own five minutes the slot is still taken ...
  absl::StatusOr<std::vector<DayUsage>> usage =
      first_->GetUsage({{"anna", "2037-01-15"}}, kNow + absl::Minutes(10));
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ((*usage)[0].holds.size(), 1u);
  EXPECT_EQ(first_->PutHold(MakeHold("h2", "c2", "anna"), {1, 1}, kNow + absl::Minutes(10)).code(),
            absl::StatusCode::kAborted);
  // ... and free again once the link has expired, with no sweeper.
  EXPECT_TRUE(first_->PutHold(MakeHold("h3", "c3", "anna"), {1, 1}, until).ok());
  EXPECT_EQ(first_->AwaitEmail("h1", "c1", pending, until, until).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SharedRedisBookingTest, AHoldNoLongerCountedIsNotKeptForItsEmail) {
  ASSERT_TRUE(first_->PutHold(MakeHold("h1", "c1", "anna"), {1, 1}, kNow).ok());
  // Dropped from the day's holds by a writer whose clock ran ahead.
  ASSERT_TRUE(redis().Command({"ZREM", "one:{one}:holds:anna:2037-01-15", "h1:40:2"}).ok());
  EXPECT_EQ(
      first_
          ->AwaitEmail("h1", "c1", {"hash", "contact", "", "link"}, kNow + absl::Minutes(30), kNow)
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(first_->GetHold("h1")->email_token_hash.empty());
}

}  // namespace
}  // namespace stadt::booking
