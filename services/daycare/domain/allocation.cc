#include "services/daycare/domain/allocation.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/daycare/domain/lottery.h"
#include "services/daycare/domain/priority_policy.h"

namespace stadt::daycare {

std::string_view ParticipationKindName(Participation::Kind kind) {
  switch (kind) {
    case Participation::Kind::kHoldsPlace:
      return "holds";
    case Participation::Kind::kFixed:
      return "fixed";
    case Participation::Kind::kOut:
      return "out";
    case Participation::Kind::kOpen:
      break;
  }
  return "open";
}

Participation::Kind ParticipationKindFromName(std::string_view name) {
  if (name == "holds") return Participation::Kind::kHoldsPlace;
  if (name == "fixed") return Participation::Kind::kFixed;
  if (name == "out") return Participation::Kind::kOut;
  return Participation::Kind::kOpen;
}
namespace {

// Keeps the sums of points far from int64 overflow.
constexpr int64_t kMaxAbsPoints = int64_t{1} << 40;
constexpr uint32_t kMaxApplications = 50'000'000;

absl::Status Invalid(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": ", ToAbsl(problem)));
}

absl::Status ValidatePrograms(const Instance& instance, ProgramIndex* index) {
  for (uint32_t p = 0; p < instance.programs.size(); ++p) {
    const Program& program = instance.programs[p];
    const std::string field = absl::StrCat("programs[", p, "]");
    if (program.id.empty()) return Invalid(field + ".id", "must not be empty");
    if (!index->emplace(program.id, p).second) {
      return Invalid(field + ".id", absl::StrCat("duplicate program id \"", program.id, "\""));
    }
    if (program.min_age_months && program.max_age_months &&
        *program.min_age_months > *program.max_age_months) {
      return Invalid(field + ".min_age_months", "greater than max_age_months");
    }
  }
  return absl::OkStatus();
}

// Wishes the reader already resolved to program indices: the checks of
// ValidateApplication without the lookups, with the same messages.
absl::Status ValidateResolvedWishes(const Application& application, uint32_t a,
                                    const Instance& instance, std::vector<EvaluatedChoice>* out) {
  auto field = [a] { return absl::StrCat("applications[", a, "]"); };
  const size_t first = out->size();
  const std::vector<ResolvedWish>& wishes = *application.resolved;
  for (size_t c = 0; c < wishes.size(); ++c) {
    const uint32_t program = wishes[c].program;
    auto choice_field = [&] { return absl::StrCat(field(), ".choices[", c, "]"); };
    if (program >= instance.programs.size()) {
      return Invalid(choice_field(), "unknown program");
    }
    for (size_t earlier = first; earlier < out->size(); ++earlier) {
      if ((*out)[earlier].program == program) {
        return Invalid(choice_field(), absl::StrCat("program \"", instance.programs[program].id,
                                                    "\" chosen twice"));
      }
    }
    if (wishes[c].points > kMaxAbsPoints || wishes[c].points < -kMaxAbsPoints) {
      return Invalid(absl::StrCat(field(), ".points.", instance.programs[program].id),
                     "out of range");
    }
    out->push_back(
        EvaluatedChoice{program, application.resolved_points ? wishes[c].points : 0, std::nullopt});
  }
  return absl::OkStatus();
}

