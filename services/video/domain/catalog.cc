#include "services/video/domain/catalog.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "services/common/status_macros.h"
#include "services/common/strings.h"

namespace stadt::video {
namespace {

namespace json = boost::json;

constexpr int kMinutesPerDay = 24 * 60;
constexpr size_t kMaxNameLength = 200;
constexpr int kMaxConsultationMinutes = 4 * 60;

// Reads the members of one JSON object; the first problem wins and later
// reads return defaults, so a parser reads everything and checks once.
class Members {
 public:
  Members(const json::value& value, std::string where) : where_(std::move(where)) {
    if (value.is_object()) {
      object_ = &value.get_object();
    } else {
      Fail("", "an object");
    }
  }

  std::string String(std::string_view key) {
    const json::value* value = Find(key);
    if (value == nullptr) return "";
    if (!value->is_string()) {
      Fail(key, "a string");
      return "";
    }
    return std::string(value->get_string());
  }

  int Int(std::string_view key) {
    const json::value* value = Find(key);
    if (value == nullptr) return 0;
    if (!value->is_int64() || value->get_int64() < 0 || value->get_int64() > kMinutesPerDay * 7) {
      {
        Fail(key, "a small non-negative integer");
        return 0;
      }
    }
    return static_cast<int>(value->get_int64());
  }

  bool Bool(std::string_view key) {
    const json::value* value = Find(key);
    if (value == nullptr) return false;
    if (!value->is_bool()) {
      Fail(key, "true or false");
      return false;
    }
    return value->get_bool();
  }

  // "HH:MM" as minutes after midnight; "24:00" ends a day.
  int Minute(std::string_view key) {
    const std::string text = String(key);
    int hours = 0;
    int minutes = 0;
    if (text.size() != 5 || text[2] != ':' || !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
        !absl::SimpleAtoi(text.substr(3, 2), &minutes) || minutes > 59 ||
        hours * 60 + minutes > kMinutesPerDay) {
      Fail(key, "a time HH:MM");
      return 0;
    }
    return hours * 60 + minutes;
  }

  const json::array& Array(std::string_view key) {
    static const json::array kEmpty;
    const json::value* value = Find(key);
    if (value == nullptr) return kEmpty;
    if (!value->is_array()) {
      Fail(key, "an array");
      return kEmpty;
    }
    return value->get_array();
  }

  std::vector<std::string> Strings(std::string_view key) {
    std::vector<std::string> out;
    for (const json::value& item : Array(key)) {
      if (!item.is_string()) {
        Fail(key, "an array of strings");
        return out;
      }
      out.emplace_back(item.get_string());
    }
    return out;
  }

  const absl::Status& status() const { return status_; }

 private:
  const json::value* Find(std::string_view key) const {
    return object_ == nullptr ? nullptr : object_->if_contains(key);
  }

  void Fail(std::string_view key, std::string_view expected) {
    if (!status_.ok()) return;
    status_ = absl::InvalidArgumentError(
        absl::StrCat(where_, key.empty() ? "" : ".", ToAbsl(key), ": expected ", ToAbsl(expected)));
  }

  const json::object* object_ = nullptr;
  std::string where_;
  absl::Status status_;
};

absl::StatusOr<Caseworker> CaseworkerFromJson(const json::value& value) {
  Members members(value, "caseworkers");
  Caseworker caseworker{members.String("id"), members.String("name"),
                        members.String("department_id"), members.Strings("topic_ids")};
  for (const json::value& item : members.Array("availability")) {
    Members window(item, "caseworkers.availability");
    caseworker.availability.push_back(
        {window.Int("weekday"), window.Minute("from"), window.Minute("to")});
    STADT_RETURN_IF_ERROR(window.status());
  }
  for (const json::value& item : members.Array("absences")) {
    Members absence(item, "caseworkers.absences");
    caseworker.absences.push_back({absence.String("from"), absence.String("to")});
    STADT_RETURN_IF_ERROR(absence.status());
  }
  STADT_RETURN_IF_ERROR(members.status());
  return caseworker;
}

absl::Status Invalid(std::string_view where, const std::string& id, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(where), " ", id, ": ", ToAbsl(problem)));
}

absl::Status ValidateName(std::string_view where, const std::string& id, const std::string& name) {
  if (!booking::IsValidId(id)) return Invalid(where, id, "id must be 1-64 of a-z, 0-9 and '-'");
  if (name.empty() || name.size() > kMaxNameLength) {
    return Invalid(where, id, "name is required, at most 200 bytes");
  }
  return absl::OkStatus();
}

absl::Status ValidateCaseworker(const VideoCatalog& catalog, const Caseworker& caseworker) {
  STADT_RETURN_IF_ERROR(ValidateName("caseworker", caseworker.id, caseworker.name));
  if (catalog.FindDepartment(caseworker.department_id) == nullptr) {
    return Invalid("caseworker", caseworker.id, "unknown department");
  }
  for (const std::string& topic_id : caseworker.topic_ids) {
    const Topic* topic = catalog.FindTopic(topic_id);
    if (topic == nullptr || topic->department_id != caseworker.department_id) {
      return Invalid("caseworker", caseworker.id, "topics must be of their own department");
    }
  }
  for (const WeeklyWindow& window : caseworker.availability) {
    if (window.weekday < 1 || window.weekday > 7 || window.from_minute >= window.to_minute ||
        window.from_minute % catalog.slot_minutes != 0 ||
        window.to_minute % catalog.slot_minutes != 0) {
      return Invalid("caseworker", caseworker.id,
                     "availability needs weekday 1-7 and from < to on the slot grid");
    }
  }
  for (const Absence& absence : caseworker.absences) {
    if (!booking::IsValidIsoDate(absence.from_date) || !booking::IsValidIsoDate(absence.to_date) ||
        absence.from_date > absence.to_date) {
      return Invalid("caseworker", caseworker.id, "absences need from <= to, YYYY-MM-DD");
    }
  }
  return absl::OkStatus();
}

