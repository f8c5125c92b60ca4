// The tariff file: parsing and validation, with errors that name the line.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/json/parser.hpp"
#include "date/date.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/parking/domain/json_read.h"
#include "services/parking/domain/tariff.h"

namespace stadt::parking {
namespace {

namespace json = boost::json;

constexpr int kMinutesPerDay = 24 * 60;
// Guards the walk over a stay against absurd configurations: 31 days.
constexpr int64_t kMaxStayMinutesLimit = 31 * kMinutesPerDay;
constexpr int64_t kMaxCents = 100'000'000;

const std::set<std::string_view>& TariffMembers() {
  static const auto* members = new std::set<std::string_view>{"id",
                                                              "name",
                                                              "windows",
                                                              "free_periods",
                                                              "free_dates",
                                                              "holidays",
                                                              "free_minutes",
                                                              "charging_unit_minutes",
                                                              "minimum_charge_cents",
                                                              "daily_cap_cents",
                                                              "free_stay_minutes",
                                                              "max_parking_minutes",
                                                              "max_stay_minutes"};
  return *members;
}

// A holiday calendar of the tariff file: its name and free days.
struct HolidayCalendar {
  std::string name;
  std::vector<std::string> dates;
};

// Parses one tariff file; every error is prefixed with the line it is about.
class TariffFileParser {
 public:
  TariffFileParser(std::string_view text, const FileReader& read_file)
      : text_(text), lines_(text), read_file_(read_file) {}

  absl::StatusOr<std::vector<Tariff>> Parse(const json::object& root);

 private:
  absl::Status At(std::string_view path, const absl::Status& status) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", lines_.LineOf(path), ": ", status.message()));
  }
  absl::Status UnknownMembers(const json::object& object, std::string_view path,
                              const std::set<std::string_view>& known) const;
  absl::Status ParseCalendars(const json::object& root);
  absl::StatusOr<Tariff> ParseTariff(const json::value& value, const std::string& path) const;
  absl::StatusOr<TimeWindow> ParseWindow(const json::value& value, const std::string& path) const;
  absl::Status ParseWindows(const json::object& object, const std::string& path,
                            Tariff& tariff) const;
  absl::Status CheckWindows(const Tariff& tariff, const std::string& path) const;

  std::string_view text_;
  json_read::JsonLines lines_;
  const FileReader& read_file_;
  std::map<std::string, HolidayCalendar, std::less<>> calendars_;
};

// "HH:MM" with 00:00 <= value <= 24:00.
absl::StatusOr<int> ParseClock(std::string_view where, std::string_view text) {
  int hours = 0;
  int minutes = 0;
  if (text.size() != 5 || text[2] != ':' || !absl::SimpleAtoi(ToAbsl(text.substr(0, 2)), &hours) ||
      !absl::SimpleAtoi(ToAbsl(text.substr(3, 2)), &minutes) || hours < 0 || minutes < 0 ||
      minutes > 59 || hours * 60 + minutes > kMinutesPerDay) {
    return json_read::Malformed(where, "a time \"HH:MM\" between 00:00 and 24:00");
  }
  return hours * 60 + minutes;
}

bool IsValidDate(std::string_view text, int* year = nullptr) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::SimpleAtoi(ToAbsl(text.substr(0, 4)), &y) ||
      !absl::SimpleAtoi(ToAbsl(text.substr(5, 2)), &m) ||
      !absl::SimpleAtoi(ToAbsl(text.substr(8, 2)), &d) || y < 2000) {
    return false;
  }
  if (year != nullptr) *year = y;
  return date::year_month_day(date::year(y), date::month(static_cast<unsigned>(m)),
                              date::day(static_cast<unsigned>(d)))
      .ok();
}

bool Overlap(const TimeWindow& a, const TimeWindow& b) {
  const bool share_day = std::any_of(a.weekdays.begin(), a.weekdays.end(), [&](int day) {
    return std::find(b.weekdays.begin(), b.weekdays.end(), day) != b.weekdays.end();
  });
  return share_day && a.from_minute < b.to_minute && b.from_minute < a.to_minute;
}

