#include "gateway/auth/jwks.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway::auth {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr char kIssuer[] = "https://id.stadt.test";
constexpr char kAudience[] = "stadtportal";

std::string B64(std::string_view bytes) {
  return absl::WebSafeBase64Escape(absl::string_view(bytes.data(), bytes.size()));
}

std::string BignumBytes(EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  EVP_PKEY_get_bn_param(key, name, &value);
  std::string bytes(BN_num_bytes(value), '\0');
  BN_bn2bin(value, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(value);
  return bytes;
}

std::string PrivatePem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

// Key pairs made once per test binary: RSA generation is slow.
struct Keys {
  Keys() : rsa(EVP_RSA_gen(2048)), ec(EVP_EC_gen("P-256")) {}
  ~Keys() {
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
  }
  EVP_PKEY* rsa;
  EVP_PKEY* ec;
};
const Keys& TestKeys() {
  static const Keys* const keys = new Keys();
  return *keys;
}

json::object RsaJwk(const std::string& kid) {
  return {{"kty", "RSA"},
          {"kid", kid},
          {"use", "sig"},
          {"alg", "RS256"},
          {"n", B64(BignumBytes(TestKeys().rsa, OSSL_PKEY_PARAM_RSA_N))},
          {"e", B64(BignumBytes(TestKeys().rsa, OSSL_PKEY_PARAM_RSA_E))}};
}

json::object EcJwk(const std::string& kid) {
  unsigned char point[65];
  size_t length = 0;
  EVP_PKEY_get_octet_string_param(TestKeys().ec, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                  &length);
  std::string bytes(reinterpret_cast<char*>(point), length);
  return {{"kty", "EC"},
          {"kid", kid},
          {"crv", "P-256"},
          {"x", B64(bytes.substr(1, 32))},
          {"y", B64(bytes.substr(33, 32))}};
}

std::string Jwks(json::array keys) {
  return json::serialize(json::object{{"keys", std::move(keys)}});
}

std::string Mint(EVP_PKEY* key, const std::string& alg, const std::string& kid) {
  auto signer = JwtSigner::Create(PrivatePem(key), alg, kid);
  EXPECT_TRUE(signer.ok()) << signer.status();
  json::object claims{{"iss", kIssuer},
                      {"aud", kAudience},
                      {"sub", "citizen-1"},
                      {"exp", absl::ToUnixSeconds(kNow + absl::Minutes(5))}};
  return (*signer)->Sign(claims).value();
}

std::unique_ptr<JwtVerifier> VerifierFor(const std::string& jwks) {
  absl::StatusOr<std::vector<PublicKeySpec>> keys = ParseJwks(jwks);
  EXPECT_TRUE(keys.ok()) << keys.status();
  auto verifier = JwtVerifier::Create(*keys, {.issuer = kIssuer, .audience = kAudience});
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return *std::move(verifier);
}

TEST(JwksTest, VerifiesTokensOfRsaAndEcKeysByKid) {
  std::unique_ptr<JwtVerifier> verifier = VerifierFor(Jwks({RsaJwk("rs-1"), EcJwk("es-1")}));
  absl::StatusOr<Identity> rsa = verifier->Verify(Mint(TestKeys().rsa, "RS256", "rs-1"), kNow);
  ASSERT_TRUE(rsa.ok()) << rsa.status();
  EXPECT_EQ(rsa->subject, "citizen-1");
  EXPECT_TRUE(verifier->Verify(Mint(TestKeys().ec, "ES256", "es-1"), kNow).ok());
}

TEST(JwksTest, KidNeverPicksTheAlgorithm) {
  std::unique_ptr<JwtVerifier> verifier = VerifierFor(Jwks({RsaJwk("rs-1"), EcJwk("es-1")}));
  // An ES256 token naming the RSA key's kid is refused, whatever it claims.
  EXPECT_EQ(verifier->Verify(Mint(TestKeys().ec, "ES256", "rs-1"), kNow).status().message(),
            "alg_mismatch");
  EXPECT_EQ(verifier->Verify(Mint(TestKeys().ec, "ES256", "nobody"), kNow).status().message(),
            "unknown_key");
}

TEST(JwksTest, StatedAlgMustFitTheKeyType) {
  json::object key = EcJwk("es-1");
  key["alg"] = "RS256";
  absl::StatusOr<std::vector<PublicKeySpec>> keys = ParseJwks(Jwks({key}));
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("does not fit"));
}

TEST(JwksTest, RefusesSymmetricAndPrivateKeys) {
  EXPECT_FALSE(
      ParseJwks(Jwks({json::object{{"kty", "oct"}, {"kid", "h"}, {"k", "c2VjcmV0"}}})).ok());
  json::object with_private = EcJwk("es-1");
  with_private["d"] = "AAAA";
  absl::StatusOr<std::vector<PublicKeySpec>> keys = ParseJwks(Jwks({with_private}));
  ASSERT_FALSE(keys.ok());
  EXPECT_THAT(std::string(keys.status().message()), HasSubstr("private"));
}

