#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/model.h"
#include "services/daycare/domain/wording.h"

namespace stadt::daycare {

struct ParsedInstance {
  Instance instance;
  std::optional<Policy> policy;  // the instance's own "policy" member, when present
};

struct ParseOptions {
  // Wishes as program indices (Application::resolved) where the document lists the
  // programs first: for a reader that hands the instance straight to
  // Allocator::Create and needs the wishes' ids no more (the planners' tool).
  bool resolve_wishes = false;
};

// Parses an instance file:
//   {"seed": 42, "programs": [...], "applications": [...], "policy": {...}}
// Unknown members are ignored. Errors are InvalidArgument and start with the path of
// the offending field, e.g. "applications[3].choices[1]: expected a string".
absl::StatusOr<ParsedInstance> ParseInstance(std::string_view json_text,
                                             const ParseOptions& options = {});

// Parses the published points catalogue:
//   {"max_choices": 10, "older_child_first": true, "max_start_delay_months": 2,
//    "criteria": [{"id": "single_parent", "points": 8, "label": "single parent"},
//                 {"id": "sibling", "points": 5, "label": "a sibling in this centre",
//                  "centre": "K12"}]}
absl::StatusOr<Policy> ParsePolicy(std::string_view json_text);
absl::StatusOr<Policy> PolicyFromJson(const boost::json::value& value, std::string_view field);

// The result document: assignments and programs in input order, then stats; with
// `explain`, a parent-readable explanation per application in `language`.
// Serialising the same result always gives the same bytes.
std::string ResultToJson(const Allocator& allocator, const RoundResult& result, bool explain,
                         Language language = Language::kGerman);

// The instance format written back (what the parsers above read): members that are
// empty or absent are left out, so parsing the output gives the same values.
boost::json::object ProgramToJson(const Program& program);
boost::json::object ApplicationToJson(const Application& application);
boost::json::object PolicyToJson(const Policy& policy);

// "2024-03-15" and "2026-08" as a parent types them; errors start with `field`.
absl::StatusOr<Date> ParseDate(std::string_view text, std::string_view field);
absl::StatusOr<Month> ParseMonth(std::string_view text, std::string_view field);

}  // namespace stadt::daycare
