#pragma once

#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/redis/redis_client.h"
#include "services/notifications/domain/places.h"

namespace stadt::notifications {

// Places from the appointments catalog in Redis (appt:{catalog}:office:<id>
// and appt:{catalog}:service:<id>, JSON; services/appointments/store), each
// answer kept for `ttl`. A Redis error gives "" (the mail shows the id).
class RedisPlaces final : public Places {
 public:
  RedisPlaces(redis::Client& redis, const Clock& clock, absl::Duration ttl)
      : redis_(redis), clock_(clock), ttl_(ttl) {}

  std::string OfficeLabel(const std::string& office_id) const override;
  std::string ServiceName(const std::string& service_id) const override;

 private:
  std::string Cached(const std::string& key, bool office) const;

  redis::Client& redis_;
  const Clock& clock_;
  const absl::Duration ttl_;
  mutable absl::Mutex mu_;
  // Redis key -> (label, when read).
  mutable std::map<std::string, std::pair<std::string, absl::Time>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::notifications
