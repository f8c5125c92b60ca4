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

std::string Points(int64_t points, Language language) {
  return language == Language::kGerman ? Counted(points, "Punkt", "Punkte")
                                       : Counted(points, "point", "points");
}

// "8 Punkte (8 für alleinerziehend)": the total and the criteria that gave it.
std::string DescribePoints(const PointsBreakdown& breakdown, Language language) {
  const bool de = language == Language::kGerman;
  if (breakdown.awarded.empty()) return Points(breakdown.total, language);
  std::vector<std::string> parts;
  for (const AwardedPoints& line : breakdown.awarded) {
    parts.push_back(
        absl::StrCat(line.points, de ? " für " : " for ", de ? line.label : line.label_en));
  }
  return absl::StrCat(Points(breakdown.total, language), " (", absl::StrJoin(parts, ", "), ")");
}

// The points of `application` at the program it wished: ready-made ones as the
// allocator read them (whichever form the application gave them in), else the
// catalogue's criteria with their labels.
PointsBreakdown PointsAt(const Allocator& allocator, uint32_t application, uint32_t program) {
  const Application& child = allocator.instance().applications[application];
  if (!child.HasReadyMadePoints()) {
    return EvaluatePoints(allocator.policy(), allocator.instance().programs[program], child);
  }
  const int32_t position = allocator.ChoicePosition(application, program);
  PointsBreakdown breakdown;
  if (position >= 0) breakdown.total = allocator.choices(application)[position].points;
  return breakdown;
}

