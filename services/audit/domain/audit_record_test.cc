#include "services/audit/domain/audit_record.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/audit/domain/chain_verifier.h"

namespace stadt::audit {
namespace {

Entry SampleEntry(int n) {
  return Entry{.event_id = "event-" + std::to_string(n),
               .subject = "admin-1",
               .roles = {"caseworker"},
               .rpc = "stadt.appointments.v1.Appointments/PutOffice",
               .objects = {{"office.id", "mitte"}},
               .request_id = "req-" + std::to_string(n),
               .grpc_code = 0,
               .http_status = 200,
               .reason = ""};
}

// A chain of `count` sealed records after `anchor_hash`, stored as Encode makes them.
std::vector<std::string> Chain(int count, std::string anchor_hash = std::string(kGenesisHash)) {
  std::vector<std::string> stored;
  std::string previous = std::move(anchor_hash);
  for (int i = 1; i <= count; ++i) {
    Record record{.sequence = static_cast<uint64_t>(i),
                  .time = absl::FromUnixSeconds(1'780'000'000 + i),
                  .entry = SampleEntry(i)};
    Seal(record, previous);
    previous = record.hash;
    stored.push_back(Encode(record));
  }
  return stored;
}

ChainVerdict VerifyAll(const std::vector<std::optional<std::string>>& stored,
                       uint64_t head_sequence, const std::string& head_hash) {
  ChainVerifier verifier(1, std::string(kGenesisHash));
  for (const std::optional<std::string>& one : stored) {
    if (!verifier.Next(one).has_value()) break;
  }
  verifier.Finish(head_sequence, head_hash);
  return verifier.verdict();
}

std::vector<std::optional<std::string>> AsLoaded(const std::vector<std::string>& stored) {
  return {stored.begin(), stored.end()};
}

std::string HashAt(const std::vector<std::string>& stored, size_t index) {
  return Decode(stored[index])->hash;
}

TEST(AuditRecordTest, EncodeDecodeRoundTripsEveryField) {
  Record record{.sequence = 7, .time = absl::FromUnixMicros(1'780'000'000'123'456)};
  record.entry = SampleEntry(7);
  record.entry.roles = {"caseworker", "operator"};
  record.entry.objects = {{"office_id", "mitte"}, {"date", "2026-03-02"}};
  record.entry.grpc_code = 9;
  record.entry.http_status = 400;
  record.entry.reason = "closure_overlaps";
  Seal(record, kGenesisHash);
  absl::StatusOr<Record> decoded = Decode(Encode(record));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, record);
  EXPECT_EQ(HashOf(*decoded), record.hash);
}

TEST(AuditRecordTest, FieldsCannotBleedIntoEachOther) {
  // Length prefixes: moving a character from one field into the next changes the hash.
  Record a{.sequence = 1, .time = absl::UnixEpoch(), .entry = SampleEntry(1)};
  Record b = a;
  a.entry.subject = "ab";
  a.entry.rpc = "c";
  b.entry.subject = "a";
  b.entry.rpc = "bc";
  EXPECT_NE(HashOf(a), HashOf(b));
}

TEST(AuditRecordTest, DecodeRefusesGarbage) {
  EXPECT_FALSE(Decode("").ok());
  EXPECT_FALSE(Decode("14:stadt.audit.v1,").ok());
  const std::string good = Chain(1)[0];
  EXPECT_FALSE(Decode(good.substr(0, good.size() - 1)).ok());
  EXPECT_FALSE(Decode(good + "x").ok());
}

TEST(AuditRecordTest, ValidateEntryRefusesMissingAndNonPrintableIds) {
  EXPECT_TRUE(ValidateEntry(SampleEntry(1)).ok());
  Entry no_subject = SampleEntry(1);
  no_subject.subject.clear();
  EXPECT_FALSE(ValidateEntry(no_subject).ok());
  Entry spaced = SampleEntry(1);
  spaced.objects = {{"office_id", "a b"}};
  EXPECT_FALSE(ValidateEntry(spaced).ok());
  Entry bad_status = SampleEntry(1);
  bad_status.http_status = 0;
  EXPECT_FALSE(ValidateEntry(bad_status).ok());
}

TEST(ChainVerifierTest, IntactChainHolds) {
  const std::vector<std::string> stored = Chain(5);
  ChainVerdict verdict = VerifyAll(AsLoaded(stored), 5, HashAt(stored, 4));
  EXPECT_TRUE(verdict.intact()) << ChainProblemName(verdict.problem);
  EXPECT_EQ(verdict.checked, 5u);
}

TEST(ChainVerifierTest, EmptyChainHolds) {
  EXPECT_TRUE(VerifyAll({}, 0, std::string(kGenesisHash)).intact());
}

TEST(ChainVerifierTest, AlteredFieldIsFoundAtThatRecord) {
  std::vector<std::string> stored = Chain(5);
  Record altered = *Decode(stored[2]);
  altered.entry.subject = "someone-else";  // hash left as it was
  stored[2] = Encode(altered);
  ChainVerdict verdict = VerifyAll(AsLoaded(stored), 5, HashAt(stored, 4));
  EXPECT_EQ(verdict.problem, ChainProblem::kHashMismatch);
  EXPECT_EQ(verdict.broken_sequence, 3u);
  EXPECT_EQ(verdict.checked, 2u);
}

TEST(ChainVerifierTest, AlteredAndResealedRecordBreaksTheNextLink) {
  std::vector<std::string> stored = Chain(5);
  Record altered = *Decode(stored[2]);
  altered.entry.http_status = 403;
  Seal(altered, altered.previous_hash);  // a forger who recomputes the hash
  stored[2] = Encode(altered);
  ChainVerdict verdict = VerifyAll(AsLoaded(stored), 5, HashAt(stored, 4));
  EXPECT_EQ(verdict.problem, ChainProblem::kLinkMismatch);
  EXPECT_EQ(verdict.broken_sequence, 4u);
}

TEST(ChainVerifierTest, DeletedRecordIsMissing) {
  std::vector<std::string> stored = Chain(5);
  std::vector<std::optional<std::string>> loaded = AsLoaded(stored);
  loaded[1] = std::nullopt;
  ChainVerdict verdict = VerifyAll(loaded, 5, HashAt(stored, 4));
  EXPECT_EQ(verdict.problem, ChainProblem::kMissing);
  EXPECT_EQ(verdict.broken_sequence, 2u);
}

TEST(ChainVerifierTest, DeletedRecordWithRenumberedRestBreaksTheLink) {
  std::vector<std::string> stored = Chain(5);
  std::vector<std::optional<std::string>> loaded = AsLoaded(stored);
  loaded.erase(loaded.begin() + 1);
  ChainVerdict verdict = VerifyAll(loaded, 4, HashAt(stored, 4));
  EXPECT_EQ(verdict.problem, ChainProblem::kSequenceMismatch);
  EXPECT_EQ(verdict.broken_sequence, 2u);
}

TEST(ChainVerifierTest, ReorderedRecordsAreFound) {
  std::vector<std::string> stored = Chain(5);
  std::swap(stored[1], stored[2]);
  ChainVerdict verdict = VerifyAll(AsLoaded(stored), 5, HashAt(stored, 4));
  EXPECT_EQ(verdict.problem, ChainProblem::kSequenceMismatch);
  EXPECT_EQ(verdict.broken_sequence, 2u);
}

TEST(ChainVerifierTest, DroppedNewestRecordsDisagreeWithTheHead) {
  std::vector<std::string> stored = Chain(5);
  const std::string head_hash = HashAt(stored, 4);
  stored.pop_back();
  ChainVerdict verdict = VerifyAll(AsLoaded(stored), 5, head_hash);
  // The head names record 5; the walk ended at 4.
  EXPECT_EQ(verdict.problem, ChainProblem::kHeadMismatch);
  EXPECT_EQ(verdict.broken_sequence, 5u);
}

TEST(ChainVerifierTest, TrimmedChainVerifiesFromItsAnchor) {
  std::vector<std::string> stored = Chain(5);
  ChainVerifier verifier(3, HashAt(stored, 1));
  EXPECT_TRUE(verifier.Next(stored[2]).has_value());
  EXPECT_TRUE(verifier.Next(stored[3]).has_value());
  EXPECT_TRUE(verifier.Next(stored[4]).has_value());
  verifier.Finish(5, HashAt(stored, 4));
  EXPECT_TRUE(verifier.verdict().intact());
  // A wrong anchor is a broken first link.
  ChainVerifier wrong(3, HashAt(stored, 0));
  EXPECT_FALSE(wrong.Next(stored[2]).has_value());
  EXPECT_EQ(wrong.verdict().problem, ChainProblem::kLinkMismatch);
}

}  // namespace
}  // namespace stadt::audit