// Checks one application and appends the program index of each choice to `programs_out`.
// Field names are only built when something is wrong: this runs for every application.
absl::Status ValidateApplication(const Application& application, uint32_t a, const Policy& policy,
                                 const Instance& instance, const ProgramIndex& programs,
                                 std::vector<EvaluatedChoice>* out) {
  auto field = [a] { return absl::StrCat("applications[", a, "]"); };
  if (application.id.empty()) return Invalid(field() + ".id", "must not be empty");
  if (application.resolved) {
    if (application.resolved->size() > policy.max_choices) {
      return Invalid(field() + ".choices",
                     absl::StrCat("more than ", policy.max_choices, " choices"));
    }
    STADT_RETURN_IF_ERROR(ValidateResolvedWishes(application, a, instance, out));
    if (application.birth_date && !IsValidDate(*application.birth_date)) {
      return Invalid(field() + ".birth_date", "not a valid date");
    }
    return absl::OkStatus();
  }
  if (application.choices.size() > policy.max_choices) {
    return Invalid(field() + ".choices",
                   absl::StrCat("more than ", policy.max_choices, " choices"));
  }
  const size_t first = out->size();
  for (size_t c = 0; c < application.choices.size(); ++c) {
    const std::string& choice = application.choices[c];
    auto choice_field = [&] { return absl::StrCat(field(), ".choices[", c, "]"); };
    auto found = programs.find(choice);
    if (found == programs.end()) {
      return Invalid(choice_field(), absl::StrCat("unknown program \"", choice, "\""));
    }
    for (size_t earlier = first; earlier < out->size(); ++earlier) {
      if ((*out)[earlier].program == found->second) {
        return Invalid(choice_field(), absl::StrCat("program \"", choice, "\" chosen twice"));
      }
    }
    out->push_back(EvaluatedChoice{found->second, 0, std::nullopt});
    if (application.points) {
      auto given = application.points->find(choice);
      if (given == application.points->end()) {
        return Invalid(absl::StrCat(field(), ".points.", choice), "missing for a chosen program");
      }
      if (given->second > kMaxAbsPoints || given->second < -kMaxAbsPoints) {
        return Invalid(absl::StrCat(field(), ".points.", choice), "out of range");
      }
      out->back().points = given->second;  // kept: Evaluate need not look again
    }
  }
  if (application.birth_date && !IsValidDate(*application.birth_date)) {
    return Invalid(field() + ".birth_date", "not a valid date");
  }
  return absl::OkStatus();
}

absl::Status ValidatePolicy(const Policy& policy) {
  for (size_t c = 0; c < policy.criteria.size(); ++c) {
    const Criterion& criterion = policy.criteria[c];
    const std::string field = absl::StrCat("policy.criteria[", c, "]");
    if (criterion.id.empty()) return Invalid(field + ".id", "must not be empty");
    if (criterion.points > kMaxAbsPoints / 1024 || criterion.points < -kMaxAbsPoints / 1024) {
      return Invalid(field + ".points", "out of range");
    }
  }
  if (policy.criteria.size() > 1000) return Invalid("policy.criteria", "more than 1000 criteria");
  if (policy.max_start_delay_months < 0) {
    return Invalid("policy.max_start_delay_months", "must not be negative");
  }
  return absl::OkStatus();
}

// Children born earlier come first when the policy says so; a child without a birth
// date comes after every child with one, which keeps the order total.
std::vector<uint32_t> TiebreakRanks(const Instance& instance, const Policy& policy,
                                    const std::vector<uint32_t>& lottery) {
  const uint32_t n = instance.applications.size();
  const bool by_age = policy.older_child_first &&
                      std::any_of(instance.applications.begin(), instance.applications.end(),
                                  [](const Application& a) { return a.birth_date.has_value(); });
  // The lottery alone: it is a permutation of 0..n-1, so it is the rank itself.
  if (!by_age) return lottery;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  auto age_key = [&](uint32_t a) {
    const auto& birth = instance.applications[a].birth_date;
    return policy.older_child_first && birth ? birth->SortKey() : INT32_MAX;
  };
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const int kx = age_key(x);
    const int ky = age_key(y);
    if (kx != ky) return kx < ky;
    return lottery[x] < lottery[y];
  });
  std::vector<uint32_t> rank(n);
  for (uint32_t r = 0; r < n; ++r) rank[order[r]] = r;
  return rank;
}

// Age in whole years at the desired start, else at the start of the first choice.
std::string AgeGroup(const Allocator& allocator, uint32_t a) {
  const std::optional<int> months = AgeInMonthsAtStart(allocator, a);
  if (!months) return "unknown";
  return *months < 0 ? "unborn" : absl::StrCat(*months / 12);
}

}  // namespace

