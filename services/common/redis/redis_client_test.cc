#include "services/common/redis/redis_client.h"

#include <functional>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/redis_server.h"
#include "tests/harness/redis_test.h"
#include "tests/harness/service_redis.h"

namespace stadt::redis {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Polls instead of sleeping a guessed time; the bound only stops a hung test.
absl::Status PollUntilOk(const std::function<absl::Status()>& attempt) {
  absl::Status status;
  for (int i = 0; i < 1000; ++i) {
    status = attempt();
    if (status.ok()) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return status;
}

Options FastOptions(int port) {
  Options options;
  options.port = port;
  options.min_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  return options;
}

class RedisClientTest : public testing::RedisTest {
 protected:
  // SetUp() sets the port to the server's.
  RedisClientTest() : RedisTest(FastOptions(/*port=*/0)) {}

  // Options of a further client of the test's Redis (single or cluster:
  // stadt_redis_test.cluster runs these tests on a cluster as well).
  Options OtherClientOptions() {
    if (ClusterMode()) return testing::SharedTestCluster().ClientOptions();
    return FastOptions(redis_server().port());
  }

  // A single-mode client of each node: the one server, or every cluster node
  // (a keyless command through redis() reaches only one of them).
  std::vector<std::unique_ptr<Client>> Nodes() {
    std::vector<std::unique_ptr<Client>> nodes;
    if (!ClusterMode()) {
      nodes.push_back(redis_server().Connect(1));
      return nodes;
    }
    testing::RedisCluster& cluster = testing::SharedTestCluster();
    for (int i = 0; i < cluster.size(); ++i) nodes.push_back(cluster.ConnectTo(i));
    return nodes;
  }

  // Runs a script that fails with `text` as its error reply.
  absl::Status ScriptError(const std::string& text) {
    const Script script("return redis.error_reply(ARGV[1])");
    return redis().Eval(script, {}, {text}).status();
  }
};

TEST_F(RedisClientTest, ConvertsReplyTypes) {
  const Reply ok = redis().Command({"SET", "k", "v"}).value();
  EXPECT_EQ(ok.type, Reply::Type::kStatus);
  EXPECT_EQ(ok.str, "OK");
  EXPECT_EQ(redis().Command({"GET", "k"}).value().str, "v");
  EXPECT_TRUE(redis().Command({"GET", "missing"}).value().IsNil());

  const Reply count = redis().Command({"RPUSH", "list", "a", "b"}).value();
  EXPECT_EQ(count.type, Reply::Type::kInteger);
  EXPECT_EQ(count.integer, 2);
  const Reply list = redis().Command({"LRANGE", "list", "0", "-1"}).value();
  EXPECT_EQ(list.type, Reply::Type::kArray);
  EXPECT_THAT(list.elements, ElementsAre(Field(&Reply::str, "a"), Field(&Reply::str, "b")));
  EXPECT_TRUE(redis().Ping().ok());
}

TEST_F(RedisClientTest, KeysAndValuesAreBinarySafe) {
  const std::string key("k\0ey", 4);
  const std::string value("a\0b\r\nc", 6);
  ASSERT_TRUE(redis().Command({"SET", key, value}).ok());
  EXPECT_EQ(redis().Command({"GET", key}).value().str, value);
  EXPECT_TRUE(redis().Command({"GET", "k"}).value().IsNil());
}

TEST_F(RedisClientTest, RejectsEmptyCommands) {
  EXPECT_EQ(redis().Command({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(redis().Pipeline({{"PING"}, {}}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClientTest, PipelineReturnsRepliesInOrder) {
  const std::vector<Reply> replies =
      redis().Pipeline({{"SET", "n", "41"}, {"INCR", "n"}, {"GET", "n"}, {"GET", "none"}}).value();
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].str, "OK");
  EXPECT_EQ(replies[1].integer, 42);
  EXPECT_EQ(replies[2].str, "42");
  EXPECT_TRUE(replies[3].IsNil());
}

TEST_F(RedisClientTest, PipelineReportsFirstErrorButRunsEveryCommand) {
  ASSERT_TRUE(redis().Command({"RPUSH", "list", "x"}).ok());
  const absl::Status status =
      redis().Pipeline({{"SET", "a", "1"}, {"INCR", "list"}, {"SET", "b", "2"}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), StartsWith("WRONGTYPE"));
  EXPECT_EQ(redis().Command({"GET", "b"}).value().str, "2");
  // The connection stayed in step: the next reply belongs to the next command.
  EXPECT_EQ(redis().Command({"GET", "a"}).value().str, "1");
}

TEST_F(RedisClientTest, ScriptShaMatchesRedis) {
  const Script script("return 1");
  EXPECT_EQ(redis().Command({"SCRIPT", "LOAD", script.source()}).value().str, script.sha());
}

TEST_F(RedisClientTest, EvalPassesKeysAndArgs) {
  const Script script("redis.call('SET', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[2]}");
  const Reply reply = redis().Eval(script, {"key"}, {"value", "second"}).value();
  EXPECT_THAT(reply.elements, ElementsAre(Field(&Reply::str, "key"), Field(&Reply::str, "second")));
  EXPECT_EQ(redis().Command({"GET", "key"}).value().str, "value");
}

TEST_F(RedisClientTest, EvalLoadsScriptThatRedisDoesNotKnow) {
  const Script script("return redis.call('INCR', KEYS[1])");
  EXPECT_EQ(redis().Eval(script, {"counter"}, {}).value().integer, 1);
  for (const std::unique_ptr<Client>& node : Nodes()) {
    ASSERT_TRUE(node->Command({"SCRIPT", "FLUSH"}).ok());
  }
  EXPECT_EQ(redis().Eval(script, {"counter"}, {}).value().integer, 2);
  // Loaded again where it ran: the one server, or the node of its key.
  int knowing = 0;
  for (const std::unique_ptr<Client>& node : Nodes()) {
    const Reply exists = node->Command({"SCRIPT", "EXISTS", script.sha()}).value();
    ASSERT_EQ(exists.elements.size(), 1u);
    knowing += static_cast<int>(exists.elements[0].integer);
  }
  EXPECT_EQ(knowing, 1);
}

TEST_F(RedisClientTest, StatusWordErrorsMapToTheirCode) {
  const std::pair<std::string, absl::StatusCode> cases[] = {
      {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
      {"NOT_FOUND", absl::StatusCode::kNotFound},
      {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
      {"ABORTED", absl::StatusCode::kAborted},
      {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
      {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
      {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
  };
  for (const auto& [word, code] : cases) {
    EXPECT_EQ(ScriptError(word + " slot taken"), absl::Status(code, "slot taken"));
  }
}

TEST_F(RedisClientTest, OtherErrorsAreInternalWithRedisText) {
  EXPECT_EQ(ScriptError("not_found lower case"), absl::InternalError("not_found lower case"));
  EXPECT_EQ(ScriptError("NOT_FOUNDX glued"), absl::InternalError("NOT_FOUNDX glued"));
  EXPECT_EQ(ScriptError("UNAUTHENTICATED not in the list").code(), absl::StatusCode::kInternal);
  // Without a message Redis itself prefixes ERR, so no code word leads.
  EXPECT_EQ(ScriptError("NOT_FOUND").code(), absl::StatusCode::kInternal);

  ASSERT_TRUE(redis().Command({"SET", "s", "v"}).ok());
  const absl::Status wrong_type = redis().Command({"LPUSH", "s", "x"}).status();
  EXPECT_EQ(wrong_type.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(wrong_type.message()), StartsWith("WRONGTYPE "));
}

TEST_F(RedisClientTest, LoadingBusyAndAClusterInFailoverAreUnavailable) {
  EXPECT_EQ(ScriptError("LOADING Redis is loading the dataset").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ScriptError("BUSY Redis is busy").code(), absl::StatusCode::kUnavailable);
  // Answered while a replica is not promoted yet: "try again", not a 500.
  EXPECT_EQ(ScriptError("CLUSTERDOWN The cluster is down").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ScriptError("TRYAGAIN Multiple keys request during rehashing of slot").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ScriptError("MASTERDOWN Link with MASTER is down").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ScriptError("NOREPLICAS Not enough good replicas to write.").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ScriptError("BUSYKEY Target key name already exists").code(),
            absl::StatusCode::kInternal);
}

TEST_F(RedisClientTest, ErrorNestedInArrayFailsTheReply) {
  const Script script("return {1, redis.error_reply('ABORTED conflict')}");
  EXPECT_EQ(redis().Eval(script, {}, {}).status(), absl::AbortedError("conflict"));
}

TEST_F(RedisClientTest, ConcurrentCallsThroughSmallPoolAreExact) {
  Options options = OtherClientOptions();
  options.pool_size = 2;
  options.command_timeout = std::chrono::seconds(10);
  const std::unique_ptr<Client> client = Client::Create(options);
  constexpr int kThreads = 6;
  constexpr int kIncrementsPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&client] {
      for (int i = 0; i < kIncrementsPerThread; ++i) {
        if (i % 2 == 0) {
          EXPECT_TRUE(client->Command({"INCR", "hits"}).ok());
        } else {
          EXPECT_TRUE(client->Pipeline({{"INCR", "hits"}}).ok());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(client->Command({"GET", "hits"}).value().str,
            std::to_string(kThreads * kIncrementsPerThread));
}

TEST_F(RedisClientTest, TimedOutCommandIsUnavailableAndConnectionIsReplaced) {
  Options options = OtherClientOptions();
  options.pool_size = 1;
  options.command_timeout = std::chrono::milliseconds(50);
  const std::unique_ptr<Client> client = Client::Create(options);
  const absl::Status blocked = client->Command({"BLPOP", "never-filled", "0"}).status();
  EXPECT_EQ(blocked.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(blocked.message()), StartsWith("redis unavailable: "));
  EXPECT_TRUE(client->Ping().ok());
}

TEST_F(RedisClientTest, UnavailableWhileServerIsDown) {
  ASSERT_TRUE(redis().Ping().ok());
  redis_server().Kill();
  for (int i = 0; i < 3; ++i) {
    const absl::Status status = redis().Command({"GET", "k"}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(status.message()), StartsWith("redis unavailable: "));
  }
  EXPECT_EQ(redis().Eval(Script("return 1"), {}, {}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(redis().Pipeline({{"PING"}}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RedisClientTest, RecoversAfterRestartWithDataKept) {
  ASSERT_TRUE(redis().Command({"SET", "kept", "yes"}).ok());
  redis_server().Kill();
  EXPECT_EQ(redis().Ping().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(redis_server().Restart().ok());
  ASSERT_TRUE(PollUntilOk([this] { return redis().Ping(); }).ok());
  EXPECT_EQ(redis().Command({"GET", "kept"}).value().str, "yes");
}

TEST(RedisClientStartupTest, CreateNeedsNoServerAndConnectsOnceItIsUp) {
  const int port = testing::PickFreePort();
  ASSERT_GT(port, 0);
  const std::unique_ptr<Client> client = Client::Create(FastOptions(port));
  EXPECT_EQ(client->Ping().code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> server = testing::RedisServer::Start(port);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(PollUntilOk([&client] { return client->Ping(); }).ok());
}

TEST(RedisClientStartupTest, FailsFastDuringReconnectBackoff) {
  const int port = testing::PickFreePort();
  ASSERT_GT(port, 0);
  Options options = FastOptions(port);
  options.min_backoff = std::chrono::hours(1);
  options.max_backoff = std::chrono::hours(1);
  const std::unique_ptr<Client> client = Client::Create(options);
  EXPECT_THAT(std::string(client->Ping().message()), HasSubstr("Connection refused"));
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> server = testing::RedisServer::Start(port);
  ASSERT_TRUE(server.ok()) << server.status();
  // Redis is up, but the next attempt is not due for an hour.
  const absl::Status status = client->Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.message()), HasSubstr("waiting to reconnect"));
}

TEST_F(RedisClientTest, AuthenticatesWithPassword) {
  ASSERT_TRUE(redis().Command({"CONFIG", "SET", "requirepass", "s3cret"}).ok());
  Options options = FastOptions(redis_server().port());
  options.password = "s3cret";
  EXPECT_TRUE(Client::Create(options)->Ping().ok());
  options.password = "wrong";
  const absl::Status rejected = Client::Create(options)->Ping();
  EXPECT_EQ(rejected.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(rejected.message()), HasSubstr("AUTH rejected"));
  options.password.clear();
  EXPECT_EQ(Client::Create(options)->Ping().code(), absl::StatusCode::kInternal);
}

// Acknowledged means replicated (Options::wait_replicas): without a replica
// the script runs but the call is UNAVAILABLE, saying a failover may lose it;
// with one it succeeds once the replica has the write.
TEST(RedisWaitTest, ScriptIsUnavailableUntilAReplicaHasItsWrite) {
  testing::RedisServer::Options primary_options;
  primary_options.extra_args = {"--repl-diskless-sync-delay", "0"};  // sync a replica at once
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> primary =
      testing::RedisServer::Start(primary_options);
  ASSERT_TRUE(primary.ok()) << primary.status();
  Options options = FastOptions((*primary)->port());
  options.wait_replicas = 1;
  options.wait_timeout = std::chrono::milliseconds(50);
  std::unique_ptr<Client> client = Client::Create(options);
  const Script script("return redis.call('INCR', KEYS[1])");

  const absl::StatusOr<Reply> alone = client->Eval(script, {"booked"}, {});
  EXPECT_EQ(alone.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(alone.status().message()), HasSubstr("a failover may lose it"));
  EXPECT_EQ(client->Command({"GET", "booked"}).value().str, "1");  // it did run

  testing::RedisServer::Options replica_options;
  replica_options.extra_args = {"--replicaof", "127.0.0.1", std::to_string((*primary)->port())};
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> replica =
      testing::RedisServer::Start(replica_options);
  ASSERT_TRUE(replica.ok()) << replica.status();
  std::unique_ptr<Client> on_replica = (*replica)->Connect(1);
  absl::StatusOr<Reply> replicated;
  for (int attempt = 0; attempt < 500 && !replicated.ok(); ++attempt) {
    replicated = client->Eval(script, {"booked"}, {});             // each try adds one
    if (!replicated.ok()) absl::SleepFor(absl::Milliseconds(20));  // the replica syncs
  }
  ASSERT_TRUE(replicated.ok()) << replicated.status();
  EXPECT_EQ(on_replica->Command({"GET", "booked"}).value().str,
            std::to_string(replicated->integer));
  // Plain commands are not waited for (only scripts change state).
  EXPECT_TRUE(client->Command({"SET", "plain", "1"}).ok());
}

}  // namespace
}  // namespace stadt::redis
