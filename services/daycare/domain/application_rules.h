#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/daycare/domain/model.h"
#include "services/daycare/domain/season_types.h"

namespace stadt::daycare::season {

// What a guardian may send for one season. Every refusal is INVALID_ARGUMENT
// naming the field, with a machine-readable reason (services/common/reason.h):
//   choices_required, too_many_choices, unknown_program, duplicate_choice,
//   child_name_required, child_name_too_long, guardian_field_too_long,
//   birth_date_required, birth_date_in_future, unknown_criterion,
//   duplicate_criterion, unknown_care_scope, start_month_outside_season,
//   unknown_centre, duplicate_sibling_centre, age_outside_program.
// The season's care scopes are those its programs offer; the season runs from
// the earliest to the latest start month of its programs. A child's age is
// taken on the 1st of the chosen program's start month (else of the desired
// start), as the engine's eligibility does.
absl::Status ValidateApplication(const std::vector<Program>& programs, const Policy& policy,
                                 const Application& application, absl::Time now);

// The name as compared for "the same child": lower case, German umlauts and ß
// spelled out (ä -> ae, ß -> ss), every run of spaces, hyphens, dots and
// apostrophes one space, no space at either end.
std::string NormaliseName(std::string_view name);

// Identifies the child of an application within a season: normalised name,
// birth date and the guardian (token subject). Two applications with the same
// key are the same child applied for twice.
std::string ChildKey(const Application& application);

}  // namespace stadt::daycare::season
