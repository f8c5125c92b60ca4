#include "services/video/domain/video_bookings.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/free_slot_scan.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/status_macros.h"

namespace stadt::video {
namespace {

int BucketsTaken(const booking::DayUsage& usage) {
  int load = 0;
  for (const auto& [bucket, count] : usage.booked) load += count;
  for (const auto& [first, length] : usage.holds) load += length;
  return load;
}

}  // namespace

absl::StatusOr<const Topic*> VideoBookings::TopicFor(const std::string& topic_id) const {
  if (!booking::IsValidId(topic_id)) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "topic_invalid",
                            "topic_id: 1-64 of a-z, 0-9 and '-'");
  }
  const Topic* topic = catalog().FindTopic(topic_id);
  if (topic == nullptr) {
    return booking::Refusal(absl::StatusCode::kNotFound, "topic_unknown",
                            "topic_id: unknown topic");
  }
  return topic;
}

absl::StatusOr<std::vector<VideoSlot>> VideoBookings::SearchSlots(const std::string& topic_id,
                                                                  const std::string& from_date,
                                                                  const std::string& to_date,
                                                                  int limit) {
  if (limit < 0 || limit > kMaxLimit) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "invalid_page_size",
                            absl::StrCat("limit: must be 0 to ", kMaxLimit));
  }
  const size_t wanted = limit == 0 ? kDefaultLimit : limit;
  absl::StatusOr<const Topic*> topic = TopicFor(topic_id);
  if (!topic.ok()) return topic.status();
  absl::StatusOr<std::vector<absl::CivilDay>> days =
      core().Days(from_date, to_date, core().rules().horizon_days + 1);
  if (!days.ok()) return days.status();
  absl::StatusOr<std::vector<Caseworker>> caseworkers = records_.ScheduledCaseworkersFor(topic_id);
  if (!caseworkers.ok()) return caseworkers.status();
  const int buckets = booking::BucketsFor((*topic)->duration_minutes, catalog().slot_minutes);

  // A time is free when any caseworker of the topic is, so times count once;
  // the scan stops at the first day that completes the limit.
  std::vector<booking::ScanResource> resources;
  resources.reserve(caseworkers->size());
  for (const Caseworker& caseworker : *caseworkers) {
    resources.push_back({caseworker.id,
                         [this, &caseworker](absl::CivilDay day) {
                           return PlanDay(caseworker, day, catalog().slot_minutes);
                         },
                         buckets});
  }
  std::set<absl::Time> found;
  STADT_RETURN_IF_ERROR(booking::ScanFreeSlots(
      core(), *days, resources, wanted, [&](size_t, absl::Time start) { found.insert(start); },
      [&] { return found.size() >= wanted; }));
  std::vector<VideoSlot> slots;
  for (absl::Time start : found) {
    if (slots.size() == wanted) break;
    slots.push_back({topic_id, start, (*topic)->duration_minutes});
  }
  return slots;
}

absl::StatusOr<std::vector<VideoBookings::Candidate>> VideoBookings::FreeCaseworkers(
    const Topic& topic, absl::Time start) {
  absl::StatusOr<booking::GridPosition> position = core().Locate(start, catalog().slot_minutes);
  if (!position.ok()) return position.status();
  absl::StatusOr<std::vector<Caseworker>> caseworkers = records_.ScheduledCaseworkersFor(topic.id);
  if (!caseworkers.ok()) return caseworkers.status();
  std::vector<Candidate> candidates;
  std::vector<booking::ResourceDay> keys;
  for (const Caseworker& caseworker : *caseworkers) {
    absl::StatusOr<booking::PlacedSlot> slot =
        core().Fit(caseworker.id, PlanDay(caseworker, position->day, catalog().slot_minutes),
                   *position, topic.duration_minutes);
    if (!slot.ok()) continue;  // not working then
    candidates.push_back({catalog().FindCaseworker(caseworker.id), *std::move(slot), 0});
    keys.push_back({caseworker.id, booking::FormatDate(position->day)});
  }
  if (candidates.empty()) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "slot_not_offered",
                            "start: no caseworker consults on this topic then");
  }
  absl::StatusOr<std::vector<booking::DayUsage>> usage =
      core().repository().GetUsage(keys, records_.clock().Now());
  if (!usage.ok()) return usage.status();
  for (size_t i = 0; i < candidates.size(); ++i) candidates[i].load = BucketsTaken((*usage)[i]);
  // Fair: the least booked that day first; ties keep the seed order.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.load < b.load; });
  return candidates;
}

