#include "gateway/auth/jwt.h"

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kIssuer[] = "https://idp.stadt.example";
constexpr char kAudience[] = "stadtportal";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

int64_t Unix(absl::Time t) { return absl::ToUnixSeconds(t); }

// Abseil here has its own string_view type, so helpers take absl::string_view.
std::string B64(absl::string_view bytes) { return absl::WebSafeBase64Escape(bytes); }

std::string Unb64(absl::string_view encoded) {
  std::string decoded;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(encoded, &decoded));
  return decoded;
}

// Collapses a verification result into one comparable string so a failing
// expectation shows the actual reason.
std::string Outcome(const absl::StatusOr<Identity>& result) {
  if (result.ok()) return "ok";
  if (result.status().code() != absl::StatusCode::kUnauthenticated) {
    return result.status().ToString();
  }
  return std::string(result.status().message());
}

using PemWriter = int (*)(BIO*, EVP_PKEY*);

std::string ToPem(EVP_PKEY* key, PemWriter write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  EXPECT_EQ(write(bio.get(), key), 1);
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio.get(), &mem);
  return std::string(mem->data, mem->length);
}

std::string PublicPem(EVP_PKEY* key) {
  return ToPem(key, [](BIO* bio, EVP_PKEY* k) { return PEM_write_bio_PUBKEY(bio, k); });
}

