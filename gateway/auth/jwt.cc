#include "gateway/auth/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace stadt::gateway::auth {

void internal::EvpPkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

namespace {

constexpr std::string_view kRs256 = "RS256";
constexpr std::string_view kEs256 = "ES256";
constexpr int kMinRsaBits = 2048;
// ES256 signatures are the fixed-width big-endian R||S pair (RFC 7518 3.4).
constexpr size_t kP256CoordinateBytes = 32;
constexpr size_t kEs256SignatureBytes = 2 * kP256CoordinateBytes;
// Header parameters that would have us fetch or trust key material named by the
// token, or honour extensions we do not implement (RFC 8725 3.10, RFC 7515 4.1.11).
constexpr std::string_view kForbiddenHeaders[] = {"crit", "jku", "jwk", "x5u", "x5c"};

template <auto kFree>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslFree<ECDSA_SIG_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree<EVP_MD_CTX_free>>;

absl::Status Reject(const char* reason) { return absl::UnauthenticatedError(reason); }

// Debian builds Abseil with its own absl::string_view, which does not convert
// to or from std::string_view.
template <typename Text>
absl::string_view AbslView(const Text& text) {
  return {text.data(), text.size()};
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* MutableBytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// OpenSSL queues errors per thread, and SSL_get_error() misreports unless the
// queue is empty before a TLS call, so failures here must not leave entries for
// whatever runs next on this thread.
template <typename T>
T DrainOpenSslErrors(T result) {
  ERR_clear_error();
  return result;
}

// Accepts only the canonical unpadded encoding, so one token has exactly one
// spelling (no padding, whitespace, or stray low bits that a lenient decoder
// would silently ignore).
std::optional<std::string> DecodeBase64Url(std::string_view encoded) {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(AbslView(encoded), &decoded) ||
      absl::WebSafeBase64Escape(decoded) != encoded) {
    return std::nullopt;
  }
  return decoded;
}

struct CompactParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signing_input;  // "header.payload", exactly as received.
};

std::optional<CompactParts> SplitCompact(std::string_view token) {
  const size_t first = token.find('.');
  const size_t second = first == token.npos ? token.npos : token.find('.', first + 1);
  if (second == token.npos || token.find('.', second + 1) != token.npos) return std::nullopt;
  return CompactParts{.header = token.substr(0, first),
                      .payload = token.substr(first + 1, second - first - 1),
                      .signature = token.substr(second + 1),
                      .signing_input = token.substr(0, second)};
}

std::optional<boost::json::object> ParseJsonObject(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

const boost::json::string* FindString(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value == nullptr ? nullptr : value->if_string();
}

absl::StatusOr<internal::EvpPkeyPtr> ReadPem(std::string_view pem, bool private_key) {
  // BIO_new_mem_buf reads a negative length as "NUL-terminated", so an
  // oversized input must not reach it.
  BioPtr bio(pem.size() <= static_cast<size_t>(std::numeric_limits<int>::max())
                 ? BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))
                 : nullptr);
  // A null password callback would make OpenSSL prompt on the terminal for
  // encrypted keys; failing is the only sane behaviour for a server or tool.
  pem_password_cb* no_password = [](char*, int, int, void*) { return -1; };
  internal::EvpPkeyPtr key;
  if (bio != nullptr) {
    key.reset(private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr)
                          : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr));
  }
  if (key == nullptr) {
    return DrainOpenSslErrors(absl::InvalidArgumentError(
        private_key ? "not an unencrypted PEM private key" : "not a PEM public key"));
  }
  return key;
}

bool IsP256(EVP_PKEY* key) {
  char group[64];
  size_t length = 0;
  return EVP_PKEY_get_group_name(key, group, sizeof(group), &length) == 1 &&
         std::strcmp(group, SN_X9_62_prime256v1) == 0;
}

