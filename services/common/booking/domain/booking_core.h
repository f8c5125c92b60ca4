#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/booking/domain/schedule.h"
#include "services/common/clock.h"
#include "services/common/crypto/crypto.h"
#include "services/common/privacy/personal_data.h"

namespace stadt::booking {

// Secrets of a booking service, derived from one configured master key.
struct BookingSecrets {
  std::string contact_key;  // 32 bytes, AES-256-GCM for contact data
  std::string token_key;    // HMAC key for manage tokens and person keys
  // `purpose` keeps the keys of different services apart.
  static BookingSecrets Derive(const std::string& master_key,
                               const std::string& purpose = "appointments");
};

// A slot on one resource's grid, checked against that day's plan.
struct PlacedSlot {
  std::string resource_id;
  GridPosition position;
  SlotCapacity capacity;  // of each bucket the slot covers
  absl::Time start;
  absl::Time end;
};

struct ConfirmedBooking {
  BookingRecord record;
  std::string manage_token;  // only known right after confirming
};

// The slot/hold/confirm machinery every booking service shares: the bookable
// window, holds, confirmation with manage code and token, sealed contact data,
// cancel, move and reminders. It knows resources and grids, not what they are
// (an office's counters, a caseworker): the service using it resolves its
// catalog into day plans. Every race is settled by the repository.
class BookingCore {
 public:
  BookingCore(BookingRepository& bookings, const Clock& clock, Calendar calendar,
              const BookingSecrets& secrets);

  const Calendar& calendar() const { return calendar_; }
  const BookingRules& rules() const { return calendar_.rules(); }
  absl::Time Now() const { return clock_.Now(); }
  BookingRepository& repository() { return bookings_; }

  // The released days from `from_date` to `to_date` (each optional,
  // YYYY-MM-DD), at most `max_days`.
  absl::StatusOr<std::vector<absl::CivilDay>> Days(const std::string& from_date,
                                                   const std::string& to_date, int max_days) const;
  // Start times of the free runs of `buckets` on a day that the notice period
  // still allows, at most `max_slots`.
  std::vector<absl::Time> FreeStartTimes(const DayPlan& plan, const DayUsage& usage, int buckets,
                                         size_t max_slots) const;
  // The same with the clock of `plan.day` made once for all resources of a day.
  std::vector<absl::Time> FreeStartTimes(const DayPlan& plan, const DayUsage& usage, int buckets,
                                         size_t max_slots, const DayClock& clock) const;
  // Where `start` lies on a grid of `slot_minutes`, if it may be booked now.
  absl::StatusOr<GridPosition> Locate(absl::Time start, int slot_minutes) const;
  // The slot of `minutes` from `position` on `plan`; FAILED_PRECONDITION if
  // the resource is closed during any of it.
  absl::StatusOr<PlacedSlot> Fit(const std::string& resource_id, const DayPlan& plan,
                                 const GridPosition& position, int minutes) const;

