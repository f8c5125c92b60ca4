#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/audit/domain/audit_record.h"

namespace stadt::audit {

// Why a chain does not hold, at the first record that breaks it.
enum class ChainProblem {
  kNone,
  kMissing,           // no record where the chain needs one (deleted)
  kUnreadable,        // the stored bytes are not a record (altered)
  kSequenceMismatch,  // the record claims another position (moved, reordered)
  kHashMismatch,      // the content does not hash to the stored hash (altered)
  kLinkMismatch,      // it does not point to the hash of the record before it
  kHeadMismatch,      // the last record is not the one the chain head names
};
std::string_view ChainProblemName(ChainProblem problem);

struct ChainVerdict {
  uint64_t checked = 0;
  uint64_t broken_sequence = 0;  // when problem != kNone
  ChainProblem problem = ChainProblem::kNone;
  bool intact() const { return problem == ChainProblem::kNone; }
};

// Checks a chain link by link, oldest first, from its anchor: the position of
// the first kept record and the hash it must point to. Stops at the first
// record that breaks the chain.
class ChainVerifier {
 public:
  ChainVerifier(uint64_t first_sequence, std::string anchor_hash)
      : next_sequence_(first_sequence), previous_hash_(std::move(anchor_hash)) {}

  // The stored form of the record at next_sequence() (nullopt: none stored).
  // Returns the decoded record while the chain holds.
  std::optional<Record> Next(const std::optional<std::string>& stored);
  // After the last record: the chain head must name it.
  void Finish(uint64_t head_sequence, std::string_view head_hash);

  uint64_t next_sequence() const { return next_sequence_; }
  const std::string& previous_hash() const { return previous_hash_; }
  const ChainVerdict& verdict() const { return verdict_; }

 private:
  void Break(ChainProblem problem) {
    verdict_.problem = problem;
    verdict_.broken_sequence = next_sequence_;
  }

  uint64_t next_sequence_;
  std::string previous_hash_;
  ChainVerdict verdict_;
};

}  // namespace stadt::audit
