#include "tests/harness/test_tokens.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <iostream>

namespace stadt::testing {
namespace {

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

[[noreturn]] void Die(const char* what) {
  std::cerr << "TestTokens: " << what << "\n";
  std::abort();
}

}  // namespace

TestTokens::TestTokens(std::string kid) : kid_(std::move(kid)) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) Die("key generation failed");
  BIO* private_bio = BIO_new(BIO_s_mem());
  BIO* public_bio = BIO_new(BIO_s_mem());
  if (PEM_write_bio_PrivateKey(private_bio, key, nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(public_bio, key) != 1) {
    Die("PEM export failed");
  }
  private_pem_ = BioToString(private_bio);
  public_pem_ = BioToString(public_bio);
  BIO_free(private_bio);
  BIO_free(public_bio);
  EVP_PKEY_free(key);
  absl::StatusOr<std::unique_ptr<gateway::auth::JwtSigner>> signer =
      gateway::auth::JwtSigner::Create(private_pem_, "ES256", kid_);
  if (!signer.ok()) Die("signer creation failed");
  signer_ = *std::move(signer);
}

std::vector<gateway::auth::PublicKeySpec> TestTokens::Keys() const {
  return {{kid_, "ES256", public_pem_}};
}

std::string TestTokens::KeyFileJson() const { return gateway::auth::FormatKeyFile(Keys()); }

std::string TestTokens::Mint(const std::string& subject, const std::vector<std::string>& roles,
                             absl::Time now, absl::Duration ttl, const std::string& issuer,
                             const std::string& scope) const {
  boost::json::array role_array;
  for (const std::string& role : roles) role_array.push_back(boost::json::string(role));
  boost::json::object claims{{"iss", issuer},
                             {"aud", kTestAudience},
                             {"sub", subject},
                             {"iat", absl::ToUnixSeconds(now)},
                             {"exp", absl::ToUnixSeconds(now + ttl)},
                             {"roles", std::move(role_array)}};
  if (!scope.empty()) claims["scope"] = scope;
  absl::StatusOr<std::string> token = signer_->Sign(claims);
  if (!token.ok()) Die("signing failed");
  return *token;
}

std::string TestTokens::MintWithClaims(const std::string& subject, const boost::json::object& extra,
                                       absl::Time now, absl::Duration ttl) const {
  boost::json::object claims{{"iss", kTestIssuer},
                             {"aud", kTestAudience},
                             {"sub", subject},
                             {"iat", absl::ToUnixSeconds(now)},
                             {"exp", absl::ToUnixSeconds(now + ttl)}};
  for (const auto& [key, value] : extra) claims[key] = value;
  absl::StatusOr<std::string> token = signer_->Sign(claims);
  if (!token.ok()) Die("signing failed");
  return *token;
}

}  // namespace stadt::testing
