#include "services/daycare/domain/explanation.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/daycare/domain/priority_policy.h"

namespace stadt::daycare {
namespace {

std::string NameOf(const Program& program) {
  return program.name.empty() ? program.id : program.name;
}

std::string DescribePoints(const PointsBreakdown& breakdown) {
  if (breakdown.awarded.empty()) return absl::StrCat(breakdown.total, " points");
  std::vector<std::string> parts;
  for (const AwardedPoints& line : breakdown.awarded) {
    parts.push_back(absl::StrCat(line.points, " for ", line.label));
  }
  return absl::StrCat(breakdown.total, " points (", absl::StrJoin(parts, ", "), ")");
}

// Why `application` ranks below the cutoff child of a full program. The comparison
// follows the published order: points, then (if the policy says so) age, then lottery.
std::string BelowCutoff(const Allocator& allocator, uint32_t application, uint32_t cutoff,
                        const Program& program) {
  const Instance& instance = allocator.instance();
  const Application& child = instance.applications[application];
  const Application& last = instance.applications[cutoff];
  const PointsBreakdown mine = EvaluatePoints(allocator.policy(), program, child);
  const PointsBreakdown theirs = EvaluatePoints(allocator.policy(), program, last);
  const std::string places = program.capacity == 1
                                 ? std::string("The only place")
                                 : absl::StrCat("All ", program.capacity, " places");
  const std::string head =
      absl::StrCat(places, " at ", NameOf(program), " went to children with higher priority. ");
  if (mine.total != theirs.total) {
    return absl::StrCat(head, "The last child admitted had ", theirs.total,
                        " points; your child has ", DescribePoints(mine), ".");
  }
  const bool by_age = allocator.policy().older_child_first && last.birth_date &&
                      (!child.birth_date || *child.birth_date != *last.birth_date);
  if (by_age) {
    return absl::StrCat(head, "The last child admitted had the same ", mine.total,
                        " points and is older (born ", FormatDate(*last.birth_date),
                        "); older children come first when points are equal.");
  }
  return absl::StrCat(head, "The last child admitted had the same ", mine.total, " points",
                      allocator.policy().older_child_first ? " and the same age" : "",
                      "; the lottery decided: its number was ", allocator.lottery(cutoff),
                      ", your child's is ", allocator.lottery(application),
                      " (lower numbers come first).");
}

// The sibling placed together with `application` this round, if any.
std::optional<uint32_t> SiblingInRound(const RoundResult& result, uint32_t application) {
  if (result.couple_of.empty() || result.couple_of[application] < 0) return std::nullopt;
  const CoupleOutcome& couple = result.couples[result.couple_of[application]];
  if (!couple.as_pair) return std::nullopt;
  return couple.first == application ? couple.second : couple.first;
}

// Whether the child alone would have got a place at the program: a free place, or
// it outranks the last child admitted.
bool WouldAdmitAlone(const Allocator& allocator, const RoundResult& result, uint32_t application,
                     const EvaluatedChoice& choice) {
  const ProgramOutcome& outcome = result.programs[choice.program];
  if (!outcome.full()) return true;
  if (!outcome.cutoff_application) return false;
  const uint32_t cutoff = *outcome.cutoff_application;
  const int32_t position = allocator.ChoicePosition(cutoff, choice.program);
  return Outranks(allocator.PriorityAt(application, choice.points),
                  allocator.PriorityAt(cutoff, allocator.choices(cutoff)[position].points));
}

std::string NotTogether(const Allocator& allocator, const Program& program, uint32_t sibling) {
  const std::string& centre = program.centre.empty() ? program.id : program.centre;
  bool wished_there = false;
  for (const EvaluatedChoice& choice : allocator.choices(sibling)) {
    const Program& other = allocator.instance().programs[choice.program];
    if (!choice.ineligible && (other.centre.empty() ? other.id : other.centre) == centre) {
      wished_there = true;
    }
  }
  return absl::StrCat("Your child alone could have had a place at ", NameOf(program),
                      ", but your children are placed together or not at all, and ",
                      wished_there ? "there was no place there for both of your children together."
                                   : "its sibling has no wish it can get at the same centre.");
}

std::string WhyNot(const Allocator& allocator, const RoundResult& result, uint32_t application,
                   const EvaluatedChoice& choice, const Participation& participation) {
  const Program& program = allocator.instance().programs[choice.program];
  if (choice.ineligible) {
    return CheckEligibility(allocator.policy(), program,
                            allocator.instance().applications[application])
        ->text;
  }
  const auto& declined = participation.declined_programs;
  if (std::find(declined.begin(), declined.end(), choice.program) != declined.end()) {
    return absl::StrCat("You declined the place at ", NameOf(program), " in an earlier round.");
  }
  const ProgramOutcome& outcome = result.programs[choice.program];
  if (outcome.capacity == 0) return absl::StrCat(NameOf(program), " has no places in this round.");
  if (const std::optional<uint32_t> sibling = SiblingInRound(result, application);
      sibling && WouldAdmitAlone(allocator, result, application, choice)) {
    return NotTogether(allocator, program, *sibling);
  }
  if (!outcome.cutoff_application) {
    return absl::StrCat(NameOf(program),
                        " had no place left: every place was held by a child who had "
                        "already accepted it.");
  }
  return BelowCutoff(allocator, application, *outcome.cutoff_application, program);
}

std::string Summary(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation) {
  const Placement& placement = result.placements[application];
  if (participation.kind == Participation::Kind::kOut) {
    return "This application no longer takes part in the allocation.";
  }
  const std::optional<uint32_t> sibling = SiblingInRound(result, application);
  std::string summary;
  if (placement.program < 0) {
    summary = sibling
                  ? absl::StrCat("No place could be offered in this round: your children (with ",
                                 allocator.instance().applications[*sibling].id,
                                 ") are placed together or not at all, and no centre among "
                                 "your wishes had a place for both.")
                  : "No place could be offered for any of your choices in this round.";
  } else {
    const Program& program = allocator.instance().programs[placement.program];
    summary = absl::StrCat("Your child has a place at ", NameOf(program), ", your choice number ",
                           placement.choice_rank, ".");
    if (sibling) {
      absl::StrAppend(&summary, " Its sibling (", allocator.instance().applications[*sibling].id,
                      ") has a place at the same centre.");
    }
  }
  if (sibling && result.couples[result.couple_of[application]].blocking) {
    absl::StrAppend(&summary,
                    " No allocation was found that is stable for every family with your children "
                    "together; the published rules say what was done instead.");
  }
  return summary;
}

}  // namespace

Explanation Explain(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation) {
  const Placement& placement = result.placements[application];
  Explanation explanation;
  explanation.summary = Summary(allocator, result, application, participation);
  if (participation.kind == Participation::Kind::kOut) return explanation;
  const auto choices = allocator.choices(application);
  const size_t above = placement.program < 0 ? choices.size() : placement.choice_rank - 1;
  for (size_t c = 0; c < above; ++c) {
    explanation.choices.push_back(
        {static_cast<int32_t>(c + 1), allocator.instance().programs[choices[c].program].id,
         WhyNot(allocator, result, application, choices[c], participation)});
  }
  return explanation;
}

}  // namespace stadt::daycare
