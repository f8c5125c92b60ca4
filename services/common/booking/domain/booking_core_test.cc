#include "services/common/booking/domain/booking_core.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/forwarding_booking_repository.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/domain/test_time.h"
#include "services/common/fake_clock.h"

namespace stadt::booking {
namespace {

using testing::Berlin;
constexpr auto Local = testing::December;

// One resource open 10-12 h with a single place, on a 15-minute grid.
DayPlan MorningPlan(absl::CivilDay day) {
  DayPlan plan = ClosedDay(day, 15);
  for (int bucket = 40; bucket < 48; ++bucket) plan.capacity[bucket] = 1;
  return plan;
}

class BookingCoreTest : public ::testing::Test {
 protected:
  PlacedSlot Place(const std::string& resource, absl::Time start, int minutes = 30) {
    absl::StatusOr<GridPosition> position = core_.Locate(start, 15);
    EXPECT_TRUE(position.ok()) << position.status();
    absl::StatusOr<PlacedSlot> slot =
        core_.Fit(resource, MorningPlan(position->day), *position, minutes);
    EXPECT_TRUE(slot.ok()) << slot.status();
    return slot.value_or(PlacedSlot{});
  }

  FakeClock clock_{Local(1, 8, 0)};
  InMemoryBookingRepository bookings_;
  BookingCore core_{bookings_, clock_, Calendar(BookingRules{}, Berlin()),
                    BookingSecrets::Derive("core test key", "test")};
};

TEST_F(BookingCoreTest, HoldConfirmAuthorizeAndRetry) {
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_EQ(hold->buckets, 2);
  const Contact contact{"Erika", "erika@example.org", ""};
  absl::StatusOr<ConfirmedBooking> booked = core_.Confirm("citizen-1", hold->hold_id, contact, "a");
  ASSERT_TRUE(booked.ok()) << booked.status();
  EXPECT_EQ(booked->record.resource_id, "anna");
  EXPECT_EQ(booked->record.attributes, "a");
  EXPECT_TRUE(IsWellFormedBookingCode(booked->record.code));
  absl::StatusOr<ConfirmedBooking> retried = core_.Confirm("citizen-1", hold->hold_id, contact);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->record.code, booked->record.code);
  EXPECT_EQ(retried->manage_token, booked->manage_token);
  EXPECT_EQ(core_.Confirm("citizen-2", hold->hold_id, contact).status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<BookingRecord> found = core_.Authorize(booked->record.code, booked->manage_token);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(core_.OpenContact(*found)->email, "erika@example.org");
  EXPECT_EQ(core_.OpenContact(*found)->language, "");
  // The manage token can be derived again from the nonce (for the mails).
  EXPECT_EQ(DeriveManageToken(BookingSecrets::Derive("core test key", "test"), found->code,
                              found->token_nonce),
            booked->manage_token);
  EXPECT_EQ(core_.Authorize(booked->record.code, "wrong").status().code(),
            absl::StatusCode::kNotFound);
  // A malformed code is the caller's typo, not a probe: it says so.
  const absl::Status malformed = core_.Authorize("../x", booked->manage_token).status();
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(malformed), "not_a_booking_code");
}

// A store that keeps a resource's records in one of four buckets by the sum
// of its characters, and finds an id's record by the id's (as the Redis
// store's buckets do).
class FourBuckets final : public ForwardingBookingRepository {
 public:
  using ForwardingBookingRepository::ForwardingBookingRepository;
  bool IdFitsResource(const std::string& id, const std::string& resource_id) const override {
    return Bucket(id) == Bucket(resource_id);
  }

