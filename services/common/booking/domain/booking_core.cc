#include "services/common/booking/domain/booking_core.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/booking/domain/refusal.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::booking {
namespace {

constexpr size_t kTokenNonceBytes = 16;
constexpr size_t kHoldIdBytes = 16;
constexpr size_t kMaxHoldIdLength = 64;
constexpr int kCodeAttempts = 4;
// Draws for an id that fits its resource's bucket: 64 buckets take 64 on
// average; the chance that 4096 draws all miss is below 1e-27.
constexpr int kFitAttempts = 4096;
constexpr size_t kMaxTokenLength = 128;
constexpr int kMaxRemindersPerRun = 500;

std::string SealedContactJson(const Contact& contact) {
  boost::json::object json{
      {"name", contact.name}, {"email", contact.email}, {"phone", contact.phone}};
  if (!contact.language.empty()) json["lang"] = contact.language;
  return boost::json::serialize(json);
}

}  // namespace

Contact ContactFromJson(const std::string& text) {
  Contact contact;
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(text, error);
  if (error || !json.is_object()) return contact;
  auto read = [&](const char* key) -> std::string {
    const boost::json::value* value = json.as_object().if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  };
  contact.name = read("name");
  contact.email = read("email");
  contact.phone = read("phone");
  contact.language = read("lang");
  return contact;
}

namespace {

// Binds a sealed link token to its hold, so it cannot be moved to another.
std::string LinkTokenContext(const std::string& hold_id) { return absl::StrCat("link:", hold_id); }

absl::Status NotFoundBooking() {
  // The same answer for an unknown code and a wrong token, so nobody can probe
  // which codes exist.
  return Refusal(absl::StatusCode::kNotFound, "booking_not_found",
                 "no booking with this code and token");
}

}  // namespace

BookingSecrets BookingSecrets::Derive(const std::string& master_key, const std::string& purpose) {
  return {crypto::HmacSha256(master_key, absl::StrCat("stadt.", purpose, ".contact.v1")),
          crypto::HmacSha256(master_key, absl::StrCat("stadt.", purpose, ".token.v1"))};
}

BookingCore::BookingCore(BookingRepository& bookings, const Clock& clock, Calendar calendar,
                         const BookingSecrets& secrets)
    : bookings_(bookings),
      clock_(clock),
      calendar_(calendar),
      contact_cipher_(crypto::Aead::Create(secrets.contact_key).value()),
      token_key_(secrets.token_key) {}

absl::StatusOr<std::vector<absl::CivilDay>> BookingCore::Days(const std::string& from_date,
                                                              const std::string& to_date,
                                                              int max_days) const {
  const absl::Time now = clock_.Now();
  absl::CivilDay from = calendar_.Today(now);
  absl::CivilDay to = calendar_.LastBookableDay(now);
  if (!from_date.empty()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseDate(from_date);
    if (!parsed.ok()) {
      return Refusal(absl::StatusCode::kInvalidArgument, "invalid_date",
                     "from_date: expected YYYY-MM-DD");
    }
    from = std::max(from, *parsed);
  }
  if (!to_date.empty()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseDate(to_date);
    if (!parsed.ok()) {
      return Refusal(absl::StatusCode::kInvalidArgument, "invalid_date",
                     "to_date: expected YYYY-MM-DD");
    }
    to = std::min(to, *parsed);
  }
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay day = from; day <= to && static_cast<int>(days.size()) < max_days; ++day) {
    days.push_back(day);
  }
  return days;
}

std::vector<absl::Time> BookingCore::FreeStartTimes(const DayPlan& plan, const DayUsage& usage,
                                                    int buckets, size_t max_slots) const {
  return FreeStartTimes(plan, usage, buckets, max_slots, DayClock(calendar_, plan.day));
}

std::vector<absl::Time> BookingCore::FreeStartTimes(const DayPlan& plan, const DayUsage& usage,
                                                    int buckets, size_t max_slots,
                                                    const DayClock& clock) const {
  const absl::Time earliest = clock_.Now() + calendar_.rules().min_notice;
  std::vector<absl::Time> starts;
  for (int bucket : FreeStarts(plan, usage, buckets)) {
    if (starts.size() >= max_slots) break;
    if (!clock.OnTheClock(bucket, buckets, plan.slot_minutes)) continue;
    const absl::Time start = clock.StartOf(bucket, plan.slot_minutes);
    if (start >= earliest) starts.push_back(start);
  }
  return starts;
}

