#include "services/common/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <algorithm>
#include <csignal>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stadt::redis {
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

absl::Status Unavailable(absl::string_view why) {
  return absl::UnavailableError(absl::StrCat("redis unavailable: ", why));
}

bool IsNoScript(const absl::StatusOr<Reply>& reply) {
  return absl::IsInternal(reply.status()) &&
         absl::StartsWith(reply.status().message(), "NOSCRIPT ");
}

absl::Status ErrorReplyToStatus(absl::string_view text) {
  const size_t space = text.find(' ');
  const absl::string_view word = text.substr(0, space);
  // LOADING (replaying the AOF) and BUSY (a long script) pass by themselves.
  if (word == "LOADING" || word == "BUSY") return Unavailable(text);
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

std::vector<std::string> EvalShaCommand(const Script& script, const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> command = {"EVALSHA", script.sha(), std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

// hiredis writes with write(2), so a write on a connection that Redis dropped
// would kill the process with SIGPIPE instead of yielding UNAVAILABLE. A
// handler that the program installed itself is left alone.
void IgnoreSigpipeUnlessHandled() {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    signal(SIGPIPE, SIG_IGN);
  }
}

}  // namespace

// One hiredis blocking connection. Once hiredis reports an I/O or protocol
// error the context is unusable, and the pool drops it (see broken()).
class Client::Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const Options& options);
  ~Connection() { redisFree(context_); }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool broken() const { return context_->err != 0; }

  absl::StatusOr<Reply> Command(const std::vector<std::string>& args) {
    Argv argv(args);
    return Consume(
        redisCommandArgv(context_, argv.size(), argv.pointers.data(), argv.lengths.data()));
  }

  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands) {
    for (const std::vector<std::string>& command : commands) {
      Argv argv(command);
      if (redisAppendCommandArgv(context_, argv.size(), argv.pointers.data(),
                                 argv.lengths.data()) != REDIS_OK) {
        return IoError();
      }
    }
    std::vector<Reply> replies;
    absl::Status first_error;
    // Every reply is read, even after an error one, to keep the connection in
    // step with the server.
    for (size_t i = 0; i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(context_, &raw) != REDIS_OK) return IoError();
      absl::StatusOr<Reply> reply = Consume(raw);
      if (!reply.ok()) {
        first_error.Update(reply.status());
        continue;
      }
      replies.push_back(*std::move(reply));
    }
    if (!first_error.ok()) return first_error;
    return replies;
  }

 private:
  explicit Connection(redisContext* context) : context_(context) {}

  absl::Status IoError() const { return Unavailable(context_->errstr); }

  absl::StatusOr<Reply> Consume(void* raw) {
    if (raw == nullptr) return IoError();
    std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                       freeReplyObject);
    return ToReply(*reply);
  }

  redisContext* const context_;
};

absl::StatusOr<std::unique_ptr<Client::Connection>> Client::Connection::Open(
    const Options& options) {
  redisContext* context = redisConnectWithTimeout(options.host.c_str(), options.port,
                                                  ToTimeval(options.connect_timeout));
  if (context == nullptr) return Unavailable("cannot allocate connection");
  std::unique_ptr<Connection> connection(new Connection(context));
  if (connection->broken() ||
      redisSetTimeout(context, ToTimeval(options.command_timeout)) != REDIS_OK) {
    return connection->IoError();
  }
  if (options.password.empty()) return connection;
  absl::StatusOr<Reply> auth = connection->Command({"AUTH", options.password});
  if (auth.ok()) return connection;
  if (absl::IsUnavailable(auth.status())) return auth.status();
  return Unavailable(absl::StrCat("AUTH rejected: ", auth.status().message()));
}

Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(source_.data(), source_.size(), digest, &length, EVP_sha1(), nullptr) == 1) {
    sha_ = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length));
  }
}

// Returns its slot to the pool when it goes out of scope, on every path.
class Client::Lease {
 public:
  Lease(Client* client, std::unique_ptr<Connection> connection)
      : client_(client), connection_(std::move(connection)) {}
  Lease(Lease&& other) noexcept
      : client_(std::exchange(other.client_, nullptr)), connection_(std::move(other.connection_)) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (client_ != nullptr) client_->Release(std::move(connection_));
  }

  std::unique_ptr<Connection>& connection() { return connection_; }
  Connection* operator->() { return connection_.get(); }

 private:
  Client* client_;
  std::unique_ptr<Connection> connection_;
};

std::unique_ptr<Client> Client::Create(Options options) {
  IgnoreSigpipeUnlessHandled();
  return std::unique_ptr<Client>(new Client(std::move(options)));
}

Client::Client(Options options)
    : options_(std::move(options)),
      idle_(std::max(1, options_.pool_size)),
      backoff_(options_.min_backoff) {}

Client::~Client() = default;

absl::StatusOr<Reply> Client::Command(const std::vector<std::string>& args) {
  if (args.empty()) return absl::InvalidArgumentError("empty redis command");
  absl::StatusOr<Lease> lease = Acquire();
  if (!lease.ok()) return lease.status();
  return (*lease)->Command(args);
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    if (command.empty()) return absl::InvalidArgumentError("empty redis command in pipeline");
  }
  absl::StatusOr<Lease> lease = Acquire();
  if (!lease.ok()) return lease.status();
  return (*lease)->Pipeline(commands);
}

absl::StatusOr<Reply> Client::Eval(const Script& script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
  absl::StatusOr<Lease> lease = Acquire();
  if (!lease.ok()) return lease.status();
  const std::vector<std::string> command = EvalShaCommand(script, keys, args);
  absl::StatusOr<Reply> reply = (*lease)->Command(command);
  if (!IsNoScript(reply)) return reply;
  // Script caches are per server, not per connection, and are lost on restart
  // or SCRIPT FLUSH; loading on demand covers all of these.
  absl::StatusOr<Reply> loaded = (*lease)->Command({"SCRIPT", "LOAD", script.source()});
  if (!loaded.ok()) return loaded.status();
  return (*lease)->Command(command);
}

absl::Status Client::Ping() { return Command({"PING"}).status(); }

absl::StatusOr<Client::Lease> Client::Acquire() {
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
  Lease lease(this, std::move(connection));
  if (lease.connection() == nullptr) {
    absl::StatusOr<std::unique_ptr<Connection>> opened = Reconnect();
    if (!opened.ok()) return opened.status();
    lease.connection() = *std::move(opened);
  }
  return lease;
}

absl::StatusOr<std::unique_ptr<Client::Connection>> Client::Reconnect() {
  {
    absl::MutexLock lock(&mu_);
    // Failing fast while Redis is down keeps callers from queueing behind
    // connect timeouts and spares Redis a reconnect storm when it comes back.
    if (Clock::now() < next_reconnect_) return Unavailable("waiting to reconnect");
  }
  absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(options_);
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

void Client::Release(std::unique_ptr<Connection> connection) {
  if (connection != nullptr && connection->broken()) connection.reset();
  // Releasing the lock wakes an Acquire() waiting for a slot.
  absl::MutexLock lock(&mu_);
  if (connection != nullptr) {
    idle_.push_back(std::move(connection));
  } else {
    idle_.push_front(nullptr);
  }
}

}  // namespace stadt::redis
