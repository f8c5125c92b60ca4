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

absl::StatusOr<std::unique_ptr<KeyFileVerifier>> KeyFileVerifier::Create(std::string path,
                                                                         VerifierOptions options) {
  // Stamped before reading: a change while reading is seen by the next reload.
  const Stamp stamp = StampOf(path);
  absl::StatusOr<std::vector<PublicKeySpec>> keys = LoadKeyDocument(path);
  if (!keys.ok()) return keys.status();
  absl::StatusOr<std::unique_ptr<RotatingVerifier>> verifier =
      RotatingVerifier::Create(*keys, std::move(options));
  if (!verifier.ok()) return verifier.status();
  return std::unique_ptr<KeyFileVerifier>(
      new KeyFileVerifier(std::move(path), stamp, *std::move(verifier)));
}

absl::StatusOr<Identity> KeyFileVerifier::Verify(std::string_view compact_token,
                                                 absl::Time now) const {
  return keys_->Verify(compact_token, now);
}

absl::StatusOr<bool> KeyFileVerifier::ReloadIfChanged() {
  const Stamp stamp = StampOf(path_);
  absl::MutexLock lock(&mu_);
  if (stamp == stamp_) return false;
  absl::StatusOr<std::vector<PublicKeySpec>> keys = LoadKeyDocument(path_);
  if (!keys.ok()) return keys.status();
  if (absl::Status replaced = keys_->Replace(*keys); !replaced.ok()) return replaced;
  stamp_ = stamp;
  return true;
}

}  // namespace stadt::gateway::auth
