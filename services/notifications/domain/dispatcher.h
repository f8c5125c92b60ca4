#pragma once

#include <atomic>
#include <string>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/kpi/kpi_recorder.h"
#include "services/notifications/domain/mail_composer.h"
#include "services/notifications/domain/mailer.h"
#include "services/notifications/domain/notification_store.h"

namespace stadt::notifications {

struct DispatchOptions {
  std::string consumer = "notifications-0";  // unique per replica (the pod name)
  int batch_size = 100;
  // Mails sent between two writes to Redis: their delivery records, the next
  // group's leases and the other outcomes go in one round trip. A crash
  // mails at most this many twice (README.md); 1 writes after every mail.
  int record_batch = 8;
  // A batch of this many runs per RunOnce at most, so shutdown stays prompt.
  int max_batches_per_run = 50;
  std::string from_name = "Stadtportal";
  std::string from_address = "termine@stadt.example";
  // Retries after a temporary failure: base * 2^(attempt-1), capped, with
  // jitter (a random share of up to half of it taken off), until the event is
  // older than the horizon; then it is a dead letter.
  absl::Duration retry_base = absl::Seconds(30);
  absl::Duration retry_max = absl::Minutes(30);
  absl::Duration retry_horizon = absl::Hours(24);
  // How long a dead letter (with its sealed contact) is kept for operators to
  // replay; older ones are dropped by every run (docs/retention.md).
  absl::Duration dead_letter_retention = absl::Hours(24 * 30);
};

// The notifications' work loop: reads events, composes each mail, sends it
// once and records the outcome. Delivery is at-least-once with one duplicate
// window (see README.md): the delivery record is written after the server's
// final reply, so a crash between the two mails again on reclaim.
class Dispatcher {
 public:
  // All borrowed; they outlive the dispatcher.
  Dispatcher(NotificationStore& store, const MailComposer& composer, Mailer& mailer,
             KpiRecorder& kpis, const Clock& clock, DispatchOptions options);

  // Works through what is there now (up to max_batches_per_run batches) and
  // returns how many events it handled. UNAVAILABLE when Redis is away.
  absl::StatusOr<int> RunOnce();

  // Makes a running RunOnce return after the group of mails it is sending
  // (their outcomes recorded); the rest stays pending for the next start.
  // For shutdown: call it before joining the thread that runs RunOnce.
  void Stop() { stopping_ = true; }

  // The wait before attempt `attempts + 1` (attempts >= 1), before jitter.
  absl::Duration BackoffFor(int attempts) const;

 private:
  // A mail ready to go: its event, the mail and its delivery key.
  struct Ready {
    const OutboxEvent* event;
    Mail mail;
    std::string key;
  };
  absl::Status HandleBatch(const std::vector<OutboxEvent>& events);
  // Sends one mail whose lease is held; what became of it.
  Outcome Send(const Ready& ready);

  NotificationStore& store_;
  const MailComposer& composer_;
  Mailer& mailer_;
  KpiRecorder& kpis_;
  const Clock& clock_;
  DispatchOptions options_;
  absl::BitGen random_;
  std::atomic<bool> stopping_{false};
};

// The delivery record's key for an event and its recipient: base64url of
// SHA-256(stream, entry id, lower-cased address), so no address is stored.
std::string DeliveryKey(const OutboxEvent& event, const std::string& recipient);

}  // namespace stadt::notifications
