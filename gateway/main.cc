// The HTTP/JSON gateway: wiring only. Reads configuration, builds the route
// table from the linked API descriptors, serves until SIGTERM.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/asio/ip/address.hpp"
#include "gateway/auth/jwks.h"
#include "gateway/auth/jwks_url_verifier.h"
#include "gateway/auth/jwt.h"
#include "gateway/auth/key_file_verifier.h"
#include "gateway/core/admin_endpoints.h"
#include "gateway/core/gateway.h"
#include "gateway/core/grpc_backends.h"
#include "gateway/core/linked_apis.h"
#include "gateway/http/http_server.h"
#include "gateway/pow/proof_of_work.h"
#include "gateway/pow/redis_used_challenges.h"
#include "gateway/ratelimit/redis_rate_limit_store.h"
#include "gateway/resilience/resilient_backends.h"
#include "gateway/tls/tls_context.h"
#include "services/common/config.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/mutex_tuning.h"
#include "services/common/repeat.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

struct Settings {
  HttpServerOptions http;
  GatewayOptions gateway;
  std::map<std::string, std::string> backends;  // service full name -> host:port
  std::set<std::string> readiness;              // full names; empty: all backends
  std::string jwt_keys_file;                    // or
  std::string jwks_url;                         // the identity provider's jwks_uri
  auth::FetchOptions jwks_fetch;
  auth::RefreshPolicy jwks_refresh;
  absl::Duration jwt_keys_reload_interval;
  TlsFiles tls;
  bool plain_http = false;
  std::string redis_address;  // empty: no rate limits
  redis::Options redis;
  RateLimitPolicy rate_limits;
  ResilienceOptions resilience;
  auth::VerifierOptions jwt;
  std::string pow_routes;     // empty: no proof of work
  std::string staff_app_dir;  // empty: no staff web app
  pow::Options pow;
  log::Level log_level = log::Level::kInfo;
  KpiSettings kpi;
  bool admin_listener = false;  // GATEWAY_ADMIN_LISTEN is not "off"
};

// One limit variable, e.g. GATEWAY_RATE_LIMIT_WRITE_PER_ADDRESS=60/1m.
void ReadLimit(EnvConfig& config, const std::string& name, const std::string& default_value,
               const std::string& route_class,
               std::map<std::string, TokenBucketLimit, std::less<>>& limits,
               std::vector<std::string>& errors) {
  const std::string text = config.String(name, default_value);
  absl::StatusOr<std::optional<TokenBucketLimit>> limit = ParseTokenBucketLimit(text);
  if (!limit.ok()) {
    errors.push_back(absl::StrCat(name, ": ", limit.status().message()));
  } else if (limit->has_value()) {
    limits[route_class] = **limit;
  }
}

