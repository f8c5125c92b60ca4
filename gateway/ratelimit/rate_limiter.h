#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::gateway {

// A token bucket: holds up to `capacity` tokens (the burst) and refills
// `capacity` tokens per `period`, continuously. Each request takes one.
struct TokenBucketLimit {
  int capacity = 0;
  absl::Duration period;
};

// Parses "60/1m" (60 requests per minute, bursts of up to 60); "off" gives
// no limit (nullopt). INVALID_ARGUMENT for anything else.
absl::StatusOr<std::optional<TokenBucketLimit>> ParseTokenBucketLimit(std::string_view text);

struct BucketRequest {
  std::string key;
  TokenBucketLimit limit;
};

struct RateDecision {
  bool allowed = true;
  absl::Duration retry_after;  // when refused: until the emptiest bucket has a token
};

// Shared bucket state; the Redis implementation serves every gateway replica.
class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;
  // Takes one token from every bucket, or from none if any is empty: a
  // request refused by one limit does not use up another. UNAVAILABLE when
  // the store cannot be reached.
  virtual absl::StatusOr<RateDecision> Take(const std::vector<BucketRequest>& buckets,
                                            absl::Time now) = 0;
};

struct RateLimitPolicy {
  // By route class ("read", "write"); a class without an entry is unlimited.
  std::map<std::string, TokenBucketLimit, std::less<>> per_address;
  std::map<std::string, TokenBucketLimit, std::less<>> per_subject;
  // What to do when the store is unreachable: let requests through (open) or
  // refuse them (closed).
  bool fail_open = true;
};

struct RateLimitOutcome {
  enum class Kind { kAllowed, kLimited, kUnavailableOpen, kUnavailableClosed };
  Kind kind = Kind::kAllowed;
  absl::Duration retry_after;  // for kLimited
};

// Decides whether one request may pass: the route class's bucket of the
// client address and, for an authenticated caller, of the subject. Bucket
// keys carry digests, not addresses or subjects, so the store holds no
// personal data in clear.
class RateLimiter {
 public:
  RateLimiter(RateLimitStore& store, RateLimitPolicy policy)
      : store_(store), policy_(std::move(policy)) {}

  // `subject` empty: anonymous caller.
  RateLimitOutcome Check(std::string_view route_class, std::string_view client_address,
                         std::string_view subject, absl::Time now) const;

  bool fail_open() const { return policy_.fail_open; }

 private:
  RateLimitStore& store_;
  RateLimitPolicy policy_;
};

// The store key of one bucket: "ratelimit:{rl}:<class>:<scope>:<digest>".
// One hash tag for every bucket, so one script can take tokens from several.
std::string BucketKey(std::string_view route_class, std::string_view scope,
                      std::string_view identity);

}  // namespace stadt::gateway
