#include "services/parking/domain/parking_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/common/strings.h"
#include "services/parking/domain/plate.h"

namespace stadt::parking {
namespace {

constexpr size_t kMaxIdempotencyKeyLength = 64;
constexpr int kDefaultHistoryLimit = 20;
constexpr int kMaxHistoryLimit = 100;
constexpr int kMaxSettleBatchesPerCall = 100;

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

absl::Status RequireSubject(std::string_view subject) {
  if (subject.empty()) return absl::UnauthenticatedError("sign-in required");
  return absl::OkStatus();
}

std::string TimeKey(std::optional<absl::Time> time) {
  return time ? absl::StrCat(absl::ToUnixSeconds(*time)) : "-";
}

}  // namespace

absl::Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength ||
      !std::all_of(key.begin(), key.end(), IsKeyChar)) {
    return WithReason(absl::InvalidArgumentError(
                          "idempotency_key: 1-64 characters of letters, digits and . _ : -"),
                      "idempotency_key_invalid");
  }
  return absl::OkStatus();
}

absl::StatusOr<ZoneLookup> ParkingService::LocateZone(GeoPoint position) const {
  return rules_.zones().Locate(position, settings_.border_radius_meters);
}

absl::StatusOr<Quote> ParkingService::QuoteStay(std::string_view zone_id,
                                                std::optional<absl::Time> start,
                                                absl::Time end) const {
  return rules_.QuoteStay(zone_id, start.value_or(clock_.Now()), end);
}

absl::StatusOr<std::optional<contact::MailContact>> ParkingService::ReminderContact(
    const StartRequest& request, const Plate& plate) const {
  if (request.notify_email.empty()) return std::nullopt;
  // A malformed address is refused as such, with or without reminders on offer.
  absl::StatusOr<std::string> address =
      contact::NormalizeMailAddress(request.notify_email, "notify_email");
  if (!address.ok()) return address.status();
  if (settings_.reminder_contact_key.empty()) {
    return WithReason(
        absl::FailedPreconditionError("reminders by e-mail are not offered (notify_email)"),
        "reminders_unavailable");
  }
  return contact::MailContact{*std::move(address), "", contact::MailLanguage(request.language),
                              plate.country == "DE"
                                  ? plate.registration
                                  : absl::StrCat(plate.registration, " (", plate.country, ")")};
}

absl::StatusOr<Session> ParkingService::Start(std::string_view subject, const StartRequest& request,
                                              std::string_view idempotency_key) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  if (!idempotency_key.empty()) {
    if (absl::Status status = ValidateIdempotencyKey(idempotency_key); !status.ok()) return status;
  }
  absl::StatusOr<Plate> plate = ParsePlate(request.country, request.plate);
  if (!plate.ok()) return plate.status();
  absl::StatusOr<std::optional<contact::MailContact>> reminder = ReminderContact(request, *plate);
  if (!reminder.ok()) return reminder.status();
  const WriteKey key{
      std::string(subject), "start", std::string(idempotency_key),
      absl::StrCat(ToAbsl(request.zone_id), "|", plate->key, "|", TimeKey(request.planned_end))};
  if (!key.key.empty()) {
    absl::StatusOr<std::optional<Session>> replay = repository_.BeginWrite(key);
    if (!replay.ok()) return replay.status();
    if (replay->has_value()) return **replay;
  }
  StartRequest owned = request;
  owned.owner = std::string(subject);
  absl::StatusOr<Session> planned = rules_.PlanStart(owned, clock_.Now());
  if (!planned.ok()) return Refused(key, planned.status());
  if (reminder->has_value()) {
    // Bound to the owner: the store adds the session id only when it writes.
    absl::StatusOr<std::string> sealed =
        contact::Seal(settings_.reminder_contact_key, **reminder, owned.owner);
    if (!sealed.ok()) return Refused(key, sealed.status());
    planned->reminder_contact = *std::move(sealed);
  }
  absl::StatusOr<Session> stored = repository_.InsertSession(*planned, clock_.Now(), key);
  if (!stored.ok()) return Refused(key, stored.status());
  if (absl::Status status = repository_.FinishWrite(key, *stored); !status.ok()) return status;
  return stored;
}

absl::StatusOr<Session> ParkingService::Extend(std::string_view subject,
                                               std::string_view session_id, absl::Time new_end,
                                               std::string_view idempotency_key) {
  return ChangeSession(subject, session_id, SessionChange::kExtend, new_end, idempotency_key);
}

