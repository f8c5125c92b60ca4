#include "services/common/booking/domain/cached_usage_repository.h"

#include <utility>

namespace stadt::booking {

absl::StatusOr<std::vector<DayUsage>> CachedUsageRepository::GetUsage(
    const std::vector<ResourceDay>& days, absl::Time now) {
  if (ttl_ <= absl::ZeroDuration()) return inner().GetUsage(days, now);
  std::vector<std::shared_ptr<const DayUsage>> cached(days.size());
  std::vector<size_t> missing;
  std::vector<ResourceDay> to_read;
  uint64_t read_after = 0;
  {
    // Searches only read here: they share the lock, writes take it alone.
    absl::ReaderMutexLock lock(&mutex_);
    read_after = writes_;
    for (size_t i = 0; i < days.size(); ++i) {
      auto it = entries_.find(KeyView(days[i].resource_id, days[i].day));
      if (it != entries_.end() && now < it->second.expires) {
        cached[i] = it->second.usage;
      } else {
        missing.push_back(i);
        to_read.push_back(days[i]);
      }
    }
  }
  std::vector<DayUsage> usage(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    if (cached[i] != nullptr) usage[i] = *cached[i];
  }
  if (to_read.empty()) return usage;
  absl::StatusOr<std::vector<DayUsage>> read = inner().GetUsage(to_read, now);
  if (!read.ok()) return read.status();
  for (size_t j = 0; j < missing.size(); ++j) usage[missing[j]] = (*read)[j];
  Store(to_read, *std::move(read), now + ttl_, read_after);
  return usage;
}

void CachedUsageRepository::Store(const std::vector<ResourceDay>& days, std::vector<DayUsage> usage,
                                  absl::Time expires, uint64_t read_after) {
  absl::MutexLock lock(&mutex_);
  if (entries_.size() + days.size() > max_entries_) {
    // Days of past searches pile up; a full clear costs one read per day.
    entries_.clear();
    cleared_at_ = writes_;
  }
  // The clear also dropped the marks of writes this read may predate.
  if (read_after < cleared_at_) return;
  for (size_t i = 0; i < days.size(); ++i) {
    Entry& entry = entries_[Key(days[i].resource_id, days[i].day)];
    if (entry.written > read_after) continue;
    entry.usage = std::make_shared<const DayUsage>(std::move(usage[i]));
    entry.expires = expires;
  }
}

void CachedUsageRepository::Forget(const std::string& resource_id, const std::string& day) {
  absl::MutexLock lock(&mutex_);
  Entry& entry = entries_[Key(resource_id, day)];
  entry.usage = nullptr;
  entry.expires = absl::InfinitePast();
  entry.written = ++writes_;
}

void CachedUsageRepository::ForgetAll() {
  absl::MutexLock lock(&mutex_);
  entries_.clear();
  hold_days_.clear();
  cleared_at_ = ++writes_;
}

void CachedUsageRepository::ForgetPreviousHold(const HoldRecord& hold) {
  Key previous;
  {
    absl::MutexLock lock(&mutex_);
    if (hold_days_.size() >= max_entries_) hold_days_.clear();
    auto [it, inserted] = hold_days_.try_emplace(hold.client, hold.resource_id, hold.day);
    if (inserted) return;
    previous = std::exchange(it->second, Key(hold.resource_id, hold.day));
  }
  Forget(previous.first, previous.second);
}

absl::Status CachedUsageRepository::PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                                            absl::Time now) {
  absl::Status status = inner().PutHold(hold, capacity, now);
  // Also after a failure: the store refused because the day is fuller than
  // the cache thought, or released the previous hold before it did.
  Forget(hold.resource_id, hold.day);
  ForgetPreviousHold(hold);
  return status;
}

absl::StatusOr<std::string> CachedUsageRepository::ConfirmHold(const std::string& hold_id,
                                                               const BookingRecord& booking,
                                                               const PersonLimits& limits,
                                                               absl::Time now,
                                                               absl::Time delete_after) {
  absl::StatusOr<std::string> code =
      inner().ConfirmHold(hold_id, booking, limits, now, delete_after);
  Forget(booking.resource_id, booking.day);
  if (code.ok()) {
    // A booked hold is not released by the client's next hold.
    absl::MutexLock lock(&mutex_);
    hold_days_.erase(booking.client);
  }
  return code;
}

absl::StatusOr<BookingRecord> CachedUsageRepository::CancelBooking(const std::string& code,
                                                                   absl::Time now) {
  return CancelBookingBecause(code, now, ChangeCause{});
}

absl::StatusOr<BookingRecord> CachedUsageRepository::CancelBookingBecause(
    const std::string& code, absl::Time now, const ChangeCause& cause) {
  absl::StatusOr<BookingRecord> cancelled = inner().CancelBookingBecause(code, now, cause);
  if (cancelled.ok()) {
    Forget(cancelled->resource_id, cancelled->day);
  } else if (cancelled.status().code() != absl::StatusCode::kNotFound) {
    ForgetAll();  // the cancel may have happened before the error
  }
  return cancelled;
}

absl::StatusOr<BookingRecord> CachedUsageRepository::MoveBooking(const std::string& code,
                                                                 const BookingRecord& moved,
                                                                 const SlotCapacity& capacity,
                                                                 absl::Time now,
                                                                 absl::Time delete_after) {
  return MoveBookingBecause(code, moved, capacity, now, delete_after, ChangeCause{});
}

absl::StatusOr<BookingRecord> CachedUsageRepository::MoveBookingBecause(
    const std::string& code, const BookingRecord& moved, const SlotCapacity& capacity,
    absl::Time now, absl::Time delete_after, const ChangeCause& cause) {
  // The day the booking leaves is only known from the booking as stored.
  absl::StatusOr<BookingRecord> before = inner().GetBooking(code);
  absl::StatusOr<BookingRecord> after =
      inner().MoveBookingBecause(code, moved, capacity, now, delete_after, cause);
  if (before.ok()) {
    Forget(before->resource_id, before->day);
    Forget(moved.resource_id, moved.day);
  } else {
    ForgetAll();  // the move may still have happened, from a day not known here
  }
  return after;
}

}  // namespace stadt::booking
