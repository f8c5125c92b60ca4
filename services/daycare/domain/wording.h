#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "services/daycare/domain/model.h"

namespace stadt::daycare {

// The languages parents read: German first (the default), English second.
enum class Language { kGerman, kEnglish };

// Small pieces of the parents' texts that differ between the languages beyond
// the words themselves.

// "September 2026" in German (as a German writes a month), "2026-09" in English.
std::string MonthInWords(Month month, Language language);

// "03.11.2024" in German, "2024-11-03" in English.
std::string DateInWords(const Date& date, Language language);

// `count` with the singular or the plural noun: "1 Punkt", "12 Punkte",
// "1 month", "0 months".
std::string Counted(int64_t count, std::string_view one, std::string_view many);

}  // namespace stadt::daycare
