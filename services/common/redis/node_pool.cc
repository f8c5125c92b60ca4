#include "services/common/redis/node_pool.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace stadt::redis::internal {
namespace {

// Error-reply words that a Lua script may lead with to report a domain outcome.
constexpr std::pair<absl::string_view, absl::StatusCode> kStatusWords[] = {
    {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
    {"NOT_FOUND", absl::StatusCode::kNotFound},
    {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
    {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
    {"ABORTED", absl::StatusCode::kAborted},
    {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
    {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
    {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
};

absl::Status ErrorReplyToStatus(absl::string_view text) {
  const size_t space = text.find(' ');
  const absl::string_view word = text.substr(0, space);
  // Passing states: LOADING (replaying the AOF), BUSY (a long script), and
  // a cluster between a primary's failure and its replica's promotion
  // (CLUSTERDOWN, TRYAGAIN while a slot migrates, MASTERDOWN, NOREPLICAS).
  // The command did not run; the caller may try again.
  for (const absl::string_view passing :
       {"LOADING", "BUSY", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "NOREPLICAS"}) {
    if (word == passing) return Unavailable(text);
  }
  if (space != absl::string_view::npos) {
    for (const auto& [name, code] : kStatusWords) {
      if (word == name) return absl::Status(code, text.substr(space + 1));
    }
  }
  return absl::InternalError(text);
}

absl::StatusOr<Reply> ToReply(const redisReply& raw) {
  Reply reply;
  switch (raw.type) {
    case REDIS_REPLY_ERROR:
      return ErrorReplyToStatus(absl::string_view(raw.str, raw.len));
    case REDIS_REPLY_NIL:
      return reply;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      reply.type = raw.type == REDIS_REPLY_STRING ? Reply::Type::kString : Reply::Type::kStatus;
      reply.str.assign(raw.str, raw.len);
      return reply;
    case REDIS_REPLY_INTEGER:
      reply.type = Reply::Type::kInteger;
      reply.integer = raw.integer;
      return reply;
    case REDIS_REPLY_ARRAY:
      reply.type = Reply::Type::kArray;
      reply.elements.reserve(raw.elements);
      for (size_t i = 0; i < raw.elements; ++i) {
        absl::StatusOr<Reply> element = ToReply(*raw.element[i]);
        if (!element.ok()) return element.status();
        reply.elements.push_back(*std::move(element));
      }
      return reply;
  }
  return absl::InternalError(absl::StrCat("unknown redis reply type ", raw.type));
}

timeval ToTimeval(std::chrono::milliseconds d) {
  return {.tv_sec = static_cast<time_t>(d.count() / 1000),
          .tv_usec = static_cast<suseconds_t>(d.count() % 1000 * 1000)};
}

// Pointer and length arrays for hiredis' binary-safe argv calls.
struct Argv {
  explicit Argv(const std::vector<std::string>& args) {
    for (const std::string& arg : args) {
      pointers.push_back(arg.data());
      lengths.push_back(arg.size());
    }
  }
  int size() const { return static_cast<int>(pointers.size()); }

  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
};

}  // namespace

absl::Status Unavailable(absl::string_view why) {
  return absl::UnavailableError(absl::StrCat("redis unavailable: ", why));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const Address& address,
                                                             const Options& options,
                                                             const std::string& password) {
  redisContext* context = redisConnectWithTimeout(address.host.c_str(), address.port,
                                                  ToTimeval(options.connect_timeout));
  if (context == nullptr) return Unavailable("cannot allocate connection");
  std::unique_ptr<Connection> connection(new Connection(context));
  if (connection->broken() ||
      redisSetTimeout(context, ToTimeval(options.command_timeout)) != REDIS_OK) {
    return connection->IoError();
  }
  if (password.empty()) return connection;
  absl::StatusOr<Reply> auth = connection->Command({"AUTH", password});
  if (auth.ok()) return connection;
  if (absl::IsUnavailable(auth.status())) return auth.status();
  return Unavailable(absl::StrCat("AUTH rejected: ", auth.status().message()));
}

Connection::~Connection() { redisFree(context_); }

bool Connection::broken() const { return context_->err != 0; }

absl::StatusOr<Reply> Connection::Command(const std::vector<std::string>& args, bool asking) {
  if (!asking) {
    Argv argv(args);
    return Consume(
        redisCommandArgv(context_, argv.size(), argv.pointers.data(), argv.lengths.data()));
  }
  absl::StatusOr<std::vector<absl::StatusOr<Reply>>> replies = Pipeline({{"ASKING"}, args});
  if (!replies.ok()) return replies.status();
  if (!(*replies)[0].ok()) return (*replies)[0].status();
  return std::move((*replies)[1]);
}

absl::StatusOr<std::vector<absl::StatusOr<Reply>>> Connection::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    Argv argv(command);
    if (redisAppendCommandArgv(context_, argv.size(), argv.pointers.data(), argv.lengths.data()) !=
        REDIS_OK) {
      return IoError();
    }
  }
  std::vector<absl::StatusOr<Reply>> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK) return IoError();
    replies.push_back(Consume(raw));
  }
  return replies;
}

absl::Status Connection::IoError() const { return Unavailable(context_->errstr); }

absl::StatusOr<Reply> Connection::Consume(void* raw) {
  if (raw == nullptr) return IoError();
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                     freeReplyObject);
  return ToReply(*reply);
}

NodePool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(connection_));
}

std::shared_ptr<NodePool> NodePool::Create(Address address, const Options& options) {
  return std::shared_ptr<NodePool>(new NodePool(std::move(address), options));
}

NodePool::NodePool(Address address, const Options& options)
    : address_(std::move(address)),
      options_(options),
      idle_(std::max(1, options_.pool_size)),
      backoff_(options_.min_backoff) {}

absl::StatusOr<NodePool::Lease> NodePool::Acquire() {
  std::unique_ptr<Connection> connection;
  {
    absl::MutexLock lock(&mu_);
    const auto has_idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return !idle_.empty(); };
    if (!mu_.AwaitWithTimeout(absl::Condition(&has_idle),
                              absl::FromChrono(options_.command_timeout))) {
      return absl::UnavailableError("redis pool exhausted");
    }
    connection = std::move(idle_.back());
    idle_.pop_back();
  }
  Lease lease(shared_from_this(), std::move(connection));
  if (lease.connection_ == nullptr) {
    absl::StatusOr<std::unique_ptr<Connection>> opened = Reconnect();
    if (!opened.ok()) return opened.status();
    lease.connection_ = *std::move(opened);
  }
  return lease;
}

absl::StatusOr<std::unique_ptr<Connection>> NodePool::Reconnect() {
  {
    absl::MutexLock lock(&mu_);
    // Failing fast while Redis is down keeps callers from queueing behind
    // connect timeouts and spares Redis a reconnect storm when it comes back.
    if (Clock::now() < next_reconnect_) return Unavailable("waiting to reconnect");
  }
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(address_, options_, options_.password);
  absl::MutexLock lock(&mu_);
  if (connection.ok()) {
    backoff_ = options_.min_backoff;
    next_reconnect_ = Clock::time_point();
  } else {
    next_reconnect_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  }
  return connection;
}

void NodePool::Release(std::unique_ptr<Connection> connection) {
  if (connection != nullptr && connection->broken()) connection.reset();
  // Releasing the lock wakes an Acquire() waiting for a slot.
  absl::MutexLock lock(&mu_);
  if (connection != nullptr) {
    idle_.push_back(std::move(connection));
  } else {
    idle_.push_front(nullptr);
  }
}

}  // namespace stadt::redis::internal