 private:
  static int Bucket(const std::string& text) {
    int sum = 0;
    for (char c : text) sum += static_cast<unsigned char>(c);
    return sum % 4;
  }
};

TEST_F(BookingCoreTest, NewHoldIdsAndCodesFitTheirResourcesBucket) {
  FourBuckets buckets(bookings_);
  BookingCore core{buckets, clock_, Calendar(BookingRules{}, Berlin()),
                   BookingSecrets::Derive("core test key", "test")};
  for (const char* resource : {"anna", "bert", "cora"}) {
    absl::StatusOr<HoldRecord> hold =
        core.Hold("citizen-1", Place(resource, Local(2, 10, 0)), {resource});
    ASSERT_TRUE(hold.ok()) << hold.status();
    EXPECT_TRUE(buckets.IdFitsResource(hold->hold_id, resource)) << hold->hold_id;
    absl::StatusOr<ConfirmedBooking> booked =
        core.Confirm("citizen-1", hold->hold_id, {"Erika", "erika@example.org", ""});
    ASSERT_TRUE(booked.ok()) << booked.status();
    EXPECT_TRUE(buckets.IdFitsResource(booked->record.code, resource)) << booked->record.code;
    EXPECT_TRUE(IsWellFormedBookingCode(booked->record.code));
  }
}

TEST_F(BookingCoreTest, TheLanguageIsSealedWithTheContact) {
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok());
  absl::StatusOr<ConfirmedBooking> booked =
      core_.Confirm("citizen-1", hold->hold_id, {"Erika", "erika@example.org", "", "en"});
  ASSERT_TRUE(booked.ok()) << booked.status();
  EXPECT_EQ(core_.OpenContact(booked->record)->language, "en");
}

class EmailConfirmationTest : public BookingCoreTest {
 protected:
  static BookingRules Rules() {
    BookingRules rules;
    rules.email_confirmation_ttl = absl::Minutes(30);
    return rules;
  }
  const BookingSecrets kSecrets = BookingSecrets::Derive("core test key", "test");
  BookingCore core_{bookings_, clock_, Calendar(Rules(), Berlin()), kSecrets};
};

TEST_F(EmailConfirmationTest, TheBookingIsMadeOnlyWhenTheMailedLinkIsUsed) {
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok()) << hold.status();
  const Contact contact{"Erika", "erika@example.org", ""};
  absl::StatusOr<HoldRecord> pending =
      core_.RequestEmailConfirmation("citizen-1", hold->hold_id, contact, "a");
  ASSERT_TRUE(pending.ok()) << pending.status();
  // The slot stays held for the link's lifetime, not the hold's five minutes.
  EXPECT_EQ(pending->expires_at, Local(1, 8, 30));
  EXPECT_TRUE(pending->awaiting_email());
  // A retried request sends no second mail.
  ASSERT_TRUE(core_.RequestEmailConfirmation("citizen-1", hold->hold_id, contact, "a").ok());
  ASSERT_EQ(bookings_.mails().size(), 1u);
  const std::string token =
      OpenMailedLinkToken(kSecrets, hold->hold_id, bookings_.mails()[0].sealed_link_token)
          .value_or("");
  ASSERT_GE(token.size(), 22u);  // 128 bits, base64url

  EXPECT_EQ(core_.ConfirmByEmail(hold->hold_id, "wrong").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(core_.ConfirmByEmail("other-hold", token).status().code(), absl::StatusCode::kNotFound);
  clock_.Advance(absl::Minutes(20));  // past the hold's own five minutes
  absl::StatusOr<ConfirmedBooking> booked = core_.ConfirmByEmail(hold->hold_id, token);
  ASSERT_TRUE(booked.ok()) << booked.status();
  EXPECT_EQ(booked->record.client, "citizen-1");
  EXPECT_EQ(booked->record.attributes, "a");
  EXPECT_EQ(core_.OpenContact(booked->record)->email, "erika@example.org");
  // The link used twice shows the same booking.
  absl::StatusOr<ConfirmedBooking> again = core_.ConfirmByEmail(hold->hold_id, token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->record.code, booked->record.code);
  EXPECT_EQ(again->manage_token, booked->manage_token);
}

