#include "gateway/ratelimit/redis_rate_limit_store.h"

#include "absl/strings/str_cat.h"
#include "gateway/ratelimit/lua/scripts.h"

namespace stadt::gateway {
namespace {

// KEYS: the buckets. ARGV[1]: now in ms; then per bucket its capacity and
// its refill period in ms. Returns {1, 0} when a token was taken from every
// bucket, or {0, wait_ms} (nothing taken) until the emptiest has one.
// The caller's clock is used, not Redis TIME, so tests control time; a
// replica whose clock lags cannot move a bucket's timestamp backwards.
const redis::Script& TakeScript() {
  static const redis::Script* const script = new redis::Script(std::string(kTakeTokensLua));
  return *script;
}

}  // namespace

absl::StatusOr<RateDecision> RedisRateLimitStore::Take(const std::vector<BucketRequest>& buckets,
                                                       absl::Time now) {
  std::vector<std::string> keys;
  std::vector<std::string> args = {absl::StrCat(absl::ToUnixMillis(now))};
  for (const BucketRequest& bucket : buckets) {
    keys.push_back(bucket.key);
    args.push_back(absl::StrCat(bucket.limit.capacity));
    args.push_back(
        absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(bucket.limit.period))));
  }
  absl::StatusOr<redis::Reply> reply = client_.Eval(TakeScript(), keys, args);
  if (!reply.ok()) return reply.status();
  if (reply->type != redis::Reply::Type::kArray || reply->elements.size() != 2) {
    return absl::InternalError("unexpected rate limit script reply");
  }
  RateDecision decision;
  decision.allowed = reply->elements[0].integer == 1;
  decision.retry_after = absl::Milliseconds(reply->elements[1].integer);
  return decision;
}

}  // namespace stadt::gateway
