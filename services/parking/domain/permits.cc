#include "services/parking/domain/permits.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/json/parse.hpp"
#include "services/common/reason.h"
#include "services/common/strings.h"
#include "services/parking/domain/json_read.h"
#include "services/parking/domain/plate.h"

namespace stadt::parking {
namespace {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2199;
constexpr size_t kMaxStreetLength = 100;
constexpr size_t kMaxHouseNumberLength = 12;
constexpr size_t kMaxReasonLength = 500;
// How far ahead a citizen may ask a permit to start.
constexpr int kMaxDaysAhead = 366;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Base letters of the accented Latin-1 letters (U+00C0-U+00FF), lower case;
// 0 where there is none (x, /).
constexpr char kLatin1Base[] =
    "aaaaaaaceeeeiiii"    // C0-CF
    "dnooooo\0ouuuuyts"   // D0-DF (D7 x, DE thorn, DF sharp s handled apart)
    "aaaaaaaceeeeiiii"    // E0-EF
    "dnooooo\0ouuuuyty";  // F0-FF

// Lower-case ASCII with accents removed; every other character (space,
// hyphen, dot, apostrophe, ...) separates words. Characters outside Latin-1
// are kept as they are.
std::vector<std::string> StreetWords(std::string_view street) {
  std::vector<std::string> words(1);
  auto separate = [&] {
    if (!words.back().empty()) words.emplace_back();
  };
  for (size_t i = 0; i < street.size(); ++i) {
    const auto c = static_cast<unsigned char>(street[i]);
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) {
        words.back().push_back(absl::ascii_tolower(c));
      } else {
        separate();
      }
      continue;
    }
    // Two-byte UTF-8 of U+00C0-U+00FF: C3 80-BF.
    if (c == 0xC3 && i + 1 < street.size()) {
      const auto next = static_cast<unsigned char>(street[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        ++i;
        const int code = 0xC0 + (next - 0x80);
        if (code == 0xDF) {
          words.back() += "ss";
        } else if (code == 0xC6 || code == 0xE6) {
          words.back() += "ae";
        } else if (kLatin1Base[code - 0xC0] != '\0') {
          words.back().push_back(kLatin1Base[code - 0xC0]);
        } else {
          separate();
        }
        continue;
      }
    }
    words.back().push_back(static_cast<char>(c));
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// "ae", "oe", "ue" are how umlauts are written without them: "Koenig" = "König".
std::string WithoutUmlautSpelling(const std::string& word) {
  std::string out;
  out.reserve(word.size());
  for (size_t i = 0; i < word.size(); ++i) {
    out.push_back(word[i]);
    if ((word[i] == 'a' || word[i] == 'o' || word[i] == 'u') && i + 1 < word.size() &&
        word[i + 1] == 'e') {
      ++i;
    }
  }
  return out;
}

absl::Status CheckHouseNumber(std::string_view number) {
  // "12", "12a", "12 a", "12-14", "3/1": starts with a digit, short, no other characters.
  const bool ok = !number.empty() && number.size() <= kMaxHouseNumberLength &&
                  IsDigit(number.front()) && std::all_of(number.begin(), number.end(), [](char c) {
                    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == ' ' ||
                           c == '-' || c == '/';
                  });
  if (!ok) {
    return WithReason(absl::InvalidArgumentError(
                          "house_number: expected a house number such as 12, 12a or 12-14"),
                      "street_invalid");
  }
  return absl::OkStatus();
}

bool HasControlCharacters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

}  // namespace

// ---------------------------------------------------------------- dates

absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text, std::string_view field) {
  const absl::Status malformed =
      WithReason(absl::InvalidArgumentError(
                     absl::StrCat(ToAbsl(field), ": expected a date YYYY-MM-DD, e.g. 2027-03-31")),
                 "invalid_date");
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return malformed;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (!IsDigit(text[i])) return malformed;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  if (parts[0] < kMinYear || parts[0] > kMaxYear) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat(
                          ToAbsl(field), ": year must be between ", kMinYear, " and ", kMaxYear)),
                      "invalid_date");
  }
  const absl::CivilDay day(parts[0], parts[1], parts[2]);
  // CivilDay normalises (2027-02-30 becomes 2027-03-02): a date that does
  // not come back unchanged does not exist.
  if (day.month() != parts[1] || day.day() != parts[2]) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": ", ToAbsl(text),
                                                              " is not a date of the calendar")),
                      "invalid_date");
  }
  return day;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::CivilDay BerlinDayOf(const BerlinCalendar& calendar, absl::Time instant) {
  const absl::Duration offset = calendar.OffsetAt(instant, nullptr);
  return absl::CivilDay(absl::ToCivilSecond(instant + offset, absl::UTCTimeZone()));
}

