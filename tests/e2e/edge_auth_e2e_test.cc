// End to end at the gateway's edge, for what guards the routes besides rate
// limits: the proof of work on booking holds, and token keys that change
// while the gateway runs. The real gateway and appointments binaries, one
// redis-server for the service and another for the gateway, driven over HTTP
// as a client would: the test solves challenges itself by brute force with
// OpenSSL's SHA-256.
#include <openssl/sha.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gateway/auth/jwks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/document_server.h"
#include "tests/harness/edge_backend.h"
#include "tests/harness/http_client.h"
#include "tests/harness/process.h"
#include "tests/harness/test_tokens.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPowSecret[] = "e2e-proof-of-work-secret-of-at-least-32-bytes";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

boost::json::value Json(const HttpResult& result) {
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(result.body, error);
  EXPECT_FALSE(error) << result.body;
  return json;
}

std::string Reason(const HttpResult& result) {
  boost::json::value json = Json(result);
  if (!json.is_object() || !json.as_object().contains("details")) return "";
  return std::string(json.at("details").at(0).at("reason").as_string());
}

std::string HexSha256(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// What a browser does: fetch a challenge, try numbers until SHA-256(salt +
// number) is the challenge, and send back base64 of the JSON solution.
std::string SolveChallenge(int port) {
  absl::StatusOr<HttpResult> fetched = HttpFetch(port, "GET", "/v1/pow/challenge");
  EXPECT_TRUE(fetched.ok()) << fetched.status();
  if (!fetched.ok()) return "";
  EXPECT_EQ(fetched->status, 200) << fetched->body;
  const boost::json::value challenge = Json(*fetched);
  EXPECT_EQ(challenge.at("algorithm").as_string(), "SHA-256");
  const std::string salt(challenge.at("salt").as_string());
  const std::string target(challenge.at("challenge").as_string());
  const int64_t max_number = challenge.at("maxNumber").as_int64();
  for (int64_t number = 0; number <= max_number; ++number) {
    if (HexSha256(absl::StrCat(salt, number)) != target) continue;
    return absl::Base64Escape(
        boost::json::serialize(boost::json::object{{"algorithm", "SHA-256"},
                                                   {"challenge", target},
                                                   {"number", number},
                                                   {"salt", salt},
                                                   {"signature", challenge.at("signature")}}));
  }
  ADD_FAILURE() << "no number up to maxNumber solves " << fetched->body;
  return "";
}

class EdgeAuthE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EdgeBackend>> backend =
        EdgeBackend::Start("stadt-edge-auth-", {{"APPOINTMENTS_MIN_NOTICE", "0s"}});
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    key_file_ = backend_->dir() + "/keys.json";
    WriteKeys(first_.KeyFileJson());
  }

  // As a sidecar or a Kubernetes volume does: a new file renamed into place.
  void WriteKeys(const std::string& text) {
    const std::string temporary = key_file_ + ".new";
    std::ofstream(temporary) << text;
    ASSERT_EQ(std::rename(temporary.c_str(), key_file_.c_str()), 0);
  }

  std::map<std::string, std::string> GatewayEnv(int port) const {
    std::map<std::string, std::string> env = backend_->GatewayEnv();
    env.insert({{"GATEWAY_PORT", absl::StrCat(port)},
                {"GATEWAY_JWT_KEYS_FILE", key_file_},
                {"GATEWAY_JWT_ISSUER", kTestIssuer},
                {"GATEWAY_JWT_AUDIENCE", kTestAudience}});
    return env;
  }

  // Starts a gateway replica with `env` on top of GatewayEnv(); returns its
  // port once it is ready. The log is gateway-<n>.log.
  int StartGateway(const std::map<std::string, std::string>& env) {
    const std::string log = absl::StrCat(backend_->dir(), "/gateway-", gateways_.size(), ".log");
    absl::StatusOr<ListeningProcess> gateway = StartOnFreePort(
        STADT_GATEWAY_BIN,
        [&](int port) {
          std::map<std::string, std::string> full = GatewayEnv(port);
          for (const auto& [name, value] : env) full[name] = value;
          // The metrics are only on the admin listener.
          admin_ports_[port] = PickFreePort();
          full["GATEWAY_ADMIN_LISTEN"] = absl::StrCat("127.0.0.1:", admin_ports_[port]);
          return full;
        },
        log);
    EXPECT_TRUE(gateway.ok()) << gateway.status() << Logs();
    if (!gateway.ok()) return 0;
    gateways_.push_back(std::move(gateway->process));
    const int port = gateway->port;
    for (int attempt = 0; attempt < 200; ++attempt) {
      absl::StatusOr<HttpResult> ready = HttpFetch(port, "GET", "/readyz");
      if (ready.ok() && ready->status == 200) return port;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "gateway not ready\n" << Logs();
    return port;
  }

  std::string Logs() const {
    std::string logs = absl::StrCat("--- appointments\n", ReadFile(backend_->ServiceLog()));
    for (size_t i = 0; i < gateways_.size(); ++i) {
      absl::StrAppend(&logs, "--- gateway ", i, "\n",
                      ReadFile(absl::StrCat(backend_->dir(), "/gateway-", i, ".log")));
    }
    return logs;
  }

  HttpResult Fetch(int port, const std::string& method, const std::string& target,
                   const std::string& body = "",
                   const std::map<std::string, std::string>& headers = {}) {
    absl::StatusOr<HttpResult> result = HttpFetch(port, method, target, body, headers);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(HttpResult());
  }

  std::unique_ptr<EdgeBackend> backend_;
  std::string key_file_;
  TestTokens first_{"key-2026-1"};
  std::vector<std::unique_ptr<Subprocess>> gateways_;
  std::map<int, int> admin_ports_;  // a gateway's port -> its admin listener's
};

