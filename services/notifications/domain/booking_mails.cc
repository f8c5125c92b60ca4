#include "services/notifications/domain/booking_mails.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "services/common/crypto/crypto.h"

namespace stadt::notifications {
namespace {

constexpr std::array<const char*, 7> kWeekdaysDe = {"Montag",  "Dienstag", "Mittwoch", "Donnerstag",
                                                    "Freitag", "Samstag",  "Sonntag"};
constexpr std::array<const char*, 7> kWeekdaysEn = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};
constexpr std::array<const char*, 12> kMonthsDe = {"Januar",    "Februar", "März",     "April",
                                                   "Mai",       "Juni",    "Juli",     "August",
                                                   "September", "Oktober", "November", "Dezember"};
constexpr std::array<const char*, 12> kMonthsEn = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};

int WeekdayIndex(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

std::string UrlComponent(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      absl::StrAppend(&out, "%", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    }
  }
  return out;
}

absl::StatusOr<absl::Time> TimeField(const OutboxEvent& event, const std::string& name) {
  int64_t ms = 0;
  if (!absl::SimpleAtoi(event.Field(name), &ms)) {
    return absl::InvalidArgumentError(absl::StrCat("event field ", name, " missing"));
  }
  return absl::FromUnixMillis(ms);
}

struct EventKind {
  const char* template_name;
  bool calendar;
};

std::optional<EventKind> KindOf(const std::string& type) {
  if (type == "booking.confirmed") return EventKind{"confirmed", true};
  if (type == "booking.email_confirmation_requested") return EventKind{"email_confirmation", false};
  if (type == "booking.rescheduled") return EventKind{"rescheduled", true};
  if (type == "booking.cancelled") return EventKind{"cancelled", true};
  if (type == "booking.reminder") return EventKind{"reminder", false};
  if (type == "booking.links_requested") return EventKind{"links", false};
  return std::nullopt;
}

}  // namespace

std::string FormatLongDate(absl::Time time, absl::TimeZone zone, const std::string& language) {
  const absl::CivilDay day = absl::ToCivilDay(time, zone);
  const int weekday = WeekdayIndex(absl::GetWeekday(day));
  const int month = day.month() - 1;
  if (language == kEnglish) {
    return absl::StrCat(kWeekdaysEn[weekday], ", ", day.day(), " ", kMonthsEn[month], " ",
                        day.year());
  }
  return absl::StrCat(kWeekdaysDe[weekday], ", ", day.day(), ". ", kMonthsDe[month], " ",
                      day.year());
}

BookingMails::BookingMails(const Templates& templates, const Clock& clock,
                           BookingMailOptions options, std::map<std::string, BookingSource> sources,
                           const Places* places)
    : templates_(templates),
      clock_(clock),
      places_(places),
      options_(std::move(options)),
      sources_(std::move(sources)) {}

std::string BookingMails::OfficeText(const BookingSource& from,
                                     const std::string& office_id) const {
  if (places_ == nullptr || !from.resource_is_place) return office_id;
  std::string label = places_->OfficeLabel(office_id);
  return label.empty() ? office_id : label;
}

std::string BookingMails::ServicesText(const BookingSource& from, const std::string& csv) const {
  std::vector<std::string> names;
  for (absl::string_view id : absl::StrSplit(csv, ',', absl::SkipEmpty())) {
    std::string name =
        places_ != nullptr && from.resource_is_place ? places_->ServiceName(std::string(id)) : "";
    names.push_back(name.empty() ? std::string(id) : name);
  }
  return absl::StrJoin(names, ", ");
}

std::string BookingMails::SourceOf(const OutboxEvent& event) const {
  auto it = sources_.find(event.stream);
  return it == sources_.end() ? "unknown" : it->second.name;
}

std::string BookingMails::ManageUrl(const BookingSource& from, const std::string& code,
                                    const std::string& nonce) const {
  if (nonce.empty()) return options_.portal_url;
  return absl::StrCat(
      options_.portal_url, from.manage_path, "?code=", UrlComponent(code),
      "&token=", UrlComponent(booking::DeriveManageToken(from.secrets, code, nonce)));
}

std::string BookingMails::JoinUrl(const BookingSource& from, const std::string& code,
                                  const std::string& nonce) const {
  if (nonce.empty()) return options_.portal_url;
  return absl::StrCat(options_.portal_url, from.join_path, "?code=", UrlComponent(code), "&token=",
                      UrlComponent(booking::DeriveManageToken(from.secrets, code, nonce)));
}

