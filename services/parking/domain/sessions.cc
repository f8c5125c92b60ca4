#include "services/parking/domain/sessions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/parking/domain/plate.h"

namespace stadt::parking {
namespace {

absl::Status SessionEnded() {
  return WithReason(absl::FailedPreconditionError("session has ended"), "session_ended");
}

// Permits are issued for at most two years at a time.
constexpr absl::Duration kMaxPermitSpan = absl::Hours(24 * 366 * 2);

}  // namespace

std::optional<Session> SessionForCheck(const std::vector<Session>& sessions,
                                       std::string_view zone_id, absl::Time now) {
  // The one that ends last: an active session ends after `now`, one that has
  // ended at or before it, so an active one always wins.
  const Session* best = nullptr;
  for (const Session& session : sessions) {
    if (session.zone_id != zone_id || session.start > now) continue;
    if (best == nullptr || session.end > best->end) best = &session;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::string_view CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPaid:
      return "paid";
    case CheckStatus::kPermit:
      return "permit";
    case CheckStatus::kGrace:
      return "grace";
    case CheckStatus::kNotPaid:
      return "not_paid";
    case CheckStatus::kFreeNow:
      return "free_now";
  }
  return "not_paid";
}

ParkingRules::ParkingRules(ZoneDirectory zones, std::vector<Tariff> tariffs,
                           PriceCalculator calculator)
    : zones_(std::move(zones)), calculator_(calculator) {
  for (Tariff& tariff : tariffs) {
    std::string id = tariff.id;
    tariffs_.emplace(std::move(id), std::move(tariff));
  }
}

absl::Status ParkingRules::Validate() const {
  for (const Zone& zone : zones_.zones()) {
    if (!tariffs_.contains(zone.tariff_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("zone ", zone.id, ": unknown tariff ", zone.tariff_id));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const Zone*> ParkingRules::FindZone(std::string_view zone_id) const {
  const Zone* zone = zones_.Find(zone_id);
  if (zone == nullptr) return WithReason(absl::NotFoundError("unknown zone"), "zone_unknown");
  return zone;
}

absl::StatusOr<const Tariff*> ParkingRules::TariffOf(const Zone& zone) const {
  auto it = tariffs_.find(zone.tariff_id);
  if (it == tariffs_.end()) return absl::InternalError("zone without tariff");
  return &it->second;
}

absl::StatusOr<ChargeState> ParkingRules::ChargingAt(std::string_view zone_id,
                                                     absl::Time now) const {
  absl::StatusOr<const Zone*> zone = FindZone(zone_id);
  if (!zone.ok()) return zone.status();
  absl::StatusOr<const Tariff*> tariff = TariffOf(**zone);
  if (!tariff.ok()) return tariff.status();
  return calculator_.ChargingAt(**tariff, now);
}

absl::StatusOr<Quote> ParkingRules::QuoteStay(std::string_view zone_id, absl::Time start,
                                              absl::Time end) const {
  if (end <= start) {
    return WithReason(absl::InvalidArgumentError("end must be after start"), "end_not_after_start");
  }
  absl::StatusOr<const Zone*> zone = FindZone(zone_id);
  if (!zone.ok()) return zone.status();
  absl::StatusOr<const Tariff*> tariff = TariffOf(**zone);
  if (!tariff.ok()) return tariff.status();
  return calculator_.Price(**tariff, start, end);
}

absl::StatusOr<Quote> ParkingRules::Receipt(const Session& session) const {
  absl::StatusOr<const Zone*> zone = FindZone(session.zone_id);
  if (!zone.ok()) return zone.status();
  absl::StatusOr<const Tariff*> tariff = TariffOf(**zone);
  if (!tariff.ok()) return tariff.status();
  return calculator_.Price(**tariff, session.start, session.end);
}

absl::StatusOr<int64_t> ParkingRules::PriceOf(const Session& session) const {
  absl::StatusOr<Quote> quote = Receipt(session);
  if (!quote.ok()) return quote.status();
  return quote->total_cents;
}

absl::StatusOr<Session> ParkingRules::PlanStart(const StartRequest& request, absl::Time now) const {
  absl::StatusOr<Plate> plate = ParsePlate(request.country, request.plate);
  if (!plate.ok()) return plate.status();
  absl::StatusOr<const Zone*> zone = FindZone(request.zone_id);
  if (!zone.ok()) return zone.status();
  absl::StatusOr<const Tariff*> tariff = TariffOf(**zone);
  if (!tariff.ok()) return tariff.status();
  Session session;
  session.owner = request.owner;
  session.plate = *plate;
  session.zone_id = (*zone)->id;
  session.tariff_id = (*tariff)->id;
  // Whole seconds: what is stored and shown is what is priced.
  session.start = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  // The sign's maximum counts charged minutes only, so the latest end
  // depends on when the stay starts.
  session.max_end = calculator_.LatestEnd(**tariff, session.start);
  session.end = session.max_end;
  if (request.planned_end.has_value()) {
    if (*request.planned_end <= session.start) {
      return WithReason(absl::InvalidArgumentError("planned end must be after the start"),
                        "end_not_after_start");
    }
    session.end = *request.planned_end;
  }
  // Prices the stay and, for a planned end past the latest, names the rule it breaks.
  absl::StatusOr<int64_t> price = PriceOf(session);
  if (!price.ok()) return price.status();
  session.price_cents = *price;
  return session;
}

absl::StatusOr<Session> ParkingRules::PlanExtend(const Session& session, absl::Time new_end,
                                                 absl::Time now) const {
  if (!session.IsActiveAt(now)) return SessionEnded();
  if (new_end <= session.end) {
    return WithReason(absl::InvalidArgumentError("new end must be after the current end"),
                      "end_not_after_current_end");
  }
  Session extended = session;
  extended.end = new_end;
  absl::StatusOr<int64_t> price = PriceOf(extended);
  if (!price.ok()) return price.status();
  extended.price_cents = *price;
  return extended;
}

absl::StatusOr<Session> ParkingRules::PlanStop(const Session& session, absl::Time now) const {
  if (!session.IsActiveAt(now)) return SessionEnded();
  Session stopped = session;
  stopped.end = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  if (stopped.end < stopped.start) stopped.end = stopped.start;
  stopped.stopped = true;
  absl::StatusOr<int64_t> price = PriceOf(stopped);
  if (!price.ok()) return price.status();
  stopped.price_cents = *price;
  return stopped;
}

absl::StatusOr<Permit> ParkingRules::PlanPermit(const Plate& plate, std::string_view area,
                                                absl::Time valid_from,
                                                absl::Time valid_until) const {
  const std::vector<Zone>& zones = zones_.zones();
  if (area.empty() || std::none_of(zones.begin(), zones.end(),
                                   [&](const Zone& zone) { return zone.permit_area == area; })) {
    return WithReason(absl::InvalidArgumentError("unknown permit area"), "permit_area_unknown");
  }
  if (valid_until <= valid_from) {
    return WithReason(absl::InvalidArgumentError("permit must end after it starts"),
                      "permit_period_invalid");
  }
  if (valid_until - valid_from > kMaxPermitSpan) {
    return WithReason(absl::OutOfRangeError("permit validity exceeds two years"),
                      "permit_too_long");
  }
  Permit permit;
  permit.plate = plate;
  permit.area = std::string(area);
  permit.valid_from = valid_from;
  permit.valid_until = valid_until;
  return permit;
}

CheckResult CheckPlate(const Zone& zone, const std::optional<Session>& latest,
                       const std::vector<Permit>& permits, const ChargeState& charge,
                       absl::Time now, absl::Duration grace) {
  CheckResult result;
  const bool here = latest.has_value() && latest->zone_id == zone.id && latest->start <= now;
  if (here) result.paid_until = latest->end;
  if (here && latest->IsActiveAt(now)) {
    result.status = CheckStatus::kPaid;
    return result;
  }
  if (!zone.permit_area.empty()) {
    for (const Permit& permit : permits) {
      if (permit.area == zone.permit_area && !permit.revoked && permit.ValidAt(now)) {
        result.status = CheckStatus::kPermit;
        result.permit_area = permit.area;
        result.permit_valid_until = permit.valid_until;
        return result;
      }
    }
  }
  if (here && now < latest->end + grace) {
    result.status = CheckStatus::kGrace;
    return result;
  }
  if (!charge.charged) {
    result.status = CheckStatus::kFreeNow;
    result.charging_starts_at = charge.next_change;
    return result;
  }
  if (now < charge.charged_since + grace) {
    result.status = CheckStatus::kGrace;
    result.charging_started_at = charge.charged_since;
    return result;
  }
  result.status = CheckStatus::kNotPaid;
  return result;
}

}  // namespace stadt::parking
