#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/appointments/domain/catalog.h"

namespace stadt::appointments {

// Storage port of the office catalog. The Redis adapter implements it in
// store/; unit tests use the in-memory double beside this file.
// Errors: UNAVAILABLE when storage cannot be reached; NOT_FOUND for a missing
// office.
class CatalogRepository {
 public:
  virtual ~CatalogRepository() = default;

  // Offices with id > after_id in id order, at most `limit`; only those of
  // `district` when it is non-empty, compared as FoldForSearch does (case,
  // accents, "ue" for "ü" and hyphens do not matter).
  virtual absl::StatusOr<std::vector<Office>> ListOffices(const std::string& district,
                                                          const std::string& after_id,
                                                          int limit) = 0;
  virtual absl::StatusOr<Office> GetOffice(const std::string& office_id) = 0;
  // The office for showing it (the public office read): a cache may answer it
  // up to its TTL old. What checks a hold or a booking reads GetOffice.
  virtual absl::StatusOr<Office> ShowOffice(const std::string& office_id) {
    return GetOffice(office_id);
  }
  // ShowOffice's answer when it needs no storage I/O (a fresh cache entry),
  // else nullopt: lets the gRPC front answer on its own thread.
  virtual std::optional<Office> ShowOfficeWithoutIo(const std::string& /*office_id*/) {
    return std::nullopt;
  }
  // The services with these ids, in the same order; unknown ids are skipped.
  virtual absl::StatusOr<std::vector<ServiceType>> GetServices(
      const std::vector<std::string>& service_ids) = 0;
  // Creates or replaces an office (atomically, including its indexes).
  virtual absl::Status PutOffice(const Office& office) = 0;
  // Writes the seed catalog (creating or replacing the offices and services it
  // lists) unless this `version` of it was applied before; true if it wrote.
  // Atomic: concurrent replicas starting together apply it once.
  virtual absl::StatusOr<bool> ApplySeed(const Catalog& catalog, const std::string& version) = 0;
};

}  // namespace stadt::appointments
