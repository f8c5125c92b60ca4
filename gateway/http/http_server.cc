#include "gateway/http/http_server.h"

#include <array>
#include <functional>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/write.hpp"
#include "boost/beast/ssl/ssl_stream.hpp"
#include "gateway/core/error_response.h"
#include "gateway/http/connection_table.h"
#include "services/common/log.h"

namespace stadt::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// How long, and how much, a connection that was refused for its request is
// still read (and discarded) so that the client gets to read the answer.
constexpr std::chrono::seconds kLingerTime(2);
constexpr size_t kLingerBytes = 16 << 20;

// Maps a read failure to the answer a client should get, if any.
std::optional<HttpResponse> ReadErrorResponse(const beast::error_code& error) {
  if (error == http::error::body_limit) {
    return ErrorResponse(grpc::StatusCode::INVALID_ARGUMENT, "body_too_large",
                         "request body is too large", 413);
  }
  if (error == http::error::header_limit) {
    return ErrorResponse(grpc::StatusCode::INVALID_ARGUMENT, "headers_too_large",
                         "request headers are too large", 431);
  }
  if (error.category() == http::make_error_code(http::error::end_of_stream).category() &&
      error != http::error::end_of_stream && error != http::error::partial_message) {
    return ErrorResponse(grpc::StatusCode::INVALID_ARGUMENT, "malformed_http",
                         "malformed HTTP request");
  }
  return std::nullopt;  // Closed, reset or timed out: nobody to answer.
}

// Larger write buffers are given back after the write, so that a connection
// that once sent a big file does not keep its memory while idle.
constexpr size_t kKeptWriteBufferBytes = 64 * 1024;

}  // namespace