absl::Status TariffFileParser::UnknownMembers(const json::object& object, std::string_view path,
                                              const std::set<std::string_view>& known) const {
  for (const auto& member : object) {
    if (!known.contains(member.key())) {
      const std::string_view key = member.key();
      const std::string member_path =
          path.empty() ? std::string(key) : absl::StrCat(ToAbsl(path), ".", ToAbsl(key));
      return At(member_path,
                absl::InvalidArgumentError(absl::StrCat("unknown member \"", ToAbsl(key), "\"")));
    }
  }
  return absl::OkStatus();
}

absl::Status TariffFileParser::ParseCalendars(const json::object& root) {
  const json::value* calendars = root.if_contains("holiday_calendars");
  if (calendars == nullptr) return absl::OkStatus();
  if (!calendars->is_object()) {
    return At("holiday_calendars", json_read::Malformed("holiday_calendars", "an object"));
  }
  for (const auto& [id, value] : calendars->get_object()) {
    const std::string path = absl::StrCat("holiday_calendars.", ToAbsl(std::string_view(id)));
    if (!value.is_object()) return At(path, json_read::Malformed(path, "an object"));
    HolidayCalendar calendar;
    if (absl::Status status = json_read::String(value.get_object(), "name", true, &calendar.name);
        !status.ok()) {
      return At(path, status);
    }
    const json::value* files = value.get_object().if_contains("files");
    if (files == nullptr || !files->is_object() || files->get_object().empty()) {
      return At(path, json_read::Malformed("files", "an object of years and file names"));
    }
    for (const auto& [year_text, file] : files->get_object()) {
      const std::string file_path =
          absl::StrCat(path, ".files.", ToAbsl(std::string_view(year_text)));
      int year = 0;
      if (!absl::SimpleAtoi(ToAbsl(std::string_view(year_text)), &year) || year < 2000 ||
          year > 2200 || !file.is_string()) {
        return At(file_path, json_read::Malformed(year_text, "\"YYYY\": \"file name\""));
      }
      absl::StatusOr<std::string> contents = read_file_(file.get_string());
      if (!contents.ok()) {
        return At(file_path, absl::InvalidArgumentError(absl::StrCat(
                                 "holiday file ", ToAbsl(std::string_view(file.get_string())), ": ",
                                 contents.status().message())));
      }
      absl::StatusOr<std::vector<std::string>> dates = ParseHolidayFile(*contents, year);
      if (!dates.ok()) {
        return At(file_path, absl::InvalidArgumentError(absl::StrCat(
                                 "holiday file ", ToAbsl(std::string_view(file.get_string())), " ",
                                 dates.status().message())));
      }
      calendar.dates.insert(calendar.dates.end(), dates->begin(), dates->end());
    }
    calendars_.emplace(std::string(id), std::move(calendar));
  }
  return absl::OkStatus();
}

absl::StatusOr<TimeWindow> TariffFileParser::ParseWindow(const json::value& value,
                                                         const std::string& path) const {
  if (!value.is_object()) return At(path, json_read::Malformed("window", "an object"));
  const json::object& object = value.get_object();
  TimeWindow window;
  const json::array* days = nullptr;
  if (absl::Status status = json_read::Array(object, "days", true, &days); !status.ok()) {
    return At(path, status);
  }
  for (const json::value& day : *days) {
    if (!day.is_int64() || day.get_int64() < 1 || day.get_int64() > 7) {
      return At(path + ".days",
                json_read::Malformed("days", "ISO weekdays 1 (Monday) to 7 (Sunday)"));
    }
    window.weekdays.push_back(static_cast<int>(day.get_int64()));
  }
  std::string from;
  std::string to;
  if (absl::Status status = json_read::String(object, "from", true, &from); !status.ok()) {
    return At(path, status);
  }
  if (absl::Status status = json_read::String(object, "to", true, &to); !status.ok()) {
    return At(path, status);
  }
  absl::StatusOr<int> from_minute = ParseClock("from", from);
  if (!from_minute.ok()) return At(path + ".from", from_minute.status());
  absl::StatusOr<int> to_minute = ParseClock("to", to);
  if (!to_minute.ok()) return At(path + ".to", to_minute.status());
  window.from_minute = *from_minute;
  window.to_minute = *to_minute;
  if (window.weekdays.empty() || window.from_minute >= window.to_minute) {
    return At(path, absl::InvalidArgumentError(
                        "a window needs weekdays and from < to (split windows at 24:00)"));
  }
  return window;
}