std::string PrivatePem(EVP_PKEY* key) {
  return ToPem(key, [](BIO* bio, EVP_PKEY* k) {
    return PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

// Signs with SHA-256 straight through EVP, bypassing JwtSigner, so tests can
// forge tokens with arbitrary headers. EC keys yield DER, not JOSE R||S.
std::string RawSign(EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::string sig(EVP_PKEY_get_size(key), '\0');
  size_t length = sig.size();
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &length,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(length);
  return sig;
}

std::string SigningInput(const boost::json::object& header, const boost::json::object& claims) {
  return absl::StrCat(B64(boost::json::serialize(header)), ".",
                      B64(boost::json::serialize(claims)));
}

std::string Forge(const boost::json::object& header, const boost::json::object& claims,
                  EVP_PKEY* key) {
  const std::string input = SigningInput(header, claims);
  return absl::StrCat(input, ".", B64(RawSign(key, input)));
}

// Splits a token, lets `edit` change one part, and joins it back.
template <typename Edit>
std::string EditPart(absl::string_view token, int index, Edit edit) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  parts[index] = B64(edit(Unb64(parts[index])));
  return absl::StrJoin(parts, ".");
}

class JwtTest : public ::testing::Test {
 protected:
  using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

  // Key generation is slow (RSA especially under ASan), so the suite shares one set.
  static void SetUpTestSuite() {
    rsa_key_.reset(EVP_RSA_gen(2048));
    ec_key_.reset(EVP_EC_gen("P-256"));
    ASSERT_NE(rsa_key_, nullptr);
    ASSERT_NE(ec_key_, nullptr);
  }

  // Freed here rather than at static destruction, which may run after OpenSSL's
  // own exit-time cleanup.
  static void TearDownTestSuite() {
    rsa_key_.reset();
    ec_key_.reset();
  }

  static EVP_PKEY* Rsa() { return rsa_key_.get(); }
  static EVP_PKEY* Ec() { return ec_key_.get(); }

  static std::vector<PublicKeySpec> BothKeys() {
    return {{"rs-1", "RS256", PublicPem(Rsa())}, {"es-1", "ES256", PublicPem(Ec())}};
  }

  static std::unique_ptr<JwtVerifier> MakeVerifier(std::vector<PublicKeySpec> keys = BothKeys(),
                                                   absl::Duration leeway = absl::Seconds(30)) {
    auto verifier = JwtVerifier::Create(
        keys,
        {.issuer = kIssuer, .audience = kAudience, .leeway = leeway, .max_token_bytes = 2048});
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return verifier.ok() ? *std::move(verifier) : nullptr;
  }

  static boost::json::object Claims() {
    return {{"iss", kIssuer},
            {"aud", kAudience},
            {"sub", "user-42"},
            {"iat", Unix(kNow)},
            {"exp", Unix(kNow + absl::Minutes(10))}};
  }

  static std::string Mint(const boost::json::object& claims, std::string alg = "RS256",
                          std::string kid = "rs-1") {
    EVP_PKEY* key = alg == "ES256" ? Ec() : Rsa();
    auto signer = JwtSigner::Create(PrivatePem(key), std::move(alg), std::move(kid));
    EXPECT_TRUE(signer.ok()) << signer.status();
    auto token = (*signer)->Sign(claims);
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }

  static std::string MintEs(const boost::json::object& claims) {
    return Mint(claims, "ES256", "es-1");
  }

  static boost::json::object RsHeader() { return {{"alg", "RS256"}, {"kid", "rs-1"}}; }

  static absl::Status CreateWith(PublicKeySpec spec) {
    absl::Status status =
        JwtVerifier::Create({std::move(spec)}, {.issuer = kIssuer, .audience = kAudience}).status();
    EXPECT_EQ(ERR_peek_error(), 0u) << status;
    return status;
  }

  // Also asserts that failures leave nothing on OpenSSL's per-thread error
  // queue, where a later TLS call on the same thread would trip over it.
  std::string Check(std::string_view token, absl::Time now = kNow) const {
    std::string outcome = Outcome(verifier_->Verify(token, now));
    EXPECT_EQ(ERR_peek_error(), 0u) << outcome;
    return outcome;
  }

  std::unique_ptr<JwtVerifier> verifier_ = MakeVerifier();

 private:
  static inline KeyPtr rsa_key_{nullptr, &EVP_PKEY_free};
  static inline KeyPtr ec_key_{nullptr, &EVP_PKEY_free};
};

TEST_F(JwtTest, VerifiesRs256Token) {
  absl::StatusOr<Identity> identity = verifier_->Verify(Mint(Claims()), kNow);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->subject, "user-42");
  EXPECT_EQ(identity->expires_at, kNow + absl::Minutes(10));
  EXPECT_THAT(identity->roles, IsEmpty());
  EXPECT_THAT(identity->scopes, IsEmpty());
}

TEST_F(JwtTest, VerifiesEs256TokenWithRawSignature) {
  const std::string token = MintEs(Claims());
  EXPECT_EQ(Check(token), "ok");
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  EXPECT_THAT(Unb64(parts[2]), SizeIs(64));
}

TEST_F(JwtTest, ExtractsRolesAndScopes) {
  boost::json::object claims = Claims();
  claims["roles"] = {"citizen", "future-role"};
  claims["scope"] = "appointments.read  appointments.write ";
  absl::StatusOr<Identity> identity = verifier_->Verify(Mint(claims), kNow);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_THAT(identity->roles, ElementsAre("citizen", "future-role"));
  EXPECT_THAT(identity->scopes, ElementsAre("appointments.read", "appointments.write"));
}

TEST_F(JwtTest, RejectsMistypedRolesOrScope) {
  boost::json::object claims = Claims();
  claims["roles"] = "admin";
  EXPECT_EQ(Check(Mint(claims)), "invalid_claims");
  claims["roles"] = {"citizen", 7};
  EXPECT_EQ(Check(Mint(claims)), "invalid_claims");
  claims.erase("roles");
  claims["scope"] = {"a", "b"};
  EXPECT_EQ(Check(Mint(claims)), "invalid_claims");
}

TEST_F(JwtTest, RejectsExpiredToken) {
  boost::json::object claims = Claims();
  claims["exp"] = Unix(kNow - absl::Minutes(5));
  EXPECT_EQ(Check(Mint(claims)), "token_expired");
}

TEST_F(JwtTest, RejectsTokenNotYetValid) {
  boost::json::object claims = Claims();
  claims["nbf"] = Unix(kNow + absl::Minutes(5));
  EXPECT_EQ(Check(Mint(claims)), "token_not_yet_valid");
}

TEST_F(JwtTest, HonoursLeewayAtBothEnds) {
  boost::json::object claims = Claims();
  claims["exp"] = Unix(kNow);
  claims["nbf"] = Unix(kNow);
  const std::string token = Mint(claims);
  EXPECT_EQ(Check(token, kNow + absl::Seconds(30)), "ok");
  EXPECT_EQ(Check(token, kNow + absl::Seconds(31)), "token_expired");
  EXPECT_EQ(Check(token, kNow - absl::Seconds(30)), "ok");
  EXPECT_EQ(Check(token, kNow - absl::Seconds(31)), "token_not_yet_valid");

  std::unique_ptr<JwtVerifier> strict = MakeVerifier(BothKeys(), absl::ZeroDuration());
  EXPECT_EQ(Outcome(strict->Verify(token, kNow + absl::Seconds(1))), "token_expired");
}

TEST_F(JwtTest, RequiresNumericExp) {
  boost::json::object claims = Claims();
  claims["exp"] = "tomorrow";
  EXPECT_EQ(Check(Mint(claims)), "invalid_claims");
  claims.erase("exp");
  EXPECT_EQ(Check(Mint(claims)), "missing_expiry");
  claims = Claims();
  claims["nbf"] = nullptr;
  EXPECT_EQ(Check(Mint(claims)), "invalid_claims");
}

TEST_F(JwtTest, AcceptsFractionalAndHugeExp) {
  boost::json::object claims = Claims();
  claims["exp"] = static_cast<double>(Unix(kNow)) + 0.5;
  EXPECT_EQ(Check(Mint(claims)), "ok");
  claims["exp"] = 1e300;
  EXPECT_EQ(Check(Mint(claims)), "ok");
}

TEST_F(JwtTest, RejectsWrongIssuer) {
  boost::json::object claims = Claims();
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(Check(Mint(claims)), "wrong_issuer");
  claims.erase("iss");
  EXPECT_EQ(Check(Mint(claims)), "wrong_issuer");
}

TEST_F(JwtTest, AcceptsAudienceAsStringOrArray) {
  boost::json::object claims = Claims();
  claims["aud"] = {"other", kAudience};
  EXPECT_EQ(Check(Mint(claims)), "ok");
  claims["aud"] = "other";
  EXPECT_EQ(Check(Mint(claims)), "wrong_audience");
  claims["aud"] = {"other", "stadtportal-admin"};
  EXPECT_EQ(Check(Mint(claims)), "wrong_audience");
  claims.erase("aud");
  EXPECT_EQ(Check(Mint(claims)), "wrong_audience");
}

TEST_F(JwtTest, RequiresSubject) {
  boost::json::object claims = Claims();
  claims["sub"] = "";
  EXPECT_EQ(Check(Mint(claims)), "missing_subject");
  claims["sub"] = 42;
  EXPECT_EQ(Check(Mint(claims)), "missing_subject");
  claims.erase("sub");
  EXPECT_EQ(Check(Mint(claims)), "missing_subject");
}

TEST_F(JwtTest, RejectsTamperedPayload) {
  const std::string token = Mint(Claims());
  const std::string tampered = EditPart(token, 1, [](std::string payload) {
    payload.replace(payload.find("user-42"), 7, "admin-1");
    return payload;
  });
  EXPECT_EQ(Check(tampered), "bad_signature");
}

TEST_F(JwtTest, RejectsTamperedSignature) {
  const auto flip_bit = [](std::string sig) {
    sig[sig.size() / 2] ^= 0x01;
    return sig;
  };
  EXPECT_EQ(Check(EditPart(Mint(Claims()), 2, flip_bit)), "bad_signature");
  EXPECT_EQ(Check(EditPart(MintEs(Claims()), 2, flip_bit)), "bad_signature");
}

TEST_F(JwtTest, RejectsSignatureByAnotherKeyUnderKnownKid) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> other(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  auto signer = JwtSigner::Create(PrivatePem(other.get()), "ES256", "es-1");
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(Check(*(*signer)->Sign(Claims())), "bad_signature");
}

TEST_F(JwtTest, RejectsAlgNone) {
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string input = SigningInput({{"alg", alg}, {"kid", "rs-1"}}, Claims());
    EXPECT_EQ(Check(absl::StrCat(input, ".")), "unsupported_alg") << alg;
  }
}

