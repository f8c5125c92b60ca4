#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/daycare/domain/eligibility.h"
#include "services/daycare/domain/matching.h"
#include "services/daycare/domain/model.h"

namespace stadt::daycare {

// One ranked choice of an application, evaluated once per season.
struct EvaluatedChoice {
  uint32_t program = 0;
  int64_t points = 0;
  std::optional<IneligibleReason> ineligible;
};

// How an application takes part in a round.
struct Participation {
  enum class Kind : uint8_t {
    kOpen,        // competes with all its remaining choices
    kHoldsPlace,  // accepted `program` earlier; may move up to a higher choice only
    kFixed,       // accepted `program` earlier and stays there; does not compete
    kOut,         // withdrawn or let an offer expire
  };
  Kind kind = Kind::kOpen;
  int32_t program = -1;                     // for kHoldsPlace and kFixed
  std::vector<uint32_t> declined_programs;  // never offered again
};

// The kind's stable name, as stored and shown ("open", "holds", "fixed",
// "out"), and back; an unknown name reads as kOpen.
std::string_view ParticipationKindName(Participation::Kind kind);
Participation::Kind ParticipationKindFromName(std::string_view name);

struct Placement {
  int32_t program = -1;     // index into Instance::programs, -1: no place
  int32_t choice_rank = 0;  // 1-based position in the application's choices, 0: no place
};

struct ProgramOutcome {
  uint32_t capacity = 0;
  uint32_t filled = 0;
  // The admitted application with the lowest priority that competed for the place
  // (children keeping an accepted place do not set a cutoff).
  std::optional<uint32_t> cutoff_application;
  bool full() const { return filled >= capacity; }
};

// Siblings applying together (Application::together_with) in one round.
struct CoupleOutcome {
  uint32_t first = 0;  // applications, first < second
  uint32_t second = 0;
  // Took part as a pair: both open, or both holding accepted places at one centre.
  // Otherwise (one accepted, declined or left) each took part alone this round.
  bool as_pair = true;
  // The result is not stable and this pair still blocks it: it would rather have a
  // joint place both programs would give it (see RunDeferredAcceptanceWithCouples).
  bool blocking = false;
};

struct RoundResult {
  std::vector<Placement> placements;     // per application
  std::vector<ProgramOutcome> programs;  // per program
  // Only with siblings applying together (all empty, stable and 0 otherwise):
  std::vector<CoupleOutcome> couples;
  std::vector<int32_t> couple_of;  // per application: index into `couples`, or -1
  bool stable = true;              // no child or pair blocks the result
  uint32_t repair_rounds = 0;
};

// Program id -> index into Instance::programs (a Swiss table: looked up for every wish).
using ProgramIndex = absl::flat_hash_map<std::string, uint32_t>;

// A validated instance with its lottery and every (application, choice) evaluated, ready
// to run as many rounds as the season needs.
class Allocator {
 public:
  // Fails with InvalidArgument naming the offending field: duplicate or empty ids,
  // unknown or repeated choices, more choices than the policy allows, ready-made points
  // that do not cover every choice.
  static absl::StatusOr<Allocator> Create(Instance instance, Policy policy);

  // Runs child-proposing deferred acceptance. `participation` is empty (everyone open,
  // the main round) or has one entry per application (move-up rounds).
  RoundResult Run(std::span<const Participation> participation = {}) const;

  const Instance& instance() const { return instance_; }
  const Policy& policy() const { return policy_; }
  uint32_t lottery(uint32_t application) const { return lottery_[application]; }
  std::span<const EvaluatedChoice> choices(uint32_t application) const;
  Priority PriorityAt(uint32_t application, int64_t points) const {
    return Priority{points, tiebreak_rank_[application], false};
  }
  // Position of `program` in the application's choices, or -1.
  int32_t ChoicePosition(uint32_t application, uint32_t program) const;
  std::optional<uint32_t> FindApplication(std::string_view id) const;
  // Siblings applying together, as pairs of application indices (first < second),
  // in the order of the first application.
  const std::vector<std::pair<uint32_t, uint32_t>>& couples() const { return couples_; }

 private:
  Allocator() = default;
  // Draws the lottery and evaluates points and eligibility of every choice.
  void Evaluate();
  // Pairs the applications that name each other in `together_with`.
  absl::Status PairSiblings();
  // The pairs that take part as pairs, as the matching's couples.
  void AddCouples(std::span<const Participation> participation,
                  const std::vector<uint32_t>& children, MatchingInput* input,
                  RoundResult* result) const;

  Instance instance_;
  Policy policy_;
  std::vector<uint32_t> lottery_;
  std::vector<uint32_t> tiebreak_rank_;  // order of "older first", then lottery
  std::vector<uint32_t> choice_begin_;
  std::vector<EvaluatedChoice> evaluated_;
  absl::flat_hash_map<std::string, uint32_t> application_index_;  // id -> index
  std::vector<std::pair<uint32_t, uint32_t>> couples_;
};

// Figures of one round for planners.
struct RoundStats {
  uint32_t applications = 0;
  uint32_t placed = 0;
  uint32_t placed_first_choice = 0;
  uint32_t unplaced = 0;
  uint32_t places = 0;
  uint32_t places_filled = 0;
  uint32_t ineligible_choices = 0;
  std::vector<uint32_t> placed_by_choice_rank;  // [0] = first choice
  // Unplaced children by age in whole years at the start ("unknown" without a birth
  // date or start month) and by district ("unknown" when not given); sorted keys.
  std::map<std::string, uint32_t> unplaced_by_age_years;
  std::map<std::string, uint32_t> unplaced_by_district;
};

RoundStats ComputeStats(const Allocator& allocator, const RoundResult& result);

// Completed months of age of the application's child at the month its age is
// counted at for statistics: the desired start, else the start month of its first
// choice. nullopt without a birth date or without either month. Independent of
// what the child is offered, so placed and unplaced children of one age share a group.
std::optional<int> AgeInMonthsAtStart(const Allocator& allocator, uint32_t application);

// Coarse age group for figures that leave the service (KPI dimension `age_group`):
// "under-1" (0-11 months), "1-2" (12-23), "2-3" (24-35), "3-6" (36-71), "6-plus"
// (72 and more), "unknown" (no age, or a child not yet born at the start). Groups
// are wide on purpose: they name no child.
std::string_view CoarseAgeGroup(std::optional<int> age_months);

}  // namespace stadt::daycare