absl::StatusOr<Allocator> Allocator::Create(Instance instance, Policy policy) {
  if (absl::Status status = ValidatePolicy(policy); !status.ok()) return status;
  if (instance.applications.size() > kMaxApplications) {
    return Invalid("applications", "too many applications");
  }
  ProgramIndex programs;
  if (absl::Status status = ValidatePrograms(instance, &programs); !status.ok()) return status;
  Allocator allocator;
  const uint32_t n = instance.applications.size();
  allocator.choice_begin_.reserve(n + 1);
  allocator.choice_begin_.push_back(0);
  allocator.application_index_.reserve(n);
  // A city's million wishes in one allocation: growing by doubling copied and
  // touched about twice as much memory.
  size_t wishes = 0;
  for (const Application& application : instance.applications) {
    wishes += application.resolved ? application.resolved->size() : application.choices.size();
  }
  allocator.evaluated_.reserve(wishes);
  for (uint32_t a = 0; a < n; ++a) {
    const Application& application = instance.applications[a];
    if (absl::Status status =
            ValidateApplication(application, a, policy, instance, programs, &allocator.evaluated_);
        !status.ok()) {
      return status;
    }
    allocator.choice_begin_.push_back(allocator.evaluated_.size());
    if (!allocator.application_index_.emplace(application.id, a).second) {
      return Invalid(absl::StrCat("applications[", a, "].id"),
                     absl::StrCat("duplicate application id \"", application.id, "\""));
    }
  }
  allocator.instance_ = std::move(instance);
  allocator.policy_ = std::move(policy);
  if (absl::Status status = allocator.PairSiblings(); !status.ok()) return status;
  allocator.Evaluate();
  return allocator;
}

void Allocator::Evaluate() {
  const uint32_t n = instance_.applications.size();
  lottery_ = LotteryPermutation(instance_.seed, n);
  tiebreak_rank_ = TiebreakRanks(instance_, policy_, lottery_);
  const PointsCalculator calculator(policy_, instance_.programs);
  for (uint32_t a = 0; a < n; ++a) {
    const Application& application = instance_.applications[a];
    // Ready-made points were stored by ValidateApplication.
    const bool ready_made = application.HasReadyMadePoints();
    const int64_t city_wide = ready_made ? 0 : calculator.CityWidePoints(application);
    for (uint32_t c = choice_begin_[a]; c < choice_begin_[a + 1]; ++c) {
      EvaluatedChoice& choice = evaluated_[c];
      if (!ready_made) choice.points = calculator.Points(choice.program, application, city_wide);
      choice.ineligible =
          FindIneligibleReason(policy_, instance_.programs[choice.program], application);
    }
  }
}

absl::Status Allocator::PairSiblings() {
  const std::vector<Application>& applications = instance_.applications;
  std::vector<int32_t> partner;  // sized on the first pair only
  for (uint32_t a = 0; a < applications.size(); ++a) {
    const std::string& sibling = applications[a].together_with;
    if (sibling.empty()) continue;
    const std::string field = absl::StrCat("applications[", a, "].together_with");
    const std::optional<uint32_t> b = FindApplication(sibling);
    if (!b) return Invalid(field, absl::StrCat("unknown application \"", sibling, "\""));
    if (*b == a) return Invalid(field, "must name another application");
    const std::string& back = applications[*b].together_with;
    if (!back.empty() && back != applications[a].id) {
      return Invalid(field,
                     absl::StrCat("\"", sibling, "\" is placed together with \"", back, "\""));
    }
    if (partner.empty()) partner.assign(applications.size(), -1);
    if (partner[*b] >= 0 && partner[*b] != static_cast<int32_t>(a)) {
      return Invalid(field, absl::StrCat("\"", sibling, "\" is placed together with \"",
                                         applications[partner[*b]].id, "\""));
    }
    if (partner[a] >= 0) continue;  // named from both sides
    partner[a] = static_cast<int32_t>(*b);
    partner[*b] = static_cast<int32_t>(a);
    couples_.emplace_back(std::min(a, *b), std::max(a, *b));
  }
  std::sort(couples_.begin(), couples_.end());
  return absl::OkStatus();
}

std::span<const EvaluatedChoice> Allocator::choices(uint32_t application) const {
  return std::span<const EvaluatedChoice>(
      evaluated_.data() + choice_begin_[application],
      choice_begin_[application + 1] - choice_begin_[application]);
}

int32_t Allocator::ChoicePosition(uint32_t application, uint32_t program) const {
  std::span<const EvaluatedChoice> list = choices(application);
  for (size_t c = 0; c < list.size(); ++c) {
    if (list[c].program == program) return static_cast<int32_t>(c);
  }
  return -1;
}

std::optional<uint32_t> Allocator::FindApplication(std::string_view id) const {
  auto found = application_index_.find(ToAbsl(id));
  if (found != application_index_.end()) return found->second;
  return std::nullopt;
}

