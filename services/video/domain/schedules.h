#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/video/domain/catalog.h"
#include "services/video/domain/consultation_records.h"
#include "services/video/domain/schedule_repository.h"

namespace stadt::video {

enum class AbsenceAction {
  kList,    // only list the affected consultations
  kMove,    // to a colleague at the same time, else the nearest free slot, else cancel
  kCancel,  // cancel them, with the reason
};

enum class AbsenceOutcome { kAffected, kMoved, kCancelled };

struct AffectedConsultation {
  std::string booking_code;
  std::string topic_id;
  absl::Time start;
  AbsenceOutcome outcome = AbsenceOutcome::kAffected;
  // After a move: with whom and when it is now.
  std::string caseworker_id = {};
  absl::Time new_start = {};
};

struct AbsenceReport {
  Absence absence;
  std::vector<AffectedConsultation> consultations;  // in start order
  int moved = 0;
  int cancelled = 0;
};

struct ScheduleView {
  std::string caseworker_id;
  std::vector<WeeklyWindow> availability;
  std::vector<Absence> absences;
};

// Video caseworkers run their departments' availability: the weekly hours
// and absences (vacation, sick, training) of any caseworker of the caller's
// own department (the caller is a caseworker by their token's subject; other
// departments' caseworkers are NOT_FOUND). The booking search and holds read
// the result at once. An absence lists the consultations it affects: booked
// and not yet begun (one whose citizen checked in, that runs, was closed or
// missed stays with its caseworker, also when it began after the listing);
// resolving moves each (to a colleague of the same topic at the same time,
// else to the topic's earliest free slot) or cancels it, each in one atomic
// step with one outbox event (cause "absence"). Retrying changes nothing. New weekly hours
// that would strand booked consultations are refused (bookings_stranded)
// until an absence covering them has been resolved.
class CaseworkerSchedules {
 public:
  static constexpr int kMaxAbsenceDays = 366;

  CaseworkerSchedules(ConsultationRecords& records, ScheduleRepository& schedules)
      : records_(records), schedules_(schedules) {}

  absl::StatusOr<ScheduleView> Get(const std::string& caller, const std::string& caseworker_id);
  absl::StatusOr<ScheduleView> SetAvailability(const std::string& caller,
                                               const std::string& caseworker_id,
                                               const std::vector<WeeklyWindow>& windows);
  // Stores the absence and lists what it affects. The same absence again
  // changes nothing; another one under its id is ALREADY_EXISTS
  // [absence_exists].
  absl::StatusOr<AbsenceReport> DeclareAbsence(const std::string& caller,
                                               const std::string& caseworker_id,
                                               const Absence& absence);
  absl::StatusOr<AbsenceReport> ResolveAbsence(const std::string& caller,
                                               const std::string& caseworker_id,
                                               const std::string& absence_id, AbsenceAction action,
                                               const std::string& reason);

 private:
  // The caseworker as scheduled now, if the caller may manage them.
  absl::StatusOr<Caseworker> Managed(const std::string& caller, const std::string& caseworker_id);
  // Future confirmed consultations of `caseworker` on the days from `from` to
  // `to` (within the booking horizon) that the schedule no longer holds and
  // that can still be moved or cancelled: not yet begun (checked in, admitted,
  // closed) nor marked as missed.
  absl::StatusOr<std::vector<booking::BookingRecord>> Stranded(const Caseworker& caseworker,
                                                               absl::CivilDay from,
                                                               absl::CivilDay to);
  absl::StatusOr<std::vector<booking::BookingRecord>> StrandedBy(const Caseworker& caseworker,
                                                                 const Absence& absence);
  // Removes the consultations that have begun or were missed (see
  // HasBegun): they keep their place and are nobody's to move or cancel.
  absl::Status DropBegun(std::vector<booking::BookingRecord>& records);
  // Where the consultation may go, best first: a colleague on the topic at
  // the same time, then each caseworker's free slot nearest to it in time
  // (its own day first, then a day later, a day earlier, ...).
  absl::StatusOr<std::vector<booking::PlacedSlot>> NewSlots(const booking::BookingRecord& record);
  // The free start nearest to `start` on the nearest day that has one.
  absl::StatusOr<std::optional<absl::Time>> NearestFreeStart(const Caseworker& caseworker,
                                                             absl::Time start, int buckets);
  booking::BookingCore& core() { return records_.core(); }

  ConsultationRecords& records_;
  ScheduleRepository& schedules_;
};

}  // namespace stadt::video
