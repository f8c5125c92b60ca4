// Fuzzes bearer token verification (gateway/auth/jwt.cc).
//
// Two kinds of input, so both halves of Verify see hostile bytes:
//  - anything not starting with '{' is a compact token given to Verify as is:
//    splitting, base64url, the header JSON, key selection, the signature;
//  - a JSON object is a claims set that the harness signs with the trusted
//    test key first, since claims are only parsed once the signature holds:
//    expiry, not-before, issuer, audience, subject, roles and scopes.
// A token that verifies must name a subject.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "boost/json/parse.hpp"
#include "gateway/auth/jwt.h"
#include "tests/harness/test_tokens.h"

namespace {

using stadt::gateway::auth::JwtSigner;
using stadt::gateway::auth::JwtVerifier;

// The gateway's default clock in the seeds: 2027-01-15 08:00 UTC.
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

struct Keys {
  stadt::testing::TestTokens tokens;
  std::unique_ptr<JwtVerifier> verifier =
      JwtVerifier::Create(tokens.Keys(), {.issuer = stadt::testing::kTestIssuer,
                                          .audience = stadt::testing::kTestAudience})
          .value();
  std::unique_ptr<JwtSigner> signer =
      JwtSigner::Create(tokens.private_key_pem(), "ES256", tokens.Keys().front().kid).value();
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Keys* keys = new Keys();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<stadt::gateway::auth::Identity> identity;
  if (input.starts_with('{')) {
    boost::system::error_code error;
    boost::json::value claims = boost::json::parse(input, error);
    if (error || !claims.is_object()) return 0;
    absl::StatusOr<std::string> token = keys->signer->Sign(claims.get_object());
    if (!token.ok()) std::abort();  // signing a JSON object cannot fail
    identity = keys->verifier->Verify(*token, kNow);
  } else {
    identity = keys->verifier->Verify(input, kNow);
  }
  if (identity.ok() && identity->subject.empty()) std::abort();
  return 0;
}