absl::StatusOr<Session> ParkingService::Stop(std::string_view subject, std::string_view session_id,
                                             std::string_view idempotency_key) {
  return ChangeSession(subject, session_id, SessionChange::kStop, absl::InfinitePast(),
                       idempotency_key);
}

absl::StatusOr<Session> ParkingService::ChangeSession(std::string_view subject,
                                                      std::string_view session_id,
                                                      SessionChange change, absl::Time new_end,
                                                      std::string_view idempotency_key) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  if (!idempotency_key.empty()) {
    if (absl::Status status = ValidateIdempotencyKey(idempotency_key); !status.ok()) return status;
  }
  const bool extend = change == SessionChange::kExtend;
  const WriteKey key{
      std::string(subject), extend ? "extend" : "stop", std::string(idempotency_key),
      absl::StrCat(ToAbsl(session_id), "|", extend ? TimeKey(new_end) : std::string("-"))};
  if (!key.key.empty()) {
    absl::StatusOr<std::optional<Session>> replay = repository_.BeginWrite(key);
    if (!replay.ok()) return replay.status();
    if (replay->has_value()) return **replay;
  }
  absl::StatusOr<Session> session = GetOwnSession(subject, session_id);
  if (!session.ok()) return Refused(key, session.status());
  // A stop retried without a key (or with a new one) finds the session
  // stopped: the stop it asked for has happened, so it gets that answer.
  if (!extend && session->stopped) return AlreadyStopped(key, *std::move(session));
  const absl::Time now = clock_.Now();
  absl::StatusOr<Session> planned =
      extend ? rules_.PlanExtend(*session, new_end, now) : rules_.PlanStop(*session, now);
  if (!planned.ok()) return Refused(key, planned.status());
  absl::StatusOr<Session> stored = repository_.UpdateSession(*planned, change, now, key);
  if (!extend && stored.status().code() == absl::StatusCode::kFailedPrecondition) {
    // Two stops at once: the other one stopped it between our read and write.
    absl::StatusOr<Session> again = GetOwnSession(subject, session_id);
    if (again.ok() && again->stopped) return AlreadyStopped(key, *std::move(again));
  }
  if (!stored.ok()) return Refused(key, stored.status());
  if (absl::Status status = repository_.FinishWrite(key, *stored); !status.ok()) return status;
  return stored;
}

absl::StatusOr<Session> ParkingService::AlreadyStopped(const WriteKey& key, Session session) {
  if (!key.key.empty()) {
    if (absl::Status status = repository_.FinishWrite(key, session); !status.ok()) return status;
  }
  return session;
}

absl::Status ParkingService::Refused(const WriteKey& key, absl::Status refusal) {
  // After an outage or an internal error the write may have happened; the
  // claim must then stay, so that the key cannot be reused for another request.
  const absl::StatusCode code = refusal.code();
  const bool definite =
      code != absl::StatusCode::kUnavailable && code != absl::StatusCode::kInternal &&
      code != absl::StatusCode::kDeadlineExceeded && code != absl::StatusCode::kUnknown;
  if (!key.key.empty() && definite) {
    if (absl::Status status = repository_.AbandonWrite(key); !status.ok()) return status;
  }
  return refusal;
}

absl::StatusOr<Session> ParkingService::GetOwnSession(std::string_view subject,
                                                      std::string_view session_id) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<Session> session = repository_.GetSession(session_id);
  if (!session.ok()) return session.status();
  if (session->owner != subject) {
    return WithReason(absl::NotFoundError("session not found"), "session_not_found");
  }
  return session;
}

absl::StatusOr<std::vector<Session>> ParkingService::History(std::string_view subject, int limit) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  if (limit < 0 || limit > kMaxHistoryLimit) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat("page_size must be 0-", kMaxHistoryLimit)),
        "invalid_page_size");
  }
  return repository_.ListSessions(subject, limit == 0 ? kDefaultHistoryLimit : limit);
}

std::optional<TaxReceipt> ParkingService::TaxReceiptOf(const Session& session) const {
  if (!session.stopped && session.IsActiveAt(clock_.Now())) return std::nullopt;
  absl::StatusOr<const Zone*> zone = rules_.FindZone(session.zone_id);
  if (!zone.ok()) return std::nullopt;
  return MakeTaxReceipt(session, **zone, settings_.receipt);
}

