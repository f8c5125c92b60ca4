#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "services/common/clock.h"
#include "services/common/redis/redis_client.h"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/explanation.h"
#include "services/daycare/domain/season.h"

namespace stadt::daycare {

// The offer of one application as stored after the last round.
struct OfferView {
  OfferState state = OfferState::kNone;
  std::string program;  // offered, or held after accepting
  uint32_t round = 0;
  absl::Time deadline = absl::InfinitePast();
  Explanation explanation;
};

struct ApplicationView {
  std::string id;
  boost::json::object application;  // the engine's instance format
  OfferView offer;
};

// What one applicant got in a published round (for the placement KPIs).
struct ApplicantOutcome {
  std::string district;       // as the parent gave it; may be empty
  bool competed = false;      // open for offers in this round
  bool offered = false;       // a new offer, or moved up to a better place
  bool first_choice = false;  // the offer is the first wish
  // CoarseAgeGroup of the child's age at the desired start, else at its first
  // choice's start ("under-1", "1-2", "2-3", "3-6", "6-plus", "unknown").
  std::string age_group = "unknown";
};

// An offer that was not answered by its deadline. The store notices it when it
// publishes the next round: the offer becomes "expired" and the child leaves.
struct ExpiredOffer {
  std::string application_id;
  std::string district;  // as the parent gave it; may be empty
  uint32_t round = 0;    // the round that made the offer
};

struct RoundView {
  uint32_t round = 0;
  uint64_t seed = 0;
  RoundStats stats;
  std::string document;  // inputs, seed, participation, results: never changed
  // Filled by PublishRound only: one entry per applicant that competed or
  // moved up.
  std::vector<ApplicantOutcome> outcomes;
  // Filled by PublishRound only: the offers of earlier rounds this round found
  // unanswered past their deadline (each is in the round that expired it only).
  std::vector<ExpiredOffer> expired_offers;
};

// One allocation season per id, all of it in Redis under the hash tag
// `{season:<id>}` so every script touches one slot:
//   dc:{season:S}:period     "open" | "closed"
//   dc:{season:S}:programs   JSON array of programs (engine format)
//   dc:{season:S}:policy     policy JSON (engine format)
//   dc:{season:S}:apps       hash application id -> application JSON
//   dc:{season:S}:owners     hash application id -> parent's subject
//   dc:{season:S}:rounds     number of published rounds
//   dc:{season:S}:round:N    immutable round document
//   dc:{season:S}:offer:A    hash: state, program, round, deadline, kind, held,
//                            declined, explanation
//   dc:{season:S}:version    bumped by every answer, so a round computed from
//                            stale offers is refused
// The matching itself is the engine's; this class reads the inputs, runs it and
// writes the outcome with one script.
class SeasonStore {
 public:
  // `default_policy_json` (engine format, already validated; "{}" for the engine's
  // defaults) applies to seasons without a policy of their own.
  SeasonStore(redis::Client& redis, const Clock& clock, std::string default_policy_json = "{}")
      : redis_(redis), clock_(clock), default_policy_json_(std::move(default_policy_json)) {}

  // Caseworker setup; refused once the first round is published.
  absl::StatusOr<size_t> PutPrograms(std::string_view season, const boost::json::array& programs);
  absl::StatusOr<Policy> PutPolicy(std::string_view season, std::string_view policy_json);
  absl::Status SetPeriod(std::string_view season, bool open);

  // Parents. An empty `id` creates an application; otherwise the caller's own
  // application is replaced (only while the period is open). Someone else's
  // application is NOT_FOUND.
  absl::StatusOr<ApplicationView> SubmitApplication(std::string_view season,
                                                    std::string_view subject, std::string_view id,
                                                    boost::json::object application);
  absl::StatusOr<ApplicationView> GetApplication(std::string_view season, std::string_view subject,
                                                 std::string_view id);
  // One atomic script; answering the same way again returns the same state.
  absl::StatusOr<ApplicationView> AnswerOffer(std::string_view season, std::string_view subject,
                                              std::string_view id, bool accept);

  // The next round's figures without writing anything.
  absl::StatusOr<RoundStats> DryRun(std::string_view season, uint64_t seed);
  // Publishes the next round (`expected_round`, when not 0, must be that number:
  // publishing a round that exists is ALREADY_EXISTS). `seed` counts for the first
  // round only; 0 draws one.
  absl::StatusOr<RoundView> PublishRound(std::string_view season, uint32_t expected_round,
                                         uint64_t seed, absl::Time deadline);
  // For the scheduled round job: publishes the next round only when it would
  // change something (a new offer, or a held place moving up); otherwise
  // FAILED_PRECONDITION "settled: ...", so that a settled season is not
  // republished forever. PublishRound's refusals apply as well.
  absl::StatusOr<RoundView> PublishNextRoundIfItChangesAnything(std::string_view season,
                                                                absl::Time deadline);
  absl::StatusOr<RoundView> GetRound(std::string_view season, uint32_t round);
  // Moves the deadline of the round's offers that are still open; returns how many.
  absl::StatusOr<int> SetOfferDeadline(std::string_view season, uint32_t round,
                                       absl::Time deadline);

 private:
  struct PreparedRound;

  absl::StatusOr<PreparedRound> Prepare(std::string_view season, uint64_t seed);
  absl::StatusOr<RoundView> Publish(std::string_view season, uint32_t expected_round, uint64_t seed,
                                    absl::Time deadline, bool only_if_it_changes);
  absl::StatusOr<std::vector<std::string>> ApplicationIds(const std::string& prefix);
  absl::StatusOr<ApplicationView> ReadApplication(const std::string& prefix, std::string_view id);

  redis::Client& redis_;
  const Clock& clock_;
  const std::string default_policy_json_;
};

}  // namespace stadt::daycare