  // Takes the slot for the hold time; releases the client's previous hold.
  absl::StatusOr<HoldRecord> Hold(const std::string& client, const PlacedSlot& slot,
                                  const std::vector<std::string>& service_ids);
  // Turns the client's hold into a booking. A retried request returns the
  // same booking (and token).
  absl::StatusOr<ConfirmedBooking> Confirm(const std::string& client, const std::string& hold_id,
                                           const Contact& contact,
                                           const std::string& attributes = "");
  // Staff (token subject `staff`, who holds the slot) book for a caller: the
  // booking records who booked it, and counts against the caller's limits by
  // the e-mail address and phone number given (not by the staff's login).
  absl::StatusOr<ConfirmedBooking> ConfirmByStaff(const std::string& staff,
                                                  const std::string& hold_id,
                                                  const Contact& contact,
                                                  const std::string& attributes = "");
  // With e-mail confirmation (rules().email_confirmation_ttl): instead of
  // Confirm, keeps the hold for that time (but not past its start minus the
  // notice period) and writes the mail with a link token to the outbox; the
  // booking is made by ConfirmByEmail. A retried request changes nothing and
  // sends no second mail: the hold keeps the first contact
  // (OpenPendingContact).
  absl::StatusOr<HoldRecord> RequestEmailConfirmation(const std::string& client,
                                                      const std::string& hold_id,
                                                      const Contact& contact,
                                                      const std::string& attributes = "");
  // The contact a hold awaiting its e-mail will be booked with.
  absl::StatusOr<Contact> OpenPendingContact(const HoldRecord& hold) const;
  // Makes the booking when `token` is the link token of the hold; NOT_FOUND
  // alike for an unknown hold and a wrong token, FAILED_PRECONDITION once
  // the hold has expired (NOT_FOUND a day later, when its record is gone).
  // A link used twice returns the same booking.
  absl::StatusOr<ConfirmedBooking> ConfirmByEmail(const std::string& hold_id,
                                                  const std::string& token);
  // The booking if `token` is its manage token; NOT_FOUND alike for an unknown
  // code and a wrong token. The code may be typed loosely
  // (BookingCodeCandidates).
  absl::StatusOr<BookingRecord> Authorize(const std::string& code, const std::string& token);
  // The booking with a code typed loosely (staff at the counter);
  // INVALID_ARGUMENT [not_a_booking_code] if it cannot be a code, NOT_FOUND.
  absl::StatusOr<BookingRecord> Find(const std::string& typed_code);
  absl::StatusOr<Contact> OpenContact(const BookingRecord& record) const;
  // Idempotent. With rules().check_in_closes_booking refused once the visit
  // has begun or ended (CheckVisitOpen); the store checks that again
  // atomically.
  absl::StatusOr<BookingRecord> Cancel(const BookingRecord& record);
  // Moves a confirmed booking to `slot` (another resource too) in one step;
  // the booking is unchanged if the new slot is gone. Refused once the visit
  // has begun or ended.
  absl::StatusOr<BookingRecord> Move(const BookingRecord& record, const PlacedSlot& slot);
  // As Move, done by the office: `cause` goes into the outbox event.
  absl::StatusOr<BookingRecord> MoveBecause(const BookingRecord& record, const PlacedSlot& slot,
                                            const ChangeCause& cause);
  // Called periodically; safe on every replica at once.
  absl::StatusOr<int> SendDueReminders();
  // Queues the mail with the manage links of the active bookings made with
  // `email` (POST .../resend). The same OK whether or not there are any, so
  // nobody learns which addresses have bookings; INVALID_ARGUMENT only for a
  // malformed address. At most one mail per person per kLinksInterval.
  static constexpr absl::Duration kLinksInterval = absl::Minutes(10);
  absl::Status RequestLinks(const std::string& email, const std::string& language);
  // The citizen's own bookings (token subject), their contact opened, as
  // records of `kind` for an export (GDPR Art. 15); UNAUTHENTICATED without one.
  absl::StatusOr<std::vector<privacy::Record>> PersonalRecords(const std::string& subject,
                                                               const std::string& kind);
  // Erases them (GDPR Art. 17): a booking to come gives its slot back, no mail
  // goes out. Idempotent; nothing of a booking is kept.
  absl::StatusOr<privacy::Erasure> ErasePersonalData(const std::string& subject);

 private:
  // The client's hold, once the request to confirm it is well-formed:
  // UNAUTHENTICATED without a client, INVALID_ARGUMENT for a bad hold id or
  // contact, NOT_FOUND for a hold that is not the client's.
  absl::StatusOr<HoldRecord> ClientHoldToConfirm(const std::string& client,
                                                 const std::string& hold_id,
                                                 const Contact& contact);
  absl::StatusOr<ConfirmedBooking> ConfirmWith(const std::string& client,
                                               const std::string& hold_id, const Contact& contact,
                                               const std::string& attributes,
                                               const std::string& booked_by);
  // The fair-access keys (BookingRecord::person_key) of a booking.
  std::string PersonKeys(const std::string& client, const Contact& contact,
                         bool with_identity) const;
  std::string ManageToken(const std::string& code, const std::string& nonce) const;
  // A new id from `draw` that the store keeps beside `resource_id`'s records
  // (BookingRepository::IdFitsResource), drawn again until it does.
  std::string DrawFitting(const std::string& resource_id,
                          const std::function<std::string()>& draw) const;
  absl::Time DeleteAfter(absl::Time end) const;

  BookingRepository& bookings_;
  const Clock& clock_;
  Calendar calendar_;
  crypto::Aead contact_cipher_;
  std::string token_key_;
};

// The booking with a code typed loosely (BookingCodeCandidates, tried in
// order); INVALID_ARGUMENT [not_a_booking_code] if it cannot be a code.
absl::StatusOr<BookingRecord> FindBooking(BookingRepository& bookings,
                                          const std::string& typed_code);

// What the mailer does with a booking.email_confirmation_requested event:
// opens the link token sealed in it (`hold` and `link_token` fields) with the
// service's secrets.
// The manage token of booking `code` from the `nonce` its outbox events carry.
std::string DeriveManageToken(const BookingSecrets& secrets, const std::string& code,
                              const std::string& nonce);
// The contact as sealed (JSON with name, email, phone, lang); empty fields
// when `text` is not that JSON.
Contact ContactFromJson(const std::string& text);

absl::StatusOr<std::string> OpenMailedLinkToken(const BookingSecrets& secrets,
                                                const std::string& hold_id,
                                                const std::string& sealed_link_token);

}  // namespace stadt::booking
