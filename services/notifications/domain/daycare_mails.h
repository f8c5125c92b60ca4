#pragma once

#include <string>

#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/notifications/domain/mail_composer.h"
#include "services/notifications/domain/templates.h"

namespace stadt::notifications {

// Names of a daycare season's programs ("Kita Sonnenschein, Krippe"), so a
// mail does not show "sonnenschein-krippe". Thread-safe.
class ProgramNames {
 public:
  virtual ~ProgramNames() = default;
  // "" when unknown (the mail shows the id).
  virtual std::string ProgramName(const std::string& program_id) const = 0;
};

struct DaycareMailOptions {
  // The parents' page of their applications: <portal_url>/kita.
  std::string portal_url = "http://127.0.0.1:8080";
  absl::TimeZone time_zone = absl::UTCTimeZone();
};

// The mails of a daycare season's outbox (dc:{season:S}:outbox, written by
// the daycare scripts in the same step as the change):
//   application.received -> daycare_received
//   offer.made           -> daycare_offer, with the deadline to accept;
//                           daycare_moved_up when the child holds a place
//                           already (`held`) and moved up to a higher wish
//   offer.expiring       -> daycare_offer_expiring (deadline, time left)
//   offer.accepted       -> daycare_accepted
//   offer.declined       -> daycare_declined
//   round.no_place       -> daycare_no_place, with the places on the waiting lists
// German unless the guardian applied in English. The contact (address,
// guardian's and child's names, sealed to the application id with
// contact::ContactKey(daycare master key, "daycare")) is opened here only; an
// event without one (no address given) is not mailed, and neither is an
// offer whose deadline has passed by the time it is read.
class DaycareMails final : public MailComposer {
 public:
  // `templates` and `programs` (may be null) must outlive this.
  DaycareMails(const Templates& templates, const Clock& clock, DaycareMailOptions options,
               std::string contact_key, std::string stream, const ProgramNames* programs = nullptr);

  absl::StatusOr<std::optional<Mail>> Compose(const OutboxEvent& event) const override;
  std::string SourceOf(const OutboxEvent&) const override { return "daycare"; }

  // The outbox of season `season`.
  static std::string Outbox(const std::string& season);

 private:
  std::string ProgramText(const std::string& id) const;
  // "- Kita A: Platz 3\n" per entry of "a:3,b:1".
  std::string WaitingText(const std::string& waiting, const std::string& language) const;

  const Templates& templates_;
  const Clock& clock_;
  DaycareMailOptions options_;
  std::string contact_key_;
  std::string stream_;
  const ProgramNames* programs_;
};

// "1 Tag" / "3 Tagen" ("in 3 Tagen"), "1 Stunde" / "5 Stunden"; "1 day" /
// "3 days", "1 hour" / "5 hours": what is left until `deadline`, in whole days
// from one day on, else in hours (at least 1), rounded down.
std::string TimeLeftText(absl::Duration left, const std::string& language);

}  // namespace stadt::notifications
