#include "services/common/crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "services/common/strings.h"

namespace stadt::crypto {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* MutableBytes(std::string& text) {
  return reinterpret_cast<unsigned char*>(text.data());
}

}  // namespace

std::string RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  // Failure means the OS entropy source is broken: nothing safe can continue.
  if (RAND_bytes(MutableBytes(bytes), static_cast<int>(count)) != 1) std::abort();
  return bytes;
}

std::string Base64Url(std::string_view bytes) { return absl::WebSafeBase64Escape(ToAbsl(bytes)); }

std::string Sha256(std::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(Bytes(data), data.size(), MutableBytes(digest));
  return digest;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string mac(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(),
       MutableBytes(mac), &length);
  mac.resize(length);
  return mac;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::StatusOr<Aead> Aead::Create(std::string_view key) {
  if (key.size() != kKeyBytes)
    return absl::InvalidArgumentError("AES-256-GCM key must be 32 bytes");
  return Aead(std::string(key));
}

std::string Aead::Seal(std::string_view plaintext, std::string_view associated_data) const {
  std::string out = RandomBytes(kNonceBytes);
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  // With a valid key and nonce these calls cannot fail short of memory
  // exhaustion, where aborting is the only safe reaction.
  if (context == nullptr ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_),
                         Bytes(out.substr(0, kNonceBytes))) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), MutableBytes(out) + kNonceBytes, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), MutableBytes(out) + kNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          MutableBytes(out) + kNonceBytes + plaintext.size()) != 1) {
    std::abort();
  }
  return out;
}

absl::StatusOr<std::string> Aead::Open(std::string_view sealed,
                                       std::string_view associated_data) const {
  if (sealed.size() < kNonceBytes + kTagBytes) return absl::DataLossError("sealed data too short");
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view ciphertext =
      sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plaintext(ciphertext.size(), '\0');
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (context == nullptr ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(nonce)) !=
          1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), MutableBytes(plaintext), &length, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, MutableBytes(tag)) != 1 ||
      EVP_DecryptFinal_ex(context.get(), MutableBytes(plaintext) + length, &length) != 1) {
    return absl::DataLossError("sealed data failed authentication");
  }
  return plaintext;
}

}  // namespace stadt::crypto
