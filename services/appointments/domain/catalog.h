#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/common/booking/domain/schedule.h"

namespace stadt::appointments {

struct Address {
  std::string street;
  std::string postal_code;
  std::string city;
  bool operator==(const Address&) const = default;
};

// Opening hours on one ISO weekday (1 = Monday), Europe/Berlin wall clock.
struct OpeningHours {
  int weekday = 0;
  int opens_minute = 0;
  int closes_minute = 0;
  bool operator==(const OpeningHours&) const = default;
};

// How many counters serve citizens during a window of one ISO weekday.
struct CounterWindow {
  int weekday = 0;
  int from_minute = 0;
  int to_minute = 0;
  int counters = 0;
  bool operator==(const CounterWindow&) const = default;
};

// A closure (illness, strike, IT outage) or reduced staffing of an office:
// from `from_minute` to `to_minute` (local, on the slot grid) of every day
// from `from_date` to `to_date`, at most `counters` counters serve (0: closed).
struct Closure {
  std::string id;  // chosen by the administrator: retrying with it changes nothing
  std::string from_date;
  std::string to_date;
  int from_minute = 0;
  int to_minute = 24 * 60;
  int counters = 0;
  std::string reason;  // for the citizens' notice
  bool operator==(const Closure&) const = default;
};

struct Office {
  std::string id;
  std::string name;
  std::string district;
  Address address;
  std::vector<OpeningHours> opening_hours;
  std::vector<std::string> service_ids;
  // Appointments start on this grid, e.g. every 10 minutes.
  int slot_minutes = 10;
  std::vector<CounterWindow> counters;
  // Holidays and other closures, "YYYY-MM-DD" in local time.
  std::vector<std::string> closed_dates;
  // Declared through the closure routes, not by replacing the office.
  std::vector<Closure> closures;
  // Languages spoken with citizens, ISO 639-1 codes ("de", "en", "tr").
  std::vector<std::string> languages = {};
  bool operator==(const Office&) const = default;
};

// A text a citizen reads: German first, English second.
struct LocalizedText {
  std::string de;
  std::string en;
  bool operator==(const LocalizedText&) const = default;
};

// A citizens' office service, e.g. "apply for an ID card".
struct ServiceType {
  std::string id;
  std::string name;
  int duration_minutes = 0;
  // Services that may be booked together with this one in one appointment.
  std::vector<std::string> combinable_with = {};
  // The name in German and English; empty: only `name` is known.
  LocalizedText title = {};
  // What to bring, one document per entry.
  std::vector<LocalizedText> required_documents = {};
  // In euro cents; -1: no fee is known (0 is free of charge).
  int fee_cents = -1;
  // Variants of the fee ("unter 24 Jahren 22,80 EUR").
  LocalizedText fee_note = {};
  bool operator==(const ServiceType&) const = default;
};

struct Catalog {
  std::vector<Office> offices;
  std::vector<ServiceType> services;
};

absl::Status ValidateOffice(const Office& office);

// A language filter as a client sends it: an ISO 639-1 code in any case
// ("tr", "TR"), returned in lower case; anything else (also an empty text)
// is INVALID_ARGUMENT [bad_language].
absl::StatusOr<std::string> ParseLanguageFilter(std::string_view text);
// NOT_FOUND [office_not_found]: what a catalog answers for an office id it
// does not hold (every route naming an office passes it on).
absl::Status OfficeNotFound();
// Whether `office` speaks `language` (a code as ParseLanguageFilter returns).
bool SpeaksLanguage(const Office& office, std::string_view language);
absl::Status ValidateClosure(const Office& office, const Closure& closure);
absl::Status ValidateServiceType(const ServiceType& service);
// Also checks that every office offers only services the catalog defines and
// that ids are unique.
absl::Status ValidateCatalog(const Catalog& catalog);

// An office's day on its slot grid: capacity per bucket is the number of
// counters open then; none on closed dates; closures cap it.
booking::DayPlan PlanDay(const Office& office, absl::CivilDay day);

}  // namespace stadt::appointments