absl::Time StartOfBerlinDay(const BerlinCalendar& calendar, absl::CivilDay day) {
  const absl::Time utc_midnight = absl::FromCivil(day, absl::UTCTimeZone());
  absl::Time start = utc_midnight - calendar.OffsetAt(utc_midnight, nullptr);
  // The offset in force at local midnight itself (the same unless it changed
  // within the hours between): Berlin changes at 02:00/03:00, so this settles.
  start = utc_midnight - calendar.OffsetAt(start, nullptr);
  return start;
}

// ---------------------------------------------------------------- streets and areas

std::string StreetKey(std::string_view street) {
  std::string key;
  for (const std::string& raw : StreetWords(street)) {
    std::string word = WithoutUmlautSpelling(raw);
    if (word == "str" || word == "strasse") {
      word = "strasse";
    } else if (word.ends_with("str")) {
      word += "asse";
    }
    key += word;
  }
  return key;
}

absl::StatusOr<PermitAreas> PermitAreas::Parse(std::string_view json) {
  boost::system::error_code error;
  const boost::json::value root = boost::json::parse(json, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat("permit areas: not JSON: ", error.message()));
  }
  if (!root.is_object()) return json_read::Malformed("permit areas", "an object with \"areas\"");
  const boost::json::array* areas = nullptr;
  if (absl::Status status = json_read::Array(root.get_object(), "areas", true, &areas);
      !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("permit areas: ", status.message()));
  }
  if (areas->empty()) return absl::InvalidArgumentError("permit areas: \"areas\" is empty");
  PermitAreas out;
  for (size_t a = 0; a < areas->size(); ++a) {
    const std::string where = absl::StrCat("permit areas: areas[", a, "]");
    const boost::json::value& value = (*areas)[a];
    if (!value.is_object()) return json_read::Malformed(where, "an object");
    const boost::json::object& object = value.get_object();
    PermitArea area;
    const boost::json::array* streets = nullptr;
    absl::Status status = json_read::String(object, "id", true, &area.id);
    if (status.ok()) status = json_read::String(object, "name", true, &area.name);
    if (status.ok()) status = json_read::Array(object, "streets", true, &streets);
    if (!status.ok())
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", status.message()));
    if (area.id.empty() || area.name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": id and name must not be empty"));
    }
    const std::string named = absl::StrCat(where, " (", area.id, ")");
    if (out.street_keys_.contains(area.id)) {
      return absl::InvalidArgumentError(absl::StrCat(named, ": id used twice"));
    }
    if (streets->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(named, ": streets is empty"));
    }
    std::set<std::string>& keys = out.street_keys_[area.id];
    for (size_t s = 0; s < streets->size(); ++s) {
      const boost::json::value& street = (*streets)[s];
      const std::string at = absl::StrCat(named, ": streets[", s, "]");
      if (!street.is_string() || street.get_string().empty() ||
          street.get_string().size() > kMaxStreetLength) {
        return json_read::Malformed(at, "a street name of 1-100 characters");
      }
      const std::string name(street.get_string());
      const std::string key = StreetKey(name);
      if (key.empty()) return json_read::Malformed(at, "a street name with letters");
      if (!keys.insert(key).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(at, ": \"", name, "\" is listed twice (spellings count as one)"));
      }
      area.streets.push_back(name);
    }
    out.areas_.push_back(std::move(area));
  }
  return out;
}

