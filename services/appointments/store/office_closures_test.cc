// Closures against a real Redis: the bookings of a closed office-day are
// moved or cancelled, each with one outbox event, no slot over capacity, and
// retrying changes nothing.
#include "services/appointments/domain/office_closures.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/store/redis_catalog_repository.h"
#include "services/appointments/store/redis_counter_repository.h"
#include "services/common/booking/domain/forwarding_booking_repository.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/outbox_testing.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/fake_clock.h"
#include "tests/harness/redis_test.h"

namespace stadt::appointments {
namespace {

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// December 2037: 1 December is a Tuesday.
absl::Time Local(int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2037, 12, day, hour, minute), Berlin());
}

Office MakeOffice(const std::string& id, int counters) {
  Office office;
  office.id = id;
  office.name = id;
  office.district = "Mitte";
  office.address = {"Eberhardstr. 39", "70173", "Stuttgart"};
  office.service_ids = {"id-card"};
  office.slot_minutes = 10;
  for (int weekday = 1; weekday <= 5; ++weekday) {
    office.counters.push_back({weekday, 8 * 60, 12 * 60, counters});
  }
  return office;
}

// The booking store, where the counter checks the citizen of `code` in just
// before the office's move or cancellation of that booking reaches the store
// (after the resolution listed it).
class CheckInFirst : public booking::ForwardingBookingRepository {
 public:
  CheckInFirst(booking::BookingRepository& inner, redis::Client& redis, std::string code,
               const Clock& clock)
      : ForwardingBookingRepository(inner),
        counter_(redis),
        code_(std::move(code)),
        clock_(clock) {}

  absl::StatusOr<booking::BookingRecord> MoveBookingBecause(
      const std::string& code, const booking::BookingRecord& moved,
      const booking::SlotCapacity& capacity, absl::Time now, absl::Time delete_after,
      const booking::ChangeCause& cause) override {
    CheckInIfDue(code);
    return inner().MoveBookingBecause(code, moved, capacity, now, delete_after, cause);
  }
  absl::StatusOr<booking::BookingRecord> CancelBookingBecause(
      const std::string& code, absl::Time now, const booking::ChangeCause& cause) override {
    CheckInIfDue(code);
    return inner().CancelBookingBecause(code, now, cause);
  }

  bool checked_in() const { return checked_in_; }

 private:
  void CheckInIfDue(const std::string& code) {
    if (code != code_ || checked_in_) return;
    absl::StatusOr<booking::BookingRecord> record = inner().GetBooking(code);
    ASSERT_TRUE(record.ok()) << record.status();
    ASSERT_TRUE(counter_.CheckIn({record->resource_id, record->day}, code, clock_.Now()).ok());
    checked_in_ = true;
  }

  RedisCounterRepository counter_;
  const std::string code_;
  const Clock& clock_;
  bool checked_in_ = false;
};

