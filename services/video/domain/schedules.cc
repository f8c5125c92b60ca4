#include "services/video/domain/schedules.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::video {
namespace {

constexpr size_t kMaxWindows = 50;
constexpr size_t kMaxReasonLength = 200;
constexpr int kMinutesPerDay = 24 * 60;

// What the citizens read when a consultation moves or is cancelled, unless
// the caseworker writes a reason.
std::string DefaultReason(const std::string& kind) {
  if (kind == "vacation") return "Urlaub / vacation";
  if (kind == "sick") return "Krankheit / illness";
  if (kind == "training") return "Fortbildung / training";
  return "Abwesenheit / absence";
}

absl::Status ValidateWindows(const std::vector<WeeklyWindow>& windows, int slot_minutes) {
  if (windows.size() > kMaxWindows) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "availability_invalid",
                            "windows: too many");
  }
  for (const WeeklyWindow& window : windows) {
    if (window.weekday < 1 || window.weekday > 7 || window.from_minute < 0 ||
        window.to_minute > kMinutesPerDay || window.from_minute >= window.to_minute ||
        window.from_minute % slot_minutes != 0 || window.to_minute % slot_minutes != 0) {
      return booking::Refusal(
          absl::StatusCode::kInvalidArgument, "availability_invalid",
          absl::StrCat("windows: weekday 1-7, from before to, within a day on the ", slot_minutes,
                       "-minute grid"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAbsence(const Absence& absence) {
  if (!booking::IsValidId(absence.id)) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "absence_invalid",
                            "absence.id: 1-64 of a-z, 0-9 and '-'");
  }
  if (!booking::IsValidIsoDate(absence.from_date) || !booking::IsValidIsoDate(absence.to_date) ||
      absence.to_date < absence.from_date) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "absence_invalid",
                            "absence: from_date and to_date YYYY-MM-DD, in order");
  }
  if (*booking::ParseDate(absence.to_date) - *booking::ParseDate(absence.from_date) >=
      CaseworkerSchedules::kMaxAbsenceDays) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "absence_too_long",
                            "absence: at most a year");
  }
  static const std::set<std::string> kKinds = {"vacation", "sick", "training", "other"};
  if (!kKinds.contains(absence.kind)) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "absence_invalid",
                            "absence.kind: vacation, sick, training or other");
  }
  return absl::OkStatus();
}

ScheduleView ViewOf(const Caseworker& caseworker) {
  return {caseworker.id, caseworker.availability, caseworker.absences};
}

// Whether the consultation has begun (the citizen checked in, was admitted,
// it was closed) or was marked as missed. Such a consultation keeps its place
// whatever the schedule says: neither a move nor a cancellation may touch it
// any more, and the booking store refuses both atomically (`visit` is written
// by the same script as the check-in).
bool HasBegun(const booking::BookingRecord& record, const Visit& visit) {
  return !record.visit.empty() ||
         (visit.state != VisitState::kBooked && visit.state != VisitState::kConsented);
}

// Whether the store refused a move or cancellation because the consultation
// changed after it was listed: it began, was marked as missed or cancelled
// meanwhile. It is then no longer affected and stays as it is; the rest of the
// batch goes on.
bool NoLongerAffected(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kFailedPrecondition) return false;
  const std::string reason = booking::ReasonOf(status);
  return reason == "already_checked_in" || reason == "visit_completed" ||
         reason == "visit_no_show" || reason == "booking_cancelled";
}

}  // namespace

Caseworker Apply(Caseworker caseworker, const ScheduleOverride& changes) {
  if (changes.availability.has_value()) caseworker.availability = *changes.availability;
  caseworker.absences.insert(caseworker.absences.end(), changes.absences.begin(),
                             changes.absences.end());
  return caseworker;
}

absl::StatusOr<Caseworker> CaseworkerSchedules::Managed(const std::string& caller,
                                                        const std::string& caseworker_id) {
  const VideoCatalog& catalog = records_.catalog();
  const Caseworker* calling = catalog.FindCaseworker(caller);
  if (calling == nullptr) {
    return absl::PermissionDeniedError("the caller is not a caseworker of the video service");
  }
  if (!booking::IsValidId(caseworker_id)) {
    return WithReason(absl::InvalidArgumentError("caseworker_id: 1-64 of a-z, 0-9 and '-'"),
                      "invalid_caseworker_id");
  }
  const Caseworker* managed = catalog.FindCaseworker(caseworker_id);
  // Another department's caseworkers are not the caller's to see.
  if (managed == nullptr || managed->department_id != calling->department_id) {
    return booking::Refusal(absl::StatusCode::kNotFound, "caseworker_not_found",
                            "caseworker not found");
  }
  return records_.Scheduled(*managed);
}

