#pragma once

#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/redis/redis_client.h"
#include "services/notifications/domain/daycare_mails.h"

namespace stadt::notifications {

// Program names of one daycare season from its programs document in Redis
// (dc:{season:S}:programs, a JSON array of {id, name, centre_name, ...};
// services/daycare/store), read again after `ttl`. "Centre, Program" when
// both are named; a Redis error or an unnamed program gives "" (the id).
class RedisProgramNames final : public ProgramNames {
 public:
  RedisProgramNames(redis::Client& redis, const Clock& clock, const std::string& season,
                    absl::Duration ttl)
      : redis_(redis),
        clock_(clock),
        key_(absl::StrCat("dc:{season:", season, "}:programs")),
        ttl_(ttl) {}

  std::string ProgramName(const std::string& program_id) const override;

 private:
  redis::Client& redis_;
  const Clock& clock_;
  const std::string key_;
  const absl::Duration ttl_;
  mutable absl::Mutex mu_;
  mutable std::map<std::string, std::string> names_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time read_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace stadt::notifications
