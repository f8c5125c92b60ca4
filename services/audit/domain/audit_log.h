#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/audit/domain/audit_record.h"
#include "services/audit/domain/audit_repository.h"
#include "services/audit/domain/chain_verifier.h"
#include "services/common/clock.h"

namespace stadt::audit {

struct AuditLogOptions {
  // Records older than this are trimmed by Sweep.
  absl::Duration retention = absl::Hours(24 * 365);
  // Compare-and-set attempts of one append before it gives up (ABORTED):
  // each lost attempt means another append won, so this bounds contention.
  int max_append_attempts = 64;
  // Records read per Redis round trip when verifying or sweeping.
  size_t batch = 500;
};

struct RecordQuery {
  std::string actor{};
  std::string object_id{};
  absl::Time from = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
  int limit = 0;             // 0: the default (100); at most 500
  std::string page_token{};  // from the previous page
};

struct RecordPage {
  std::vector<Record> records{};
  std::string next_page_token{};  // empty on the last page
};

struct ChainReport {
  ChainVerdict verdict{};
  ChainAnchor anchor{};
  uint64_t last_sequence = 0;
};

// The audit trail: appends records to one hash chain, answers queries,
// verifies the chain and trims it to the retention period.
class AuditLog {
 public:
  AuditLog(AuditRepository& repository, const Clock& clock, AuditLogOptions options)
      : repository_(repository), clock_(clock), options_(options) {}

  // Appends `entry` stamped with the time now; returns its sequence. Appending
  // the same event_id again returns the first record's sequence.
  absl::StatusOr<uint64_t> Append(Entry entry);
  // INVALID_ARGUMENT for a bad limit, page token or time range.
  absl::StatusOr<RecordPage> Query(const RecordQuery& query);
  // Walks the whole kept chain.
  absl::StatusOr<ChainReport> Verify();
  // Trims at most one batch of records older than the retention period;
  // returns how many. Never trims past a record that breaks the chain, so the
  // evidence of tampering stays.
  absl::StatusOr<size_t> SweepOnce();

 private:
  AuditRepository& repository_;
  const Clock& clock_;
  const AuditLogOptions options_;
};

}  // namespace stadt::audit
