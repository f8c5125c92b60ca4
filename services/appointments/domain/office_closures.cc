#include "services/appointments/domain/office_closures.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::appointments {
namespace {

constexpr int kMoveAttempts = 3;

bool Offers(const Office& office, const std::vector<std::string>& service_ids) {
  return std::all_of(service_ids.begin(), service_ids.end(), [&](const std::string& id) {
    return std::find(office.service_ids.begin(), office.service_ids.end(), id) !=
           office.service_ids.end();
  });
}

// Whether the store refused a move or cancellation because the booking
// changed after it was listed: the citizen checked in (or the visit ended) or
// cancelled meanwhile. It is then no longer affected and stays as it is; the
// rest of the batch goes on.
bool NoLongerAffected(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kFailedPrecondition) return false;
  const std::string reason = booking::ReasonOf(status);
  return reason == "already_checked_in" || reason == "visit_completed" ||
         reason == "visit_no_show" || reason == "booking_cancelled";
}

absl::StatusOr<Closure> FindClosure(const Office& office, const std::string& closure_id) {
  for (const Closure& closure : office.closures) {
    if (closure.id == closure_id) return closure;
  }
  return booking::Refusal(absl::StatusCode::kNotFound, "closure_not_found",
                          "no such closure at this office");
}

}  // namespace

OfficeClosures::OfficeClosures(CatalogRepository& catalog, booking::BookingRepository& bookings,
                               booking::BookingCore& core)
    : catalog_(catalog), bookings_(bookings), core_(core) {}

absl::StatusOr<std::vector<booking::BookingRecord>> OfficeClosures::StrandedBookings(
    const Office& office, absl::CivilDay from, absl::CivilDay to) {
  const absl::Time now = core_.Now();
  from = std::max(from, core_.calendar().Today(now));
  to = std::min(to, core_.calendar().LastBookableDay(now));
  std::vector<booking::BookingRecord> stranded;
  for (absl::CivilDay day = from; day <= to; ++day) {
    absl::StatusOr<std::vector<std::string>> codes =
        bookings_.DayBookings({office.id, booking::FormatDate(day)});
    if (!codes.ok()) return codes.status();
    if (codes->empty()) continue;
    std::vector<booking::BookingRecord> records;
    for (const std::string& code : *codes) {
      absl::StatusOr<booking::BookingRecord> record = bookings_.GetBooking(code);
      if (record.status().code() == absl::StatusCode::kNotFound) continue;
      if (!record.ok()) return record.status();
      if (record->status == booking::BookingStatus::kConfirmed) records.push_back(*record);
    }
    // What cannot move any more (begun, past) keeps its place first; the rest
    // keep theirs in start order while the plan has room.
    auto fixed = [now](const booking::BookingRecord& r) {
      return !r.visit.empty() || r.start < now;
    };
    std::stable_sort(records.begin(), records.end(),
                     [&](const booking::BookingRecord& a, const booking::BookingRecord& b) {
                       if (fixed(a) != fixed(b)) return fixed(a);
                       return a.start != b.start ? a.start < b.start : a.code < b.code;
                     });
    const booking::DayPlan plan = PlanDay(office, day);
    std::vector<int> used(plan.capacity.size(), 0);
    for (const booking::BookingRecord& record : records) {
      absl::StatusOr<booking::GridPosition> position =
          core_.calendar().PositionOf(record.start, plan.slot_minutes);
      const int buckets = booking::BucketsFor(
          static_cast<int>(absl::ToInt64Minutes(record.end - record.start)), plan.slot_minutes);
      bool fits = position.ok() && position->day == day &&
                  position->bucket + buckets <= static_cast<int>(plan.capacity.size());
      for (int b = 0; fits && b < buckets; ++b) {
        fits = used[position->bucket + b] < plan.capacity[position->bucket + b];
      }
      if (fits || fixed(record)) {
        for (int b = 0;
             position.ok() && b < buckets && position->bucket + b < static_cast<int>(used.size());
             ++b) {
          ++used[position->bucket + b];
        }
        continue;
      }
      stranded.push_back(record);
    }
  }
  return stranded;
}

absl::StatusOr<std::vector<booking::BookingRecord>> OfficeClosures::StrandedBy(
    const Office& office, const Closure& closure) {
  return StrandedBookings(office, *booking::ParseDate(closure.from_date),
                          *booking::ParseDate(closure.to_date));
}