RoundResult Allocator::Run(std::span<const Participation> participation) const {
  const uint32_t n = instance_.applications.size();
  const uint32_t programs = instance_.programs.size();
  static const Participation kOpen;
  auto part = [&](uint32_t a) -> const Participation& {
    return participation.empty() ? kOpen : participation[a];
  };

  MatchingInput input;
  input.capacity.resize(programs);
  for (uint32_t p = 0; p < programs; ++p) input.capacity[p] = instance_.programs[p].capacity;
  input.list_begin.reserve(n + 1);
  input.proposals.reserve(evaluated_.size());
  // Matching child k is application children[k]; fixed and withdrawn ones sit out.
  std::vector<uint32_t> children;
  children.reserve(n);
  for (uint32_t a = 0; a < n; ++a) {
    const Participation& p = part(a);
    if (p.kind == Participation::Kind::kFixed) {
      // Already counted: the place is not on offer.
      if (input.capacity[p.program] > 0) --input.capacity[p.program];
      continue;
    }
    if (p.kind == Participation::Kind::kOut) continue;
    children.push_back(a);
    input.list_begin.push_back(input.proposals.size());
    for (const EvaluatedChoice& choice : choices(a)) {
      const bool held = p.kind == Participation::Kind::kHoldsPlace &&
                        choice.program == static_cast<uint32_t>(p.program);
      if (held) {
        // The accepted place: always kept, nothing ranked below it is wanted.
        input.proposals.push_back({choice.program, {choice.points, tiebreak_rank_[a], true}});
        break;
      }
      if (choice.ineligible) continue;
      if (std::find(p.declined_programs.begin(), p.declined_programs.end(), choice.program) !=
          p.declined_programs.end()) {
        continue;
      }
      input.proposals.push_back({choice.program, PriorityAt(a, choice.points)});
    }
  }
  input.list_begin.push_back(input.proposals.size());

  RoundResult result;
  if (!couples_.empty()) AddCouples(participation, children, &input, &result);
  const MatchingOutput output = RunDeferredAcceptance(input);
  result.stable = output.stable;
  result.repair_rounds = output.repair_rounds;
  for (uint32_t c : output.blocking_couples) {
    // Matching couples are the pairs that took part as pairs, in order.
    uint32_t seen = 0;
    for (CoupleOutcome& couple : result.couples) {
      if (couple.as_pair && seen++ == c) couple.blocking = true;
    }
  }
  result.placements.resize(n);
  result.programs.resize(programs);
  for (uint32_t p = 0; p < programs; ++p) result.programs[p].capacity = input.capacity[p];
  for (uint32_t a = 0; a < n; ++a) {
    const Participation& p = part(a);
    if (p.kind != Participation::Kind::kFixed) continue;
    result.placements[a] = {p.program, ChoicePosition(a, p.program) + 1};
    ++result.programs[p.program].capacity;
    ++result.programs[p.program].filled;
  }
  for (uint32_t k = 0; k < children.size(); ++k) {
    if (output.assigned_position[k] == kUnmatched) continue;
    const Proposal& proposal = input.proposals[input.list_begin[k] + output.assigned_position[k]];
    const uint32_t a = children[k];
    result.placements[a] = {static_cast<int32_t>(proposal.program),
                            ChoicePosition(a, proposal.program) + 1};
  }
  for (uint32_t p = 0; p < programs; ++p) {
    const std::vector<uint32_t>& admitted = output.admitted[p];
    ProgramOutcome& outcome = result.programs[p];
    outcome.filled += admitted.size();
    if (admitted.empty()) continue;
    const uint32_t weakest = admitted.back();
    const Proposal* weakest_proposal = nullptr;
    for (uint32_t i = input.list_begin[weakest]; i < input.list_begin[weakest + 1]; ++i) {
      if (input.proposals[i].program == p) weakest_proposal = &input.proposals[i];
    }
    if (weakest_proposal != nullptr && !weakest_proposal->priority.guaranteed) {
      outcome.cutoff_application = children[weakest];
    }
  }
  return result;
}

namespace {

std::string_view CentreOf(const Program& program) {
  return program.centre.empty() ? std::string_view(program.id) : std::string_view(program.centre);
}

}  // namespace

