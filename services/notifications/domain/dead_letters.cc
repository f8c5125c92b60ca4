#include "services/notifications/domain/dead_letters.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace stadt::notifications {

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

DeadLetters::DeadLetters(NotificationStore& store, const Clock& clock,
                         std::map<std::string, std::string> streams)
    : store_(store), clock_(clock), streams_(std::move(streams)) {}

absl::StatusOr<std::string> DeadLetters::StreamOf(const std::string& source) const {
  auto it = streams_.find(source);
  if (it != streams_.end()) return it->second;
  std::vector<std::string> names;
  names.reserve(streams_.size());
  for (const auto& [name, stream] : streams_) names.push_back(name);
  return absl::InvalidArgumentError(absl::StrCat("source: one of ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<DeadLetterPage> DeadLetters::List(const std::string& source, int limit,
                                                 const std::string& after) const {
  absl::StatusOr<std::string> stream = StreamOf(source);
  if (!stream.ok()) return stream.status();
  if (limit < 0 || limit > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: 1 to ", kMaxLimit));
  }
  if (limit == 0) limit = kDefaultLimit;
  if (!after.empty() && !IsStreamId(after)) {
    return absl::InvalidArgumentError("after: the next_after of a previous page");
  }
  absl::StatusOr<std::vector<DeadLetterEntry>> entries =
      store_.ListDeadLetters(*stream, after, limit);
  if (!entries.ok()) return entries.status();
  DeadLetterPage page;
  page.entries = *std::move(entries);
  if (static_cast<int>(page.entries.size()) == limit) page.next_after = page.entries.back().id;
  return page;
}

absl::StatusOr<DeadLetterEntry> DeadLetters::Replay(const std::string& source,
                                                    const std::string& id) {
  absl::StatusOr<std::string> stream = StreamOf(source);
  if (!stream.ok()) return stream.status();
  if (!IsStreamId(id)) return absl::NotFoundError("no such dead letter");
  return store_.ReplayDeadLetter(*stream, id, clock_.Now());
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