TEST_F(EmailConfirmationTest, TheLinkDoesNotOutlastTheNoticePeriod) {
  // 10:15 is 2 h 15 min away; with 2 h notice the link may work 15 minutes,
  // not 30.
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(1, 10, 15)), {"x"});
  ASSERT_TRUE(hold.ok()) << hold.status();
  absl::StatusOr<HoldRecord> pending = core_.RequestEmailConfirmation(
      "citizen-1", hold->hold_id, {"Erika", "erika@example.org", ""});
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->expires_at, Local(1, 8, 15));
  // A retry with another address keeps what the mail went to.
  absl::StatusOr<HoldRecord> retried = core_.RequestEmailConfirmation(
      "citizen-1", hold->hold_id, {"Erika", "erika@example.com", ""});
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(core_.OpenPendingContact(*retried)->email, "erika@example.org");
}

TEST_F(EmailConfirmationTest, AnUnusedLinkExpiresWithTheHold) {
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok());
  ASSERT_TRUE(
      core_.RequestEmailConfirmation("citizen-1", hold->hold_id, {"Erika", "erika@example.org", ""})
          .ok());
  const std::string token =
      OpenMailedLinkToken(kSecrets, hold->hold_id, bookings_.mails().back().sealed_link_token)
          .value_or("");
  EXPECT_EQ(
      core_.RequestEmailConfirmation("citizen-2", hold->hold_id, {"Max", "max@example.org", ""})
          .status()
          .code(),
      absl::StatusCode::kNotFound);  // someone else's hold
  clock_.Advance(absl::Minutes(31));
  EXPECT_EQ(core_.ConfirmByEmail(hold->hold_id, token).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // The slot is free again without anyone cleaning up.
  EXPECT_TRUE(core_.Hold("citizen-2", Place("anna", Local(2, 10, 0)), {"x"}).ok());
}

TEST_F(BookingCoreTest, FitRefusesClosedTimesAndLocateOffGridOrTooSoon) {
  absl::StatusOr<GridPosition> late = core_.Locate(Local(2, 11, 45), 15);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(core_.Fit("anna", MorningPlan(late->day), *late, 30).status().code(),
            absl::StatusCode::kFailedPrecondition);  // runs past 12 h
  EXPECT_EQ(core_.Locate(Local(2, 10, 5), 15).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core_.Locate(Local(1, 9, 0), 15).status().code(),
            absl::StatusCode::kFailedPrecondition);  // inside the notice period
}

// Each refusal of a requested time names its reason, which the services
// declare on their booking routes (the clock stands at 1 December, 8:00).
TEST_F(BookingCoreTest, EachRefusedTimeCarriesItsReason) {
  EXPECT_EQ(ReasonOf(core_.Locate(Local(1, 7, 0), 15).status()), "start_too_soon");
  EXPECT_EQ(ReasonOf(core_.Locate(Local(1, 9, 0), 15).status()), "start_too_soon");
  EXPECT_EQ(ReasonOf(core_.Locate(Local(2, 10, 5), 15).status()), "start_off_grid");
  const absl::Time beyond_horizon = absl::FromCivil(absl::CivilMinute(2038, 3, 1, 10, 0), Berlin());
  EXPECT_EQ(ReasonOf(core_.Locate(beyond_horizon, 15).status()), "day_not_released");

  absl::StatusOr<GridPosition> afternoon = core_.Locate(Local(2, 14, 0), 15);
  ASSERT_TRUE(afternoon.ok());
  EXPECT_EQ(ReasonOf(core_.Fit("anna", MorningPlan(afternoon->day), *afternoon, 30).status()),
            "outside_opening_hours");
  absl::StatusOr<GridPosition> late = core_.Locate(Local(2, 23, 45), 15);
  ASSERT_TRUE(late.ok());
  DayPlan all_day = ClosedDay(late->day, 15);
  all_day.capacity.assign(all_day.capacity.size(), 1);
  EXPECT_TRUE(core_.Fit("anna", all_day, *late, 15).ok());
  const absl::StatusOr<PlacedSlot> past_midnight = core_.Fit("anna", all_day, *late, 30);
  EXPECT_EQ(past_midnight.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(past_midnight.status()), "ends_after_midnight");
}