TEST_F(JwtTest, RejectsAlgSwitchedAgainstKey) {
  // The token claims ES256 but names the RSA key: the key decides, not the token.
  const std::string input = SigningInput({{"alg", "ES256"}, {"kid", "rs-1"}}, Claims());
  EXPECT_EQ(Check(absl::StrCat(input, ".", B64(std::string(64, 'x')))), "alg_mismatch");
  EXPECT_EQ(Check(Forge({{"alg", "RS256"}, {"kid", "es-1"}}, Claims(), Rsa())), "alg_mismatch");
}

TEST_F(JwtTest, RejectsHs256MadeWithPublicKeyAsSecret) {
  // The classic confusion attack: a verifier that lets the token pick HMAC
  // would accept this, since the public key is no secret.
  const std::string secret = PublicPem(Rsa());
  const std::string input = SigningInput({{"alg", "HS256"}, {"kid", "rs-1"}}, Claims());
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_length = 0;
  ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                      reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
                      sizeof(mac), &mac_length),
            nullptr);
  const std::string token =
      absl::StrCat(input, ".", B64({reinterpret_cast<const char*>(mac), mac_length}));
  EXPECT_EQ(Check(token), "unsupported_alg");
}

TEST_F(JwtTest, SelectsKeyByKid) {
  EXPECT_EQ(Check(Mint(Claims(), "RS256", "nope")), "unknown_key");
  EXPECT_EQ(Check(Mint(Claims(), "RS256", "")), "unknown_key");
  EXPECT_EQ(Check(Forge({{"alg", "RS256"}, {"kid", 1}}, Claims(), Rsa())), "token_malformed");
}

