#include "gateway/auth/key_file_verifier.h"

#include "gateway/auth/jwks.h"

namespace stadt::gateway::auth {

KeyFileVerifier::Stamp KeyFileVerifier::StampOf(const std::string& path) {
  // stat follows symlinks: a Kubernetes volume swaps a "..data" link, and
  // the file behind it is a new inode.
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return Stamp{};
  return Stamp{info.st_ino, info.st_size,
               static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
}

absl::StatusOr<std::shared_ptr<const JwtVerifier>> KeyFileVerifier::Load(
    const std::string& path, const VerifierOptions& options) {
  absl::StatusOr<std::vector<PublicKeySpec>> keys = LoadKeyDocument(path);
  if (!keys.ok()) return keys.status();
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier = JwtVerifier::Create(*keys, options);
  if (!verifier.ok()) return verifier.status();
  return std::shared_ptr<const JwtVerifier>(*std::move(verifier));
}

absl::StatusOr<std::unique_ptr<KeyFileVerifier>> KeyFileVerifier::Create(std::string path,
                                                                         VerifierOptions options) {
  // Stamped before reading: a change while reading is seen by the next reload.
  const Stamp stamp = StampOf(path);
  absl::StatusOr<std::shared_ptr<const JwtVerifier>> verifier = Load(path, options);
  if (!verifier.ok()) return verifier.status();
  return std::unique_ptr<KeyFileVerifier>(
      new KeyFileVerifier(std::move(path), std::move(options), stamp, *std::move(verifier)));
}

std::shared_ptr<const JwtVerifier> KeyFileVerifier::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return verifier_;
}

absl::StatusOr<Identity> KeyFileVerifier::Verify(std::string_view compact_token,
                                                 absl::Time now) const {
  std::shared_ptr<const JwtVerifier> verifier;
  uint64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
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

absl::StatusOr<bool> KeyFileVerifier::ReloadIfChanged() {
  const Stamp stamp = StampOf(path_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stamp == stamp_) return false;
  }
  // Loaded outside the lock: requests keep verifying with the old keys.
  absl::StatusOr<std::shared_ptr<const JwtVerifier>> verifier = Load(path_, options_);
  if (!verifier.ok()) return verifier.status();
  std::lock_guard<std::mutex> lock(mu_);
  stamp_ = stamp;
  verifier_ = *std::move(verifier);
  ++generation_;
  return true;
}

}  // namespace stadt::gateway::auth
