#include "services/daycare/domain/eligibility.h"

#include "absl/strings/str_cat.h"

namespace stadt::daycare {
namespace {

std::string ProgramName(const Program& program) {
  return program.name.empty() ? program.id : program.name;
}

std::optional<Ineligibility> CheckAge(const Program& program, const Application& application) {
  if (!application.birth_date) return std::nullopt;
  std::optional<Month> start =
      program.start_month ? program.start_month : application.desired_start;
  if (!start) return std::nullopt;
  const int age = AgeInMonthsAt(*application.birth_date, *start);
  const std::string when = FormatMonth(*start);
  if (program.min_age_months && age < *program.min_age_months) {
    return Ineligibility{IneligibleReason::kTooYoung,
                         absl::StrCat("Your child will be ", age, " months old in ", when, "; ",
                                      ProgramName(program), " takes children from ",
                                      *program.min_age_months, " months.")};
  }
  if (program.max_age_months && age > *program.max_age_months) {
    return Ineligibility{IneligibleReason::kTooOld,
                         absl::StrCat("Your child will be ", age, " months old in ", when, "; ",
                                      ProgramName(program), " takes children up to ",
                                      *program.max_age_months, " months.")};
  }
  return std::nullopt;
}

std::optional<Ineligibility> CheckScope(const Program& program, const Application& application) {
  if (program.care_scope.empty() || application.care_scope.empty() ||
      program.care_scope == application.care_scope) {
    return std::nullopt;
  }
  return Ineligibility{IneligibleReason::kCareScope,
                       absl::StrCat(ProgramName(program), " offers ", program.care_scope,
                                    " care; you applied for ", application.care_scope, " care.")};
}

std::optional<Ineligibility> CheckStart(const Policy& policy, const Program& program,
                                        const Application& application) {
  if (!program.start_month || !application.desired_start) return std::nullopt;
  const int delay = program.start_month->index - application.desired_start->index;
  if (delay < 0) {
    return Ineligibility{
        IneligibleReason::kStartTooEarly,
        absl::StrCat(ProgramName(program), " starts in ", FormatMonth(*program.start_month),
                     ", before the start you asked for (", FormatMonth(*application.desired_start),
                     ").")};
  }
  if (delay > policy.max_start_delay_months) {
    return Ineligibility{
        IneligibleReason::kStartTooLate,
        absl::StrCat(ProgramName(program), " starts in ", FormatMonth(*program.start_month),
                     ", more than ", policy.max_start_delay_months,
                     " months after the start you asked for (",
                     FormatMonth(*application.desired_start), ").")};
  }
  return std::nullopt;
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

std::optional<Ineligibility> CheckEligibility(const Policy& policy, const Program& program,
                                              const Application& application) {
  if (auto age = CheckAge(program, application)) return age;
  if (auto scope = CheckScope(program, application)) return scope;
  return CheckStart(policy, program, application);
}

}  // namespace stadt::daycare