void ReadRateLimits(EnvConfig& config, Settings& settings, std::vector<std::string>& errors) {
  settings.redis_address = config.String("GATEWAY_REDIS_ADDRESS", "");
  if (settings.redis_address.empty()) return;
  if (!SplitHostPort(settings.redis_address, &settings.redis.host, &settings.redis.port)) {
    errors.push_back("GATEWAY_REDIS_ADDRESS: expected host:port");
  }
  // On a Redis Cluster (docs/redis-cluster.md): every step of the edge state
  // touches one key (a limit's bucket, a used solution), so it spreads by key.
  const std::string mode = config.String("GATEWAY_REDIS_MODE", "single");
  if (mode == "cluster") {
    settings.redis.mode = redis::Mode::kCluster;
  } else if (mode != "single") {
    errors.push_back("GATEWAY_REDIS_MODE: must be single or cluster");
  }
  std::vector<std::pair<std::string, int>> seeds;
  if (!SplitHostPortList(config.String("GATEWAY_REDIS_SEEDS", ""), &seeds)) {
    errors.push_back("GATEWAY_REDIS_SEEDS: expected host:port entries separated by commas");
  }
  for (auto& [host, port] : seeds) settings.redis.seeds.push_back({std::move(host), port});
  settings.redis.password = config.String("GATEWAY_REDIS_PASSWORD", "");
  // Short: a slow limiter must not become the gateway's latency.
  settings.redis.command_timeout = absl::ToChronoMilliseconds(config.Duration(
      "GATEWAY_REDIS_TIMEOUT", absl::Milliseconds(50), absl::Milliseconds(5), absl::Seconds(5)));
  settings.redis.connect_timeout = settings.redis.command_timeout;
  settings.redis.pool_size = config.Int("GATEWAY_REDIS_POOL_SIZE", 8, 1, 256);
  RateLimitPolicy& policy = settings.rate_limits;
  ReadLimit(config, "GATEWAY_RATE_LIMIT_READ_PER_ADDRESS", "600/1m", "read", policy.per_address,
            errors);
  ReadLimit(config, "GATEWAY_RATE_LIMIT_READ_PER_SUBJECT", "600/1m", "read", policy.per_subject,
            errors);
  ReadLimit(config, "GATEWAY_RATE_LIMIT_WRITE_PER_ADDRESS", "60/1m", "write", policy.per_address,
            errors);
  ReadLimit(config, "GATEWAY_RATE_LIMIT_WRITE_PER_SUBJECT", "30/1m", "write", policy.per_subject,
            errors);
  policy.fail_open = config.Bool("GATEWAY_RATE_LIMIT_FAIL_OPEN", true);
}