absl::Status CheckKeyForAlg(EVP_PKEY* key, std::string_view alg) {
  if (alg == kRs256) {
    if (!EVP_PKEY_is_a(key, "RSA")) return absl::InvalidArgumentError("RS256 needs an RSA key");
    if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
      return absl::InvalidArgumentError("RSA key shorter than 2048 bits");
    }
    return absl::OkStatus();
  }
  if (alg == kEs256) {
    if (!EVP_PKEY_is_a(key, "EC") || !IsP256(key)) {
      return DrainOpenSslErrors(absl::InvalidArgumentError("ES256 needs an EC P-256 key"));
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("alg must be RS256 or ES256");
}

absl::StatusOr<internal::EvpPkeyPtr> LoadKey(std::string_view pem, std::string_view alg,
                                             bool private_key) {
  absl::StatusOr<internal::EvpPkeyPtr> key = ReadPem(pem, private_key);
  if (!key.ok()) return key.status();
  if (absl::Status status = CheckKeyForAlg(key->get(), alg); !status.ok()) return status;
  return key;
}

// JOSE carries ECDSA signatures as raw R||S, OpenSSL wants DER.
std::optional<std::string> RawEcdsaToDer(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(Bytes(raw), kP256CoordinateBytes, nullptr));
  BignumPtr s(BN_bin2bn(Bytes(raw.substr(kP256CoordinateBytes)), kP256CoordinateBytes, nullptr));
  if (sig == nullptr || r == nullptr || s == nullptr ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return DrainOpenSslErrors(std::nullopt);
  }
  // ECDSA_SIG_set0 took ownership: the pointers are the signature's now.
  (void)r.release();
  (void)s.release();
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return DrainOpenSslErrors(std::nullopt);
  std::string der(length, '\0');
  unsigned char* out = MutableBytes(der);
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) return DrainOpenSslErrors(std::nullopt);
  return der;
}

absl::StatusOr<std::string> DerEcdsaToRaw(std::string_view der) {
  const unsigned char* in = Bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (sig == nullptr) return DrainOpenSslErrors(absl::InternalError("unparsable ECDSA signature"));
  std::string raw(kEs256SignatureBytes, '\0');
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), MutableBytes(raw), kP256CoordinateBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), MutableBytes(raw) + kP256CoordinateBytes,
                   kP256CoordinateBytes) < 0) {
    return DrainOpenSslErrors(absl::InternalError("ECDSA signature component too large"));
  }
  return raw;
}

// `alg` has already been matched against the key, so SHA-256 plus the key type
// fully determine the scheme (PKCS#1 v1.5 is the EVP default for RSA).
bool VerifySignature(EVP_PKEY* key, std::string_view alg, std::string_view signing_input,
                     std::string_view signature) {
  std::optional<std::string> der;
  if (alg == kEs256) {
    der = RawEcdsaToDer(signature);
    if (!der.has_value()) return false;
    signature = *der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1 &&
      EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(signing_input),
                       signing_input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

absl::StatusOr<std::string> SignDigest(EVP_PKEY* key, std::string_view signing_input) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(EVP_PKEY_get_size(key), '\0');
  size_t length = signature.size();
  if (ctx == nullptr ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), MutableBytes(signature), &length, Bytes(signing_input),
                     signing_input.size()) != 1) {
    return DrainOpenSslErrors(absl::InternalError("signing failed"));
  }
  signature.resize(length);
  return signature;
}

std::optional<absl::Time> NumericDate(const boost::json::value& value) {
  if (!value.is_number()) return std::nullopt;
  boost::system::error_code ec;
  const double seconds = value.to_number<double>(ec);
  if (ec) return std::nullopt;
  // absl::Seconds saturates to an infinite duration instead of overflowing.
  return absl::UnixEpoch() + absl::Seconds(seconds);
}

// A present-but-wrong-typed time claim is an error, not "absent".
absl::StatusOr<std::optional<absl::Time>> OptionalNumericDate(const boost::json::object& claims,
                                                              std::string_view name) {
  const boost::json::value* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  std::optional<absl::Time> time = NumericDate(*value);
  if (!time.has_value()) return Reject("invalid_claims");
  return time;
}

bool AudienceMatches(const boost::json::value& aud, std::string_view audience) {
  if (const boost::json::string* single = aud.if_string()) return *single == audience;
  const boost::json::array* list = aud.if_array();
  if (list == nullptr) return false;
  for (const boost::json::value& entry : *list) {
    const boost::json::string* name = entry.if_string();
    if (name != nullptr && *name == audience) return true;
  }
  return false;
}

absl::Status ExtractRoles(const boost::json::object& claims, std::vector<std::string>& roles) {
  const boost::json::value* value = claims.if_contains("roles");
  if (value == nullptr) return absl::OkStatus();
  const boost::json::array* list = value->if_array();
  if (list == nullptr) return Reject("invalid_claims");
  for (const boost::json::value& entry : *list) {
    const boost::json::string* role = entry.if_string();
    if (role == nullptr) return Reject("invalid_claims");
    roles.emplace_back(*role);
  }
  return absl::OkStatus();
}

absl::Status ExtractScopes(const boost::json::object& claims, std::vector<std::string>& scopes) {
  const boost::json::value* value = claims.if_contains("scope");
  if (value == nullptr) return absl::OkStatus();
  const boost::json::string* scope = value->if_string();
  if (scope == nullptr) return Reject("invalid_claims");
  scopes = absl::StrSplit(AbslView(*scope), ' ', absl::SkipEmpty());
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequiredString(const boost::json::object& entry, const char* key) {
  const boost::json::string* value = FindString(entry, key);
  if (value == nullptr || value->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("missing string field \"", key, "\""));
  }
  return std::string(*value);
}

