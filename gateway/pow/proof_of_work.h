#pragma once

// Proof of work in the manner of ALTCHA: the gateway hands out a signed
// challenge, the client finds by brute force the number that produced it, and
// sends the solution along with a request the route wants protected. A solved
// challenge costs a client about max_number / 2 SHA-256 computations and the
// gateway two; a script flooding a route pays per request.
//
//   salt      = "<32 hex random>?expires=<unix seconds>&"
//   challenge = hex SHA-256(salt + decimal number), number secret in [0, max_number]
//   signature = hex HMAC-SHA-256(secret, challenge)
//
// The signature makes the challenge the gateway's; the hash binds salt and
// number to it, so neither the expiry in the salt nor the number can be
// changed. The salt ends in '&' so that digits of the number cannot be moved
// into the expiry ("…expires=1700000000&" + "42" has one split only).
//
// No HTTP, Redis or gRPC here: the gateway reads the header and the
// UsedChallenges store remembers what was used.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace stadt::gateway::pow {

inline constexpr std::string_view kAlgorithm = "SHA-256";
inline constexpr size_t kMinSecretBytes = 32;
inline constexpr int64_t kMaxMaxNumber = 100'000'000;
// Longer header values are refused before they are decoded.
inline constexpr size_t kMaxSolutionBytes = 2048;

struct Options {
  // HMAC key, the same on every gateway replica; at least kMinSecretBytes.
  std::string secret;
  // Difficulty: the secret number is drawn from [0, max_number].
  int64_t max_number = 100'000;
  // How long a challenge may be solved and used.
  absl::Duration ttl = absl::Minutes(5);
};

struct Challenge {
  std::string algorithm;  // kAlgorithm
  std::string challenge;  // 64 lower-case hex digits
  std::string salt;
  int64_t max_number = 0;
  std::string signature;  // 64 lower-case hex digits
  absl::Time expires;
};

// The JSON the client gets: {"algorithm","challenge","salt","maxNumber",
// "signature","expires"} with `expires` as an RFC 3339 UTC time.
std::string ChallengeJson(const Challenge& challenge);

enum class Verdict { kAccepted, kInvalid, kExpired };

struct Verification {
  Verdict verdict = Verdict::kInvalid;
  // When accepted: the challenge, which identifies the solution for the
  // single-use check, and when it expires.
  std::string challenge;
  absl::Time expires;
};

// Makes and checks challenges. Thread-safe.
class ProofOfWork {
 public:
  // INVALID_ARGUMENT for a short secret, max_number outside
  // [1, kMaxMaxNumber] or a ttl below one second.
  static absl::StatusOr<std::unique_ptr<ProofOfWork>> Create(Options options);

  // A fresh challenge with a random salt and number, valid until now + ttl
  // (rounded up to whole seconds).
  Challenge NewChallenge(absl::Time now) const;
  // The same with a given nonce (any bytes; hex-encoded into the salt) and
  // number; for tests.
  Challenge NewChallengeWith(absl::Time now, std::string_view nonce, int64_t number) const;

  // Checks a solution as the client sends it: base64 of the JSON
  // {"algorithm","challenge","number","salt","signature"} (ALTCHA's payload;
  // other members are ignored). kInvalid for anything malformed, a wrong
  // algorithm, a signature that is not ours, a salt or number that does not
  // give the challenge; kExpired for a correct solution past its expiry. Says
  // nothing about earlier use: that is the Guard's job.
  Verification Verify(std::string_view encoded, absl::Time now) const;

  const Options& options() const { return options_; }

 private:
  explicit ProofOfWork(Options options) : options_(std::move(options)) {}
  std::string Sign(std::string_view challenge) const;

  const Options options_;
};

// What a client does: the number in [0, max_number] with SHA-256(salt +
// number) == challenge, if there is one.
std::optional<int64_t> Solve(std::string_view salt, std::string_view challenge, int64_t max_number);
// The header value for a solution: base64 of the JSON payload.
std::string EncodeSolution(const Challenge& challenge, int64_t number);

// Remembers used challenges, shared by every gateway replica.
class UsedChallenges {
 public:
  virtual ~UsedChallenges() = default;
  // Records `challenge` as used, to be remembered until `keep_until`. True
  // when it was not used before, false when it was; UNAVAILABLE when the
  // store cannot be reached (the caller must then refuse: fail closed).
  virtual absl::StatusOr<bool> MarkUsed(std::string_view challenge, absl::Time keep_until,
                                        absl::Time now) = 0;
};

// In one process only: for tests.
class InMemoryUsedChallenges final : public UsedChallenges {
 public:
  absl::StatusOr<bool> MarkUsed(std::string_view challenge, absl::Time keep_until,
                                absl::Time now) override;

 private:
  absl::Mutex mu_;
  std::map<std::string, absl::Time, std::less<>> used_ ABSL_GUARDED_BY(mu_);
};

enum class Outcome { kPassed, kRequired, kInvalid, kExpired, kReplayed, kUnavailable };

// The machine-readable reason of a refusal: "pow_required", "pow_invalid",
// "pow_expired", "pow_replayed", "pow_unavailable"; "" for kPassed.
std::string_view ReasonOf(Outcome outcome);

// Replicas' clocks may differ a little: a used challenge is remembered this
// long past its expiry.
inline constexpr absl::Duration kClockSkew = absl::Minutes(1);

// The whole check of one request: the solution is correct, unexpired, and
// used for the first time.
class Guard {
 public:
  Guard(const ProofOfWork& pow, UsedChallenges& used) : pow_(pow), used_(used) {}

  // `solution`: the header value; nullopt when the request has none.
  Outcome Check(std::optional<std::string_view> solution, absl::Time now) const;

  const ProofOfWork& pow() const { return pow_; }

 private:
  const ProofOfWork& pow_;
  UsedChallenges& used_;
};

}  // namespace stadt::gateway::pow
