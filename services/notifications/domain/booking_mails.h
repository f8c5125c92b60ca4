#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/clock.h"
#include "services/notifications/domain/mail_composer.h"
#include "services/notifications/domain/places.h"
#include "services/notifications/domain/templates.h"

namespace stadt::notifications {

// A booking service whose outbox this composer reads.
struct BookingSource {
  std::string name;  // "appointments", also the KPI dimension
  booking::BookingSecrets secrets;
  // Template names are <prefix><event>, e.g. "booking_confirmed".
  std::string template_prefix = "booking_";
  std::string product = "Appointments";  // the .ics PRODID
  // The web client's pages for a booking: manage (look up, reschedule,
  // cancel) and, for video consultations, the waiting room / join page. Both
  // get ?code=...&token=... (the manage token).
  std::string manage_path = "/termine/verwalten";
  std::string join_path = "/videoberatung/beitreten";
  // Whether the .ics location is the resource (an office); a caseworker's id
  // is no place.
  bool resource_is_place = true;
};

struct BookingMailOptions {
  // The citizen's web client; links are <portal_url>/termine/verwalten?... and
  // <portal_url>/termine/bestaetigen?...
  std::string portal_url = "http://127.0.0.1:8080";
  absl::TimeZone time_zone = absl::UTCTimeZone();
  std::string organizer_address = "termine@stadt.example";
};

// The mails of the booking core's events (services/common/booking):
//   booking.confirmed                   -> <prefix>confirmed, .ics REQUEST
//   booking.email_confirmation_requested-> <prefix>email_confirmation (the link)
//   booking.rescheduled                 -> <prefix>rescheduled, .ics REQUEST, SEQUENCE raised
//   booking.cancelled                   -> <prefix>cancelled, .ics CANCEL
//   booking.reminder                    -> <prefix>reminder
//   booking.links_requested             -> <prefix>links: the manage links of
//       the listed bookings booked with exactly the address asked for (none:
//       no mail)
// Other events of the stream are not mailed, and neither is an event whose
// appointment has begun (or whose link has expired) by the time it is read:
// a backlog after an outage or at the first start mails nothing stale. The
// contact is opened here, with the source's secrets; it never leaves this
// process except in the mail.
class BookingMails final : public MailComposer {
 public:
  // `sources`: outbox key -> source. `templates` must outlive this, and so
  // must `places`, which may be null: the mails then show office and service
  // ids (it names the resources of sources whose resource_is_place).
  BookingMails(const Templates& templates, const Clock& clock, BookingMailOptions options,
               std::map<std::string, BookingSource> sources, const Places* places = nullptr);

  absl::StatusOr<std::optional<Mail>> Compose(const OutboxEvent& event) const override;
  std::string SourceOf(const OutboxEvent& event) const override;

 private:
  absl::StatusOr<std::optional<Mail>> ComposeLinks(const OutboxEvent& event,
                                                   const BookingSource& from) const;
  std::string ManageUrl(const BookingSource& from, const std::string& code,
                        const std::string& nonce) const;
  std::string JoinUrl(const BookingSource& from, const std::string& code,
                      const std::string& nonce) const;

  // The office's label (or its id) and the services' names (or ids).
  std::string OfficeText(const BookingSource& from, const std::string& office_id) const;
  std::string ServicesText(const BookingSource& from, const std::string& csv) const;

  const Templates& templates_;
  const Clock& clock_;
  const Places* places_;
  BookingMailOptions options_;
  std::map<std::string, BookingSource> sources_;
};

// "Montag, 7. Dezember 2026" / "Monday, 7 December 2026".
std::string FormatLongDate(absl::Time time, absl::TimeZone zone, const std::string& language);

}  // namespace stadt::notifications
