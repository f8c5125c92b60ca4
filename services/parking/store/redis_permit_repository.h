#pragma once

#include "absl/time/time.h"
#include "services/common/redis/redis_client.h"
#include "services/parking/domain/permit_repository.h"

namespace stadt::parking {

struct RedisPermitOptions {
  // How long a decided application is kept: after its permit's last day (or
  // the rejection) the citizen may still look it up, nothing needs it longer.
  absl::Duration retention = absl::Hours(24 * 100);
};

// Permit applications in Redis (layout: services/parking/README.md). An
// application lives under its plate's hash tag {p<bucket>}, like the plate's
// permits, and its id starts with that bucket: approving, rejecting and
// revoking each touch one hash slot in one script. The applicant's index
// lives under {u:<subject>}.
class RedisPermitRepository final : public PermitRepository {
 public:
  explicit RedisPermitRepository(redis::Client& redis, RedisPermitOptions options = {})
      : redis_(redis), options_(options) {}

  absl::StatusOr<Created> CreateApplication(const PermitApplication& application) override;
  absl::StatusOr<PermitApplication> GetApplication(std::string_view id) override;
  absl::StatusOr<std::vector<PermitApplication>> ListApplications(std::string_view applicant,
                                                                  int limit) override;
  absl::StatusOr<std::vector<PermitApplication>> ListPendingApplications(int limit) override;
  absl::StatusOr<PermitApplication> Approve(const PermitApplication& application,
                                            const Permit& permit, std::string_view caseworker,
                                            absl::Time now) override;
  absl::StatusOr<PermitApplication> Reject(const PermitApplication& application,
                                           std::string_view reason, std::string_view caseworker,
                                           absl::Time now) override;
  absl::StatusOr<int> EraseApplicant(std::string_view applicant) override;
  absl::StatusOr<Permit> Revoke(std::string_view plate, std::string_view permit_id,
                                std::string_view reason, absl::Time now) override;

 private:
  redis::Client& redis_;
  const RedisPermitOptions options_;
};

}  // namespace stadt::parking
