#include "services/appointments/domain/catalog.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"

namespace stadt::appointments {
namespace {

constexpr size_t kMaxTextLength = 200;
constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMaxServiceMinutes = 8 * 60;
constexpr size_t kMaxServicesPerOffice = 200;
constexpr size_t kMaxClosures = 200;
constexpr int kMaxClosureDays = 366;
constexpr size_t kMaxLanguages = 20;
constexpr size_t kMaxDocuments = 30;
constexpr int kMaxFeeCents = 100000 * 100;

absl::Status Invalid(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": ", ToAbsl(problem)));
}

absl::Status ValidateText(std::string_view field, const std::string& text, bool required) {
  if (required && text.empty()) return Invalid(field, "is required");
  if (text.size() > kMaxTextLength) {
    return Invalid(field, absl::StrCat("is longer than ", kMaxTextLength, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCounters(const Office& office) {
  if (office.slot_minutes < 5 || office.slot_minutes > 60 || 60 % office.slot_minutes != 0) {
    return Invalid("slot_minutes", "must divide an hour and be 5 to 60");
  }
  for (const CounterWindow& window : office.counters) {
    if (window.weekday < 1 || window.weekday > 7) {
      return Invalid("counters.weekday", "must be 1 (Monday) to 7 (Sunday)");
    }
    if (window.from_minute < 0 || window.to_minute > kMinutesPerDay ||
        window.from_minute >= window.to_minute || window.from_minute % office.slot_minutes != 0 ||
        window.to_minute % office.slot_minutes != 0) {
      return Invalid("counters", "windows must lie within a day on the slot grid");
    }
    if (window.counters < 0 || window.counters > 100) {
      return Invalid("counters.counters", "must be 0 to 100");
    }
  }
  for (const std::string& date : office.closed_dates) {
    if (!booking::IsValidIsoDate(date)) return Invalid("closed_dates", "must be YYYY-MM-DD dates");
  }
  if (office.closures.size() > kMaxClosures) return Invalid("closures", "too many");
  for (const Closure& closure : office.closures) {
    STADT_RETURN_IF_ERROR(ValidateClosure(office, closure));
  }
  return absl::OkStatus();
}

absl::Status ValidateOpeningHours(const std::vector<OpeningHours>& hours) {
  for (const OpeningHours& day : hours) {
    if (day.weekday < 1 || day.weekday > 7) {
      return Invalid("opening_hours.weekday", "must be 1 (Monday) to 7 (Sunday)");
    }
    if (day.opens_minute < 0 || day.closes_minute > kMinutesPerDay ||
        day.opens_minute >= day.closes_minute) {
      return Invalid("opening_hours", "must open before it closes, within one day");
    }
  }
  return absl::OkStatus();
}

// ISO 639-1: two lower-case letters.
bool IsLanguageCode(const std::string& code) {
  return code.size() == 2 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

absl::Status ValidateLanguages(const std::vector<std::string>& languages) {
  if (languages.size() > kMaxLanguages) return Invalid("languages", "too many entries");
  std::set<std::string_view> seen;
  for (const std::string& code : languages) {
    if (!IsLanguageCode(code)) return Invalid("languages", "ISO 639-1 codes such as \"de\"");
    if (!seen.insert(code).second) return Invalid("languages", "contains a duplicate");
  }
  return absl::OkStatus();
}

// German is required (the city's language), English optional; both printable.
absl::Status ValidateLocalized(std::string_view field, const LocalizedText& text, bool required) {
  STADT_RETURN_IF_ERROR(ValidateText(field, text.de, required));
  STADT_RETURN_IF_ERROR(ValidateText(field, text.en, false));
  if (!booking::IsPrintableUtf8(text.de) || !booking::IsPrintableUtf8(text.en)) {
    return Invalid(field, "must be UTF-8 without control characters");
  }
  if (text.de.empty() && !text.en.empty()) return Invalid(field, "German first: de is missing");
  return absl::OkStatus();
}

absl::Status ValidateServicePage(const ServiceType& service) {
  STADT_RETURN_IF_ERROR(ValidateLocalized("title", service.title, false));
  if (service.required_documents.size() > kMaxDocuments) {
    return Invalid("required_documents", "too many entries");
  }
  for (const LocalizedText& document : service.required_documents) {
    STADT_RETURN_IF_ERROR(ValidateLocalized("required_documents", document, true));
  }
  if (service.fee_cents < -1 || service.fee_cents > kMaxFeeCents) {
    return Invalid("fee_cents", "must be 0 to 10,000,000 (or -1: unknown)");
  }
  return ValidateLocalized("fee_note", service.fee_note, false);
}

// Every ISO 639-1 code (as /usr/share/iso-codes/json/iso_639-2.json of
// Debian's iso-codes lists them), sorted, so that "xx" is refused, not
// silently matching nothing.
constexpr std::string_view kIso639Codes[] = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu"};

}  // namespace

absl::Status OfficeNotFound() {
  return booking::Refusal(absl::StatusCode::kNotFound, "office_not_found", "office not found");
}

absl::StatusOr<std::string> ParseLanguageFilter(std::string_view text) {
  std::string code(text.data(), text.size());
  absl::AsciiStrToLower(&code);
  if (!std::binary_search(std::begin(kIso639Codes), std::end(kIso639Codes), code)) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "bad_language",
                            "language: ein ISO-639-1-Sprachcode wie \"tr\" / an ISO 639-1 "
                            "language code such as \"tr\"");
  }
  return code;
}

bool SpeaksLanguage(const Office& office, std::string_view language) {
  return std::find(office.languages.begin(), office.languages.end(), language) !=
         office.languages.end();
}

absl::Status ValidateOffice(const Office& office) {
  if (!booking::IsValidId(office.id)) return Invalid("id", "must be 1-64 of a-z, 0-9 and '-'");
  for (const auto& [field, text] :
       {std::pair{"name", &office.name}, std::pair{"district", &office.district},
        std::pair{"address.street", &office.address.street},
        std::pair{"address.postal_code", &office.address.postal_code},
        std::pair{"address.city", &office.address.city}}) {
    if (absl::Status status = ValidateText(field, *text, /*required=*/true); !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = ValidateOpeningHours(office.opening_hours); !status.ok()) {
    return status;
  }
  if (absl::Status status = ValidateCounters(office); !status.ok()) return status;
  STADT_RETURN_IF_ERROR(ValidateLanguages(office.languages));
  if (office.service_ids.size() > kMaxServicesPerOffice) {
    return Invalid("service_ids", "too many entries");
  }
  std::set<std::string_view> seen;
  for (const std::string& service_id : office.service_ids) {
    if (!booking::IsValidId(service_id)) return Invalid("service_ids", "contains an invalid id");
    if (!seen.insert(service_id).second) return Invalid("service_ids", "contains a duplicate");
  }
  return absl::OkStatus();
}

absl::Status ValidateServiceType(const ServiceType& service) {
  if (!booking::IsValidId(service.id)) return Invalid("id", "must be 1-64 of a-z, 0-9 and '-'");
  if (absl::Status status = ValidateText("name", service.name, true); !status.ok()) return status;
  if (service.duration_minutes <= 0 || service.duration_minutes > kMaxServiceMinutes) {
    return Invalid("duration_minutes", "must be between 1 and 480");
  }
  for (const std::string& other : service.combinable_with) {
    if (!booking::IsValidId(other)) return Invalid("combinable_with", "contains an invalid id");
  }
  return ValidateServicePage(service);
}

absl::Status ValidateCatalog(const Catalog& catalog) {
  std::set<std::string> service_ids;
  for (const ServiceType& service : catalog.services) {
    if (absl::Status status = ValidateServiceType(service); !status.ok()) return status;
    if (!service_ids.insert(service.id).second) {
      return Invalid("services", absl::StrCat("duplicate id ", service.id));
    }
  }
  std::set<std::string> office_ids;
  for (const Office& office : catalog.offices) {
    if (absl::Status status = ValidateOffice(office); !status.ok()) return status;
    if (!office_ids.insert(office.id).second) {
      return Invalid("offices", absl::StrCat("duplicate id ", office.id));
    }
    for (const std::string& service_id : office.service_ids) {
      if (!service_ids.contains(service_id)) {
        return Invalid("offices", absl::StrCat(office.id, " offers unknown service ", service_id));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateClosure(const Office& office, const Closure& closure) {
  if (!booking::IsValidId(closure.id))
    return Invalid("closure.id", "lowercase letters, digits, '-'");
  if (!booking::IsValidIsoDate(closure.from_date) || !booking::IsValidIsoDate(closure.to_date) ||
      closure.to_date < closure.from_date) {
    return Invalid("closure", "from_date and to_date must be YYYY-MM-DD, in order");
  }
  if (*booking::ParseDate(closure.to_date) - *booking::ParseDate(closure.from_date) >
      kMaxClosureDays) {
    return Invalid("closure", "at most a year");
  }
  const int grid = std::max(1, office.slot_minutes);
  if (closure.from_minute < 0 || closure.to_minute > kMinutesPerDay ||
      closure.from_minute >= closure.to_minute || closure.from_minute % grid != 0 ||
      closure.to_minute % grid != 0) {
    return Invalid("closure", "the hours must lie within a day on the slot grid");
  }
  if (closure.counters < 0 || closure.counters > 100) {
    return Invalid("closure.counters", "must be 0 to 100");
  }
  return ValidateText("closure.reason", closure.reason, false);
}

booking::DayPlan PlanDay(const Office& office, absl::CivilDay day) {
  booking::DayPlan plan = booking::ClosedDay(day, office.slot_minutes);
  const std::string date = booking::FormatDate(day);
  if (std::find(office.closed_dates.begin(), office.closed_dates.end(), date) !=
      office.closed_dates.end()) {
    return plan;
  }
  const int weekday = booking::IsoWeekday(day);
  for (const CounterWindow& window : office.counters) {
    if (window.weekday == weekday) {
      booking::Open(window.from_minute, window.to_minute, window.counters, &plan);
    }
  }
  for (const Closure& closure : office.closures) {
    // Dates compare as text (YYYY-MM-DD).
    if (date < closure.from_date || date > closure.to_date) continue;
    const int grid = std::max(1, plan.slot_minutes);
    const int last = std::min(static_cast<int>(plan.capacity.size()), closure.to_minute / grid);
    for (int bucket = closure.from_minute / grid; bucket < last; ++bucket) {
      plan.capacity[bucket] = std::min(plan.capacity[bucket], closure.counters);
    }
  }
  return plan;
}

}  // namespace stadt::appointments
