#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stadt::crypto {

// Cryptographically secure random bytes (OpenSSL RAND_bytes).
std::string RandomBytes(size_t count);
// base64url without padding: for ids, codes and tokens that travel in URLs.
std::string Base64Url(std::string_view bytes);

std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
// Compares secrets without leaking where they differ through timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// AES-256-GCM for personal data at rest. The output is nonce || ciphertext ||
// tag; `associated_data` (e.g. the record id) binds a ciphertext to its record
// so it cannot be swapped into another one.
class Aead {
 public:
  static constexpr size_t kKeyBytes = 32;

  // `key` must be exactly 32 bytes.
  static absl::StatusOr<Aead> Create(std::string_view key);

  std::string Seal(std::string_view plaintext, std::string_view associated_data) const;
  absl::StatusOr<std::string> Open(std::string_view sealed, std::string_view associated_data) const;

 private:
  explicit Aead(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace stadt::crypto