absl::StatusOr<GridPosition> BookingCore::Locate(absl::Time start, int slot_minutes) const {
  absl::StatusOr<GridPosition> position = calendar_.PositionOf(start, slot_minutes);
  if (!position.ok()) return position.status();
  STADT_RETURN_IF_ERROR(calendar_.CheckBookable(start, clock_.Now()));
  return position;
}

absl::StatusOr<PlacedSlot> BookingCore::Fit(const std::string& resource_id, const DayPlan& plan,
                                            const GridPosition& position, int minutes) const {
  const int buckets = BucketsFor(minutes, plan.slot_minutes);
  if (position.bucket + buckets > static_cast<int>(plan.capacity.size())) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "ends_after_midnight",
                   "start: the appointment would end after midnight");
  }
  // An appointment across the hour the clocks skip would take buckets that do
  // not exist (and leave the real ones after it free): as if closed then.
  if (!calendar_.OnTheClock(position.day, position.bucket, buckets, plan.slot_minutes)) {
    return absl::FailedPreconditionError("start: closed then");
  }
  const absl::Time start = calendar_.StartOf(position.day, position.bucket, plan.slot_minutes);
  PlacedSlot placed{resource_id, position, {}, start, start + absl::Minutes(minutes)};
  for (int i = 0; i < buckets; ++i) {
    const int capacity = plan.capacity[position.bucket + i];
    if (capacity == 0) {
      return Refusal(absl::StatusCode::kFailedPrecondition, "outside_opening_hours",
                     "start: closed then");
    }
    placed.capacity.push_back(capacity);
  }
  return placed;
}

absl::StatusOr<HoldRecord> BookingCore::Hold(const std::string& client, const PlacedSlot& slot,
                                             const std::vector<std::string>& service_ids) {
  if (client.empty()) return absl::UnauthenticatedError("holding a slot needs a signed-in citizen");
  const absl::Time now = clock_.Now();
  HoldRecord hold;
  hold.hold_id = DrawFitting(slot.resource_id,
                             [] { return crypto::Base64Url(crypto::RandomBytes(kHoldIdBytes)); });
  hold.client = client;
  hold.resource_id = slot.resource_id;
  hold.day = FormatDate(slot.position.day);
  hold.start_bucket = slot.position.bucket;
  hold.buckets = static_cast<int>(slot.capacity.size());
  hold.service_ids = service_ids;
  hold.start = slot.start;
  hold.end = slot.end;
  hold.expires_at = now + calendar_.rules().hold_ttl;
  STADT_RETURN_IF_ERROR(bookings_.PutHold(hold, slot.capacity, now));
  return hold;
}

std::string BookingCore::DrawFitting(const std::string& resource_id,
                                     const std::function<std::string()>& draw) const {
  std::string id = draw();
  for (int attempt = 1; attempt < kFitAttempts && !bookings_.IdFitsResource(id, resource_id);
       ++attempt) {
    id = draw();
  }
  return id;
}

std::string DeriveManageToken(const BookingSecrets& secrets, const std::string& code,
                              const std::string& nonce) {
  return crypto::Base64Url(crypto::HmacSha256(secrets.token_key, absl::StrCat(code, ":", nonce)));
}

std::string BookingCore::ManageToken(const std::string& code, const std::string& nonce) const {
  return DeriveManageToken({"", token_key_}, code, nonce);
}

absl::Time BookingCore::DeleteAfter(absl::Time end) const {
  return end + absl::Hours(24) * calendar_.rules().retention_days;
}

absl::StatusOr<HoldRecord> BookingCore::ClientHoldToConfirm(const std::string& client,
                                                            const std::string& hold_id,
                                                            const Contact& contact) {
  if (client.empty()) return absl::UnauthenticatedError("confirming needs a signed-in citizen");
  if (hold_id.empty() || hold_id.size() > kMaxHoldIdLength) {
    return WithReason(absl::NotFoundError("hold_id: invalid"), "hold_not_found");
  }
  STADT_RETURN_IF_ERROR(ValidateContact(contact));
  absl::StatusOr<HoldRecord> hold = bookings_.GetHold(hold_id);
  if (!hold.ok()) return hold.status();
  if (hold->client != client) {
    return Refusal(absl::StatusCode::kNotFound, "hold_not_found", "hold not found");
  }
  return hold;
}

absl::StatusOr<ConfirmedBooking> BookingCore::Confirm(const std::string& client,
                                                      const std::string& hold_id,
                                                      const Contact& contact,
                                                      const std::string& attributes) {
  return ConfirmWith(client, hold_id, contact, attributes, /*booked_by=*/"");
}