class OfficeClosuresTest : public testing::RedisTest {
 protected:
  OfficeClosuresTest() : RedisTest(/*pool_size=*/4) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    catalog_ = std::make_unique<RedisCatalogRepository>(redis());
    bookings_ = std::make_unique<booking::RedisBookingRepository>(
        redis(), AppointmentKeys(),
        booking::RedisBookingRepository::Options{.check_in_closes_booking = true});
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 10, {}}, {"passport", "Passport", 10, {}}};
    catalog.offices = {MakeOffice("mitte", 2), MakeOffice("west", 1)};
    ASSERT_TRUE(catalog_->ApplySeed(catalog, "test").ok());
    booking::BookingRules rules;
    rules.max_active_bookings_per_person = 100;
    rules.same_service_window_days = 0;
    rules.min_notice = absl::Hours(1);
    const booking::Calendar calendar(rules, Berlin());
    const auto secrets = booking::BookingSecrets::Derive("closure test key");
    service_ = std::make_unique<OfficeBookings>(*catalog_, *bookings_, clock_, calendar, secrets);
    core_ = std::make_unique<booking::BookingCore>(*bookings_, clock_, calendar, secrets);
    closures_ = std::make_unique<OfficeClosures>(*catalog_, *bookings_, *core_);
  }

  std::string Book(int i, const std::string& office, absl::Time start) {
    const std::string client = absl::StrCat("citizen-", i);
    absl::StatusOr<HoldView> hold = service_->CreateHold(client, office, {"id-card"}, start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    if (!hold.ok()) return "";
    absl::StatusOr<BookingView> booking = service_->Confirm(
        client, hold->hold_id, {"Person", absl::StrCat("p", i, "@example.org"), ""});
    EXPECT_TRUE(booking.ok()) << booking.status();
    return booking.ok() ? booking->record.code : "";
  }

  // Outbox events that carry the closure as their cause, per booking code.
  std::map<std::string, int> ClosureEvents() {
    std::map<std::string, int> events;
    absl::StatusOr<redis::Reply> stream = booking::AllOutboxEvents(redis(), AppointmentKeys());
    EXPECT_TRUE(stream.ok());
    for (const redis::Reply& entry : stream->elements) {
      const std::vector<redis::Reply>& fields = entry.elements[1].elements;
      std::map<std::string, std::string> event;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
      if (event["cause"] == "closure") ++events[event["code"]];
    }
    return events;
  }

  // Booked count per bucket of an office-day never exceeds the plan.
  void ExpectWithinCapacity(const std::string& office_id, int day) {
    const absl::CivilDay civil(2037, 12, day);
    Office office = catalog_->GetOffice(office_id).value();
    booking::DayPlan plan = PlanDay(office, civil);
    absl::StatusOr<std::vector<booking::DayUsage>> usage =
        bookings_->GetUsage({{office_id, booking::FormatDate(civil)}}, clock_.Now());
    ASSERT_TRUE(usage.ok());
    for (const auto& [bucket, count] : (*usage)[0].booked) {
      if (count > 0) {
        EXPECT_LE(count, plan.capacity[bucket]) << office_id << " bucket " << bucket;
      }
    }
  }

  // Books three bookings at Mitte on 2 December, declares a strike that day
  // (listing all three) and resolves it on its morning with `action` while
  // the first citizen checks in at the counter just before their booking's
  // change. That booking stays as it is, outside the report and without an
  // event; the other two are moved or cancelled, each with one event.
  void ResolveWhileTheFirstChecksIn(ClosureAction action) {
    const std::vector<std::string> codes = {Book(1, "mitte", Local(2, 9, 0)),
                                            Book(2, "mitte", Local(2, 9, 0)),
                                            Book(3, "mitte", Local(2, 9, 10))};
    const Closure strike{"strike", "2037-12-02", "2037-12-02", 0, 24 * 60, 0, "Streik"};
    absl::StatusOr<ClosureReport> declared = closures_->Declare("mitte", strike);
    ASSERT_TRUE(declared.ok()) << declared.status();
    ASSERT_EQ(declared->bookings.size(), 3u);
    clock_.Set(Local(2, 8, 0));
    CheckInFirst interleaved(*bookings_, redis(), codes[0], clock_);
    booking::BookingCore core(interleaved, clock_, core_->calendar(),
                              booking::BookingSecrets::Derive("closure test key"));
    OfficeClosures closures(*catalog_, interleaved, core);

    absl::StatusOr<ClosureReport> resolved = closures.Resolve("mitte", "strike", action, "", "");
    ASSERT_TRUE(resolved.ok()) << resolved.status();
    EXPECT_TRUE(interleaved.checked_in());
    std::vector<std::string> reported;
    for (const AffectedBooking& entry : resolved->bookings) reported.push_back(entry.booking_code);
    EXPECT_EQ(reported, std::vector<std::string>(codes.begin() + 1, codes.end()));
    EXPECT_EQ(resolved->moved + resolved->cancelled, 2);
    absl::StatusOr<booking::BookingRecord> kept = bookings_->GetBooking(codes[0]);
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_EQ(kept->status, booking::BookingStatus::kConfirmed);
    EXPECT_EQ(kept->start, Local(2, 9, 0));
    EXPECT_EQ(kept->visit, "waiting");
    std::map<std::string, int> events = ClosureEvents();
    EXPECT_EQ(events.count(codes[0]), 0u);
    EXPECT_EQ(events[codes[1]], 1);
    EXPECT_EQ(events[codes[2]], 1);

    // Retrying changes nothing.
    absl::StatusOr<ClosureReport> again = closures.Resolve("mitte", "strike", action, "", "");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(again->bookings.empty());
    EXPECT_EQ(ClosureEvents(), events);
  }

  FakeClock clock_{Local(1, 9, 0)};
  std::unique_ptr<RedisCatalogRepository> catalog_;
  std::unique_ptr<booking::RedisBookingRepository> bookings_;
  std::unique_ptr<OfficeBookings> service_;
  std::unique_ptr<booking::BookingCore> core_;
  std::unique_ptr<OfficeClosures> closures_;
};

