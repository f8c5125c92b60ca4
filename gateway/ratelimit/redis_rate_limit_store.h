#pragma once

#include "gateway/ratelimit/rate_limiter.h"
#include "services/common/redis/redis_client.h"

namespace stadt::gateway {

// Token buckets in Redis, shared by all gateway replicas. Each bucket is a
// hash {t: tokens, ts: last update in ms}; one Lua script refills and takes
// from all buckets of a request atomically, and lets a bucket expire once it
// would be full again, so idle clients leave nothing behind.
class RedisRateLimitStore final : public RateLimitStore {
 public:
  explicit RedisRateLimitStore(redis::Client& client) : client_(client) {}

  absl::StatusOr<RateDecision> Take(const std::vector<BucketRequest>& buckets,
                                    absl::Time now) override;

 private:
  redis::Client& client_;
};

}  // namespace stadt::gateway
