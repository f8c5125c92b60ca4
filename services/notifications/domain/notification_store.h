#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notifications/domain/outbox_event.h"

namespace stadt::notifications {

// What BeginDelivery found in the delivery record of an event and recipient.
enum class DeliveryClaim {
  kGo,           // no record, or this consumer's own lease: send it (lease taken)
  kAlreadySent,  // mailed before (a reclaimed or retried event): only acknowledge
  kBusy,         // another consumer holds a live lease: leave it alone for now
};

// A mail that failed for good, as the operators see it (no personal data).
struct DeadLetterEntry {
  std::string id;          // in the dead-letter stream
  std::string event_id;    // the outbox entry it came from
  std::string event_type;  // "booking.confirmed"
  std::string reason;
  int attempts = 0;
  absl::Time failed_at;
};

// What became of one event, for NotificationStore::Record.
struct Outcome {
  enum class Kind { kDelivered, kAcknowledge, kDefer, kDeadLetter };
  Kind kind = Kind::kAcknowledge;
  OutboxEvent event;
  std::string delivery_key;  // kDelivered, kDefer, kDeadLetter (may be empty)
  absl::Time retry_at;       // kDefer
  std::string reason;        // kDeadLetter
};

// The storage port of the dispatcher: the outbox streams read through a
// consumer group, the delivery records, the retry queue and the dead letters.
// Every state change of one event is atomic (RedisNotificationStore: one Lua
// script each).
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;

  // Up to `max` events for `consumer`: first its own unacknowledged ones (after
  // a restart), then retries that are due at `now` (each leased, so a crashed
  // replica's retry comes back), then entries other consumers left pending
  // longer than the claim time (XAUTOCLAIM), then new ones (XREADGROUP).
  virtual absl::StatusOr<std::vector<OutboxEvent>> Next(const std::string& consumer, int max,
                                                        absl::Time now) = 0;
  // Takes the lease on the delivery record `delivery_key` of the event's stream.
  virtual absl::StatusOr<DeliveryClaim> BeginDelivery(const OutboxEvent& event,
                                                      const std::string& delivery_key,
                                                      const std::string& consumer) = 0;
  // The mail server took it: records it as sent and acknowledges the event.
  virtual absl::Status Delivered(const OutboxEvent& event, const std::string& delivery_key) = 0;
  // Nothing to mail (or mailed already): acknowledges the event.
  virtual absl::Status Acknowledge(const OutboxEvent& event) = 0;
  // A temporary failure: releases the lease, acknowledges the stream entry and
  // queues the event for `retry_at` with one more attempt.
  virtual absl::Status Defer(const OutboxEvent& event, const std::string& delivery_key,
                             absl::Time retry_at) = 0;
  // A permanent failure: releases the lease, acknowledges the event and adds
  // it with `reason` to the dead-letter stream of its outbox.
  virtual absl::Status DeadLetter(const OutboxEvent& event, const std::string& delivery_key,
                                  const std::string& reason) = 0;
  // BeginDelivery for several events at once (RedisNotificationStore: one
  // round trip); `deliveries` are (event, delivery key).
  virtual absl::StatusOr<std::vector<DeliveryClaim>> BeginDeliveries(
      const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
      const std::string& consumer) {
    std::vector<DeliveryClaim> claims;
    claims.reserve(deliveries.size());
    for (const auto& [event, key] : deliveries) {
      absl::StatusOr<DeliveryClaim> claim = BeginDelivery(*event, key, consumer);
      if (!claim.ok()) return claim.status();
      claims.push_back(*claim);
    }
    return claims;
  }
  // Delivered, Acknowledge, Defer or DeadLetter for each outcome, in order
  // (RedisNotificationStore: one round trip, each outcome still atomic).
  virtual absl::Status Record(const std::vector<Outcome>& outcomes) {
    for (const Outcome& outcome : outcomes) {
      absl::Status status;
      switch (outcome.kind) {
        case Outcome::Kind::kDelivered:
          status = Delivered(outcome.event, outcome.delivery_key);
          break;
        case Outcome::Kind::kAcknowledge:
          status = Acknowledge(outcome.event);
          break;
        case Outcome::Kind::kDefer:
          status = Defer(outcome.event, outcome.delivery_key, outcome.retry_at);
          break;
        case Outcome::Kind::kDeadLetter:
          status = DeadLetter(outcome.event, outcome.delivery_key, outcome.reason);
          break;
      }
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  // Record(outcomes), then BeginDeliveries(deliveries): the dispatcher's one
  // round trip per group of mails.
  virtual absl::StatusOr<std::vector<DeliveryClaim>> RecordAndBegin(
      const std::vector<Outcome>& outcomes,
      const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
      const std::string& consumer) {
    if (absl::Status status = Record(outcomes); !status.ok()) return status;
    return BeginDeliveries(deliveries, consumer);
  }

  // Dead letters of the outbox `stream` after `after` ("" from the start).
  virtual absl::StatusOr<std::vector<DeadLetterEntry>> ListDeadLetters(const std::string& stream,
                                                                       const std::string& after,
                                                                       int limit) = 0;
  // Moves dead letter `id` of `stream` back to the retry queue, due at `now`,
  // with its attempts reset; NOT_FOUND if it is not there.
  virtual absl::StatusOr<DeadLetterEntry> ReplayDeadLetter(const std::string& stream,
                                                           const std::string& id,
                                                           absl::Time now) = 0;
  // Trims every outbox below the oldest entry some consumer group has not
  // acknowledged yet (never an unacknowledged one); how many were removed.
  virtual absl::StatusOr<int64_t> TrimAcknowledged() = 0;
  // Erases every queued retry, dead letter and outbox entry that names one of
  // `references` in a field (GDPR Art. 17); how many went. A store that
  // keeps no mails erases nothing.
  // Drops the dead letters written before `older_than` (their retention,
  // docs/retention.md); how many went. A store without dead letters drops none.
  virtual absl::StatusOr<int64_t> TrimDeadLetters(absl::Time older_than) {
    (void)older_than;
    return 0;
  }
  virtual absl::StatusOr<int> EraseMentioning(const std::vector<std::string>& references) {
    (void)references;
    return 0;
  }
};

}  // namespace stadt::notifications
