#include "services/appointments/store/redis_counter_repository.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/store/redis_catalog_repository.h"
#include "services/common/booking/domain/refusal.h"
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

// December 2037 (1 December is a Tuesday): Redis expiries are set from these
// times and must lie in the future of the real clock.
absl::Time Local(int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2037, 12, 1, hour, minute), Berlin());
}

class CounterDayTest : public testing::RedisTest {
 protected:
  CounterDayTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    catalog_ = std::make_unique<RedisCatalogRepository>(redis());
    bookings_ = std::make_unique<booking::RedisBookingRepository>(
        redis(), AppointmentKeys(),
        booking::RedisBookingRepository::Options{.check_in_closes_booking = true});
    ForgetErasedCodesAtCounter(*bookings_);  // as main.cc does
    counters_ = std::make_unique<RedisCounterRepository>(redis());
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 10, {}}};
    Office office;
    office.id = "mitte";
    office.name = "Buergerbuero Mitte";
    office.district = "Mitte";
    office.address = {"Eberhardstr. 39", "70173", "Stuttgart"};
    office.service_ids = {"id-card"};
    office.counters = {{2, 11 * 60, 13 * 60, 3}};
    catalog.offices = {office};
    ASSERT_TRUE(catalog_->ApplySeed(catalog, "test").ok());
    booking::BookingRules rules;
    rules.max_active_bookings_per_person = 100;
    rules.same_service_window_days = 0;
    rules.check_in_closes_booking = true;
    service_ = std::make_unique<OfficeBookings>(
        *catalog_, *bookings_, clock_, booking::Calendar(rules, Berlin()),
        booking::BookingSecrets::Derive("counter test key"));
    day_ = std::make_unique<CounterDay>(*counters_, *bookings_, *catalog_, &service_->core(),
                                        clock_, Berlin(), absl::Minutes(15));
  }

  std::string Book(int i, absl::Time start) {
    const std::string client = absl::StrCat("citizen-", i);
    absl::StatusOr<HoldView> hold = service_->CreateHold(client, "mitte", {"id-card"}, start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    absl::StatusOr<BookingView> booking = service_->Confirm(
        client, hold->hold_id, {"Person", absl::StrCat("p", i, "@example.org"), ""});
    EXPECT_TRUE(booking.ok()) << booking.status();
    tokens_[booking->record.code] = booking->manage_token;
    return booking->record.code;
  }

  FakeClock clock_{Local(9, 0)};
  std::unique_ptr<RedisCatalogRepository> catalog_;
  std::unique_ptr<booking::RedisBookingRepository> bookings_;
  std::unique_ptr<RedisCounterRepository> counters_;
  std::unique_ptr<OfficeBookings> service_;
  std::unique_ptr<CounterDay> day_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(CounterDayTest, CheckInCallAndCompleteInAppointmentOrder) {
  const std::string late = Book(1, Local(12, 30));
  const std::string early = Book(2, Local(12, 0));
  clock_.Set(Local(11, 50));
  Ticket first = day_->CheckIn("mitte", "2037-12-01", late).value();
  Ticket second = day_->CheckIn("mitte", "2037-12-01", early).value();
  EXPECT_EQ(first.queue_number, 1);
  EXPECT_EQ(second.queue_number, 2);
  EXPECT_EQ(day_->CheckIn("mitte", "2037-12-01", late)->queue_number, 1);  // idempotent
  Ticket walk_in = day_->WalkIn("mitte", "2037-12-01", {"id-card"}).value();
  EXPECT_EQ(walk_in.queue_number, 3);

  // Order is time: the walk-in who arrived at 11:50, then the 12:00
  // appointment (although it checked in second), then the 12:30 one.
  EXPECT_EQ(day_->CallNext("mitte", "2037-12-01", "B")->value().queue_number, 3);
  EXPECT_EQ(day_->CallNext("mitte", "2037-12-01", "A")->value().booking_code, early);
  Ticket third = day_->CallNext("mitte", "2037-12-01", "A")->value();
  EXPECT_EQ(third.booking_code, late);
  // Nobody waiting is an empty answer, not an error.
  absl::StatusOr<std::optional<Ticket>> nobody = day_->CallNext("mitte", "2037-12-01", "A");
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_FALSE(nobody->has_value());

  EXPECT_EQ(day_->Complete("mitte", "2037-12-01", 99).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(day_->Complete("mitte", "2037-12-01", 1)->state, VisitState::kCompleted);
  DayList list = day_->List("mitte", "2037-12-01").value();
  ASSERT_EQ(list.appointments.size(), 3u);  // the walk-in too, by arrival
  EXPECT_TRUE(list.appointments[0].walk_in);
  EXPECT_EQ(list.appointments[0].counter, "B");
  EXPECT_EQ(list.appointments[0].state, VisitState::kCalled);
  EXPECT_EQ(list.appointments[0].citizen_name, "");
  list.appointments.erase(list.appointments.begin());
  EXPECT_EQ(list.appointments[0].booking_code, early);
  EXPECT_EQ(list.appointments[0].citizen_name, "Person");
  EXPECT_EQ(list.appointments[0].counter, "A");
  EXPECT_EQ(list.appointments[0].state, VisitState::kCalled);
  EXPECT_EQ(list.appointments[1].state, VisitState::kCompleted);
  // Someone who has arrived cannot be moved away by a reschedule.
  EXPECT_EQ(service_->Reschedule(late, tokens_[late], "mitte", Local(12, 50)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CounterDayTest, TheDayListKeepsCheckInAndCallTimes) {
  const std::string booked = Book(1, Local(12, 0));
  const std::string waiting = Book(2, Local(12, 30));
  clock_.Set(Local(11, 40));
  ASSERT_TRUE(day_->CheckIn("mitte", "2037-12-01", booked).ok());
  clock_.Set(Local(11, 45));
  ASSERT_TRUE(day_->WalkIn("mitte", "2037-12-01", {"id-card"}).ok());
  clock_.Set(Local(11, 50));
  ASSERT_TRUE(day_->CheckIn("mitte", "2037-12-01", waiting).ok());
  clock_.Set(Local(11, 55));
  const int walk_in = day_->CallNext("mitte", "2037-12-01", "A")->value().queue_number;
  clock_.Set(Local(12, 5));
  ASSERT_TRUE(day_->Recall("mitte", "2037-12-01", walk_in, "B").ok());  // the latest call counts

  const DayList list = day_->List("mitte", "2037-12-01").value();
  ASSERT_EQ(list.appointments.size(), 3u);
  const DayAppointment& arrived = list.appointments[0];  // the walk-in, by arrival
  ASSERT_TRUE(arrived.walk_in);
  EXPECT_EQ(arrived.start, Local(11, 45));
  EXPECT_EQ(arrived.checked_in_at, Local(11, 45));
  EXPECT_EQ(arrived.called_at, Local(12, 5));
  EXPECT_EQ(list.appointments[1].booking_code, booked);
  EXPECT_EQ(list.appointments[1].checked_in_at, Local(11, 40));
  EXPECT_EQ(list.appointments[1].called_at, absl::InfinitePast());  // not called yet
  EXPECT_EQ(list.appointments[2].checked_in_at, Local(11, 50));
}

TEST_F(CounterDayTest, ConcurrentCountersNeverCallTheSameCitizen) {
  for (int i = 0; i < 3; ++i) Book(i, Local(12, 10 * i));
  clock_.Set(Local(11, 55));
  for (const auto& [code, token] : tokens_)
    ASSERT_TRUE(day_->CheckIn("mitte", "2037-12-01", code).ok());
  absl::Mutex mutex;
  std::multiset<int> called;
  std::vector<std::thread> counters;
  for (int c = 0; c < 8; ++c) {
    counters.emplace_back([&, c] {
      absl::StatusOr<std::optional<Ticket>> ticket =
          day_->CallNext("mitte", "2037-12-01", absl::StrCat("C", c));
      ASSERT_TRUE(ticket.ok()) << ticket.status();
      if (!ticket->has_value()) return;
      absl::MutexLock lock(&mutex);
      called.insert((*ticket)->queue_number);
    });
  }
  for (std::thread& thread : counters) thread.join();
  EXPECT_EQ(called, (std::multiset<int>{1, 2, 3}));
}

TEST_F(CounterDayTest, NoShowOnlyAfterGraceAndCountedOnce) {
  const std::string code = Book(1, Local(12, 0));
  clock_.Set(Local(12, 10));
  EXPECT_EQ(day_->MarkNoShow("mitte", "2037-12-01", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  clock_.Set(Local(12, 16));
  EXPECT_EQ(day_->MarkNoShow("mitte", "2037-12-01", code)->state, VisitState::kNoShow);
  EXPECT_TRUE(day_->MarkNoShow("mitte", "2037-12-01", code).ok());
  EXPECT_EQ(day_->List("mitte", "2037-12-01")->no_shows, 1);
  EXPECT_EQ(day_->CheckIn("mitte", "2037-12-01", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CounterDayTest, NoCancelOrRescheduleAfterCheckInCompletionOrNoShow) {
  const std::string waiting = Book(1, Local(12, 0));
  const std::string completed = Book(2, Local(12, 0));
  const std::string missed = Book(3, Local(12, 0));
  const std::string open = Book(4, Local(12, 40));
  clock_.Set(Local(11, 50));
  // Staff type codes as citizens read them out.
  ASSERT_TRUE(day_->CheckIn("mitte", "2037-12-01", absl::AsciiStrToLower(waiting)).ok());
  ASSERT_TRUE(
      day_->CheckIn("mitte", "2037-12-01", absl::StrReplaceAll(completed, {{"-", ""}})).ok());
  ASSERT_TRUE(day_->CallNext("mitte", "2037-12-01", "1").ok());
  ASSERT_TRUE(day_->CallNext("mitte", "2037-12-01", "2").ok());
  const int ticket = day_->CheckIn("mitte", "2037-12-01", completed)->queue_number;
  ASSERT_TRUE(day_->Complete("mitte", "2037-12-01", ticket).ok());
  clock_.Set(Local(12, 20));
  ASSERT_TRUE(day_->MarkNoShow("mitte", "2037-12-01", missed).ok());
  for (const auto& [code, reason] :
       std::map<std::string, std::string>{{waiting, "already_checked_in"},
                                          {completed, "visit_completed"},
                                          {missed, "visit_no_show"}}) {
    absl::Status cancel = service_->Cancel(code, tokens_[code]).status();
    EXPECT_EQ(cancel.code(), absl::StatusCode::kFailedPrecondition) << cancel;
    EXPECT_EQ(booking::ReasonOf(cancel), reason) << cancel;
    EXPECT_EQ(booking::ReasonOf(
                  service_->Reschedule(code, tokens_[code], "mitte", Local(12, 50)).status()),
              reason);
    EXPECT_EQ(bookings_->GetBooking(code)->status, booking::BookingStatus::kConfirmed);
  }
  // A booking not yet arrived is cancelled as before, typed in lower case.
  EXPECT_EQ(service_->Cancel(absl::AsciiStrToLower(open), tokens_[open])->record.status,
            booking::BookingStatus::kCancelled);
}

TEST_F(CounterDayTest, WalkInsOnlyForOfferedServicesWhileOpen) {
  clock_.Set(Local(10, 59));
  EXPECT_EQ(booking::ReasonOf(day_->WalkIn("mitte", "2037-12-01", {"id-card"}).status()),
            "office_closed");
  clock_.Set(Local(11, 0));
  EXPECT_EQ(booking::ReasonOf(day_->WalkIn("mitte", "2037-12-01", {"passport"}).status()),
            "service_not_offered");
  EXPECT_EQ(day_->WalkIn("nowhere", "2037-12-01", {"id-card"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(day_->WalkIn("mitte", "2037-12-01", {"id-card"}).ok());
  clock_.Set(Local(13, 0));
  EXPECT_EQ(booking::ReasonOf(day_->WalkIn("mitte", "2037-12-01", {"id-card"}).status()),
            "office_closed");
  EXPECT_TRUE(day_->List("mitte", "2037-12-01")->appointments.size() == 1);
}

TEST_F(CounterDayTest, RecallParkAndCancelTicketsAndTheCallDisplay) {
  const std::string booked = Book(1, Local(12, 0));
  clock_.Set(Local(11, 30));
  EXPECT_EQ(day_->Board("mitte", 0)->version, 0);
  EXPECT_FALSE(day_->Board("mitte", 0)->changed);
  const int walk_in = day_->WalkIn("mitte", "2037-12-01", {"id-card"})->queue_number;
  const int arrived = day_->CheckIn("mitte", "2037-12-01", booked)->queue_number;
  ASSERT_EQ(day_->CallNext("mitte", "2037-12-01", "3")->value().queue_number, walk_in);

  // The walk-in does not come: park it, call the next, recall the parked one.
  EXPECT_EQ(day_->Park("mitte", "2037-12-01", walk_in)->state, VisitState::kParked);
  EXPECT_EQ(day_->Park("mitte", "2037-12-01", walk_in)->state, VisitState::kParked);
  ASSERT_EQ(day_->CallNext("mitte", "2037-12-01", "4")->value().queue_number, arrived);
  EXPECT_FALSE(day_->CallNext("mitte", "2037-12-01", "4")->has_value());  // parked ones wait
  Ticket recalled = day_->Recall("mitte", "2037-12-01", walk_in, "5").value();
  EXPECT_EQ(recalled.state, VisitState::kCalled);
  EXPECT_EQ(recalled.counter, "5");

  // The board: newest first, numbers and counters only.
  CallBoard board = day_->Board("mitte", 0).value();
  EXPECT_EQ(board.version, 3);
  EXPECT_EQ(board.date, "2037-12-01");
  ASSERT_EQ(board.calls.size(), 3u);
  EXPECT_EQ(board.calls[0].queue_number, walk_in);
  EXPECT_EQ(board.calls[0].counter, "5");
  EXPECT_EQ(board.calls[1].queue_number, arrived);
  EXPECT_EQ(board.calls[0].called_at, Local(11, 30));
  CallBoard unchanged = day_->Board("mitte", 3).value();
  EXPECT_FALSE(unchanged.changed);
  EXPECT_TRUE(unchanged.calls.empty());

  // The booked citizen leaves: cancelled ticket, the booking is open again.
  EXPECT_EQ(day_->CancelTicket("mitte", "2037-12-01", arrived)->state, VisitState::kCancelled);
  EXPECT_EQ(day_->CancelTicket("mitte", "2037-12-01", arrived)->state, VisitState::kCancelled);
  EXPECT_EQ(bookings_->GetBooking(booked)->visit, "");
  EXPECT_EQ(booking::ReasonOf(day_->Recall("mitte", "2037-12-01", arrived, "1").status()),
            "ticket_closed");
  EXPECT_NE(day_->CheckIn("mitte", "2037-12-01", booked)->queue_number, arrived);

  ASSERT_TRUE(day_->Complete("mitte", "2037-12-01", walk_in).ok());
  EXPECT_EQ(booking::ReasonOf(day_->CancelTicket("mitte", "2037-12-01", walk_in).status()),
            "ticket_closed");
  EXPECT_EQ(booking::ReasonOf(day_->Park("mitte", "2037-12-01", walk_in).status()),
            "ticket_closed");
  EXPECT_EQ(day_->Park("mitte", "2037-12-01", 99).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(day_->Park("mitte", "2037-12-01", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(day_->Board("../x", 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(day_->Board("mitte", -1).status().code(), absl::StatusCode::kInvalidArgument);
}

// Every key of the counter day ("<kind>:mitte:2037-12-01...") whose name or
// content contains `needle`, as "key: where".
std::vector<std::string> CounterDayKeysNaming(redis::Client& redis, const std::string& needle) {
  std::vector<std::string> hits;
  // ScanKeys: on a cluster a plain SCAN sees one node only.
  const std::vector<std::string> keys =
      redis.ScanKeys(absl::StrCat(AppointmentKeys().For("mitte"), "*:mitte:2037-12-01*"))
          .value_or(std::vector<std::string>{});
  for (const std::string& key : keys) {
    if (key.find(needle) != std::string::npos) hits.push_back(key + ": name");
    const std::string type = redis.Command({"TYPE", key}).value().str;
    std::vector<std::string> read = {"GET", key};
    if (type == "hash") read = {"HGETALL", key};
    if (type == "zset") read = {"ZRANGE", key, "0", "-1"};
    if (type == "list") read = {"LRANGE", key, "0", "-1"};
    if (type == "set") read = {"SMEMBERS", key};
    const redis::Reply content = redis.Command(read).value();
    if (content.str.find(needle) != std::string::npos) hits.push_back(key + ": value");
    for (const redis::Reply& element : content.elements) {
      if (element.str.find(needle) != std::string::npos) hits.push_back(key + ": " + element.str);
    }
  }
  return hits;
}

TEST_F(CounterDayTest, AnErasureBlanksTheCodeInTheDaysTicketsAndKeepsTheirState) {
  const std::string erased = Book(1, Local(12, 0));
  const std::string other = Book(2, Local(12, 30));
  clock_.Set(Local(11, 40));
  // Ticket 1 is cancelled (the booking no longer points to it), ticket 2 is
  // the erased booking's current one, called; ticket 3 is the other citizen's.
  ASSERT_EQ(day_->CheckIn("mitte", "2037-12-01", erased)->queue_number, 1);
  ASSERT_TRUE(day_->CancelTicket("mitte", "2037-12-01", 1).ok());
  ASSERT_EQ(day_->CheckIn("mitte", "2037-12-01", erased)->queue_number, 2);
  ASSERT_EQ(day_->CheckIn("mitte", "2037-12-01", other)->queue_number, 3);
  clock_.Set(Local(11, 50));
  ASSERT_EQ(day_->CallNext("mitte", "2037-12-01", "A")->value().queue_number, 2);
  ASSERT_EQ(CounterDayKeysNaming(redis(), erased).size(), 3u);  // day index, tickets 1 and 2

  absl::StatusOr<privacy::Erasure> erasure = service_->ErasePersonalData("citizen-1");
  ASSERT_TRUE(erasure.ok()) << erasure.status();
  EXPECT_GT(erasure->erased, 0);
  EXPECT_THAT(CounterDayKeysNaming(redis(), erased), ::testing::IsEmpty());
  // A retry finds nothing left and changes nothing.
  absl::StatusOr<privacy::Erasure> again = service_->ErasePersonalData("citizen-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->erased, 0);

  // The tickets stay with number, state, counter and times: the day's queue
  // and counts are whole, the erased visit is a line without code or name.
  const DayList list = day_->List("mitte", "2037-12-01").value();
  ASSERT_EQ(list.appointments.size(), 3u);
  for (const DayAppointment& line : list.appointments) {
    EXPECT_FALSE(line.walk_in);
    EXPECT_NE(line.booking_code, erased);
  }
  const DayAppointment& cancelled = list.appointments[0];  // by arrival
  EXPECT_EQ(cancelled.queue_number, 1);
  EXPECT_EQ(cancelled.state, VisitState::kCancelled);
  EXPECT_EQ(cancelled.booking_code, "");
  const DayAppointment& called = list.appointments[1];
  EXPECT_EQ(called.queue_number, 2);
  EXPECT_EQ(called.state, VisitState::kCalled);
  EXPECT_EQ(called.counter, "A");
  EXPECT_EQ(called.checked_in_at, Local(11, 40));
  EXPECT_EQ(called.called_at, Local(11, 50));
  EXPECT_EQ(called.citizen_name, "");
  EXPECT_EQ(list.appointments[2].booking_code, other);
  EXPECT_EQ(list.appointments[2].citizen_name, "Person");
  // The counter finishes the visit, and the queue goes on.
  Ticket completed = day_->Complete("mitte", "2037-12-01", 2).value();
  EXPECT_EQ(completed.state, VisitState::kCompleted);
  EXPECT_EQ(completed.booking_code, "");
  EXPECT_EQ(day_->CallNext("mitte", "2037-12-01", "A")->value().booking_code, other);
  EXPECT_THAT(CounterDayKeysNaming(redis(), erased), ::testing::IsEmpty());
}

// A ticket answers when its number was drawn and last called, whatever the
// step (a retried check-in too), so the counter can show how long someone
// waited.
TEST_F(CounterDayTest, TicketsCarryWhenTheyWereDrawnAndCalled) {
  const std::string code = Book(1, Local(12, 0));
  clock_.Set(Local(11, 50));
  const Ticket checked_in = day_->CheckIn("mitte", "2037-12-01", code).value();
  EXPECT_EQ(checked_in.issued_at, Local(11, 50));
  EXPECT_EQ(checked_in.called_at, absl::InfinitePast());
  clock_.Set(Local(11, 52));
  const Ticket walk_in = day_->WalkIn("mitte", "2037-12-01", {"id-card"}).value();
  EXPECT_EQ(walk_in.issued_at, Local(11, 52));
  EXPECT_EQ(day_->CheckIn("mitte", "2037-12-01", code)->issued_at, Local(11, 50));  // a retry

  clock_.Set(Local(11, 55));
  const Ticket called = day_->CallNext("mitte", "2037-12-01", "A")->value();
  EXPECT_EQ(called.queue_number, walk_in.queue_number);
  EXPECT_EQ(called.issued_at, Local(11, 52));
  EXPECT_EQ(called.called_at, Local(11, 55));
  clock_.Set(Local(11, 58));
  const Ticket recalled = day_->Recall("mitte", "2037-12-01", walk_in.queue_number, "B").value();
  EXPECT_EQ(recalled.called_at, Local(11, 58));
  EXPECT_EQ(recalled.issued_at, Local(11, 52));
  const Ticket parked = day_->Park("mitte", "2037-12-01", checked_in.queue_number).value();
  EXPECT_EQ(parked.issued_at, Local(11, 50));
  EXPECT_EQ(parked.called_at, absl::InfinitePast());
  const Ticket retried = day_->CheckIn("mitte", "2037-12-01", code).value();
  EXPECT_EQ(retried.issued_at, Local(11, 50));
  const Ticket completed = day_->Complete("mitte", "2037-12-01", walk_in.queue_number).value();
  EXPECT_EQ(completed.issued_at, Local(11, 52));
  EXPECT_EQ(completed.called_at, Local(11, 58));
  const Ticket cancelled =
      day_->CancelTicket("mitte", "2037-12-01", checked_in.queue_number).value();
  EXPECT_EQ(cancelled.issued_at, Local(11, 50));
}

TEST_F(CounterDayTest, RejectsBadInputAndOtherDays) {
  const std::string code = Book(1, Local(12, 0));
  EXPECT_EQ(day_->CheckIn("mitte", "2037-12-02", code).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not today
  // Every step of the queue happens on the day itself, and says so.
  EXPECT_EQ(booking::ReasonOf(day_->CheckIn("mitte", "2037-12-02", code).status()), "not_today");
  EXPECT_EQ(booking::ReasonOf(day_->WalkIn("mitte", "2037-11-30", {"id-card"}).status()),
            "not_today");
  EXPECT_EQ(booking::ReasonOf(day_->CallNext("mitte", "2037-12-02", "A").status()), "not_today");
  EXPECT_EQ(booking::ReasonOf(day_->Recall("mitte", "2037-12-02", 1, "A").status()), "not_today");
  EXPECT_EQ(booking::ReasonOf(day_->Park("mitte", "2037-12-02", 1).status()), "not_today");
  EXPECT_EQ(booking::ReasonOf(day_->CancelTicket("mitte", "2037-12-02", 1).status()), "not_today");
  EXPECT_EQ(booking::ReasonOf(day_->WalkIn("nowhere", "2037-12-01", {"id-card"}).status()),
            "office_not_found");
  EXPECT_EQ(day_->CheckIn("west", "2037-12-01", code).status().code(),
            absl::StatusCode::kNotFound);  // another office's booking
  EXPECT_EQ(day_->CheckIn("mitte", "2037-12-01", "nope").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(day_->CallNext("mitte", "2037-12-01", "counter 1!").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(day_->List("mitte", "01.12.2026").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(booking::ReasonOf(day_->List("mitte", "01.12.2026").status()), "invalid_date");
  EXPECT_EQ(booking::ReasonOf(day_->CallNext("mitte", "2037-13-01", "A").status()), "invalid_date");
  EXPECT_EQ(day_->WalkIn("mitte", "2037-12-01", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(service_->Cancel(code, tokens_[code]).ok());
  EXPECT_EQ(day_->CheckIn("mitte", "2037-12-01", code).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(day_->List("mitte", "2037-12-01")->appointments.empty());
}

}  // namespace
}  // namespace stadt::appointments