absl::Status TariffFileParser::ParseWindows(const json::object& object, const std::string& path,
                                            Tariff& tariff) const {
  static const auto* window_members =
      new std::set<std::string_view>{"days", "from", "to", "cents_per_hour", "max_parking_minutes"};
  static const auto* period_members = new std::set<std::string_view>{"days", "from", "to"};
  int64_t default_max = 0;
  if (absl::Status status =
          json_read::Int(object, "max_parking_minutes", false, 1, kMinutesPerDay, &default_max);
      !status.ok()) {
    return At(path + ".max_parking_minutes", status);
  }
  const json::array* windows = nullptr;
  if (absl::Status status = json_read::Array(object, "windows", false, &windows); !status.ok()) {
    return At(path, status);
  }
  for (size_t w = 0; w < windows->size(); ++w) {
    const std::string window_path = absl::StrCat(path, ".windows[", w, "]");
    STADT_ASSIGN_OR_RETURN(TimeWindow when, ParseWindow((*windows)[w], window_path));
    STADT_RETURN_IF_ERROR(UnknownMembers((*windows)[w].get_object(), window_path, *window_members));
    int64_t rate = 0;
    int64_t max = default_max;
    if (absl::Status status =
            json_read::Int((*windows)[w].get_object(), "cents_per_hour", true, 0, kMaxCents, &rate);
        !status.ok()) {
      return At(window_path, status);
    }
    if (absl::Status status = json_read::Int((*windows)[w].get_object(), "max_parking_minutes",
                                             false, 1, kMinutesPerDay, &max);
        !status.ok()) {
      return At(window_path, status);
    }
    tariff.windows.push_back({std::move(when), rate, static_cast<int>(max)});
  }
  const json::array* periods = nullptr;
  if (absl::Status status = json_read::Array(object, "free_periods", false, &periods);
      !status.ok()) {
    return At(path, status);
  }
  for (size_t p = 0; p < periods->size(); ++p) {
    const std::string period_path = absl::StrCat(path, ".free_periods[", p, "]");
    STADT_ASSIGN_OR_RETURN(TimeWindow when, ParseWindow((*periods)[p], period_path));
    STADT_RETURN_IF_ERROR(UnknownMembers((*periods)[p].get_object(), period_path, *period_members));
    tariff.free_periods.push_back(std::move(when));
  }
  return CheckWindows(tariff, path);
}