absl::StatusOr<ConfirmedBooking> BookingCore::ConfirmByStaff(const std::string& staff,
                                                             const std::string& hold_id,
                                                             const Contact& contact,
                                                             const std::string& attributes) {
  if (staff.empty()) return absl::UnauthenticatedError("booking for a caller needs staff");
  return ConfirmWith(staff, hold_id, contact, attributes, staff);
}

std::string BookingCore::PersonKeys(const std::string& client, const Contact& contact,
                                    bool with_identity) const {
  std::vector<std::string> keys;
  auto key = [&](const std::string& text) {
    keys.push_back(crypto::Base64Url(crypto::HmacSha256(token_key_, text)));
  };
  // The e-mail's key is the one bookings always had.
  if (!contact.email.empty()) key(absl::StrCat("person:", NormalizeEmail(contact.email).value()));
  if (!contact.phone.empty()) key(absl::StrCat("phone:", NormalizePhone(contact.phone).value()));
  if (with_identity) key(absl::StrCat("subject:", client));
  return absl::StrJoin(keys, ",");
}

absl::StatusOr<ConfirmedBooking> BookingCore::ConfirmWith(const std::string& client,
                                                          const std::string& hold_id,
                                                          const Contact& contact,
                                                          const std::string& attributes,
                                                          const std::string& booked_by) {
  absl::StatusOr<HoldRecord> hold = ClientHoldToConfirm(client, hold_id, contact);
  if (!hold.ok()) return hold.status();

  const BookingRules& rules = calendar_.rules();
  BookingRecord booking;
  booking.token_nonce = crypto::Base64Url(crypto::RandomBytes(kTokenNonceBytes));
  booking.resource_id = hold->resource_id;
  booking.day = hold->day;
  booking.start_bucket = hold->start_bucket;
  booking.buckets = hold->buckets;
  booking.service_ids = hold->service_ids;
  booking.start = hold->start;
  booking.end = hold->end;
  booking.client = client;
  booking.attributes = attributes;
  booking.remind_at = hold->start - rules.reminder_lead;
  booking.booked_by = booked_by;
  // A citizen counts by their login too; a caller booked by staff by what
  // they gave (the staff member's login is not theirs).
  booking.person_key = PersonKeys(client, contact, /*with_identity=*/booked_by.empty());
  const PersonLimits limits{rules.max_active_bookings_per_person,
                            absl::Hours(24) * rules.same_service_window_days};
  absl::StatusOr<std::string> code = absl::AlreadyExistsError("no code tried");
  for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
    booking.code = DrawFitting(booking.resource_id, NewBookingCode);
    booking.token_hash =
        crypto::Base64Url(crypto::Sha256(ManageToken(booking.code, booking.token_nonce)));
    booking.sealed_contact = contact_cipher_.Seal(SealedContactJson(contact), booking.code);
    code = bookings_.ConfirmHold(hold_id, booking, limits, clock_.Now(), DeleteAfter(hold->end));
    if (code.status().code() != absl::StatusCode::kAlreadyExists) break;
  }
  if (!code.ok()) return code.status();
  absl::StatusOr<BookingRecord> stored = bookings_.GetBooking(*code);
  if (!stored.ok()) return stored.status();
  std::string token = ManageToken(stored->code, stored->token_nonce);
  return ConfirmedBooking{*std::move(stored), std::move(token)};
}

absl::StatusOr<HoldRecord> BookingCore::RequestEmailConfirmation(const std::string& client,
                                                                 const std::string& hold_id,
                                                                 const Contact& contact,
                                                                 const std::string& attributes) {
  absl::StatusOr<HoldRecord> hold = ClientHoldToConfirm(client, hold_id, contact);
  if (!hold.ok()) return hold.status();
  if (contact.email.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "email_required",
                   "contact.email: Bestätigung per E-Mail braucht eine Adresse / confirming by "
                   "e-mail needs an address");
  }
  // The token travels only in the mail: whoever uses the link controls the
  // address. The hold keeps its hash; the outbox gets it sealed.
  const std::string token = crypto::Base64Url(crypto::RandomBytes(kTokenNonceBytes));
  PendingEmail pending;
  pending.token_hash = crypto::Base64Url(crypto::Sha256(token));
  pending.sealed_contact = contact_cipher_.Seal(SealedContactJson(contact), hold_id);
  pending.attributes = attributes;
  pending.sealed_link_token = contact_cipher_.Seal(token, LinkTokenContext(hold_id));
  // The link must not outlast the notice period: a booking made by it would
  // come later than any other could.
  const BookingRules& rules = calendar_.rules();
  const absl::Time now = clock_.Now();
  const absl::Time until =
      std::min(now + rules.email_confirmation_ttl, hold->start - rules.min_notice);
  return bookings_.AwaitEmail(hold_id, client, pending, until, now);
}

