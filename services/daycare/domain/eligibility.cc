#include "services/daycare/domain/eligibility.h"

#include "absl/strings/str_cat.h"

namespace stadt::daycare {
namespace {

std::string ProgramName(const Program& program) {
  return program.name.empty() ? program.id : program.name;
}

// The month the age is measured at: the program's start, else the child's wish.
std::optional<Month> AgeMonth(const Program& program, const Application& application) {
  return program.start_month ? program.start_month : application.desired_start;
}

// Care scopes the city uses, in German words; any other scope is quoted as given.
std::string ScopeInGerman(const std::string& scope) {
  if (scope == "full_day") return "ganztags";
  if (scope == "part_day") return "Teilzeit";
  if (scope == "half_day") return "halbtags";
  return absl::StrCat("„", scope, "“");
}

std::string DescribeAge(IneligibleReason reason, const Program& program,
                        const Application& application, Language language) {
  const Month start = *AgeMonth(program, application);
  const int age = AgeInMonthsAt(*application.birth_date, start);
  const bool too_young = reason == IneligibleReason::kTooYoung;
  const int limit = too_young ? *program.min_age_months : *program.max_age_months;
  if (language == Language::kGerman) {
    const std::string child =
        age < 0
            ? absl::StrCat("Ihr Kind ist im ", MonthInWords(start, language), " noch nicht geboren")
            : absl::StrCat("Ihr Kind ist im ", MonthInWords(start, language), " ",
                           Counted(age, "Monat", "Monate"), " alt");
    // Dative after "ab" and "bis zu": "ab 10 Monaten", "bis zu 1 Monat".
    return absl::StrCat(child, "; ", ProgramName(program), " nimmt Kinder ",
                        too_young ? "ab " : "bis zu ", Counted(limit, "Monat", "Monaten"), " auf.");
  }
  const std::string child =
      age < 0 ? absl::StrCat("Your child will not yet be born in ", MonthInWords(start, language))
              : absl::StrCat("Your child will be ", Counted(age, "month", "months"), " old in ",
                             MonthInWords(start, language));
  return absl::StrCat(child, "; ", ProgramName(program), " takes children ",
                      too_young ? "from " : "up to ", Counted(limit, "month", "months"), ".");
}

std::string Describe(IneligibleReason reason, const Policy& policy, const Program& program,
                     const Application& application, Language language) {
  const bool de = language == Language::kGerman;
  switch (reason) {
    case IneligibleReason::kTooYoung:
    case IneligibleReason::kTooOld:
      return DescribeAge(reason, program, application, language);
    case IneligibleReason::kCareScope:
      return de ? absl::StrCat("Der Betreuungsumfang von ", ProgramName(program), " ist ",
                               ScopeInGerman(program.care_scope), "; beantragt haben Sie ",
                               ScopeInGerman(application.care_scope), ".")
                : absl::StrCat(ProgramName(program), " offers ", program.care_scope,
                               " care; you applied for ", application.care_scope, " care.");
    case IneligibleReason::kStartTooEarly:
      return de ? absl::StrCat(ProgramName(program), " beginnt im ",
                               MonthInWords(*program.start_month, language),
                               ", also vor dem von Ihnen gewünschten Beginn (",
                               MonthInWords(*application.desired_start, language), ").")
                : absl::StrCat(ProgramName(program), " starts in ",
                               MonthInWords(*program.start_month, language),
                               ", before the start you asked for (",
                               MonthInWords(*application.desired_start, language), ").");
    case IneligibleReason::kStartTooLate:
      return de ? absl::StrCat(ProgramName(program), " beginnt im ",
                               MonthInWords(*program.start_month, language), ", mehr als ",
                               Counted(policy.max_start_delay_months, "Monat", "Monate"),
                               " nach dem von Ihnen gewünschten Beginn (",
                               MonthInWords(*application.desired_start, language), ").")
                : absl::StrCat(ProgramName(program), " starts in ",
                               MonthInWords(*program.start_month, language), ", more than ",
                               Counted(policy.max_start_delay_months, "month", "months"),
                               " after the start you asked for (",
                               MonthInWords(*application.desired_start, language), ").");
  }
  return "";
}

}  // namespace

const char* ReasonCode(IneligibleReason reason) {
  switch (reason) {
    case IneligibleReason::kTooYoung:
      return "too_young";
    case IneligibleReason::kTooOld:
      return "too_old";
    case IneligibleReason::kCareScope:
      return "care_scope";
    case IneligibleReason::kStartTooEarly:
      return "start_too_early";
    case IneligibleReason::kStartTooLate:
      return "start_too_late";
  }
  return "unknown";
}

std::optional<IneligibleReason> FindIneligibleReason(const Policy& policy, const Program& program,
                                                     const Application& application) {
  const std::optional<Month> age_month = AgeMonth(program, application);
  if (application.birth_date && age_month) {
    const int age = AgeInMonthsAt(*application.birth_date, *age_month);
    if (program.min_age_months && age < *program.min_age_months) {
      return IneligibleReason::kTooYoung;
    }
    if (program.max_age_months && age > *program.max_age_months) {
      return IneligibleReason::kTooOld;
    }
  }
  if (!program.care_scope.empty() && !application.care_scope.empty() &&
      program.care_scope != application.care_scope) {
    return IneligibleReason::kCareScope;
  }
  if (program.start_month && application.desired_start) {
    const int delay = program.start_month->index - application.desired_start->index;
    if (delay < 0) return IneligibleReason::kStartTooEarly;
    if (delay > policy.max_start_delay_months) return IneligibleReason::kStartTooLate;
  }
  return std::nullopt;
}

std::optional<Ineligibility> CheckEligibility(const Policy& policy, const Program& program,
                                              const Application& application, Language language) {
  const std::optional<IneligibleReason> reason = FindIneligibleReason(policy, program, application);
  if (!reason) return std::nullopt;
  return Ineligibility{*reason, Describe(*reason, policy, program, application, language)};
}

}  // namespace stadt::daycare