absl::Status TariffFileParser::CheckWindows(const Tariff& tariff, const std::string& path) const {
  for (size_t i = 0; i < tariff.windows.size(); ++i) {
    const std::string window_path = absl::StrCat(path, ".windows[", i, "]");
    const PricedWindow& window = tariff.windows[i];
    if (window.max_parking_minutes > window.when.to_minute - window.when.from_minute) {
      return At(window_path, absl::InvalidArgumentError(absl::StrCat(
                                 "maximum parking time of ", window.max_parking_minutes,
                                 " minutes is longer than its window (",
                                 window.when.to_minute - window.when.from_minute, " minutes)")));
    }
    // Overlapping windows would make a minute's rate depend on their order.
    for (size_t j = 0; j < i; ++j) {
      if (Overlap(tariff.windows[j].when, window.when)) {
        return At(window_path, absl::InvalidArgumentError(absl::StrCat(
                                   "charging window overlaps the one on line ",
                                   lines_.LineOf(absl::StrCat(path, ".windows[", j, "]")))));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Tariff> TariffFileParser::ParseTariff(const json::value& value,
                                                     const std::string& path) const {
  if (!value.is_object()) return At(path, json_read::Malformed("tariffs", "objects"));
  const json::object& object = value.get_object();
  STADT_RETURN_IF_ERROR(UnknownMembers(object, path, TariffMembers()));
  Tariff tariff;
  auto read = [&](const absl::Status& status) { return status.ok() ? status : At(path, status); };
  STADT_RETURN_IF_ERROR(read(json_read::String(object, "id", true, &tariff.id)));
  STADT_RETURN_IF_ERROR(read(json_read::String(object, "name", false, &tariff.name)));
  if (tariff.id.empty()) return At(path, absl::InvalidArgumentError("tariff: empty id"));
  if (absl::Status status = ParseWindows(object, path, tariff); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(status.message(), " (tariff ", tariff.id, ")"));
  }
  const json::array* free_dates = nullptr;
  STADT_RETURN_IF_ERROR(read(json_read::Array(object, "free_dates", false, &free_dates)));
  for (size_t d = 0; d < free_dates->size(); ++d) {
    const json::value& entry = (*free_dates)[d];
    if (!entry.is_string() || !IsValidDate(entry.get_string())) {
      return At(absl::StrCat(path, ".free_dates[", d, "]"),
                json_read::Malformed("free_dates", "\"YYYY-MM-DD\" dates"));
    }
    tariff.free_dates.emplace(entry.get_string());
  }
  STADT_RETURN_IF_ERROR(
      read(json_read::String(object, "holidays", false, &tariff.holiday_calendar)));
  if (!tariff.holiday_calendar.empty()) {
    auto calendar = calendars_.find(tariff.holiday_calendar);
    if (calendar == calendars_.end()) {
      return At(path + ".holidays",
                absl::InvalidArgumentError(
                    absl::StrCat("unknown holiday calendar \"", tariff.holiday_calendar, "\"")));
    }
    tariff.free_dates.insert(calendar->second.dates.begin(), calendar->second.dates.end());
  }
  int64_t free_minutes = 0;
  int64_t unit = 1;
  int64_t free_stay = 0;
  int64_t max_stay = tariff.max_stay_minutes;
  STADT_RETURN_IF_ERROR(
      read(json_read::Int(object, "free_minutes", false, 0, kMinutesPerDay, &free_minutes)));
  STADT_RETURN_IF_ERROR(
      read(json_read::Int(object, "charging_unit_minutes", false, 1, kMinutesPerDay, &unit)));
  STADT_RETURN_IF_ERROR(read(json_read::Int(object, "minimum_charge_cents", false, 0, kMaxCents,
                                            &tariff.minimum_charge_cents)));
  STADT_RETURN_IF_ERROR(read(
      json_read::Int(object, "daily_cap_cents", false, 0, kMaxCents, &tariff.daily_cap_cents)));
  STADT_RETURN_IF_ERROR(
      read(json_read::Int(object, "free_stay_minutes", false, 0, kMinutesPerDay, &free_stay)));
  STADT_RETURN_IF_ERROR(
      read(json_read::Int(object, "max_stay_minutes", false, 1, kMaxStayMinutesLimit, &max_stay)));
  tariff.free_minutes = static_cast<int>(free_minutes);
  tariff.charging_unit_minutes = static_cast<int>(unit);
  tariff.free_stay_minutes = static_cast<int>(free_stay);
  tariff.max_stay_minutes = static_cast<int>(max_stay);
  if (absl::Status status = ValidateTariff(tariff); !status.ok()) return At(path, status);
  return tariff;
}

absl::StatusOr<std::vector<Tariff>> TariffFileParser::Parse(const json::object& root) {
  static const auto* root_members = new std::set<std::string_view>{"holiday_calendars", "tariffs"};
  STADT_RETURN_IF_ERROR(UnknownMembers(root, "", *root_members));
  STADT_RETURN_IF_ERROR(ParseCalendars(root));
  const json::array* entries = nullptr;
  if (absl::Status status = json_read::Array(root, "tariffs", true, &entries); !status.ok()) {
    return At("", status);
  }
  std::vector<Tariff> tariffs;
  std::set<std::string> ids;
  for (size_t t = 0; t < entries->size(); ++t) {
    const std::string path = absl::StrCat("tariffs[", t, "]");
    STADT_ASSIGN_OR_RETURN(Tariff tariff, ParseTariff((*entries)[t], path));
    if (!ids.insert(tariff.id).second) {
      return At(path,
                absl::InvalidArgumentError(absl::StrCat("tariff ", tariff.id, ": duplicate id")));
    }
    tariffs.push_back(std::move(tariff));
  }
  return tariffs;
}

}  // namespace

absl::Status ValidateTariff(const Tariff& tariff) {
  const std::string where = absl::StrCat("tariff ", tariff.id);
  if (tariff.id.empty()) return absl::InvalidArgumentError("tariff: empty id");
  for (const PricedWindow& window : tariff.windows) {
    if (window.when.weekdays.empty() || window.when.from_minute >= window.when.to_minute ||
        window.max_parking_minutes < 0 ||
        window.max_parking_minutes > window.when.to_minute - window.when.from_minute) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": a window needs weekdays, from < to and a maximum that fits in it"));
    }
  }
  for (size_t i = 0; i < tariff.windows.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (Overlap(tariff.windows[i].when, tariff.windows[j].when)) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": charging windows overlap"));
      }
    }
  }
  for (const TimeWindow& window : tariff.free_periods) {
    if (window.weekdays.empty() || window.from_minute >= window.to_minute) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": a free period needs from < to"));
    }
  }
  if (tariff.charging_unit_minutes < 1 || tariff.charging_unit_minutes > kMinutesPerDay ||
      tariff.free_minutes < 0 || tariff.free_minutes > kMinutesPerDay ||
      tariff.max_stay_minutes < 1 || tariff.max_stay_minutes > kMaxStayMinutesLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": charging unit, free minutes or longest stay out of range"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseHolidayFile(std::string_view text, int year) {
  std::vector<std::string> dates;
  int line_number = 0;
  for (absl::string_view raw_line : absl::StrSplit(ToAbsl(text), '\n')) {
    ++line_number;
    const std::string_view line = FromAbsl(absl::StripAsciiWhitespace(raw_line));
    if (line.empty() || line.front() == '#') continue;
    const std::string_view date = line.substr(0, 10);
    int date_year = 0;
    if (!IsValidDate(date, &date_year) || (line.size() > 10 && line[10] != ' ')) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": expected \"YYYY-MM-DD name\""));
    }
    if (date_year != year) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": ", ToAbsl(date), " is not in ", year));
    }
    dates.emplace_back(date);
  }
  if (dates.empty()) return absl::InvalidArgumentError("lists no holiday");
  return dates;
}

absl::StatusOr<std::vector<Tariff>> ParseTariffs(std::string_view json_text,
                                                 const FileReader& read_holiday_file) {
  json::parser parser;
  boost::system::error_code error;
  const size_t consumed = parser.write(json_text.data(), json_text.size(), error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", json_read::LineAt(json_text, consumed), ": not valid JSON"));
  }
  const json::value root = parser.release();
  if (!root.is_object()) return json_read::Malformed("tariffs file", "an object");
  TariffFileParser file(json_text, read_holiday_file);
  return file.Parse(root.get_object());
}

absl::StatusOr<std::vector<Tariff>> ParseTariffs(std::string_view json_text) {
  return ParseTariffs(json_text, [](std::string_view path) -> absl::StatusOr<std::string> {
    return absl::NotFoundError(absl::StrCat("no holiday files here (", ToAbsl(path), ")"));
  });
}

}  // namespace stadt::parking
