#pragma once

#include <set>
#include <string>

#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/notifications/domain/mail_composer.h"
#include "services/notifications/domain/templates.h"

namespace stadt::notifications {

struct ParkingMailOptions {
  // The citizen's web client; the mail links <portal_url>/parken, where the
  // session can be extended or stopped.
  std::string portal_url = "http://127.0.0.1:8080";
  absl::TimeZone time_zone = absl::UTCTimeZone();
};

// The mail of parking's `session.ending_soon` event (written by parking's
// send_due_reminders.lua at the session's end less the reminder lead):
// template `parking_ending_soon` with the plate, the zone, the end and the
// minutes left. The contact (the address given at the start, sealed to the
// owner with contact::ContactKey(parking master key, "parking")) is opened
// here only. Not mailed once the session has ended by the time it is read.
// Other events of the parking outboxes (started, extended, stopped) are
// acknowledged without a mail.
class ParkingMails final : public MailComposer {
 public:
  // `streams`: the parking outboxes (park:{pXX}:outbox). `templates` must
  // outlive this.
  ParkingMails(const Templates& templates, const Clock& clock, ParkingMailOptions options,
               std::string contact_key, std::set<std::string> streams);

  absl::StatusOr<std::optional<Mail>> Compose(const OutboxEvent& event) const override;
  std::string SourceOf(const OutboxEvent&) const override { return "parking"; }

  // The 256 outboxes of parking's plate buckets.
  static std::set<std::string> Outboxes();

 private:
  const Templates& templates_;
  const Clock& clock_;
  ParkingMailOptions options_;
  std::string contact_key_;
  std::set<std::string> streams_;
};

// "1 Minute" / "10 Minuten", "1 minute" / "10 minutes".
std::string MinutesText(int64_t minutes, const std::string& language);

}  // namespace stadt::notifications
