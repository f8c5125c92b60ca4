#pragma once

#include "services/audit/domain/audit_repository.h"
#include "services/common/redis/redis_client.h"

namespace stadt::audit {

// The audit chain in Redis. Every key carries the hash tag {audit}: the chain
// is one unit of atomicity (each append compares and sets its head), so it
// lives in one slot, also on Redis Cluster.
//   audit:{audit}:head              hash: sequence, hash of the newest record
//   audit:{audit}:anchor            hash: first_sequence, previous_hash
//   audit:{audit}:records           hash: sequence -> stored record
//   audit:{audit}:by_time           zset: sequence by time (unix microseconds)
//   audit:{audit}:actor:<subject>   zset: the actor's records by time
//   audit:{audit}:object:<id>       zset: the records naming that object id
//   audit:{audit}:event:<event id>  the sequence an event got (a day, for retries)
class RedisAuditRepository final : public AuditRepository {
 public:
  explicit RedisAuditRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<ChainHead> Head() override;
  absl::StatusOr<ChainAnchor> Anchor() override;
  absl::StatusOr<AppendOutcome> Append(const Record& record, uint64_t expected_head) override;
  absl::StatusOr<std::vector<std::optional<std::string>>> Load(
      const std::vector<uint64_t>& sequences) override;
  absl::StatusOr<std::vector<uint64_t>> Find(const RecordFilter& filter) override;
  absl::Status Trim(const std::vector<Record>& records, const ChainAnchor& expected,
                    const ChainAnchor& next) override;

  // The key of the stored records (tests alter them there).
  static std::string RecordsKey();

 private:
  redis::Client& redis_;
};

}  // namespace stadt::audit
