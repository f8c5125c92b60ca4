#pragma once

#include "gateway/pow/proof_of_work.h"
#include "services/common/redis/redis_client.h"

namespace stadt::gateway::pow {

// Used challenges in Redis, shared by every gateway replica: one key
// "pow:used:<challenge>" per solution, written with SET NX and an expiry, so
// the first replica to see a solution wins and Redis forgets it once it has
// expired. The key is the challenge, a hash: nothing about the client.
class RedisUsedChallenges final : public UsedChallenges {
 public:
  explicit RedisUsedChallenges(redis::Client& client) : client_(client) {}

  absl::StatusOr<bool> MarkUsed(std::string_view challenge, absl::Time keep_until,
                                absl::Time now) override;

 private:
  redis::Client& client_;
};

// The key of one used challenge.
std::string UsedChallengeKey(std::string_view challenge);

}  // namespace stadt::gateway::pow
