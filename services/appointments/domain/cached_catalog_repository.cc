#include "services/appointments/domain/cached_catalog_repository.h"

namespace stadt::appointments {
namespace {

// Bounds memory when clients vary their queries (districts, service sets).
constexpr size_t kMaxEntries = 1024;

}  // namespace

absl::StatusOr<std::vector<Office>> CachedCatalogRepository::ListOffices(
    const std::string& district, const std::string& after_id, int limit) {
  const auto key = std::make_tuple(district, after_id, limit);
  const absl::Time now = clock_.Now();
  std::shared_ptr<const std::vector<Office>> cached;
  {
    absl::MutexLock lock(&mutex_);
    auto it = office_lists_.find(key);
    if (it != office_lists_.end() && it->second.expires > now) cached = it->second.value;
  }
  if (cached != nullptr) return *cached;
  absl::StatusOr<std::vector<Office>> offices = inner_.ListOffices(district, after_id, limit);
  if (!offices.ok()) return offices;
  auto stored = std::make_shared<const std::vector<Office>>(*offices);
  absl::MutexLock lock(&mutex_);
  if (office_lists_.size() >= kMaxEntries) office_lists_.clear();
  office_lists_[key] = {std::move(stored), now + ttl_};
  return offices;
}

absl::StatusOr<std::vector<ServiceType>> CachedCatalogRepository::GetServices(
    const std::vector<std::string>& service_ids) {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mutex_);
    auto it = services_.find(service_ids);
    if (it != services_.end() && it->second.expires > now) return it->second.value;
  }
  absl::StatusOr<std::vector<ServiceType>> services = inner_.GetServices(service_ids);
  if (!services.ok()) return services;
  absl::MutexLock lock(&mutex_);
  if (services_.size() >= kMaxEntries) services_.clear();
  services_[service_ids] = {*services, now + ttl_};
  return services;
}

std::optional<Office> CachedCatalogRepository::ShowOfficeWithoutIo(const std::string& office_id) {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mutex_);
  auto it = offices_.find(office_id);
  if (it == offices_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.value;
}

absl::StatusOr<Office> CachedCatalogRepository::ShowOffice(const std::string& office_id) {
  if (std::optional<Office> cached = ShowOfficeWithoutIo(office_id)) return *std::move(cached);
  uint64_t generation;
  {
    absl::MutexLock lock(&mutex_);
    generation = generation_;
  }
  const absl::Time now = clock_.Now();
  absl::StatusOr<Office> office = inner_.GetOffice(office_id);
  if (!office.ok()) return office;
  absl::MutexLock lock(&mutex_);
  if (generation != generation_) return office;
  if (offices_.size() >= kMaxEntries) offices_.clear();
  offices_[office_id] = {*office, now + ttl_};
  return office;
}

void CachedCatalogRepository::Invalidate() {
  absl::MutexLock lock(&mutex_);
  office_lists_.clear();
  services_.clear();
  offices_.clear();
  ++generation_;
}

absl::Status CachedCatalogRepository::PutOffice(const Office& office) {
  absl::Status status = inner_.PutOffice(office);
  Invalidate();  // This replica sees its own change at once.
  return status;
}

absl::StatusOr<bool> CachedCatalogRepository::ApplySeed(const Catalog& catalog,
                                                        const std::string& version) {
  absl::StatusOr<bool> seeded = inner_.ApplySeed(catalog, version);
  Invalidate();
  return seeded;
}

}  // namespace stadt::appointments