absl::StatusOr<PublicKeySpec> ParseKeyEntry(const boost::json::value& entry) {
  const boost::json::object* object = entry.if_object();
  if (object == nullptr) return absl::InvalidArgumentError("not a JSON object");
  absl::StatusOr<std::string> kid = RequiredString(*object, "kid");
  if (!kid.ok()) return kid.status();
  absl::StatusOr<std::string> alg = RequiredString(*object, "alg");
  if (!alg.ok()) return alg.status();
  absl::StatusOr<std::string> pem = RequiredString(*object, "public_key_pem");
  if (!pem.ok()) return pem.status();
  return PublicKeySpec{*std::move(kid), *std::move(alg), *std::move(pem)};
}

}  // namespace

absl::StatusOr<std::vector<PublicKeySpec>> ParseKeyFile(std::string_view json_text) {
  std::optional<boost::json::object> root = ParseJsonObject(json_text);
  const boost::json::value* keys = root.has_value() ? root->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array() || keys->get_array().empty()) {
    return absl::InvalidArgumentError("key file: expected {\"keys\": [...]} with at least one key");
  }
  std::vector<PublicKeySpec> specs;
  for (const boost::json::value& entry : keys->get_array()) {
    absl::StatusOr<PublicKeySpec> spec = ParseKeyEntry(entry);
    if (!spec.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key file: keys[", specs.size(), "]: ", spec.status().message()));
    }
    specs.push_back(*std::move(spec));
  }
  return specs;
}

absl::StatusOr<std::vector<PublicKeySpec>> LoadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open key file ", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read key file ", path));
  return ParseKeyFile(text);
}

std::string FormatKeyFile(const std::vector<PublicKeySpec>& keys) {
  boost::json::array entries;
  for (const PublicKeySpec& key : keys) {
    entries.push_back({{"kid", key.kid}, {"alg", key.alg}, {"public_key_pem", key.public_key_pem}});
  }
  return boost::json::serialize(boost::json::object{{"keys", std::move(entries)}});
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    const std::vector<PublicKeySpec>& keys, VerifierOptions options) {
  if (keys.empty()) return absl::InvalidArgumentError("no verification keys");
  if (options.issuer.empty() || options.audience.empty()) {
    return absl::InvalidArgumentError("issuer and audience are required");
  }
  if (options.leeway < absl::ZeroDuration()) return absl::InvalidArgumentError("negative leeway");
  std::vector<Key> loaded;
  for (const PublicKeySpec& spec : keys) {
    const auto same_kid = [&spec](const Key& key) { return key.kid == spec.kid; };
    if (spec.kid.empty() || std::any_of(loaded.begin(), loaded.end(), same_kid)) {
      return absl::InvalidArgumentError(absl::StrCat("empty or duplicate kid \"", spec.kid, "\""));
    }
    absl::StatusOr<internal::EvpPkeyPtr> pkey =
        LoadKey(spec.public_key_pem, spec.alg, /*private_key=*/false);
    if (!pkey.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key \"", spec.kid, "\": ", pkey.status().message()));
    }
    loaded.push_back(Key{spec.kid, spec.alg, *std::move(pkey)});
  }
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(loaded), std::move(options)));
}

absl::StatusOr<const JwtVerifier::Key*> JwtVerifier::SelectKey(
    const boost::json::object& header) const {
  const boost::json::value* kid = header.if_contains("kid");
  if (kid == nullptr) {
    // Without a kid, guessing among several keys would let the token steer us.
    if (keys_.size() != 1) return Reject("unknown_key");
    return &keys_.front();
  }
  if (!kid->is_string()) return Reject("token_malformed");
  for (const Key& key : keys_) {
    if (key.kid == kid->get_string()) return &key;
  }
  return Reject("unknown_key");
}

namespace {

// "JWT", or the access-token type of RFC 9068 that OpenID providers put on
// JWT access tokens, with or without its "application/" prefix (RFC 7515 4.1.9).
bool IsAcceptedTyp(absl::string_view typ) {
  absl::ConsumePrefix(&typ, "application/");
  return absl::EqualsIgnoreCase(typ, "JWT") || absl::EqualsIgnoreCase(typ, "at+jwt");
}

}  // namespace

