#include "gateway/pow/redis_used_challenges.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/strings.h"

namespace stadt::gateway::pow {

std::string UsedChallengeKey(std::string_view challenge) {
  return absl::StrCat("pow:used:", ToAbsl(challenge));
}

absl::StatusOr<bool> RedisUsedChallenges::MarkUsed(std::string_view challenge,
                                                   absl::Time keep_until, absl::Time now) {
  const int64_t keep_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(keep_until - now));
  absl::StatusOr<redis::Reply> reply =
      client_.Command({"SET", UsedChallengeKey(challenge), "1", "NX", "PX", absl::StrCat(keep_ms)});
  if (!reply.ok()) {
    // Any failure, also an unexpected error reply, means "cannot tell".
    return absl::UnavailableError("used challenges cannot be checked");
  }
  if (reply->type == redis::Reply::Type::kStatus && reply->str == "OK") return true;
  if (reply->IsNil()) return false;
  return absl::UnavailableError("unexpected reply to SET NX");
}

}  // namespace stadt::gateway::pow
