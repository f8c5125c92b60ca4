#include "services/common/redis/key_slot.h"

#include "gtest/gtest.h"

namespace stadt::redis {
namespace {

// Expected slots as a Redis 7.0 cluster node answers CLUSTER KEYSLOT.
TEST(KeySlotTest, MatchesRedisForPlainKeys) {
  EXPECT_EQ(KeySlot("123456789"), 12739);  // CRC16/XMODEM check value 0x31C3
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("hello"), 866);
  EXPECT_EQ(KeySlot(""), 0);
}

TEST(KeySlotTest, HashesOnlyTheFirstNonEmptyTag) {
  EXPECT_EQ(KeySlot("{user1000}.following"), 3443);
  EXPECT_EQ(KeySlot("{user1000}.followers"), 3443);
  EXPECT_EQ(KeySlot("foo{bar}{zap}"), KeySlot("bar"));
  EXPECT_EQ(KeySlot("foo{bar}{zap}"), 5061);
  // An empty tag does not count: the whole key is hashed.
  EXPECT_EQ(KeySlot("foo{}{bar}"), 8363);
  // The tag ends at the first '}' after the first '{'.
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), 4015);
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), KeySlot("{bar"));
  // No closing brace: the whole key.
  EXPECT_EQ(KeySlot("{a"), 10276);
}

TEST(KeySlotTest, IsBinarySafe) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(KeySlot(with_nul), KeySlot("a"));
  EXPECT_LT(KeySlot(with_nul), kSlotCount);
}

}  // namespace
}  // namespace stadt::redis
