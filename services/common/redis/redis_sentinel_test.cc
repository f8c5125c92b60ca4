// The client in Sentinel mode against a real primary, replica and Sentinel.
#include <functional>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/process.h"
#include "tests/harness/redis_cluster.h"

namespace stadt::redis {
namespace {

using testing::RedisSentinelGroup;

// Polls instead of sleeping a guessed time; the bound only stops a hung test.
absl::Status PollUntilOk(const std::function<absl::Status()>& attempt) {
  absl::Status status;
  for (int i = 0; i < 1000; ++i) {
    status = attempt();
    if (status.ok()) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return status;
}

// The port of the server that answered, as the server itself says.
std::string ServingPort(Client& client) {
  const Reply port = client.Command({"CONFIG", "GET", "port"}).value();
  return port.elements.at(1).str;
}

class RedisSentinelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RedisSentinelGroup>> started = RedisSentinelGroup::Start();
    ASSERT_TRUE(started.ok()) << started.status();
    group_ = *std::move(started);
    client_ = Client::Create(group_->ClientOptions());
  }

  // Writes `value` and waits until the replica has it, so that a failover
  // keeps it (replication is asynchronous).
  void WriteReplicated(const std::string& key, const std::string& value) {
    ASSERT_TRUE(client_->Command({"SET", key, value}).ok());
    // A replica still in its first sync (a busy machine) acknowledges
    // nothing for a while: ask again rather than fail on one 900 ms wait.
    std::unique_ptr<Client> primary = group_->primary().Connect(1);
    int64_t replicas = 0;
    for (int attempt = 0; attempt < 20 && replicas < 1; ++attempt) {
      replicas = primary->Pipeline({{"SET", key, value}, {"WAIT", "1", "900"}}).value()[1].integer;
    }
    ASSERT_EQ(replicas, 1);
  }

  RedisSentinelGroup& group() { return *group_; }
  Client& client() { return *client_; }

 private:
  std::unique_ptr<RedisSentinelGroup> group_;
  std::unique_ptr<Client> client_;
};

TEST_F(RedisSentinelTest, FindsThePrimaryThroughTheSentinel) {
  ASSERT_TRUE(client().Command({"SET", "k", "v"}).ok());
  EXPECT_EQ(ServingPort(client()), std::to_string(group().primary().port()));
  const Script script("return redis.call('GET', KEYS[1])");
  EXPECT_EQ(client().Eval(script, {"k"}, {}).value().str, "v");
  EXPECT_EQ(client().Pipeline({{"GET", "k"}, {"EXISTS", "k"}}).value().at(1).integer, 1);
}

TEST_F(RedisSentinelTest, FindsTheNewPrimaryAfterThePrimaryDies) {
  WriteReplicated("kept", "yes");
  group().primary().Kill();
  // The Sentinel promotes the replica after 200 ms of silence; until then
  // calls are UNAVAILABLE.
  ASSERT_TRUE(PollUntilOk([this] {
                return client().Command({"SET", "after", "1"}).status();
              }).ok());
  EXPECT_EQ(ServingPort(client()), std::to_string(group().replica().port()));
  EXPECT_EQ(client().Command({"GET", "kept"}).value().str, "yes");
  const Script script("return redis.call('INCR', KEYS[1])");
  EXPECT_EQ(client().Eval(script, {"after"}, {}).value().integer, 2);
}

// A failover while the old primary stays up: the Sentinel reconfigures it
// only seconds later, and until then it still takes writes, which would be
// lost. The client asks the Sentinel again by itself (recheck interval).
TEST_F(RedisSentinelTest, FollowsAFailoverWhileTheOldPrimaryStaysUp) {
  WriteReplicated("kept", "yes");
  ASSERT_EQ(ServingPort(client()), std::to_string(group().primary().port()));
  std::unique_ptr<Client> sentinel = group().sentinel().Connect(1);
  const absl::Status failover =
      sentinel->Command({"SENTINEL", "FAILOVER", RedisSentinelGroup::kMaster}).status();
  ASSERT_TRUE(failover.ok()) << failover;
  const std::string new_port = std::to_string(group().replica().port());
  ASSERT_TRUE(PollUntilOk([&] {
                absl::StatusOr<Reply> port = client().Command({"CONFIG", "GET", "port"});
                if (!port.ok()) return port.status();
                return port->elements.at(1).str == new_port
                           ? absl::OkStatus()
                           : absl::UnavailableError("still on the old primary");
              }).ok());
  EXPECT_TRUE(PollUntilOk([&] { return client().Command({"SET", "after", "1"}).status(); }).ok());
  EXPECT_EQ(group().replica().Connect(1)->Command({"GET", "after"}).value().str, "1");
  EXPECT_EQ(client().Command({"GET", "kept"}).value().str, "yes");
}

TEST(RedisSentinelStartupTest, NoSentinelReachableIsUnavailable) {
  Options options;
  options.mode = Mode::kSentinel;
  options.seeds = {Address{"127.0.0.1", testing::PickFreePort()}};
  EXPECT_EQ(Client::Create(options)->Ping().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::redis