absl::StatusOr<Identity> JwtVerifier::Verify(std::string_view compact_token, absl::Time now) const {
  if (compact_token.size() > options_.max_token_bytes) return Reject("token_too_large");
  const std::optional<CompactParts> parts = SplitCompact(compact_token);
  if (!parts.has_value()) return Reject("token_malformed");
  std::optional<std::string> header_json = DecodeBase64Url(parts->header);
  std::optional<std::string> signature = DecodeBase64Url(parts->signature);
  if (!header_json.has_value() || !signature.has_value()) return Reject("token_malformed");
  std::optional<boost::json::object> header = ParseJsonObject(*header_json);
  if (!header.has_value()) return Reject("token_malformed");

  const boost::json::string* alg = FindString(*header, "alg");
  if (alg == nullptr) return Reject("token_malformed");
  if (*alg != kRs256 && *alg != kEs256) return Reject("unsupported_alg");
  if (const boost::json::value* typ = header->if_contains("typ")) {
    if (!typ->is_string() || !IsAcceptedTyp(AbslView(typ->get_string()))) {
      return Reject("unsupported_typ");
    }
  }
  for (std::string_view name : kForbiddenHeaders) {
    if (header->contains(name)) return Reject("unsupported_header");
  }
  absl::StatusOr<const Key*> key = SelectKey(*header);
  if (!key.ok()) return key.status();
  if (*alg != (*key)->alg) return Reject("alg_mismatch");

  if (!VerifySignature((*key)->pkey.get(), (*key)->alg, parts->signing_input, *signature)) {
    return Reject("bad_signature");
  }
  // Claims are only parsed once authenticated, keeping the parser's attack
  // surface to signed input.
  std::optional<std::string> claims_json = DecodeBase64Url(parts->payload);
  std::optional<boost::json::object> claims =
      claims_json.has_value() ? ParseJsonObject(*claims_json) : std::nullopt;
  if (!claims.has_value()) return Reject("token_malformed");
  return CheckClaims(*claims, now);
}

absl::StatusOr<Identity> JwtVerifier::CheckClaims(const boost::json::object& claims,
                                                  absl::Time now) const {
  const boost::json::value* exp_value = claims.if_contains("exp");
  if (exp_value == nullptr) return Reject("missing_expiry");
  std::optional<absl::Time> exp = NumericDate(*exp_value);
  if (!exp.has_value()) return Reject("invalid_claims");
  absl::StatusOr<std::optional<absl::Time>> nbf = OptionalNumericDate(claims, "nbf");
  if (!nbf.ok()) return nbf.status();
  // iat carries no rule of its own here, but a garbled one means a broken issuer.
  if (absl::Status iat = OptionalNumericDate(claims, "iat").status(); !iat.ok()) return iat;
  if (now > *exp + options_.leeway) return Reject("token_expired");
  if (nbf->has_value() && now + options_.leeway < **nbf) return Reject("token_not_yet_valid");

  const boost::json::string* iss = FindString(claims, "iss");
  if (iss == nullptr || *iss != options_.issuer) return Reject("wrong_issuer");
  const boost::json::value* aud = claims.if_contains("aud");
  if (aud == nullptr || !AudienceMatches(*aud, options_.audience)) return Reject("wrong_audience");
  const boost::json::string* sub = FindString(claims, "sub");
  if (sub == nullptr || sub->empty()) return Reject("missing_subject");

  Identity identity;
  identity.subject = *sub;
  identity.expires_at = *exp;
  if (absl::Status status = ExtractRoles(claims, identity.roles); !status.ok()) return status;
  if (absl::Status status = ExtractScopes(claims, identity.scopes); !status.ok()) return status;
  return identity;
}

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::Create(std::string_view private_key_pem,
                                                             std::string alg, std::string kid) {
  absl::StatusOr<internal::EvpPkeyPtr> pkey = LoadKey(private_key_pem, alg, /*private_key=*/true);
  if (!pkey.ok()) return pkey.status();
  return std::unique_ptr<JwtSigner>(
      new JwtSigner(*std::move(pkey), std::move(alg), std::move(kid)));
}

absl::StatusOr<std::string> JwtSigner::Sign(const boost::json::object& claims) const {
  boost::json::object header{{"alg", alg_}, {"typ", "JWT"}};
  if (!kid_.empty()) header["kid"] = kid_;
  const std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape(boost::json::serialize(header)), ".",
                   absl::WebSafeBase64Escape(boost::json::serialize(claims)));
  absl::StatusOr<std::string> signature = SignDigest(pkey_.get(), signing_input);
  if (signature.ok() && alg_ == kEs256) signature = DerEcdsaToRaw(*signature);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signing_input, ".", absl::WebSafeBase64Escape(*signature));
}

}  // namespace stadt::gateway::auth
