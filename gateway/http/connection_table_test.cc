#include "gateway/http/connection_table.h"

#include <set>

#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

using Verdict = ConnectionTable::Verdict;

class ConnectionTableTest : public ::testing::Test {
 protected:
  ConnectionTable::Admission Connect(const std::string& address) {
    now_ += absl::Seconds(1);
    ConnectionTable::Admission admission = table_.Admit(
        address, [this, n = connected_++] { closed_.insert(n); }, now_);
    return admission;
  }

  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  int connected_ = 0;
  std::set<int> closed_;  // by order of connecting
  ConnectionTable table_{{.max_connections = 4, .max_per_address = 2}};
};

TEST_F(ConnectionTableTest, OneAddressHoldsItsShareAndOthersStillGetIn) {
  EXPECT_EQ(Connect("10.0.0.1").verdict, Verdict::kAdmitted);
  EXPECT_EQ(Connect("10.0.0.1").verdict, Verdict::kAdmitted);
  EXPECT_EQ(Connect("10.0.0.1").verdict, Verdict::kAddressFull);
  EXPECT_EQ(table_.CountFrom("10.0.0.1"), 2);
  EXPECT_EQ(Connect("10.0.0.2").verdict, Verdict::kAdmitted);
  EXPECT_EQ(table_.size(), 3);
  EXPECT_TRUE(closed_.empty());
}

TEST_F(ConnectionTableTest, AtTheCapTheLongestIdleConnectionMakesRoom) {
  const uint64_t first = Connect("10.0.0.1").id;
  const uint64_t second = Connect("10.0.0.2").id;
  const uint64_t third = Connect("10.0.0.3").id;
  const uint64_t fourth = Connect("10.0.0.4").id;
  // The first is busy with a request; the second has been idle longest.
  table_.MarkBusy(first);
  table_.MarkIdle(third, now_);
  table_.MarkIdle(fourth, now_);
  ConnectionTable::Admission fifth = Connect("10.0.0.5");
  EXPECT_EQ(fifth.verdict, Verdict::kAdmitted);
  EXPECT_EQ(fifth.shed, second);
  EXPECT_EQ(closed_, std::set<int>{1});
  EXPECT_EQ(table_.size(), 4);
  EXPECT_EQ(table_.CountFrom("10.0.0.2"), 0);
  // The shed connection's own Remove later changes nothing.
  table_.Remove(second);
  EXPECT_EQ(table_.size(), 4);
}

TEST_F(ConnectionTableTest, FullOfBusyConnectionsRefusesNewOnes) {
  for (int i = 0; i < 4; ++i) table_.MarkBusy(Connect("10.0.0." + std::to_string(i)).id);
  EXPECT_EQ(Connect("10.0.0.9").verdict, Verdict::kFull);
  EXPECT_TRUE(closed_.empty());
}

TEST_F(ConnectionTableTest, RemovingFreesTheAddressShare) {
  const uint64_t id = Connect("10.0.0.1").id;
  Connect("10.0.0.1");
  table_.Remove(id);
  EXPECT_EQ(Connect("10.0.0.1").verdict, Verdict::kAdmitted);
  table_.CloseAll();
  EXPECT_EQ(closed_.size(), 2u);  // the removed one is not closed again
}

TEST(ConnectionTableNoShareTest, WithoutAPerAddressLimitOnlyTheCapCounts) {
  ConnectionTable table({.max_connections = 3, .max_per_address = 0});
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(table
                  .Admit(
                      "proxy", [] {}, now)
                  .verdict,
              ConnectionTable::Verdict::kAdmitted);
  }
  // All three idle since the same instant: one of them makes room.
  EXPECT_TRUE(table
                  .Admit(
                      "proxy", [] {}, now)
                  .shed.has_value());
}

}  // namespace
}  // namespace stadt::gateway