absl::StatusOr<std::optional<Mail>> BookingMails::ComposeLinks(const OutboxEvent& event,
                                                               const BookingSource& from) const {
  absl::StatusOr<crypto::Aead> cipher = crypto::Aead::Create(from.secrets.contact_key);
  if (!cipher.ok()) return cipher.status();
  absl::StatusOr<std::string> sealed = cipher->Open(event.Field("contact"), event.Field("request"));
  if (!sealed.ok()) return absl::DataLossError("the contact cannot be opened");
  const booking::Contact asked = booking::ContactFromJson(*sealed);
  const std::string language = asked.language == kEnglish ? kEnglish : kGerman;
  boost::system::error_code error;
  const boost::json::value list = boost::json::parse(event.Field("bookings"), error);
  if (error || !list.is_array())
    return absl::InvalidArgumentError("event field bookings malformed");
  const auto text = [](const boost::json::object& object, const char* key) -> std::string {
    const boost::json::value* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  };
  std::string lines;
  std::string items;
  int listed = 0;
  for (const boost::json::value& entry : list.as_array()) {
    if (!entry.is_object()) continue;
    const boost::json::object& booking = entry.as_object();
    const std::string code = text(booking, "code");
    const std::string contact_hex = text(booking, "contact");
    if (contact_hex.size() % 2 != 0 ||
        !std::all_of(contact_hex.begin(), contact_hex.end(), absl::ascii_isxdigit)) {
      continue;
    }
    const std::string contact_bytes = absl::HexStringToBytes(contact_hex);
    absl::StatusOr<std::string> contact = cipher->Open(contact_bytes, code);
    // Only bookings made with exactly this address (the person key that
    // found them joins aliases, which may be other mailboxes).
    if (!contact.ok() || absl::AsciiStrToLower(booking::ContactFromJson(*contact).email) !=
                             absl::AsciiStrToLower(asked.email)) {
      continue;
    }
    int64_t start_ms = 0;
    if (!absl::SimpleAtoi(text(booking, "start_ms"), &start_ms)) continue;
    const absl::Time start = absl::FromUnixMillis(start_ms);
    const std::string when = absl::StrCat(FormatLongDate(start, options_.time_zone, language), ", ",
                                          absl::FormatTime("%H:%M", start, options_.time_zone),
                                          language == kEnglish ? "" : " Uhr");
    // A caseworker's id says nothing to the citizen: a video consultation is
    // named by its topic only.
    const std::string services = ServicesText(from, text(booking, "services"));
    const std::string what =
        from.resource_is_place
            ? absl::StrCat(OfficeText(from, text(booking, "office")), " (", services, ")")
            : services;
    const std::string url = ManageUrl(from, code, text(booking, "nonce"));
    absl::StrAppend(&lines, "- ", when, ", ", what, "\n  ", url, "\n");
    absl::StrAppend(&items, "<li>", EscapeHtml(when), ", ", EscapeHtml(what), ": <a href=\"",
                    EscapeHtml(url), "\">", EscapeHtml(code), "</a>");
    // Video consultations: the join page too, which is what the citizen needs
    // at the appointment's time.
    if (!from.resource_is_place) {
      const std::string join = JoinUrl(from, code, text(booking, "nonce"));
      const std::string label = language == kEnglish ? "Join" : "Teilnehmen";
      absl::StrAppend(&lines, "  ", label, ": ", join, "\n");
      absl::StrAppend(&items, " &middot; <a href=\"", EscapeHtml(join), "\">", label, "</a>");
    }
    absl::StrAppend(&items, "</li>\n");
    ++listed;
  }
  if (listed == 0) return std::nullopt;
  absl::StatusOr<RenderedMail> rendered = templates_.Render(
      absl::StrCat(from.template_prefix, "links"), language,
      {{"bookings_text", lines}, {"bookings_html", absl::StrCat("<ul>\n", items, "</ul>")}});
  if (!rendered.ok()) return rendered.status();
  Mail mail;
  mail.to_address = asked.email;
  mail.subject = std::move(rendered->subject);
  mail.text = std::move(rendered->text);
  mail.html = std::move(rendered->html);
  return mail;
}