absl::StatusOr<Permit> ParkingService::IssuePermit(std::string_view country, std::string_view plate,
                                                   std::string_view area, absl::Time valid_from,
                                                   absl::Time valid_until) {
  absl::StatusOr<Plate> parsed = ParsePlate(country, plate);
  if (!parsed.ok()) return parsed.status();
  if (valid_until <= clock_.Now()) {
    return WithReason(absl::InvalidArgumentError("permit has already expired"), "permit_expired");
  }
  absl::StatusOr<Permit> permit = rules_.PlanPermit(*parsed, area, valid_from, valid_until);
  if (!permit.ok()) return permit.status();
  return repository_.AddPermit(*permit);
}

absl::StatusOr<std::vector<Permit>> ParkingService::ListPermits(std::string_view country,
                                                                std::string_view plate) {
  absl::StatusOr<Plate> parsed = ParsePlate(country, plate);
  if (!parsed.ok()) return parsed.status();
  return repository_.ListPermits(parsed->key);
}

absl::StatusOr<CheckResult> ParkingService::CheckPlate(std::string_view country,
                                                       std::string_view plate,
                                                       std::string_view zone_id) {
  absl::StatusOr<Plate> parsed = ParsePlate(country, plate);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<const Zone*> zone = rules_.FindZone(zone_id);
  if (!zone.ok()) return zone.status();
  const absl::Time now = clock_.Now();
  absl::StatusOr<ChargeState> charge = rules_.ChargingAt(zone_id, now);
  if (!charge.ok()) return charge.status();
  absl::StatusOr<PlateRecord> record = repository_.ReadPlate(parsed->key);
  if (!record.ok()) return record.status();
  return parking::CheckPlate(**zone, SessionForCheck(record->sessions, (*zone)->id, now),
                             record->permits, *charge, now, settings_.grace);
}

absl::StatusOr<int> ParkingService::SettleEndedSessions(
    const std::function<void(const Session&)>& settle, int batch) {
  int settled = 0;
  // Bounded, so that one call cannot run forever; the rest waits for the next.
  for (int round = 0; round < kMaxSettleBatchesPerCall; ++round) {
    absl::StatusOr<std::vector<Session>> ended =
        repository_.ListUnsettledEndedSessions(clock_.Now(), batch);
    if (!ended.ok()) return ended.status();
    if (ended->empty()) return settled;
    std::vector<std::string> ids;
    for (const Session& session : *ended) {
      // A stop settles its session itself; only those that ran out are left.
      if (!session.stopped) {
        settle(session);
        ++settled;
      }
      ids.push_back(session.id);
    }
    if (absl::Status status = repository_.MarkSettled(ids); !status.ok()) return status;
  }
  return settled;
}

namespace {

// Sessions read for an export or erasure: all the store keeps (100 days).
constexpr int kAllSessions = 100'000;

}  // namespace

absl::StatusOr<std::vector<privacy::Record>> ParkingService::PersonalRecords(
    std::string_view subject) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<std::vector<Session>> sessions = repository_.ListSessions(subject, kAllSessions);
  if (!sessions.ok()) return sessions.status();
  std::vector<privacy::Record> records;
  for (const Session& session : *sessions) {
    privacy::Record record;
    record.kind = "parking_session";
    record.id = session.id;
    record.retention = privacy::RetentionClass::kTaxRecord;
    record.fields = {{"country", session.plate.country},
                     {"plate", session.plate.registration},
                     {"zone", session.zone_id},
                     {"tariff", session.tariff_id},
                     {"start", privacy::ExportTime(session.start)},
                     {"end", privacy::ExportTime(session.end)},
                     {"stopped", session.stopped ? "true" : "false"},
                     {"price_cents", absl::StrCat(session.price_cents)}};
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<privacy::Erasure> ParkingService::ErasePersonalData(std::string_view subject) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<std::vector<Session>> sessions = repository_.ListSessions(subject, kAllSessions);
  if (!sessions.ok()) return sessions.status();
  absl::StatusOr<int> erased = repository_.EraseOwner(subject, clock_.Now());
  if (!erased.ok()) return erased.status();
  privacy::Erasure erasure;
  erasure.erased = *erased;
  for (const Session& session : *sessions) {
    privacy::KeptRecord kept;
    kept.kind = "parking_session";
    kept.id = session.id;
    kept.retention = privacy::RetentionClass::kTaxRecord;
    kept.reason_de =
        "Beleg über die Parkgebühr (Kleinbetragsrechnung, § 33 UStDV), aufbewahrt ohne "
        "Kennzeichen und ohne Bezug zu Ihnen";
    kept.reason_en =
        "Receipt of the parking fee (small-amount invoice, § 33 UStDV), kept without the plate "
        "and without a link to you";
    erasure.kept.push_back(std::move(kept));
  }
  return erasure;
}

}  // namespace stadt::parking