absl::Status PermitAreas::CheckAgainst(const ZoneDirectory& zones) const {
  std::set<std::string, std::less<>> covered;
  for (const Zone& zone : zones.zones()) {
    if (zone.permit_area.empty()) continue;
    if (Find(zone.permit_area) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("zone ", zone.id, ": permit area ",
                                                     zone.permit_area,
                                                     " is not in the permit areas file"));
    }
    covered.insert(zone.permit_area);
  }
  for (const PermitArea& area : areas_) {
    if (!covered.contains(area.id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("permit areas: ", area.id, " is the permit area of no zone"));
    }
  }
  return absl::OkStatus();
}

const PermitArea* PermitAreas::Find(std::string_view id) const {
  for (const PermitArea& area : areas_) {
    if (area.id == id) return &area;
  }
  return nullptr;
}

bool PermitAreas::HasStreet(const PermitArea& area, std::string_view street) const {
  auto it = street_keys_.find(area.id);
  return it != street_keys_.end() && it->second.contains(StreetKey(street));
}

// ---------------------------------------------------------------- applications

std::string_view ApplicationStatusName(ApplicationStatus status) {
  switch (status) {
    case ApplicationStatus::kPending:
      return "pending";
    case ApplicationStatus::kApproved:
      return "approved";
    case ApplicationStatus::kRejected:
      return "rejected";
    case ApplicationStatus::kRevoked:
      return "revoked";
  }
  return "pending";
}

std::optional<ApplicationStatus> ParseApplicationStatus(std::string_view name) {
  for (ApplicationStatus status : {ApplicationStatus::kPending, ApplicationStatus::kApproved,
                                   ApplicationStatus::kRejected, ApplicationStatus::kRevoked}) {
    if (ApplicationStatusName(status) == name) return status;
  }
  return std::nullopt;
}

absl::Status NotPending(std::string_view why) {
  return WithReason(absl::FailedPreconditionError(ToAbsl(why)), "permit_application_not_pending");
}

absl::StatusOr<DecisionEffect> DecisionOn(const PermitApplication& application, Decision decision) {
  const bool approve = decision == Decision::kApprove;
  switch (application.status) {
    case ApplicationStatus::kPending:
      return DecisionEffect::kApply;
    case ApplicationStatus::kApproved:
      if (approve) return DecisionEffect::kRepeat;
      return NotPending("application was approved already: revoke its permit instead");
    case ApplicationStatus::kRejected:
      if (!approve) return DecisionEffect::kRepeat;
      return NotPending(absl::StrCat("application was rejected: ", application.reason));
    case ApplicationStatus::kRevoked:
      return NotPending(
          absl::StrCat("the permit of this application was revoked: ", application.reason));
  }
  return NotPending("application cannot be decided");
}

absl::StatusOr<std::string> ValidateReason(std::string_view reason) {
  const std::string trimmed(absl::StripAsciiWhitespace(ToAbsl(reason)));
  if (trimmed.empty() || trimmed.size() > kMaxReasonLength || HasControlCharacters(trimmed)) {
    return WithReason(absl::InvalidArgumentError(
                          "reason: 1-500 characters without line breaks or control characters"),
                      "decision_reason_invalid");
  }
  return trimmed;
}

