#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "gateway/core/request_handler.h"
#include "gateway/tls/tls_context.h"

namespace stadt::gateway {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  int port = 8080;  // 0: pick a free port
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 16 * 1024;
  // A request (headers and body) must arrive within this time; an idle
  // keep-alive connection is closed after it too. Defeats slow clients.
  absl::Duration read_timeout = absl::Seconds(10);
  int threads = 2;
  // Connections beyond this are closed right after accept, unless an idle
  // keep-alive connection can be closed to make room (the longest idle).
  int max_connections = 1024;
  // Connections one client address may hold (0: no limit; set 0 behind a
  // proxy, where every connection comes from the proxy).
  int max_connections_per_address = 256;
  // Null: plain HTTP. Otherwise every connection is TLS with the provider's
  // current context, and the files are checked for renewal every interval.
  TlsContextProvider* tls = nullptr;
  absl::Duration tls_reload_interval = absl::Seconds(10);
  absl::Duration drain_timeout = absl::Seconds(10);
  // Work to run every `interval` on an I/O thread while serving (e.g.
  // re-reading the token keys); stops when the server drains. Must be quick:
  // it holds up that thread meanwhile.
  struct PeriodicTask {
    absl::Duration interval;
    std::function<void()> run;
  };
  std::vector<PeriodicTask> periodic_tasks = {};
  // A second listener for operators (GET /metrics): plain HTTP on its own
  // address, served by `admin_handler` on the same threads and drained with
  // the public one. Null handler: none.
  std::string admin_address = "127.0.0.1";
  int admin_port = 0;  // 0: pick a free port
  const RequestHandler* admin_handler = nullptr;
};

// Writes `response` to `out` as Beast's serializer would send it (status
// line, fields in order, empty line, body); false for a chunked response,
// which it leaves to Beast.
bool SerializeResponse(const HttpResponse& response, std::string& out);

// HTTP/1.1 with keep-alive on Boost.Beast. Moves bytes between sockets and a
// RequestHandler (the Gateway); all request semantics live in the handler.
class ConnectionTable;

class HttpServer {
 public:
  HttpServer(const RequestHandler& handler, HttpServerOptions options);
  ~HttpServer();

  // Binds and listens; port() is known afterwards.
  absl::Status Listen();
  int port() const { return port_; }
  int admin_port() const { return admin_port_; }
  // Serves until SIGTERM or SIGINT, then stops accepting, lets requests in
  // flight finish (up to drain_timeout) and returns how many did not.
  int RunUntilSignal();

 private:
  void Accept();
  void AcceptAdmin();
  void Drain(absl::Time deadline);
  void ScheduleTlsReload();
  void SchedulePeriodicTask(size_t index);

  // Scrapers need few connections; a cap of its own keeps the public
  // listener's load from locking them out.
  static constexpr int kMaxAdminConnections = 16;

  const RequestHandler& handler_;
  HttpServerOptions options_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::acceptor admin_acceptor_;
  boost::asio::steady_timer reload_timer_;
  // One per periodic task, each on its own strand.
  std::vector<std::unique_ptr<boost::asio::steady_timer>> task_timers_;
  int port_ = 0;
  int admin_port_ = 0;
  // Shared with sessions, which may outlive a stop request by a little.
  std::shared_ptr<std::atomic<int>> in_flight_ = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<bool>> draining_ = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<ConnectionTable> connections_;
  std::shared_ptr<ConnectionTable> admin_connections_;
};

}  // namespace stadt::gateway
