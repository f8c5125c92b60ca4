#pragma once

#include "absl/time/time.h"
#include "services/common/redis/redis_client.h"
#include "services/parking/domain/parking_repository.h"

namespace stadt::parking {

struct RedisParkingOptions {
  // How long an idempotency key is remembered.
  absl::Duration idempotency_ttl = absl::Hours(24);
  // How long a session (with its plate) is kept after it ended: receipts and
  // the monthly statement need it, nothing needs it longer.
  absl::Duration retention = absl::Hours(24 * 100);
  // When before a session's end the reminder is due (outbox field
  // remind_at_ms; sent for sessions started with a notification contact).
  absl::Duration reminder_lead = absl::Minutes(10);
  // How long the plate's sessions hash (what the officer's check reads) keeps
  // a session after its end: longer than any grace period.
  absl::Duration plate_memory = absl::Hours(24);
};

// Sessions and permits in Redis. Key layout (see services/parking/README.md):
// everything about one plate lives under the hash tag {p<bucket>}, where the
// bucket is derived from the plate's key (Plate::key) and is also the first two
// characters of every session id, so each script touches one hash slot.
// Per-subject records (idempotency claims, history) live under {u:<subject>}.
class RedisParkingRepository final : public ParkingRepository {
 public:
  // An erasure SCANs for the owner's idempotency records (they are keyed by
  // the client's key, so no index names them): rare, and it only reads names.
  RedisParkingRepository(redis::Client& redis, RedisParkingOptions options = {})
      : redis_(redis), options_(options) {}

  absl::StatusOr<std::optional<Session>> BeginWrite(const WriteKey& key) override;
  absl::Status AbandonWrite(const WriteKey& key) override;
  absl::Status FinishWrite(const WriteKey& key, const Session& answer) override;
  absl::StatusOr<Session> InsertSession(const Session& session, absl::Time now,
                                        const WriteKey& key) override;
  absl::StatusOr<Session> UpdateSession(const Session& planned, SessionChange change,
                                        absl::Time now, const WriteKey& key) override;
  absl::StatusOr<Session> GetSession(std::string_view session_id) override;
  absl::StatusOr<int> SendDueReminders(absl::Time now, int limit) override;
  absl::StatusOr<std::vector<Session>> ListSessions(std::string_view owner, int limit) override;
  absl::StatusOr<std::vector<Session>> ListUnsettledEndedSessions(absl::Time now,
                                                                  int limit) override;
  absl::Status MarkSettled(const std::vector<std::string>& session_ids) override;
  absl::StatusOr<PlateRecord> ReadPlate(std::string_view plate_key) override;
  absl::StatusOr<Permit> AddPermit(const Permit& permit) override;
  absl::StatusOr<std::vector<Permit>> ListPermits(std::string_view plate_key) override;
  absl::StatusOr<int> EraseOwner(std::string_view owner, absl::Time now) override;

 private:
  // One pass over the buckets: appends the sessions closed for settlement
  // and returns how many entries it dropped (strays, unreadable records).
  absl::StatusOr<int> ScanEnded(absl::Time now, int limit, std::vector<Session>& sessions);
  // Closes the listed sessions of `bucket` that ended by `cutoff` and appends
  // them to `closed`; unreadable records are dropped from the ends set and
  // counted in the result.
  absl::StatusOr<int> CloseEnded(const std::string& bucket, const std::vector<std::string>& ids,
                                 absl::Time cutoff, std::vector<Session>& closed);

  redis::Client& redis_;
  const RedisParkingOptions options_;
};

// Two lower-case hex digits naming the plate's bucket (exposed for tests and
// RedisPermitRepository).
std::string PlateBucket(std::string_view plate_key);

// Key prefixes: "park:{p<bucket>}:" for everything of the plates of one
// bucket, "park:{u:<subject>}:" for everything of one token subject.
std::string PlateTag(std::string_view bucket);
std::string SubjectTag(std::string_view subject);
// Shared with RedisPermitRepository: the hash of a plate's permits (permit id
// -> PermitJson), which the officer's check reads, and its record format.
std::string PermitsKey(std::string_view plate_key);
std::string PermitJson(const Permit& permit);
// Ids of sessions, permits and applications: `digits` random lower-case hex
// digits, and whether `id` is `length` of them.
std::string RandomHex(int digits);
bool IsHexId(std::string_view id, size_t length);
absl::StatusOr<Permit> PermitFromJson(std::string_view text);

}  // namespace stadt::parking
