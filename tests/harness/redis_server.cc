#include "tests/harness/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace stadt::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(10);
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);
constexpr timeval kPingTimeout = {.tv_sec = 1, .tv_usec = 0};
constexpr size_t kLogTailChars = 2000;

std::string EnvOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : std::move(fallback);
}

absl::StatusOr<std::string> MakeTempDir() {
  std::string path = absl::StrCat(EnvOr("TMPDIR", "/tmp"), "/stadt-redis-XXXXXX");
  if (mkdtemp(path.data()) == nullptr) return absl::ErrnoToStatus(errno, "mkdtemp");
  return path;
}

// The end of the server log, so that a failed start explains itself although
// the directory holding the log is removed with the server.
std::string LogTail(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string all = text.str();
  return all.size() > kLogTailChars ? all.substr(all.size() - kLogTailChars) : all;
}

// The log from byte `from` on (what this launch wrote), not just its tail: a
// replica logs its sync right after the ready line.
bool LogContains(const std::string& path, size_t from, const std::string& text) {
  std::ifstream file(path);
  std::stringstream all;
  all << file.rdbuf();
  return all.str().find(text, from) != std::string::npos;
}

size_t LogSize(const std::string& path) {
  std::error_code ignored;
  const auto size = std::filesystem::file_size(path, ignored);
  return ignored ? 0 : static_cast<size_t>(size);
}

std::string LogPath(const std::string& dir) { return dir + "/redis.log"; }

// PONG, not merely an open port: while replaying its AOF Redis accepts
// connections but answers LOADING.
bool AnswersPing(int port) {
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, kPingTimeout);
  bool pong = false;
  if (context != nullptr && context->err == 0 &&
      redisSetTimeout(context, kPingTimeout) == REDIS_OK) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    pong = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
           std::string_view(reply->str, reply->len) == "PONG";
    freeReplyObject(reply);
  }
  redisFree(context);
  return pong;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(const Options& options) {
  const int port = options.port == 0 ? PickFreePort() : options.port;
  if (port <= 0) return absl::UnavailableError("no free TCP port");
  const bool owns_dir = options.dir.empty();
  std::string dir = options.dir;
  if (owns_dir) {
    absl::StatusOr<std::string> temp = MakeTempDir();
    if (!temp.ok()) return temp.status();
    dir = *std::move(temp);
  }
  std::unique_ptr<RedisServer> server(new RedisServer(port, std::move(dir), options, owns_dir));
  absl::Status launched = server->Launch();
  // A port picked as free can be taken by a parallel test before Redis binds it:
  // try other ports.
  for (int attempt = 0; !launched.ok() && options.port == 0 && attempt < 5; ++attempt) {
    server->process_.reset();
    server->port_ = PickFreePort();
    launched = server->Launch();
  }
  if (!launched.ok()) return launched;
  return server;
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(int port) {
  Options options;
  options.port = port;
  return Start(options);
}

RedisServer::~RedisServer() {
  process_.reset();
  if (!owns_dir_) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::Kill() {
  if (process_ != nullptr) process_->Kill();
}

void RedisServer::Pause() {
  if (process_ != nullptr) process_->Signal(SIGSTOP);
}

void RedisServer::Resume() {
  if (process_ != nullptr) process_->Signal(SIGCONT);
}

absl::Status RedisServer::Restart() {
  process_.reset();
  return Launch();
}

absl::Status RedisServer::Launch() {
  // --hz 100: Redis acts on SIGTERM in its timer, by default every 100 ms,
  // which would otherwise add that much to every test's teardown.
  std::vector<std::string> args = {"--port",        std::to_string(port_),
                                   "--bind",        "127.0.0.1",
                                   "--save",        "",
                                   "--appendonly",  "yes",
                                   "--appendfsync", appendfsync_,
                                   "--dir",         dir_,
                                   "--daemonize",   "no",
                                   "--hz",          "100"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  if (!sentinel_config_.empty()) {
    const std::string config = dir_ + "/sentinel.conf";
    // Kept across Restart(): the Sentinel's own rewrites are its memory.
    if (!std::filesystem::exists(config)) std::ofstream(config) << sentinel_config_;
    args.insert(args.begin(), {config, "--sentinel"});
  }
  log_start_ = LogSize(LogPath(dir_));
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start(EnvOr("STADT_REDIS_SERVER", "redis-server"), args, {}, LogPath(dir_));
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  return WaitUntilServing();
}

absl::Status RedisServer::WaitUntilServing() {
  const absl::Time deadline = absl::Now() + kStartTimeout;
  // Another test process may have picked the same free port at the same time:
  // then the PING is answered by its server while ours fails to bind and exits.
  // Only our own log saying it is ready proves the port is ours.
  // A Sentinel logs its id instead of being ready.
  const std::string ready =
      sentinel_config_.empty() ? "Ready to accept connections" : "Sentinel ID is";
  while (!AnswersPing(port_) || !LogContains(LogPath(dir_), log_start_, ready)) {
    if (!process_->Running()) {
      return absl::InternalError(absl::StrCat("redis-server exited with ", process_->Wait(),
                                              "; log:\n", LogTail(LogPath(dir_))));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "redis-server on port ", port_, " does not answer PING; log:\n", LogTail(LogPath(dir_))));
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::OkStatus();
}

std::unique_ptr<redis::Client> RedisServer::Connect(int pool_size) const {
  redis::Options options;
  options.port = port_;
  options.pool_size = pool_size;
  return redis::Client::Create(options);
}

}  // namespace stadt::testing