absl::StatusOr<std::optional<Mail>> BookingMails::Compose(const OutboxEvent& event) const {
  auto source = sources_.find(event.stream);
  std::optional<EventKind> kind = KindOf(event.type());
  if (source == sources_.end() || !kind.has_value()) return std::nullopt;
  const BookingSource& from = source->second;
  const std::string template_name = absl::StrCat(from.template_prefix, kind->template_name);
  if (!templates_.Has(template_name)) return std::nullopt;
  if (event.type() == "booking.links_requested") return ComposeLinks(event, from);

  const bool by_link = event.type() == "booking.email_confirmation_requested";
  // The contact is sealed to the booking code, or to the hold id while the
  // citizen confirms by e-mail.
  const std::string& record_id = by_link ? event.Field("hold") : event.Field("code");
  if (record_id.empty()) return absl::InvalidArgumentError("event without code or hold");
  absl::StatusOr<crypto::Aead> cipher = crypto::Aead::Create(from.secrets.contact_key);
  if (!cipher.ok()) return cipher.status();
  absl::StatusOr<std::string> sealed = cipher->Open(event.Field("contact"), record_id);
  if (!sealed.ok()) return absl::DataLossError("the contact cannot be opened");
  const booking::Contact contact = booking::ContactFromJson(*sealed);
  // A caller booked by phone at the office gave no address: there is nobody
  // to mail (the office told them on the phone).
  if (contact.email.empty()) return std::nullopt;
  const std::string language = contact.language == kEnglish ? kEnglish : kGerman;

  absl::StatusOr<absl::Time> start = TimeField(event, "start_ms");
  if (!start.ok()) return start.status();
  absl::StatusOr<absl::Time> end = TimeField(event, "end_ms");
  if (!end.ok()) return end.status();
  // Too late to be of use: the appointment has begun (a reminder, a
  // confirmation or a cancellation of it says nothing any more).
  if (*start <= clock_.Now()) return std::nullopt;
  const absl::TimeZone zone = options_.time_zone;
  TemplateValues values = {
      {"name", contact.name},
      {"date", FormatLongDate(*start, zone, language)},
      {"time", absl::FormatTime("%H:%M", *start, zone)},
      {"end_time", absl::FormatTime("%H:%M", *end, zone)},
      {"office", OfficeText(from, event.Field("office"))},
      {"services", ServicesText(from, event.Field("services"))},
      {"code", event.Field("code")},
  };
  if (by_link) {
    absl::StatusOr<std::string> token =
        booking::OpenMailedLinkToken(from.secrets, record_id, event.Field("link_token"));
    if (!token.ok()) return absl::DataLossError("the link token cannot be opened");
    values["confirm_url"] =
        absl::StrCat(options_.portal_url, "/termine/bestaetigen?hold=", UrlComponent(record_id),
                     "&token=", UrlComponent(*token));
    absl::StatusOr<absl::Time> expires = TimeField(event, "expires_ms");
    if (!expires.ok()) return expires.status();
    if (*expires <= clock_.Now()) return std::nullopt;  // the link no longer works
    values["expires_date"] = FormatLongDate(*expires, zone, language);
    values["expires_time"] = absl::FormatTime("%H:%M", *expires, zone);
  } else {
    const std::string& nonce = event.Field("nonce");
    values["manage_url"] = ManageUrl(from, record_id, nonce);
    values["join_url"] = JoinUrl(from, record_id, nonce);
  }
  // A cancellation by the office says so, with its reason (fields `cause`,
  // e.g. "closure", and `cause_reason` of booking.cancelled, written by the
  // office's closure handling; empty for the citizen's own).
  std::string reason_text;
  std::string reason_html;
  if (!event.Field("cause").empty()) {
    const std::string& reason = event.Field("cause_reason");
    const std::string said =
        language == kEnglish ? "The office cancelled it" : "Das Amt hat abgesagt";
    const std::string why = language == kEnglish ? "Reason: " : "Grund: ";
    reason_text =
        reason.empty() ? absl::StrCat(said, ".\n") : absl::StrCat(said, ". ", why, reason, "\n");
    reason_html = absl::StrCat(
        "<p>", EscapeHtml(said), ".",
        reason.empty() ? "" : absl::StrCat(" ", EscapeHtml(why), EscapeHtml(reason)), "</p>");
  }
  values["reason_text"] = reason_text;
  values["reason_html"] = reason_html;
  absl::StatusOr<RenderedMail> rendered = templates_.Render(template_name, language, values);
  if (!rendered.ok()) return rendered.status();

  Mail mail;
  mail.to_name = contact.name;
  mail.to_address = contact.email;
  mail.subject = std::move(rendered->subject);
  mail.text = std::move(rendered->text);
  mail.html = std::move(rendered->html);
  if (kind->calendar) {
    const bool cancelled = event.type() == "booking.cancelled";
    booking::IcsEvent ics;
    ics.uid = absl::StrCat(record_id, "@stadtportal");
    ics.summary = mail.subject;
    ics.location = from.resource_is_place ? values["office"] : "";
    ics.description =
        absl::StrCat(language == kEnglish ? "Booking code " : "Buchungscode ", record_id);
    ics.start = *start;
    ics.end = *end;
    ics.stamp = event.occurred();
    ics.cancelled = cancelled;
    ics.product = from.product;
    ics.itip = true;
    int sequence = 0;
    if (!absl::SimpleAtoi(event.Field("seq"), &sequence)) sequence = 0;
    ics.sequence = sequence;
    ics.organizer = options_.organizer_address;
    ics.attendee = contact.email;
    mail.attachments.push_back(
        {language == kEnglish ? "appointment.ics" : "termin.ics",
         absl::StrCat("text/calendar; charset=UTF-8; method=", cancelled ? "CANCEL" : "REQUEST"),
         booking::MakeIcs(ics)});
  }
  return mail;
}

}  // namespace stadt::notifications
