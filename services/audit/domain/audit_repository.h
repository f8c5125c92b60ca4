#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/audit/domain/audit_record.h"

namespace stadt::audit {

// The newest record: its position (0 for an empty chain) and hash.
struct ChainHead {
  uint64_t sequence = 0;
  std::string hash = std::string(kGenesisHash);
};

// Where the kept part of the chain starts: the first kept position and the
// hash that record points to. Trimming old records moves it forward, so the
// rest stays verifiable.
struct ChainAnchor {
  uint64_t first_sequence = 1;
  std::string previous_hash = std::string(kGenesisHash);
  friend bool operator==(const ChainAnchor&, const ChainAnchor&) = default;
};

struct AppendOutcome {
  enum class Kind {
    kAppended,   // `sequence` is the new record's
    kDuplicate,  // the event was appended before, as `sequence`
    kConflict,   // the head moved: `head` is the current one
  };
  Kind kind = Kind::kAppended;
  uint64_t sequence = 0;
  ChainHead head{};
};

// Which records, by time (from inclusive, until exclusive): by actor if set,
// else by object id if set, else all.
struct RecordFilter {
  std::string actor{};
  std::string object_id{};
  absl::Time from = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
  size_t offset = 0;
  size_t limit = 100;
};

// The trail's storage. Every state change is atomic; nothing else writes it.
class AuditRepository {
 public:
  virtual ~AuditRepository() = default;

  virtual absl::StatusOr<ChainHead> Head() = 0;
  virtual absl::StatusOr<ChainAnchor> Anchor() = 0;
  // Stores sealed `record` as the new head if the head is still at
  // `expected_head` (compare-and-set, so concurrent writers never fork the
  // chain), indexed by time, actor and every object id.
  virtual absl::StatusOr<AppendOutcome> Append(const Record& record, uint64_t expected_head) = 0;
  // The stored forms at `sequences` (nullopt where there is none).
  virtual absl::StatusOr<std::vector<std::optional<std::string>>> Load(
      const std::vector<uint64_t>& sequences) = 0;
  // Sequences of the records `filter` selects, oldest first.
  virtual absl::StatusOr<std::vector<uint64_t>> Find(const RecordFilter& filter) = 0;
  // Removes `records` (the oldest kept ones, in order) with their index
  // entries and moves the anchor from `expected` to `next`. ABORTED if the
  // anchor is no longer `expected` (another sweeper was first).
  virtual absl::Status Trim(const std::vector<Record>& records, const ChainAnchor& expected,
                            const ChainAnchor& next) = 0;
};

}  // namespace stadt::audit