bool SerializeResponse(const HttpResponse& response, std::string& out) {
  // Chunked bodies need Beast's chunk framing.
  if (response.chunked()) return false;
  const unsigned code = response.result_int();
  const unsigned version = response.version();
  const auto reason = response.reason();
  const std::string_view body = response.body();
  size_t size = 13 + reason.size() + 2 + 2 + body.size();
  for (const auto& field : response) size += field.name_string().size() + field.value().size() + 4;
  out.clear();
  out.reserve(size);
  // As Beast's serializer writes it: "HTTP/X.Y ### <reason>\r\n", each field as
  // "<name>: <value>\r\n", an empty line, the body.
  char start[] = "HTTP/1.1 200 ";
  start[5] = static_cast<char>('0' + version / 10);
  start[7] = static_cast<char>('0' + version % 10);
  start[9] = static_cast<char>('0' + code / 100);
  start[10] = static_cast<char>('0' + code / 10 % 10);
  start[11] = static_cast<char>('0' + code % 10);
  out.append(start, sizeof(start) - 1);
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  for (const auto& field : response) {
    out.append(field.name_string().data(), field.name_string().size());
    out.append(": ");
    out.append(field.value().data(), field.value().size());
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
  return true;
}

namespace {

// One connection: plain TCP or TLS over TCP.
template <bool kTls>
class Session : public std::enable_shared_from_this<Session<kTls>> {
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

 public:
  Session(tcp::socket socket, std::shared_ptr<ssl::context> tls_context,
          const RequestHandler& handler, const HttpServerOptions& options,
          std::shared_ptr<std::atomic<int>> in_flight, std::shared_ptr<std::atomic<bool>> draining,
          std::shared_ptr<ConnectionTable> connections)
      : tls_context_(std::move(tls_context)),
        stream_(MakeStream(std::move(socket), tls_context_.get())),
        handler_(handler),
        options_(options),
        in_flight_(std::move(in_flight)),
        draining_(std::move(draining)),
        connections_(std::move(connections)) {
    beast::error_code error;
    const tcp::endpoint peer = Tcp().socket().remote_endpoint(error);
    if (!error) client_.peer_address = peer.address().to_string();
    client_.tls = kTls;
  }
  ~Session() { connections_->Remove(connection_id_); }

  // Asks the connection table for room; a refused connection is closed at once.
  void Start() {
    const ConnectionTable::Admission admission = connections_->Admit(
        client_.peer_address,
        [weak = this->weak_from_this()] {
          if (auto self = weak.lock()) {
            asio::post(self->stream_.get_executor(), [self] { self->CloseOnceWritten(); });
          }
        },
        absl::Now());
    if (admission.verdict != ConnectionTable::Verdict::kAdmitted) {
      // Over a limit: close at once rather than let one client starve
      // everyone of sockets and memory.
      log::Warn(
          "connection_limit",
          {{"limit",
            admission.verdict == ConnectionTable::Verdict::kAddressFull ? "per_address" : "global"},
           {"max_connections", options_.max_connections},
           {"max_connections_per_address", options_.max_connections_per_address}});
      beast::error_code ignored;
      Tcp().socket().close(ignored);
      return;
    }
    connection_id_ = admission.id;
    if (admission.shed.has_value()) log::Info("idle_connection_closed_for_room", {});
    if constexpr (kTls) {
      Handshake();
    } else {
      Read();
    }
  }

 private:
  static Stream MakeStream(tcp::socket socket, ssl::context* context) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *context);
    } else {
      (void)context;
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Tcp() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  // The handshake shares the read timeout, so a client that opens a
  // connection and stalls cannot hold it.
  void Handshake() {
    Tcp().expires_after(absl::ToChronoMilliseconds(options_.read_timeout));
    stream_.async_handshake(
        ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code error) {
          if (error) {
            log::Write(log::Level::kDebug, "tls_handshake_failed", {{"error", error.message()}});
            self->Tcp().close();
            return;
          }
          self->connections_->MarkIdle(self->connection_id_, absl::Now());
          self->Read();
        });
  }

  // Idle (in the connection table) since the admission, the handshake or the
  // last answer being handed over: see Write().
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    Tcp().expires_after(absl::ToChronoMilliseconds(options_.read_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code error, size_t) {
                       self->OnRead(error);
                     });
  }

  void OnRead(beast::error_code error) {
    if (error) {
      if (std::optional<HttpResponse> response = ReadErrorResponse(error)) {
        // The catalog's message for people; German, the default, as the
        // request (and its Accept-Language) could not be read.
        LocalizeError(*response, "de");
        response->prepare_payload();
        // The client may still be sending the body we refused: closing at
        // once would reset the connection and its kernel would drop our
        // answer unread (RFC 9112 section 9.6). So the answer is written and
        // the rest of the request is read and discarded for a bounded while.
        Write(*std::move(response), /*keep_alive=*/false, /*linger=*/true);
      } else {
        Close();
      }
      return;
    }
    connections_->MarkBusy(connection_id_);
    HttpRequest request = parser_->release();
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    ++*in_flight_;
    handler_.Handle(
        request, client_,
        [self = this->shared_from_this(), keep_alive, version](HttpResponse response) mutable {
          response.version(version);
          // The gateway may answer on a gRPC thread; writing belongs on the
          // session's own strand. Once the write is posted it may finish and
          // the server stop at any moment, while this thread still has to
          // leave this function and later destroy the callback. So the
          // session moves along with the write (the callback keeps no
          // reference to it), and until this function returns a work guard
          // keeps io_context::run() from returning; it is released last and
          // touches nothing after that. (The io_context is alive here: the
          // request counts as in flight until the posted write runs.)
          auto& io = static_cast<asio::io_context&>(
              asio::query(self->stream_.get_executor(), asio::execution::context));
          const auto work = asio::make_work_guard(io);
          const auto strand = self->stream_.get_executor();
          asio::post(strand, [self = std::move(self), keep_alive,
                              response = std::move(response)]() mutable {
            --*self->in_flight_;
            self->Write(std::move(response), keep_alive && !*self->draining_);
          });
        });
  }

  void Write(HttpResponse response, bool keep_alive, bool linger = false) {
    response.keep_alive(keep_alive);
    Tcp().expires_after(absl::ToChronoMilliseconds(options_.read_timeout));
    // A keep-alive connection waits for its next request from the moment its
    // answer is handed over: the client may have read it before this write's
    // completion runs, which a loaded machine delays past other connections'
    // whole exchanges. Marked idle only there, it counted as busy meanwhile
    // and its idle time began too late, so at the cap a connection idle for
    // less time was closed instead (a flaky EdgeE2eTest). One closed for room
    // while its answer is still being written is closed once the answer is
    // out (CloseOnceWritten).
    if (keep_alive) connections_->MarkIdle(connection_id_, absl::Now());
    writing_ = true;
    auto written = [self = this->shared_from_this(), keep_alive, linger](beast::error_code error,
                                                                         size_t) {
      self->writing_ = false;
      self->ReleaseWriteBuffer();
      if (!error && linger) return self->LingerThenClose();
      if (error || !keep_alive || self->close_once_written_) return self->Close();
      self->Read();
    };
    // The whole response as one buffer of the connection's own: one send, no
    // allocation per response (Beast's serializer walks a buffer sequence of
    // many pieces for the same bytes).
    if (SerializeResponse(response, write_buffer_)) {
      asio::async_write(stream_, asio::buffer(write_buffer_), std::move(written));
      return;
    }
    auto shared = std::make_shared<HttpResponse>(std::move(response));
    http::async_write(
        stream_, *shared,
        [shared, written = std::move(written)](beast::error_code error, size_t bytes) mutable {
          written(error, bytes);
        });
  }

  void ReleaseWriteBuffer() {
    if (write_buffer_.capacity() > kKeptWriteBufferBytes) {
      std::string().swap(write_buffer_);
    }
  }

  // Half-closes, then discards what the client still sends until it closes
  // too, kLingerTime has passed or kLingerBytes were read.
  void LingerThenClose() {
    if constexpr (kTls) {
      Close();  // TLS ends with close_notify; the peer's alert ends its sending.
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      Tcp().expires_after(kLingerTime);
      DiscardInput(std::make_shared<std::array<char, 16 * 1024>>(), 0);
    }
  }

  void DiscardInput(std::shared_ptr<std::array<char, 16 * 1024>> scratch, size_t discarded) {
    auto* bytes = scratch.get();
    stream_.async_read_some(asio::buffer(*bytes),
                            [self = this->shared_from_this(), scratch = std::move(scratch),
                             discarded](beast::error_code error, size_t read) mutable {
                              if (error || discarded + read > kLingerBytes)
                                return self->stream_.close();
                              self->DiscardInput(std::move(scratch), discarded + read);
                            });
  }

  // Closes to make room or for the drain: an answer being written is finished
  // first (bounded by the write's timeout), unless the server is stopping.
  void CloseOnceWritten() {
    if (writing_ && !*draining_) {
      close_once_written_ = true;
      return;
    }
    Close();
  }

  void Close() {
    if constexpr (kTls) {
      // close_notify, bounded: a peer that never answers it is not waited for.
      Tcp().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Tcp().close(); });
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.close();
    }
  }

  std::shared_ptr<ssl::context> tls_context_;  // Kept for the connection's life.
  Stream stream_;
  beast::flat_buffer buffer_;
  // The response being written; one write at a time per connection.
  std::string write_buffer_;
  // On the session's strand: a write is under way / the connection is to be
  // closed when it completes.
  bool writing_ = false;
  bool close_once_written_ = false;
  std::optional<http::request_parser<http::string_body>> parser_;
  const RequestHandler& handler_;
  const HttpServerOptions& options_;
  std::shared_ptr<std::atomic<int>> in_flight_;
  std::shared_ptr<std::atomic<bool>> draining_;
  std::shared_ptr<ConnectionTable> connections_;
  uint64_t connection_id_ = 0;  // 0: not admitted
  ClientInfo client_;
};

}  // namespace

