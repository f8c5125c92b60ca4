#include "services/notifications/domain/parking_mails.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/contact/sealed_contact.h"
#include "services/notifications/domain/booking_mails.h"

namespace stadt::notifications {

ParkingMails::ParkingMails(const Templates& templates, const Clock& clock,
                           ParkingMailOptions options, std::string contact_key,
                           std::set<std::string> streams)
    : templates_(templates),
      clock_(clock),
      options_(std::move(options)),
      contact_key_(std::move(contact_key)),
      streams_(std::move(streams)) {}

std::set<std::string> ParkingMails::Outboxes() {
  std::set<std::string> outboxes;
  for (int bucket = 0; bucket < 256; ++bucket) {
    outboxes.insert(absl::StrFormat("park:{p%02x}:outbox", bucket));
  }
  return outboxes;
}

std::string MinutesText(int64_t minutes, const std::string& language) {
  if (language == kEnglish) return absl::StrCat(minutes, minutes == 1 ? " minute" : " minutes");
  return absl::StrCat(minutes, minutes == 1 ? " Minute" : " Minuten");
}

absl::StatusOr<std::optional<Mail>> ParkingMails::Compose(const OutboxEvent& event) const {
  if (!streams_.contains(event.stream) || event.type() != "session.ending_soon") {
    return std::nullopt;
  }
  int64_t end_ms = 0;
  if (!absl::SimpleAtoi(event.Field("end_ms"), &end_ms)) {
    return absl::InvalidArgumentError("event field end_ms missing");
  }
  const absl::Time end = absl::FromUnixMillis(end_ms);
  const absl::Time now = clock_.Now();
  // Read after the end (a backlog): the reminder is of no use any more.
  if (end <= now) return std::nullopt;
  absl::StatusOr<contact::MailContact> to =
      contact::Open(contact_key_, event.Field("contact"), event.Field("owner"));
  if (!to.ok()) return to.status();
  const std::string language = to->language == kEnglish ? kEnglish : kGerman;
  // Rounded up: "ends in 10 minutes" at 9 min 59 s left.
  const int64_t minutes_left = (absl::ToInt64Seconds(end - now) + 59) / 60;
  absl::StatusOr<RenderedMail> rendered =
      templates_.Render("parking_ending_soon", language,
                        {{"plate", to->about},
                         {"zone", event.Field("zone")},
                         {"date", FormatLongDate(end, options_.time_zone, language)},
                         {"end_time", absl::FormatTime("%H:%M", end, options_.time_zone)},
                         {"minutes_left", MinutesText(minutes_left, language)},
                         {"parking_url", absl::StrCat(options_.portal_url, "/parken")}});
  if (!rendered.ok()) return rendered.status();
  Mail mail;
  mail.to_address = to->email;
  mail.subject = std::move(rendered->subject);
  mail.text = std::move(rendered->text);
  mail.html = std::move(rendered->html);
  return mail;
}

}  // namespace stadt::notifications