// Proof of work on the routes in GATEWAY_POW_ROUTES; the routes themselves
// are checked against the route table in Run().
void ReadPow(EnvConfig& config, Settings& settings, std::vector<std::string>& errors) {
  settings.pow_routes =
      std::string(absl::StripAsciiWhitespace(config.String("GATEWAY_POW_ROUTES", "")));
  settings.pow.secret = config.String("GATEWAY_POW_SECRET", "");
  settings.pow.max_number =
      config.Int("GATEWAY_POW_MAX_NUMBER", 100'000, 1, static_cast<int>(pow::kMaxMaxNumber));
  settings.pow.ttl =
      config.Duration("GATEWAY_POW_TTL", absl::Minutes(5), absl::Seconds(1), absl::Hours(1));
  if (settings.pow_routes.empty()) return;
  if (settings.pow.secret.size() < pow::kMinSecretBytes) {
    errors.push_back(absl::StrCat("GATEWAY_POW_SECRET: required with GATEWAY_POW_ROUTES, at least ",
                                  pow::kMinSecretBytes,
                                  " bytes, the same on every replica (openssl rand -base64 48)"));
  }
  // Single use must hold across replicas; without the shared store a solution
  // could be spent once per replica. Refuse to start rather than pretend.
  if (settings.redis_address.empty()) {
    errors.push_back(
        "GATEWAY_POW_ROUTES needs GATEWAY_REDIS_ADDRESS: used solutions are remembered there");
  }
}

bool IsIpAddress(const std::string& address) {
  boost::system::error_code error;
  boost::asio::ip::make_address(address, error);
  return !error;
}

bool IsLoopback(const std::string& address) {
  boost::system::error_code error;
  const boost::asio::ip::address parsed = boost::asio::ip::make_address(address, error);
  return !error && parsed.is_loopback();
}

// TLS unless the operator says plainly that something in front terminates
// it; plain HTTP on loopback stays allowed for local development and tests.
void ReadTls(EnvConfig& config, Settings& settings, std::vector<std::string>& errors) {
  settings.tls.certificate_chain_file = config.String("GATEWAY_TLS_CERT_FILE", "");
  settings.tls.private_key_file = config.String("GATEWAY_TLS_KEY_FILE", "");
  settings.http.tls_reload_interval = config.Duration(
      "GATEWAY_TLS_RELOAD_INTERVAL", absl::Seconds(10), absl::Milliseconds(50), absl::Hours(1));
  settings.plain_http = config.Bool("GATEWAY_PLAIN_HTTP", false);
  const bool has_certificate = !settings.tls.certificate_chain_file.empty();
  if (has_certificate != !settings.tls.private_key_file.empty()) {
    errors.push_back("GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE go together");
  } else if (has_certificate && settings.plain_http) {
    errors.push_back("GATEWAY_PLAIN_HTTP=true contradicts GATEWAY_TLS_CERT_FILE");
  } else if (!has_certificate && !settings.plain_http && !IsLoopback(settings.http.address)) {
    errors.push_back(
        "GATEWAY_LISTEN_ADDRESS is not loopback: set GATEWAY_TLS_CERT_FILE and "
        "GATEWAY_TLS_KEY_FILE, or GATEWAY_PLAIN_HTTP=true when a proxy in front terminates TLS");
  }
}

// GATEWAY_READINESS_BACKENDS: the backends (short names, comma-separated)
// whose health /readyz waits for; "all" by default. Lets a deployment that
// runs only some of the services still become ready.
void ReadReadinessBackends(EnvConfig& config, Settings& settings) {
  const std::string value = config.String("GATEWAY_READINESS_BACKENDS", "all");
  if (value == "all") return;
  for (absl::string_view name : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    bool known = false;
    for (const LinkedApi& api : LinkedApis()) {
      if (api.name == absl::StripAsciiWhitespace(name)) {
        settings.readiness.insert(api.service->full_name());
        known = true;
      }
    }
    if (!known) config.Int("GATEWAY_READINESS_BACKENDS", 0, 1, 0);  // reports it as malformed
  }
}

// GATEWAY_ADMIN_LISTEN: host:port of the admin listener, the only place that
// serves GET /metrics; "off" (the default): none, and no metrics are served.
// The public port never serves them, so they cannot leak through an ingress
// that routes every path.
void ReadAdminListener(EnvConfig& config, Settings& settings, std::vector<std::string>& errors) {
  settings.gateway.serve_metrics = false;
  const std::string listen = config.String("GATEWAY_ADMIN_LISTEN", "off");
  if (listen == "off") return;
  settings.admin_listener = true;
  if (!SplitHostPort(listen, &settings.http.admin_address, &settings.http.admin_port) ||
      !IsIpAddress(settings.http.admin_address)) {
    errors.push_back("GATEWAY_ADMIN_LISTEN: expected <ip>:<port>, e.g. 0.0.0.0:9090, or off");
  }
}

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  std::vector<std::string> errors;
  settings.http.address = config.String("GATEWAY_LISTEN_ADDRESS", "127.0.0.1");
  settings.http.port = config.Int("GATEWAY_PORT", 8080, 0, 65535);
  settings.http.threads = config.Int("GATEWAY_THREADS", 2, 1, 64);
  settings.http.max_body_bytes = config.Int("GATEWAY_MAX_BODY_BYTES", 64 * 1024, 1, 16 << 20);
  settings.http.read_timeout = config.Duration("GATEWAY_READ_TIMEOUT", absl::Seconds(10),
                                               absl::Milliseconds(100), absl::Minutes(5));
  settings.http.drain_timeout = config.Duration("GATEWAY_DRAIN_TIMEOUT", absl::Seconds(10),
                                                absl::ZeroDuration(), absl::Minutes(5));
  settings.gateway.backend_timeout = config.Duration("GATEWAY_BACKEND_TIMEOUT", absl::Seconds(5),
                                                     absl::Milliseconds(10), absl::Minutes(2));
  settings.resilience.breaker_failures = config.Int("GATEWAY_BREAKER_FAILURES", 5, 0, 1000);
  settings.resilience.breaker_cooldown =
      config.Duration("GATEWAY_BREAKER_COOLDOWN", absl::Milliseconds(250), absl::Milliseconds(10),
                      absl::Minutes(10));
  settings.resilience.breaker_max_cooldown = config.Duration(
      "GATEWAY_BREAKER_MAX_COOLDOWN", absl::Seconds(1), absl::Milliseconds(10), absl::Minutes(10));
  settings.resilience.retry_budget_ratio =
      config.Int("GATEWAY_RETRY_BUDGET_PERCENT", 10, 0, 100) / 100.0;
  ReadAdminListener(config, settings, errors);
  settings.gateway.trusted_proxy_hops = config.Int("GATEWAY_TRUSTED_PROXY_HOPS", 0, 0, 10);
  for (absl::string_view origin : absl::StrSplit(config.String("GATEWAY_CORS_ALLOWED_ORIGINS", ""),
                                                 ',', absl::SkipWhitespace())) {
    settings.gateway.cors_allowed_origins.emplace_back(absl::StripAsciiWhitespace(origin));
  }
  settings.gateway.assume_https = config.Bool("GATEWAY_ASSUME_HTTPS", false);
  settings.gateway.hsts_max_age = config.Duration("GATEWAY_HSTS_MAX_AGE", absl::Hours(24 * 365),
                                                  absl::ZeroDuration(), absl::Hours(24 * 730));
  settings.http.max_connections = config.Int("GATEWAY_MAX_CONNECTIONS", 1024, 1, 1'000'000);
  settings.http.max_connections_per_address =
      config.Int("GATEWAY_MAX_CONNECTIONS_PER_ADDRESS", 256, 0, 1'000'000);
  // Behind proxies every connection comes from a proxy: a per-address share
  // of TCP peers would throttle the proxy, not a client.
  if (settings.gateway.trusted_proxy_hops > 0) settings.http.max_connections_per_address = 0;
  for (const LinkedApi& api : LinkedApis()) {
    settings.backends[api.service->full_name()] = config.HostPort(
        absl::StrCat("GATEWAY_BACKEND_", absl::AsciiStrToUpper(api.name)), api.default_address);
  }
  ReadReadinessBackends(config, settings);
  settings.jwt_keys_file = config.String("GATEWAY_JWT_KEYS_FILE", "");
  settings.jwt_keys_reload_interval =
      config.Duration("GATEWAY_JWT_KEYS_RELOAD_INTERVAL", absl::Minutes(5), absl::Milliseconds(50),
                      absl::Hours(24));
  settings.jwks_url = config.String("GATEWAY_JWKS_URL", "");
  settings.jwks_fetch.ca_file = config.String("GATEWAY_JWKS_CA_FILE", "");
  settings.jwks_fetch.timeout = config.Duration("GATEWAY_JWKS_TIMEOUT", absl::Seconds(5),
                                                absl::Milliseconds(100), absl::Minutes(1));
  settings.jwks_refresh.interval = settings.jwt_keys_reload_interval;
  settings.jwks_refresh.min_gap = config.Duration("GATEWAY_JWKS_MIN_REFRESH_GAP", absl::Seconds(30),
                                                  absl::Milliseconds(50), absl::Hours(1));
  if (!settings.jwt_keys_file.empty() && !settings.jwks_url.empty()) {
    errors.push_back("set GATEWAY_JWT_KEYS_FILE or GATEWAY_JWKS_URL, not both");
  }
  if (settings.jwks_url.empty() && !settings.jwks_fetch.ca_file.empty()) {
    errors.push_back("GATEWAY_JWKS_CA_FILE is set without GATEWAY_JWKS_URL");
  }
  if (!settings.jwks_url.empty()) {
    if (absl::Status url = auth::CheckDocumentUrl(settings.jwks_url); !url.ok()) {
      errors.push_back(absl::StrCat("GATEWAY_JWKS_URL: ", url.message()));
    }
  }
  if (!settings.jwt_keys_file.empty() || !settings.jwks_url.empty()) {
    settings.jwt.issuer = config.RequiredString("GATEWAY_JWT_ISSUER");
    settings.jwt.audience = config.RequiredString("GATEWAY_JWT_AUDIENCE");
  }
  settings.staff_app_dir = config.String("GATEWAY_STAFF_APP_DIR", "");
  // Where the identity provider puts roles and scopes, e.g. Keycloak's
  // realm_access.roles (docs/roles.md).
  settings.jwt.roles_claim = config.String("GATEWAY_ROLES_CLAIM", "roles");
  settings.jwt.scopes_claim = config.String("GATEWAY_SCOPES_CLAIM", "scope");
  for (const auto& [name, path] : {std::pair{"GATEWAY_ROLES_CLAIM", settings.jwt.roles_claim},
                                   std::pair{"GATEWAY_SCOPES_CLAIM", settings.jwt.scopes_claim}}) {
    if (!auth::IsValidClaimPath(path)) {
      errors.push_back(
          absl::StrCat(name, ": a claim name or dotted path, e.g. realm_access.roles"));
    }
  }
  ReadRateLimits(config, settings, errors);
  ReadPow(config, settings, errors);
  settings.kpi = ReadKpiSettings(config, "gateway");
  ReadTls(config, settings, errors);
  std::string level = config.String("LOG_LEVEL", "info");
  if (!log::ParseLevel(level, &settings.log_level)) config.Int("LOG_LEVEL", 0, 1, 0);
  settings.gateway.access_log = settings.log_level <= log::Level::kInfo;
  absl::Status status = config.Finish();
  if (!errors.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        status.ok() ? "" : absl::StrCat(status.message(), "; "), absl::StrJoin(errors, "; ")));
  }
  if (!status.ok()) return status;
  return settings;
}

