#pragma once

#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/video/domain/visit.h"

namespace stadt::video {

// Test double of the waiting-room store with the Redis adapter's contract.
class InMemoryVisitRepository final : public VisitRepository {
 public:
  explicit InMemoryVisitRepository(booking::BookingRepository& bookings) : bookings_(bookings) {}

  absl::StatusOr<Visit> Get(const std::string& code) override {
    absl::MutexLock lock(&mutex_);
    auto it = visits_.find(code);
    return it == visits_.end() ? Visit{} : it->second;
  }

  absl::StatusOr<std::map<std::string, Visit>> GetMany(
      const std::vector<std::string>& codes) override {
    std::map<std::string, Visit> found;
    for (const std::string& code : codes) found[code] = Get(code).value();
    return found;
  }

  absl::Status Apply(const std::string& code, const VisitStep& step) override {
    absl::StatusOr<booking::BookingRecord> record = bookings_.GetBooking(code);
    if (!record.ok()) return record.status();
    if (record->status != booking::BookingStatus::kConfirmed) {
      return absl::FailedPreconditionError("the booking is cancelled");
    }
    absl::MutexLock lock(&mutex_);
    Visit& visit = visits_[code];
    if (visit.state != step.from) return absl::AbortedError("the consultation changed");
    visit = step.to;
    events_.push_back(step.event);
    return absl::OkStatus();
  }

  std::vector<std::string> events() const {
    absl::MutexLock lock(&mutex_);
    return events_;
  }

 private:
  booking::BookingRepository& bookings_;
  mutable absl::Mutex mutex_;
  std::map<std::string, Visit> visits_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::string> events_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace stadt::video
