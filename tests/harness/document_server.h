#pragma once

#include <memory>
#include <string>

namespace stadt::testing {

// Serves one document at /jwks.json (404 for any other path) on 127.0.0.1,
// one request per connection, over TLS when given a certificate: a stand-in
// for an identity provider's JWKS endpoint. The answer can be changed while
// it runs. Clients must send a whole request: one that connects and stays
// silent holds the server (and its destructor) up.
class DocumentServer {
 public:
  DocumentServer();
  DocumentServer(const std::string& certificate_pem, const std::string& private_key_pem);
  ~DocumentServer();

  DocumentServer(const DocumentServer&) = delete;
  DocumentServer& operator=(const DocumentServer&) = delete;

  void Set(int status, std::string body);
  int port() const;
  // How many whole requests arrived.
  int requests() const;
  // The Host header of the last request.
  std::string last_host() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace stadt::testing
