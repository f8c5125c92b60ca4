// The parking use cases against a real redis-server: atomicity of start,
// idempotent retries, sessions that end by themselves, permits.
#include "services/parking/store/redis_parking_repository.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/fake_clock.h"
#include "services/common/reason.h"
#include "services/parking/domain/parking_service.h"
#include "tests/harness/redis_test.h"

namespace stadt::parking {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kZones[] = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature",
   "properties": {"zone": "1101", "tariff": "city", "permit_area": "S-Mitte-1"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.17, 48.77], [9.18, 48.77], [9.18, 48.78], [9.17, 48.78], [9.17, 48.77]]]}}]})";
constexpr char kTariffs[] = R"({"tariffs": [{"id": "city", "max_parking_minutes": 120,
  "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 300}]}]})";

// Monday 2030-03-04 10:00 in Berlin: a fixed instant, later than any test
// run, so that Redis expiries computed from it lie in the future.
const absl::Time kMondayTen = absl::FromUnixSeconds(1898845200);

ParkingRules MakeRules() {
  return ParkingRules(ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value(),
                      ParseTariffs(kTariffs).value(),
                      PriceCalculator(BerlinCalendar::Load().value()));
}

class RedisParkingTest : public testing::RedisTest {
 protected:
  RedisParkingTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<RedisParkingRepository>(redis());
    service_ = std::make_unique<ParkingService>(rules_, *repository_, clock_, ParkingSettings());
  }

  absl::StatusOr<Session> Start(const std::string& subject, const std::string& plate,
                                const std::string& key,
                                std::optional<absl::Time> end = std::nullopt) {
    return service_->Start(subject, {"", "1101", plate, end}, key);
  }

  int64_t OutboxLength() {
    int64_t total = 0;
    for (int bucket = 0; bucket < 256; ++bucket) {
      absl::StatusOr<redis::Reply> length = redis().Command(
          {"XLEN", absl::StrCat("park:{p", absl::Hex(bucket, absl::kZeroPad2), "}:outbox")});
      total += length.ok() ? length->integer : 0;
    }
    return total;
  }

  ParkingRules rules_ = MakeRules();
  FakeClock clock_{kMondayTen};
  std::unique_ptr<RedisParkingRepository> repository_;
  std::unique_ptr<ParkingService> service_;
};

TEST_F(RedisParkingTest, ManyParallelStartsForOnePlateGiveOneSessionPerOwner) {
  constexpr int kThreads = 16;
  constexpr int kOwners = 4;
  std::atomic<int> refused = 0;
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // Four people sharing a car, each trying four times with different
      // keys and spellings of one plate.
      absl::StatusOr<Session> session =
          Start(absl::StrCat("citizen-", i % kOwners), i % 2 ? "S-AB 1234" : "s ab1234",
                absl::StrCat("k", i));
      if (session.ok()) ids[i] = session->owner;
      if (session.status().code() == absl::StatusCode::kAlreadyExists) ++refused;
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> owners(ids.begin(), ids.end());
  owners.erase("");
  EXPECT_THAT(owners, SizeIs(kOwners));
  EXPECT_EQ(refused.load(), kThreads - kOwners);
  EXPECT_EQ(OutboxLength(), kOwners);
}