TEST(JwksTest, SkipsEncryptionKeysButNeedsOneSigningKey) {
  json::object encryption = RsaJwk("enc-1");
  encryption["use"] = "enc";
  encryption.erase("alg");
  absl::StatusOr<std::vector<PublicKeySpec>> keys = ParseJwks(Jwks({encryption, EcJwk("es-1")}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].kid, "es-1");
  EXPECT_FALSE(ParseJwks(Jwks({encryption})).ok());
}

TEST(JwksTest, SkipsKeysForAlgorithmsTheGatewayDoesNotVerifyWith) {
  json::object other_curve = EcJwk("p384");
  other_curve["crv"] = "P-384";
  other_curve["alg"] = "ES384";
  json::object pss = RsaJwk("pss");
  pss["alg"] = "PS256";
  json::object rs512 = RsaJwk("rs512");
  rs512["alg"] = "RS512";
  json::object eddsa{{"kty", "OKP"}, {"kid", "ed"}, {"crv", "Ed25519"}, {"x", "AAAA"}};
  absl::StatusOr<std::vector<PublicKeySpec>> keys =
      ParseJwks(Jwks({other_curve, pss, EcJwk("es-1"), rs512, eddsa}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].kid, "es-1");
  EXPECT_FALSE(ParseJwks(Jwks({eddsa, pss})).ok());  // nothing left to verify with
}

TEST(JwksTest, RefusesMalformedKeys) {
  json::object no_kid = EcJwk("x");
  no_kid.erase("kid");
  json::object short_x = EcJwk("x");
  short_x["x"] = B64("short");
  json::object off_curve = EcJwk("x");
  off_curve["y"] = off_curve["x"];  // (x, x) is not on the curve
  json::object bad_base64 = RsaJwk("x");
  bad_base64["n"] = "***";
  json::object rsa_claiming_es256 = RsaJwk("x");
  rsa_claiming_es256["alg"] = "ES256";
  for (const json::object& key : {no_kid, short_x, off_curve, bad_base64, rsa_claiming_es256}) {
    EXPECT_FALSE(ParseJwks(Jwks({key})).ok()) << json::serialize(key);
  }
  for (const char* text : {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[1]})"}) {
    EXPECT_FALSE(ParseJwks(text).ok()) << text;
  }
}

TEST(JwksTest, LoadKeyDocumentReadsBothFormats) {
  const std::string dir = ::testing::TempDir();
  const std::string jwks_file = dir + "/jwks.json";
  std::ofstream(jwks_file) << Jwks({EcJwk("es-1")});
  absl::StatusOr<std::vector<PublicKeySpec>> from_jwks = LoadKeyDocument(jwks_file);
  ASSERT_TRUE(from_jwks.ok()) << from_jwks.status();
  ASSERT_EQ(from_jwks->size(), 1u);

  const std::string pem_file = dir + "/keys.json";
  std::ofstream(pem_file) << FormatKeyFile(*from_jwks);
  absl::StatusOr<std::vector<PublicKeySpec>> from_pem = LoadKeyDocument(pem_file);
  ASSERT_TRUE(from_pem.ok()) << from_pem.status();
  EXPECT_EQ((*from_pem)[0].public_key_pem, (*from_jwks)[0].public_key_pem);
  EXPECT_FALSE(LoadKeyDocument(dir + "/missing.json").ok());
}

TEST(JwksTest, FormatJwksPublishesWhatParseJwksReadsBack) {
  absl::StatusOr<std::vector<PublicKeySpec>> keys =
      ParseJwks(Jwks({RsaJwk("rs-1"), EcJwk("es-1")}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  absl::StatusOr<std::string> published = FormatJwks(*keys);
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->find("PUBLIC KEY"), std::string::npos);  // JWK members, not PEM
  std::unique_ptr<JwtVerifier> verifier = VerifierFor(*published);
  EXPECT_TRUE(verifier->Verify(Mint(TestKeys().rsa, "RS256", "rs-1"), kNow).ok());
  EXPECT_TRUE(verifier->Verify(Mint(TestKeys().ec, "ES256", "es-1"), kNow).ok());
  EXPECT_EQ(ParseJwks(*published)->at(1).public_key_pem, (*keys)[1].public_key_pem);

  PublicKeySpec mislabelled = (*keys)[1];
  mislabelled.alg = "RS256";  // an EC key
  EXPECT_FALSE(FormatJwks({mislabelled}).ok());
  EXPECT_FALSE(FormatJwks({{"broken", "ES256", "-----BEGIN PUBLIC KEY-----\n"}}).ok());
}

}  // namespace
}  // namespace stadt::gateway::auth
