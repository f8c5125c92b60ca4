#include "services/daycare/domain/application_rules.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/common/strings.h"

namespace stadt::daycare::season {
namespace {

constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxContactLength = 200;

absl::Status Refuse(std::string_view reason, std::string_view message) {
  return WithReason(absl::InvalidArgumentError(ToAbsl(message)), reason);
}

const Program* FindProgram(const std::vector<Program>& programs, std::string_view id) {
  for (const Program& program : programs) {
    if (program.id == id) return &program;
  }
  return nullptr;
}

// Today's date in UTC, for "born in the future".
Date Today(absl::Time now) {
  const absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
  return Date{static_cast<int>(day.year()), day.month(), day.day()};
}

absl::Status CheckChoices(const std::vector<Program>& programs, const Policy& policy,
                          const Application& application) {
  if (application.choices.empty()) {
    return Refuse("choices_required", "application.choices: at least one program");
  }
  if (application.choices.size() > policy.max_choices) {
    return Refuse("too_many_choices",
                  absl::StrCat("application.choices: at most ", policy.max_choices, " programs"));
  }
  std::set<std::string_view> seen;
  for (size_t i = 0; i < application.choices.size(); ++i) {
    const std::string& id = application.choices[i];
    if (FindProgram(programs, id) == nullptr) {
      return Refuse("unknown_program",
                    absl::StrCat("application.choices[", i, "]: unknown program \"", id, "\""));
    }
    if (!seen.insert(id).second) {
      return Refuse("duplicate_choice", absl::StrCat("application.choices[", i, "]: program \"", id,
                                                     "\" is chosen twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPeople(const Application& application, absl::Time now) {
  if (NormaliseName(application.child.name).empty()) {
    return Refuse("child_name_required", "application.child_name: the child's name is required");
  }
  if (application.child.name.size() > kMaxNameLength) {
    return Refuse("child_name_too_long",
                  absl::StrCat("application.child_name: at most ", kMaxNameLength, " bytes"));
  }
  for (const auto& [field, value] : {std::pair{"guardian_name", &application.guardian.name},
                                     std::pair{"guardian_email", &application.guardian.email},
                                     std::pair{"guardian_phone", &application.guardian.phone}}) {
    if (value->size() > kMaxContactLength) {
      return Refuse("guardian_field_too_long",
                    absl::StrCat("application.", field, ": at most ", kMaxContactLength, " bytes"));
    }
  }
  if (!application.child.birth_date) {
    return Refuse("birth_date_required",
                  "application.birth_date: the child's birth date is required");
  }
  if (application.child.birth_date->SortKey() > Today(now).SortKey()) {
    return Refuse("birth_date_in_future", "application.birth_date: lies in the future");
  }
  return absl::OkStatus();
}

absl::Status CheckCriteria(const Policy& policy, const Application& application) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < application.criteria.size(); ++i) {
    const std::string& id = application.criteria[i];
    const bool known =
        std::any_of(policy.criteria.begin(), policy.criteria.end(),
                    [&id](const Criterion& criterion) { return criterion.id == id; });
    if (!known) {
      return Refuse("unknown_criterion",
                    absl::StrCat("application.criteria[", i, "]: unknown criterion \"", id, "\""));
    }
    if (!seen.insert(id).second) {
      return Refuse(
          "duplicate_criterion",
          absl::StrCat("application.criteria[", i, "]: criterion \"", id, "\" is given twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckScopeAndStart(const std::vector<Program>& programs,
                                const Application& application) {
  if (!application.care_scope.empty()) {
    std::set<std::string_view> scopes;
    for (const Program& program : programs) {
      if (!program.care_scope.empty()) scopes.insert(program.care_scope);
    }
    if (!scopes.contains(application.care_scope)) {
      std::string offered;
      for (std::string_view scope : scopes) {
        absl::StrAppend(&offered, offered.empty() ? "" : ", ", ToAbsl(scope));
      }
      return Refuse("unknown_care_scope",
                    absl::StrCat("application.care_scope: \"", application.care_scope,
                                 "\" is not offered this season (offered: ",
                                 offered.empty() ? "none" : offered, ")"));
    }
  }
  if (application.desired_start) {
    std::optional<Month> first;
    std::optional<Month> last;
    for (const Program& program : programs) {
      if (!program.start_month) continue;
      if (!first || program.start_month->index < first->index) first = program.start_month;
      if (!last || program.start_month->index > last->index) last = program.start_month;
    }
    if (first && (application.desired_start->index < first->index ||
                  application.desired_start->index > last->index)) {
      return Refuse("start_month_outside_season",
                    absl::StrCat("application.start_month: the season's places start from ",
                                 FormatMonth(*first), " to ", FormatMonth(*last)));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSiblings(const std::vector<Program>& programs, const Application& application) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < application.sibling_centres.size(); ++i) {
    const std::string& centre = application.sibling_centres[i];
    const bool known = std::any_of(programs.begin(), programs.end(), [&centre](const Program& p) {
      return (p.centre.empty() ? p.id : p.centre) == centre;
    });
    if (!known) {
      return Refuse("unknown_centre", absl::StrCat("application.sibling_centres[", i,
                                                   "]: no facility \"", centre, "\" this season"));
    }
    if (!seen.insert(centre).second) {
      return Refuse("duplicate_sibling_centre",
                    absl::StrCat("application.sibling_centres[", i, "]: given twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAges(const std::vector<Program>& programs, const Application& application) {
  for (size_t i = 0; i < application.choices.size(); ++i) {
    const Program& program = *FindProgram(programs, application.choices[i]);
    const std::optional<Month> at =
        program.start_month ? program.start_month : application.desired_start;
    if (!at) continue;
    const int age = AgeInMonthsAt(*application.child.birth_date, *at);
    const bool too_young = program.min_age_months && age < *program.min_age_months;
    const bool too_old = program.max_age_months && age > *program.max_age_months;
    if (too_young || too_old) {
      return Refuse(
          "age_outside_program",
          absl::StrCat("application.choices[", i, "]: program \"", program.id,
                       "\" takes children aged ", program.min_age_months.value_or(0), " to ",
                       program.max_age_months.value_or(1200), " months; the child will be ", age,
                       " months old in ", FormatMonth(*at)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateApplication(const std::vector<Program>& programs, const Policy& policy,
                                 const Application& application, absl::Time now) {
  if (absl::Status status = CheckChoices(programs, policy, application); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckPeople(application, now); !status.ok()) return status;
  if (absl::Status status = CheckCriteria(policy, application); !status.ok()) return status;
  if (absl::Status status = CheckScopeAndStart(programs, application); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckSiblings(programs, application); !status.ok()) return status;
  return CheckAges(programs, application);
}

std::string NormaliseName(std::string_view name) {
  std::string out;
  bool pending_space = false;
  auto append = [&](std::string_view text) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(text);
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '\'' || c == ',') {
      pending_space = true;
    } else if (c >= 'A' && c <= 'Z') {
      append(std::string(1, static_cast<char>(c - 'A' + 'a')));
    } else if (c == 0xC3 && i + 1 < name.size()) {
      // Two-byte UTF-8 of U+00C0..U+00FF: the German letters are spelled out.
      const unsigned char next = static_cast<unsigned char>(name[i + 1]);
      switch (next) {
        case 0xA4:  // ä
        case 0x84:  // Ä
          append("ae");
          break;
        case 0xB6:  // ö
        case 0x96:  // Ö
          append("oe");
          break;
        case 0xBC:  // ü
        case 0x9C:  // Ü
          append("ue");
          break;
        case 0x9F:  // ß
          append("ss");
          break;
        default:
          append(name.substr(i, 2));
      }
      ++i;
    } else {
      append(name.substr(i, 1));
    }
  }
  return out;
}

std::string ChildKey(const Application& application) {
  return absl::StrCat(NormaliseName(application.child.name), "|",
                      application.child.birth_date ? FormatDate(*application.child.birth_date) : "",
                      "|", application.owner);
}

}  // namespace stadt::daycare::season