// Re-fetches the provider's JWKS when due, so its key rotations need no
// restart.
absl::StatusOr<int> RefreshKeysIfDue(auth::JwksUrlVerifier& verifier) {
  const absl::Time now = absl::Now();
  if (!verifier.RefreshDue(now)) return 0;
  absl::StatusOr<bool> refreshed = verifier.Refresh(now);
  if (!refreshed.ok()) {
    // The message names the URL and what went wrong, never a token.
    log::Error("jwks_refresh_failed", {{"error", std::string(refreshed.status().message())},
                                       {"effect", "the previous keys stay in use"}});
    return 0;  // said above, with the reason; tried again when due
  }
  if (!*refreshed) return 0;
  log::Info("jwks_refreshed", {{"keys", verifier.Current()->key_count()}});
  return 1;
}

// Re-reads the key file when it changed, so rotated keys need no restart.
void ReloadKeys(auth::KeyFileVerifier& verifier) {
  absl::StatusOr<bool> reloaded = verifier.ReloadIfChanged();
  if (!reloaded.ok()) {
    // The message names the file and what is wrong with it, never a token.
    log::Error("jwt_keys_reload_failed", {{"error", std::string(reloaded.status().message())},
                                          {"effect", "the previous keys stay in use"}});
  } else if (*reloaded) {
    log::Info("jwt_keys_reloaded", {{"keys", verifier.Current()->key_count()}});
  }
}

