#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "services/notifications/domain/mime.h"
#include "services/notifications/domain/outbox_event.h"

namespace stadt::notifications {

// Turns an outbox event into the mail for it.
class MailComposer {
 public:
  virtual ~MailComposer() = default;
  // std::nullopt: nothing is mailed for this event (it is acknowledged).
  // An error: the event cannot be mailed as it is (undecryptable contact,
  // missing fields, no template); it goes to the dead-letter stream.
  virtual absl::StatusOr<std::optional<Mail>> Compose(const OutboxEvent& event) const = 0;
  // The service the event came from ("appointments"), for KPIs and logs.
  virtual std::string SourceOf(const OutboxEvent& event) const = 0;
};

}  // namespace stadt::notifications
