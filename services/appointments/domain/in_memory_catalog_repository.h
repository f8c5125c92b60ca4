#pragma once

#include <map>

#include "services/appointments/domain/catalog_repository.h"
#include "services/appointments/domain/search_text.h"

namespace stadt::appointments {

// Test double of the storage port: same contract as the Redis adapter, in memory.
class InMemoryCatalogRepository final : public CatalogRepository {
 public:
  absl::StatusOr<std::vector<Office>> ListOffices(const std::string& district,
                                                  const std::string& after_id, int limit) override {
    if (!available_) return absl::UnavailableError("storage down");
    std::vector<Office> result;
    for (auto it = offices_.upper_bound(after_id);
         it != offices_.end() && static_cast<int>(result.size()) < limit; ++it) {
      if (district.empty() || SameForSearch(it->second.district, district)) {
        result.push_back(it->second);
      }
    }
    return result;
  }
  absl::StatusOr<Office> GetOffice(const std::string& office_id) override {
    if (!available_) return absl::UnavailableError("storage down");
    auto it = offices_.find(office_id);
    if (it == offices_.end()) return OfficeNotFound();
    return it->second;
  }
  absl::StatusOr<std::vector<ServiceType>> GetServices(
      const std::vector<std::string>& service_ids) override {
    if (!available_) return absl::UnavailableError("storage down");
    std::vector<ServiceType> result;
    for (const std::string& id : service_ids) {
      if (auto it = services_.find(id); it != services_.end()) result.push_back(it->second);
    }
    return result;
  }
  absl::Status PutOffice(const Office& office) override {
    if (!available_) return absl::UnavailableError("storage down");
    offices_[office.id] = office;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> ApplySeed(const Catalog& catalog, const std::string& version) override {
    if (!available_) return absl::UnavailableError("storage down");
    if (seeded_ && seed_version_ == version) return false;
    seed_version_ = version;
    for (const ServiceType& service : catalog.services) services_[service.id] = service;
    for (const Office& office : catalog.offices) offices_[office.id] = office;
    seeded_ = true;
    return true;
  }

  void SetAvailable(bool available) { available_ = available; }

 private:
  std::map<std::string, Office> offices_;
  std::map<std::string, ServiceType> services_;
  bool seeded_ = false;
  std::string seed_version_;
  bool available_ = true;
};

}  // namespace stadt::appointments
