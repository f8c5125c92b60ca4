#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/auth/jwt.h"
#include "gateway/auth/rotating_verifier.h"

namespace stadt::gateway::auth {

// A JwtVerifier over the keys in a file (a JWKS or the PEM key file, see
// LoadKeyDocument) that picks up a changed file without a restart: when the
// identity provider rotates its keys, a sidecar or a mounted Secret/ConfigMap
// rewrites the file and the next ReloadIfChanged() swaps the new keys in.
// Requests verifying meanwhile finish with the keys they started with. A new
// file that does not load (unreadable, malformed, a weak key) is refused and
// the keys in use stay. Verified tokens are remembered (VerifiedTokenCache)
// until they expire or the keys change.
class KeyFileVerifier final : public TokenVerifier {
 public:
  // Fails when the file does not load: at start, a broken file is an error.
  static absl::StatusOr<std::unique_ptr<KeyFileVerifier>> Create(std::string path,
                                                                 VerifierOptions options);

  absl::StatusOr<Identity> Verify(std::string_view compact_token, absl::Time now) const override;

  // Reloads if the file's modification time, size or inode changed since the
  // last successful load. Returns whether new keys were swapped in; a file
  // that does not load is an error status, and the old keys stay (the file is
  // tried again at the next call).
  absl::StatusOr<bool> ReloadIfChanged();

  // The verifier in use, for tests and logs.
  std::shared_ptr<const JwtVerifier> Current() const { return keys_->Current(); }
  // How many verified tokens are remembered, for tests and metrics.
  size_t remembered_tokens() const { return keys_->remembered_tokens(); }

 private:
  struct Stamp {
    bool operator==(const Stamp&) const = default;
    ino_t inode = 0;
    off_t size = 0;
    int64_t modified_ns = 0;
  };

  KeyFileVerifier(std::string path, Stamp stamp, std::unique_ptr<RotatingVerifier> keys)
      : path_(std::move(path)), stamp_(stamp), keys_(std::move(keys)) {}
  static Stamp StampOf(const std::string& path);

  const std::string path_;
  absl::Mutex mu_;
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  const std::unique_ptr<RotatingVerifier> keys_;
};

}  // namespace stadt::gateway::auth