template <typename T>
bool UniqueIds(const std::vector<T>& items) {
  std::set<std::string> seen;
  for (const T& item : items) {
    if (!seen.insert(item.id).second) return false;
  }
  return true;
}

}  // namespace

bool Caseworker::Covers(const std::string& topic_id) const {
  return std::find(topic_ids.begin(), topic_ids.end(), topic_id) != topic_ids.end();
}

bool Caseworker::AbsentOn(const std::string& date) const {
  return std::any_of(absences.begin(), absences.end(), [&](const Absence& absence) {
    return absence.from_date <= date && date <= absence.to_date;  // ISO dates sort as text
  });
}

const Topic* VideoCatalog::FindTopic(const std::string& id) const {
  auto it = std::find_if(topics.begin(), topics.end(), [&](const Topic& t) { return t.id == id; });
  return it == topics.end() ? nullptr : &*it;
}

const Caseworker* VideoCatalog::FindCaseworker(const std::string& id) const {
  auto it = std::find_if(caseworkers.begin(), caseworkers.end(),
                         [&](const Caseworker& c) { return c.id == id; });
  return it == caseworkers.end() ? nullptr : &*it;
}

const Department* VideoCatalog::FindDepartment(const std::string& id) const {
  auto it = std::find_if(departments.begin(), departments.end(),
                         [&](const Department& d) { return d.id == id; });
  return it == departments.end() ? nullptr : &*it;
}

std::vector<const Caseworker*> VideoCatalog::CaseworkersFor(const std::string& topic_id) const {
  std::vector<const Caseworker*> found;
  for (const Caseworker& caseworker : caseworkers) {
    if (caseworker.Covers(topic_id)) found.push_back(&caseworker);
  }
  return found;
}

absl::Status ValidateVideoCatalog(const VideoCatalog& catalog) {
  if (catalog.slot_minutes < 5 || catalog.slot_minutes > 60 || 60 % catalog.slot_minutes != 0) {
    return absl::InvalidArgumentError("slot_minutes: must divide an hour and be 5 to 60");
  }
  if (!UniqueIds(catalog.departments) || !UniqueIds(catalog.topics) ||
      !UniqueIds(catalog.caseworkers)) {
    return absl::InvalidArgumentError("ids must be unique within departments, topics, caseworkers");
  }
  for (const Department& department : catalog.departments) {
    STADT_RETURN_IF_ERROR(ValidateName("department", department.id, department.name));
  }
  for (const Topic& topic : catalog.topics) {
    STADT_RETURN_IF_ERROR(ValidateName("topic", topic.id, topic.name));
    if (catalog.FindDepartment(topic.department_id) == nullptr) {
      return Invalid("topic", topic.id, "unknown department");
    }
    if (topic.duration_minutes < 5 || topic.duration_minutes > kMaxConsultationMinutes) {
      return Invalid("topic", topic.id, "duration_minutes must be 5 to 240");
    }
  }
  for (const Caseworker& caseworker : catalog.caseworkers) {
    STADT_RETURN_IF_ERROR(ValidateCaseworker(catalog, caseworker));
  }
  return absl::OkStatus();
}

absl::StatusOr<VideoCatalog> ParseVideoCatalog(const std::string& text) {
  boost::system::error_code error;
  const json::value root = json::parse(text, error);
  if (error) return absl::InvalidArgumentError("video catalog: not valid JSON");
  Members members(root, "catalog");
  VideoCatalog catalog;
  catalog.slot_minutes = members.Int("slot_minutes");
  for (const json::value& item : members.Array("departments")) {
    Members department(item, "departments");
    catalog.departments.push_back({department.String("id"), department.String("name")});
    STADT_RETURN_IF_ERROR(department.status());
  }
  for (const json::value& item : members.Array("topics")) {
    Members topic(item, "topics");
    catalog.topics.push_back({topic.String("id"), topic.String("name"),
                              topic.String("department_id"), topic.Int("duration_minutes"),
                              topic.Bool("id_check_required")});
    STADT_RETURN_IF_ERROR(topic.status());
  }
  for (const json::value& item : members.Array("caseworkers")) {
    absl::StatusOr<Caseworker> caseworker = CaseworkerFromJson(item);
    if (!caseworker.ok()) return caseworker.status();
    catalog.caseworkers.push_back(*std::move(caseworker));
  }
  STADT_RETURN_IF_ERROR(members.status());
  STADT_RETURN_IF_ERROR(ValidateVideoCatalog(catalog));
  return catalog;
}

booking::DayPlan PlanDay(const Caseworker& caseworker, absl::CivilDay day, int slot_minutes) {
  booking::DayPlan plan = booking::ClosedDay(day, slot_minutes);
  if (caseworker.AbsentOn(booking::FormatDate(day))) return plan;
  const int weekday = booking::IsoWeekday(day);
  for (const WeeklyWindow& window : caseworker.availability) {
    if (window.weekday == weekday) booking::Open(window.from_minute, window.to_minute, 1, &plan);
  }
  // One person, one call at a time, even where windows overlap.
  for (int& capacity : plan.capacity) capacity = std::min(capacity, 1);
  return plan;
}

}  // namespace stadt::video
