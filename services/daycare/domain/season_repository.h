#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/daycare/domain/season_types.h"

namespace stadt::daycare::season {

// A round ready to be written: its immutable document and every application's
// new offer.
struct RoundWrite {
  uint32_t round = 0;                                 // the number it gets: one more than published
  std::string version_seen;                           // Setup::version the round was computed from
  std::string document;                               // JSON, never changed again
  std::vector<std::pair<std::string, Offer>> offers;  // application id -> offer
};

// Storage of the seasons. Every method that changes state does so atomically
// and re-checks, against what is stored, the rule it depends on. `season` is a
// valid season id (the service checks it).
class SeasonRepository {
 public:
  virtual ~SeasonRepository() = default;

  virtual absl::StatusOr<Setup> ReadSetup(std::string_view season) = 0;
  // FAILED_PRECONDITION once a round is published: the setup freezes with it.
  virtual absl::Status PutPrograms(std::string_view season,
                                   const std::vector<Program>& programs) = 0;
  virtual absl::Status PutPolicy(std::string_view season, const Policy& policy) = 0;
  virtual absl::Status SetPeriod(std::string_view season, Period period) = 0;

  // Stores a new application (`is_new`: ALREADY_EXISTS if the id is taken) or
  // replaces application.owner's own (NOT_FOUND for anybody else's), only while
  // the period is open (FAILED_PRECONDITION otherwise).
  virtual absl::Status SaveApplication(std::string_view season, const Application& application,
                                       bool is_new) = 0;
  // nullopt when there is no application with that id.
  virtual absl::StatusOr<std::optional<Application>> GetApplication(std::string_view season,
                                                                    std::string_view id) = 0;
  // The applications of one guardian, ordered by id.
  virtual absl::StatusOr<std::vector<Application>> ListApplicationsOf(std::string_view season,
                                                                      std::string_view owner) = 0;
  // Every application of the season, ordered by id.
  virtual absl::StatusOr<std::vector<Application>> ListApplications(std::string_view season) = 0;

  // The stored offer; a default Offer when the application has none.
  virtual absl::StatusOr<Offer> GetOffer(std::string_view season, std::string_view id) = 0;
  // The same for many applications at once, in the order of `ids`.
  virtual absl::StatusOr<std::vector<Offer>> GetOffers(std::string_view season,
                                                       const std::vector<std::string>& ids) = 0;
  // Answers the open offer of `owner`'s application: NOT_FOUND for another
  // owner, FAILED_PRECONDITION without an open offer or past its deadline at
  // `now`. Answering the same way again returns the same state, no second effect.
  virtual absl::StatusOr<OfferState> AnswerOffer(std::string_view season, std::string_view id,
                                                 std::string_view owner, bool accept,
                                                 absl::Time now) = 0;

  // Withdraws `owner`'s application (NOT_FOUND for anybody else's): it takes
  // no part in later rounds, an open offer or a held place is given up, and
  // the child may be applied for again. Withdrawing again changes nothing.
  virtual absl::Status Withdraw(std::string_view season, std::string_view id,
                                std::string_view owner, absl::Time now) = 0;

  // Caseworkers, before the first round (FAILED_PRECONDITION after it; NOT_FOUND
  // for an unknown application): a verdict on one claimed criterion, and a
  // correction of the application (kept with it; ALREADY_EXISTS when the
  // corrected child is another application's).
  virtual absl::Status SetVerdict(std::string_view season, std::string_view id,
                                  std::string_view criterion, Verdict verdict) = 0;
  virtual absl::Status CorrectApplication(std::string_view season, const Application& application,
                                          const Correction& correction) = 0;

  // Writes the round and its offers together: ALREADY_EXISTS when the round
  // exists, ABORTED when another round or an answer came in since
  // `version_seen` was read.
  virtual absl::Status PublishRound(std::string_view season, const RoundWrite& round) = 0;
  // nullopt when the round does not exist.
  virtual absl::StatusOr<std::optional<std::string>> GetRoundDocument(std::string_view season,
                                                                      uint32_t round) = 0;
  // Writes one `offer.expiring` outbox event for each open offer whose
  // deadline is ahead of `now` by at most `lead`, once per deadline (a moved
  // deadline is reminded again); each in one atomic step. Returns how many.
  virtual absl::StatusOr<int> RemindExpiringOffers(std::string_view season, absl::Time now,
                                                   absl::Duration lead) = 0;
  // Moves the deadline of every offer of `round` still open at `now`; returns how many.
  virtual absl::StatusOr<int> SetOfferDeadline(std::string_view season, uint32_t round,
                                               absl::Time deadline, absl::Time now) = 0;

  // The seasons in which `owner` has applications, for an export or erasure.
  // A store without that lookup knows none.
  virtual absl::StatusOr<std::vector<std::string>> SeasonsOf(std::string_view owner) {
    (void)owner;
    return std::vector<std::string>{};
  }
  // Erases the owner's applications of the season with everything kept about
  // them, in one atomic step; returns how many (0 on a retry).
  virtual absl::StatusOr<int> EraseApplicationsOf(std::string_view season, std::string_view owner) {
    (void)season;
    (void)owner;
    return 0;
  }
};

}  // namespace stadt::daycare::season