absl::StatusOr<PermitApplication> PermitRules::PlanApplication(
    std::string_view applicant, const PermitApplicationRequest& request, absl::Time now) const {
  if (applicant.empty()) return absl::UnauthenticatedError("sign-in required");
  absl::StatusOr<Plate> plate = ParsePlate(request.country, request.plate);
  if (!plate.ok()) return plate.status();
  const PermitArea* area = areas_.Find(request.area);
  if (area == nullptr) {
    return WithReason(absl::InvalidArgumentError("area: unknown permit area"),
                      "permit_area_unknown");
  }
  const std::string street(absl::StripAsciiWhitespace(ToAbsl(request.street)));
  if (street.empty() || street.size() > kMaxStreetLength || HasControlCharacters(street)) {
    return WithReason(
        absl::InvalidArgumentError("street: expected a street name of 1-100 characters"),
        "street_invalid");
  }
  const std::string house_number(absl::StripAsciiWhitespace(ToAbsl(request.house_number)));
  if (absl::Status status = CheckHouseNumber(house_number); !status.ok()) return status;
  absl::StatusOr<absl::CivilDay> first = ParseDate(request.valid_from, "valid_from");
  if (!first.ok()) return first.status();
  absl::StatusOr<absl::CivilDay> last = ParseDate(request.valid_until, "valid_until");
  if (!last.ok()) return last.status();
  if (*last < *first) {
    return WithReason(absl::InvalidArgumentError("valid_until must not be before valid_from"),
                      "permit_period_invalid");
  }
  const absl::CivilDay today = BerlinDayOf(calendar_, now);
  if (*first < today) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat(
                          "valid_from lies in the past (today is ", FormatDate(today), ")")),
                      "permit_start_invalid");
  }
  if (*first > today + kMaxDaysAhead) {
    return WithReason(absl::InvalidArgumentError("valid_from: at most one year ahead"),
                      "permit_start_invalid");
  }
  // The same day max_months later is the first day beyond the limit.
  const absl::CivilDay beyond(first->year(), first->month() + policy_.max_months, first->day());
  if (*last >= beyond) {
    return WithReason(absl::OutOfRangeError(absl::StrCat("validity exceeds the maximum of ",
                                                         policy_.max_months, " months")),
                      "permit_too_long");
  }
  if (!areas_.HasStreet(*area, street)) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat("this street is not part of permit area ",
                                                   area->id, " (", area->name, ")")),
        "street_not_in_area");
  }
  PermitApplication application;
  application.applicant = std::string(applicant);
  application.plate = *std::move(plate);
  application.area = area->id;
  application.street = street;
  application.house_number = house_number;
  application.first_day = *first;
  application.last_day = *last;
  application.created = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  return application;
}

absl::StatusOr<Permit> PermitRules::PlanApproval(const PermitApplication& application,
                                                 absl::Time now) const {
  const Span span = Validity(application.first_day, application.last_day);
  if (span.until <= now) {
    return WithReason(absl::FailedPreconditionError(
                          "the requested validity has ended: reject the application instead"),
                      "permit_expired");
  }
  Permit permit;
  permit.id = application.id;
  permit.plate = application.plate;
  permit.area = application.area;
  permit.valid_from = span.from;
  permit.valid_until = span.until;
  return permit;
}

absl::StatusOr<PermitRules::Span> PermitRules::Validity(std::string_view first,
                                                        std::string_view last) const {
  absl::StatusOr<absl::CivilDay> from = ParseDate(first, "valid_from");
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> until = ParseDate(last, "valid_until");
  if (!until.ok()) return until.status();
  if (*until < *from) {
    return WithReason(absl::InvalidArgumentError("valid_until must not be before valid_from"),
                      "permit_period_invalid");
  }
  return Validity(*from, *until);
}

PermitRules::Span PermitRules::Validity(absl::CivilDay first, absl::CivilDay last) const {
  return {StartOfBerlinDay(calendar_, first), StartOfBerlinDay(calendar_, last + 1)};
}

absl::CivilDay PermitRules::FirstDay(const Permit& permit) const {
  return BerlinDayOf(calendar_, permit.valid_from);
}

absl::CivilDay PermitRules::LastDay(const Permit& permit) const {
  return BerlinDayOf(calendar_, permit.valid_until - absl::Seconds(1));
}

}  // namespace stadt::parking
