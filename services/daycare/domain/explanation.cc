#include "services/daycare/domain/explanation.h"

#include <algorithm>

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
  if (!outcome.cutoff_application) {
    return absl::StrCat(NameOf(program),
                        " had no place left: every place was held by a child who had "
                        "already accepted it.");
  }
  return BelowCutoff(allocator, application, *outcome.cutoff_application, program);
}

std::string Summary(const Allocator& allocator, const Placement& placement,
                    const Participation& participation) {
  if (participation.kind == Participation::Kind::kOut) {
    return "This application no longer takes part in the allocation.";
  }
  if (placement.program < 0) {
    return "No place could be offered for any of your choices in this round.";
  }
  const Program& program = allocator.instance().programs[placement.program];
  return absl::StrCat("Your child has a place at ", NameOf(program), ", your choice number ",
                      placement.choice_rank, ".");
}

}  // namespace

Explanation Explain(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation) {
  const Placement& placement = result.placements[application];
  Explanation explanation;
  explanation.summary = Summary(allocator, placement, participation);
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