absl::StatusOr<ScheduleView> CaseworkerSchedules::Get(const std::string& caller,
                                                      const std::string& caseworker_id) {
  absl::StatusOr<Caseworker> caseworker = Managed(caller, caseworker_id);
  if (!caseworker.ok()) return caseworker.status();
  return ViewOf(*caseworker);
}

absl::StatusOr<ScheduleView> CaseworkerSchedules::SetAvailability(
    const std::string& caller, const std::string& caseworker_id,
    const std::vector<WeeklyWindow>& windows) {
  STADT_RETURN_IF_ERROR(ValidateWindows(windows, records_.catalog().slot_minutes));
  absl::StatusOr<Caseworker> caseworker = Managed(caller, caseworker_id);
  if (!caseworker.ok()) return caseworker.status();
  caseworker->availability = windows;
  const absl::CivilDay today = core().calendar().Today(core().Now());
  absl::StatusOr<std::vector<booking::BookingRecord>> stranded =
      Stranded(*caseworker, today, core().calendar().LastBookableDay(core().Now()));
  if (!stranded.ok()) return stranded.status();
  if (!stranded->empty()) {
    return booking::Refusal(
        absl::StatusCode::kFailedPrecondition, "bookings_stranded",
        absl::StrCat(stranded->size(),
                     " gebuchte Beratungen lägen außerhalb der neuen Zeiten; erst eine Abwesenheit "
                     "dafür eintragen und auflösen. / ",
                     stranded->size(),
                     " booked consultations would fall outside the new hours; declare and resolve "
                     "an absence for them first."));
  }
  STADT_RETURN_IF_ERROR(schedules_.PutAvailability(caseworker->id, windows));
  return ViewOf(*caseworker);
}

absl::StatusOr<std::vector<booking::BookingRecord>> CaseworkerSchedules::Stranded(
    const Caseworker& caseworker, absl::CivilDay from, absl::CivilDay to) {
  const absl::Time now = core().Now();
  const int slot_minutes = records_.catalog().slot_minutes;
  from = std::max(from, core().calendar().Today(now));
  to = std::min(to, core().calendar().LastBookableDay(now));
  std::vector<booking::BookingRecord> stranded;
  for (absl::CivilDay day = from; day <= to; ++day) {
    absl::StatusOr<std::vector<std::string>> codes =
        core().repository().DayBookings({caseworker.id, booking::FormatDate(day)});
    if (!codes.ok()) return codes.status();
    const booking::DayPlan plan = PlanDay(caseworker, day, slot_minutes);
    std::vector<booking::BookingRecord> day_stranded;
    for (const std::string& code : *codes) {
      absl::StatusOr<booking::BookingRecord> record = core().repository().GetBooking(code);
      if (absl::IsNotFound(record.status())) continue;  // expired meanwhile
      if (!record.ok()) return record.status();
      if (record->status != booking::BookingStatus::kConfirmed || record->start < now) continue;
      absl::StatusOr<booking::GridPosition> position =
          core().calendar().PositionOf(record->start, slot_minutes);
      const bool held =
          position.ok() &&
          core()
              .Fit(caseworker.id, plan, *position,
                   static_cast<int>(absl::ToInt64Minutes(record->end - record->start)))
              .ok();
      if (!held) day_stranded.push_back(*std::move(record));
    }
    STADT_RETURN_IF_ERROR(DropBegun(day_stranded));
    for (booking::BookingRecord& record : day_stranded) stranded.push_back(std::move(record));
  }
  return stranded;
}

absl::Status CaseworkerSchedules::DropBegun(std::vector<booking::BookingRecord>& records) {
  if (records.empty()) return absl::OkStatus();
  std::vector<std::string> codes;
  codes.reserve(records.size());
  for (const booking::BookingRecord& record : records) codes.push_back(record.code);
  absl::StatusOr<std::map<std::string, Visit>> visits = records_.visits().GetMany(codes);
  if (!visits.ok()) return visits.status();
  std::erase_if(records, [&](const booking::BookingRecord& record) {
    auto visit = visits->find(record.code);
    return HasBegun(record, visit == visits->end() ? Visit{} : visit->second);
  });
  return absl::OkStatus();
}