int Fail(std::string_view what, const absl::Status& status) {
  std::cerr << "stadt-gateway: " << what << ": " << status.message() << "\n";
  return 2;
}

// `status` with `what` before its message, e.g. "TLS: cannot read ...".
absl::Status Prefixed(std::string_view what, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(ToAbsl(what), ": ", status.message()));
}

// What the gateway uses besides its settings, built by the Add* functions
// below. Declared so that users go before what they use: the key refresh
// thread before the keys, the guard before its Redis.
struct Parts {
  std::unique_ptr<auth::KeyFileVerifier> key_file;
  std::unique_ptr<auth::JwksUrlVerifier> jwks;
  std::jthread jwks_refresh;
  std::unique_ptr<redis::Client> redis;
  std::unique_ptr<RedisRateLimitStore> rate_limit_store;
  std::unique_ptr<RateLimiter> rate_limiter;
  std::unique_ptr<pow::ProofOfWork> proof_of_work;
  std::unique_ptr<pow::RedisUsedChallenges> used_challenges;
  std::unique_ptr<pow::Guard> pow_guard;
  // Outlives the gateway, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis;
  std::unique_ptr<StaticSite> staff_app;
  std::unique_ptr<TlsContextProvider> tls;

  // Null: every token is refused, only anonymous routes work.
  const auth::TokenVerifier* verifier() const {
    if (key_file != nullptr) return key_file.get();
    return jwks.get();
  }
};

