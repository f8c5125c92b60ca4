#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/common/privacy/personal_data.h"
#include "services/notifications/domain/notification_store.h"

namespace stadt::notifications {

struct DeadLetterPage {
  std::vector<DeadLetterEntry> entries;
  std::string next_after;  // empty on the last page
};

// The operators' view of the dead letters: list them per source service and
// send one again. A source may have several outboxes (parking keeps one per
// bucket, each with its own dead letters): its list merges theirs in id order.
class DeadLetters {
 public:
  static constexpr int kDefaultLimit = 100;
  static constexpr int kMaxLimit = 500;

  // `streams`: source name ("appointments") -> its outbox keys. Borrowed
  // store and clock outlive this.
  DeadLetters(NotificationStore& store, const Clock& clock,
              std::map<std::string, std::vector<std::string>> streams);

  // INVALID_ARGUMENT for an unknown source, a limit outside 0-500 (0: 100)
  // or a malformed `after`.
  absl::StatusOr<DeadLetterPage> List(const std::string& source, int limit,
                                      const std::string& after) const;
  // NOT_FOUND for an id that is not in the list (or malformed).
  absl::StatusOr<DeadLetterEntry> Replay(const std::string& source, const std::string& id);
  // A citizen's erasure (GDPR Art. 17): the queued retries, dead letters and
  // outbox entries that name one of `references` (ids the services reported
  // for the citizen, and the subject) go; at most kMaxReferences.
  static constexpr size_t kMaxReferences = 10'000;
  absl::StatusOr<privacy::Erasure> ErasePersonalData(const std::vector<std::string>& references);

 private:
  absl::StatusOr<const std::vector<std::string>*> StreamsOf(const std::string& source) const;

  NotificationStore& store_;
  const Clock& clock_;
  std::map<std::string, std::vector<std::string>> streams_;
};

// "<ms>-<seq>", both decimal: the shape of a Redis stream id.
bool IsStreamId(const std::string& id);
// Whether stream id `a` comes before `b` (numerically, as Redis orders them).
bool StreamIdBefore(const std::string& a, const std::string& b);

}  // namespace stadt::notifications