TEST_F(JwtTest, MissingKidUsesTheOnlyKey) {
  std::unique_ptr<JwtVerifier> single = MakeVerifier({{"es-1", "ES256", PublicPem(Ec())}});
  EXPECT_EQ(Outcome(single->Verify(Mint(Claims(), "ES256", ""), kNow)), "ok");
}

TEST_F(JwtTest, RejectsGarbage) {
  const std::string token = Mint(Claims());
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  const std::string claims = B64(boost::json::serialize(Claims()));
  for (const std::string& garbage : {
           std::string(""),
           std::string("abc"),
           absl::StrCat(parts[0], ".", parts[1]),
           absl::StrCat(token, ".", parts[2]),
           absl::StrCat("!!!.", parts[1], ".", parts[2]),
           absl::StrCat(parts[0], ".", parts[1], ".", parts[2], "="),
           absl::StrCat(parts[0], " .", parts[1], ".", parts[2]),
           absl::StrCat(B64("not json"), ".", claims, ".", parts[2]),
           absl::StrCat(B64(R"(["alg","RS256"])"), ".", claims, ".", parts[2]),
           absl::StrCat(B64(R"({"kid":"rs-1"})"), ".", claims, ".", parts[2]),
           absl::StrCat(B64(R"({"alg":256})"), ".", claims, ".", parts[2]),
       }) {
    EXPECT_EQ(Check(garbage), "token_malformed") << garbage;
  }
}

TEST_F(JwtTest, RejectsSignedButUnparsablePayload) {
  const std::string input = absl::StrCat(B64(R"({"alg":"RS256","kid":"rs-1"})"), ".", B64("[]"));
  EXPECT_EQ(Check(absl::StrCat(input, ".", B64(RawSign(Rsa(), input)))), "token_malformed");
}

TEST_F(JwtTest, RejectsOversizeTokenBeforeParsing) {
  boost::json::object claims = Claims();
  claims["pad"] = std::string(1500, 'p');
  EXPECT_EQ(Check(Mint(claims)), "token_too_large");
  EXPECT_EQ(Check(std::string(2049, '.')), "token_too_large");
  EXPECT_EQ(Check(std::string(2048, '.')), "token_malformed");
}

TEST_F(JwtTest, RejectsKeyBearingAndCriticalHeaders) {
  for (const char* name : {"crit", "jku", "jwk", "x5u", "x5c"}) {
    boost::json::object header = RsHeader();
    header[name] = boost::json::array{"exp"};  // crit is a list of names
    EXPECT_EQ(Check(Forge(header, Claims(), Rsa())), "unsupported_header") << name;
  }
}

// "at+jwt" (RFC 9068) is what an OpenID provider's JWT access tokens carry.
TEST_F(JwtTest, TypMustBeJwtOrAccessTokenJwt) {
  boost::json::object header = RsHeader();
  header["typ"] = "jwt";
  EXPECT_EQ(Check(Forge(header, Claims(), Rsa())), "ok");
  header["typ"] = "at+jwt";
  EXPECT_EQ(Check(Forge(header, Claims(), Rsa())), "ok");
  header["typ"] = "application/at+jwt";
  EXPECT_EQ(Check(Forge(header, Claims(), Rsa())), "ok");
  header["typ"] = "id+jwt";
  EXPECT_EQ(Check(Forge(header, Claims(), Rsa())), "unsupported_typ");
  header["typ"] = 1;
  EXPECT_EQ(Check(Forge(header, Claims(), Rsa())), "unsupported_typ");
}

TEST_F(JwtTest, RejectsEs256SignatureOfWrongLength) {
  const std::string token = MintEs(Claims());
  const auto append = [](std::string sig) { return sig + '\0'; };
  const auto truncate = [](std::string sig) { return sig.substr(0, 63); };
  EXPECT_EQ(Check(EditPart(token, 2, append)), "bad_signature");
  EXPECT_EQ(Check(EditPart(token, 2, truncate)), "bad_signature");
  // A correct signature in DER form is the usual interop mistake; JOSE forbids it.
  const boost::json::object header = {{"alg", "ES256"}, {"kid", "es-1"}};
  EXPECT_EQ(Check(Forge(header, Claims(), Ec())), "bad_signature");
}