void Allocator::AddCouples(std::span<const Participation> participation,
                           const std::vector<uint32_t>& children, MatchingInput* input,
                           RoundResult* result) const {
  const uint32_t n = instance_.applications.size();
  std::vector<int32_t> child_of(n, -1);
  for (uint32_t k = 0; k < children.size(); ++k) child_of[children[k]] = static_cast<int32_t>(k);
  result->couple_of.assign(n, -1);
  auto kind = [&](uint32_t a) {
    return participation.empty() ? Participation::Kind::kOpen : participation[a].kind;
  };
  for (const auto& [a, b] : couples_) {
    result->couple_of[a] = result->couple_of[b] = static_cast<int32_t>(result->couples.size());
    CoupleOutcome& outcome = result->couples.emplace_back();
    outcome.first = a;
    outcome.second = b;
    const bool both_open = kind(a) == Participation::Kind::kOpen && kind(b) == kind(a);
    const bool both_hold = kind(a) == Participation::Kind::kHoldsPlace && kind(b) == kind(a) &&
                           CentreOf(instance_.programs[participation[a].program]) ==
                               CentreOf(instance_.programs[participation[b].program]);
    outcome.as_pair = both_open || both_hold;
    if (!outcome.as_pair) continue;
    CoupleInput couple;
    couple.first = child_of[a];
    couple.second = child_of[b];
    const uint32_t first_length =
        input->list_begin[couple.first + 1] - input->list_begin[couple.first];
    const uint32_t second_length =
        input->list_begin[couple.second + 1] - input->list_begin[couple.second];
    auto centre_at = [&](uint32_t child, uint32_t position) {
      return CentreOf(
          instance_.programs[input->proposals[input->list_begin[child] + position].program]);
    };
    // Joint wishes: both programs at one centre, ordered by the sum of the two
    // positions, then by the worse of the two, then by the first child's (a
    // place held from an earlier round is last in both lists, so last here).
    for (uint32_t i = 0; i < first_length; ++i) {
      for (uint32_t j = 0; j < second_length; ++j) {
        if (centre_at(couple.first, i) == centre_at(couple.second, j)) {
          couple.options.push_back({i, j});
        }
      }
    }
    std::sort(couple.options.begin(), couple.options.end(),
              [](const CoupleOption& x, const CoupleOption& y) {
                return std::tuple(x.first + x.second, std::max(x.first, x.second), x.first) <
                       std::tuple(y.first + y.second, std::max(y.first, y.second), y.first);
              });
    input->couples.push_back(std::move(couple));
  }
}

std::optional<int> AgeInMonthsAtStart(const Allocator& allocator, uint32_t application) {
  const Application& applicant = allocator.instance().applications[application];
  std::optional<Month> start = applicant.desired_start;
  const auto choices = allocator.choices(application);
  if (!start && !choices.empty()) {
    start = allocator.instance().programs[choices[0].program].start_month;
  }
  if (!applicant.birth_date || !start) return std::nullopt;
  return AgeInMonthsAt(*applicant.birth_date, *start);
}

std::string_view CoarseAgeGroup(std::optional<int> age_months) {
  if (!age_months || *age_months < 0) return "unknown";
  if (*age_months < 12) return "under-1";
  if (*age_months < 24) return "1-2";
  if (*age_months < 36) return "2-3";
  if (*age_months < 72) return "3-6";
  return "6-plus";
}

RoundStats ComputeStats(const Allocator& allocator, const RoundResult& result) {
  RoundStats stats;
  stats.applications = result.placements.size();
  stats.placed_by_choice_rank.assign(allocator.policy().max_choices, 0);
  for (uint32_t a = 0; a < result.placements.size(); ++a) {
    const Placement& placement = result.placements[a];
    for (const EvaluatedChoice& choice : allocator.choices(a)) {
      if (choice.ineligible) ++stats.ineligible_choices;
    }
    if (placement.program < 0) {
      ++stats.unplaced;
      const Application& application = allocator.instance().applications[a];
      ++stats.unplaced_by_age_years[AgeGroup(allocator, a)];
      ++stats.unplaced_by_district[application.district.empty() ? "unknown" : application.district];
      continue;
    }
    ++stats.placed;
    if (placement.choice_rank == 1) ++stats.placed_first_choice;
    if (placement.choice_rank >= 1 &&
        static_cast<size_t>(placement.choice_rank) <= stats.placed_by_choice_rank.size()) {
      ++stats.placed_by_choice_rank[placement.choice_rank - 1];
    }
  }
  for (const ProgramOutcome& program : result.programs) {
    stats.places += program.capacity;
    stats.places_filled += program.filled;
  }
  return stats;
}

}  // namespace stadt::daycare
