#include "services/video/store/redis_schedule_repository.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/strings.h"
#include "services/video/store/redis_visit_repository.h"

namespace stadt::video {
namespace {

namespace json = boost::json;

std::string AvailabilityKey(std::string_view id) {
  return absl::StrCat(VideoKeys().For(ToAbsl(id)), "availability:", ToAbsl(id));
}
std::string AbsencesKey(std::string_view id) {
  return absl::StrCat(VideoKeys().For(ToAbsl(id)), "absences:", ToAbsl(id));
}

absl::Status Corrupt() { return absl::InternalError("corrupt schedule record"); }

int64_t IntOf(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_int64() ? value->get_int64() : -1;
}

std::string StringOf(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

absl::StatusOr<std::vector<WeeklyWindow>> DecodeWindows(const std::string& text) {
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  if (error || !parsed.is_array()) return Corrupt();
  std::vector<WeeklyWindow> windows;
  for (const json::value& entry : parsed.get_array()) {
    if (!entry.is_object()) return Corrupt();
    const json::object& object = entry.get_object();
    windows.push_back({static_cast<int>(IntOf(object, "weekday")),
                       static_cast<int>(IntOf(object, "from_minute")),
                       static_cast<int>(IntOf(object, "to_minute"))});
  }
  return windows;
}

absl::StatusOr<Absence> DecodeAbsence(const std::string& text) {
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  if (error || !parsed.is_object()) return Corrupt();
  const json::object& object = parsed.get_object();
  return Absence{StringOf(object, "from_date"), StringOf(object, "to_date"), StringOf(object, "id"),
                 StringOf(object, "kind")};
}

std::string EncodeAbsence(const Absence& absence) {
  return json::serialize(json::object{{"id", absence.id},
                                      {"from_date", absence.from_date},
                                      {"to_date", absence.to_date},
                                      {"kind", absence.kind}});
}

}  // namespace

absl::StatusOr<std::vector<ScheduleOverride>> RedisScheduleRepository::Get(
    const std::vector<std::string>& caseworker_ids) {
  std::vector<ScheduleOverride> schedules(caseworker_ids.size());
  if (caseworker_ids.empty()) return schedules;
  // One GET each, pipelined: the caseworkers' buckets lie in different slots.
  std::vector<std::vector<std::string>> reads;
  reads.reserve(caseworker_ids.size());
  for (const std::string& id : caseworker_ids) reads.push_back({"GET", AvailabilityKey(id)});
  absl::StatusOr<std::vector<redis::Reply>> windows = redis_.Pipeline(reads);
  if (!windows.ok()) return windows.status();
  for (size_t i = 0; i < caseworker_ids.size(); ++i) {
    if (i < windows->size() && !(*windows)[i].IsNil()) {
      absl::StatusOr<std::vector<WeeklyWindow>> decoded = DecodeWindows((*windows)[i].str);
      if (!decoded.ok()) return decoded.status();
      schedules[i].availability = *std::move(decoded);
    }
    absl::StatusOr<redis::Reply> absences =
        redis_.Command({"HVALS", AbsencesKey(caseworker_ids[i])});
    if (!absences.ok()) return absences.status();
    for (const redis::Reply& entry : absences->elements) {
      absl::StatusOr<Absence> absence = DecodeAbsence(entry.str);
      if (!absence.ok()) return absence.status();
      schedules[i].absences.push_back(*std::move(absence));
    }
    // Hash order is arbitrary: show them by date.
    std::sort(schedules[i].absences.begin(), schedules[i].absences.end(),
              [](const Absence& a, const Absence& b) {
                return a.from_date != b.from_date ? a.from_date < b.from_date : a.id < b.id;
              });
  }
  return schedules;
}

absl::Status RedisScheduleRepository::PutAvailability(const std::string& caseworker_id,
                                                      const std::vector<WeeklyWindow>& windows) {
  json::array array;
  for (const WeeklyWindow& window : windows) {
    array.push_back(json::object{{"weekday", window.weekday},
                                 {"from_minute", window.from_minute},
                                 {"to_minute", window.to_minute}});
  }
  return redis_.Command({"SET", AvailabilityKey(caseworker_id), json::serialize(array)}).status();
}

absl::StatusOr<Absence> RedisScheduleRepository::AddAbsence(const std::string& caseworker_id,
                                                            const Absence& absence) {
  absl::StatusOr<redis::Reply> added =
      redis_.Command({"HSETNX", AbsencesKey(caseworker_id), absence.id, EncodeAbsence(absence)});
  if (!added.ok()) return added.status();
  if (added->integer == 1) return absence;
  absl::StatusOr<redis::Reply> existing =
      redis_.Command({"HGET", AbsencesKey(caseworker_id), absence.id});
  if (!existing.ok()) return existing.status();
  if (existing->IsNil()) return Corrupt();
  return DecodeAbsence(existing->str);
}

}  // namespace stadt::video
