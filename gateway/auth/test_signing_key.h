#pragma once

// Key pairs for the token verifiers' tests (not linked into the gateway).

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "gateway/auth/jwt.h"

namespace stadt::gateway::auth::testing {

// The PEM of the public or of the private half of `key`.
std::string PemOf(EVP_PKEY* key, bool private_key);

// An ES256 key pair made at test time (no key material in the repository),
// its public half as the verifiers take it, and tokens signed with it.
struct TestSigningKey {
  explicit TestSigningKey(const std::string& kid);

  // Subject "citizen-of-<kid>".
  std::string Token(std::string_view issuer, std::string_view audience, absl::Time expires) const;

  PublicKeySpec spec;
  std::unique_ptr<JwtSigner> signer;
};

}  // namespace stadt::gateway::auth::testing
