#include "services/privacy/domain/data_rights.h"

#include <map>

#include "gtest/gtest.h"

namespace stadt::privacy {
namespace {

// A service holding records by subject; erasing drops them, once.
class FakeSource final : public PersonalDataSource {
 public:
  FakeSource(std::string name, bool exports = true) : name_(std::move(name)), exports_(exports) {}
  const std::string& name() const override { return name_; }
  bool exports() const override { return exports_; }
  absl::StatusOr<std::vector<Record>> Export(const std::string& subject,
                                             absl::Time deadline) override {
    deadlines_.push_back(deadline);
    return records_[subject];
  }
  absl::StatusOr<Erasure> Erase(const std::string& subject,
                                const std::vector<std::string>& references,
                                absl::Time deadline) override {
    deadlines_.push_back(deadline);
    if (!refusal_.ok()) return refusal_;
    seen_references_ = references;
    Erasure erasure;
    erasure.erased = static_cast<int>(records_[subject].size());
    records_.erase(subject);
    return erasure;
  }

  std::string name_;
  bool exports_;
  std::map<std::string, std::vector<Record>> records_;
  std::vector<std::string> seen_references_;
  std::vector<absl::Time> deadlines_;  // of every call, in order
  absl::Status refusal_;
};

Record RecordWithId(std::string id) {
  Record record;
  record.kind = "booking";
  record.id = std::move(id);
  return record;
}

TEST(DataRightsTest, ExportHasAPartPerExportingService) {
  FakeSource bookings("appointments"), mails("notifications", /*exports=*/false);
  bookings.records_["anna"] = {RecordWithId("K7Q2")};
  DataRights rights({&bookings, &mails});
  absl::StatusOr<std::vector<ServiceData>> parts = rights.Export("anna");
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].service, "appointments");
  ASSERT_EQ((*parts)[0].records.size(), 1u);
  EXPECT_EQ((*parts)[0].records[0].id, "K7Q2");
}

TEST(DataRightsTest, EraseReachesEveryServiceWithTheExportedIdsAndIsIdempotent) {
  FakeSource bookings("appointments"), mails("notifications", /*exports=*/false);
  bookings.records_["anna"] = {RecordWithId("K7Q2"), RecordWithId("M3X9")};
  bookings.records_["ben"] = {RecordWithId("B1B1")};
  DataRights rights({&bookings, &mails});

  absl::StatusOr<std::vector<ServiceErasure>> first = rights.Erase("anna");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].erasure.erased, 2);
  EXPECT_EQ(mails.seen_references_, (std::vector<std::string>{"K7Q2", "M3X9"}));
  EXPECT_TRUE(bookings.records_.contains("ben"));

  absl::StatusOr<std::vector<ServiceErasure>> retry = rights.Erase("anna");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ((*retry)[0].erasure.erased, 0);
}

TEST(DataRightsTest, ARefusalStopsTheErasureBeforeTheServicesAfterIt) {
  FakeSource parking("parking"), bookings("appointments");
  parking.refusal_ = absl::FailedPreconditionError("[session_running] a session runs");
  bookings.records_["anna"] = {RecordWithId("K7Q2")};
  DataRights rights({&parking, &bookings});
  EXPECT_EQ(rights.Erase("anna").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(bookings.records_["anna"].size(), 1u);
}

TEST(DataRightsTest, WithoutASubjectNothingIsAsked) {
  FakeSource bookings("appointments");
  DataRights rights({&bookings});
  EXPECT_EQ(rights.Export("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(rights.Erase("").status().code(), absl::StatusCode::kUnauthenticated);
}

// The gateway's deadline reaches every call of an export and an erasure.
TEST(DataRightsTest, EveryCallGetsTheCallersDeadline) {
  FakeSource bookings("appointments"), mails("notifications", /*exports=*/false);
  bookings.records_["anna"] = {RecordWithId("K7Q2")};
  DataRights rights({&bookings, &mails});
  const absl::Time deadline = absl::FromUnixSeconds(1'780'000'004);
  ASSERT_TRUE(rights.Export("anna", deadline).ok());
  ASSERT_TRUE(rights.Erase("anna", deadline).ok());
  EXPECT_EQ(bookings.deadlines_, std::vector<absl::Time>(3, deadline));  // export, export, erase
  EXPECT_EQ(mails.deadlines_, std::vector<absl::Time>(1, deadline));     // erase
}

}  // namespace
}  // namespace stadt::privacy
