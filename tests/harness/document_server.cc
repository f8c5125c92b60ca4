#include "tests/harness/document_server.h"

#include <atomic>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/ssl/stream.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"

namespace stadt::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct DocumentServer::State {
  State() : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  void Serve() {
    while (true) {
      tcp::socket socket(io);
      boost::system::error_code error;
      acceptor.accept(socket, error);
      if (stopping) return;
      if (error) continue;
      if (tls != nullptr) {
        asio::ssl::stream<tcp::socket&> stream(socket, *tls);
        stream.handshake(asio::ssl::stream_base::server, error);
        if (!error) Answer(stream);
      } else {
        Answer(socket);
      }
    }
  }

  template <typename Stream>
  void Answer(Stream& stream) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    boost::system::error_code error;
    http::read(stream, buffer, request, error);
    if (error) return;
    ++requests;
    http::response<http::string_body> response;
    {
      absl::MutexLock lock(&mu);
      last_host = std::string(request[http::field::host]);
      const bool known = request.target() == "/jwks.json";
      response.result(known ? status : 404);
      response.body() = known ? body : "not here";
    }
    response.set(http::field::content_type, "application/json");
    response.prepare_payload();
    http::write(stream, response, error);
  }

  asio::io_context io;
  tcp::acceptor acceptor;
  std::unique_ptr<asio::ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::atomic<int> requests{0};
  absl::Mutex mu;
  int status ABSL_GUARDED_BY(mu) = 200;
  std::string body ABSL_GUARDED_BY(mu);
  std::string last_host ABSL_GUARDED_BY(mu);
  std::thread thread;
};

DocumentServer::DocumentServer() : state_(std::make_unique<State>()) {
  state_->thread = std::thread([state = state_.get()] { state->Serve(); });
}

DocumentServer::DocumentServer(const std::string& certificate_pem,
                               const std::string& private_key_pem)
    : state_(std::make_unique<State>()) {
  state_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  state_->tls->use_certificate_chain(asio::buffer(certificate_pem));
  state_->tls->use_private_key(asio::buffer(private_key_pem), asio::ssl::context::pem);
  state_->thread = std::thread([state = state_.get()] { state->Serve(); });
}

DocumentServer::~DocumentServer() {
  state_->stopping = true;
  boost::system::error_code ignored;
  tcp::socket wake(state_->io);
  wake.connect(state_->acceptor.local_endpoint(), ignored);  // ends the blocking accept
  state_->thread.join();
}

void DocumentServer::Set(int status, std::string body) {
  absl::MutexLock lock(&state_->mu);
  state_->status = status;
  state_->body = std::move(body);
}

int DocumentServer::port() const { return state_->acceptor.local_endpoint().port(); }

int DocumentServer::requests() const { return state_->requests; }

std::string DocumentServer::last_host() const {
  absl::MutexLock lock(&state_->mu);
  return state_->last_host;
}

}  // namespace stadt::testing
