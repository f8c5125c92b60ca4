#include "services/audit/domain/audit_log.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::audit {
namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 500;

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> sequences;
  for (uint64_t sequence = first; sequence <= last; ++sequence) sequences.push_back(sequence);
  return sequences;
}

}  // namespace

absl::StatusOr<uint64_t> AuditLog::Append(Entry entry) {
  STADT_RETURN_IF_ERROR(ValidateEntry(entry));
  // One spelling per set of roles, so equal calls hash alike.
  std::sort(entry.roles.begin(), entry.roles.end());
  entry.roles.erase(std::unique(entry.roles.begin(), entry.roles.end()), entry.roles.end());
  STADT_ASSIGN_OR_RETURN(ChainHead head, repository_.Head());
  for (int attempt = 0; attempt < options_.max_append_attempts; ++attempt) {
    Record record{.sequence = head.sequence + 1,
                  .time = absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now())),
                  .entry = entry};
    Seal(record, head.hash);
    STADT_ASSIGN_OR_RETURN(AppendOutcome outcome, repository_.Append(record, head.sequence));
    if (outcome.kind != AppendOutcome::Kind::kConflict) return outcome.sequence;
    head = std::move(outcome.head);
  }
  return absl::AbortedError("audit chain too busy; retry");
}

absl::StatusOr<RecordPage> AuditLog::Query(const RecordQuery& query) {
  const int limit = query.limit == 0 ? kDefaultLimit : query.limit;
  if (limit < 1 || limit > kMaxLimit) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat("limit: 1 to ", kMaxLimit)),
                      "invalid_page_size");
  }
  size_t offset = 0;
  if (!query.page_token.empty() && !absl::SimpleAtoi(query.page_token, &offset)) {
    return WithReason(
        absl::InvalidArgumentError("page_token: use next_page_token of the previous answer"),
        "page_cursor_invalid");
  }
  if (query.from >= query.until) {
    return WithReason(absl::InvalidArgumentError("from must be before until"),
                      "time_range_invalid");
  }
  RecordFilter filter{.actor = query.actor,
                      .object_id = query.object_id,
                      .from = query.from,
                      .until = query.until,
                      .offset = offset,
                      .limit = static_cast<size_t>(limit)};
  STADT_ASSIGN_OR_RETURN(std::vector<uint64_t> sequences, repository_.Find(filter));
  STADT_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> stored,
                         repository_.Load(sequences));
  RecordPage page;
  for (size_t i = 0; i < stored.size(); ++i) {
    if (!stored[i].has_value()) continue;  // trimmed since it was found
    absl::StatusOr<Record> record = Decode(*stored[i]);
    if (!record.ok()) {
      // Verify names it; a query still shows everything else.
      log::Warn("audit_record_unreadable", {{"sequence", static_cast<int64_t>(sequences[i])}});
      continue;
    }
    // The actor index chose the records; the object narrows them further.
    if (!query.actor.empty() && !query.object_id.empty() &&
        std::none_of(record->entry.objects.begin(), record->entry.objects.end(),
                     [&](const ObjectRef& object) { return object.id == query.object_id; })) {
      continue;
    }
    page.records.push_back(*std::move(record));
  }
  if (sequences.size() == filter.limit) page.next_page_token = absl::StrCat(offset + filter.limit);
  return page;
}

absl::StatusOr<ChainReport> AuditLog::Verify() {
  ChainReport report;
  STADT_ASSIGN_OR_RETURN(report.anchor, repository_.Anchor());
  STADT_ASSIGN_OR_RETURN(ChainHead head, repository_.Head());
  report.last_sequence = head.sequence;
  ChainVerifier verifier(report.anchor.first_sequence, report.anchor.previous_hash);
  while (verifier.verdict().intact() && verifier.next_sequence() <= head.sequence) {
    const uint64_t first = verifier.next_sequence();
    const uint64_t last = std::min<uint64_t>(head.sequence, first + options_.batch - 1);
    STADT_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> stored,
                           repository_.Load(Range(first, last)));
    for (const std::optional<std::string>& one : stored) {
      if (!verifier.Next(one).has_value()) break;
    }
  }
  verifier.Finish(head.sequence, head.hash);
  report.verdict = verifier.verdict();
  return report;
}

absl::StatusOr<size_t> AuditLog::SweepOnce() {
  const absl::Time cutoff = clock_.Now() - options_.retention;
  STADT_ASSIGN_OR_RETURN(ChainAnchor anchor, repository_.Anchor());
  STADT_ASSIGN_OR_RETURN(ChainHead head, repository_.Head());
  if (anchor.first_sequence > head.sequence) return 0;
  const uint64_t last =
      std::min<uint64_t>(head.sequence, anchor.first_sequence + options_.batch - 1);
  STADT_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> stored,
                         repository_.Load(Range(anchor.first_sequence, last)));
  ChainVerifier verifier(anchor.first_sequence, anchor.previous_hash);
  std::vector<Record> expired;
  for (const std::optional<std::string>& one : stored) {
    std::optional<Record> record = verifier.Next(one);
    if (!record.has_value()) {
      log::Error("audit_chain_broken",
                 {{"sequence", static_cast<int64_t>(verifier.verdict().broken_sequence)},
                  {"problem", std::string(ChainProblemName(verifier.verdict().problem))}});
      break;
    }
    if (record->time >= cutoff) break;
    expired.push_back(*std::move(record));
  }
  if (expired.empty()) return 0;
  const ChainAnchor next{.first_sequence = expired.back().sequence + 1,
                         .previous_hash = expired.back().hash};
  STADT_RETURN_IF_ERROR(repository_.Trim(expired, anchor, next));
  return expired.size();
}

}  // namespace stadt::audit