absl::StatusOr<Contact> BookingCore::OpenPendingContact(const HoldRecord& hold) const {
  absl::StatusOr<std::string> contact = contact_cipher_.Open(hold.pending_contact, hold.hold_id);
  if (!contact.ok()) return absl::InternalError("contact data cannot be opened");
  return ContactFromJson(*contact);
}

absl::StatusOr<ConfirmedBooking> BookingCore::ConfirmByEmail(const std::string& hold_id,
                                                             const std::string& token) {
  // One answer for an unknown hold, one not awaiting a mail and a wrong
  // token: the link proves nothing else.
  const absl::Status unknown = Refusal(absl::StatusCode::kNotFound, "hold_not_found",
                                       "no pending confirmation for this link");
  if (hold_id.empty() || hold_id.size() > kMaxHoldIdLength || token.empty() ||
      token.size() > kMaxTokenLength) {
    return unknown;
  }
  absl::StatusOr<HoldRecord> hold = bookings_.GetHold(hold_id);
  if (hold.status().code() == absl::StatusCode::kNotFound) return unknown;
  if (!hold.ok()) return hold.status();
  if (!hold->awaiting_email() ||
      !crypto::ConstantTimeEquals(crypto::Base64Url(crypto::Sha256(token)),
                                  hold->email_token_hash)) {
    return unknown;
  }
  absl::StatusOr<Contact> contact = OpenPendingContact(*hold);
  if (!contact.ok()) return contact.status();
  // The usual confirmation, on behalf of the citizen who held the slot:
  // idempotent, so a link used twice shows the same booking.
  return Confirm(hold->client, hold_id, *contact, hold->pending_attributes);
}

absl::StatusOr<BookingRecord> BookingCore::Authorize(const std::string& code,
                                                     const std::string& token) {
  const std::vector<std::string> candidates = BookingCodeCandidates(code);
  if (candidates.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "not_a_booking_code",
                   "booking_code: kein Buchungscode / not a booking code");
  }
  if (token.empty() || token.size() > kMaxTokenLength) return NotFoundBooking();
  const std::string token_hash = crypto::Base64Url(crypto::Sha256(token));
  for (const std::string& candidate : candidates) {
    absl::StatusOr<BookingRecord> record = bookings_.GetBooking(candidate);
    if (record.status().code() == absl::StatusCode::kNotFound) continue;
    if (!record.ok()) return record.status();
    if (crypto::ConstantTimeEquals(token_hash, record->token_hash)) return record;
  }
  return NotFoundBooking();
}

absl::StatusOr<BookingRecord> BookingCore::Find(const std::string& typed_code) {
  return FindBooking(bookings_, typed_code);
}

absl::StatusOr<BookingRecord> FindBooking(BookingRepository& bookings,
                                          const std::string& typed_code) {
  const std::vector<std::string> candidates = BookingCodeCandidates(typed_code);
  if (candidates.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "not_a_booking_code",
                   "booking_code: kein Buchungscode / not a booking code");
  }
  for (const std::string& candidate : candidates) {
    absl::StatusOr<BookingRecord> record = bookings.GetBooking(candidate);
    if (record.status().code() != absl::StatusCode::kNotFound) return record;
  }
  return Refusal(absl::StatusCode::kNotFound, "booking_not_found", "no such booking");
}

absl::StatusOr<Contact> BookingCore::OpenContact(const BookingRecord& record) const {
  absl::StatusOr<std::string> contact = contact_cipher_.Open(record.sealed_contact, record.code);
  if (!contact.ok()) return absl::InternalError("contact data cannot be opened");
  return ContactFromJson(*contact);
}

namespace {

privacy::Record BookingExport(const KeptBooking& kept, const Contact& contact,
                              const std::string& kind) {
  const BookingRecord& booking = kept.record;
  privacy::Record record;
  record.kind = kind;
  record.id = booking.code;
  record.retention = privacy::RetentionClass::kServiceRecord;
  record.delete_after = kept.delete_after;
  record.fields = {
      {"resource", booking.resource_id},
      {"start", privacy::ExportTime(booking.start)},
      {"end", privacy::ExportTime(booking.end)},
      {"services", absl::StrJoin(booking.service_ids, ",")},
      {"status", booking.status == BookingStatus::kCancelled ? "cancelled" : "confirmed"},
      {"name", contact.name},
      {"email", contact.email},
      {"phone", contact.phone},
      {"language", contact.language},
  };
  if (!booking.visit.empty()) record.fields.emplace_back("visit", booking.visit);
  if (!booking.attributes.empty()) record.fields.emplace_back("attributes", booking.attributes);
  return record;
}

}  // namespace