absl::StatusOr<std::vector<booking::BookingRecord>> CaseworkerSchedules::StrandedBy(
    const Caseworker& caseworker, const Absence& absence) {
  return Stranded(caseworker, *booking::ParseDate(absence.from_date),
                  *booking::ParseDate(absence.to_date));
}

absl::StatusOr<AbsenceReport> CaseworkerSchedules::DeclareAbsence(const std::string& caller,
                                                                  const std::string& caseworker_id,
                                                                  const Absence& absence) {
  STADT_RETURN_IF_ERROR(ValidateAbsence(absence));
  absl::StatusOr<Caseworker> caseworker = Managed(caller, caseworker_id);
  if (!caseworker.ok()) return caseworker.status();
  absl::StatusOr<Absence> stored = schedules_.AddAbsence(caseworker->id, absence);
  if (!stored.ok()) return stored.status();
  if (!(*stored == absence)) {
    return booking::Refusal(
        absl::StatusCode::kAlreadyExists, "absence_exists",
        "Eine andere Abwesenheit hat diese Kennung. / Another absence has this id.");
  }
  // Listing reads the schedule again, the new absence included.
  return ResolveAbsence(caller, caseworker_id, absence.id, AbsenceAction::kList, "");
}

absl::StatusOr<std::optional<absl::Time>> CaseworkerSchedules::NearestFreeStart(
    const Caseworker& caseworker, absl::Time start, int buckets) {
  const absl::Time now = core().Now();
  const int slot_minutes = records_.catalog().slot_minutes;
  const absl::CivilDay first = core().calendar().Today(now);
  const absl::CivilDay last = core().calendar().LastBookableDay(now);
  const absl::CivilDay own = absl::ToCivilDay(start, core().calendar().zone());
  // Days by distance from the consultation's own day: 0, +1, -1, +2, -2, ...
  std::vector<absl::CivilDay> days;
  for (int distance = 0; own + distance <= last || own - distance >= first; ++distance) {
    for (absl::CivilDay day : {own + distance, own - distance}) {
      if (day >= first && day <= last && std::find(days.begin(), days.end(), day) == days.end()) {
        days.push_back(day);
      }
    }
  }
  std::vector<booking::ResourceDay> keys;
  keys.reserve(days.size());
  for (absl::CivilDay day : days) keys.push_back({caseworker.id, booking::FormatDate(day)});
  absl::StatusOr<std::vector<booking::DayUsage>> usage = core().repository().GetUsage(keys, now);
  if (!usage.ok()) return usage.status();
  for (size_t i = 0; i < days.size(); ++i) {
    const std::vector<absl::Time> starts =
        core().FreeStartTimes(PlanDay(caseworker, days[i], slot_minutes), (*usage)[i], buckets,
                              std::numeric_limits<size_t>::max());
    if (starts.empty()) continue;
    return std::optional<absl::Time>(
        *std::min_element(starts.begin(), starts.end(), [&](absl::Time a, absl::Time b) {
          return absl::AbsDuration(a - start) < absl::AbsDuration(b - start);
        }));
  }
  return std::optional<absl::Time>();
}

