// Fuzzes the gateway's whole request handling: raw HTTP request bytes are
// parsed as the HTTP server parses them and handed to Gateway::Handle over the
// real route table of every linked API, so routing, target decoding, query and
// path binding, JSON-to-proto transcoding, authentication headers, CORS and
// request ids all see hostile input. The fake backends parse each request as
// the services would and answer with an empty success, so any 5xx answer is
// the gateway's own fault and aborts.
//
// Authenticated routes need a validly signed token, which a fuzzer cannot
// forge: an "Authorization: Bearer @mint:role1,role2" header is replaced by a
// fresh token with those roles, so seeds reach the binding code of every route.
// Any other Authorization value goes to the verifier unchanged.
//
// POST /v1/video/holds needs a proof of work (X-Pow-Solution), so solution
// headers reach the proof-of-work check through the whole pipeline.

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "gateway/core/gateway.h"
#include "gateway/core/linked_apis.h"
#include "gateway/pow/proof_of_work.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/common/fake_clock.h"
#include "services/common/log.h"
#include "tests/harness/test_tokens.h"

namespace {

namespace http = boost::beast::http;
using stadt::gateway::BackendCall;
using stadt::gateway::Backends;
using stadt::gateway::CallDone;
using stadt::gateway::HealthDone;

constexpr std::string_view kMintPrefix = "Bearer @mint:";
// POST /v1/video/holds needs a proof of work under this secret (seeds carry
// a solution made with it for the harness's clock).
constexpr char kPowSecret[] = "fuzz-proof-of-work-secret-of-32-bytes!";
// The HTTP server's defaults (gateway/http/http_server.h).
constexpr uint64_t kBodyLimit = 1 << 20;
constexpr uint32_t kHeaderLimit = 16 * 1024;

// Parses each request as the gRPC service would, refusing what it cannot
// parse as gRPC does (INTERNAL); otherwise succeeds with an empty response
// message. Every backend is ready.
class SucceedingBackends final : public Backends {
 public:
  void Call(BackendCall call, CallDone done) override {
    // "/stadt.parking.v1.Parking/GetZone" -> "stadt.parking.v1.Parking.GetZone"
    std::string method_name = call.grpc_path.substr(1);
    std::replace(method_name.begin(), method_name.end(), '/', '.');
    const google::protobuf::MethodDescriptor* method =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(method_name);
    if (method == nullptr) std::abort();  // the gateway called a method that does not exist
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()
            ->GetPrototype(method->input_type())
            ->New());
    if (!request->ParseFromString(call.request)) {
      done(grpc::Status(grpc::StatusCode::INTERNAL, "cannot parse the request"), "");
      return;
    }
    done(grpc::Status::OK, "");
  }
  void CheckHealth(absl::Duration, HealthDone done) override { done({}); }
};

// Lets everything through, so the limiter's bookkeeping runs on every request.
class OpenRateLimitStore final : public stadt::gateway::RateLimitStore {
 public:
  absl::StatusOr<stadt::gateway::RateDecision> Take(
      const std::vector<stadt::gateway::BucketRequest>&, absl::Time) override {
    return stadt::gateway::RateDecision{};
  }
};

class Harness {
 public:
  Harness() {
    stadt::log::Configure("fuzz", stadt::log::Level::kError);
    verifier_ = stadt::gateway::auth::JwtVerifier::Create(
                    tokens_.Keys(), {.issuer = stadt::testing::kTestIssuer,
                                     .audience = stadt::testing::kTestAudience})
                    .value();
    std::vector<const google::protobuf::ServiceDescriptor*> services;
    for (const stadt::gateway::LinkedApi& api : stadt::gateway::LinkedApis()) {
      services.push_back(api.service);
    }
    stadt::gateway::RateLimitPolicy policy;
    policy.per_address["read"] = {100, absl::Minutes(1)};
    policy.per_subject["write"] = {10, absl::Minutes(1)};
    limiter_ = std::make_unique<stadt::gateway::RateLimiter>(store_, policy);
    stadt::gateway::GatewayOptions options;
    options.cors_allowed_origins = {"https://portal.stadt.example"};
    options.trusted_proxy_hops = 1;
    pow_ = stadt::gateway::pow::ProofOfWork::Create({.secret = kPowSecret, .max_number = 1000})
               .value();
    pow_guard_ = std::make_unique<stadt::gateway::pow::Guard>(*pow_, used_challenges_);
    options.pow_guard = pow_guard_.get();
    options.pow_routes = {{"POST", "/v1/video/holds"}};
    gateway_ = std::make_unique<stadt::gateway::Gateway>(
        stadt::gateway::RouteTable::Build(services).value(), verifier_.get(), backends_, clock_,
        options, limiter_.get());
  }

  void MintPlaceholderToken(stadt::gateway::HttpRequest& request) const {
    auto header = request.find(http::field::authorization);
    if (header == request.end()) return;
    const std::string_view value(header->value().data(), header->value().size());
    if (!value.starts_with(kMintPrefix)) return;
    const std::vector<std::string> roles =
        absl::StrSplit(absl::string_view(value.substr(kMintPrefix.size()).data(),
                                         value.size() - kMintPrefix.size()),
                       ',', absl::SkipEmpty());
    request.set(http::field::authorization,
                "Bearer " + tokens_.Mint("citizen-42", roles, clock_.Now()));
  }

  const stadt::gateway::Gateway& gateway() const { return *gateway_; }

 private:
  stadt::testing::TestTokens tokens_;
  stadt::FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<stadt::gateway::auth::JwtVerifier> verifier_;
  SucceedingBackends backends_;
  OpenRateLimitStore store_;
  std::unique_ptr<stadt::gateway::RateLimiter> limiter_;
  std::unique_ptr<stadt::gateway::pow::ProofOfWork> pow_;
  stadt::gateway::pow::InMemoryUsedChallenges used_challenges_;
  std::unique_ptr<stadt::gateway::pow::Guard> pow_guard_;
  std::unique_ptr<stadt::gateway::Gateway> gateway_;
};

std::optional<stadt::gateway::HttpRequest> ParseRequest(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(kBodyLimit);
  parser.header_limit(kHeaderLimit);
  boost::system::error_code error;
  while (size > 0 && !parser.is_done()) {
    const size_t used = parser.put(boost::asio::buffer(data, size), error);
    if (error || used == 0) return std::nullopt;
    data += used;
    size -= used;
  }
  if (!parser.is_done()) return std::nullopt;
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Harness* harness = new Harness();
  std::optional<stadt::gateway::HttpRequest> request = ParseRequest(data, size);
  if (!request.has_value()) return 0;
  harness->MintPlaceholderToken(*request);
  int answers = 0;
  unsigned status = 0;
  bool json_ok = true;
  harness->gateway().Handle(*request, {.peer_address = "198.51.100.9", .tls = true},
                            [&](stadt::gateway::HttpResponse response) {
                              ++answers;
                              status = response.result_int();
                              // Clients must be able to read every JSON answer, errors included;
                              // Boost.JSON's parser also refuses invalid UTF-8.
                              if (response[http::field::content_type] == "application/json") {
                                boost::system::error_code error;
                                (void)boost::json::parse(response.body(), error);
                                json_ok = !error;
                              }
                            });
  if (answers != 1 || status >= 500 || !json_ok) std::abort();
  return 0;
}
