#include "services/notifications/store/redis_notification_store.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/notifications/store/redis_places.h"
#include "tests/harness/redis_test.h"

namespace stadt::notifications {
namespace {

constexpr char kStream[] = "appt:{appt}:outbox";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

class RedisNotificationStoreTest : public testing::RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    options_.claim_idle = absl::Milliseconds(200);
    store_ = std::make_unique<RedisNotificationStore>(redis(), std::vector<std::string>{kStream},
                                                      options_);
  }

  std::string Add(const std::string& type) {
    absl::StatusOr<redis::Reply> id =
        redis().Command({"XADD", kStream, "*", "type", type, "contact", std::string("\0\1x", 3)});
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? id->str : "";
  }
  int64_t Length(const std::string& key) { return redis().Command({"XLEN", key}).value().integer; }
  int64_t Pending() {
    return redis().Command({"XPENDING", kStream, "notifications"}).value().elements[0].integer;
  }

  RedisStoreOptions options_;
  std::unique_ptr<RedisNotificationStore> store_;
};

TEST_F(RedisNotificationStoreTest, ReadsNewEventsOnceAndAcknowledges) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).value().empty());  // creates the group
  const std::string first = Add("booking.confirmed");
  Add("booking.cancelled");
  std::vector<OutboxEvent> events = store_->Next("c1", 10, kNow).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, first);
  EXPECT_EQ(events[0].type(), "booking.confirmed");
  EXPECT_EQ(events[0].Field("contact"), std::string("\0\1x", 3));  // binary-safe
  EXPECT_TRUE(store_->Next("c1", 10, kNow).value().empty());
  EXPECT_EQ(Pending(), 2);
  ASSERT_TRUE(store_->Acknowledge(events[0]).ok());
  ASSERT_TRUE(store_->Delivered(events[1], "k1").ok());
  EXPECT_EQ(Pending(), 0);
  EXPECT_EQ(store_->BeginDelivery(events[1], "k1", "c2").value(), DeliveryClaim::kAlreadySent);
}

TEST_F(RedisNotificationStoreTest, DeliveryLeaseKeepsOtherConsumersOff) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  Add("booking.confirmed");
  const OutboxEvent event = store_->Next("c1", 10, kNow).value().at(0);
  EXPECT_EQ(store_->BeginDelivery(event, "k", "c1").value(), DeliveryClaim::kGo);
  EXPECT_EQ(store_->BeginDelivery(event, "k", "c1").value(), DeliveryClaim::kGo);  // own lease
  EXPECT_EQ(store_->BeginDelivery(event, "k", "c2").value(), DeliveryClaim::kBusy);
}

TEST_F(RedisNotificationStoreTest, ARestartedConsumerGetsItsOwnPendingAndOthersReclaimThem) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  const std::string id = Add("booking.confirmed");
  ASSERT_EQ(store_->Next("c1", 10, kNow).value().size(), 1u);  // then c1 "crashes"

  // The same consumer after a restart (a new store object) reads it again.
  RedisNotificationStore restarted(redis(), {kStream}, options_);
  std::vector<OutboxEvent> again = restarted.Next("c1", 10, kNow).value();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, id);

  // Another replica takes it over once it has been idle for claim_idle.
  RedisNotificationStore other(redis(), {kStream}, options_);
  absl::SleepFor(absl::Milliseconds(300));
  std::vector<OutboxEvent> claimed = other.Next("c2", 10, kNow).value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, id);
}

TEST_F(RedisNotificationStoreTest, DeferredEventsComeBackWhenDueWithTheirAttempts) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  const std::string id = Add("booking.confirmed");
  OutboxEvent event = store_->Next("c1", 10, kNow).value().at(0);
  ASSERT_EQ(store_->BeginDelivery(event, "k", "c1").value(), DeliveryClaim::kGo);
  ASSERT_TRUE(store_->Defer(event, "k", kNow + absl::Minutes(1)).ok());
  EXPECT_EQ(Pending(), 0);
  EXPECT_TRUE(store_->Next("c1", 10, kNow).value().empty());
  std::vector<OutboxEvent> due = store_->Next("c2", 10, kNow + absl::Minutes(1)).value();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
  EXPECT_TRUE(due[0].from_retry);
  EXPECT_EQ(due[0].attempts, 1);
  EXPECT_EQ(due[0].Field("contact"), std::string("\0\1x", 3));
  EXPECT_FALSE(due[0].fields.contains("_attempts"));
  // Leased: not handed out again until the lease is over.
  EXPECT_TRUE(store_->Next("c3", 10, kNow + absl::Minutes(1)).value().empty());
  // The lease of c1 was released, so c2 may send it.
  EXPECT_EQ(store_->BeginDelivery(due[0], "k", "c2").value(), DeliveryClaim::kGo);
  ASSERT_TRUE(store_->Delivered(due[0], "k").ok());
  EXPECT_TRUE(store_->Next("c3", 10, kNow + absl::Hours(1)).value().empty());
}

