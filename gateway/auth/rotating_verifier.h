#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/auth/jwt.h"
#include "gateway/auth/verified_token_cache.h"

namespace stadt::gateway::auth {

// A TokenVerifier whose key set can be replaced while requests verify: the
// common core of the verifiers that follow a key file (KeyFileVerifier) and
// a provider's JWKS URL (JwksUrlVerifier). A request verifies with the key
// set it started with. Verified tokens are remembered (VerifiedTokenCache)
// until they expire or the key set is replaced.
class RotatingVerifier final : public TokenVerifier {
 public:
  // Fails when the keys do not load (malformed, weak, duplicate kids).
  static absl::StatusOr<std::unique_ptr<RotatingVerifier>> Create(
      const std::vector<PublicKeySpec>& keys, VerifierOptions options);

  absl::StatusOr<Identity> Verify(std::string_view compact_token, absl::Time now) const override;

  // Swaps in `keys`. Keys that do not load are refused with the reason, and
  // the key set in use stays.
  absl::Status Replace(const std::vector<PublicKeySpec>& keys);

  // The verifier in use, for tests and logs.
  std::shared_ptr<const JwtVerifier> Current() const;
  // How many verified tokens are remembered, for tests and metrics.
  size_t remembered_tokens() const { return cache_.size(); }

 private:
  RotatingVerifier(VerifierOptions options, std::shared_ptr<const JwtVerifier> verifier)
      : options_(std::move(options)),
        verifier_(std::move(verifier)),
        cache_(options_.verified_cache_entries) {}

  const VerifierOptions options_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const JwtVerifier> verifier_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped with each new key set
  mutable VerifiedTokenCache cache_;
};

}  // namespace stadt::gateway::auth
