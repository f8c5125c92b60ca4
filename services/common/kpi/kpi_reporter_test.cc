#include "services/common/kpi/kpi_reporter.h"

#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/kpi_ids.h"

namespace stadt {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::SizeIs;

// Records every attempt. Can fail, or hold the caller until released, to play
// an absent or hanging monitoring service.
class FakeSink final : public KpiSink {
 public:
  absl::Status Send(const std::vector<KpiEvent>& batch, absl::Duration) override {
    absl::MutexLock lock(&mutex_);
    attempts_.push_back(batch);
    // Waiting releases the lock, which wakes WaitForAttempts().
    const auto released = [this]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) { return !hang_; };
    mutex_.Await(absl::Condition(&released));
    return status_;
  }

  void SetStatus(absl::Status status) {
    absl::MutexLock lock(&mutex_);
    status_ = std::move(status);
  }
  void Hang() {
    absl::MutexLock lock(&mutex_);
    hang_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mutex_);
    hang_ = false;
  }
  void WaitForAttempts(size_t count) {
    absl::MutexLock lock(&mutex_);
    const auto arrived = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
      return attempts_.size() >= count;
    };
    mutex_.Await(absl::Condition(&arrived));
  }
  std::vector<std::vector<KpiEvent>> attempts() const {
    absl::MutexLock lock(&mutex_);
    return attempts_;
  }
  // Every event of every attempt, in order.
  std::vector<KpiEvent> events() const {
    absl::MutexLock lock(&mutex_);
    std::vector<KpiEvent> all;
    for (const auto& batch : attempts_) all.insert(all.end(), batch.begin(), batch.end());
    return all;
  }

 private:
  // Send() and WaitForAttempts() wait on it with conditions over the fields
  // below: a change made under it wakes them.
  mutable absl::Mutex mutex_;
  std::vector<std::vector<KpiEvent>> attempts_ ABSL_GUARDED_BY(mutex_);
  absl::Status status_ ABSL_GUARDED_BY(mutex_);
  bool hang_ ABSL_GUARDED_BY(mutex_) = false;
};

KpiReporterOptions TestOptions() {
  KpiReporterOptions options;
  options.service = "appointments";
  options.buffer_size = 100;
  options.batch_size = 10;
  options.initial_backoff = absl::Seconds(1);
  options.max_backoff = absl::Seconds(8);
  options.max_attempts = 5;
  options.max_age = absl::Hours(1);
  options.strict_dimensions = true;
  return options;
}

std::vector<std::string> Ids(const std::vector<KpiEvent>& events) {
  std::vector<std::string> ids;
  for (const KpiEvent& event : events) ids.push_back(event.event_id);
  return ids;
}

class KpiReporterTest : public ::testing::Test {
 protected:
  void Book(int times) {
    for (int i = 0; i < times; ++i)
      reporter_.Count(kpi::kAppointmentsBooked, {{"office", "mitte"}});
  }

  FakeSink sink_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  KpiReporterOptions options_ = TestOptions();
  KpiReporter reporter_{options_, sink_, clock_};
};

TEST_F(KpiReporterTest, FlushSendsBufferedEventsInBatchesOfTheConfiguredSize) {
  options_.batch_size = 3;
  KpiReporter reporter(options_, sink_, clock_);
  for (int i = 0; i < 7; ++i) reporter.Count(kpi::kParkingSessionsStarted, {{"zone", "z1"}});
  EXPECT_TRUE(sink_.attempts().empty());  // nothing leaves before a flush
  reporter.Flush();
  const auto attempts = sink_.attempts();
  ASSERT_THAT(attempts, SizeIs(3));
  EXPECT_THAT(attempts[0], SizeIs(3));
  EXPECT_THAT(attempts[1], SizeIs(3));
  EXPECT_THAT(attempts[2], SizeIs(1));
  EXPECT_EQ(reporter.stats().sent, 7);
  EXPECT_EQ(reporter.stats().pending, 0);
}