TEST_F(RedisNotificationStoreTest, DeadLettersKeepTheEventAndTheReason) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  const std::string id = Add("booking.confirmed");
  OutboxEvent event = store_->Next("c1", 10, kNow).value().at(0);
  ASSERT_TRUE(store_->DeadLetter(event, "k", "smtp 550: refused").ok());
  EXPECT_EQ(Pending(), 0);
  const std::string dead = RedisNotificationStore::DeadLetterKey(kStream);
  EXPECT_EQ(dead, "appt:{appt}:notify:dead");
  redis::Reply entries = redis().Command({"XRANGE", dead, "-", "+"}).value();
  ASSERT_EQ(entries.elements.size(), 1u);
  std::map<std::string, std::string> fields;
  const std::vector<redis::Reply>& flat = entries.elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) fields[flat[i].str] = flat[i + 1].str;
  EXPECT_EQ(fields["_source_id"], id);
  EXPECT_EQ(fields["_reason"], "smtp 550: refused");
  EXPECT_EQ(fields["type"], "booking.confirmed");
}

TEST_F(RedisNotificationStoreTest, DeadLettersOlderThanTheirRetentionAreDropped) {
  const std::string dead = RedisNotificationStore::DeadLetterKey(kStream);
  ASSERT_TRUE(redis().Command({"XADD", dead, "1000-0", "type", "booking.confirmed"}).ok());
  ASSERT_TRUE(redis().Command({"XADD", dead, "5000-0", "type", "booking.cancelled"}).ok());
  EXPECT_EQ(store_->TrimDeadLetters(absl::FromUnixMillis(500)).value(), 0);
  EXPECT_EQ(store_->TrimDeadLetters(absl::FromUnixMillis(2000)).value(), 1);
  redis::Reply left = redis().Command({"XRANGE", dead, "-", "+"}).value();
  ASSERT_EQ(left.elements.size(), 1u);
  EXPECT_EQ(left.elements[0].elements[0].str, "5000-0");
}

TEST_F(RedisNotificationStoreTest, AnErasureDropsTheMailsThatNameTheCitizen) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  const std::string dead = RedisNotificationStore::DeadLetterKey(kStream);
  ASSERT_TRUE(
      redis().Command({"XADD", dead, "*", "type", "booking.confirmed", "code", "K7Q2"}).ok());
  ASSERT_TRUE(
      redis().Command({"XADD", dead, "*", "type", "booking.confirmed", "code", "B1B1"}).ok());
  ASSERT_TRUE(
      redis().Command({"XADD", kStream, "*", "type", "booking.reminder", "code", "K7Q2"}).ok());
  ASSERT_TRUE(redis().Command({"HSET", "appt:{appt}:notify:retry:9-0", "code", "K7Q2"}).ok());
  ASSERT_TRUE(redis().Command({"ZADD", "appt:{appt}:notify:retry", "1", "9-0"}).ok());

  EXPECT_EQ(store_->EraseMentioning({"K7Q2"}).value(), 3);
  EXPECT_EQ(redis().Command({"XLEN", dead}).value().integer, 1);  // someone else's stays
  EXPECT_EQ(redis().Command({"XLEN", kStream}).value().integer, 0);
  EXPECT_EQ(redis().Command({"ZCARD", "appt:{appt}:notify:retry"}).value().integer, 0);
  EXPECT_EQ(redis().Command({"EXISTS", "appt:{appt}:notify:retry:9-0"}).value().integer, 0);
  EXPECT_EQ(store_->EraseMentioning({"K7Q2"}).value(), 0);  // a retry finds nothing
}