// Why `application` ranks below the cutoff child of a full program. The comparison
// follows the published order: points, then (if the policy says so) age, then lottery.
std::string BelowCutoff(const Allocator& allocator, uint32_t application, uint32_t cutoff,
                        uint32_t program_index, Language language) {
  const bool de = language == Language::kGerman;
  const Instance& instance = allocator.instance();
  const Program& program = instance.programs[program_index];
  const Application& child = instance.applications[application];
  const Application& last = instance.applications[cutoff];
  const PointsBreakdown mine = PointsAt(allocator, application, program_index);
  const PointsBreakdown theirs = PointsAt(allocator, cutoff, program_index);
  std::string head;
  if (de) {
    head = program.capacity == 1
               ? absl::StrCat("Der einzige Platz in ", NameOf(program),
                              " ging an ein Kind mit höherem Vorrang. ")
               : absl::StrCat("Alle ", program.capacity, " Plätze in ", NameOf(program),
                              " gingen an Kinder mit höherem Vorrang. ");
  } else {
    head = absl::StrCat(program.capacity == 1 ? std::string("The only place")
                                              : absl::StrCat("All ", program.capacity, " places"),
                        " at ", NameOf(program), " went to children with higher priority. ");
  }
  if (mine.total != theirs.total) {
    return de ? absl::StrCat(head, "Das zuletzt aufgenommene Kind hatte ",
                             Points(theirs.total, language), "; Ihr Kind hat ",
                             DescribePoints(mine, language), ".")
              : absl::StrCat(head, "The last child admitted had ", Points(theirs.total, language),
                             "; your child has ", DescribePoints(mine, language), ".");
  }
  const bool by_age = allocator.policy().older_child_first && last.birth_date &&
                      (!child.birth_date || *child.birth_date != *last.birth_date);
  if (by_age) {
    return de ? absl::StrCat(head, "Das zuletzt aufgenommene Kind hatte ebenfalls ",
                             Points(mine.total, language), " und ist älter (geboren am ",
                             DateInWords(*last.birth_date, language),
                             "); bei gleicher Punktzahl kommen ältere Kinder zuerst.")
              : absl::StrCat(head, "The last child admitted had the same ",
                             Points(mine.total, language), " and is older (born ",
                             DateInWords(*last.birth_date, language),
                             "); older children come first when points are equal.");
  }
  const bool same_age = allocator.policy().older_child_first;
  return de ? absl::StrCat(head, "Das zuletzt aufgenommene Kind hatte ebenfalls ",
                           Points(mine.total, language), same_age ? " und ist gleich alt" : "",
                           "; das Los hat entschieden: Seine Losnummer war ",
                           allocator.lottery(cutoff), ", die Ihres Kindes ist ",
                           allocator.lottery(application), " (niedrigere Nummern kommen zuerst).")
            : absl::StrCat(head, "The last child admitted had the same ",
                           Points(mine.total, language), same_age ? " and the same age" : "",
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

std::string NotTogether(const Allocator& allocator, const Program& program, uint32_t sibling,
                        Language language) {
  const std::string& centre = program.centre.empty() ? program.id : program.centre;
  bool wished_there = false;
  for (const EvaluatedChoice& choice : allocator.choices(sibling)) {
    const Program& other = allocator.instance().programs[choice.program];
    if (!choice.ineligible && (other.centre.empty() ? other.id : other.centre) == centre) {
      wished_there = true;
    }
  }
  if (language == Language::kGerman) {
    return absl::StrCat(
        "Ihr Kind allein hätte einen Platz in ", NameOf(program),
        " bekommen können, aber Ihre Kinder werden nur gemeinsam oder gar nicht aufgenommen, und ",
        wished_there ? "dort war kein Platz für beide Kinder zusammen frei."
                     : "sein Geschwisterkind hat keinen Wunsch in derselben Einrichtung, den es "
                       "bekommen kann.");
  }
  return absl::StrCat("Your child alone could have had a place at ", NameOf(program),
                      ", but your children are placed together or not at all, and ",
                      wished_there ? "there was no place there for both of your children together."
                                   : "its sibling has no wish it can get at the same centre.");
}

std::string WhyNot(const Allocator& allocator, const RoundResult& result, uint32_t application,
                   const EvaluatedChoice& choice, const Participation& participation,
                   Language language) {
  const bool de = language == Language::kGerman;
  const Program& program = allocator.instance().programs[choice.program];
  if (choice.ineligible) {
    return CheckEligibility(allocator.policy(), program,
                            allocator.instance().applications[application], language)
        ->text;
  }
  const auto& declined = participation.declined_programs;
  if (std::find(declined.begin(), declined.end(), choice.program) != declined.end()) {
    return de ? absl::StrCat("Sie haben den Platz in ", NameOf(program),
                             " in einer früheren Runde abgelehnt.")
              : absl::StrCat("You declined the place at ", NameOf(program),
                             " in an earlier round.");
  }
  const ProgramOutcome& outcome = result.programs[choice.program];
  if (outcome.capacity == 0) {
    return de ? absl::StrCat(NameOf(program), " hat in dieser Runde keine Plätze.")
              : absl::StrCat(NameOf(program), " has no places in this round.");
  }
  if (const std::optional<uint32_t> sibling = SiblingInRound(result, application);
      sibling && WouldAdmitAlone(allocator, result, application, choice)) {
    return NotTogether(allocator, program, *sibling, language);
  }
  if (!outcome.cutoff_application) {
    return de ? absl::StrCat("In ", NameOf(program),
                             " war kein Platz mehr frei: Jeder Platz war von einem Kind belegt, "
                             "das ihn bereits angenommen hatte.")
              : absl::StrCat(NameOf(program),
                             " had no place left: every place was held by a child who had "
                             "already accepted it.");
  }
  return BelowCutoff(allocator, application, *outcome.cutoff_application, choice.program, language);
}

std::string UnplacedSummary(const Allocator& allocator, std::optional<uint32_t> sibling,
                            Language language) {
  const bool de = language == Language::kGerman;
  if (!sibling) {
    return de ? "In dieser Runde konnte für keinen Ihrer Wünsche ein Platz angeboten werden."
              : "No place could be offered for any of your choices in this round.";
  }
  const std::string& id = allocator.instance().applications[*sibling].id;
  return de ? absl::StrCat(
                  "In dieser Runde konnte kein Platz angeboten werden: Ihr Kind und sein "
                  "Geschwisterkind (Antrag ",
                  id,
                  ") werden nur gemeinsam oder gar nicht aufgenommen, und keine "
                  "Einrichtung unter Ihren Wünschen hatte Platz für beide.")
            : absl::StrCat("No place could be offered in this round: your children (with ", id,
                           ") are placed together or not at all, and no centre among your wishes "
                           "had a place for both.");
}

std::string PlacedSummary(const Allocator& allocator, const Placement& placement,
                          std::optional<uint32_t> sibling, Language language) {
  const bool de = language == Language::kGerman;
  const Program& program = allocator.instance().programs[placement.program];
  std::string summary = de ? absl::StrCat("Ihr Kind hat einen Platz in ", NameOf(program),
                                          ", Ihrem Wunsch Nummer ", placement.choice_rank, ".")
                           : absl::StrCat("Your child has a place at ", NameOf(program),
                                          ", your choice number ", placement.choice_rank, ".");
  if (sibling) {
    const std::string& id = allocator.instance().applications[*sibling].id;
    absl::StrAppend(&summary,
                    de ? absl::StrCat(" Sein Geschwisterkind (Antrag ", id,
                                      ") hat einen Platz in derselben Einrichtung.")
                       : absl::StrCat(" Its sibling (", id, ") has a place at the same centre."));
  }
  return summary;
}

std::string Summary(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation, Language language) {
  const bool de = language == Language::kGerman;
  const Placement& placement = result.placements[application];
  if (participation.kind == Participation::Kind::kOut) {
    return de ? "Dieser Antrag nimmt nicht mehr an der Vergabe teil."
              : "This application no longer takes part in the allocation.";
  }
  const std::optional<uint32_t> sibling = SiblingInRound(result, application);
  std::string summary = placement.program < 0
                            ? UnplacedSummary(allocator, sibling, language)
                            : PlacedSummary(allocator, placement, sibling, language);
  if (sibling && result.couples[result.couple_of[application]].blocking) {
    absl::StrAppend(&summary,
                    de ? " Es wurde keine Verteilung gefunden, die mit Ihren Kindern zusammen für "
                         "alle Familien stabil ist; die veröffentlichten Regeln beschreiben, was "
                         "stattdessen getan wurde."
                       : " No allocation was found that is stable for every family with your "
                         "children together; the published rules say what was done instead.");
  }
  return summary;
}

}  // namespace

Explanation Explain(const Allocator& allocator, const RoundResult& result, uint32_t application,
                    const Participation& participation, Language language) {
  const Placement& placement = result.placements[application];
  Explanation explanation;
  explanation.summary = Summary(allocator, result, application, participation, language);
  if (participation.kind == Participation::Kind::kOut) return explanation;
  const auto choices = allocator.choices(application);
  const size_t above = placement.program < 0 ? choices.size() : placement.choice_rank - 1;
  for (size_t c = 0; c < above; ++c) {
    explanation.choices.push_back(
        {static_cast<int32_t>(c + 1), allocator.instance().programs[choices[c].program].id,
         WhyNot(allocator, result, application, choices[c], participation, language)});
  }
  return explanation;
}

}  // namespace stadt::daycare
