#include "services/notifications/domain/dispatcher.h"

#include <deque>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/fake_kpi_recorder.h"
#include "services/notifications/domain/dead_letters.h"

namespace stadt::notifications {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

// Keeps what the dispatcher did with each event.
class FakeStore final : public NotificationStore {
 public:
  std::deque<OutboxEvent> queue;
  std::set<std::string> sent_records;
  std::set<std::string> foreign_leases;
  std::vector<std::string> acknowledged;
  std::vector<std::pair<std::string, absl::Time>> deferred;
  std::vector<std::pair<std::string, std::string>> dead;
  int trims = 0;
  int round_trips = 0;  // RecordAndBegin and Record calls

  absl::StatusOr<std::vector<OutboxEvent>> Next(const std::string&, int max, absl::Time) override {
    std::vector<OutboxEvent> out;
    while (!queue.empty() && static_cast<int>(out.size()) < max) {
      out.push_back(queue.front());
      queue.pop_front();
    }
    return out;
  }
  absl::StatusOr<DeliveryClaim> BeginDelivery(const OutboxEvent&, const std::string& key,
                                              const std::string&) override {
    if (sent_records.contains(key)) return DeliveryClaim::kAlreadySent;
    if (foreign_leases.contains(key)) return DeliveryClaim::kBusy;
    return DeliveryClaim::kGo;
  }
  absl::Status Delivered(const OutboxEvent& event, const std::string& key) override {
    sent_records.insert(key);
    acknowledged.push_back(event.id);
    return absl::OkStatus();
  }
  absl::Status Acknowledge(const OutboxEvent& event) override {
    acknowledged.push_back(event.id);
    return absl::OkStatus();
  }
  absl::Status Defer(const OutboxEvent& event, const std::string&, absl::Time at) override {
    deferred.emplace_back(event.id, at);
    return absl::OkStatus();
  }
  absl::Status DeadLetter(const OutboxEvent& event, const std::string&,
                          const std::string& reason) override {
    dead.emplace_back(event.id, reason);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<DeliveryClaim>> RecordAndBegin(
      const std::vector<Outcome>& outcomes,
      const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
      const std::string& consumer) override {
    ++round_trips;
    if (absl::Status status = NotificationStore::Record(outcomes); !status.ok()) return status;
    return NotificationStore::BeginDeliveries(deliveries, consumer);
  }
  absl::Status Record(const std::vector<Outcome>& outcomes) override {
    ++round_trips;
    return NotificationStore::Record(outcomes);
  }
  absl::StatusOr<std::vector<DeadLetterEntry>> ListDeadLetters(const std::string& stream,
                                                               const std::string& after,
                                                               int limit) override {
    list_calls.push_back(absl::StrCat(stream, "|", after, "|", limit));
    std::vector<DeadLetterEntry> out;
    for (int i = 0; i < std::min(limit, 3); ++i) {
      DeadLetterEntry entry;
      entry.id = absl::StrCat(i + 1, "-0");
      out.push_back(entry);
    }
    return out;
  }
  absl::StatusOr<DeadLetterEntry> ReplayDeadLetter(const std::string& stream, const std::string& id,
                                                   absl::Time) override {
    if (id != "1-0") return absl::NotFoundError("no such dead letter");
    DeadLetterEntry entry;
    entry.id = id;
    entry.event_id = stream;
    return entry;
  }
  std::vector<std::string> list_calls;
  absl::StatusOr<int64_t> TrimAcknowledged() override {
    ++trims;
    return 0;
  }
  absl::StatusOr<int64_t> TrimDeadLetters(absl::Time older_than) override {
    dead_letters_before.push_back(older_than);
    return 0;
  }
  std::vector<absl::Time> dead_letters_before;
};

// Mails the "to" field; events without one are not mailed, "broken" ones fail.
class FieldComposer final : public MailComposer {
 public:
  absl::StatusOr<std::optional<Mail>> Compose(const OutboxEvent& event) const override {
    if (event.type() == "broken") return absl::DataLossError("cannot open");
    if (event.Field("to").empty()) return std::nullopt;
    return Mail{"Name", event.Field("to"), "Subject", "text", "<p>html</p>", {}};
  }
  std::string SourceOf(const OutboxEvent&) const override { return "appointments"; }
};

class ScriptedMailer final : public Mailer {
 public:
  std::deque<SendResult::Outcome> outcomes;
  std::vector<std::string> recipients;
  SendResult Send(const std::string&, const std::string& recipient, const std::string&) override {
    recipients.push_back(recipient);
    SendResult result;
    if (!outcomes.empty()) {
      result.outcome = outcomes.front();
      outcomes.pop_front();
    }
    result.detail = "smtp 451";
    return result;
  }
};

OutboxEvent Event(const std::string& id, const std::string& to, const std::string& type = "t") {
  OutboxEvent event;
  event.stream = "appt:{appt}:outbox";
  event.id = id;
  event.fields = {{"type", type}, {"to", to}};
  return event;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : clock_(kStart) {
    options_.retry_base = absl::Seconds(30);
    options_.retry_max = absl::Minutes(10);
    options_.retry_horizon = absl::Hours(1);
  }
  Dispatcher Make() { return Dispatcher(store_, composer_, mailer_, kpis_, clock_, options_); }

  FakeStore store_;
  FieldComposer composer_;
  ScriptedMailer mailer_;
  FakeKpiRecorder kpis_;
  FakeClock clock_;
  DispatchOptions options_;
};

TEST_F(DispatcherTest, SendsEachEventOnceAndRecordsIt) {
  const std::string id = absl::StrCat(absl::ToUnixMillis(kStart - absl::Seconds(4)), "-0");
  store_.queue = {Event(id, "a@example.org"), Event("2-0", "")};
  Dispatcher dispatcher = Make();
  EXPECT_EQ(dispatcher.RunOnce().value(), 2);
  EXPECT_EQ(mailer_.recipients, std::vector<std::string>{"a@example.org"});
  EXPECT_EQ(store_.acknowledged, (std::vector<std::string>{"2-0", id}));
  EXPECT_EQ(store_.trims, 1);
  ASSERT_EQ(kpis_.samples(kpi::kNotificationsMailsSent).size(), 1u);
  ASSERT_EQ(kpis_.samples(kpi::kNotificationsDeliverySeconds).size(), 1u);
  EXPECT_EQ(kpis_.samples(kpi::kNotificationsDeliverySeconds)[0].value, 4.0);
  EXPECT_TRUE(kpis_.AllDimensionsAllowed());

  // The same event again (reclaimed after a crash): acknowledged, not mailed.
  store_.queue = {Event(id, "a@example.org")};
  EXPECT_EQ(dispatcher.RunOnce().value(), 1);
  EXPECT_EQ(mailer_.recipients.size(), 1u);
}

TEST_F(DispatcherTest, EveryRunDropsTheDeadLettersPastTheirRetention) {
  options_.dead_letter_retention = absl::Hours(24 * 30);
  Dispatcher dispatcher = Make();
  EXPECT_EQ(dispatcher.RunOnce().value(), 0);  // nothing to send: trimmed all the same
  clock_.Advance(absl::Hours(5));
  EXPECT_EQ(dispatcher.RunOnce().value(), 0);
  EXPECT_EQ(store_.dead_letters_before,
            (std::vector<absl::Time>{kStart - absl::Hours(24 * 30),
                                     kStart + absl::Hours(5) - absl::Hours(24 * 30)}));
}

TEST_F(DispatcherTest, RecordsAGroupOfMailsAndTakesTheNextLeasesInOneRoundTrip) {
  options_.record_batch = 2;
  for (int i = 0; i < 5; ++i) {
    store_.queue.push_back(Event(absl::StrCat(i + 1, "-0"), absl::StrCat("p", i, "@example.org")));
  }
  Dispatcher dispatcher = Make();
  EXPECT_EQ(dispatcher.RunOnce().value(), 5);
  EXPECT_EQ(mailer_.recipients.size(), 5u);
  EXPECT_EQ(store_.sent_records.size(), 5u);
  // Leases of mails 1-2; records of 1-2 and leases of 3-4; records of 3-4 and
  // the lease of 5; the record of 5.
  EXPECT_EQ(store_.round_trips, 4);
}

TEST_F(DispatcherTest, AfterStopNothingMoreIsSentAndTheRestStaysPending) {
  store_.queue = {Event("1-0", "a@example.org")};
  Dispatcher dispatcher = Make();
  dispatcher.Stop();
  EXPECT_EQ(dispatcher.RunOnce().value(), 0);
  EXPECT_TRUE(mailer_.recipients.empty());
  EXPECT_EQ(store_.queue.size(), 1u);  // not even read
}

TEST_F(DispatcherTest, AnEventAnotherReplicaIsSendingIsLeftAlone) {
  const OutboxEvent event = Event("1-0", "a@example.org");
  store_.foreign_leases.insert(DeliveryKey(event, "a@example.org"));
  store_.queue = {event};
  Dispatcher dispatcher = Make();
  EXPECT_EQ(dispatcher.RunOnce().value(), 1);
  EXPECT_TRUE(mailer_.recipients.empty());
  EXPECT_TRUE(store_.acknowledged.empty());
}

TEST_F(DispatcherTest, TemporaryFailuresAreDeferredWithGrowingJitteredBackoff) {
  Dispatcher dispatcher = Make();
  EXPECT_EQ(dispatcher.BackoffFor(1), absl::Seconds(30));
  EXPECT_EQ(dispatcher.BackoffFor(2), absl::Seconds(60));
  EXPECT_EQ(dispatcher.BackoffFor(3), absl::Seconds(120));
  EXPECT_EQ(dispatcher.BackoffFor(30), absl::Minutes(10));
  for (int attempts = 0; attempts < 3; ++attempts) {
    OutboxEvent event = Event(absl::StrCat(absl::ToUnixMillis(kStart), "-", attempts), "a@x.org");
    event.attempts = attempts;
    store_.queue = {event};
    mailer_.outcomes = {SendResult::Outcome::kTemporary};
    ASSERT_TRUE(dispatcher.RunOnce().ok());
    ASSERT_EQ(store_.deferred.size(), static_cast<size_t>(attempts + 1));
    const absl::Duration wait = store_.deferred.back().second - kStart;
    EXPECT_LE(wait, dispatcher.BackoffFor(attempts + 1));
    EXPECT_GE(wait, dispatcher.BackoffFor(attempts + 1) / 2);
  }
  EXPECT_EQ(kpis_.samples(kpi::kNotificationsMailsDeferred).size(), 3u);
  EXPECT_TRUE(store_.dead.empty());
}

TEST_F(DispatcherTest, PermanentFailuresAndExpiredRetriesAreDeadLetters) {
  store_.queue = {Event(absl::StrCat(absl::ToUnixMillis(kStart), "-0"), "a@example.org")};
  mailer_.outcomes = {SendResult::Outcome::kPermanent};
  Dispatcher dispatcher = Make();
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  ASSERT_EQ(store_.dead.size(), 1u);
  EXPECT_EQ(store_.dead[0].second, "smtp 451");

  // Past the horizon a temporary failure is final too.
  OutboxEvent old =
      Event(absl::StrCat(absl::ToUnixMillis(kStart - absl::Hours(2)), "-0"), "b@x.org");
  old.attempts = 7;
  store_.queue = {old};
  mailer_.outcomes = {SendResult::Outcome::kTemporary};
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  ASSERT_EQ(store_.dead.size(), 2u);
  EXPECT_THAT(store_.dead[1].second, ::testing::HasSubstr("gave up after 8 attempts"));
  EXPECT_TRUE(store_.deferred.empty());
  EXPECT_EQ(kpis_.samples(kpi::kNotificationsMailsFailed).size(), 2u);

  // An event that cannot be composed, or an address that cannot be mailed.
  store_.queue = {Event("5-0", "x@example.org", "broken"), Event("6-0", "bad address@x.org")};
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  EXPECT_EQ(store_.dead.size(), 4u);
  EXPECT_EQ(mailer_.recipients.size(), 2u);
}

TEST(DeadLettersTest, ValidatesSourceLimitAndCursorAndPages) {
  FakeStore store;
  FakeClock clock(kStart);
  DeadLetters dead(store, clock, {{"appointments", {"appt:{appt}:outbox"}}});
  EXPECT_EQ(dead.List("parking", 0, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dead.List("appointments", 501, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dead.List("appointments", -1, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dead.List("appointments", 0, "1-0 OR 1=1").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<DeadLetterPage> page = dead.List("appointments", 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 3u);
  EXPECT_EQ(page->next_after, "");  // fewer than the limit: the last page
  page = dead.List("appointments", 2, "5-1");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->next_after, "2-0");
  EXPECT_EQ(store.list_calls,
            (std::vector<std::string>{"appt:{appt}:outbox||100", "appt:{appt}:outbox|5-1|2"}));
  EXPECT_TRUE(dead.Replay("appointments", "1-0").ok());
  EXPECT_EQ(dead.Replay("appointments", "2-0").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(dead.Replay("appointments", "../x").status().code(), absl::StatusCode::kNotFound);
}

// Parking keeps a dead-letter stream per bucket: the source "parking" lists
// them merged in id order, pages across them, and replays from whichever
// holds the id.
TEST(DeadLettersTest, ASourceWithSeveralOutboxesListsThemMergedAndReplaysFromTheRightOne) {
  FakeStore store;
  FakeClock clock(kStart);
  DeadLetters dead(store, clock, {{"parking", {"park:{p00}:outbox", "park:{p01}:outbox"}}});
  absl::StatusOr<DeadLetterPage> page = dead.List("parking", 4, "");
  ASSERT_TRUE(page.ok()) << page.status();
  // Each fake outbox holds 1-0, 2-0, 3-0: the first four of the six, in order.
  std::vector<std::string> ids;
  for (const DeadLetterEntry& entry : page->entries) ids.push_back(entry.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1-0", "1-0", "2-0", "2-0"}));
  EXPECT_EQ(page->next_after, "2-0");
  EXPECT_EQ(store.list_calls,
            (std::vector<std::string>{"park:{p00}:outbox||4", "park:{p01}:outbox||4"}));
  // A page never ends between two entries of the same id.
  page = dead.List("parking", 3, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->next_after, "1-0");
  page = dead.List("parking", 0, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.size(), 6u);
  EXPECT_EQ(page->next_after, "");
  absl::StatusOr<DeadLetterEntry> replayed = dead.Replay("parking", "1-0");
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(replayed->event_id, "park:{p00}:outbox");  // the fake names the stream it came from
  EXPECT_EQ(dead.Replay("parking", "2-0").status().code(), absl::StatusCode::kNotFound);
}

TEST(DeadLettersTest, StreamIdsCompareAsNumbers) {
  EXPECT_TRUE(StreamIdBefore("9-0", "10-0"));
  EXPECT_TRUE(StreamIdBefore("10-2", "10-10"));
  EXPECT_FALSE(StreamIdBefore("10-0", "10-0"));
  EXPECT_FALSE(StreamIdBefore("11-0", "10-99"));
}

}  // namespace
}  // namespace stadt::notifications
