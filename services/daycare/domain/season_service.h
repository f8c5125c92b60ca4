#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/privacy/personal_data.h"
#include "services/daycare/domain/season_repository.h"
#include "services/daycare/domain/season_types.h"

namespace stadt::daycare::season {

// The points catalogue a season's rounds use, as its coordinators read it.
struct PolicyView {
  Policy policy;
  bool city_default = false;  // the season has none of its own
  bool frozen = false;        // a round is published: setup changes are refused
};

// The use cases of an allocation season (see services/daycare/README.md):
// caseworkers set programs, policy and the period and publish rounds; parents
// apply, look at their application and answer offers. The matching itself is
// the engine's (allocation.h, season.h); this class reads the inputs from the
// repository, runs it and hands the outcome back to be written in one go.
class SeasonService {
 public:
  // `default_policy` applies to seasons without a policy of their own.
  // `contact_key` (contact::ContactKey of the daycare master key) seals the
  // guardian's address for the notifications service; empty: nothing is
  // mailed (the address is still checked and kept with the application).
  SeasonService(SeasonRepository& repository, const Clock& clock, Policy default_policy = {},
                std::string contact_key = {})
      : repository_(repository),
        clock_(clock),
        default_policy_(std::move(default_policy)),
        contact_key_(std::move(contact_key)) {}

  // Caseworker setup; refused once the first round is published.
  absl::StatusOr<size_t> PutPrograms(std::string_view season, const std::vector<Program>& programs);
  absl::StatusOr<Policy> PutPolicy(std::string_view season, std::string_view policy_json);
  absl::Status SetPeriod(std::string_view season, bool open);
  absl::StatusOr<PolicyView> GetPolicy(std::string_view season);

  // The public directory: the season's programs, and its facilities with their
  // programs, matching every given filter. NOT_FOUND for a season without
  // programs; INVALID_ARGUMENT (reason unknown_age_group) for an unknown group.
  absl::StatusOr<std::vector<Program>> ListPrograms(std::string_view season,
                                                    const DirectoryFilter& filter);
  absl::StatusOr<std::vector<Facility>> ListFacilities(std::string_view season,
                                                       const DirectoryFilter& filter);

  // Parents. An empty `id` creates an application; otherwise the caller's own
  // application is replaced (only while the period is open). Someone else's
  // application is NOT_FOUND. `application.id` and `.owner` are set here.
  // Views carry the status in words in `language`.
  absl::StatusOr<ApplicationView> SubmitApplication(std::string_view season,
                                                    std::string_view subject, std::string_view id,
                                                    Application application,
                                                    Language language = Language::kGerman);
  absl::StatusOr<ApplicationView> GetApplication(std::string_view season, std::string_view subject,
                                                 std::string_view id,
                                                 Language language = Language::kGerman);
  // The caller's applications of the season, ordered by id.
  absl::StatusOr<std::vector<ApplicationView>> ListApplications(
      std::string_view season, std::string_view subject, Language language = Language::kGerman);
  // Atomic; answering the same way again returns the same state.
  absl::StatusOr<ApplicationView> AnswerOffer(std::string_view season, std::string_view subject,
                                              std::string_view id, bool accept,
                                              Language language = Language::kGerman);
  // Withdraws the caller's application at any time: it leaves the procedure,
  // an open offer or a held place is given up. Idempotent.
  absl::StatusOr<ApplicationView> Withdraw(std::string_view season, std::string_view subject,
                                           std::string_view id,
                                           Language language = Language::kGerman);

  // Caseworkers. Applications matching the filter (views in German), one
  // application, a verdict on a claimed criterion, a correction with its
  // reason (kept with the application). Verdicts and corrections are possible
  // until the first round is published.
  absl::StatusOr<std::vector<ApplicationView>> SearchApplications(std::string_view season,
                                                                  const SearchFilter& filter);
  absl::StatusOr<ApplicationView> OpenApplication(std::string_view season, std::string_view id);
  // The youth office's read-only view of one result (coordinators too): the
  // application's view in `language` without the guardian's contact details
  // and the casework (corrections, duplicate attempts).
  absl::StatusOr<ApplicationView> ExplainResult(std::string_view season, std::string_view id,
                                                Language language);
  absl::StatusOr<ApplicationView> SetVerdict(std::string_view season, std::string_view id,
                                             std::string_view criterion, Verdict verdict);
  absl::StatusOr<ApplicationView> CorrectApplication(std::string_view season,
                                                     std::string_view caseworker,
                                                     std::string_view id, Application corrected,
                                                     std::string_view reason);

  // The next round's figures without writing anything, at any time: while the
  // period is open, round 1 on the applications so far; while offers are
  // open, each assumed kept (as if accepted). `seed` 0 draws one for round 1.
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
  // Writes the "offer about to expire" events of the offers whose deadline is
  // at most `lead` ahead (SeasonRepository::RemindExpiringOffers); how many.
  absl::StatusOr<int> RemindExpiringOffers(std::string_view season, absl::Duration lead);

  // The guardian's applications of every season, for an export (GDPR
  // Art. 15); UNAUTHENTICATED without a subject.
  absl::StatusOr<std::vector<privacy::Record>> PersonalRecords(std::string_view subject);
  // Erases them (GDPR Art. 17). Published round documents stay: they are the
  // record of the allocation and name no child or guardian (kept, with why).
  absl::StatusOr<privacy::Erasure> ErasePersonalData(std::string_view subject);

 private:
  struct PreparedRound;

  // `what_if`: for a dry run, which never refuses for the season's state.
  absl::StatusOr<PreparedRound> Prepare(std::string_view season, uint64_t seed, bool what_if);
  absl::StatusOr<RoundView> Publish(std::string_view season, uint32_t expected_round, uint64_t seed,
                                    absl::Time deadline, bool only_if_it_changes);
  absl::StatusOr<ApplicationView> View(std::string_view season, Application application,
                                       const Setup& setup, Language language);
  // A named sibling must be the same guardian's application in the season, not
  // withdrawn and not paired with another (reasons unknown_sibling_application,
  // sibling_already_paired).
  absl::Status CheckSibling(std::string_view season, const Application& application);

  SeasonRepository& repository_;
  const Clock& clock_;
  const Policy default_policy_;
  const std::string contact_key_;
};

// INVALID_ARGUMENT unless `season` is 1 to 64 letters, digits, '-' or '_'.
absl::Status CheckSeasonId(std::string_view season);

}  // namespace stadt::daycare::season
