#include "services/notifications/domain/daycare_mails.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/contact/sealed_contact.h"
#include "services/notifications/domain/booking_mails.h"

namespace stadt::notifications {
namespace {

const std::map<std::string, std::string>& TemplateOfEvent() {
  static const auto* names = new std::map<std::string, std::string>{
      {"application.received", "daycare_received"}, {"offer.made", "daycare_offer"},
      {"offer.expiring", "daycare_offer_expiring"}, {"offer.accepted", "daycare_accepted"},
      {"offer.declined", "daycare_declined"},       {"round.no_place", "daycare_no_place"}};
  return *names;
}

bool HasDeadline(const std::string& type) {
  return type == "offer.made" || type == "offer.expiring";
}

}  // namespace

std::string TimeLeftText(absl::Duration left, const std::string& language) {
  const int64_t days = left / absl::Hours(24);
  const bool english = language == kEnglish;
  if (days >= 1) {
    if (english) return absl::StrCat(days, days == 1 ? " day" : " days");
    return absl::StrCat(days, days == 1 ? " Tag" : " Tagen");
  }
  const int64_t hours = std::max<int64_t>(1, left / absl::Hours(1));
  if (english) return absl::StrCat(hours, hours == 1 ? " hour" : " hours");
  return absl::StrCat(hours, hours == 1 ? " Stunde" : " Stunden");
}

DaycareMails::DaycareMails(const Templates& templates, const Clock& clock,
                           DaycareMailOptions options, std::string contact_key, std::string stream,
                           const ProgramNames* programs)
    : templates_(templates),
      clock_(clock),
      options_(std::move(options)),
      contact_key_(std::move(contact_key)),
      stream_(std::move(stream)),
      programs_(programs) {}

std::string DaycareMails::Outbox(const std::string& season) {
  return absl::StrCat("dc:{season:", season, "}:outbox");
}

std::string DaycareMails::ProgramText(const std::string& id) const {
  std::string name = programs_ == nullptr ? "" : programs_->ProgramName(id);
  return name.empty() ? id : name;
}

std::string DaycareMails::WaitingText(const std::string& waiting,
                                      const std::string& language) const {
  std::string text;
  for (absl::string_view entry : absl::StrSplit(waiting, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(entry, absl::MaxSplits(':', 1));
    int rank = 0;
    if (!absl::SimpleAtoi(parts.second, &rank)) continue;
    absl::StrAppend(&text, "- ", ProgramText(parts.first),
                    language == kEnglish ? ": position " : ": Platz ", rank, "\n");
  }
  if (text.empty()) {
    return language == kEnglish ? "- (none of your wishes has a waiting list place left)\n"
                                : "- (auf keiner Warteliste mehr)\n";
  }
  return text;
}

absl::StatusOr<std::optional<Mail>> DaycareMails::Compose(const OutboxEvent& event) const {
  if (event.stream != stream_) return std::nullopt;
  auto kind = TemplateOfEvent().find(event.type());
  if (kind == TemplateOfEvent().end()) return std::nullopt;
  // No address was given: nobody to mail.
  if (event.Field("contact").empty()) return std::nullopt;
  const std::string& application = event.Field("application");
  if (application.empty()) return absl::InvalidArgumentError("event without application");
  std::string template_name = kind->second;
  absl::Time deadline = absl::InfinitePast();
  if (HasDeadline(event.type())) {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(event.Field("deadline_s"), &seconds)) {
      return absl::InvalidArgumentError("event field deadline_s missing");
    }
    deadline = absl::FromUnixSeconds(seconds);
    // Read after the deadline (a backlog): the offer can no longer be accepted.
    if (deadline <= clock_.Now()) return std::nullopt;
  }
  if (event.type() == "offer.made" && !event.Field("held").empty()) {
    template_name = "daycare_moved_up";
  }
  absl::StatusOr<contact::MailContact> to =
      contact::Open(contact_key_, event.Field("contact"), application);
  if (!to.ok()) return to.status();
  const std::string language = to->language == kEnglish ? kEnglish : kGerman;
  const bool english = language == kEnglish;
  TemplateValues values = {
      {"greeting", to->name.empty()
                       ? (english ? "Hello," : "Guten Tag,")
                       : absl::StrCat(english ? "Hello " : "Guten Tag ", to->name, ",")},
      {"child", to->about},
      {"application", application},
      {"program", ProgramText(event.Field("program"))},
      {"held", ProgramText(event.Field("held"))},
      {"round", event.Field("round")},
      {"waiting", WaitingText(event.Field("waiting"), language)},
      {"applications_url", absl::StrCat(options_.portal_url, "/kita")},
      {"deadline_date", ""},
      {"deadline_time", ""},
      {"time_left", ""}};
  if (HasDeadline(event.type())) {
    values["deadline_date"] = FormatLongDate(deadline, options_.time_zone, language);
    values["deadline_time"] = absl::FormatTime("%H:%M", deadline, options_.time_zone);
    values["time_left"] = TimeLeftText(deadline - clock_.Now(), language);
  }
  absl::StatusOr<RenderedMail> rendered = templates_.Render(template_name, language, values);
  if (!rendered.ok()) return rendered.status();
  Mail mail;
  mail.to_name = to->name;
  mail.to_address = to->email;
  mail.subject = std::move(rendered->subject);
  mail.text = std::move(rendered->text);
  mail.html = std::move(rendered->html);
  return mail;
}

}  // namespace stadt::notifications