// A consumer stopped while 150,000 events arrive: trimming never removes what
// the group has not acknowledged, and every event is read afterwards.
TEST_F(RedisNotificationStoreTest, NothingUnacknowledgedIsTrimmedEvenUnder150000Events) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  constexpr int kEvents = 150'000;
  constexpr int kChunk = 5'000;
  for (int i = 0; i < kEvents; i += kChunk) {
    std::vector<std::vector<std::string>> commands;
    for (int k = 0; k < kChunk; ++k) {
      commands.push_back(
          {"XADD", kStream, "*", "type", "booking.reminder", "n", absl::StrCat(i + k)});
    }
    ASSERT_TRUE(redis().Pipeline(commands).ok());
  }
  EXPECT_EQ(store_->TrimAcknowledged().value(), 0);
  EXPECT_EQ(Length(kStream), kEvents);

  int read = 0;
  int next_expected = 0;
  while (true) {
    std::vector<OutboxEvent> events = store_->Next("c1", 1000, kNow).value();
    if (events.empty()) break;
    for (const OutboxEvent& event : events) {
      ASSERT_EQ(event.Field("n"), absl::StrCat(next_expected++));
      ++read;
    }
    // Half of each batch acknowledged now, the rest after the trim: what is
    // still pending must survive it.
    const size_t half = events.size() / 2;
    std::vector<std::string> first = {"XACK", kStream, "notifications"};
    std::vector<std::string> rest = first;
    for (size_t i = 0; i < events.size(); ++i) (i < half ? first : rest).push_back(events[i].id);
    ASSERT_TRUE(redis().Command(first).ok());
    ASSERT_TRUE(store_->TrimAcknowledged().ok());
    ASSERT_EQ(redis()
                  .Command({"XRANGE", kStream, events[half].id, events.back().id})
                  .value()
                  .elements.size(),
              events.size() - half);
    ASSERT_TRUE(redis().Command(rest).ok());
  }
  EXPECT_EQ(read, kEvents);
  ASSERT_TRUE(store_->TrimAcknowledged().ok());
  EXPECT_EQ(Length(kStream), 0);
}

TEST_F(RedisNotificationStoreTest, TrimWaitsForTheSlowestGroup) {
  ASSERT_TRUE(store_->Next("c1", 10, kNow).ok());
  ASSERT_TRUE(redis().Command({"XGROUP", "CREATE", kStream, "audit", "0"}).ok());
  Add("a");
  Add("b");
  const std::vector<OutboxEvent> events = store_->Next("c1", 10, kNow).value();
  ASSERT_EQ(events.size(), 2u);
  for (const OutboxEvent& event : events) ASSERT_TRUE(store_->Acknowledge(event).ok());
  ASSERT_TRUE(store_->TrimAcknowledged().ok());
  EXPECT_EQ(Length(kStream), 2);  // the audit group has read nothing yet
}

TEST_F(RedisNotificationStoreTest, PlacesComeFromTheAppointmentsCatalogAndAreCached) {
  ASSERT_TRUE(
      redis()
          .Command({"SET", "appt:{catalog}:office:mitte",
                    R"({"id":"mitte","name":"Bürgerbüro Mitte","address":)"
                    R"({"street":"Eberhardstr. 39","postal_code":"70173","city":"Stuttgart"}})"})
          .ok());
  ASSERT_TRUE(
      redis()
          .Command({"SET", "appt:{catalog}:service:id-card", R"({"name":"Personalausweis"})"})
          .ok());
  FakeClock clock(kNow);
  RedisPlaces places(redis(), clock, absl::Minutes(5));
  EXPECT_EQ(places.OfficeLabel("mitte"), "Bürgerbüro Mitte, Eberhardstr. 39, 70173 Stuttgart");
  EXPECT_EQ(places.ServiceName("id-card"), "Personalausweis");
  EXPECT_EQ(places.OfficeLabel("nowhere"), "");
  ASSERT_TRUE(redis().Command({"SET", "appt:{catalog}:office:mitte", R"({"name":"Neu"})"}).ok());
  EXPECT_EQ(places.OfficeLabel("mitte"), "Bürgerbüro Mitte, Eberhardstr. 39, 70173 Stuttgart");
  clock.Advance(absl::Minutes(6));
  EXPECT_EQ(places.OfficeLabel("mitte"), "Neu");
}

}  // namespace
}  // namespace stadt::notifications