HttpServer::HttpServer(const RequestHandler& handler, HttpServerOptions options)
    : handler_(handler),
      options_(std::move(options)),
      io_(options_.threads),
      acceptor_(asio::make_strand(io_)),
      admin_acceptor_(asio::make_strand(io_)),
      reload_timer_(asio::make_strand(io_)),
      connections_(std::make_shared<ConnectionTable>(
          ConnectionTable::Options{.max_connections = options_.max_connections,
                                   .max_per_address = options_.max_connections_per_address})),
      admin_connections_(std::make_shared<ConnectionTable>(ConnectionTable::Options{
          .max_connections = kMaxAdminConnections, .max_per_address = 0})) {}

HttpServer::~HttpServer() = default;

namespace {

// Opens, binds and listens; the port bound (the one picked, for port 0).
absl::StatusOr<int> Bind(tcp::acceptor& acceptor, const std::string& address_text, int port) {
  beast::error_code error;
  const asio::ip::address address = asio::ip::make_address(address_text, error);
  if (error) return absl::InvalidArgumentError(absl::StrCat("bad listen address ", address_text));
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address_text, ":", port, ": ", error.message()));
  }
  return acceptor.local_endpoint().port();
}

}  // namespace

absl::Status HttpServer::Listen() {
  absl::StatusOr<int> port = Bind(acceptor_, options_.address, options_.port);
  if (!port.ok()) return port.status();
  port_ = *port;
  if (options_.admin_handler == nullptr) return absl::OkStatus();
  absl::StatusOr<int> admin_port =
      Bind(admin_acceptor_, options_.admin_address, options_.admin_port);
  if (!admin_port.ok()) return admin_port.status();
  admin_port_ = *admin_port;
  return absl::OkStatus();
}

