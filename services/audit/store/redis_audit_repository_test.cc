#include "services/audit/store/redis_audit_repository.h"

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/audit/domain/audit_log.h"
#include "services/common/fake_clock.h"
#include "tests/harness/redis_test.h"

namespace stadt::audit {
namespace {

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone());

Entry MakeEntry(std::string event_id, std::string subject, std::string object_id) {
  return Entry{.event_id = std::move(event_id),
               .subject = std::move(subject),
               .roles = {"caseworker"},
               .rpc = "stadt.appointments.v1.Appointments/PutOffice",
               .objects = {{"office.id", std::move(object_id)}},
               .request_id = "req",
               .grpc_code = 0,
               .http_status = 200};
}

class RedisAuditRepositoryTest : public testing::RedisTest {
 protected:
  RedisAuditRepositoryTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<RedisAuditRepository>(redis());
    log_ = std::make_unique<AuditLog>(*repository_, clock_, AuditLogOptions{.batch = 3});
  }

  uint64_t Append(const std::string& event_id, const std::string& subject = "admin-1",
                  const std::string& object_id = "mitte") {
    absl::StatusOr<uint64_t> sequence = log_->Append(MakeEntry(event_id, subject, object_id));
    EXPECT_TRUE(sequence.ok()) << sequence.status();
    return sequence.value_or(0);
  }

  ChainReport Verify() {
    absl::StatusOr<ChainReport> report = log_->Verify();
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(ChainReport{});
  }

