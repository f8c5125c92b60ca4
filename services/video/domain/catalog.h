#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/common/booking/domain/schedule.h"

namespace stadt::video {

struct Department {
  std::string id;
  std::string name;
};

// What a citizen can talk about by video, e.g. "housing benefit: first advice".
struct Topic {
  std::string id;
  std::string name;
  std::string department_id;
  int duration_minutes = 0;
  // The citizen shows an ID document on camera before the case is handled.
  bool id_check_required = false;
};

// When a caseworker consults on one ISO weekday (1 = Monday), local time.
struct WeeklyWindow {
  int weekday = 0;
  int from_minute = 0;
  int to_minute = 0;
  bool operator==(const WeeklyWindow&) const = default;
};

// Leave, training, illness: whole local days, both ends included.
struct Absence {
  std::string from_date;
  std::string to_date;
  // Declared through the routes (CaseworkerSchedules): a slug chosen by the
  // caseworker, and what it is ("vacation", "sick", "training", "other").
  std::string id = {};
  std::string kind = {};
  bool operator==(const Absence&) const = default;
};

// A caseworker's id is the subject of their sign-in token, so the service
// knows which caseworker (and department) is calling.
struct Caseworker {
  std::string id;
  std::string name;
  std::string department_id;
  std::vector<std::string> topic_ids;
  std::vector<WeeklyWindow> availability = {};
  std::vector<Absence> absences = {};

  bool Covers(const std::string& topic_id) const;
  bool AbsentOn(const std::string& date) const;
};

// The whole catalog, read from the seed file at start.
class VideoCatalog {
 public:
  int slot_minutes = 15;
  std::vector<Department> departments;
  std::vector<Topic> topics;
  std::vector<Caseworker> caseworkers;  // in seed order: ties in the fair choice go by it

  const Topic* FindTopic(const std::string& id) const;
  const Caseworker* FindCaseworker(const std::string& id) const;
  const Department* FindDepartment(const std::string& id) const;
  // The caseworkers who consult on the topic, in seed order.
  std::vector<const Caseworker*> CaseworkersFor(const std::string& topic_id) const;
};

// Parses and validates the seed JSON (see services/video/README.md).
absl::StatusOr<VideoCatalog> ParseVideoCatalog(const std::string& text);
absl::Status ValidateVideoCatalog(const VideoCatalog& catalog);

// A caseworker's day on the catalog's grid: capacity 1 while available.
booking::DayPlan PlanDay(const Caseworker& caseworker, absl::CivilDay day, int slot_minutes);

}  // namespace stadt::video