TEST_F(RedisParkingTest, AStartNeverRevealsWhetherSomeoneElseParkedThePlate) {
  const absl::Time end = kMondayTen + absl::Minutes(30);
  absl::StatusOr<Session> mine = Start("citizen-1", "S-AB 1234", "", end);
  ASSERT_TRUE(mine.ok()) << mine.status();
  // A stranger's start for the plate is answered exactly as for a plate
  // nobody parked: a session of their own.
  absl::StatusOr<Session> theirs = Start("citizen-2", "S AB 1234", "", end);
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  absl::StatusOr<Session> unparked = Start("citizen-2", "S-XY 99", "", end);
  ASSERT_TRUE(unparked.ok()) << unparked.status();
  EXPECT_NE(theirs->id, mine->id);
  EXPECT_EQ(theirs->owner, "citizen-2");
  EXPECT_EQ(theirs->plate, mine->plate);
  // Only the owner's own running session of the plate refuses a second one.
  absl::StatusOr<Session> twice = Start("citizen-1", "s-ab1234", "", end);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(twice.status().message(), HasSubstr("you already have"));

  // The officer sees the plate paid while either session runs: the first
  // owner stops, the second's still counts.
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(service_->Stop("citizen-1", mine->id, "").ok());
  CheckResult check = service_->CheckPlate("", "S-AB 1234", "1101").value();
  EXPECT_EQ(check.status, CheckStatus::kPaid);
  EXPECT_EQ(check.paid_until, end);
  ASSERT_TRUE(service_->Stop("citizen-2", theirs->id, "").ok());
  EXPECT_EQ(service_->CheckPlate("", "S-AB 1234", "1101")->status, CheckStatus::kGrace);
  // After the stop the first owner may start again.
  EXPECT_TRUE(Start("citizen-1", "S-AB 1234", "").ok());
}

TEST_F(RedisParkingTest, PlatesDifferingOnlyInTheSeparatorAreDifferentCars) {
  Session stuttgart = Start("citizen-1", "S-AB 1234", "").value();
  EXPECT_EQ(stuttgart.plate.key, "DE:S-AB1234");
  EXPECT_EQ(service_->CheckPlate("", "SA-B 1234", "1101")->status, CheckStatus::kNotPaid);
  // The same owner may park the other car: it is not the same plate.
  Session other = Start("citizen-1", "SA-B 1234", "").value();
  EXPECT_EQ(other.plate.registration, "SA-B 1234");
  EXPECT_EQ(service_->CheckPlate("", "SA-B 1234", "1101")->status, CheckStatus::kPaid);
  EXPECT_EQ(service_->CheckPlate("", "S AB 1234", "1101")->status, CheckStatus::kPaid);
}

TEST_F(RedisParkingTest, ThePlatesSessionsAreKeyedByItsMatchFormAndForgetOldOnes) {
  Session first = Start("citizen-1", "TÜ-AB 12", "", kMondayTen + absl::Minutes(30)).value();
  const std::string bucket = PlateBucket("DE:TÜ-AB12");
  EXPECT_EQ(first.id.substr(0, 2), bucket);
  const std::string key = absl::StrCat("park:{p", bucket, "}:plate:DE:TÜ-AB12");
  EXPECT_EQ(redis().Command({"HKEYS", key})->elements.size(), 1u);
  EXPECT_GT(redis().Command({"PTTL", key})->integer, 0);

  // A day after the first session ended, another citizen's start drops it.
  clock_.Advance(absl::Hours(25));
  ASSERT_TRUE(Start("citizen-2", "TÜ AB 12", "").ok());
  absl::StatusOr<redis::Reply> owners = redis().Command({"HKEYS", key});
  ASSERT_TRUE(owners.ok());
  ASSERT_EQ(owners->elements.size(), 1u);
  EXPECT_EQ(owners->elements[0].str, "citizen-2");
}

TEST_F(RedisParkingTest, ForeignAndUmlautPlates) {
  Session french =
      service_->Start("citizen-1", {"", "1101", "ab-123-cd", std::nullopt, "F"}, "").value();
  EXPECT_EQ(french.plate, (Plate{"FR", "AB-123-CD", "FR:AB123CD"}));
  Session tuebingen = Start("citizen-1", "tü-ab 12e", "").value();
  EXPECT_EQ(tuebingen.plate, (Plate{"DE", "TÜ-AB 12E", "DE:TÜ-AB12E"}));
  // What is stored reads back the same.
  EXPECT_EQ(service_->GetOwnSession("citizen-1", french.id).value(), french);
  EXPECT_EQ(service_->GetOwnSession("citizen-1", tuebingen.id).value(), tuebingen);

  EXPECT_EQ(service_->CheckPlate("FR", "AB 123 CD", "1101")->status, CheckStatus::kPaid);
  EXPECT_EQ(service_->CheckPlate("", "TÜ-AB 12E", "1101")->status, CheckStatus::kPaid);
  // The same registration from another country is another car.
  EXPECT_EQ(service_->CheckPlate("IT", "AB-123-CD", "1101")->status, CheckStatus::kNotPaid);
  EXPECT_EQ(service_->CheckPlate("", "TU-AB 12E", "1101")->status, CheckStatus::kNotPaid);
}

