// Fuzzes the gateway's verification key documents: a JSON Web Key Set as an
// identity provider publishes it, and the gateway's own PEM key file. Keys
// either parser accepts are loaded into a verifier, as at gateway start.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gateway/auth/jwks.h"
#include "gateway/auth/jwt.h"

namespace {

void LoadIntoVerifier(
    const absl::StatusOr<std::vector<stadt::gateway::auth::PublicKeySpec>>& keys) {
  if (!keys.ok()) return;
  (void)stadt::gateway::auth::JwtVerifier::Create(
      *keys, {.issuer = "https://id.stadt.test", .audience = "stadtportal"});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadIntoVerifier(stadt::gateway::auth::ParseJwks(text));
  LoadIntoVerifier(stadt::gateway::auth::ParseKeyFile(text));
  return 0;
}