class EdgePowE2eTest : public EdgeAuthE2eTest {
 protected:
  static std::map<std::string, std::string> PowEnv() {
    return {{"GATEWAY_POW_ROUTES", "POST /v1/holds, POST /v1/video/holds"},
            {"GATEWAY_POW_SECRET", kPowSecret},
            // Easy, so the test solves fast; production uses 100000 and more.
            {"GATEWAY_POW_MAX_NUMBER", "300"}};
  }

  // Bodies for holds on the next free slots, one per slot.
  std::vector<std::string> HoldBodies(int port, int count) {
    HttpResult search =
        Fetch(port, "GET", absl::StrCat("/v1/slots?service_ids=id-card&limit=", count));
    EXPECT_EQ(search.status, 200) << search.body;
    std::vector<std::string> bodies;
    const boost::json::value found = Json(search);
    if (!found.is_object() || !found.as_object().contains("slots")) return {};
    for (const boost::json::value& slot : found.at("slots").as_array()) {
      bodies.push_back(absl::StrCat(R"({"officeId":")",
                                    std::string(slot.at("officeId").as_string()),
                                    R"(","serviceIds":["id-card"],"start":")",
                                    std::string(slot.at("start").as_string()), R"("})"));
    }
    EXPECT_EQ(bodies.size(), static_cast<size_t>(count));
    return bodies;
  }

  HttpResult Hold(int port, const std::string& body, const std::string& citizen,
                  std::optional<std::string> solution) {
    std::map<std::string, std::string> headers = {
        {"Authorization", "Bearer " + first_.Mint(citizen, {"citizen"}, absl::Now())},
        {"Content-Type", "application/json"}};
    if (solution.has_value()) headers["X-Pow-Solution"] = *solution;
    return Fetch(port, "POST", "/v1/holds", body, headers);
  }
};