TEST_F(OfficeClosuresTest, AClosedDayIsMovedOnceAndRetryingChangesNothing) {
  std::vector<std::string> codes;
  for (int i = 0; i < 6; ++i) codes.push_back(Book(i, "mitte", Local(2, 9, 10 * (i / 2))));
  const std::string other_day = Book(50, "mitte", Local(3, 9, 0));
  const Closure strike{"strike-2", "2037-12-02", "2037-12-02", 0, 24 * 60, 0, "Streik"};

  absl::StatusOr<ClosureReport> declared = closures_->Declare("mitte", strike);
  ASSERT_TRUE(declared.ok()) << declared.status();
  ASSERT_EQ(declared->bookings.size(), 6u);
  EXPECT_EQ(declared->bookings[0].outcome, ClosureOutcome::kAffected);
  // From now on nothing lands in the closed day, and the search shows it.
  EXPECT_FALSE(service_->CreateHold("late", "mitte", {"id-card"}, Local(2, 11, 0)).ok());
  absl::StatusOr<std::vector<SlotView>> slots = service_->SearchSlots({.service_ids = {"id-card"},
                                                                       .office_ids = {"mitte"},
                                                                       .from_date = "2037-12-02",
                                                                       .to_date = "2037-12-02"});
  ASSERT_TRUE(slots.ok());
  EXPECT_TRUE(slots->empty());
  // Declaring it again is a no-op; another closure under its id is refused.
  EXPECT_EQ(closures_->Declare("mitte", strike)->bookings.size(), 6u);
  Closure other = strike;
  other.counters = 1;
  EXPECT_EQ(booking::ReasonOf(closures_->Declare("mitte", other).status()), "closure_exists");

  absl::StatusOr<ClosureReport> moved =
      closures_->Resolve("mitte", "strike-2", ClosureAction::kMove, "", "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->moved, 6);
  for (const AffectedBooking& booking : moved->bookings) {
    EXPECT_EQ(booking.outcome, ClosureOutcome::kMoved);
    EXPECT_EQ(booking.office_id, "mitte");
    // The nearest free slots: the day after (at its 9:00 a booking is
    // already), or the day before from the notice time on.
    EXPECT_NE(booking::FormatDate(absl::ToCivilDay(booking.new_start, Berlin())), "2037-12-02");
  }
  ExpectWithinCapacity("mitte", 1);
  ExpectWithinCapacity("mitte", 3);
  std::map<std::string, int> events = ClosureEvents();
  EXPECT_EQ(events.size(), 6u);
  for (const std::string& code : codes) EXPECT_EQ(events[code], 1) << code;
  EXPECT_EQ(events.count(other_day), 0u);

  // Retrying changes nothing.
  absl::StatusOr<ClosureReport> again =
      closures_->Resolve("mitte", "strike-2", ClosureAction::kMove, "", "");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->bookings.empty());
  EXPECT_EQ(ClosureEvents(), events);
}

