#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "services/appointments/domain/catalog.h"

namespace stadt::appointments {

// JSON form of the catalog: used for the seed file the city edits and for the
// values stored in Redis, so both speak one format.
boost::json::value OfficeToJson(const Office& office);
absl::StatusOr<Office> OfficeFromJson(const boost::json::value& json);
boost::json::value ServiceTypeToJson(const ServiceType& service);
absl::StatusOr<ServiceType> ServiceTypeFromJson(const boost::json::value& json);

// Parses and validates a whole seed document:
// {"services": [...], "offices": [...]}.
absl::StatusOr<Catalog> ParseCatalog(std::string_view json_text);

}  // namespace stadt::appointments
