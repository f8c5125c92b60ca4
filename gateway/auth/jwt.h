#pragma once

// JWT (RFC 7519) verification for the gateway, following the RFC 8725 best
// practices: the algorithm is bound to the configured key, never chosen by the
// token, and keys are never taken from the token itself.

#include <openssl/types.h>

#include <boost/json/object.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::gateway::auth {

// Who a verified token speaks for. Role strings are passed through unchanged;
// deciding what an unknown role means is the gateway's policy, not ours.
struct Identity {
  std::string subject;
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  absl::Time expires_at;
};

struct PublicKeySpec {
  std::string kid;
  std::string alg;  // "RS256" or "ES256".
  std::string public_key_pem;
};

// Parses a key file: {"keys":[{"kid":"dev-1","alg":"RS256","public_key_pem":"..."}]}.
// Only checks the structure; the keys themselves are checked by JwtVerifier::Create.
absl::StatusOr<std::vector<PublicKeySpec>> ParseKeyFile(std::string_view json_text);
absl::StatusOr<std::vector<PublicKeySpec>> LoadKeyFile(const std::string& path);
// The inverse of ParseKeyFile, so tools can write files the gateway reads.
std::string FormatKeyFile(const std::vector<PublicKeySpec>& keys);

struct VerifierOptions {
  std::string issuer;    // Required; `iss` must match exactly.
  std::string audience;  // Required; `aud` must contain it.
  absl::Duration leeway = absl::Seconds(30);
  size_t max_token_bytes = 8192;
  // How many verified tokens KeyFileVerifier remembers (VerifiedTokenCache);
  // 0 verifies every request's signature.
  size_t verified_cache_entries = 10'000;
  // Where the roles and the scopes are in the claims: a claim name, or a
  // dotted path into nested objects ("realm_access.roles" for Keycloak). A
  // claim whose own name contains dots is found too. Either may hold an array
  // of strings or one space-separated string; a missing claim grants nothing.
  std::string roles_claim = "roles";
  std::string scopes_claim = "scope";
};

// Whether `path` can name a claim: non-empty dot-separated names.
bool IsValidClaimPath(std::string_view path);

namespace internal {
struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
}  // namespace internal

// Checks bearer tokens; the gateway's view of a verifier, so that the keys
// behind it can be swapped while it runs (KeyFileVerifier).
class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;
  // Every failure is UnauthenticatedError whose message is a short reason
  // code ("token_expired", "bad_signature", ...) that never echoes token
  // content. Thread-safe.
  virtual absl::StatusOr<Identity> Verify(std::string_view compact_token, absl::Time now) const = 0;
};

class JwtVerifier final : public TokenVerifier {
 public:
  // Fails with InvalidArgument if a key does not parse, has a duplicate or empty
  // kid, or is too weak or of the wrong type for its alg (RS256: RSA >= 2048
  // bits, ES256: EC P-256).
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(const std::vector<PublicKeySpec>& keys,
                                                             VerifierOptions options);

  // Every failure is UnauthenticatedError whose message is a short reason code
  // ("token_expired", "bad_signature", ...) that never echoes token content.
  // Thread-safe.
  absl::StatusOr<Identity> Verify(std::string_view compact_token, absl::Time now) const override;

  size_t key_count() const { return keys_.size(); }

 private:
  struct Key {
    std::string kid;
    std::string alg;
    internal::EvpPkeyPtr pkey;
  };

  JwtVerifier(std::vector<Key> keys, VerifierOptions options)
      : keys_(std::move(keys)), options_(std::move(options)) {}

  absl::StatusOr<const Key*> SelectKey(const boost::json::object& header) const;
  absl::StatusOr<Identity> CheckClaims(const boost::json::object& claims, absl::Time now) const;

  std::vector<Key> keys_;
  VerifierOptions options_;
};

// Mints tokens for tests and the local dev stack; production tokens come from
// the identity provider.
class JwtSigner {
 public:
  // `private_key_pem` must be unencrypted. An empty `kid` omits the header field.
  static absl::StatusOr<std::unique_ptr<JwtSigner>> Create(std::string_view private_key_pem,
                                                           std::string alg, std::string kid);

  // Returns the compact JWS for {"alg","typ":"JWT","kid"} and `claims`.
  absl::StatusOr<std::string> Sign(const boost::json::object& claims) const;

 private:
  JwtSigner(internal::EvpPkeyPtr pkey, std::string alg, std::string kid)
      : pkey_(std::move(pkey)), alg_(std::move(alg)), kid_(std::move(kid)) {}

  internal::EvpPkeyPtr pkey_;
  std::string alg_;
  std::string kid_;
};

}  // namespace stadt::gateway::auth
