#pragma once

#include <map>

#include "services/video/domain/schedule_repository.h"

namespace stadt::video {

// Test double of the schedule store: same contract as the Redis adapter.
class InMemoryScheduleRepository final : public ScheduleRepository {
 public:
  absl::StatusOr<std::vector<ScheduleOverride>> Get(
      const std::vector<std::string>& caseworker_ids) override {
    if (!available_) return absl::UnavailableError("storage down");
    std::vector<ScheduleOverride> result;
    for (const std::string& id : caseworker_ids) {
      auto it = schedules_.find(id);
      result.push_back(it == schedules_.end() ? ScheduleOverride{} : it->second);
    }
    return result;
  }
  absl::Status PutAvailability(const std::string& caseworker_id,
                               const std::vector<WeeklyWindow>& windows) override {
    if (!available_) return absl::UnavailableError("storage down");
    schedules_[caseworker_id].availability = windows;
    return absl::OkStatus();
  }
  absl::StatusOr<Absence> AddAbsence(const std::string& caseworker_id,
                                     const Absence& absence) override {
    if (!available_) return absl::UnavailableError("storage down");
    for (const Absence& existing : schedules_[caseworker_id].absences) {
      if (existing.id == absence.id) return existing;
    }
    schedules_[caseworker_id].absences.push_back(absence);
    return absence;
  }

  void SetAvailable(bool available) { available_ = available; }

 private:
  std::map<std::string, ScheduleOverride> schedules_;
  bool available_ = true;
};

}  // namespace stadt::video