absl::StatusOr<std::vector<privacy::Record>> BookingCore::PersonalRecords(
    const std::string& subject, const std::string& kind) {
  if (subject.empty()) return absl::UnauthenticatedError("no subject");
  absl::StatusOr<std::vector<KeptBooking>> kept = bookings_.SubjectBookings(subject);
  if (!kept.ok()) return kept.status();
  std::vector<privacy::Record> records;
  for (const KeptBooking& booking : *kept) {
    absl::StatusOr<Contact> contact = OpenContact(booking.record);
    records.push_back(BookingExport(booking, contact.ok() ? *contact : Contact{}, kind));
  }
  return records;
}

absl::StatusOr<privacy::Erasure> BookingCore::ErasePersonalData(const std::string& subject) {
  if (subject.empty()) return absl::UnauthenticatedError("no subject");
  absl::StatusOr<int> erased = bookings_.EraseSubject(subject, clock_.Now());
  if (!erased.ok()) return erased.status();
  privacy::Erasure erasure;
  erasure.erased = *erased;
  return erasure;
}

absl::StatusOr<BookingRecord> BookingCore::Cancel(const BookingRecord& record) {
  if (record.status == BookingStatus::kCancelled) return record;
  if (calendar_.rules().check_in_closes_booking) {
    STADT_RETURN_IF_ERROR(CheckVisitOpen(record.visit));
  }
  return bookings_.CancelBooking(record.code, clock_.Now());
}

absl::StatusOr<BookingRecord> BookingCore::Move(const BookingRecord& record,
                                                const PlacedSlot& slot) {
  return MoveBecause(record, slot, ChangeCause{});
}

absl::StatusOr<BookingRecord> BookingCore::MoveBecause(const BookingRecord& record,
                                                       const PlacedSlot& slot,
                                                       const ChangeCause& cause) {
  if (record.status != BookingStatus::kConfirmed) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "booking_cancelled",
                   "Der Termin ist abgesagt. / The booking is cancelled.");
  }
  STADT_RETURN_IF_ERROR(CheckVisitOpen(record.visit));
  BookingRecord moved = record;
  moved.resource_id = slot.resource_id;
  moved.day = FormatDate(slot.position.day);
  moved.start_bucket = slot.position.bucket;
  moved.buckets = static_cast<int>(slot.capacity.size());
  moved.start = slot.start;
  moved.end = slot.end;
  moved.remind_at = moved.start - calendar_.rules().reminder_lead;
  return bookings_.MoveBookingBecause(record.code, moved, slot.capacity, clock_.Now(),
                                      DeleteAfter(moved.end), cause);
}

absl::Status BookingCore::RequestLinks(const std::string& email, const std::string& language) {
  absl::StatusOr<std::string> normalized = NormalizeEmail(email);
  if (!normalized.ok()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "invalid_email",
                   "email: not a valid e-mail address");
  }
  const std::string person_key =
      crypto::Base64Url(crypto::HmacSha256(token_key_, absl::StrCat("person:", *normalized)));
  const std::string request_id = crypto::Base64Url(crypto::RandomBytes(kHoldIdBytes));
  const std::string sealed =
      contact_cipher_.Seal(SealedContactJson(Contact("", email, "", language)), request_id);
  absl::StatusOr<int> listed =
      bookings_.RequestLinks(person_key, request_id, sealed, clock_.Now(), kLinksInterval);
  return listed.status();
}

absl::StatusOr<int> BookingCore::SendDueReminders() {
  return bookings_.EmitDueReminders(clock_.Now(), kMaxRemindersPerRun);
}

absl::StatusOr<std::string> OpenMailedLinkToken(const BookingSecrets& secrets,
                                                const std::string& hold_id,
                                                const std::string& sealed_link_token) {
  absl::StatusOr<crypto::Aead> cipher = crypto::Aead::Create(secrets.contact_key);
  if (!cipher.ok()) return cipher.status();
  return cipher->Open(sealed_link_token, LinkTokenContext(hold_id));
}

}  // namespace stadt::booking
