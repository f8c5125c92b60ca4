#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/common/redis/redis_client.h"
#include "services/notifications/domain/notification_store.h"

namespace stadt::notifications {

struct RedisStoreOptions {
  std::string group = "notifications";
  // An entry another consumer left pending this long is taken over
  // (XAUTOCLAIM); it is also the lease of a delivery record and of a retry
  // taken from the queue. Longer than the slowest send.
  absl::Duration claim_idle = absl::Seconds(60);
  // How long a delivery record says "sent" (longer than any event can come
  // back: an entry is reclaimed within minutes, a retry within the horizon).
  absl::Duration record_ttl = absl::Hours(24 * 14);
};

// The NotificationStore on Redis. Each outbox `<p>outbox` gets, under the same
// hash tag prefix <p> (so every script touches one slot):
//   <p>outbox                  the producer's stream, read by consumer group `group`
//   <p>notify:sent:<key>       delivery record: "lease:<consumer>" (PX lease) or "sent" (PX
//   record_ttl) <p>notify:retry            ZSET entry id -> when the retry is due (ms)
//   <p>notify:retry:<id>       HASH the event's fields and _attempts
//   <p>notify:dead             STREAM dead letters: the event's fields, _source_id, _reason,
//   _attempts
// The consumer groups are created (from the start of each stream, MKSTREAM)
// on the first call.
class RedisNotificationStore final : public NotificationStore {
 public:
  // `streams`: the outbox keys, each ending in "outbox".
  RedisNotificationStore(redis::Client& redis, std::vector<std::string> streams,
                         RedisStoreOptions options);

  absl::StatusOr<std::vector<OutboxEvent>> Next(const std::string& consumer, int max,
                                                absl::Time now) override;
  absl::StatusOr<DeliveryClaim> BeginDelivery(const OutboxEvent& event,
                                              const std::string& delivery_key,
                                              const std::string& consumer) override;
  absl::Status Delivered(const OutboxEvent& event, const std::string& delivery_key) override;
  absl::Status Acknowledge(const OutboxEvent& event) override;
  absl::Status Defer(const OutboxEvent& event, const std::string& delivery_key,
                     absl::Time retry_at) override;
  absl::Status DeadLetter(const OutboxEvent& event, const std::string& delivery_key,
                          const std::string& reason) override;
  absl::StatusOr<std::vector<DeliveryClaim>> BeginDeliveries(
      const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
      const std::string& consumer) override;
  absl::Status Record(const std::vector<Outcome>& outcomes) override;
  absl::StatusOr<std::vector<DeliveryClaim>> RecordAndBegin(
      const std::vector<Outcome>& outcomes,
      const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
      const std::string& consumer) override;
  absl::StatusOr<std::vector<DeadLetterEntry>> ListDeadLetters(const std::string& stream,
                                                               const std::string& after,
                                                               int limit) override;
  absl::StatusOr<DeadLetterEntry> ReplayDeadLetter(const std::string& stream, const std::string& id,
                                                   absl::Time now) override;
  absl::StatusOr<int64_t> TrimAcknowledged() override;
  absl::StatusOr<int64_t> TrimDeadLetters(absl::Time older_than) override;
  absl::StatusOr<int> EraseMentioning(const std::vector<std::string>& references) override;

  // The dead-letter stream of an outbox.
  static std::string DeadLetterKey(const std::string& stream);

 private:
  // A script run: the script, its keys and its arguments.
  struct Call {
    const redis::Script* script;
    std::vector<std::string> keys;
    std::vector<std::string> args;
  };
  absl::Status EnsureGroups();
  Call BeginCall(const OutboxEvent& event, const std::string& delivery_key,
                 const std::string& consumer) const;
  Call OutcomeCall(const Outcome& outcome) const;
  absl::StatusOr<redis::Reply> Run(const Call& call);
  // Several calls in one round trip (EVAL with the text: a pipeline cannot
  // load a script it is missing); each call is still atomic.
  absl::StatusOr<std::vector<redis::Reply>> RunAll(const std::vector<Call>& calls);

  redis::Client& redis_;
  const std::vector<std::string> streams_;
  const RedisStoreOptions options_;
  absl::Mutex mu_;
  bool groups_ready_ ABSL_GUARDED_BY(mu_) = false;
  // Per stream: where reading this consumer's own pending entries stands
  // (absent: from the start, "" once done), and the XAUTOCLAIM cursor
  // (absent: from the start).
  std::map<std::string, std::string> own_cursor_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> claim_cursor_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::notifications