absl::StatusOr<VideoHold> VideoBookings::CreateHold(const std::string& client,
                                                    const std::string& topic_id, absl::Time start) {
  if (client.empty()) return absl::UnauthenticatedError("holding a slot needs a signed-in citizen");
  absl::StatusOr<const Topic*> topic = TopicFor(topic_id);
  if (!topic.ok()) return topic.status();
  absl::StatusOr<std::vector<Candidate>> candidates = FreeCaseworkers(**topic, start);
  if (!candidates.ok()) return candidates.status();
  // The store settles every race: a caseworker taken meanwhile answers
  // ABORTED, and the next one is tried.
  for (const Candidate& candidate : *candidates) {
    absl::StatusOr<booking::HoldRecord> hold = core().Hold(client, candidate.slot, {topic_id});
    if (hold.ok()) {
      return VideoHold{
          hold->hold_id, {topic_id, hold->start, (*topic)->duration_minutes}, hold->expires_at};
    }
    if (hold.status().code() != absl::StatusCode::kAborted) return hold.status();
  }
  return booking::Refusal(absl::StatusCode::kAborted, "slot_taken", "the slot is no longer free");
}

absl::StatusOr<ConsultationView> VideoBookings::Confirm(const std::string& client,
                                                        const std::string& hold_id,
                                                        const booking::Contact& contact) {
  absl::StatusOr<booking::ConfirmedBooking> confirmed =
      core().Confirm(client, hold_id, contact, NewRoomName());
  if (!confirmed.ok()) return confirmed.status();
  return records_.View(confirmed->record, Visit{}, confirmed->manage_token);
}

absl::StatusOr<ConsultationView> VideoBookings::Lookup(const std::string& code,
                                                       const std::string& token) {
  absl::StatusOr<booking::BookingRecord> record = core().Authorize(code, token);
  if (!record.ok()) return record.status();
  absl::StatusOr<Visit> visit = records_.visits().Get(code);
  if (!visit.ok()) return visit.status();
  return records_.View(*record, *visit, "");
}

absl::StatusOr<ConsultationView> VideoBookings::Cancel(const std::string& code,
                                                       const std::string& token) {
  absl::StatusOr<booking::BookingRecord> record = core().Authorize(code, token);
  if (!record.ok()) return record.status();
  absl::StatusOr<booking::BookingRecord> cancelled = core().Cancel(*record);
  if (!cancelled.ok()) return cancelled.status();
  absl::StatusOr<Visit> visit = records_.visits().Get(code);
  if (!visit.ok()) return visit.status();
  return records_.View(*cancelled, *visit, "");
}

absl::StatusOr<ConsultationView> VideoBookings::Reschedule(const std::string& code,
                                                           const std::string& token,
                                                           absl::Time start) {
  absl::StatusOr<booking::BookingRecord> record = core().Authorize(code, token);
  if (!record.ok()) return record.status();
  if (record->status != booking::BookingStatus::kConfirmed) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "booking_cancelled",
                            "the booking is cancelled");
  }
  const Topic* topic = records_.TopicOf(*record);
  if (topic == nullptr) return absl::FailedPreconditionError("the topic is no longer offered");
  absl::StatusOr<std::vector<Candidate>> candidates = FreeCaseworkers(*topic, start);
  if (!candidates.ok()) return candidates.status();
  for (const Candidate& candidate : *candidates) {
    absl::StatusOr<booking::BookingRecord> moved = core().Move(*record, candidate.slot);
    if (moved.ok()) return records_.View(*moved, records_.visits().Get(code).value_or(Visit{}), "");
    if (moved.status().code() != absl::StatusCode::kAborted) return moved.status();
  }
  return booking::Refusal(absl::StatusCode::kAborted, "slot_taken",
                          "the new slot is no longer free; the booking is unchanged");
}

}  // namespace stadt::video