  std::vector<uint64_t> Sequences(const RecordQuery& query) {
    absl::StatusOr<RecordPage> page = log_->Query(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<uint64_t> sequences;
    if (page.ok()) {
      for (const Record& record : page->records) sequences.push_back(record.sequence);
    }
    return sequences;
  }

  FakeClock clock_{kStart};
  std::unique_ptr<RedisAuditRepository> repository_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(RedisAuditRepositoryTest, AppendsAChainThatVerifies) {
  EXPECT_EQ(Append("e1"), 1u);
  EXPECT_EQ(Append("e2"), 2u);
  EXPECT_EQ(Append("e3"), 3u);
  EXPECT_EQ(Append("e4"), 4u);
  ChainReport report = Verify();
  EXPECT_TRUE(report.verdict.intact()) << ChainProblemName(report.verdict.problem);
  EXPECT_EQ(report.verdict.checked, 4u);
  EXPECT_EQ(report.last_sequence, 4u);
}

TEST_F(RedisAuditRepositoryTest, EmptyChainVerifies) {
  ChainReport report = Verify();
  EXPECT_TRUE(report.verdict.intact());
  EXPECT_EQ(report.verdict.checked, 0u);
}

TEST_F(RedisAuditRepositoryTest, RetriedEventIsAppendedOnce) {
  EXPECT_EQ(Append("e1"), 1u);
  EXPECT_EQ(Append("e1"), 1u);
  EXPECT_EQ(Append("e2"), 2u);
  EXPECT_EQ(Verify().verdict.checked, 2u);
}

TEST_F(RedisAuditRepositoryTest, ConcurrentAppendsKeepOneChain) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::vector<uint64_t>> got(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([this, t, &got] {
        // One log per thread, like one per gateway replica's audit service.
        AuditLog log(*repository_, clock_, AuditLogOptions{.max_append_attempts = 1000});
        for (int i = 0; i < kPerThread; ++i) {
          absl::StatusOr<uint64_t> sequence =
              log.Append(MakeEntry(absl::StrCat("t", t, "-", i), absl::StrCat("actor-", t), "x"));
          if (sequence.ok()) got[t].push_back(*sequence);
        }
      });
    }
  }
  std::set<uint64_t> all;
  for (const std::vector<uint64_t>& sequences : got) {
    EXPECT_EQ(sequences.size(), static_cast<size_t>(kPerThread));
    all.insert(sequences.begin(), sequences.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  ChainReport report = Verify();
  EXPECT_TRUE(report.verdict.intact())
      << ChainProblemName(report.verdict.problem) << " at " << report.verdict.broken_sequence;
  EXPECT_EQ(report.verdict.checked, static_cast<uint64_t>(kThreads * kPerThread));
}

TEST_F(RedisAuditRepositoryTest, QueriesByActorObjectAndTime) {
  Append("e1", "alice", "mitte");
  clock_.Advance(absl::Minutes(1));
  Append("e2", "bob", "mitte");
  clock_.Advance(absl::Minutes(1));
  Append("e3", "alice", "nord");
  EXPECT_EQ(Sequences({.actor = "alice"}), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(Sequences({.object_id = "mitte"}), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(Sequences({.actor = "alice", .object_id = "nord"}), (std::vector<uint64_t>{3}));
  EXPECT_EQ(Sequences({.from = kStart + absl::Seconds(30)}), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(Sequences({.from = kStart, .until = kStart + absl::Minutes(1)}),
            (std::vector<uint64_t>{1}));
  EXPECT_TRUE(Sequences({.actor = "nobody"}).empty());
}

TEST_F(RedisAuditRepositoryTest, QueryPagesThroughRecords) {
  for (int i = 0; i < 5; ++i) Append(absl::StrCat("e", i));
  absl::StatusOr<RecordPage> first = log_->Query({.actor = "admin-1", .limit = 2});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->records.size(), 2u);
  absl::StatusOr<RecordPage> second =
      log_->Query({.actor = "admin-1", .limit = 2, .page_token = first->next_page_token});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->records.size(), 2u);
  EXPECT_EQ(second->records[0].sequence, 3u);
  EXPECT_FALSE(log_->Query({.limit = 501}).ok());
  EXPECT_FALSE(log_->Query({.page_token = "x"}).ok());
}

TEST_F(RedisAuditRepositoryTest, AlteredStoredRecordBreaksVerification) {
  for (int i = 0; i < 4; ++i) Append(absl::StrCat("e", i));
  std::string stored = redis().Command({"HGET", RedisAuditRepository::RecordsKey(), "2"})->str;
  const size_t at = stored.find("admin-1");
  ASSERT_NE(at, std::string::npos);
  stored.replace(at, 7, "admin-9");
  ASSERT_TRUE(redis().Command({"HSET", RedisAuditRepository::RecordsKey(), "2", stored}).ok());
  ChainReport report = Verify();
  EXPECT_FALSE(report.verdict.intact());
  EXPECT_EQ(report.verdict.broken_sequence, 2u);
  EXPECT_EQ(report.verdict.problem, ChainProblem::kHashMismatch);
}

TEST_F(RedisAuditRepositoryTest, DeletedStoredRecordBreaksVerification) {
  for (int i = 0; i < 4; ++i) Append(absl::StrCat("e", i));
  ASSERT_TRUE(redis().Command({"HDEL", RedisAuditRepository::RecordsKey(), "3"}).ok());
  ChainReport report = Verify();
  EXPECT_EQ(report.verdict.problem, ChainProblem::kMissing);
  EXPECT_EQ(report.verdict.broken_sequence, 3u);
}

TEST_F(RedisAuditRepositoryTest, RetentionTrimsOldRecordsAndKeepsTheChainVerifiable) {
  // Seven records a day apart; retention keeps the last 365 days.
  for (int i = 0; i < 7; ++i) {
    Append(absl::StrCat("e", i), "alice", "mitte");
    clock_.Advance(absl::Hours(24));
  }
  // Now is day 7 after the first; move it so that records 1-4 are past retention.
  clock_.Set(kStart + absl::Hours(24 * 365) + absl::Hours(24 * 3) + absl::Hours(1));
  size_t trimmed = 0;
  for (;;) {  // batches of 3
    absl::StatusOr<size_t> once = log_->SweepOnce();
    ASSERT_TRUE(once.ok()) << once.status();
    if (*once == 0) break;
    trimmed += *once;
  }
  EXPECT_EQ(trimmed, 4u);
  ChainReport report = Verify();
  EXPECT_TRUE(report.verdict.intact()) << ChainProblemName(report.verdict.problem);
  EXPECT_EQ(report.anchor.first_sequence, 5u);
  EXPECT_EQ(report.verdict.checked, 3u);
  EXPECT_EQ(Sequences({.actor = "alice"}), (std::vector<uint64_t>{5, 6, 7}));
  EXPECT_EQ(Sequences({.object_id = "mitte"}), (std::vector<uint64_t>{5, 6, 7}));
  EXPECT_EQ(Sequences({}), (std::vector<uint64_t>{5, 6, 7}));
  // The chain goes on from where it was.
  EXPECT_EQ(Append("e8"), 8u);
  EXPECT_TRUE(Verify().verdict.intact());
  // Deleting the first kept record is still found: the anchor names it.
  ASSERT_TRUE(redis().Command({"HDEL", RedisAuditRepository::RecordsKey(), "5"}).ok());
  EXPECT_EQ(Verify().verdict.problem, ChainProblem::kMissing);
}

TEST_F(RedisAuditRepositoryTest, SweepStopsAtABrokenRecord) {
  for (int i = 0; i < 4; ++i) Append(absl::StrCat("e", i));
  ASSERT_TRUE(redis().Command({"HSET", RedisAuditRepository::RecordsKey(), "2", "junk"}).ok());
  clock_.Advance(absl::Hours(24 * 400));
  absl::StatusOr<size_t> once = log_->SweepOnce();
  ASSERT_TRUE(once.ok());
  EXPECT_EQ(*once, 1u);
  EXPECT_EQ(*log_->SweepOnce(), 0u);  // the evidence stays
  EXPECT_EQ(Verify().verdict.broken_sequence, 2u);
}

}  // namespace
}  // namespace stadt::audit