absl::StatusOr<RouteTable> BuildRoutes() {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const LinkedApi& api : LinkedApis()) services.push_back(api.service);
  return RouteTable::Build(services);
}

// Token keys from a file, checked on the I/O threads (a stat is cheap) when
// due, so rotated keys need no restart.
absl::Status AddKeyFile(Settings& settings, Parts& parts) {
  absl::StatusOr<std::unique_ptr<auth::KeyFileVerifier>> created =
      auth::KeyFileVerifier::Create(settings.jwt_keys_file, settings.jwt);
  if (!created.ok()) return created.status();
  parts.key_file = *std::move(created);
  settings.http.periodic_tasks.push_back(
      {settings.jwt_keys_reload_interval, [keys = parts.key_file.get()] { ReloadKeys(*keys); }});
  return absl::OkStatus();
}

// Token keys from the provider's URL, fetched on a thread of its own, which
// stops before the verifier goes.
absl::Status AddJwks(const Settings& settings, Parts& parts) {
  absl::StatusOr<std::unique_ptr<auth::JwksUrlVerifier>> created = auth::JwksUrlVerifier::Create(
      settings.jwks_url, settings.jwks_fetch, settings.jwt, settings.jwks_refresh);
  if (!created.ok()) return created.status();
  parts.jwks = *std::move(created);
  log::Info("jwks_loaded", {{"keys", parts.jwks->Current()->key_count()}});
  // Looks often whether a refresh is due; fetches only when it is.
  const absl::Duration tick =
      std::min(settings.jwt_keys_reload_interval, settings.jwks_refresh.min_gap) / 4;
  parts.jwks_refresh = std::jthread([keys = parts.jwks.get(), tick](std::stop_token stop) {
    RepeatUntilStopped(
        std::move(stop), "jwks_refresh", [keys] { return RefreshKeysIfDue(*keys); }, tick);
  });
  return absl::OkStatus();
}

// The routes of GATEWAY_POW_ROUTES, checked against the route table.
absl::Status ApplyPowRoutes(Settings& settings, const RouteTable& routes) {
  if (settings.pow_routes.empty()) return absl::OkStatus();
  absl::StatusOr<std::set<std::pair<std::string, std::string>>> pow_routes =
      ParseRouteList(settings.pow_routes, routes);
  if (!pow_routes.ok()) return pow_routes.status();
  if (pow_routes->empty()) return absl::InvalidArgumentError("names no route");
  settings.gateway.pow_routes = *std::move(pow_routes);
  return absl::OkStatus();
}

void AddRateLimits(const Settings& settings, Parts& parts) {
  if (settings.redis_address.empty()) {
    log::Warn("no_rate_limits", {{"effect", "GATEWAY_REDIS_ADDRESS is unset"}});
    return;
  }
  parts.redis = redis::Client::Create(settings.redis);
  parts.rate_limit_store = std::make_unique<RedisRateLimitStore>(*parts.redis);
  parts.rate_limiter = std::make_unique<RateLimiter>(*parts.rate_limit_store, settings.rate_limits);
}

