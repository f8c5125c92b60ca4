#include "services/daycare/domain/model.h"

#include <cstdio>

namespace stadt::daycare {
namespace {

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

}  // namespace

bool IsValidDate(const Date& date) {
  if (date.year < 1900 || date.year > 9999) return false;
  if (date.month < 1 || date.month > 12) return false;
  return date.day >= 1 && date.day <= DaysInMonth(date.year, date.month);
}

int AgeInMonthsAt(const Date& birth, Month start) {
  const int months = start.index - Month::Of(birth.year, birth.month).index;
  // Born after the 1st: the month of birth is not yet completed on the 1st of the
  // month `months` later.
  return birth.day > 1 ? months - 1 : months;
}

std::string FormatMonth(Month month) {
  char text[48];
  std::snprintf(text, sizeof(text), "%04d-%02d", month.year(), month.month());
  return text;
}

std::string FormatDate(const Date& date) {
  char text[48];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

}  // namespace stadt::daycare
