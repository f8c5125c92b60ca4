#pragma once

#include "absl/time/time.h"
#include "services/common/redis/redis_client.h"
#include "services/monitoring/domain/monitoring_repository.h"

namespace stadt::monitoring {

struct RedisMonitoringOptions {
  // How long an event id is remembered after the end of its event's hour: at
  // least as long as an event is accepted (its maximum age), so that no
  // retry can ever count twice.
  absl::Duration dedup_ttl = absl::Hours(49);
  // Distinct values kept per KPI and dimension key. Beyond this, events still
  // count in the total but not per value: a misbehaving reporter cannot blow
  // up memory or the Prometheus output.
  int max_dimension_values = 200;
  // How long periods are kept, counted from their start.
  absl::Duration hour_retention = absl::Hours(24 * 93);
  absl::Duration day_retention = absl::Hours(24 * 1100);
  absl::Duration month_retention = absl::Hours(24 * 3700);
};

// KPI aggregates in Redis. Key layout: every key of a KPI under the hash tag
// {kpi:<kpi>}, so that a KPI's part of a batch is one script on one slot and
// the KPIs spread over a Redis Cluster (docs/redis-cluster.md):
//   mon:{kpi:<kpi>}:ev:<hour start>        hash of the KPI's event ids seen
//                                          with an event time in that hour
//   mon:{kpi:<kpi>}:p:<h|d|m|a>:<start>    hash of one period (a: all time):
//       n, s, h<bucket> for the total; n|<key>=<value>, s|..., h<b>|... per
//       dimension value
//   mon:{kpi:<kpi>}:dv:<key>               set of the dimension values seen
class RedisMonitoringRepository final : public MonitoringRepository {
 public:
  RedisMonitoringRepository(redis::Client& redis, RedisMonitoringOptions options = {})
      : redis_(redis), options_(options) {}

  absl::StatusOr<IngestCounts> Ingest(const std::vector<IngestEvent>& events) override;
  absl::StatusOr<std::vector<PeriodData>> Read(const std::vector<PeriodKey>& keys) override;

 private:
  absl::Time ExpireAt(const PeriodRef& period) const;
  // The events of one KPI, in one script.
  absl::StatusOr<IngestCounts> IngestOneKpi(const std::vector<IngestEvent>& events);

  redis::Client& redis_;
  const RedisMonitoringOptions options_;
};

// Parses the fields of a period hash (exposed for tests).
PeriodData ParsePeriodHash(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace stadt::monitoring