TEST_F(BookingCoreTest, FreeStartTimesHonourHoldsAndNotice) {
  ASSERT_TRUE(core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"}).ok());
  absl::StatusOr<std::vector<DayUsage>> usage =
      bookings_.GetUsage({{"anna", "2037-12-02"}}, clock_.Now());
  ASSERT_TRUE(usage.ok());
  std::vector<absl::Time> starts =
      core_.FreeStartTimes(MorningPlan(absl::CivilDay(2037, 12, 2)), (*usage)[0], 2, 100);
  ASSERT_EQ(starts.size(), 5u);  // 10:30 to 11:30
  EXPECT_EQ(starts.front(), Local(2, 10, 30));
  clock_.Set(Local(2, 9, 0));  // two hours of notice leave 11:00 on
  EXPECT_EQ(
      core_.FreeStartTimes(MorningPlan(absl::CivilDay(2037, 12, 2)), (*usage)[0], 2, 100).front(),
      Local(2, 11, 0));
}

// 2038-03-28, when Berlin's clocks go from 02:00 to 03:00: a resource open
// 01:00-04:00 has the buckets 02:00-02:45 on paper, which no clock shows.
TEST_F(BookingCoreTest, TheHourTheClocksSkipIsNeitherOfferedNorBooked) {
  const absl::CivilDay day(2038, 3, 28);
  DayPlan night = ClosedDay(day, 15);
  for (int bucket = 4; bucket < 16; ++bucket) night.capacity[bucket] = 1;
  const std::vector<absl::Time> starts = core_.FreeStartTimes(night, DayUsage{}, 1, 100);
  // 01:00-01:45 and 03:00-03:45, each once (the skipped buckets used to
  // offer 03:00-03:45 a second time, free even when taken).
  ASSERT_EQ(starts.size(), 8u);
  for (size_t i = 1; i < starts.size(); ++i) EXPECT_LT(starts[i - 1], starts[i]);
  EXPECT_EQ(starts[4], absl::FromCivil(absl::CivilMinute(2038, 3, 28, 3, 0), Berlin()));
  // Half an hour from 01:45 would run through the skipped hour.
  EXPECT_EQ(core_.Fit("anna", night, GridPosition{day, 7}, 30).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(core_.Fit("anna", night, GridPosition{day, 12}, 30).ok());  // 03:00
}

TEST_F(BookingCoreTest, MoveToAnotherResourceFreesTheOldPlace) {
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok());
  absl::StatusOr<ConfirmedBooking> booked =
      core_.Confirm("citizen-1", hold->hold_id, {"Erika", "erika@example.org", ""});
  ASSERT_TRUE(booked.ok());
  absl::StatusOr<BookingRecord> moved = core_.Move(booked->record, Place("ben", Local(2, 11, 0)));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->resource_id, "ben");
  EXPECT_EQ(moved->start, Local(2, 11, 0));
  EXPECT_TRUE(core_.Hold("citizen-2", Place("anna", Local(2, 10, 0)), {"x"}).ok());
  absl::StatusOr<BookingRecord> cancelled = core_.Cancel(*moved);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(core_.Move(*cancelled, Place("anna", Local(2, 11, 0))).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BookingCoreTest, NoCancelOrMoveOnceTheVisitHasBegunOrEnded) {
  BookingRules rules;
  rules.check_in_closes_booking = true;
  BookingCore core(bookings_, clock_, Calendar(rules, Berlin()),
                   BookingSecrets::Derive("core test key", "test"));
  bookings_.set_check_in_closes_booking(true);
  const struct {
    const char* visit;
    const char* reason;
  } cases[] = {{"waiting", "already_checked_in"},
               {"called", "already_checked_in"},
               {"completed", "visit_completed"},
               {"no_show", "visit_no_show"}};
  int minute = 0;
  for (const auto& c : cases) {
    absl::StatusOr<HoldRecord> hold =
        core.Hold(absl::StrCat("citizen-", c.visit), Place("anna", Local(3, 10, minute)), {"x"});
    ASSERT_TRUE(hold.ok()) << hold.status();
    minute += 30;
    absl::StatusOr<ConfirmedBooking> booked =
        core.Confirm(absl::StrCat("citizen-", c.visit), hold->hold_id,
                     {"Erika", absl::StrCat(c.visit, "@example.org"), ""});
    ASSERT_TRUE(booked.ok()) << booked.status();
    bookings_.SetVisit(booked->record.code, c.visit);
    absl::StatusOr<BookingRecord> record =
        core.Authorize(booked->record.code, booked->manage_token);
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(ReasonOf(core.Cancel(*record).status()), c.reason) << c.visit;
    EXPECT_EQ(ReasonOf(core.Move(*record, Place("ben", Local(4, 10, 0))).status()), c.reason);
    // The store refuses too, for a record read before the visit began.
    booked->record.visit = "";
    EXPECT_EQ(ReasonOf(core.Cancel(booked->record).status()), c.reason);
    EXPECT_EQ(bookings_.GetBooking(booked->record.code)->status, BookingStatus::kConfirmed);
  }
  // Without the rule (video) a check-in stops moving, not cancelling.
  bookings_.set_check_in_closes_booking(false);
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-v", Place("anna", Local(5, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok());
  absl::StatusOr<ConfirmedBooking> booked =
      core_.Confirm("citizen-v", hold->hold_id, {"Erika", "v@example.org", ""});
  ASSERT_TRUE(booked.ok());
  bookings_.SetVisit(booked->record.code, "waiting");
  booked->record.visit = "waiting";
  EXPECT_EQ(ReasonOf(core_.Move(booked->record, Place("ben", Local(4, 10, 0))).status()),
            "already_checked_in");
  EXPECT_EQ(core_.Cancel(booked->record)->status, BookingStatus::kCancelled);
}

TEST_F(BookingCoreTest, CodesMayBeTypedInLowerCaseWithoutDashesAndWithLookAlikes) {
  absl::StatusOr<HoldRecord> hold = core_.Hold("citizen-1", Place("anna", Local(2, 10, 0)), {"x"});
  ASSERT_TRUE(hold.ok());
  absl::StatusOr<ConfirmedBooking> booked =
      core_.Confirm("citizen-1", hold->hold_id, {"Erika", "erika@example.org", ""});
  ASSERT_TRUE(booked.ok());
  const std::string code = booked->record.code;
  std::string typed = absl::AsciiStrToLower(absl::StrReplaceAll(code, {{"-", ""}}));
  EXPECT_EQ(core_.Authorize(typed, booked->manage_token)->code, code);
  EXPECT_EQ(core_.Find(absl::StrCat(" ", code.substr(0, 5), code.substr(5)))->code, code);
  // Someone reads an 8 as B.
  std::string misread = absl::StrReplaceAll(code, {{"8", "B"}, {"6", "G"}, {"5", "S"}, {"2", "Z"}});
  EXPECT_EQ(core_.Authorize(misread, booked->manage_token)->code, code);
  EXPECT_EQ(ReasonOf(core_.Find("not a code").status()), "not_a_booking_code");
  EXPECT_EQ(core_.Find("2345-6789A").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BookingCoreTest, DaysAreClampedToTheReleasedWindow) {
  absl::StatusOr<std::vector<absl::CivilDay>> days = core_.Days("2037-11-01", "2037-12-03", 100);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 3u);
  EXPECT_EQ(days->front(), absl::CivilDay(2037, 12, 1));
  EXPECT_EQ(core_.Days("01.12.2026", "", 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(core_.Days("01.12.2026", "", 10).status()), "invalid_date");
  EXPECT_EQ(ReasonOf(core_.Days("", "tomorrow", 10).status()), "invalid_date");
  EXPECT_EQ(core_.Days("", "", 4)->size(), 4u);
}

}  // namespace
}  // namespace stadt::booking
