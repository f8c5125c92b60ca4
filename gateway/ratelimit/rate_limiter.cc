#include "gateway/ratelimit/rate_limiter.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

constexpr int kMaxCapacity = 1'000'000;
constexpr size_t kDigestBytes = 16;  // 128 bits: collisions are not a concern

}  // namespace

absl::StatusOr<std::optional<TokenBucketLimit>> ParseTokenBucketLimit(std::string_view text) {
  if (text == "off") return std::nullopt;
  const size_t slash = text.find('/');
  TokenBucketLimit limit;
  if (slash == std::string_view::npos ||
      !absl::SimpleAtoi(ToAbsl(text.substr(0, slash)), &limit.capacity) ||
      !absl::ParseDuration(ToAbsl(text.substr(slash + 1)), &limit.period)) {
    return absl::InvalidArgumentError("expected <requests>/<duration>, e.g. 60/1m, or off");
  }
  if (limit.capacity < 1 || limit.capacity > kMaxCapacity) {
    return absl::InvalidArgumentError("requests must be between 1 and 1000000");
  }
  if (limit.period < absl::Milliseconds(1) || limit.period > absl::Hours(24)) {
    return absl::InvalidArgumentError("duration must be between 1ms and 24h");
  }
  return limit;
}

std::string BucketKey(std::string_view route_class, std::string_view scope,
                      std::string_view identity) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(identity.data()), identity.size(), digest);
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), kDigestBytes));
  return absl::StrCat("ratelimit:{rl}:", ToAbsl(route_class), ":", ToAbsl(scope), ":", hex);
}

RateLimitOutcome RateLimiter::Check(std::string_view route_class, std::string_view client_address,
                                    std::string_view subject, absl::Time now) const {
  std::vector<BucketRequest> buckets;
  if (auto it = policy_.per_address.find(route_class); it != policy_.per_address.end()) {
    buckets.push_back({BucketKey(route_class, "address", client_address), it->second});
  }
  if (auto it = policy_.per_subject.find(route_class);
      !subject.empty() && it != policy_.per_subject.end()) {
    buckets.push_back({BucketKey(route_class, "subject", subject), it->second});
  }
  if (buckets.empty()) return {};
  absl::StatusOr<RateDecision> decision = store_.Take(buckets, now);
  if (!decision.ok()) {
    return {policy_.fail_open ? RateLimitOutcome::Kind::kUnavailableOpen
                              : RateLimitOutcome::Kind::kUnavailableClosed,
            absl::ZeroDuration()};
  }
  if (decision->allowed) return {};
  return {RateLimitOutcome::Kind::kLimited, decision->retry_after};
}

}  // namespace stadt::gateway
