#include "services/audit/domain/chain_verifier.h"

namespace stadt::audit {

std::string_view ChainProblemName(ChainProblem problem) {
  switch (problem) {
    case ChainProblem::kNone:
      return "";
    case ChainProblem::kMissing:
      return "missing";
    case ChainProblem::kUnreadable:
      return "unreadable";
    case ChainProblem::kSequenceMismatch:
      return "sequence_mismatch";
    case ChainProblem::kHashMismatch:
      return "hash_mismatch";
    case ChainProblem::kLinkMismatch:
      return "link_mismatch";
    case ChainProblem::kHeadMismatch:
      return "head_mismatch";
  }
  return "unknown";
}

std::optional<Record> ChainVerifier::Next(const std::optional<std::string>& stored) {
  if (!verdict_.intact()) return std::nullopt;
  if (!stored.has_value()) {
    Break(ChainProblem::kMissing);
    return std::nullopt;
  }
  absl::StatusOr<Record> record = Decode(*stored);
  if (!record.ok()) {
    Break(ChainProblem::kUnreadable);
    return std::nullopt;
  }
  // The hash first: an altered field shows as altered, whatever else it broke.
  if (HashOf(*record) != record->hash) {
    Break(ChainProblem::kHashMismatch);
    return std::nullopt;
  }
  if (record->sequence != next_sequence_) {
    Break(ChainProblem::kSequenceMismatch);
    return std::nullopt;
  }
  if (record->previous_hash != previous_hash_) {
    Break(ChainProblem::kLinkMismatch);
    return std::nullopt;
  }
  ++verdict_.checked;
  ++next_sequence_;
  previous_hash_ = record->hash;
  return *std::move(record);
}

void ChainVerifier::Finish(uint64_t head_sequence, std::string_view head_hash) {
  if (!verdict_.intact()) return;
  // An empty chain (everything trimmed) ends where its anchor is.
  if (next_sequence_ != head_sequence + 1 || previous_hash_ != head_hash) {
    verdict_.problem = ChainProblem::kHeadMismatch;
    verdict_.broken_sequence = head_sequence;
  }
}

}  // namespace stadt::audit
