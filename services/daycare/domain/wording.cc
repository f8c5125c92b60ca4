#include "services/daycare/domain/wording.h"

#include <array>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace stadt::daycare {

std::string MonthInWords(Month month, Language language) {
  if (language == Language::kEnglish) return FormatMonth(month);
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Januar", "Februar", "März",      "April",   "Mai",      "Juni",
      "Juli",   "August",  "September", "Oktober", "November", "Dezember"};
  return absl::StrCat(std::string(kMonths[month.month() - 1]), " ", month.year());
}

std::string DateInWords(const Date& date, Language language) {
  if (language == Language::kEnglish) return FormatDate(date);
  char text[48];
  std::snprintf(text, sizeof(text), "%02d.%02d.%04d", date.day, date.month, date.year);
  return text;
}

std::string Counted(int64_t count, std::string_view one, std::string_view many) {
  return absl::StrCat(count, " ", std::string(count == 1 ? one : many));
}

}  // namespace stadt::daycare
