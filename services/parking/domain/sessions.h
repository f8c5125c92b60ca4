#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/parking/domain/plate.h"
#include "services/parking/domain/tariff.h"
#include "services/parking/domain/zones.h"

namespace stadt::parking {

// A parking session. It is active while now < end: `end` is the planned end,
// else the latest end the tariff allows, or the stop time once stopped, so a
// session ends by itself without anyone having to write to it.
struct Session {
  std::string id;
  std::string owner;  // token subject of the citizen who started it
  Plate plate;
  std::string zone_id;
  std::string tariff_id;
  absl::Time start;
  absl::Time end;
  absl::Time max_end;  // start + the tariff's maximum parking time
  bool stopped = false;
  int64_t price_cents = 0;  // for [start, end)
  // The "ending soon" reminder's contact (contact::Seal, bound to the owner),
  // given at the start; empty: no reminder. Written only with the start,
  // never part of an answer or the plate's record.
  std::string reminder_contact = {};

  bool IsActiveAt(absl::Time now) const { return start <= now && now < end; }
  friend bool operator==(const Session&, const Session&) = default;
};

struct StartRequest {
  std::string owner;
  std::string zone_id;
  std::string plate;  // as typed
  std::optional<absl::Time> planned_end;
  std::string country = {};  // as typed; empty: Germany
  // Where to send the "ending soon" reminder; empty: none.
  std::string notify_email = {};
  // The language of that mail ("de" or "en").
  std::string language = {};
};

// Of a plate's recent sessions (every owner's), the one the officer's check in
// `zone_id` at `now` judges by: the active one there that runs longest, else
// the one there that ended last; nullopt when none has started there.
std::optional<Session> SessionForCheck(const std::vector<Session>& sessions,
                                       std::string_view zone_id, absl::Time now);

// Residents' permit: the plate parks free in every zone of the permit area.
struct Permit {
  std::string id;
  Plate plate;
  std::string area;
  absl::Time valid_from;   // start of its first Berlin day
  absl::Time valid_until;  // start of the Berlin day after its last
  // A revoked permit is kept (the caseworker and the citizen see it) but
  // covers nothing any more.
  bool revoked = false;
  std::string revoke_reason{};  // default member initializer: aggregates may omit it

  bool ValidAt(absl::Time now) const { return valid_from <= now && now < valid_until; }
  friend bool operator==(const Permit&, const Permit&) = default;
};

enum class CheckStatus { kPaid, kPermit, kGrace, kNotPaid, kFreeNow };
std::string_view CheckStatusName(CheckStatus status);

struct CheckResult {
  CheckStatus status = CheckStatus::kNotPaid;
  // End of the plate's latest session in this zone (kPaid, kGrace, and
  // kNotPaid when one expired); InfinitePast when there was none.
  absl::Time paid_until = absl::InfinitePast();
  std::string permit_area;                               // kPermit
  absl::Time permit_valid_until = absl::InfinitePast();  // kPermit
  // kFreeNow: when charging starts again (InfiniteFuture: not within a week).
  absl::Time charging_starts_at = absl::InfiniteFuture();
  // kGrace right after charging began: when it began.
  absl::Time charging_started_at = absl::InfinitePast();
};

// The rules of parking, free of storage: zone and tariff lookup, pricing,
// and what start, extend and stop may do. Each Plan* returns the session as
// it is to be stored; the store then applies it atomically against what is
// stored at that moment (one active session per plate and owner, still
// active, ...).
class ParkingRules {
 public:
  ParkingRules(ZoneDirectory zones, std::vector<Tariff> tariffs, PriceCalculator calculator);

  // Every zone's tariff must exist.
  absl::Status Validate() const;

  const ZoneDirectory& zones() const { return zones_; }
  // NOT_FOUND "unknown zone".
  absl::StatusOr<const Zone*> FindZone(std::string_view zone_id) const;
  absl::StatusOr<const Tariff*> TariffOf(const Zone& zone) const;

  // Whether the zone charges at `now`, and until when.
  absl::StatusOr<ChargeState> ChargingAt(std::string_view zone_id, absl::Time now) const;

  // A quote for a planned stay; INVALID_ARGUMENT unless start < end.
  absl::StatusOr<Quote> QuoteStay(std::string_view zone_id, absl::Time start, absl::Time end) const;
  // The breakdown of a session's price for [start, end).
  absl::StatusOr<Quote> Receipt(const Session& session) const;

  // Starts now; id left empty for the store to fill.
  absl::StatusOr<Session> PlanStart(const StartRequest& request, absl::Time now) const;
  // FAILED_PRECONDITION if the session has ended; INVALID_ARGUMENT unless
  // new_end is after its current end; OUT_OF_RANGE past the maximum time.
  absl::StatusOr<Session> PlanExtend(const Session& session, absl::Time new_end,
                                     absl::Time now) const;
  // FAILED_PRECONDITION if the session has ended already.
  absl::StatusOr<Session> PlanStop(const Session& session, absl::Time now) const;

  // INVALID_ARGUMENT for an unknown area or an empty span.
  absl::StatusOr<Permit> PlanPermit(const Plate& plate, std::string_view area,
                                    absl::Time valid_from, absl::Time valid_until) const;

 private:
  absl::StatusOr<int64_t> PriceOf(const Session& session) const;

  ZoneDirectory zones_;
  std::map<std::string, Tariff, std::less<>> tariffs_;
  PriceCalculator calculator_;
};

// The officer's check of one plate in one zone at `now`. `latest` is the
// plate's session SessionForCheck chose, `permits` the plate's permits,
// `charge` whether the zone charges now. A zone that does not charge now is
// never "not paid": it answers kFreeNow; in the first `grace` after charging
// began, a plate without a session is in grace too.
CheckResult CheckPlate(const Zone& zone, const std::optional<Session>& latest,
                       const std::vector<Permit>& permits, const ChargeState& charge,
                       absl::Time now, absl::Duration grace);

}  // namespace stadt::parking