TEST_F(KpiReporterTest, EventCarriesKpiValueDimensionsTimeAndAUniqueId) {
  reporter_.Observe(kpi::kParkingRevenueCents, 350, {{"zone", "z1"}});
  clock_.Advance(absl::Seconds(5));
  reporter_.Observe(kpi::kParkingRevenueCents, 120, {{"zone", "z2"}});
  reporter_.Flush();
  const std::vector<KpiEvent> events = sink_.events();
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].kpi_id, "parking_revenue_cents");
  EXPECT_EQ(events[0].value, 350);
  EXPECT_THAT(events[0].dimensions, ElementsAre(Pair("zone", "z1")));
  EXPECT_EQ(events[0].time, absl::FromUnixSeconds(1'800'000'000));
  EXPECT_EQ(events[1].time, absl::FromUnixSeconds(1'800'000'005));
  EXPECT_NE(events[0].event_id, events[1].event_id);
  // 128 random bits in hex, a dash, a 64-bit sequence number in hex.
  EXPECT_THAT(events[0].event_id, ::testing::MatchesRegex("[0-9a-f]{32}-[0-9a-f]{16}"));
}

TEST_F(KpiReporterTest, IdsAreUniqueAcrossReporters) {
  KpiReporter other(options_, sink_, clock_);
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    reporter_.Count(kpi::kAppointmentsBooked, {});
    other.Count(kpi::kAppointmentsBooked, {});
  }
  reporter_.Flush();
  other.Flush();
  for (const KpiEvent& event : sink_.events()) ids.insert(event.event_id);
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(KpiReporterTest, OccurrenceKeyGivesTheSameIdForTheSameOccurrenceOnly) {
  KpiReporter replica(options_, sink_, clock_);
  reporter_.Count(kpi::kAppointmentsBooked, {{"office", "mitte"}}, "ABC123");
  replica.Count(kpi::kAppointmentsBooked, {{"office", "mitte"}}, "ABC123");
  reporter_.Count(kpi::kAppointmentsCancelled, {{"office", "mitte"}}, "ABC123");
  reporter_.Flush();
  replica.Flush();
  const std::vector<KpiEvent> events = sink_.events();
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[0].event_id, events[2].event_id);  // replay in another replica
  EXPECT_NE(events[0].event_id, events[1].event_id);  // another KPI
  EXPECT_EQ(events[0].event_id.find("ABC123"), std::string::npos);
  EXPECT_THAT(events[0].event_id, ::testing::MatchesRegex("[0-9a-f]{32}"));
}

TEST_F(KpiReporterTest, FailedBatchIsRetriedAfterBackoffWithTheSameIds) {
  Book(3);
  sink_.SetStatus(absl::UnavailableError("monitoring down"));
  reporter_.Flush();
  ASSERT_THAT(sink_.attempts(), SizeIs(1));
  const std::vector<std::string> first_ids = Ids(sink_.attempts()[0]);
  EXPECT_EQ(reporter_.stats().pending, 3);

  reporter_.Flush();  // the backoff has not passed on the clock
  EXPECT_THAT(sink_.attempts(), SizeIs(1));

  clock_.Advance(absl::Seconds(1));
  sink_.SetStatus(absl::OkStatus());
  reporter_.Flush();
  const auto attempts = sink_.attempts();
  ASSERT_THAT(attempts, SizeIs(2));
  EXPECT_EQ(Ids(attempts[1]), first_ids);
  EXPECT_EQ(reporter_.stats().sent, 3);
  EXPECT_EQ(reporter_.stats().pending, 0);
}

TEST_F(KpiReporterTest, BackoffDoublesUpToTheCap) {
  sink_.SetStatus(absl::UnavailableError("down"));
  options_.max_attempts = 100;
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Count(kpi::kAppointmentsBooked, {});
  reporter.Flush();  // attempt 1, next after 1s
  const std::vector<absl::Duration> waits = {absl::Seconds(1), absl::Seconds(2), absl::Seconds(4),
                                             absl::Seconds(8), absl::Seconds(8)};
  size_t expected_attempts = 1;
  for (absl::Duration wait : waits) {
    clock_.Advance(wait - absl::Milliseconds(1));
    reporter.Flush();
    EXPECT_THAT(sink_.attempts(), SizeIs(expected_attempts)) << "too early after " << wait;
    clock_.Advance(absl::Milliseconds(1));
    reporter.Flush();
    EXPECT_THAT(sink_.attempts(), SizeIs(++expected_attempts)) << "not retried after " << wait;
  }
}

TEST_F(KpiReporterTest, NothingNewerIsSentWhileABatchAwaitsItsRetry) {
  Book(2);
  sink_.SetStatus(absl::UnavailableError("down"));
  reporter_.Flush();
  sink_.SetStatus(absl::OkStatus());
  Book(2);
  reporter_.Flush();
  EXPECT_THAT(sink_.attempts(), SizeIs(1));
  clock_.Advance(absl::Seconds(1));
  reporter_.Flush();
  const auto attempts = sink_.attempts();
  ASSERT_THAT(attempts, SizeIs(3));  // the retried batch first, then the newer one
  EXPECT_EQ(Ids(attempts[1]), Ids(attempts[0]));
  EXPECT_THAT(attempts[2], SizeIs(2));
}

TEST_F(KpiReporterTest, RetriesAreBoundedAndTheLossIsReportedWhenSendingWorksAgain) {
  Book(4);
  sink_.SetStatus(absl::UnavailableError("down"));
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    reporter_.Flush();
    clock_.Advance(absl::Seconds(8));
  }
  EXPECT_THAT(sink_.attempts(), SizeIs(options_.max_attempts));
  EXPECT_EQ(reporter_.stats().dropped_undeliverable, 4);
  EXPECT_EQ(reporter_.stats().pending, 0);
  reporter_.Flush();  // nothing left to retry
  EXPECT_THAT(sink_.attempts(), SizeIs(options_.max_attempts));

  sink_.SetStatus(absl::OkStatus());
  Book(1);
  reporter_.Flush();
  const auto attempts = sink_.attempts();
  ASSERT_THAT(attempts, SizeIs(options_.max_attempts + 2));
  const std::vector<KpiEvent>& report = attempts.back();
  ASSERT_THAT(report, SizeIs(1));
  EXPECT_EQ(report[0].kpi_id, "reporter_events_dropped");
  EXPECT_EQ(report[0].value, 4);
  EXPECT_THAT(report[0].dimensions, ElementsAre(Pair("service", "appointments")));
}

TEST_F(KpiReporterTest, BatchOlderThanMaxAgeIsDropped) {
  options_.max_attempts = 1000;
  options_.max_age = absl::Minutes(5);
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Count(kpi::kAppointmentsBooked, {});
  sink_.SetStatus(absl::UnavailableError("down"));
  reporter.Flush();
  clock_.Advance(absl::Minutes(4));
  reporter.Flush();
  EXPECT_EQ(reporter.stats().dropped_undeliverable, 0);
  clock_.Advance(absl::Minutes(1));
  reporter.Flush();
  EXPECT_EQ(reporter.stats().dropped_undeliverable, 1);
  EXPECT_THAT(sink_.attempts(), SizeIs(3));
}

TEST_F(KpiReporterTest, BatchTheMonitoringServiceRefusesIsNotRetried) {
  Book(2);
  sink_.SetStatus(absl::InvalidArgumentError("malformed"));
  reporter_.Flush();
  clock_.Advance(absl::Hours(1));
  reporter_.Flush();
  EXPECT_THAT(sink_.attempts(), SizeIs(1));
  EXPECT_EQ(reporter_.stats().dropped_undeliverable, 2);
}

TEST_F(KpiReporterTest, FullBufferDropsCountsAndReportsTheLoss) {
  options_.buffer_size = 5;
  KpiReporter reporter(options_, sink_, clock_);
  for (int i = 0; i < 8; ++i) reporter.Count(kpi::kAppointmentsBooked, {{"office", "mitte"}});
  EXPECT_EQ(reporter.stats().recorded, 8);
  EXPECT_EQ(reporter.stats().dropped_buffer_full, 3);
  reporter.Flush();
  const std::vector<KpiEvent> events = sink_.events();
  ASSERT_THAT(events, SizeIs(6));
  EXPECT_EQ(events[5].kpi_id, "reporter_events_dropped");
  EXPECT_EQ(events[5].value, 3);
  reporter.Flush();
  EXPECT_THAT(sink_.events(), SizeIs(6));  // reported once, not again
}

TEST_F(KpiReporterTest, ALostDropReportCarriesItsCountOver) {
  options_.buffer_size = 1;
  options_.max_attempts = 1;
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Count(kpi::kAppointmentsBooked, {});
  reporter.Count(kpi::kAppointmentsBooked, {});  // dropped: buffer full
  sink_.SetStatus(absl::UnavailableError("down"));
  reporter.Flush();  // the one buffered event is lost too
  sink_.SetStatus(absl::OkStatus());
  reporter.Count(kpi::kAppointmentsBooked, {});
  reporter.Flush();
  const std::vector<KpiEvent> events = sink_.events();
  ASSERT_EQ(events.back().kpi_id, "reporter_events_dropped");
  EXPECT_EQ(events.back().value, 2);
}

TEST_F(KpiReporterTest, StrictModeRefusesEventsWithDimensionsOutsideTheAllowedSet) {
  reporter_.Count(kpi::kAppointmentsBooked, {{"office", "mitte"}, {"email", "a@example.org"}});
  reporter_.Flush();
  EXPECT_TRUE(sink_.events().empty());
  EXPECT_EQ(reporter_.stats().rejected_dimensions, 1);
}

TEST_F(KpiReporterTest, LenientModeDropsOnlyTheForbiddenDimensionAndCountsIt) {
  options_.strict_dimensions = false;
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Count(kpi::kAppointmentsBooked,
                 {{"office", "mitte"}, {"plate", "B-AB 123"}, {"name", "Erika"}});
  reporter.Flush();
  const std::vector<KpiEvent> events = sink_.events();
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_THAT(events[0].dimensions, ElementsAre(Pair("office", "mitte")));
  EXPECT_EQ(reporter.stats().dropped_dimensions, 2);
}

TEST_F(KpiReporterTest, EveryAllowedDimensionKeyPasses) {
  reporter_.Count(kpi::kAppointmentsBooked, {{"office", "a"},
                                             {"district", "b"},
                                             {"zone", "c"},
                                             {"department", "d"},
                                             {"service", "e"},
                                             {"age_group", "f"}});
  reporter_.Flush();
  ASSERT_THAT(sink_.events(), SizeIs(1));
  EXPECT_THAT(sink_.events()[0].dimensions, SizeIs(6));
}

TEST_F(KpiReporterTest, RecordNeverWaitsForAHangingSink) {
  options_.batch_size = 1;
  options_.buffer_size = 10;
  options_.flush_interval = absl::Hours(1);  // only a full batch wakes the sender
  KpiReporter reporter(options_, sink_, clock_);
  sink_.Hang();
  reporter.Start();
  reporter.Count(kpi::kAppointmentsBooked, {});
  sink_.WaitForAttempts(1);  // the sender is now stuck inside Send

  // If Record waited for the sender this loop would never finish.
  for (int i = 0; i < 100; ++i) reporter.Count(kpi::kAppointmentsBooked, {});
  KpiReporter::Stats stats = reporter.stats();
  EXPECT_EQ(stats.recorded, 101);
  EXPECT_EQ(stats.dropped_buffer_full, 90);

  sink_.Release();
  reporter.Shutdown();
  const std::vector<KpiEvent> events = sink_.events();
  ASSERT_THAT(events, SizeIs(12));  // 1 + 10 buffered + the drop report
  EXPECT_EQ(events.back().kpi_id, "reporter_events_dropped");
  EXPECT_EQ(events.back().value, 90);
}

TEST_F(KpiReporterTest, FlushWithTheBackgroundSenderWaitsForItsCycle) {
  options_.flush_interval = absl::Hours(1);
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Start();
  reporter.Count(kpi::kDaycareOffersAccepted, {{"district", "Mitte"}});
  reporter.Flush();
  EXPECT_THAT(sink_.events(), SizeIs(1));
  EXPECT_EQ(reporter.stats().sent, 1);
}

TEST_F(KpiReporterTest, FullBatchWakesTheBackgroundSender) {
  options_.flush_interval = absl::Hours(1);
  options_.batch_size = 4;
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Start();
  for (int i = 0; i < 4; ++i) reporter.Count(kpi::kAppointmentsBooked, {});
  sink_.WaitForAttempts(1);
  EXPECT_THAT(sink_.attempts()[0], SizeIs(4));
}

TEST_F(KpiReporterTest, ShutdownDeliversWhatIsLeftIncludingABatchAwaitingRetry) {
  Book(2);
  sink_.SetStatus(absl::UnavailableError("down"));
  reporter_.Flush();
  Book(3);
  sink_.SetStatus(absl::OkStatus());
  reporter_.Shutdown();
  EXPECT_EQ(reporter_.stats().sent, 5);
  EXPECT_EQ(reporter_.stats().pending, 0);
  Book(1);  // after shutdown: dropped, never sent
  EXPECT_EQ(reporter_.stats().sent, 5);
  EXPECT_EQ(reporter_.stats().dropped_undeliverable, 1);
  EXPECT_EQ(reporter_.stats().dropped_buffer_full, 0);
}

TEST_F(KpiReporterTest, ShutdownWithTheMonitoringServiceDownDropsAndCounts) {
  Book(12);  // two batches
  sink_.SetStatus(absl::UnavailableError("down"));
  reporter_.Shutdown();
  EXPECT_THAT(sink_.attempts(), SizeIs(1));  // gives up after the first failure
  EXPECT_EQ(reporter_.stats().dropped_undeliverable, 12);
  EXPECT_EQ(reporter_.stats().pending, 0);
}

TEST_F(KpiReporterTest, ShutdownWithoutTimeLeftSendsNothing) {
  options_.shutdown_timeout = absl::ZeroDuration();
  KpiReporter reporter(options_, sink_, clock_);
  reporter.Count(kpi::kAppointmentsBooked, {});
  reporter.Shutdown();
  EXPECT_TRUE(sink_.attempts().empty());
  EXPECT_EQ(reporter.stats().dropped_undeliverable, 1);
}

}  // namespace
}  // namespace stadt
