#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/appointments/domain/catalog_repository.h"
#include "services/common/clock.h"

namespace stadt::appointments {

// Read-through cache for the search path: office lists and service records
// change a few times a year, but a rush reads them thousands of times a
// second. Entries live `ttl`, so a change made through any replica is seen
// everywhere within that time. Single offices are cached only for showing
// them (ShowOffice, the public office read); what holds and bookings check
// (GetOffice) and all writes go straight to the repository.
class CachedCatalogRepository final : public CatalogRepository {
 public:
  CachedCatalogRepository(CatalogRepository& inner, const Clock& clock, absl::Duration ttl)
      : inner_(inner), clock_(clock), ttl_(ttl) {}

  absl::StatusOr<std::vector<Office>> ListOffices(const std::string& district,
                                                  const std::string& after_id, int limit) override;
  absl::StatusOr<Office> GetOffice(const std::string& office_id) override {
    return inner_.GetOffice(office_id);
  }
  absl::StatusOr<Office> ShowOffice(const std::string& office_id) override;
  std::optional<Office> ShowOfficeWithoutIo(const std::string& office_id) override;
  absl::StatusOr<std::vector<ServiceType>> GetServices(
      const std::vector<std::string>& service_ids) override;
  absl::Status PutOffice(const Office& office) override;
  absl::StatusOr<bool> ApplySeed(const Catalog& catalog, const std::string& version) override;

 private:
  template <typename Value>
  struct Entry {
    Value value;
    absl::Time expires;
  };
  void Invalidate();

  CatalogRepository& inner_;
  const Clock& clock_;
  const absl::Duration ttl_;
  absl::Mutex mutex_;
  // Shared so that a hit copies the list outside the lock (every search reads one).
  std::map<std::tuple<std::string, std::string, int>,
           Entry<std::shared_ptr<const std::vector<Office>>>>
      office_lists_ ABSL_GUARDED_BY(mutex_);
  std::map<std::vector<std::string>, Entry<std::vector<ServiceType>>> services_
      ABSL_GUARDED_BY(mutex_);
  std::map<std::string, Entry<Office>, std::less<>> offices_ ABSL_GUARDED_BY(mutex_);
  // Counts invalidations: a read that began before one does not store what it
  // read (it may be the value the write just replaced).
  uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace stadt::appointments
