#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/privacy/personal_data.h"
#include "services/parking/domain/parking_repository.h"
#include "services/parking/domain/receipt.h"
#include "services/parking/domain/sessions.h"

namespace stadt::parking {

struct ParkingSettings {
  // How close to a zone border a position also offers that zone.
  double border_radius_meters = 30;
  // How long after a session's end the officer's check still says "grace".
  absl::Duration grace = absl::Minutes(5);
  // Issuer and VAT rate of the receipts.
  ReceiptSettings receipt;
  // Seals the address of a session's "ending soon" reminder for the
  // notifications service (contact::ContactKey of the parking master key);
  // empty: a start with an address is refused (reminders_unavailable).
  std::string reminder_contact_key = {};
};

// The parking use cases, free of transport and storage: validates and prices
// with ParkingRules, makes writes idempotent and applies them through the
// repository. `subject` is the caller's token subject; a session is visible
// only to its owner (NOT_FOUND for anyone else, so ids reveal nothing).
class ParkingService {
 public:
  ParkingService(const ParkingRules& rules, ParkingRepository& repository, const Clock& clock,
                 ParkingSettings settings)
      : rules_(rules), repository_(repository), clock_(clock), settings_(std::move(settings)) {}

  const ParkingRules& rules() const { return rules_; }

  absl::StatusOr<ZoneLookup> LocateZone(GeoPoint position) const;
  // The start defaults to now.
  absl::StatusOr<Quote> QuoteStay(std::string_view zone_id, std::optional<absl::Time> start,
                                  absl::Time end) const;

  absl::StatusOr<Session> Start(std::string_view subject, const StartRequest& request,
                                std::string_view idempotency_key);
  absl::StatusOr<Session> Extend(std::string_view subject, std::string_view session_id,
                                 absl::Time new_end, std::string_view idempotency_key);
  // Stopping a session the caller has stopped already, with or without a
  // key, returns it as stopped (the same session and receipt).
  absl::StatusOr<Session> Stop(std::string_view subject, std::string_view session_id,
                               std::string_view idempotency_key);
  absl::StatusOr<Session> GetOwnSession(std::string_view subject, std::string_view session_id);
  absl::StatusOr<std::vector<Session>> History(std::string_view subject, int limit);
  // The receipt of a session that has ended (stopped or ran out) by now;
  // nullopt while it runs.
  std::optional<TaxReceipt> TaxReceiptOf(const Session& session) const;

  // `country` and `plate` as typed (see ParsePlate).
  absl::StatusOr<Permit> IssuePermit(std::string_view country, std::string_view plate,
                                     std::string_view area, absl::Time valid_from,
                                     absl::Time valid_until);
  absl::StatusOr<std::vector<Permit>> ListPermits(std::string_view country, std::string_view plate);

  // Judges every owner's sessions of the plate (SessionForCheck).
  absl::StatusOr<CheckResult> CheckPlate(std::string_view country, std::string_view plate,
                                         std::string_view zone_id);

  // Settles the sessions that ran out by themselves since the last call:
  // hands each to `settle` (which reports its revenue and minutes), then
  // marks it settled. A crash in between hands it over again on the next
  // call, so `settle` must be idempotent per session id. Returns how many
  // were settled; works in batches of `batch` until none is left.
  // The citizen's sessions for an export (GDPR Art. 15).
  absl::StatusOr<std::vector<privacy::Record>> PersonalRecords(std::string_view subject);
  // Erases the citizen's parking data (GDPR Art. 17); each ended session is
  // kept as a tax receipt without plate and owner. FAILED_PRECONDITION
  // [session_running] while a session runs.
  absl::StatusOr<privacy::Erasure> ErasePersonalData(std::string_view subject);

  absl::StatusOr<int> SettleEndedSessions(const std::function<void(const Session&)>& settle,
                                          int batch = 500);
  // Writes the "ending soon" events of the reminders due now (see
  // ParkingRepository::SendDueReminders); how many.
  absl::StatusOr<int> SendDueReminders(int batch = 200) {
    return repository_.SendDueReminders(clock_.Now(), batch);
  }

 private:
  // The sealed reminder contact's content: nullopt without an address;
  // INVALID_ARGUMENT for a malformed address, FAILED_PRECONDITION when no key
  // is configured.
  absl::StatusOr<std::optional<contact::MailContact>> ReminderContact(const StartRequest& request,
                                                                      const Plate& plate) const;
  // The answer to a stop of a session stopped before: recorded for the key.
  absl::StatusOr<Session> AlreadyStopped(const WriteKey& key, Session session);
  // Releases the idempotency claim of a write that was refused.
  absl::Status Refused(const WriteKey& key, absl::Status refusal);
  absl::StatusOr<Session> ChangeSession(std::string_view subject, std::string_view session_id,
                                        SessionChange change, absl::Time new_end,
                                        std::string_view idempotency_key);

  const ParkingRules& rules_;
  ParkingRepository& repository_;
  const Clock& clock_;
  const ParkingSettings settings_;
};

// Idempotency keys: 1-64 characters of [A-Za-z0-9._:-]; INVALID_ARGUMENT otherwise.
absl::Status ValidateIdempotencyKey(std::string_view key);

}  // namespace stadt::parking