// Proof of work shares the rate limits' Redis connections (ReadPow requires
// the address with routes).
absl::Status AddPow(Settings& settings, Parts& parts) {
  if (settings.gateway.pow_routes.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<pow::ProofOfWork>> created =
      pow::ProofOfWork::Create(settings.pow);
  if (!created.ok()) return created.status();
  parts.proof_of_work = *std::move(created);
  parts.used_challenges = std::make_unique<pow::RedisUsedChallenges>(*parts.redis);
  parts.pow_guard = std::make_unique<pow::Guard>(*parts.proof_of_work, *parts.used_challenges);
  settings.gateway.pow_guard = parts.pow_guard.get();
  log::Info("pow_enabled", {{"routes", settings.pow_routes},
                            {"max_number", settings.pow.max_number},
                            {"ttl_s", absl::ToInt64Seconds(settings.pow.ttl)}});
  return absl::OkStatus();
}

// The app signs in with the provider whose tokens the gateway accepts.
absl::Status AddStaffApp(Settings& settings, Parts& parts) {
  if (settings.staff_app_dir.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<StaticSite>> loaded =
      StaticSite::Load(settings.staff_app_dir, "/staff/", settings.jwt.issuer);
  if (!loaded.ok()) return loaded.status();
  parts.staff_app = *std::move(loaded);
  settings.gateway.staff_app = parts.staff_app.get();
  log::Info("staff_app_loaded", {{"files", parts.staff_app->file_count()}});
  return absl::OkStatus();
}

absl::Status AddTls(Settings& settings, Parts& parts) {
  if (settings.tls.certificate_chain_file.empty()) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<TlsContextProvider>> provider =
      TlsContextProvider::Create(settings.tls);
  if (!provider.ok()) return provider.status();
  parts.tls = *std::move(provider);
  settings.http.tls = parts.tls.get();
  return absl::OkStatus();
}

// Every optional feature, each by its builder; the first that fails names
// its variable.
absl::Status BuildParts(Settings& settings, const RouteTable& routes, Parts& parts) {
  if (!settings.jwt_keys_file.empty()) {
    if (absl::Status status = AddKeyFile(settings, parts); !status.ok()) {
      return Prefixed("token keys", status);
    }
  } else if (!settings.jwks_url.empty()) {
    if (absl::Status status = AddJwks(settings, parts); !status.ok()) {
      return Prefixed("token keys from GATEWAY_JWKS_URL", status);
    }
  } else {
    log::Warn("no_token_keys", {{"effect", "only anonymous routes work"}});
  }
  if (absl::Status status = ApplyPowRoutes(settings, routes); !status.ok()) {
    return Prefixed("GATEWAY_POW_ROUTES", status);
  }
  AddRateLimits(settings, parts);
  if (absl::Status status = AddPow(settings, parts); !status.ok()) {
    return Prefixed("proof of work", status);
  }
  parts.kpis = StartKpiReporting(settings.kpi);
  settings.gateway.kpis = parts.kpis.get();
  if (absl::Status status = AddStaffApp(settings, parts); !status.ok()) {
    return Prefixed("GATEWAY_STAFF_APP_DIR", status);
  }
  if (absl::Status status = AddTls(settings, parts); !status.ok()) {
    return Prefixed("TLS", status);
  }
  return absl::OkStatus();
}

// Serves until SIGTERM: the public listener, and the admin listener when
// configured. Exit code as main() returns it.
int Serve(Settings& settings, const Gateway& gateway) {
  AdminEndpoints admin(gateway);
  if (settings.admin_listener) settings.http.admin_handler = &admin;
  HttpServer server(gateway, settings.http);
  if (absl::Status status = server.Listen(); !status.ok()) return Fail("listen", status);
  const int abandoned = server.RunUntilSignal();
  if (abandoned > 0) {
    // Backend calls still running would complete into a torn-down server;
    // leave without running destructors.
    std::_Exit(0);
  }
  return 0;
}

int Run() {
  absl::StatusOr<Settings> settings = ReadSettings();
  if (!settings.ok()) return Fail("configuration", settings.status());
  log::Configure("gateway", settings->log_level);
  absl::StatusOr<RouteTable> routes = BuildRoutes();
  if (!routes.ok()) return Fail("route table", routes.status());
  Parts parts;
  if (absl::Status status = BuildParts(*settings, *routes, parts); !status.ok()) {
    std::cerr << "stadt-gateway: " << status.message() << "\n";
    return 2;
  }
  GrpcBackends grpc_backends(settings->backends, settings->readiness);
  SystemClock clock;
  ResilientBackends backends(grpc_backends, clock, settings->resilience);
  Gateway gateway(*std::move(routes), parts.verifier(), backends, clock, settings->gateway,
                  parts.rate_limiter.get());
  return Serve(*settings, gateway);
}

}  // namespace
}  // namespace stadt::gateway

int main() {
  stadt::DisableMutexDeadlockDetectionInRelease();
  return stadt::gateway::Run();
}
