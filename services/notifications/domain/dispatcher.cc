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
  for (int batch = 0; batch < options_.max_batches_per_run && !stopping_; ++batch) {
    absl::StatusOr<std::vector<OutboxEvent>> events =
        store_.Next(options_.consumer, options_.batch_size, clock_.Now());
    if (!events.ok()) return events.status();
    if (events->empty()) break;
    STADT_RETURN_IF_ERROR(HandleBatch(*events));
    handled += static_cast<int>(events->size());
  }
  if (handled > 0) {
    if (absl::StatusOr<int64_t> trimmed = store_.TrimAcknowledged(); !trimmed.ok()) {
      return trimmed.status();
    }
  }
  STADT_RETURN_IF_ERROR(
      store_.TrimDeadLetters(clock_.Now() - options_.dead_letter_retention).status());
  return handled;
}

absl::Status Dispatcher::HandleBatch(const std::vector<OutboxEvent>& events) {
  std::vector<Outcome> outcomes;
  std::vector<Ready> ready;
  for (const OutboxEvent& event : events) {
    absl::StatusOr<std::optional<Mail>> mail = composer_.Compose(event);
    if (!mail.ok()) {
      log::Warn("notification_unmailable", {{"stream", event.stream},
                                            {"id", event.id},
                                            {"type", event.type()},
                                            {"reason", std::string(mail.status().message())}});
      kpis_.Count(kpi::kNotificationsMailsFailed,
                  {{std::string(kpi::kService), composer_.SourceOf(event)}});
      Outcome outcome;
      outcome.kind = Outcome::Kind::kDeadLetter;
      outcome.event = event;
      outcome.reason = std::string(mail.status().message());
      outcomes.push_back(std::move(outcome));
      continue;
    }
    if (!mail->has_value()) {
      Outcome outcome;
      outcome.kind = Outcome::Kind::kAcknowledge;
      outcome.event = event;
      outcomes.push_back(std::move(outcome));
      continue;
    }
    const std::string key = DeliveryKey(event, (*mail)->to_address);
    ready.push_back({&event, **std::move(mail), key});
  }
  // Groups of record_batch mails: one round trip records the previous
  // group's outcomes and takes the leases of the next.
  const size_t group = static_cast<size_t>(std::max(1, options_.record_batch));
  for (size_t first = 0; first < ready.size() && !stopping_; first += group) {
    const size_t end = std::min(ready.size(), first + group);
    std::vector<std::pair<const OutboxEvent*, std::string>> deliveries;
    for (size_t i = first; i < end; ++i) deliveries.emplace_back(ready[i].event, ready[i].key);
    absl::StatusOr<std::vector<DeliveryClaim>> claims =
        store_.RecordAndBegin(outcomes, deliveries, options_.consumer);
    if (!claims.ok()) return claims.status();
    outcomes.clear();
    for (size_t i = first; i < end; ++i) {
      switch ((*claims)[i - first]) {
        case DeliveryClaim::kAlreadySent: {
          Outcome outcome;
          outcome.kind = Outcome::Kind::kAcknowledge;
          outcome.event = *ready[i].event;
          outcomes.push_back(std::move(outcome));
          break;
        }
        case DeliveryClaim::kBusy:
          break;  // another replica is sending it
        case DeliveryClaim::kGo:
          outcomes.push_back(Send(ready[i]));
          break;
      }
    }
  }
  return store_.Record(outcomes);
}

Outcome Dispatcher::Send(const Ready& ready) {
  const OutboxEvent& event = *ready.event;
  const KpiDimensions dimensions = {{std::string(kpi::kService), composer_.SourceOf(event)}};
  Outcome outcome;
  outcome.event = event;
  outcome.delivery_key = ready.key;
  outcome.kind = Outcome::Kind::kDeadLetter;
  const absl::Time now = clock_.Now();
  absl::StatusOr<std::string> message = RenderMessage(
      ready.mail, {options_.from_name, options_.from_address,
                   absl::StrCat(ready.key, "@", DomainOf(options_.from_address)), now});
  if (!message.ok()) {
    log::Warn("notification_unmailable", {{"stream", event.stream},
                                          {"id", event.id},
                                          {"type", event.type()},
                                          {"reason", "the recipient address cannot be mailed"}});
    kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
    outcome.reason = "the recipient address cannot be mailed";
    return outcome;
  }
  const SendResult result = mailer_.Send(options_.from_address, ready.mail.to_address, *message);
  switch (result.outcome) {
    case SendResult::Outcome::kSent:
      kpis_.Count(kpi::kNotificationsMailsSent, dimensions);
      kpis_.Observe(kpi::kNotificationsDeliverySeconds,
                    std::max(0.0, absl::ToDoubleSeconds(clock_.Now() - event.occurred())),
                    dimensions);
      outcome.kind = Outcome::Kind::kDelivered;
      return outcome;
    case SendResult::Outcome::kTemporary: {
      const int attempts = event.attempts + 1;
      if (now - event.occurred() >= options_.retry_horizon) {
        log::Warn("notification_failed", {{"stream", event.stream},
                                          {"id", event.id},
                                          {"type", event.type()},
                                          {"attempts", attempts},
                                          {"reason", result.detail}});
        kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
        outcome.reason = absl::StrCat("gave up after ", attempts, " attempts: ", result.detail);
        return outcome;
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
      outcome.kind = Outcome::Kind::kDefer;
      outcome.retry_at = now + jittered;
      return outcome;
    }
    case SendResult::Outcome::kPermanent:
      log::Warn("notification_failed", {{"stream", event.stream},
                                        {"id", event.id},
                                        {"type", event.type()},
                                        {"reason", result.detail}});
      kpis_.Count(kpi::kNotificationsMailsFailed, dimensions);
      outcome.reason = result.detail;
      return outcome;
  }
  return outcome;
}

}  // namespace stadt::notifications