TEST_F(RedisParkingTest, RetriedStartWithTheSameKeyHasOneEffect) {
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<Session> session = Start("citizen-1", "S-AB 1234", "retry-me");
      ids[i] = session.ok() ? session->id : session.status().ToString();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(std::set<std::string>(ids.begin(), ids.end()), SizeIs(1)) << ids[0];
  absl::StatusOr<Session> again = Start("citizen-1", "S-AB 1234", "retry-me");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, ids[0]);
  EXPECT_EQ(OutboxLength(), 1);
  EXPECT_THAT(service_->History("citizen-1", 0).value(), SizeIs(1));

  // Same key, different request: refused, whichever plate it names.
  for (const char* plate : {"S-AB 1235", "S-AB 1234"}) {
    absl::StatusOr<Session> other =
        Start("citizen-1", plate, "retry-me", kMondayTen + absl::Minutes(30));
    EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument) << plate;
    EXPECT_THAT(other.status().message(), HasSubstr("idempotency_key"));
  }
  // Keys belong to their subject: another citizen's identical key is theirs.
  EXPECT_EQ(Start("citizen-2", "S-XY 1", "retry-me").status().code(), absl::StatusCode::kOk);
}

TEST_F(RedisParkingTest, ARefusedRequestLeavesItsKeyFree) {
  EXPECT_EQ(
      service_->Start("citizen-1", {"", "9999", "S-AB 1", std::nullopt}, "fix-me").status().code(),
      absl::StatusCode::kNotFound);
  // The corrected request may use the same key.
  EXPECT_TRUE(Start("citizen-1", "S-AB 1", "fix-me").ok());
  EXPECT_EQ(OutboxLength(), 1);
}

TEST_F(RedisParkingTest, ExtendAndStopAreIdempotentAndPriced) {
  Session session = Start("citizen-1", "S-AB 1234", "s1", kMondayTen + absl::Minutes(30)).value();
  clock_.Advance(absl::Minutes(20));
  Session extended =
      service_->Extend("citizen-1", session.id, kMondayTen + absl::Hours(1), "e1").value();
  EXPECT_EQ(extended.end, kMondayTen + absl::Hours(1));
  EXPECT_EQ(extended.price_cents, 300);
  EXPECT_EQ(service_->Extend("citizen-1", session.id, kMondayTen + absl::Hours(1), "e1")->end,
            extended.end);
  EXPECT_EQ(service_->Extend("citizen-1", session.id, kMondayTen + absl::Minutes(121), "e2")
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);

  clock_.Advance(absl::Minutes(5));
  Session stopped = service_->Stop("citizen-1", session.id, "t1").value();
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.price_cents, 25 * 5);
  clock_.Advance(absl::Minutes(1));
  // A retried stop answers what the first one did, with its key, with a new
  // one or without any; an extension of the stopped session is refused.
  EXPECT_EQ(service_->Stop("citizen-1", session.id, "t1").value(), stopped);
  EXPECT_EQ(service_->Stop("citizen-1", session.id, "t2").value(), stopped);
  EXPECT_EQ(service_->Stop("citizen-1", session.id, "").value(), stopped);
  EXPECT_EQ(service_->Stop("citizen-1", session.id, "t2").value(), stopped);
  EXPECT_EQ(
      service_->Extend("citizen-1", session.id, kMondayTen + absl::Hours(1), "").status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->GetOwnSession("citizen-1", session.id).value(), stopped);
  // 3 events: started, extended, stopped.
  EXPECT_EQ(OutboxLength(), 3);
}

// Parking's "ending soon" reminders (default lead: 10 minutes before the end).
class RedisParkingReminderTest : public RedisParkingTest {
 protected:
  void SetUp() override {
    RedisParkingTest::SetUp();
    if (HasFatalFailure()) return;
    ParkingSettings settings;
    settings.reminder_contact_key = key_;
    service_ = std::make_unique<ParkingService>(rules_, *repository_, clock_, settings);
  }

