#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/parking/domain/sessions.h"

namespace stadt::parking {

// Identifies one client write for idempotency: the same subject, operation
// and key with the same fingerprint (a canonical form of the request) is the
// same write; with another fingerprint it is refused.
struct WriteKey {
  std::string subject;
  std::string operation;  // "start", "extend", "stop"
  std::string key;        // empty: the request carries no idempotency key
  std::string fingerprint;
};

enum class SessionChange { kExtend, kStop };

// What the officer's check needs about one plate, read in one go.
struct PlateRecord {
  // The latest session of every owner who parked the plate lately (a shared
  // car has several), in no particular order.
  std::vector<Session> sessions;
  std::vector<Permit> permits;
};

// Storage of sessions and permits. Every method that changes state does so
// atomically and re-checks the rule it depends on against what is stored.
class ParkingRepository {
 public:
  virtual ~ParkingRepository() = default;

  // Before the write: the stored answer when this write already happened,
  // nullopt when it is to be done; INVALID_ARGUMENT when the key was used for
  // a different request.
  virtual absl::StatusOr<std::optional<Session>> BeginWrite(const WriteKey& key) = 0;
  // After a write that definitely failed (a refused request, not an outage):
  // releases the claim, so that the key may be used for a corrected request.
  virtual absl::Status AbandonWrite(const WriteKey& key) = 0;
  // After the write: records its answer for retries (and the owner's history).
  virtual absl::Status FinishWrite(const WriteKey& key, const Session& answer) = 0;

  // Stores a new session under a fresh id. ALREADY_EXISTS if the same owner
  // has a session of the plate active at `now` (another owner's session of
  // the plate is no reason to refuse, and a refusal must not reveal it).
  // With a key, a repeated call returns the first answer instead of writing
  // again.
  virtual absl::StatusOr<Session> InsertSession(const Session& session, absl::Time now,
                                                const WriteKey& key) = 0;
  // Applies an extension or a stop planned from `planned` (its end, price and
  // stopped flag). NOT_FOUND unless the stored session belongs to
  // planned.owner; FAILED_PRECONDITION if it has ended by `now`;
  // INVALID_ARGUMENT if an extension does not move the end later.
  virtual absl::StatusOr<Session> UpdateSession(const Session& planned, SessionChange change,
                                                absl::Time now, const WriteKey& key) = 0;
  // NOT_FOUND for an unknown (or malformed) id.
  virtual absl::StatusOr<Session> GetSession(std::string_view session_id) = 0;
  // Writes one `session.ending_soon` outbox event for each session with a
  // notification contact whose reminder (its end less the reminder lead, as
  // of its last start or extension) is due by `now`, and which still runs;
  // a stopped session's reminder is gone. Each reminder is taken and written
  // in one atomic step, so it is sent once even when replicas race. At most
  // `limit` per bucket; returns how many events were written.
  virtual absl::StatusOr<int> SendDueReminders(absl::Time now, int limit) = 0;
  // The owner's sessions, newest first.
  virtual absl::StatusOr<std::vector<Session>> ListSessions(std::string_view owner, int limit) = 0;

  // Sessions that ran out by themselves (reached their planned or maximum end
  // without a stop) by `now` and are not yet settled, at most `limit`.
  // Listing closes each one atomically: from then on UpdateSession refuses
  // it (FAILED_PRECONDITION), so what is listed is final even when a request
  // whose clock read a moment before the end arrives after the listing.
  // Listed again until marked settled. Records that cannot be read are left
  // out and dropped (and logged by id), so they cannot block the rest.
  virtual absl::StatusOr<std::vector<Session>> ListUnsettledEndedSessions(absl::Time now,
                                                                          int limit) = 0;
  // Marks listed sessions as settled: they are not listed again.
  virtual absl::Status MarkSettled(const std::vector<std::string>& session_ids) = 0;

  // `plate_key` is Plate::key.
  virtual absl::StatusOr<PlateRecord> ReadPlate(std::string_view plate_key) = 0;
  // Stores a permit under a fresh id and returns it.
  virtual absl::StatusOr<Permit> AddPermit(const Permit& permit) = 0;
  virtual absl::StatusOr<std::vector<Permit>> ListPermits(std::string_view plate_key) = 0;

  // Erases the owner's data (GDPR Art. 17): each ended session keeps only its
  // receipt (plate and owner removed); history, idempotency records and
  // outbox events naming the owner's sessions go. FAILED_PRECONDITION
  // [session_running] while one runs. Returns how many records were erased
  // (0 on a retry). A store without the owner's index erases nothing.
  virtual absl::StatusOr<int> EraseOwner(std::string_view owner, absl::Time now) {
    (void)owner;
    (void)now;
    return 0;
  }
};

}  // namespace stadt::parking
