#include "gateway/pow/proof_of_work.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "services/common/crypto/crypto.h"
#include "services/common/strings.h"

namespace stadt::gateway::pow {
namespace {

namespace json = boost::json;

constexpr size_t kNonceBytes = 16;
constexpr size_t kHexDigestLength = 64;
constexpr std::string_view kExpiresField = "?expires=";
// Unix seconds up to the year 33658: enough, and far from overflowing.
constexpr size_t kMaxExpiresDigits = 12;

std::string HexSha256(std::string_view data) {
  return absl::BytesToHexString(ToAbsl(crypto::Sha256(data)));
}

bool IsLowerHex(std::string_view text, size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

// Standard base64 (what a browser's btoa() writes), padding optional.
std::optional<std::string> DecodeBase64(std::string_view text) {
  const size_t data_end = text.find_last_not_of('=') + 1;
  if (text.empty() || text.size() - data_end > 2) return std::nullopt;
  const bool alphabet = std::all_of(text.begin(), text.begin() + data_end, [](char c) {
    return absl::ascii_isalnum(c) || c == '+' || c == '/';
  });
  std::string decoded;
  if (!alphabet || !absl::Base64Unescape(ToAbsl(text), &decoded)) return std::nullopt;
  return decoded;
}

// The expiry of a salt this gateway made: "<32 hex>?expires=<digits>&".
std::optional<absl::Time> SaltExpiry(std::string_view salt) {
  const size_t nonce_length = 2 * kNonceBytes;
  if (salt.size() < nonce_length + kExpiresField.size() + 2 ||
      !IsLowerHex(salt.substr(0, nonce_length), nonce_length) ||
      salt.substr(nonce_length, kExpiresField.size()) != kExpiresField || salt.back() != '&') {
    return std::nullopt;
  }
  const std::string_view digits = salt.substr(
      nonce_length + kExpiresField.size(), salt.size() - nonce_length - kExpiresField.size() - 1);
  int64_t seconds = 0;
  if (digits.empty() || digits.size() > kMaxExpiresDigits || digits.front() == '0' ||
      !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(ToAbsl(digits), &seconds)) {
    return std::nullopt;
  }
  return absl::FromUnixSeconds(seconds);
}

const json::string* StringMember(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(json::string_view(name.data(), name.size()));
  return value != nullptr && value->is_string() ? &value->get_string() : nullptr;
}

std::string_view View(const json::string& text) { return {text.data(), text.size()}; }

// A uniformly drawn number in [0, max].
int64_t RandomNumber(int64_t max) {
  const uint64_t range = static_cast<uint64_t>(max) + 1;
  // Draws at or above `limit` would favour small numbers; draw again.
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % range;
  while (true) {
    const std::string bytes = crypto::RandomBytes(sizeof(uint64_t));
    uint64_t draw = 0;
    std::memcpy(&draw, bytes.data(), sizeof(draw));
    if (draw < limit) return static_cast<int64_t>(draw % range);
  }
}

}  // namespace

std::string ChallengeJson(const Challenge& challenge) {
  return json::serialize(json::object{
      {"algorithm", challenge.algorithm},
      {"challenge", challenge.challenge},
      {"salt", challenge.salt},
      {"maxNumber", challenge.max_number},
      {"signature", challenge.signature},
      {"expires", absl::FormatTime("%Y-%m-%d%ET%H:%M:%SZ", challenge.expires, absl::UTCTimeZone())},
  });
}

absl::StatusOr<std::unique_ptr<ProofOfWork>> ProofOfWork::Create(Options options) {
  if (options.secret.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the secret must have at least ", kMinSecretBytes, " bytes"));
  }
  if (options.max_number < 1 || options.max_number > kMaxMaxNumber) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_number must be between 1 and ", kMaxMaxNumber));
  }
  if (options.ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError("the ttl must be at least one second");
  }
  return std::unique_ptr<ProofOfWork>(new ProofOfWork(std::move(options)));
}

std::string ProofOfWork::Sign(std::string_view challenge) const {
  return absl::BytesToHexString(ToAbsl(crypto::HmacSha256(options_.secret, challenge)));
}

Challenge ProofOfWork::NewChallenge(absl::Time now) const {
  return NewChallengeWith(now, crypto::RandomBytes(kNonceBytes), RandomNumber(options_.max_number));
}

Challenge ProofOfWork::NewChallengeWith(absl::Time now, std::string_view nonce,
                                        int64_t number) const {
  // Exactly kNonceBytes, so that every salt has the form SaltExpiry reads.
  std::string nonce_bytes(nonce.substr(0, kNonceBytes));
  nonce_bytes.resize(kNonceBytes, '\0');
  // Rounded up to whole seconds: a challenge is good for at least the ttl.
  int64_t expires = absl::ToUnixSeconds(now + options_.ttl);
  if (absl::FromUnixSeconds(expires) < now + options_.ttl) ++expires;
  Challenge challenge;
  challenge.algorithm = std::string(kAlgorithm);
  challenge.salt =
      absl::StrCat(absl::BytesToHexString(nonce_bytes), ToAbsl(kExpiresField), expires, "&");
  challenge.challenge = HexSha256(absl::StrCat(challenge.salt, number));
  challenge.max_number = options_.max_number;
  challenge.signature = Sign(challenge.challenge);
  challenge.expires = absl::FromUnixSeconds(expires);
  return challenge;
}

Verification ProofOfWork::Verify(std::string_view encoded, absl::Time now) const {
  Verification invalid;
  if (encoded.size() > kMaxSolutionBytes) return invalid;
  const std::optional<std::string> payload = DecodeBase64(encoded);
  if (!payload.has_value()) return invalid;
  boost::system::error_code error;
  const json::value root = json::parse(json::string_view(payload->data(), payload->size()), error);
  if (error || !root.is_object()) return invalid;
  const json::object& object = root.get_object();
  const json::string* algorithm = StringMember(object, "algorithm");
  const json::string* challenge = StringMember(object, "challenge");
  const json::string* salt = StringMember(object, "salt");
  const json::string* signature = StringMember(object, "signature");
  const json::value* number = object.if_contains("number");
  if (algorithm == nullptr || challenge == nullptr || salt == nullptr || signature == nullptr ||
      number == nullptr || !number->is_int64() || number->get_int64() < 0) {
    return invalid;
  }
  if (View(*algorithm) != kAlgorithm || !IsLowerHex(View(*challenge), kHexDigestLength)) {
    return invalid;
  }
  // Only a challenge this gateway made is worth hashing for.
  if (!crypto::ConstantTimeEquals(View(*signature), Sign(View(*challenge)))) return invalid;
  const std::optional<absl::Time> expires = SaltExpiry(View(*salt));
  if (!expires.has_value()) return invalid;
  if (HexSha256(absl::StrCat(ToAbsl(View(*salt)), number->get_int64())) != View(*challenge)) {
    return invalid;
  }
  if (now >= *expires) return {Verdict::kExpired, std::string(View(*challenge)), *expires};
  return {Verdict::kAccepted, std::string(View(*challenge)), *expires};
}

std::optional<int64_t> Solve(std::string_view salt, std::string_view challenge,
                             int64_t max_number) {
  for (int64_t number = 0; number <= max_number; ++number) {
    if (HexSha256(absl::StrCat(ToAbsl(salt), number)) == challenge) return number;
  }
  return std::nullopt;
}

std::string EncodeSolution(const Challenge& challenge, int64_t number) {
  return absl::Base64Escape(json::serialize(json::object{{"algorithm", challenge.algorithm},
                                                         {"challenge", challenge.challenge},
                                                         {"number", number},
                                                         {"salt", challenge.salt},
                                                         {"signature", challenge.signature}}));
}

absl::StatusOr<bool> InMemoryUsedChallenges::MarkUsed(std::string_view challenge,
                                                      absl::Time keep_until, absl::Time now) {
  absl::MutexLock lock(&mu_);
  std::erase_if(used_, [now](const auto& entry) { return entry.second <= now; });
  return used_.emplace(std::string(challenge), keep_until).second;
}

std::string_view ReasonOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return "";
    case Outcome::kRequired:
      return "pow_required";
    case Outcome::kInvalid:
      return "pow_invalid";
    case Outcome::kExpired:
      return "pow_expired";
    case Outcome::kReplayed:
      return "pow_replayed";
    case Outcome::kUnavailable:
      return "pow_unavailable";
  }
  return "pow_invalid";
}

Outcome Guard::Check(std::optional<std::string_view> solution, absl::Time now) const {
  if (!solution.has_value() || solution->empty()) return Outcome::kRequired;
  const Verification verification = pow_.Verify(*solution, now);
  switch (verification.verdict) {
    case Verdict::kInvalid:
      return Outcome::kInvalid;
    case Verdict::kExpired:
      return Outcome::kExpired;
    case Verdict::kAccepted:
      break;
  }
  // Last, and only for correct solutions: the one check with a side effect.
  absl::StatusOr<bool> first_use =
      used_.MarkUsed(verification.challenge, verification.expires + kClockSkew, now);
  if (!first_use.ok()) return Outcome::kUnavailable;
  return *first_use ? Outcome::kPassed : Outcome::kReplayed;
}

}  // namespace stadt::gateway::pow
