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

std::string Describe(IneligibleReason reason, const Policy& policy, const Program& program,
                     const Application& application) {
  switch (reason) {
    case IneligibleReason::kTooYoung:
    case IneligibleReason::kTooOld: {
      const Month start = *AgeMonth(program, application);
      const int age = AgeInMonthsAt(*application.birth_date, start);
      const std::string limit = reason == IneligibleReason::kTooYoung
                                    ? absl::StrCat("from ", *program.min_age_months, " months")
                                    : absl::StrCat("up to ", *program.max_age_months, " months");
      return absl::StrCat("Your child will be ", age, " months old in ", FormatMonth(start), "; ",
                          ProgramName(program), " takes children ", limit, ".");
    }
    case IneligibleReason::kCareScope:
      return absl::StrCat(ProgramName(program), " offers ", program.care_scope,
                          " care; you applied for ", application.care_scope, " care.");
    case IneligibleReason::kStartTooEarly:
      return absl::StrCat(ProgramName(program), " starts in ", FormatMonth(*program.start_month),
                          ", before the start you asked for (",
                          FormatMonth(*application.desired_start), ").");
    case IneligibleReason::kStartTooLate:
      return absl::StrCat(ProgramName(program), " starts in ", FormatMonth(*program.start_month),
                          ", more than ", policy.max_start_delay_months,
                          " months after the start you asked for (",
                          FormatMonth(*application.desired_start), ").");
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
                                              const Application& application) {
  const std::optional<IneligibleReason> reason = FindIneligibleReason(policy, program, application);
  if (!reason) return std::nullopt;
  return Ineligibility{*reason, Describe(*reason, policy, program, application)};
}

}  // namespace stadt::daycare