TEST_F(JwtTest, ParsesKeyFile) {
  const std::vector<PublicKeySpec> keys = BothKeys();
  absl::StatusOr<std::vector<PublicKeySpec>> parsed = ParseKeyFile(FormatKeyFile(keys));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_THAT(*parsed, SizeIs(2));
  EXPECT_EQ((*parsed)[1].kid, "es-1");
  EXPECT_EQ((*parsed)[1].alg, "ES256");
  EXPECT_EQ((*parsed)[1].public_key_pem, keys[1].public_key_pem);
  EXPECT_TRUE(JwtVerifier::Create(*parsed, {.issuer = kIssuer, .audience = kAudience}).ok());
}

TEST_F(JwtTest, LoadsKeyFileFromDisk) {
  const std::string path = ::testing::TempDir() + "/jwt_test_keys.json";
  std::ofstream(path) << FormatKeyFile(BothKeys());
  absl::StatusOr<std::vector<PublicKeySpec>> loaded = LoadKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT(*loaded, SizeIs(2));
  EXPECT_EQ(LoadKeyFile(path + ".missing").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(JwtTest, KeyFileRejectsMissingFields) {
  for (const char* text : {
           "",
           "[]",
           R"({"keys":[]})",
           R"({"keys":{"kid":"a"}})",
           R"({"keys":["a"]})",
           R"({"keys":[{"alg":"RS256","public_key_pem":"x"}]})",
           R"({"keys":[{"kid":"a","public_key_pem":"x"}]})",
           R"({"keys":[{"kid":"a","alg":"RS256"}]})",
           R"({"keys":[{"kid":"","alg":"RS256","public_key_pem":"x"}]})",
           R"({"keys":[{"kid":"a","alg":"RS256","public_key_pem":7}]})",
       }) {
    EXPECT_EQ(ParseKeyFile(text).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST_F(JwtTest, CreateRejectsBadPem) {
  EXPECT_THAT(CreateWith({"k", "RS256", "-----BEGIN PUBLIC KEY-----\nAAAA\n"}).message(),
              HasSubstr("not a PEM public key"));
  EXPECT_THAT(CreateWith({"k", "RS256", PrivatePem(Rsa())}).message(),
              HasSubstr("not a PEM public key"));
}

TEST_F(JwtTest, CreateRejectsWrongKeyTypeForAlg) {
  EXPECT_THAT(CreateWith({"k", "ES256", PublicPem(Rsa())}).message(), HasSubstr("P-256"));
  EXPECT_THAT(CreateWith({"k", "RS256", PublicPem(Ec())}).message(), HasSubstr("RSA"));
  EXPECT_THAT(CreateWith({"k", "HS256", PublicPem(Rsa())}).message(), HasSubstr("alg"));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> p384(EVP_EC_gen("P-384"), &EVP_PKEY_free);
  EXPECT_THAT(CreateWith({"k", "ES256", PublicPem(p384.get())}).message(), HasSubstr("P-256"));
}

TEST_F(JwtTest, CreateRejectsRsaShorterThan2048) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> rsa1024(EVP_RSA_gen(1024), &EVP_PKEY_free);
  EXPECT_THAT(CreateWith({"k", "RS256", PublicPem(rsa1024.get())}).message(), HasSubstr("2048"));
  EXPECT_FALSE(JwtSigner::Create(PrivatePem(rsa1024.get()), "RS256", "k").ok());
}

TEST_F(JwtTest, CreateRejectsInconsistentConfiguration) {
  const PublicKeySpec key{"k", "RS256", PublicPem(Rsa())};
  EXPECT_FALSE(JwtVerifier::Create({key, key}, {.issuer = kIssuer, .audience = kAudience}).ok());
  EXPECT_FALSE(JwtVerifier::Create({}, {.issuer = kIssuer, .audience = kAudience}).ok());
  EXPECT_FALSE(JwtVerifier::Create({key}, {.issuer = "", .audience = kAudience}).ok());
  EXPECT_EQ(CreateWith({"", "RS256", PublicPem(Rsa())}).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(JwtTest, SignerRejectsPublicKeyAndMismatchedAlg) {
  EXPECT_FALSE(JwtSigner::Create(PublicPem(Rsa()), "RS256", "k").ok());
  EXPECT_FALSE(JwtSigner::Create(PrivatePem(Rsa()), "ES256", "k").ok());
  EXPECT_FALSE(JwtSigner::Create(PrivatePem(Ec()), "none", "k").ok());
}

}  // namespace
}  // namespace stadt::gateway::auth