  absl::StatusOr<Session> StartWithReminder(const std::string& subject, const std::string& plate,
                                            absl::Time end, const std::string& key = "") {
    StartRequest request{"", "1101", plate, end};
    request.notify_email = absl::StrCat(subject, "@example.org");
    request.language = "en";
    return service_->Start(subject, request, key);
  }

  // The outbox events of `type` of all buckets, as field maps.
  std::vector<std::map<std::string, std::string>> Events(const std::string& type) {
    std::vector<std::map<std::string, std::string>> events;
    for (int bucket = 0; bucket < 256; ++bucket) {
      absl::StatusOr<redis::Reply> entries = redis().Command(
          {"XRANGE", absl::StrCat("park:{p", absl::Hex(bucket, absl::kZeroPad2), "}:outbox"), "-",
           "+"});
      if (!entries.ok()) continue;
      for (const redis::Reply& entry : entries->elements) {
        std::map<std::string, std::string> fields;
        const std::vector<redis::Reply>& pairs = entry.elements[1].elements;
        for (size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].str] = pairs[i + 1].str;
        if (fields["type"] == type) events.push_back(std::move(fields));
      }
    }
    return events;
  }

  const std::string key_ = contact::ContactKey("the parking master key of the test", "parking");
};

TEST_F(RedisParkingReminderTest, DueOnceAtTheEndLessTheLeadEvenWhenSendersRace) {
  const Session session =
      StartWithReminder("driver-1", "S-AB 1", kMondayTen + absl::Minutes(30)).value();
  clock_.Advance(absl::Minutes(19));
  EXPECT_EQ(service_->SendDueReminders().value(), 0);
  clock_.Advance(absl::Minutes(1));
  // Four replicas' senders at once: one event.
  std::atomic<int> written = 0;
  std::vector<std::thread> senders;
  for (int i = 0; i < 4; ++i) {
    senders.emplace_back([&] { written += service_->SendDueReminders().value_or(-100); });
  }
  for (std::thread& sender : senders) sender.join();
  EXPECT_EQ(written.load(), 1);
  EXPECT_EQ(service_->SendDueReminders().value(), 0);  // a retry writes nothing

  const auto events = Events("session.ending_soon");
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].at("session"), session.id);
  EXPECT_EQ(events[0].at("end_ms"), absl::StrCat(absl::ToUnixMillis(session.end)));
  EXPECT_EQ(events[0].at("zone"), "1101");
  // The address travels sealed, for the notifications service to open.
  EXPECT_EQ(events[0].at("contact").find("driver-1"), std::string::npos);
  absl::StatusOr<contact::MailContact> to =
      contact::Open(key_, events[0].at("contact"), events[0].at("owner"));
  ASSERT_TRUE(to.ok()) << to.status();
  EXPECT_EQ(to->email, "driver-1@example.org");
  EXPECT_EQ(to->language, "en");
  EXPECT_EQ(to->about, "S-AB 1");
  // Not in any answer or the officer's record.
  EXPECT_EQ(service_->GetOwnSession("driver-1", session.id)->reminder_contact, "");
}

TEST_F(RedisParkingReminderTest, AStopCancelsAndAnExtensionMovesTheReminder) {
  const Session stopped =
      StartWithReminder("driver-1", "S-AB 1", kMondayTen + absl::Minutes(30)).value();
  const Session extended =
      StartWithReminder("driver-2", "S-AB 2", kMondayTen + absl::Minutes(30)).value();
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(service_->Stop("driver-1", stopped.id, "").ok());
  ASSERT_TRUE(service_->Extend("driver-2", extended.id, kMondayTen + absl::Minutes(60), "").ok());
  clock_.Set(kMondayTen + absl::Minutes(49));
  EXPECT_EQ(service_->SendDueReminders().value(), 0);
  clock_.Set(kMondayTen + absl::Minutes(50));
  EXPECT_EQ(service_->SendDueReminders().value(), 1);
  auto events = Events("session.ending_soon");
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].at("session"), extended.id);

  // Extended again after its reminder: reminded again before the new end.
  ASSERT_TRUE(service_->Extend("driver-2", extended.id, kMondayTen + absl::Minutes(90), "").ok());
  clock_.Set(kMondayTen + absl::Minutes(80));
  EXPECT_EQ(service_->SendDueReminders().value(), 1);
  EXPECT_THAT(Events("session.ending_soon"), SizeIs(2));
  clock_.Set(kMondayTen + absl::Minutes(100));
  EXPECT_EQ(service_->SendDueReminders().value(), 0);
}

