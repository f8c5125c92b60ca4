#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/auth/jwt.h"

namespace stadt::gateway::auth {

// Parses a JSON Web Key Set (RFC 7517), as an OpenID Connect provider
// publishes it, into the keys the JwtVerifier takes. Accepted: RSA keys
// (RS256) and EC P-256 keys (ES256), each with a kid. The algorithm comes from
// the key's type, and a stated "alg" must agree with it, so a token can never
// pick the algorithm by naming a kid. Keys for another use ("enc") are
// skipped, and so are keys the gateway does not verify with (other key types
// such as OKP, other curves, other RSA or EC algorithms), so that a provider
// adding one does not lock the gateway out. Refused outright: symmetric
// ("oct") keys — HMAC with a public key is the classic algorithm confusion —,
// keys carrying private parts, and malformed keys of the types it uses.
absl::StatusOr<std::vector<PublicKeySpec>> ParseJwks(std::string_view json_text);

// The inverse of ParseJwks: publishes keys as a provider's JWKS does (for
// the local stack and tests). The uncompressed P-256 point or RSA modulus and
// exponent come from each PEM; INVALID_ARGUMENT for a key of another kind.
absl::StatusOr<std::string> FormatJwks(const std::vector<PublicKeySpec>& keys);

// Reads either key document the gateway accepts: a JWKS (keys with "kty") or
// the gateway's own PEM key file (keys with "public_key_pem").
absl::StatusOr<std::vector<PublicKeySpec>> LoadKeyDocument(const std::string& path);

}  // namespace stadt::gateway::auth
