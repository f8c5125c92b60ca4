#include "services/notifications/domain/dead_letters.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/reason.h"

namespace stadt::notifications {
namespace {

absl::Status NoSuchDeadLetter() {
  return WithReason(absl::NotFoundError("no such dead letter"), "dead_letter_not_found");
}

}  // namespace

bool IsStreamId(const std::string& id) {
  const size_t dash = id.find('-');
  if (dash == std::string::npos || dash == 0 || dash > 20 || dash + 1 == id.size() ||
      id.size() - dash - 1 > 20) {
    return false;
  }
  return std::all_of(id.begin(), id.begin() + static_cast<std::ptrdiff_t>(dash),
                     absl::ascii_isdigit) &&
         std::all_of(id.begin() + static_cast<std::ptrdiff_t>(dash) + 1, id.end(),
                     absl::ascii_isdigit);
}

bool StreamIdBefore(const std::string& a, const std::string& b) {
  // Both come from IsStreamId-checked cursors or from Redis: "<ms>-<seq>".
  const auto parts = [](const std::string& id) {
    const size_t dash = id.find('-');
    return std::pair{std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1))};
  };
  return parts(a) < parts(b);
}

DeadLetters::DeadLetters(NotificationStore& store, const Clock& clock,
                         std::map<std::string, std::vector<std::string>> streams)
    : store_(store), clock_(clock), streams_(std::move(streams)) {}

absl::StatusOr<const std::vector<std::string>*> DeadLetters::StreamsOf(
    const std::string& source) const {
  auto it = streams_.find(source);
  if (it != streams_.end()) return &it->second;
  std::vector<std::string> names;
  names.reserve(streams_.size());
  for (const auto& [name, stream] : streams_) names.push_back(name);
  return WithReason(
      absl::InvalidArgumentError(absl::StrCat("source: one of ", absl::StrJoin(names, ", "))),
      "dead_letter_source_unknown");
}

absl::StatusOr<DeadLetterPage> DeadLetters::List(const std::string& source, int limit,
                                                 const std::string& after) const {
  absl::StatusOr<const std::vector<std::string>*> streams = StreamsOf(source);
  if (!streams.ok()) return streams.status();
  if (limit < 0 || limit > kMaxLimit) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat("limit: 1 to ", kMaxLimit)),
                      "invalid_page_size");
  }
  if (limit == 0) limit = kDefaultLimit;
  if (!after.empty() && !IsStreamId(after)) {
    return WithReason(absl::InvalidArgumentError("after: the next_after of a previous page"),
                      "page_cursor_invalid");
  }
  // Each outbox's first `limit` after the cursor; together, in id order, the
  // first `limit` of them are the page (ids are times, so "after" means the
  // same in every outbox).
  DeadLetterPage page;
  for (const std::string& stream : **streams) {
    absl::StatusOr<std::vector<DeadLetterEntry>> entries =
        store_.ListDeadLetters(stream, after, limit);
    if (!entries.ok()) return entries.status();
    for (DeadLetterEntry& entry : *entries) page.entries.push_back(std::move(entry));
  }
  std::stable_sort(page.entries.begin(), page.entries.end(),
                   [](const DeadLetterEntry& a, const DeadLetterEntry& b) {
                     return StreamIdBefore(a.id, b.id);
                   });
  if (static_cast<int>(page.entries.size()) >= limit) {
    // Two outboxes can hold the same id: never cut between them, or the next
    // page (after that id) would skip the second.
    size_t keep = static_cast<size_t>(limit);
    while (keep > 1 && keep < page.entries.size() &&
           page.entries[keep].id == page.entries[keep - 1].id) {
      --keep;
    }
    page.entries.resize(keep);
    page.next_after = page.entries.back().id;
  }
  return page;
}

absl::StatusOr<DeadLetterEntry> DeadLetters::Replay(const std::string& source,
                                                    const std::string& id) {
  absl::StatusOr<const std::vector<std::string>*> streams = StreamsOf(source);
  if (!streams.ok()) return streams.status();
  if (!IsStreamId(id)) return NoSuchDeadLetter();
  // The id names no outbox: the first of the source's outboxes that holds it.
  for (const std::string& stream : **streams) {
    absl::StatusOr<DeadLetterEntry> replayed = store_.ReplayDeadLetter(stream, id, clock_.Now());
    if (replayed.ok() || !absl::IsNotFound(replayed.status())) return replayed;
  }
  return NoSuchDeadLetter();
}

absl::StatusOr<privacy::Erasure> DeadLetters::ErasePersonalData(
    const std::vector<std::string>& references) {
  if (references.size() > kMaxReferences) {
    return absl::InvalidArgumentError("too many references");
  }
  std::vector<std::string> named;
  for (const std::string& reference : references) {
    if (!reference.empty()) named.push_back(reference);
  }
  absl::StatusOr<int> erased = store_.EraseMentioning(named);
  if (!erased.ok()) return erased.status();
  privacy::Erasure erasure;
  erasure.erased = *erased;
  return erasure;
}

}  // namespace stadt::notifications
