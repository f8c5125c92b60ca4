#include "gateway/auth/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"

namespace stadt::gateway::auth {
namespace {

namespace json = boost::json;

constexpr size_t kP256CoordinateBytes = 32;
constexpr size_t kMaxRsaModulusBytes = 1024;  // 8192 bits

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

absl::Status Invalid(std::string_view problem) {
  return absl::InvalidArgumentError(absl::string_view(problem.data(), problem.size()));
}

// A required base64url member, decoded.
absl::StatusOr<std::string> Base64UrlMember(const json::object& key, std::string_view name) {
  const json::value* value = key.if_contains(name);
  std::string decoded;
  if (value == nullptr || !value->is_string() ||
      !absl::WebSafeBase64Unescape(
          absl::string_view(value->get_string().data(), value->get_string().size()), &decoded) ||
      decoded.empty()) {
    return Invalid(absl::StrCat("\"", absl::string_view(name.data(), name.size()),
                                "\" must be non-empty base64url"));
  }
  return decoded;
}

// Builds the key from its parameters and checks it is a valid public key
// (for EC: the point lies on the curve).
absl::StatusOr<Pkey> FromData(const char* type, OSSL_PARAM_BLD* builder) {
  Params params(OSSL_PARAM_BLD_to_param(builder));
  PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || context == nullptr || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Invalid("key parameters do not form a key");
  }
  Pkey pkey(raw);
  PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return Invalid("not a valid public key");
  }
  return pkey;
}

absl::StatusOr<Pkey> RsaKey(const json::object& key) {
  absl::StatusOr<std::string> n = Base64UrlMember(key, "n");
  if (!n.ok()) return n.status();
  absl::StatusOr<std::string> e = Base64UrlMember(key, "e");
  if (!e.ok()) return e.status();
  if (n->size() > kMaxRsaModulusBytes || e->size() > 8) return Invalid("RSA key too large");
  auto bytes = [](const std::string& text) {
    return reinterpret_cast<const unsigned char*>(text.data());
  };
  Bignum modulus(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
  Bignum exponent(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (modulus == nullptr || exponent == nullptr || builder == nullptr ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return Invalid("cannot build the RSA key");
  }
  return FromData("RSA", builder.get());
}

absl::StatusOr<Pkey> P256Key(const json::object& key) {
  const json::value* curve = key.if_contains("crv");
  if (curve == nullptr || *curve != "P-256") return Invalid("only EC keys on P-256 are accepted");
  absl::StatusOr<std::string> x = Base64UrlMember(key, "x");
  if (!x.ok()) return x.status();
  absl::StatusOr<std::string> y = Base64UrlMember(key, "y");
  if (!y.ok()) return y.status();
  if (x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return Invalid("P-256 coordinates must be 32 bytes");
  }
  const std::string point = absl::StrCat("\x04", *x, *y);  // uncompressed SEC1 point
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return Invalid("cannot build the EC key");
  }
  return FromData("EC", builder.get());
}

absl::StatusOr<std::string> PublicKeyPem(EVP_PKEY* pkey) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) {
    return absl::InternalError("cannot encode the key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string StringMember(const json::object& key, std::string_view name) {
  const json::value* value = key.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

// nullopt: a key for something else, skipped.
absl::StatusOr<std::optional<PublicKeySpec>> ParseJwk(const json::value& entry) {
  if (!entry.is_object()) return Invalid("a key must be an object");
  const json::object& key = entry.get_object();
  const std::string kty = StringMember(key, "kty");
  if (kty == "oct") return Invalid("symmetric keys are refused");
  for (const char* private_part : {"d", "p", "q", "dp", "dq", "qi"}) {
    if (key.contains(private_part)) return Invalid("a private key does not belong in a key set");
  }
  const std::string use = StringMember(key, "use");
  if (!use.empty() && use != "sig") return std::optional<PublicKeySpec>();
  PublicKeySpec spec;
  spec.kid = StringMember(key, "kid");
  if (spec.kid.empty()) return Invalid("every key needs a kid");
  // A provider may publish keys the gateway does not verify with (EdDSA,
  // other curves, PS256): they are skipped, so that adding one at the
  // provider does not stop the gateway from taking the others.
  const std::string alg = StringMember(key, "alg");
  absl::StatusOr<Pkey> pkey = Invalid("unsupported key type");
  if (kty == "RSA") {
    spec.alg = "RS256";
    if (!alg.empty() && alg != spec.alg && (alg.starts_with("RS") || alg.starts_with("PS"))) {
      return std::optional<PublicKeySpec>();
    }
  } else if (kty == "EC") {
    spec.alg = "ES256";
    if (StringMember(key, "crv") != "P-256" || (alg != spec.alg && alg.starts_with("ES"))) {
      return std::optional<PublicKeySpec>();
    }
  } else {
    return std::optional<PublicKeySpec>();
  }
  if (!alg.empty() && alg != spec.alg) {
    return Invalid(absl::StrCat("alg ", alg, " does not fit a ", kty, " key"));
  }
  pkey = kty == "RSA" ? RsaKey(key) : P256Key(key);
  if (!pkey.ok()) return pkey.status();
  absl::StatusOr<std::string> pem = PublicKeyPem(pkey->get());
  if (!pem.ok()) return pem.status();
  spec.public_key_pem = *std::move(pem);
  return spec;
}

std::string Base64Url(std::string_view bytes) {
  return absl::WebSafeBase64Escape(absl::string_view(bytes.data(), bytes.size()));
}

absl::StatusOr<std::string> BignumParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return Invalid("key parameter missing");
  Bignum value(raw);
  std::string bytes(BN_num_bytes(value.get()), '\0');
  BN_bn2bin(value.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

absl::StatusOr<json::object> JwkOf(const PublicKeySpec& spec) {
  Bio bio(
      BIO_new_mem_buf(spec.public_key_pem.data(), static_cast<int>(spec.public_key_pem.size())));
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return Invalid(absl::StrCat("key ", spec.kid, ": not a PEM public key"));
  json::object jwk{{"kid", spec.kid}, {"use", "sig"}, {"alg", spec.alg}};
  if (spec.alg == "RS256" && EVP_PKEY_is_a(key.get(), "RSA")) {
    absl::StatusOr<std::string> n = BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_N);
    absl::StatusOr<std::string> e = BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_E);
    if (!n.ok() || !e.ok()) return Invalid(absl::StrCat("key ", spec.kid, ": incomplete RSA key"));
    jwk["kty"] = "RSA";
    jwk["n"] = Base64Url(*n);
    jwk["e"] = Base64Url(*e);
    return jwk;
  }
  unsigned char point[1 + 2 * kP256CoordinateBytes];
  size_t length = 0;
  if (spec.alg != "ES256" || !EVP_PKEY_is_a(key.get(), "EC") ||
      EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                      &length) != 1 ||
      length != sizeof(point)) {
    return Invalid(absl::StrCat("key ", spec.kid, ": neither an RS256 nor an ES256 key"));
  }
  const std::string_view bytes(reinterpret_cast<const char*>(point), length);
  jwk["kty"] = "EC";
  jwk["crv"] = "P-256";
  jwk["x"] = Base64Url(bytes.substr(1, kP256CoordinateBytes));
  jwk["y"] = Base64Url(bytes.substr(1 + kP256CoordinateBytes, kP256CoordinateBytes));
  return jwk;
}

}  // namespace