void HttpServer::Accept() {
  acceptor_.async_accept(
      asio::make_strand(io_), [this](beast::error_code error, tcp::socket socket) {
        if (*draining_) {
          // A connection accepted as the drain began goes to another replica.
          beast::error_code ignored;
          socket.close(ignored);
          return;
        }
        if (error) {
          log::Warn("accept_failed", {{"error", error.message()}});
        } else if (options_.tls != nullptr) {
          std::make_shared<Session<true>>(std::move(socket), options_.tls->Current(), handler_,
                                          options_, in_flight_, draining_, connections_)
              ->Start();
        } else {
          std::make_shared<Session<false>>(std::move(socket), nullptr, handler_, options_,
                                           in_flight_, draining_, connections_)
              ->Start();
        }
        Accept();
      });
}

// Plain HTTP: the admin listener is for the cluster's own network (and
// loopback), never the internet.
void HttpServer::AcceptAdmin() {
  admin_acceptor_.async_accept(
      asio::make_strand(io_), [this](beast::error_code error, tcp::socket socket) {
        if (*draining_) {
          beast::error_code ignored;
          socket.close(ignored);
          return;
        }
        if (error) {
          log::Warn("admin_accept_failed", {{"error", error.message()}});
        } else {
          std::make_shared<Session<false>>(std::move(socket), nullptr, *options_.admin_handler,
                                           options_, in_flight_, draining_, admin_connections_)
              ->Start();
        }
        AcceptAdmin();
      });
}

void HttpServer::Drain(absl::Time deadline) {
  if (*in_flight_ == 0 || absl::Now() >= deadline) {
    log::Info("stopped", {{"abandoned_requests", in_flight_->load()}});
    // Closing every connection ends all outstanding work, so io_.run()
    // returns by itself and nothing is left in the loop when it is destroyed.
    connections_->CloseAll();
    admin_connections_->CloseAll();
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(20));
  timer->async_wait([this, timer, deadline](beast::error_code) { Drain(deadline); });
}

void HttpServer::ScheduleTlsReload() {
  reload_timer_.expires_after(absl::ToChronoMilliseconds(options_.tls_reload_interval));
  reload_timer_.async_wait([this](beast::error_code error) {
    // A wait that had already expired when the drain cancelled the timer
    // still completes with success; the draining flag stops it re-arming.
    if (error || *draining_) return;
    absl::StatusOr<bool> reloaded = options_.tls->ReloadIfChanged();
    if (!reloaded.ok()) {
      log::Warn("tls_reload_failed", {{"error", std::string(reloaded.status().message())},
                                      {"effect", "the previous certificate stays in use"}});
    } else if (*reloaded) {
      log::Info("tls_reloaded", {});
    }
    ScheduleTlsReload();
  });
}

void HttpServer::SchedulePeriodicTask(size_t index) {
  asio::steady_timer& timer = *task_timers_[index];
  timer.expires_after(absl::ToChronoMilliseconds(options_.periodic_tasks[index].interval));
  timer.async_wait([this, index](beast::error_code error) {
    if (error || *draining_) return;  // See ScheduleTlsReload.
    options_.periodic_tasks[index].run();
    SchedulePeriodicTask(index);
  });
}

int HttpServer::RunUntilSignal() {
  asio::signal_set signals(io_, SIGTERM, SIGINT);
  signals.async_wait([this](beast::error_code, int) {
    log::Info("draining", {{"in_flight", in_flight_->load()}});
    *draining_ = true;
    // The acceptor and the timers live on their own strands: close and cancel
    // them there, never concurrently with their handlers on another thread
    // (an accept completing while the acceptor closes crashed a test).
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    asio::post(admin_acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      admin_acceptor_.close(ignored);
    });
    asio::post(reload_timer_.get_executor(), [this] { reload_timer_.cancel(); });
    for (const std::unique_ptr<asio::steady_timer>& timer : task_timers_) {
      asio::post(timer->get_executor(), [&timer = *timer] { timer.cancel(); });
    }
    Drain(absl::Now() + options_.drain_timeout);
  });
  Accept();
  if (options_.admin_handler != nullptr) {
    AcceptAdmin();
    // Before "listening": tests take that line to mean the server is up.
    log::Info("admin_listening", {{"address", options_.admin_address}, {"port", admin_port_}});
  }
  if (options_.tls != nullptr) ScheduleTlsReload();
  for (size_t i = 0; i < options_.periodic_tasks.size(); ++i) {
    task_timers_.push_back(std::make_unique<asio::steady_timer>(asio::make_strand(io_)));
    SchedulePeriodicTask(i);
  }
  log::Info("listening",
            {{"address", options_.address}, {"port", port_}, {"tls", options_.tls != nullptr}});
  std::vector<std::thread> threads;
  for (int i = 1; i < options_.threads; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (std::thread& thread : threads) thread.join();
  return in_flight_->load();
}

}  // namespace stadt::gateway
