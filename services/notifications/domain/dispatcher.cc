#include "services/notifications/domain/dispatcher.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/log.h"
#include "services/common/status_macros.h"

namespace stadt::notifications {
namespace {

constexpr size_t kDeliveryKeyBytes = 18;  // 144 bits, 24 base64url characters

std::string DomainOf(const std::string& address) {
  const size_t at = address.rfind('@');
  return at == std::string::npos ? "stadt.invalid" : address.substr(at + 1);
}

}  // namespace

std::string DeliveryKey(const OutboxEvent& event, const std::string& recipient) {
  const std::string digest = crypto::Sha256(
      absl::StrCat(event.stream, "\n", event.id, "\n", absl::AsciiStrToLower(recipient)));
  return crypto::Base64Url(std::string_view(digest).substr(0, kDeliveryKeyBytes));
}

Dispatcher::Dispatcher(NotificationStore& store, const MailComposer& composer, Mailer& mailer,
                       KpiRecorder& kpis, const Clock& clock, DispatchOptions options)
    : store_(store),
      composer_(composer),
      mailer_(mailer),
      kpis_(kpis),
      clock_(clock),
      options_(std::move(options)) {}

absl::Duration Dispatcher::BackoffFor(int attempts) const {
  absl::Duration wait = options_.retry_base;
  for (int i = 1; i < attempts && wait < options_.retry_max; ++i) wait *= 2;
  return std::min(wait, options_.retry_max);
}

absl::StatusOr<int> Dispatcher::RunOnce() {
  int handled = 0;
  for (int batch = 0; batch < options_.max_batches_per_run; ++batch) {
    absl::StatusOr<std::vector<OutboxEvent>> events =
        store_.Next(options_.consumer, options_.batch_size, clock_.Now());
    if (!events.ok()) return events.status();
    if (events->empty()) break;
    for (const OutboxEvent& event : *events) {
      if (absl::Status status = Handle(event); !status.ok()) return status;
      ++handled;
    }
  }
  if (handled > 0) {
    if (absl::StatusOr<int64_t> trimmed = store_.TrimAcknowledged(); !trimmed.ok()) {
      return trimmed.status();
    }
  }
  return handled;
}

absl::Status Dispatcher::Handle(const OutboxEvent& event) {
  const KpiDimensions dimensions = {{std::string(kpi::kService), composer_.SourceOf(event)}};
  absl::StatusOr<std::optional<Mail>> mail = composer_.Compose(event);
  if (!mail.ok()) {
    log::Warn("notification_unmailable", {{"stream", event.stream},
                                          {"id", event.id},
                                          {"type", event.type()},
                                          {"reason", std::string(mail.status().message())}});
    kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
    return store_.DeadLetter(event, "", std::string(mail.status().message()));
  }
  if (!mail->has_value()) return store_.Acknowledge(event);
  const std::string key = DeliveryKey(event, (*mail)->to_address);
  absl::StatusOr<DeliveryClaim> claim = store_.BeginDelivery(event, key, options_.consumer);
  if (!claim.ok()) return claim.status();
  if (*claim == DeliveryClaim::kAlreadySent) return store_.Acknowledge(event);
  if (*claim == DeliveryClaim::kBusy) return absl::OkStatus();

  const absl::Time now = clock_.Now();
  absl::StatusOr<std::string> message =
      RenderMessage(**mail, {options_.from_name, options_.from_address,
                             absl::StrCat(key, "@", DomainOf(options_.from_address)), now});
  if (!message.ok()) {
    kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
    return store_.DeadLetter(event, key, "the recipient address cannot be mailed");
  }
  const SendResult result = mailer_.Send(options_.from_address, (*mail)->to_address, *message);
  switch (result.outcome) {
    case SendResult::Outcome::kSent: {
      STADT_RETURN_IF_ERROR(store_.Delivered(event, key));
      kpis_.Count(kpi::kNotificationsMailsSent, dimensions);
      kpis_.Observe(kpi::kNotificationsDeliverySeconds,
                    std::max(0.0, absl::ToDoubleSeconds(clock_.Now() - event.occurred())),
                    dimensions);
      return absl::OkStatus();
    }
    case SendResult::Outcome::kTemporary: {
      const int attempts = event.attempts + 1;
      if (now - event.occurred() >= options_.retry_horizon) {
        log::Warn("notification_failed", {{"stream", event.stream},
                                          {"id", event.id},
                                          {"type", event.type()},
                                          {"attempts", attempts},
                                          {"reason", result.detail}});
        kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
        return store_.DeadLetter(
            event, key, absl::StrCat("gave up after ", attempts, " attempts: ", result.detail));
      }
      const absl::Duration wait = BackoffFor(attempts);
      // Up to half of the wait taken off at random, so replicas that failed
      // together do not retry together.
      const absl::Duration jittered = wait - wait * absl::Uniform(random_, 0.0, 0.5);
      log::Info("notification_deferred", {{"stream", event.stream},
                                          {"id", event.id},
                                          {"type", event.type()},
                                          {"attempts", attempts},
                                          {"reason", result.detail}});
      kpis_.Count(kpi::kNotificationsMailsDeferred, dimensions);
      return store_.Defer(event, key, now + jittered);
    }
    case SendResult::Outcome::kPermanent: {
      log::Warn("notification_failed", {{"stream", event.stream},
                                        {"id", event.id},
                                        {"type", event.type()},
                                        {"reason", result.detail}});
      kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
      return store_.DeadLetter(event, key, result.detail);
    }
  }
  return absl::OkStatus();
}

}  // namespace stadt::notifications