absl::StatusOr<ClosureReport> OfficeClosures::Declare(const std::string& office_id,
                                                      const Closure& closure) {
  if (!booking::IsValidId(office_id))
    return WithReason(absl::InvalidArgumentError("office_id: invalid"), "invalid_office_id");
  absl::StatusOr<Office> office = catalog_.GetOffice(office_id);
  if (!office.ok()) return office.status();
  STADT_RETURN_IF_ERROR(WithReason(ValidateClosure(*office, closure), "closure_invalid"));
  absl::StatusOr<Closure> existing = FindClosure(*office, closure.id);
  if (existing.ok() && *existing != closure) {
    return booking::Refusal(absl::StatusCode::kAlreadyExists, "closure_exists",
                            "Unter dieser Kennung ist schon eine andere Schließung erfasst. / "
                            "Another closure has this id.");
  }
  if (!existing.ok()) {
    office->closures.push_back(closure);
    STADT_RETURN_IF_ERROR(WithReason(ValidateOffice(*office), "closure_invalid"));
    STADT_RETURN_IF_ERROR(catalog_.PutOffice(*office));
  }
  return Resolve(office_id, closure.id, ClosureAction::kList, "", "");
}

absl::StatusOr<ClosureReport> OfficeClosures::Resolve(const std::string& office_id,
                                                      const std::string& closure_id,
                                                      ClosureAction action,
                                                      const std::string& target_office_id,
                                                      const std::string& reason) {
  if (!booking::IsValidId(office_id))
    return WithReason(absl::InvalidArgumentError("office_id: invalid"), "invalid_office_id");
  if (!booking::IsValidId(closure_id))
    return WithReason(absl::InvalidArgumentError("closure_id: invalid"), "invalid_closure_id");
  if (!target_office_id.empty() && !booking::IsValidId(target_office_id)) {
    return WithReason(absl::InvalidArgumentError("target_office_id: invalid"), "invalid_office_id");
  }
  if (reason.size() > kMaxReasonLength)
    return WithReason(absl::InvalidArgumentError("reason: too long"), "cancel_reason_too_long");
  absl::StatusOr<Office> office = catalog_.GetOffice(office_id);
  if (!office.ok()) return office.status();
  absl::StatusOr<Closure> closure = FindClosure(*office, closure_id);
  if (!closure.ok()) return closure.status();
  absl::StatusOr<std::vector<booking::BookingRecord>> stranded = StrandedBy(*office, *closure);
  if (!stranded.ok()) return stranded.status();

  ClosureReport report{*closure, {}, 0, 0};
  for (const booking::BookingRecord& record : *stranded) {
    report.bookings.push_back({record.code, record.start, ClosureOutcome::kAffected, "", {}});
  }
  if (action == ClosureAction::kList) return report;

  const booking::ChangeCause cause{"closure", closure->id,
                                   reason.empty() ? closure->reason : reason};
  // Bookings that began (or were cancelled) after the listing: left as they
  // are and dropped from the report.
  std::vector<bool> untouched(stranded->size(), false);
  auto drop_untouched = [&] {
    std::vector<AffectedBooking> kept;
    for (size_t i = 0; i < report.bookings.size(); ++i) {
      if (!untouched[i]) kept.push_back(std::move(report.bookings[i]));
    }
    report.bookings = std::move(kept);
  };
  auto cancel = [&](size_t i) -> absl::Status {
    absl::StatusOr<booking::BookingRecord> cancelled =
        bookings_.CancelBookingBecause((*stranded)[i].code, core_.Now(), cause);
    if (NoLongerAffected(cancelled.status())) {
      untouched[i] = true;
      return absl::OkStatus();
    }
    if (!cancelled.ok()) return cancelled.status();
    report.bookings[i].outcome = ClosureOutcome::kCancelled;
    ++report.cancelled;
    return absl::OkStatus();
  };
  if (action == ClosureAction::kCancel) {
    for (size_t i = 0; i < stranded->size(); ++i) STADT_RETURN_IF_ERROR(cancel(i));
    drop_untouched();
    return report;
  }

  // Move: the target's usage over the bookable window, read once and kept
  // up to date here; every move is checked again by the store.
  Office target = *office;
  if (!target_office_id.empty() && target_office_id != office_id) {
    absl::StatusOr<Office> named = catalog_.GetOffice(target_office_id);
    if (!named.ok()) return named.status();
    target = *std::move(named);
  }
  const absl::Time now = core_.Now();
  const absl::CivilDay first_day = core_.calendar().Today(now);
  const absl::CivilDay last_day = core_.calendar().LastBookableDay(now);
  std::vector<booking::ResourceDay> keys;
  std::vector<booking::DayPlan> plans;
  for (absl::CivilDay day = first_day; day <= last_day; ++day) {
    keys.push_back({target.id, booking::FormatDate(day)});
    plans.push_back(PlanDay(target, day));
  }
  absl::StatusOr<std::vector<booking::DayUsage>> usage = bookings_.GetUsage(keys, now);
  if (!usage.ok()) return usage.status();
  const absl::Time earliest = now + core_.rules().min_notice;
  const int days = static_cast<int>(keys.size());

  for (size_t i = 0; i < stranded->size(); ++i) {
    const booking::BookingRecord& record = (*stranded)[i];
    const int minutes = static_cast<int>(absl::ToInt64Minutes(record.end - record.start));
    bool moved = false;
    for (int attempt = 0; attempt < kMoveAttempts && !moved && Offers(target, record.service_ids);
         ++attempt) {
      // The nearest free start: the booking's own day first, then a day
      // later, a day earlier, ...; on a day the start nearest in time.
      const int home = static_cast<int>(*booking::ParseDate(record.day) - first_day);
      std::optional<std::pair<int, int>> best;  // day index, bucket
      for (int offset = 0; offset <= days && !best; ++offset) {
        for (int day : {home + offset, home - offset}) {
          if (day < 0 || day >= days || (offset == 0 && day != home)) continue;
          const booking::DayPlan& plan = plans[day];
          const int need = booking::BucketsFor(minutes, plan.slot_minutes);
          absl::Duration best_distance = absl::InfiniteDuration();
          for (int bucket : booking::FreeStarts(plan, (*usage)[day], need)) {
            if (!core_.calendar().OnTheClock(plan.day, bucket, need, plan.slot_minutes)) continue;
            const absl::Time start = core_.calendar().StartOf(plan.day, bucket, plan.slot_minutes);
            if (start < earliest) continue;
            const absl::Duration distance = absl::AbsDuration(start - record.start);
            if (distance < best_distance) {
              best_distance = distance;
              best = std::make_pair(day, bucket);
            }
          }
          if (best) break;
        }
      }
      if (!best) break;
      const booking::DayPlan& plan = plans[best->first];
      absl::StatusOr<booking::PlacedSlot> slot =
          core_.Fit(target.id, plan, {plan.day, best->second}, minutes);
      if (!slot.ok()) return slot.status();
      absl::StatusOr<booking::BookingRecord> stored = core_.MoveBecause(record, *slot, cause);
      if (NoLongerAffected(stored.status())) {
        untouched[i] = true;  // the slot stays free for the next one
        break;
      }
      booking::DayUsage& day_usage = (*usage)[best->first];
      // Moved, or someone else took the place meanwhile: either way it is taken.
      for (int b = 0; b < static_cast<int>(slot->capacity.size()); ++b) {
        day_usage.booked[best->second + b] =
            stored.ok() ? day_usage.booked[best->second + b] + 1 : slot->capacity[b];
      }
      if (stored.ok()) {
        report.bookings[i].outcome = ClosureOutcome::kMoved;
        report.bookings[i].office_id = stored->resource_id;
        report.bookings[i].new_start = stored->start;
        ++report.moved;
        moved = true;
      } else if (stored.status().code() != absl::StatusCode::kAborted) {
        return stored.status();
      }
    }
    if (!moved && !untouched[i]) STADT_RETURN_IF_ERROR(cancel(i));
  }
  drop_untouched();
  return report;
}

absl::StatusOr<Office> OfficeClosures::PrepareReplacement(const Office& office) {
  absl::StatusOr<Office> existing = catalog_.GetOffice(office.id);
  if (existing.status().code() == absl::StatusCode::kNotFound) return office;  // a new office
  if (!existing.ok()) return existing.status();
  Office updated = office;
  updated.closures = existing->closures;
  STADT_RETURN_IF_ERROR(WithReason(ValidateOffice(updated), "office_invalid"));
  const absl::Time now = core_.Now();
  absl::StatusOr<std::vector<booking::BookingRecord>> stranded =
      StrandedBookings(updated, core_.calendar().Today(now), core_.calendar().LastBookableDay(now));
  if (!stranded.ok()) return stranded.status();
  if (!stranded->empty()) {
    return booking::Refusal(
        absl::StatusCode::kFailedPrecondition, "bookings_stranded",
        absl::StrCat(stranded->size(),
                     " Termine lägen außerhalb der neuen Öffnungszeiten; erst per Schließung "
                     "verlegen oder absagen. / ",
                     stranded->size(),
                     " bookings would fall outside the new hours; move or cancel them with a "
                     "closure first."));
  }
  return updated;
}

}  // namespace stadt::appointments
