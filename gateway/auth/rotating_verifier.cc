#include "gateway/auth/rotating_verifier.h"

namespace stadt::gateway::auth {

absl::StatusOr<std::unique_ptr<RotatingVerifier>> RotatingVerifier::Create(
    const std::vector<PublicKeySpec>& keys, VerifierOptions options) {
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier = JwtVerifier::Create(keys, options);
  if (!verifier.ok()) return verifier.status();
  return std::unique_ptr<RotatingVerifier>(
      new RotatingVerifier(std::move(options), *std::move(verifier)));
}

std::shared_ptr<const JwtVerifier> RotatingVerifier::Current() const {
  absl::MutexLock lock(&mu_);
  return verifier_;
}

absl::StatusOr<Identity> RotatingVerifier::Verify(std::string_view compact_token,
                                                  absl::Time now) const {
  std::shared_ptr<const JwtVerifier> verifier;
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    verifier = verifier_;
    generation = generation_;
  }
  if (std::optional<Identity> known = cache_.Find(compact_token, generation, now)) return *known;
  absl::StatusOr<Identity> identity = verifier->Verify(compact_token, now);
  if (identity.ok()) {
    cache_.Insert(compact_token, generation, *identity, identity->expires_at + options_.leeway,
                  now);
  }
  return identity;
}

absl::Status RotatingVerifier::Replace(const std::vector<PublicKeySpec>& keys) {
  // Built outside the lock: requests keep verifying with the old keys.
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier = JwtVerifier::Create(keys, options_);
  if (!verifier.ok()) return verifier.status();
  absl::MutexLock lock(&mu_);
  verifier_ = *std::move(verifier);
  // Tokens remembered under the old keys are not trusted under the new ones.
  ++generation_;
  return absl::OkStatus();
}

}  // namespace stadt::gateway::auth
