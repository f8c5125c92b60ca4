#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "gateway/auth/jwt.h"

namespace stadt::testing {

inline constexpr char kTestIssuer[] = "https://id.stadt.test";
inline constexpr char kTestAudience[] = "stadtportal";

// A fresh ES256 key pair made at test time, and tokens signed with it.
class TestTokens {
 public:
  TestTokens() : TestTokens("test-1") {}
  // With another kid, for a second key next to the first (key rotation).
  explicit TestTokens(std::string kid);

  // Key file JSON the gateway loads (GATEWAY_JWT_KEYS_FILE).
  std::string KeyFileJson() const;
  std::vector<gateway::auth::PublicKeySpec> Keys() const;
  std::string private_key_pem() const { return private_pem_; }

  // `scope` is the space-separated `scope` claim (e.g. "office:mitte"); empty
  // leaves it out.
  std::string Mint(const std::string& subject, const std::vector<std::string>& roles,
                   absl::Time now, absl::Duration ttl = absl::Minutes(10),
                   const std::string& issuer = kTestIssuer, const std::string& scope = "") const;
  // A token with iss, aud, sub, iat and exp as Mint sets them plus `extra`
  // claims as given (e.g. Keycloak's {"realm_access": {"roles": [...]}}).
  std::string MintWithClaims(const std::string& subject, const boost::json::object& extra,
                             absl::Time now, absl::Duration ttl = absl::Minutes(10)) const;

 private:
  std::string kid_;
  std::string private_pem_;
  std::string public_pem_;
  std::unique_ptr<gateway::auth::JwtSigner> signer_;
};

}  // namespace stadt::testing