TEST_F(RedisParkingReminderTest, OnlyWithAnAddressAndOnceForARetriedStart) {
  ASSERT_TRUE(Start("driver-0", "S-AB 9", "", kMondayTen + absl::Minutes(30)).ok());
  ASSERT_TRUE(StartWithReminder("driver-1", "S-AB 1", kMondayTen + absl::Minutes(30), "k").ok());
  ASSERT_TRUE(StartWithReminder("driver-1", "S-AB 1", kMondayTen + absl::Minutes(30), "k").ok());
  clock_.Advance(absl::Minutes(25));
  EXPECT_EQ(service_->SendDueReminders().value(), 1);
  EXPECT_THAT(Events("session.started"), SizeIs(2));
}

TEST_F(RedisParkingReminderTest, AMalformedAddressOrNoKeyIsRefusedBeforeAnythingIsWritten) {
  StartRequest request{"", "1101", "S-AB 1", kMondayTen + absl::Minutes(30)};
  request.notify_email = "a@example.org\r\nBcc: x@evil.test";
  absl::StatusOr<Session> refused = service_->Start("driver-1", request, "k1");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(refused.status()), "invalid_email");
  ParkingService without_key(rules_, *repository_, clock_, ParkingSettings());
  request.notify_email = "a@example.org";
  EXPECT_EQ(ReasonOf(without_key.Start("driver-1", request, "k1").status()),
            "reminders_unavailable");
  EXPECT_EQ(OutboxLength(), 0);
  // The key is still free for the corrected request.
  EXPECT_TRUE(service_->Start("driver-1", request, "k1").ok());
}

