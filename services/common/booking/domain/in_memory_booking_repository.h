#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/booking/domain/refusal.h"

namespace stadt::booking {

// Test double of the storage port with the same contract as the Redis adapter.
class InMemoryBookingRepository final : public BookingRepository {
 public:
  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                 absl::Time now) override {
    absl::MutexLock lock(&mutex_);
    std::vector<DayUsage> usage;
    for (const ResourceDay& day : days) usage.push_back(UsageOf(day.resource_id, day.day, now));
    return usage;
  }

  absl::Status PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                       absl::Time now) override {
    absl::MutexLock lock(&mutex_);
    if (auto previous = client_hold_.find(hold.client); previous != client_hold_.end()) {
      if (holds_[previous->second].booking_code.empty()) holds_.erase(previous->second);
    }
    if (!Fits(hold.resource_id, hold.day, hold.start_bucket, capacity, now, "")) {
      return absl::AbortedError("the slot is no longer free");
    }
    holds_[hold.hold_id] = hold;
    client_hold_[hold.client] = hold.hold_id;
    return absl::OkStatus();
  }

  absl::StatusOr<HoldRecord> GetHold(const std::string& hold_id) override {
    absl::MutexLock lock(&mutex_);
    auto it = holds_.find(hold_id);
    if (it == holds_.end()) return absl::NotFoundError("hold not found");
    return it->second;
  }

  absl::StatusOr<std::string> ConfirmHold(const std::string& hold_id, const BookingRecord& booking,
                                          const PersonLimits& limits, absl::Time now,
                                          absl::Time) override {
    absl::MutexLock lock(&mutex_);
    auto it = holds_.find(hold_id);
    if (it == holds_.end() || it->second.client != booking.client) {
      return absl::NotFoundError("hold not found");
    }
    HoldRecord& hold = it->second;
    if (!hold.booking_code.empty()) return hold.booking_code;
    if (hold.expires_at <= now) return absl::FailedPreconditionError("the hold has expired");
    // Each of the booking's person keys counts on its own.
    for (absl::string_view person : absl::StrSplit(booking.person_key, ',', absl::SkipEmpty())) {
      int active = 0;
      for (const auto& [code, other] : bookings_) {
        const std::vector<absl::string_view> others =
            absl::StrSplit(other.person_key, ',', absl::SkipEmpty());
        if (std::find(others.begin(), others.end(), person) == others.end() ||
            other.status != BookingStatus::kConfirmed || other.start < now) {
          continue;
        }
        ++active;
        for (const std::string& service : other.service_ids) {
          if (std::count(booking.service_ids.begin(), booking.service_ids.end(), service) > 0 &&
              absl::AbsDuration(other.start - booking.start) <= limits.same_service_window) {
            return Refusal(absl::StatusCode::kFailedPrecondition, "service_already_booked",
                           "already booked this service in that period");
          }
        }
      }
      if (active >= limits.max_active_bookings) {
        return Refusal(absl::StatusCode::kFailedPrecondition, "limit_reached",
                       "limit of active bookings reached");
      }
    }
    bookings_[booking.code] = booking;
    hold.booking_code = booking.code;
    return booking.code;
  }

  absl::StatusOr<HoldRecord> AwaitEmail(const std::string& hold_id, const std::string& client,
                                        const PendingEmail& pending, absl::Time until,
                                        absl::Time now) override {
    absl::MutexLock lock(&mutex_);
    auto it = holds_.find(hold_id);
    if (it == holds_.end() || it->second.client != client) {
      return absl::NotFoundError("hold not found");
    }
    HoldRecord& hold = it->second;
    if (!hold.booking_code.empty()) {
      return absl::FailedPreconditionError("the hold is already a booking");
    }
    if (hold.expires_at <= now) return absl::FailedPreconditionError("the hold has expired");
    if (hold.awaiting_email()) return hold;
    hold.expires_at = std::max(hold.expires_at, until);
    hold.email_token_hash = pending.token_hash;
    hold.pending_contact = pending.sealed_contact;
    hold.pending_attributes = pending.attributes;
    mails_.push_back(pending);
    return hold;
  }
  // The confirmation mails that went out, oldest first.
  std::vector<PendingEmail> mails() {
    absl::MutexLock lock(&mutex_);
    return mails_;
  }

  absl::StatusOr<BookingRecord> GetBooking(const std::string& code) override {
    absl::MutexLock lock(&mutex_);
    auto it = bookings_.find(code);
    if (it == bookings_.end()) return absl::NotFoundError("no such booking");
    return it->second;
  }

  absl::StatusOr<std::vector<std::string>> DayBookings(const ResourceDay& day) override {
    absl::MutexLock lock(&mutex_);
    std::vector<std::pair<absl::Time, std::string>> found;
    for (const auto& [code, booking] : bookings_) {
      if (booking.resource_id == day.resource_id && booking.day == day.day &&
          booking.status == BookingStatus::kConfirmed) {
        found.emplace_back(booking.start, code);
      }
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> codes;
    for (const auto& [start, code] : found) codes.push_back(code);
    return codes;
  }

  absl::StatusOr<BookingRecord> CancelBooking(const std::string& code, absl::Time now) override {
    return CancelBookingBecause(code, now, ChangeCause{});
  }

  // As the Redis script: the office's cancellation (with a cause) never
  // touches a visit that has begun, whatever check_in_closes_booking says.
  absl::StatusOr<BookingRecord> CancelBookingBecause(const std::string& code, absl::Time,
                                                     const ChangeCause& cause) override {
    absl::MutexLock lock(&mutex_);
    auto it = bookings_.find(code);
    if (it == bookings_.end()) return absl::NotFoundError("no such booking");
    if (it->second.status == BookingStatus::kCancelled) return it->second;
    if (check_in_closes_booking_ || !cause.kind.empty()) {
      if (absl::Status open = CheckVisitOpen(it->second.visit); !open.ok()) return open;
    }
    it->second.status = BookingStatus::kCancelled;
    return it->second;
  }

  // As RedisBookingRepository::Options::check_in_closes_booking.
  void set_check_in_closes_booking(bool closes) {
    absl::MutexLock lock(&mutex_);
    check_in_closes_booking_ = closes;
  }

  // What the counter writes (check-in, completion, no-show), for tests.
  void SetVisit(const std::string& code, const std::string& visit) {
    absl::MutexLock lock(&mutex_);
    bookings_.at(code).visit = visit;
  }

  absl::StatusOr<int> EmitDueReminders(absl::Time now, int max) override {
    absl::MutexLock lock(&mutex_);
    int sent = 0;
    for (auto& [code, booking] : bookings_) {
      if (sent == max) break;
      if (booking.status != BookingStatus::kConfirmed || booking.remind_at > now ||
          reminded_.contains(code)) {
        continue;
      }
      reminded_.insert(code);
      ++sent;
    }
    return sent;
  }

  absl::StatusOr<int> RequestLinks(const std::string& person_key, const std::string&,
                                   const std::string&, absl::Time now,
                                   absl::Duration min_interval) override {
    absl::MutexLock lock(&mutex_);
    int active = 0;
    for (const auto& [code, booking] : bookings_) {
      if (booking.person_key == person_key && booking.status == BookingStatus::kConfirmed &&
          booking.start >= now) {
        ++active;
      }
    }
    if (active == 0) return 0;
    auto last = links_requested_.find(person_key);
    if (last != links_requested_.end() && now < last->second + min_interval) return 0;
    links_requested_[person_key] = now;
    return active;
  }

  absl::StatusOr<BookingRecord> MoveBooking(const std::string& code, const BookingRecord& moved,
                                            const SlotCapacity& capacity, absl::Time now,
                                            absl::Time) override {
    absl::MutexLock lock(&mutex_);
    auto it = bookings_.find(code);
    if (it == bookings_.end()) return absl::NotFoundError("no such booking");
    if (absl::Status open = CheckVisitOpen(it->second.visit); !open.ok()) return open;
    if (!Fits(moved.resource_id, moved.day, moved.start_bucket, capacity, now, code)) {
      return absl::AbortedError("the new slot is no longer free");
    }
    it->second = moved;
    reminded_.erase(code);  // The new time gets its own reminder.
    return moved;
  }

 private:
  DayUsage UsageOf(const std::string& resource, const std::string& day, absl::Time now,
                   const std::string& except_code = "") const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    DayUsage usage;
    for (const auto& [code, booking] : bookings_) {
      if (booking.resource_id != resource || booking.day != day || code == except_code ||
          booking.status != BookingStatus::kConfirmed) {
        continue;
      }
      for (int b = booking.start_bucket; b < booking.start_bucket + booking.buckets; ++b) {
        ++usage.booked[b];
      }
    }
    for (const auto& [id, hold] : holds_) {
      if (hold.resource_id == resource && hold.day == day && hold.booking_code.empty() &&
          hold.expires_at > now) {
        usage.holds.emplace_back(hold.start_bucket, hold.buckets);
      }
    }
    return usage;
  }

  bool Fits(const std::string& resource, const std::string& day, int first,
            const SlotCapacity& capacity, absl::Time now, const std::string& except_code) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    DayUsage usage = UsageOf(resource, day, now, except_code);
    for (size_t i = 0; i < capacity.size(); ++i) {
      const int bucket = first + static_cast<int>(i);
      int taken = usage.booked.count(bucket) ? usage.booked.at(bucket) : 0;
      for (const auto& [start, length] : usage.holds) {
        if (bucket >= start && bucket < start + length) ++taken;
      }
      if (taken >= capacity[i]) return false;
    }
    return true;
  }

  absl::Mutex mutex_;
  std::map<std::string, HoldRecord> holds_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, std::string> client_hold_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, BookingRecord> bookings_ ABSL_GUARDED_BY(mutex_);
  std::set<std::string> reminded_ ABSL_GUARDED_BY(mutex_);
  std::map<std::string, absl::Time> links_requested_ ABSL_GUARDED_BY(mutex_);
  std::vector<PendingEmail> mails_ ABSL_GUARDED_BY(mutex_);
  bool check_in_closes_booking_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace stadt::booking