absl::StatusOr<std::vector<booking::PlacedSlot>> CaseworkerSchedules::NewSlots(
    const booking::BookingRecord& record) {
  std::vector<booking::PlacedSlot> same_time;
  std::vector<booking::PlacedSlot> nearest;
  const Topic* topic = records_.TopicOf(record);
  if (topic == nullptr) return same_time;  // no longer offered: cancelled
  absl::StatusOr<std::vector<Caseworker>> caseworkers = records_.ScheduledCaseworkersFor(topic->id);
  if (!caseworkers.ok()) return caseworkers.status();
  const int slot_minutes = records_.catalog().slot_minutes;
  const int minutes = static_cast<int>(absl::ToInt64Minutes(record.end - record.start));
  const auto place = [&](const Caseworker& caseworker,
                         absl::Time start) -> std::optional<booking::PlacedSlot> {
    absl::StatusOr<booking::GridPosition> position = core().Locate(start, slot_minutes);
    if (!position.ok()) return std::nullopt;
    absl::StatusOr<booking::PlacedSlot> slot = core().Fit(
        caseworker.id, PlanDay(caseworker, position->day, slot_minutes), *position, minutes);
    if (!slot.ok()) return std::nullopt;
    return *std::move(slot);
  };
  for (const Caseworker& caseworker : *caseworkers) {
    if (caseworker.id != record.resource_id) {
      if (std::optional<booking::PlacedSlot> slot = place(caseworker, record.start)) {
        same_time.push_back(*std::move(slot));
      }
    }
    absl::StatusOr<std::optional<absl::Time>> start =
        NearestFreeStart(caseworker, record.start, booking::BucketsFor(minutes, slot_minutes));
    if (!start.ok()) return start.status();
    if (!start->has_value()) continue;
    if (std::optional<booking::PlacedSlot> slot = place(caseworker, **start)) {
      nearest.push_back(*std::move(slot));
    }
  }
  std::stable_sort(nearest.begin(), nearest.end(),
                   [&](const booking::PlacedSlot& a, const booking::PlacedSlot& b) {
                     return absl::AbsDuration(a.start - record.start) <
                            absl::AbsDuration(b.start - record.start);
                   });
  same_time.insert(same_time.end(), nearest.begin(), nearest.end());
  return same_time;
}

absl::StatusOr<AbsenceReport> CaseworkerSchedules::ResolveAbsence(const std::string& caller,
                                                                  const std::string& caseworker_id,
                                                                  const std::string& absence_id,
                                                                  AbsenceAction action,
                                                                  const std::string& reason) {
  if (reason.size() > kMaxReasonLength || !booking::IsPrintableUtf8(reason)) {
    return WithReason(absl::InvalidArgumentError("reason: at most 200 bytes of text"),
                      "cancel_reason_too_long");
  }
  absl::StatusOr<Caseworker> caseworker = Managed(caller, caseworker_id);
  if (!caseworker.ok()) return caseworker.status();
  auto absence =
      std::find_if(caseworker->absences.begin(), caseworker->absences.end(),
                   [&](const Absence& a) { return !a.id.empty() && a.id == absence_id; });
  if (absence == caseworker->absences.end()) {
    return booking::Refusal(absl::StatusCode::kNotFound, "absence_not_found", "absence not found");
  }
  absl::StatusOr<std::vector<booking::BookingRecord>> affected = StrandedBy(*caseworker, *absence);
  if (!affected.ok()) return affected.status();

  AbsenceReport report{*absence, {}, 0, 0};
  const booking::ChangeCause cause{"absence", absence->id,
                                   reason.empty() ? DefaultReason(absence->kind) : reason};
  for (const booking::BookingRecord& record : *affected) {
    AffectedConsultation entry{
        record.code, record.service_ids.empty() ? "" : record.service_ids.front(), record.start};
    bool untouched = false;  // changed since listed (checked in, ...): left as it is
    if (action == AbsenceAction::kMove) {
      absl::StatusOr<std::vector<booking::PlacedSlot>> slots = NewSlots(record);
      if (!slots.ok()) return slots.status();
      for (const booking::PlacedSlot& slot : *slots) {
        absl::StatusOr<booking::BookingRecord> moved = core().MoveBecause(record, slot, cause);
        if (moved.ok()) {
          entry.outcome = AbsenceOutcome::kMoved;
          entry.caseworker_id = moved->resource_id;
          entry.new_start = moved->start;
          ++report.moved;
          break;
        }
        untouched = NoLongerAffected(moved.status());
        if (untouched) break;
        if (!absl::IsAborted(moved.status())) return moved.status();  // taken meanwhile: next
      }
    }
    if (action != AbsenceAction::kList && !untouched &&
        entry.outcome == AbsenceOutcome::kAffected) {
      absl::StatusOr<booking::BookingRecord> cancelled =
          core().repository().CancelBookingBecause(record.code, core().Now(), cause);
      untouched = NoLongerAffected(cancelled.status());
      if (!cancelled.ok() && !untouched) return cancelled.status();
      if (!untouched) {
        entry.outcome = AbsenceOutcome::kCancelled;
        ++report.cancelled;
      }
    }
    if (!untouched) report.consultations.push_back(std::move(entry));
  }
  return report;
}

}  // namespace stadt::video