TEST_F(OfficeClosuresTest, FewerCountersMoveOnlyWhatNoLongerFitsAndCancelWhereNothingIsFree) {
  // Two counters at 9:00 on the 2nd: both taken; one counter from then on.
  const std::string first = Book(1, "mitte", Local(2, 9, 0));
  const std::string second = Book(2, "mitte", Local(2, 9, 0));
  const Closure reduced{"ill-2", "2037-12-02", "2037-12-02", 8 * 60, 12 * 60, 1, "Krankheit"};
  absl::StatusOr<ClosureReport> declared = closures_->Declare("mitte", reduced);
  ASSERT_TRUE(declared.ok()) << declared.status();
  ASSERT_EQ(declared->bookings.size(), 1u);
  // Of two at the same time, the one with the smaller code keeps its place.
  const std::string kept = std::min(first, second);
  const std::string moving = std::max(first, second);
  EXPECT_EQ(declared->bookings[0].booking_code, moving);

  // Moving to a neighbour that offers the service: its nearest free slot.
  absl::StatusOr<ClosureReport> moved =
      closures_->Resolve("mitte", "ill-2", ClosureAction::kMove, "west", "");
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->moved, 1);
  EXPECT_EQ(moved->bookings[0].office_id, "west");
  EXPECT_EQ(moved->bookings[0].new_start, Local(2, 9, 0));
  EXPECT_EQ(bookings_->GetBooking(moving)->resource_id, "west");
  EXPECT_EQ(bookings_->GetBooking(kept)->resource_id, "mitte");

  // Cancelling with a reason.
  const std::string third = Book(3, "mitte", Local(3, 10, 0));
  ASSERT_TRUE(
      closures_->Declare("mitte", {"it-3", "2037-12-03", "2037-12-03", 0, 1440, 0, ""}).ok());
  absl::StatusOr<ClosureReport> cancelled =
      closures_->Resolve("mitte", "it-3", ClosureAction::kCancel, "", "IT-Ausfall");
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->cancelled, 1);
  EXPECT_EQ(bookings_->GetBooking(third)->status, booking::BookingStatus::kCancelled);
  EXPECT_EQ(ClosureEvents()[third], 1);
  EXPECT_EQ(closures_->Resolve("mitte", "nope", ClosureAction::kList, "", "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      booking::ReasonOf(closures_->Resolve("mitte", "nope", ClosureAction::kList, "", "").status()),
      "closure_not_found");
}

TEST_F(OfficeClosuresTest, ACheckInDuringTheMoveLeavesThatBookingAndMovesTheRest) {
  ResolveWhileTheFirstChecksIn(ClosureAction::kMove);
}

TEST_F(OfficeClosuresTest, ACheckInDuringTheCancellationLeavesThatBookingAndCancelsTheRest) {
  ResolveWhileTheFirstChecksIn(ClosureAction::kCancel);
}

TEST_F(OfficeClosuresTest, NewHoursThatStrandBookingsAreRefusedUntilHandled) {
  const std::string code = Book(1, "mitte", Local(2, 11, 0));
  Office shorter = MakeOffice("mitte", 2);
  for (CounterWindow& window : shorter.counters) window.to_minute = 10 * 60;
  absl::StatusOr<Office> refused = closures_->PrepareReplacement(shorter);
  EXPECT_EQ(booking::ReasonOf(refused.status()), "bookings_stranded") << refused.status();
  // Handled by a closure of those hours first.
  ASSERT_TRUE(
      closures_->Declare("mitte", {"hours", "2037-12-02", "2037-12-02", 600, 720, 0, ""}).ok());
  ASSERT_TRUE(closures_->Resolve("mitte", "hours", ClosureAction::kMove, "", "").ok());
  absl::StatusOr<Office> accepted = closures_->PrepareReplacement(shorter);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->closures.size(), 1u);  // kept
  EXPECT_NE(bookings_->GetBooking(code)->start, Local(2, 11, 0));
}

}  // namespace
}  // namespace stadt::appointments
