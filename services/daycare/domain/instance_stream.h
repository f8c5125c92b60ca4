#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "boost/json/storage_ptr.hpp"
#include "boost/json/value.hpp"
#include "services/daycare/domain/model.h"

namespace stadt::daycare {

// An instance document read in one pass: the "applications" array straight into
// Application values (a city's 100,000 applications are most of the document, and
// building them as JSON values first cost more than the allocation itself), the rest
// of the document (seed, programs, policy, unknown members) as a JSON value whose
// "applications" member is an empty array.
struct StreamedInstance {
  boost::json::value rest;
  std::vector<Application> applications;
};

// nullopt whenever the document is not a well-formed instance with well-formed
// applications (bad JSON, a member of the wrong type, a bad date, a repeated member,
// no "applications" array): the caller then parses the document as a whole, which
// names the problem exactly as before. For well-formed input the applications are
// the ones the whole-document parser builds; with `resolve_wishes` and the programs
// listed before the applications, their wishes are `resolved` to program indices
// (no `choices`, no `points`), and a wish or point naming no program is unusual.
std::optional<StreamedInstance> StreamInstance(std::string_view json_text,
                                               const boost::json::storage_ptr& storage,
                                               bool resolve_wishes = false);

}  // namespace stadt::daycare