absl::StatusOr<std::string> FormatJwks(const std::vector<PublicKeySpec>& keys) {
  json::array jwks;
  for (const PublicKeySpec& spec : keys) {
    absl::StatusOr<json::object> jwk = JwkOf(spec);
    if (!jwk.ok()) return jwk.status();
    jwks.push_back(*std::move(jwk));
  }
  return json::serialize(json::object{{"keys", std::move(jwks)}});
}

absl::StatusOr<std::vector<PublicKeySpec>> ParseJwks(std::string_view json_text) {
  boost::system::error_code error;
  json::value root = json::parse(json::string_view(json_text.data(), json_text.size()), error);
  const json::value* keys =
      !error && root.is_object() ? root.get_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return Invalid("JWKS: expected {\"keys\": [...]}");
  }
  std::vector<PublicKeySpec> specs;
  for (size_t i = 0; i < keys->get_array().size(); ++i) {
    absl::StatusOr<std::optional<PublicKeySpec>> spec = ParseJwk(keys->get_array()[i]);
    if (!spec.ok()) {
      return Invalid(absl::StrCat("JWKS: keys[", i, "]: ", spec.status().message()));
    }
    if (spec->has_value()) specs.push_back(**std::move(spec));
  }
  if (specs.empty()) return Invalid("JWKS: no signing key");
  return specs;
}

absl::StatusOr<std::vector<PublicKeySpec>> LoadKeyDocument(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open key file ", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (absl::StrContains(text, "\"kty\"")) return ParseJwks(text);
  return ParseKeyFile(text);
}

}  // namespace stadt::gateway::auth
