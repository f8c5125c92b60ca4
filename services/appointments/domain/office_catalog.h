#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/appointments/domain/catalog.h"
#include "services/appointments/domain/catalog_repository.h"

namespace stadt::appointments {

struct OfficePage {
  std::vector<Office> offices;
  std::string next_page_token;  // empty on the last page
};

struct ListOfficesQuery {
  std::string district = {};
  int page_size = 0;  // 0: default
  std::string page_token = {};
  // Only offices speaking it: ISO 639-1, any case; empty: all.
  std::string language = {};
};

struct DistrictEntry {
  std::string name;  // as the first office (by id) writes it
  int office_count = 0;
  bool operator==(const DistrictEntry&) const = default;
};

// Use cases of the office catalog: input checks, paging and the rules that
// tie offices to services. Free of gRPC and Redis.
class OfficeCatalog {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 200;

  explicit OfficeCatalog(CatalogRepository& repository) : repository_(repository) {}

  absl::StatusOr<OfficePage> ListOffices(const ListOfficesQuery& query);
  // For showing the office: may be a cache's TTL old (CatalogRepository::ShowOffice).
  absl::StatusOr<Office> GetOffice(const std::string& office_id);
  // GetOffice's answer when it needs no storage I/O (a bad id, a fresh cache
  // entry), else nullopt.
  std::optional<absl::StatusOr<Office>> GetOfficeWithoutIo(const std::string& office_id);
  absl::StatusOr<std::vector<ServiceType>> ListOfficeServices(const std::string& office_id);
  // Every district with offices, ordered by folded name; spellings that fold
  // alike ("Sued", "Süd") are one district.
  absl::StatusOr<std::vector<DistrictEntry>> ListDistricts();
  // Rejects offices offering services the catalog does not define.
  absl::StatusOr<Office> PutOffice(const Office& office);

 private:
  absl::StatusOr<std::vector<Office>> OfficesSpeaking(const std::string& district,
                                                      const std::string& language,
                                                      std::string after_id, int wanted);
  CatalogRepository& repository_;
};

// Page tokens are opaque to clients: base64url of the last id returned.
std::string EncodePageToken(const std::string& last_id);
absl::StatusOr<std::string> DecodePageToken(const std::string& token);

}  // namespace stadt::appointments
