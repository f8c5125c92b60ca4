#include "gateway/auth/test_signing_key.h"

#include <openssl/pem.h>

#include "absl/strings/str_cat.h"

namespace stadt::gateway::auth::testing {

std::string PemOf(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (private_key) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio, key);
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

TestSigningKey::TestSigningKey(const std::string& kid) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  spec = {kid, "ES256", PemOf(key, /*private_key=*/false)};
  signer = JwtSigner::Create(PemOf(key, /*private_key=*/true), "ES256", kid).value();
  EVP_PKEY_free(key);
}

std::string TestSigningKey::Token(std::string_view issuer, std::string_view audience,
                                  absl::Time expires) const {
  return signer
      ->Sign({{"iss", issuer},
              {"aud", audience},
              {"sub", absl::StrCat("citizen-of-", spec.kid)},
              {"exp", absl::ToUnixSeconds(expires)}})
      .value();
}

}  // namespace stadt::gateway::auth::testing