TEST_F(EdgePowE2eTest, HoldNeedsASolvedChallengeAndEachSolutionWorksOnce) {
  const int port = StartGateway(PowEnv());
  const std::vector<std::string> bodies = HoldBodies(port, 2);
  ASSERT_EQ(bodies.size(), 2u);

  HttpResult missing = Hold(port, bodies[0], "citizen-1", std::nullopt);
  EXPECT_EQ(missing.status, 428) << missing.body;
  EXPECT_EQ(Reason(missing), "pow_required");

  const std::string solution = SolveChallenge(port);
  HttpResult held = Hold(port, bodies[0], "citizen-1", solution);
  ASSERT_EQ(held.status, 200) << held.body << Logs();
  EXPECT_FALSE(Json(held).at("holdId").as_string().empty());

  HttpResult replayed = Hold(port, bodies[1], "citizen-2", solution);
  EXPECT_EQ(replayed.status, 403) << replayed.body;
  EXPECT_EQ(Reason(replayed), "pow_replayed");

  HttpResult garbage = Hold(port, bodies[1], "citizen-2", "bm90IGEgc29sdXRpb24=");
  EXPECT_EQ(garbage.status, 403);
  EXPECT_EQ(Reason(garbage), "pow_invalid");

  // A fresh solution works again; routes not listed need none.
  EXPECT_EQ(Hold(port, bodies[1], "citizen-2", SolveChallenge(port)).status, 200);
  EXPECT_EQ(Fetch(port, "GET", "/v1/offices").status, 200);

  const std::string metrics = Fetch(admin_ports_[port], "GET", "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("stadt_gateway_pow_checks_total{outcome=\"passed\"} 2"));
  EXPECT_THAT(metrics, HasSubstr("stadt_gateway_pow_checks_total{outcome=\"replayed\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("stadt_gateway_pow_checks_total{outcome=\"required\"} 1"));
  // The document tells clients about the header.
  EXPECT_THAT(Fetch(port, "GET", "/openapi.json").body, HasSubstr("X-Pow-Solution"));
}

TEST_F(EdgePowE2eTest, ASolutionIsSpentForEveryReplica) {
  const int first = StartGateway(PowEnv());
  const int second = StartGateway(PowEnv());
  const std::vector<std::string> bodies = HoldBodies(first, 2);
  ASSERT_EQ(bodies.size(), 2u);
  // Solved against one replica, used at the other, then replayed at the first.
  const std::string solution = SolveChallenge(first);
  HttpResult held = Hold(second, bodies[0], "citizen-1", solution);
  EXPECT_EQ(held.status, 200) << held.body << Logs();
  HttpResult replayed = Hold(first, bodies[1], "citizen-2", solution);
  EXPECT_EQ(replayed.status, 403);
  EXPECT_EQ(Reason(replayed), "pow_replayed");
}

TEST_F(EdgePowE2eTest, ExpiredSolutionIsRefused) {
  std::map<std::string, std::string> env = PowEnv();
  env["GATEWAY_POW_TTL"] = "1s";
  const int port = StartGateway(env);
  const std::vector<std::string> bodies = HoldBodies(port, 1);
  ASSERT_EQ(bodies.size(), 1u);
  const std::string solution = SolveChallenge(port);
  absl::SleepFor(absl::Milliseconds(2100));
  HttpResult expired = Hold(port, bodies[0], "citizen-1", solution);
  EXPECT_EQ(expired.status, 403) << expired.body;
  EXPECT_EQ(Reason(expired), "pow_expired");
}

TEST_F(EdgePowE2eTest, UnreachableRedisFailsClosed) {
  const int port = StartGateway(PowEnv());
  const std::vector<std::string> bodies = HoldBodies(port, 1);
  ASSERT_EQ(bodies.size(), 1u);
  const std::string solution = SolveChallenge(port);
  backend_->gateway_redis().Kill();
  HttpResult refused = Hold(port, bodies[0], "citizen-1", solution);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(Reason(refused), "pow_unavailable");
  // Challenges need no Redis, and reads still pass (rate limits fail open).
  EXPECT_EQ(Fetch(port, "GET", "/v1/pow/challenge").status, 200);
  EXPECT_EQ(Fetch(port, "GET", "/v1/offices").status, 200);
}

TEST_F(EdgePowE2eTest, AnUnknownRouteOrAMissingSecretStopsTheStart) {
  std::map<std::string, std::string> env = GatewayEnv(PickFreePort());
  for (const auto& [name, value] : PowEnv()) env[name] = value;
  env["GATEWAY_POW_ROUTES"] = "POST /v1/holds, POST /v1/hold";
  absl::StatusOr<std::unique_ptr<Subprocess>> typo =
      Subprocess::Start(STADT_GATEWAY_BIN, {}, env, backend_->dir() + "/typo.log");
  ASSERT_TRUE(typo.ok()) << typo.status();
  EXPECT_EQ((*typo)->Wait(), 2);
  EXPECT_THAT(ReadFile(backend_->dir() + "/typo.log"),
              HasSubstr("GATEWAY_POW_ROUTES: \"POST /v1/hold\" is not a route"));

  env["GATEWAY_POW_ROUTES"] = "POST /v1/holds";
  env["GATEWAY_POW_SECRET"] = "too-short";
  absl::StatusOr<std::unique_ptr<Subprocess>> weak =
      Subprocess::Start(STADT_GATEWAY_BIN, {}, env, backend_->dir() + "/weak.log");
  ASSERT_TRUE(weak.ok()) << weak.status();
  EXPECT_EQ((*weak)->Wait(), 2);
  const std::string log = ReadFile(backend_->dir() + "/weak.log");
  EXPECT_THAT(log, HasSubstr("GATEWAY_POW_SECRET"));
  EXPECT_THAT(log, Not(HasSubstr("too-short")));
}

// The gateway configured as deploy/local/up.sh starts it: the edge settings of
// deploy/local/gateway.env (the file up.sh reads), a Redis for rate limits and
// used challenges, a proof-of-work secret.
class EdgeLocalStackE2eTest : public EdgePowE2eTest {
 protected:
  // NAME="value" lines; comments and blank lines skipped.
  static std::map<std::string, std::string> LocalStackEnv() {
    std::map<std::string, std::string> env;
    std::ifstream in(STADT_LOCAL_GATEWAY_ENV);
    EXPECT_TRUE(in.good()) << STADT_LOCAL_GATEWAY_ENV;
    for (std::string line; std::getline(in, line);) {
      const absl::string_view text = absl::StripAsciiWhitespace(line);
      if (text.empty() || text[0] == '#') continue;
      const size_t equals = text.find('=');
      EXPECT_NE(equals, absl::string_view::npos) << line;
      if (equals == absl::string_view::npos) continue;
      absl::string_view value = text.substr(equals + 1);
      absl::ConsumePrefix(&value, "\"");
      absl::ConsumeSuffix(&value, "\"");
      env[std::string(text.substr(0, equals))] = std::string(value);
    }
    env["GATEWAY_POW_SECRET"] = kPowSecret;  // up.sh: openssl rand -base64 48
    return env;
  }
};

TEST_F(EdgeLocalStackE2eTest, HoldsNeedAProofOfWorkAndAFloodGets429WithRetryAfter) {
  const std::map<std::string, std::string> env = LocalStackEnv();
  ASSERT_TRUE(env.contains("GATEWAY_POW_ROUTES"));
  const int port = StartGateway(env);
  const std::vector<std::string> bodies = HoldBodies(port, 1);
  ASSERT_EQ(bodies.size(), 1u);

  HttpResult missing = Hold(port, bodies[0], "citizen-1", std::nullopt);
  EXPECT_EQ(missing.status, 428) << missing.body;
  EXPECT_EQ(Reason(missing), "pow_required");
  HttpResult held = Hold(port, bodies[0], "citizen-1", SolveChallenge(port));
  EXPECT_EQ(held.status, 200) << held.body << Logs();

  // Writes from one address: the bucket of the file's per-address write limit
  // runs dry, then every request is refused before it reaches the service.
  int limited = 0;
  for (int i = 0; i < 200 && limited == 0; ++i) {
    HttpResult flood =
        Fetch(port, "POST", "/v1/holds", "{}", {{"Content-Type", "application/json"}});
    if (flood.status != 429) continue;
    ++limited;
    EXPECT_EQ(Reason(flood), "rate_limited");
    int64_t retry_after = 0;
    EXPECT_TRUE(absl::SimpleAtoi(flood.headers["retry-after"], &retry_after)) << flood.body;
    EXPECT_GE(retry_after, 1);
  }
  EXPECT_EQ(limited, 1) << "no 429 within 200 writes";
}

class EdgeKeyReloadE2eTest : public EdgeAuthE2eTest {
 protected:
  // A token of `keys` on an anonymous route: 200 when the gateway knows the
  // key, 401 when not (a bad token is refused even where none is needed).
  int StatusWith(int port, const TestTokens& keys) {
    return Fetch(port, "GET", "/v1/offices", "",
                 {{"Authorization", "Bearer " + keys.Mint("citizen-1", {"citizen"}, absl::Now())}})
        .status;
  }
  // Polls until a token of `keys` gets `status`, within a few seconds.
  bool WaitForStatus(int port, const TestTokens& keys, int status) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (StatusWith(port, keys) == status) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  TestTokens second_{"key-2026-2"};
};

TEST_F(EdgeKeyReloadE2eTest, RotatedKeysApplyWithoutRestartAndABrokenFileKeepsTheOldOnes) {
  const int port = StartGateway({{"GATEWAY_JWT_KEYS_RELOAD_INTERVAL", "100ms"}});
  EXPECT_EQ(StatusWith(port, first_), 200);
  EXPECT_EQ(StatusWith(port, second_), 401);

  // The provider adds its next key: tokens signed with it pass, old ones too.
  std::vector<gateway::auth::PublicKeySpec> both = first_.Keys();
  both.push_back(second_.Keys().front());
  WriteKeys(gateway::auth::FormatKeyFile(both));
  EXPECT_TRUE(WaitForStatus(port, second_, 200)) << Logs();
  EXPECT_EQ(StatusWith(port, first_), 200);
  EXPECT_THAT(Logs(), HasSubstr("jwt_keys_reloaded"));

  // A broken file (a truncated write, a bad key) changes nothing.
  WriteKeys(R"({"keys":[{"kid":"key-2026-3","alg":"ES256","public_key_pem":"-----BEGIN)");
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (absl::StrContains(Logs(), "jwt_keys_reload_failed")) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(Logs(), HasSubstr("jwt_keys_reload_failed"));
  EXPECT_EQ(StatusWith(port, first_), 200);
  EXPECT_EQ(StatusWith(port, second_), 200);

  // The old key is retired: its tokens stop working, without a restart.
  WriteKeys(second_.KeyFileJson());
  EXPECT_TRUE(WaitForStatus(port, first_, 401)) << Logs();
  EXPECT_EQ(StatusWith(port, second_), 200);
  EXPECT_TRUE(gateways_.front()->Running());
}

// The keys from the provider's JWKS URL instead of a file: fetched at the
// start, refreshed while the gateway runs, kept when the provider fails.
class EdgeJwksUrlE2eTest : public EdgeKeyReloadE2eTest {
 protected:
  // The gateways stop before the provider they poll.
  void TearDown() override { gateways_.clear(); }

  std::map<std::string, std::string> JwksEnv() const {
    return {{"GATEWAY_JWT_KEYS_FILE", ""},
            {"GATEWAY_JWKS_URL", absl::StrCat("http://127.0.0.1:", provider_.port(), "/jwks.json")},
            {"GATEWAY_JWT_KEYS_RELOAD_INTERVAL", "100ms"}};
  }
  static std::string Jwks(const std::vector<gateway::auth::PublicKeySpec>& keys) {
    absl::StatusOr<std::string> jwks = gateway::auth::FormatJwks(keys);
    EXPECT_TRUE(jwks.ok()) << jwks.status();
    return jwks.value_or("");
  }
  bool WaitForLog(const std::string& event) const {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (absl::StrContains(Logs(), event)) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  DocumentServer provider_;
};

TEST_F(EdgeJwksUrlE2eTest, TheProvidersKeyRotationAppliesWithoutRestart) {
  provider_.Set(200, Jwks(first_.Keys()));
  const int port = StartGateway(JwksEnv());
  EXPECT_EQ(StatusWith(port, first_), 200) << Logs();
  EXPECT_EQ(StatusWith(port, second_), 401);

  // The provider is down for a while: the keys in use stay.
  provider_.Set(503, "maintenance");
  EXPECT_TRUE(WaitForLog("jwks_refresh_failed")) << Logs();
  EXPECT_EQ(StatusWith(port, first_), 200);

  // It rotates: the new key signs, the retired one no longer does.
  provider_.Set(200, Jwks(second_.Keys()));
  EXPECT_TRUE(WaitForStatus(port, second_, 200)) << Logs();
  EXPECT_EQ(StatusWith(port, first_), 401);
  EXPECT_THAT(Logs(), HasSubstr("jwks_refreshed"));
  EXPECT_TRUE(gateways_.front()->Running());
}

TEST_F(EdgeJwksUrlE2eTest, ATokenOfAKeyNotYetFetchedBringsTheRefreshForward) {
  provider_.Set(200, Jwks(first_.Keys()));
  std::map<std::string, std::string> env = JwksEnv();
  env["GATEWAY_JWT_KEYS_RELOAD_INTERVAL"] = "1h";
  env["GATEWAY_JWKS_MIN_REFRESH_GAP"] = "200ms";
  const int port = StartGateway(env);
  EXPECT_EQ(StatusWith(port, first_), 200) << Logs();

  // The provider rotates and signs with its new key at once: well before the
  // hour is up, the first tokens of that key make the gateway look again.
  provider_.Set(200, Jwks(second_.Keys()));
  EXPECT_TRUE(WaitForStatus(port, second_, 200)) << Logs();
  EXPECT_EQ(StatusWith(port, first_), 401);
}

TEST_F(EdgeJwksUrlE2eTest, AGatewayThatCannotFetchItsKeysDoesNotStart) {
  provider_.Set(404, "");
  std::map<std::string, std::string> env = GatewayEnv(PickFreePort());
  for (const auto& [name, value] : JwksEnv()) env[name] = value;
  absl::StatusOr<std::unique_ptr<Subprocess>> unfetched =
      Subprocess::Start(STADT_GATEWAY_BIN, {}, env, backend_->dir() + "/unfetched.log");
  ASSERT_TRUE(unfetched.ok()) << unfetched.status();
  EXPECT_EQ((*unfetched)->Wait(), 2);
  EXPECT_THAT(ReadFile(backend_->dir() + "/unfetched.log"), HasSubstr("answered 404"));

  // Keys over plain HTTP from another host could be swapped on the way.
  env["GATEWAY_JWKS_URL"] = "http://id.stadt.example/certs";
  absl::StatusOr<std::unique_ptr<Subprocess>> insecure =
      Subprocess::Start(STADT_GATEWAY_BIN, {}, env, backend_->dir() + "/insecure.log");
  ASSERT_TRUE(insecure.ok()) << insecure.status();
  EXPECT_EQ((*insecure)->Wait(), 2);
  EXPECT_THAT(ReadFile(backend_->dir() + "/insecure.log"), HasSubstr("GATEWAY_JWKS_URL"));
}

}  // namespace
}  // namespace stadt::testing
