#pragma once

#include <string>

#include "services/appointments/domain/catalog_repository.h"
#include "services/common/redis/redis_client.h"

namespace stadt::appointments {

// The office catalog in Redis. Every key carries the hash tag {catalog} so that
// the scripts below touch a single hash slot (Redis Cluster ready):
//   appt:{catalog}:office:<id>        JSON of the office
//   appt:{catalog}:service:<id>       JSON of the service
//   appt:{catalog}:offices            sorted set of all office ids (lex order)
//   appt:{catalog}:district:<name>    sorted set of the office ids of a district
//   appt:{catalog}:seeded             version of the seed file applied last
class RedisCatalogRepository final : public CatalogRepository {
 public:
  explicit RedisCatalogRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<std::vector<Office>> ListOffices(const std::string& district,
                                                  const std::string& after_id, int limit) override;
  absl::StatusOr<Office> GetOffice(const std::string& office_id) override;
  absl::StatusOr<std::vector<ServiceType>> GetServices(
      const std::vector<std::string>& service_ids) override;
  absl::Status PutOffice(const Office& office) override;
  absl::StatusOr<bool> ApplySeed(const Catalog& catalog, const std::string& version) override;

 private:
  redis::Client& redis_;
};

}  // namespace stadt::appointments
