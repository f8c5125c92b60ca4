#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/parking/domain/berlin_time.h"
#include "services/parking/domain/sessions.h"
#include "services/parking/domain/zones.h"

namespace stadt::parking {

// ---------------------------------------------------------------- dates

// A calendar date "YYYY-MM-DD" (years 2000-2199). INVALID_ARGUMENT naming
// `field` for anything else, e.g. "valid_from: expected a date YYYY-MM-DD".
absl::StatusOr<absl::CivilDay> ParseDate(std::string_view text, std::string_view field);
std::string FormatDate(absl::CivilDay day);

// The Europe/Berlin day an instant falls on, and the instant a Berlin day
// starts (local midnight; Berlin's clock changes at night, never at midnight).
absl::CivilDay BerlinDayOf(const BerlinCalendar& calendar, absl::Time instant);
absl::Time StartOfBerlinDay(const BerlinCalendar& calendar, absl::CivilDay day);

// ---------------------------------------------------------------- areas and streets

// The form in which street names are compared: case, accents and umlauts
// ("Königstraße" = "Koenigstrasse" = "konigstrasse"), the forms "Str.",
// "Straße" and "Strasse", and separators (spaces, hyphens, dots) do not
// matter: "Theodor-Heuss-Str." and "theodor heuss strasse" give one key.
std::string StreetKey(std::string_view street);

struct PermitArea {
  std::string id;  // the `permit_area` of the zones it covers
  std::string name;
  std::vector<std::string> streets;  // as written in the file
};

// The residents' permit areas and their streets (PARKING_PERMIT_AREAS_FILE).
class PermitAreas {
 public:
  // {"areas": [{"id": "S-Mitte", "name": "...", "streets": ["Königstraße", ...]}]}.
  // INVALID_ARGUMENT naming the area and member at fault: ids unique and
  // non-empty, a name, at least one street, no street twice in one area.
  static absl::StatusOr<PermitAreas> Parse(std::string_view json);

  // Every zone's permit area is listed here, and every area listed here
  // covers at least one zone; INVALID_ARGUMENT naming the first that does not.
  absl::Status CheckAgainst(const ZoneDirectory& zones) const;

  const PermitArea* Find(std::string_view id) const;
  bool HasStreet(const PermitArea& area, std::string_view street) const;
  const std::vector<PermitArea>& areas() const { return areas_; }

 private:
  std::vector<PermitArea> areas_;
  std::map<std::string, std::set<std::string>, std::less<>> street_keys_;  // by area id
};

// ---------------------------------------------------------------- applications

enum class ApplicationStatus { kPending, kApproved, kRejected, kRevoked };
std::string_view ApplicationStatusName(ApplicationStatus status);
std::optional<ApplicationStatus> ParseApplicationStatus(std::string_view name);

// A citizen's application for a residents' permit. The address is needed for
// the decision only: it is empty once the application has been decided.
struct PermitApplication {
  std::string id;
  std::string applicant;  // token subject of the citizen
  Plate plate;
  std::string area;
  std::string street;        // as typed; empty once decided
  std::string house_number;  // empty once decided
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  ApplicationStatus status = ApplicationStatus::kPending;
  std::string reason;     // why rejected or revoked
  std::string permit_id;  // once approved: the permit (same id as the application)
  absl::Time created = absl::InfinitePast();
  absl::Time decided = absl::InfinitePast();

  friend bool operator==(const PermitApplication&, const PermitApplication&) = default;
};

// What a citizen sends; dates as typed.
struct PermitApplicationRequest {
  std::string country;  // empty: Germany
  std::string plate;
  std::string area;
  std::string street;
  std::string house_number;
  std::string valid_from;
  std::string valid_until;
};

enum class Decision { kApprove, kReject };
enum class DecisionEffect {
  kApply,   // the application changes
  kRepeat,  // it is in that state already: answer it as it is (idempotent)
};
// The state machine: pending -> approved | rejected, approved -> revoked
// (through its permit). FAILED_PRECONDITION with the reason for anything else,
// e.g. approving a rejected application names why it was rejected. The store
// applies the same table atomically (store/lua/*_permit_application.lua).
absl::StatusOr<DecisionEffect> DecisionOn(const PermitApplication& application, Decision decision);

// A caseworker's reason for a rejection or revocation: 1-500 characters
// without control characters; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> ValidateReason(std::string_view reason);

struct PermitPolicy {
  // A citizen may ask for at most this many months at a time.
  int max_months = 12;
};

// The rules of permits, free of storage: dates, areas and streets.
class PermitRules {
 public:
  PermitRules(PermitAreas areas, BerlinCalendar calendar, PermitPolicy policy)
      : areas_(std::move(areas)), calendar_(calendar), policy_(policy) {}

  const PermitAreas& areas() const { return areas_; }
  const PermitPolicy& policy() const { return policy_; }

  // Checks a citizen's application at `now`: a valid plate, a known area, a
  // street of that area (FAILED_PRECONDITION naming both otherwise), a house
  // number, dates that are dates, from today (Berlin) on, at most a year
  // ahead and at most policy.max_months long (OUT_OF_RANGE).
  absl::StatusOr<PermitApplication> PlanApplication(std::string_view applicant,
                                                    const PermitApplicationRequest& request,
                                                    absl::Time now) const;
  // The permit an approval issues; FAILED_PRECONDITION when the requested
  // validity has already ended.
  absl::StatusOr<Permit> PlanApproval(const PermitApplication& application, absl::Time now) const;

  // Validity of a permit from the start of the Berlin day `first` to the end
  // of `last`, both "YYYY-MM-DD"; INVALID_ARGUMENT for malformed dates or
  // `last` before `first`.
  struct Span {
    absl::Time from;
    absl::Time until;
  };
  absl::StatusOr<Span> Validity(std::string_view first, std::string_view last) const;
  Span Validity(absl::CivilDay first, absl::CivilDay last) const;
  // The first and last Berlin day of a permit's validity.
  absl::CivilDay FirstDay(const Permit& permit) const;
  absl::CivilDay LastDay(const Permit& permit) const;

 private:
  PermitAreas areas_;
  BerlinCalendar calendar_;
  PermitPolicy policy_;
};

}  // namespace stadt::parking