TEST_F(RedisParkingTest, ConcurrentStopsWithoutKeyAllAnswerTheStoppedSession) {
  Session session = Start("citizen-1", "S-AB 1234", "").value();
  clock_.Advance(absl::Minutes(10));
  constexpr int kThreads = 8;
  std::vector<absl::StatusOr<Session>> answers(kThreads, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { answers[i] = service_->Stop("citizen-1", session.id, ""); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::StatusOr<Session>& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_TRUE(answer->stopped);
    EXPECT_EQ(answer->end, kMondayTen + absl::Minutes(10));
  }
  EXPECT_EQ(OutboxLength(), 2);  // started, stopped once
}

TEST_F(RedisParkingTest, OthersSessionsAreNotFound) {
  Session session = Start("citizen-1", "S-AB 1234", "").value();
  EXPECT_EQ(service_->GetOwnSession("citizen-2", session.id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->Stop("citizen-2", session.id, "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      service_->Extend("citizen-2", session.id, kMondayTen + absl::Hours(1), "").status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->GetOwnSession("citizen-1", "../../etc").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(service_->GetOwnSession("citizen-1", session.id).value().IsActiveAt(clock_.Now()));
}

TEST_F(RedisParkingTest, SessionsEndByThemselves) {
  Session first = Start("citizen-1", "S-AB 1234", "", kMondayTen + absl::Minutes(30)).value();
  EXPECT_EQ(service_->CheckPlate("", "s ab 1234", "1101")->status, CheckStatus::kPaid);
  clock_.Advance(absl::Minutes(31));
  // Nobody wrote anything, yet the session is over: a new one may start, and
  // the officer sees grace, then not paid.
  EXPECT_EQ(service_->CheckPlate("", "S-AB 1234", "1101")->status, CheckStatus::kGrace);
  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(service_->CheckPlate("", "S-AB 1234", "1101")->status, CheckStatus::kNotPaid);
  EXPECT_EQ(service_->Stop("citizen-1", first.id, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  Session second = Start("citizen-1", "S-AB 1234", "").value();
  EXPECT_NE(second.id, first.id);
  std::vector<Session> history = service_->History("citizen-1", 10).value();
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].id, second.id);  // newest first
}

TEST_F(RedisParkingTest, SessionsThatRanOutAreSettledOnceAndStoppedOnesNever) {
  // Three plates in (most likely) different buckets: one runs out at its
  // planned end, one is extended and runs out later, one is stopped.
  Session runs_out = Start("citizen-1", "S-AB 1", "", kMondayTen + absl::Minutes(30)).value();
  Session extended = Start("citizen-2", "S-CD 2", "", kMondayTen + absl::Minutes(30)).value();
  Session stopped = Start("citizen-3", "S-EF 3", "", kMondayTen + absl::Minutes(30)).value();
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(service_->Extend("citizen-2", extended.id, kMondayTen + absl::Minutes(60), "").ok());
  ASSERT_TRUE(service_->Stop("citizen-3", stopped.id, "").ok());

  std::vector<Session> settled;
  auto settle = [&settled](const Session& session) { settled.push_back(session); };
  EXPECT_EQ(service_->SettleEndedSessions(settle).value(), 0);

  clock_.Advance(absl::Minutes(25));  // 35 minutes in
  EXPECT_EQ(service_->SettleEndedSessions(settle).value(), 1);
  ASSERT_THAT(settled, SizeIs(1));
  EXPECT_EQ(settled[0].id, runs_out.id);
  EXPECT_EQ(settled[0].price_cents, 150);
  EXPECT_FALSE(settled[0].stopped);

  clock_.Advance(absl::Minutes(30));  // 65 minutes in
  EXPECT_EQ(service_->SettleEndedSessions(settle).value(), 1);
  ASSERT_THAT(settled, SizeIs(2));
  EXPECT_EQ(settled[1].id, extended.id);
  EXPECT_EQ(settled[1].end, kMondayTen + absl::Minutes(60));
  EXPECT_EQ(settled[1].price_cents, 300);

  clock_.Advance(absl::Hours(5));
  EXPECT_EQ(service_->SettleEndedSessions(settle).value(), 0);
  EXPECT_THAT(settled, SizeIs(2));
}

TEST_F(RedisParkingTest, SettlingWorksInBatches) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Start(absl::StrCat("citizen-", i), absl::StrCat("S-AB ", 100 + i), "",
                      kMondayTen + absl::Minutes(15))
                    .ok());
  }
  clock_.Advance(absl::Minutes(20));
  std::set<std::string> ids;
  auto settle = [&ids](const Session& session) { ids.insert(session.id); };
  EXPECT_EQ(service_->SettleEndedSessions(settle, /*batch=*/3).value(), 7);
  EXPECT_THAT(ids, SizeIs(7));
  EXPECT_EQ(service_->SettleEndedSessions(settle, 3).value(), 0);
}

// The settler's clock may run a little ahead of the one a request read: a
// session it has listed as ended must not change afterwards, or its revenue
// would be reported at the old price while the extension is never reported.
TEST_F(RedisParkingTest, ASessionListedForSettlementRefusesALateExtendOrStop) {
  const absl::Time end = kMondayTen + absl::Minutes(30);
  Session session = Start("citizen-1", "S-AB 1", "", end).value();
  clock_.Advance(absl::Minutes(30) - absl::Seconds(1));  // the requests' clock: still active

  std::vector<Session> listed =
      repository_->ListUnsettledEndedSessions(end + absl::Seconds(1), 10).value();
  ASSERT_THAT(listed, SizeIs(1));
  EXPECT_EQ(listed[0].id, session.id);

  EXPECT_EQ(service_->Extend("citizen-1", session.id, end + absl::Minutes(30), "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->Stop("citizen-1", session.id, "").status().code(),
            absl::StatusCode::kFailedPrecondition);

  clock_.Advance(absl::Minutes(1));
  std::vector<Session> settled;
  EXPECT_EQ(
      service_->SettleEndedSessions([&](const Session& each) { settled.push_back(each); }).value(),
      1);
  ASSERT_THAT(settled, SizeIs(1));
  EXPECT_EQ(settled[0].end, end);
  EXPECT_EQ(settled[0].price_cents, 150);
  EXPECT_EQ(
      service_->SettleEndedSessions([&](const Session& each) { settled.push_back(each); }).value(),
      0);
}

TEST_F(RedisParkingTest, AnUnreadableSessionRecordDoesNotBlockTheOthersSettlement) {
  Session damaged = Start("citizen-1", "S-AB 1", "", kMondayTen + absl::Minutes(15)).value();
  Session intact = Start("citizen-2", "S-CD 2", "", kMondayTen + absl::Minutes(15)).value();
  const std::string damaged_key =
      absl::StrCat("park:{p", damaged.id.substr(0, 2), "}:session:", damaged.id);
  ASSERT_TRUE(redis().Command({"HSET", damaged_key, "price", "not a number"}).ok());
  // Members that are no session id of their bucket, scored before everything
  // else, would take the bucket's whole share of every run.
  const std::string ends = absl::StrCat("park:{p", intact.id.substr(0, 2), "}:ends");
  ASSERT_TRUE(redis().Command({"ZADD", ends, "1", "junk"}).ok());
  ASSERT_TRUE(redis().Command({"ZADD", ends, "2", std::string(32, 'f')}).ok());
  clock_.Advance(absl::Minutes(20));

  std::vector<std::string> settled;
  auto settle = [&settled](const Session& session) { settled.push_back(session.id); };
  EXPECT_EQ(service_->SettleEndedSessions(settle).value(), 1);
  EXPECT_THAT(settled, ::testing::ElementsAre(intact.id));
  EXPECT_EQ(service_->SettleEndedSessions(settle).value(), 0);
  absl::StatusOr<redis::Reply> still_due = redis().Command(
      {"ZSCORE", absl::StrCat("park:{p", damaged.id.substr(0, 2), "}:ends"), damaged.id});
  ASSERT_TRUE(still_due.ok());
  EXPECT_TRUE(still_due->IsNil());
  EXPECT_EQ(redis().Command({"ZCARD", ends})->integer, 0);
}

TEST_F(RedisParkingTest, ResidentsPermits) {
  Permit permit = service_
                      ->IssuePermit("", "S-RE 42", "S-Mitte-1", kMondayTen - absl::Hours(1),
                                    kMondayTen + absl::Hours(24 * 30))
                      .value();
  EXPECT_FALSE(permit.id.empty());
  EXPECT_EQ(permit.plate, (Plate{"DE", "S-RE 42", "DE:S-RE42"}));
  EXPECT_THAT(service_->ListPermits("D", "s re42").value(), ::testing::ElementsAre(permit));
  EXPECT_THAT(service_->ListPermits("", "SR-E 42").value(), ::testing::IsEmpty());
  CheckResult check = service_->CheckPlate("", "S-RE 42", "1101").value();
  EXPECT_EQ(check.status, CheckStatus::kPermit);
  EXPECT_EQ(check.permit_area, "S-Mitte-1");
  EXPECT_EQ(service_
                ->IssuePermit("", "S-RE 42", "S-Mitte-1", kMondayTen - absl::Hours(48),
                              kMondayTen - absl::Hours(1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->CheckPlate("", "S-RE 43", "1101")->status, CheckStatus::kNotPaid);
  EXPECT_EQ(service_->CheckPlate("", "SR-E 42", "1101")->status, CheckStatus::kNotPaid);
  EXPECT_EQ(service_->CheckPlate("", "S-RE 42", "7777").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RedisParkingTest, RedisDownIsUnavailable) {
  redis_server().Kill();
  EXPECT_EQ(Start("citizen-1", "S-AB 1234", "k").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(service_->CheckPlate("", "S-AB 1234", "1101").status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::parking
