// The per-person limits across slots (docs/redis-cluster.md, "reserve, take,
// commit"): each failure case is run by hand, stopping between the steps as a
// killed replica would, then the next confirm's count is asserted. Runs on a
// single node and on the cluster (the persons' keys lie in other slots than
// the office's there).
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "tests/harness/redis_test.h"

namespace stadt::booking {
namespace {

// Thursday 2037-01-15 08:00 UTC: Redis expiries computed from it lie ahead.
const absl::Time kNow = absl::FromUnixSeconds(2'115'619'200);
const absl::Time kDeleteAfter = kNow + absl::Hours(72);
constexpr char kPerson[] = "person-anna";

class PersonQuotaTest : public testing::RedisTest {
 protected:
  PersonQuotaTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<RedisBookingRepository>(redis(), "one:{one}:");
  }

  // A hold of `person` on its own resource (no capacity in the way), for
  // service `service`, starting `days` ahead.
  HoldRecord Hold(const std::string& id, const std::string& service = "passport", int days = 1) {
    HoldRecord hold;
    hold.hold_id = id;
    hold.client = absl::StrCat("citizen-", id);  // each its own open hold
    hold.resource_id = absl::StrCat("office-", id);
    hold.day = "2037-01-16";
    hold.start_bucket = 40;
    hold.buckets = 1;
    hold.service_ids = {service};
    hold.start = kNow + absl::Hours(24) * days;
    hold.end = hold.start + absl::Minutes(15);
    hold.expires_at = kNow + absl::Minutes(5);
    EXPECT_TRUE(store_->PutHold(hold, {1}, kNow).ok());
    return hold;
  }

  BookingRecord Booking(const HoldRecord& hold, const std::string& code,
                        const std::string& persons = kPerson) {
    BookingRecord booking;
    booking.code = code;
    booking.client = hold.client;
    booking.person_key = persons;
    booking.start = hold.start;
    booking.service_ids = hold.service_ids;
    booking.token_hash = "hash";
    return booking;
  }

  absl::StatusOr<std::string> Confirm(const HoldRecord& hold, const std::string& code,
                                      absl::Time now, const PersonLimits& limits,
                                      const std::string& persons = kPerson) {
    return store_->ConfirmHold(hold.hold_id, Booking(hold, code, persons), limits, now,
                               kDeleteAfter);
  }

  std::unique_ptr<RedisBookingRepository> store_;
};

const PersonLimits kOne{1, absl::ZeroDuration()};

TEST_F(PersonQuotaTest, AReservationLeftBeforeTheTakeCountsUntilItExpires) {
  const HoldRecord first = Hold("h1");
  // Killed after step 1: the reservation is there, no booking.
  ASSERT_TRUE(
      store_->ReservePersons("h1", Booking(first, "AAA-AAA-AAA"), kOne, kNow, kDeleteAfter).ok());
  const HoldRecord second = Hold("h2");
  EXPECT_EQ(ReasonOf(Confirm(second, "BBB-BBB-BBB", kNow, kOne).status()), "limit_reached");
  // Its expiry frees the quota: the first hold never became a booking.
  const absl::Time later = kNow + RedisBookingRepository::kReservationTtl + absl::Seconds(1);
  EXPECT_TRUE(Confirm(second, "BBB-BBB-BBB", later, kOne).ok());
  // The confirm of the first hold retried now counts against the limit again.
  EXPECT_EQ(ReasonOf(Confirm(first, "AAA-AAA-AAA", later, kOne).status()), "limit_reached");
}

TEST_F(PersonQuotaTest, ABookingTakenButNeverCommittedStillCountsAfterItsReservationExpired) {
  const HoldRecord first = Hold("h1");
  const BookingRecord booking = Booking(first, "AAA-AAA-AAA");
  ASSERT_TRUE(store_->ReservePersons("h1", booking, kOne, kNow, kDeleteAfter).ok());
  // Killed after step 2: the booking exists, the person's slot has only the reservation.
  ASSERT_EQ(store_->TakeHold("h1", booking, kNow, kDeleteAfter).value(), "AAA-AAA-AAA");
  const absl::Time later = kNow + RedisBookingRepository::kReservationTtl + absl::Seconds(1);
  const HoldRecord second = Hold("h2");
  EXPECT_EQ(ReasonOf(Confirm(second, "BBB-BBB-BBB", later, kOne).status()), "limit_reached");
  // The check settled the reservation into the booking: cancelling it frees the quota.
  ASSERT_TRUE(store_->CancelBooking("AAA-AAA-AAA", later).ok());
  EXPECT_TRUE(Confirm(second, "BBB-BBB-BBB", later, kOne).ok());
}

TEST_F(PersonQuotaTest, ARetryAfterTheTakeCommitsWithoutCountingTwice) {
  const HoldRecord first = Hold("h1");
  const BookingRecord booking = Booking(first, "AAA-AAA-AAA");
  ASSERT_TRUE(store_->ReservePersons("h1", booking, kOne, kNow, kDeleteAfter).ok());
  ASSERT_TRUE(store_->TakeHold("h1", booking, kNow, kDeleteAfter).ok());
  // The citizen's retry (a new code drawn) finds the booking and commits it.
  EXPECT_EQ(Confirm(first, "CCC-CCC-CCC", kNow, kOne).value(), "AAA-AAA-AAA");
  EXPECT_EQ(Confirm(first, "DDD-DDD-DDD", kNow, kOne).value(), "AAA-AAA-AAA");
  EXPECT_EQ(ReasonOf(Confirm(Hold("h2"), "BBB-BBB-BBB", kNow, kOne).status()), "limit_reached");
  ASSERT_TRUE(store_->CancelBooking("AAA-AAA-AAA", kNow).ok());
  EXPECT_TRUE(Confirm(Hold("h3"), "EEE-EEE-EEE", kNow, kOne).ok());
}

TEST_F(PersonQuotaTest, ATakeRefusedGivesTheReservationBack) {
  HoldRecord first = Hold("h1");
  const absl::Time expired = first.expires_at + absl::Seconds(1);
  EXPECT_EQ(ReasonOf(Confirm(first, "AAA-AAA-AAA", expired, kOne).status()), "hold_expired");
  HoldRecord second = Hold("h2");
  second.expires_at = expired + absl::Minutes(5);
  ASSERT_TRUE(store_->PutHold(second, {1}, expired).ok());
  EXPECT_TRUE(Confirm(second, "BBB-BBB-BBB", expired, kOne).ok());
}

TEST_F(PersonQuotaTest, ACancelStoppedBeforeThePersonsSlotIsRepairedByTheNextConfirm) {
  ASSERT_TRUE(Confirm(Hold("h1"), "AAA-AAA-AAA", kNow, kOne).ok());
  // Killed after the office's slot: the person's slot still counts the booking.
  ASSERT_TRUE(store_->CancelInOffice("AAA-AAA-AAA", kNow, ChangeCause{}).ok());
  EXPECT_TRUE(Confirm(Hold("h2"), "BBB-BBB-BBB", kNow, kOne).ok());
}

TEST_F(PersonQuotaTest, AMovedBookingCountsForTheSameServiceByItsNewStart) {
  const PersonLimits window{5, absl::Hours(24 * 3)};
  const HoldRecord first = Hold("h1", "passport", 1);
  ASSERT_TRUE(Confirm(first, "AAA-AAA-AAA", kNow, window).ok());
  // Moved ten days ahead: a second passport appointment near the old start fits again.
  BookingRecord moved = *store_->GetBooking("AAA-AAA-AAA");
  moved.day = "2037-01-25";
  moved.start = kNow + absl::Hours(24 * 10);
  moved.end = moved.start + absl::Minutes(15);
  ASSERT_TRUE(store_->MoveBooking("AAA-AAA-AAA", moved, {1}, kNow, kDeleteAfter).ok());
  EXPECT_TRUE(Confirm(Hold("h2", "passport", 2), "BBB-BBB-BBB", kNow, window).ok());
  EXPECT_EQ(ReasonOf(Confirm(Hold("h3", "passport", 11), "CCC-CCC-CCC", kNow, window).status()),
            "service_already_booked");
}

TEST_F(PersonQuotaTest, EveryPersonKeyReservesOrNoneKeepsItsReservation) {
  // The phone is at its limit already (booked with another address).
  ASSERT_TRUE(Confirm(Hold("h1"), "AAA-AAA-AAA", kNow, kOne, "person-phone").ok());
  EXPECT_EQ(
      ReasonOf(Confirm(Hold("h2"), "BBB-BBB-BBB", kNow, kOne, "person-mail,person-phone").status()),
      "limit_reached");
  // The e-mail's reservation was given back at once.
  EXPECT_TRUE(Confirm(Hold("h3"), "CCC-CCC-CCC", kNow, kOne, "person-mail").ok());
}

TEST_F(PersonQuotaTest, ABookingCountedByTwoPersonKeysIsRepairedInBothAfterAStoppedCancel) {
  // One check in the office's slot answers for both person keys.
  ASSERT_TRUE(Confirm(Hold("h1"), "AAA-AAA-AAA", kNow, kOne, "person-mail,person-phone").ok());
  ASSERT_TRUE(store_->CancelInOffice("AAA-AAA-AAA", kNow, ChangeCause{}).ok());
  EXPECT_TRUE(Confirm(Hold("h2"), "BBB-BBB-BBB", kNow, kOne, "person-mail,person-phone").ok());
  // Each key now counts the new booking alone, and only it.
  EXPECT_EQ(ReasonOf(Confirm(Hold("h3"), "CCC-CCC-CCC", kNow, kOne, "person-phone").status()),
            "limit_reached");
  EXPECT_EQ(ReasonOf(Confirm(Hold("h4"), "DDD-DDD-DDD", kNow, kOne, "person-mail").status()),
            "limit_reached");
}

TEST_F(PersonQuotaTest, ConfirmsAndTheirRetriesCountEachBookingOnce) {
  const PersonLimits three{3, absl::ZeroDuration()};
  const HoldRecord first = Hold("h1", "s1");
  const HoldRecord second = Hold("h2", "s2");
  ASSERT_EQ(Confirm(first, "AAA-AAA-AAA", kNow, three).value(), "AAA-AAA-AAA");
  ASSERT_EQ(Confirm(second, "BBB-BBB-BBB", kNow, three).value(), "BBB-BBB-BBB");
  // Retries (each drawing a new code) answer the booking made and add nothing.
  for (int retry = 0; retry < 3; ++retry) {
    EXPECT_EQ(Confirm(first, absl::StrCat("CCC-CCC-CC", retry), kNow, three).value(),
              "AAA-AAA-AAA");
    EXPECT_EQ(Confirm(second, absl::StrCat("DDD-DDD-DD", retry), kNow, three).value(),
              "BBB-BBB-BBB");
  }
  redis::Reply counted =
      redis()
          .Command({"ZRANGE", absl::StrCat(store_->keys().Person(kPerson), "person"), "0", "-1"})
          .value();
  ASSERT_EQ(counted.elements.size(), 2u);
  EXPECT_EQ(counted.elements[0].str, "AAA-AAA-AAA");
  EXPECT_EQ(counted.elements[1].str, "BBB-BBB-BBB");
  // The third place is still free, the fourth is not.
  EXPECT_TRUE(Confirm(Hold("h3", "s3"), "EEE-EEE-EEE", kNow, three).ok());
  EXPECT_EQ(ReasonOf(Confirm(Hold("h4", "s4"), "FFF-FFF-FFF", kNow, three).status()),
            "limit_reached");
}

TEST_F(PersonQuotaTest, ConcurrentConfirmsOfOnePersonAtManyOfficesStayWithinTheLimit) {
  constexpr int kHolds = 12;
  std::vector<HoldRecord> holds;
  for (int i = 0; i < kHolds; ++i) {
    holds.push_back(Hold(absl::StrCat("h", i), absl::StrCat("service-", i)));
  }
  std::atomic<int> booked = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kHolds; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<std::string> code =
          Confirm(holds[i], absl::StrCat("AAA-AAA-A", 10 + i), kNow, {3, absl::ZeroDuration()});
      if (code.ok()) {
        ++booked;
      } else {
        EXPECT_EQ(ReasonOf(code.status()), "limit_reached") << code.status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(booked.load(), 3);
}

}  // namespace
}  // namespace stadt::booking
