#include "services/daycare/domain/season_service.h"

#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/contact/sealed_contact.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/daycare/domain/application_rules.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/status_text.h"

namespace stadt::daycare::season {

namespace json = boost::json;
using Kind = Participation::Kind;

Verdict VerdictOf(const Application& application, const std::string& criterion) {
  auto it = application.evidence.find(criterion);
  return it == application.evidence.end() ? Verdict::kUnverified : it->second;
}

std::vector<std::string> CountedCriteria(const Application& application) {
  std::vector<std::string> counted;
  for (const std::string& criterion : application.criteria) {
    if (VerdictOf(application, criterion) == Verdict::kVerified) counted.push_back(criterion);
  }
  return counted;
}

void KeepSiblingPairsThatCanRun(std::vector<daycare::Application>& applications) {
  std::unordered_map<std::string_view, uint32_t> index;
  for (uint32_t a = 0; a < applications.size(); ++a) index.emplace(applications[a].id, a);
  std::vector<int64_t> partner(applications.size(), -1);
  for (uint32_t a = 0; a < applications.size(); ++a) {
    std::string& sibling = applications[a].together_with;
    if (sibling.empty()) continue;
    auto found = index.find(sibling);
    if (found != index.end() && partner[a] == static_cast<int64_t>(found->second)) continue;
    const bool pairs = found != index.end() && found->second != a && partner[a] < 0 &&
                       partner[found->second] < 0 &&
                       (applications[found->second].together_with.empty() ||
                        applications[found->second].together_with == applications[a].id);
    if (!pairs) {
      sibling.clear();
      continue;
    }
    partner[a] = found->second;
    partner[found->second] = a;
  }
}

daycare::Application ToEngine(const Application& application) {
  daycare::Application out;
  out.id = application.id;
  out.choices = application.choices;
  out.birth_date = application.child.birth_date;
  out.desired_start = application.desired_start;
  out.care_scope = application.care_scope;
  out.district = application.district;
  out.together_with = application.together_with;
  // Only what a caseworker verified counts.
  out.criteria = CountedCriteria(application);
  for (const std::string& centre : application.sibling_centres) {
    if (VerdictOf(application, SiblingClaim(centre)) == Verdict::kVerified) {
      out.centre_criteria[centre].push_back("sibling");
    }
  }
  return out;
}

std::string SiblingClaim(const std::string& centre) { return "sibling:" + centre; }

Policy EffectivePolicy(const Policy& policy, const std::vector<Program>& programs) {
  if (policy.sibling_points == 0) return policy;
  Policy effective = policy;
  std::vector<std::string> centres;
  for (const Program& program : programs) {
    const std::string& centre = program.centre.empty() ? program.id : program.centre;
    if (std::find(centres.begin(), centres.end(), centre) != centres.end()) continue;
    centres.push_back(centre);
    effective.criteria.push_back(Criterion{"sibling", policy.sibling_points,
                                           "Geschwisterkind in dieser Einrichtung", centre,
                                           "a sibling at this centre"});
  }
  effective.sibling_points = 0;  // expanded: counting it again would give the points twice
  return effective;
}

absl::Status CheckSeasonId(std::string_view season) {
  constexpr size_t kMaxSeasonIdLength = 64;
  const bool valid =
      !season.empty() && season.size() <= kMaxSeasonIdLength &&
      std::all_of(season.begin(), season.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
  if (!valid) {
    return WithReason(
        absl::InvalidArgumentError("season_id: 1 to 64 letters, digits, '-' or '_' expected"),
        "invalid_season_id");
  }
  return absl::OkStatus();
}

namespace {

// The guardian's address, checked and normalised (reason invalid_email), and
// sealed with the application's id for the notifications service when a key
// is configured. Without an address nothing is mailed.
absl::Status SealContact(Application& application, const std::string& contact_key) {
  application.sealed_contact.clear();
  if (application.guardian.email.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> address =
      contact::NormalizeMailAddress(application.guardian.email, "application.guardian_email");
  if (!address.ok()) return address.status();
  application.guardian.email = *std::move(address);
  if (contact_key.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> sealed =
      contact::Seal(contact_key,
                    {application.guardian.email, application.guardian.name, application.language,
                     application.child.name},
                    application.id);
  if (!sealed.ok()) return sealed.status();
  application.sealed_contact = *std::move(sealed);
  return absl::OkStatus();
}

uint64_t DrawSeed() {
  std::random_device device;
  uint64_t seed = 0;
  while (seed == 0) seed = (uint64_t{device()} << 32) | device();
  return seed;
}

std::string NewApplicationId() {
  std::random_device device;
  return absl::StrCat("A-", absl::Hex(device(), absl::kZeroPad8), absl::Hex(device() & 0xffff));
}

// The engine's errors name "applications[0].x"; a parent sent one application.
absl::Status ForOneApplication(const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrReplaceAll(status.message(), {{"applications[0].", "application."},
                                                             {"applications[0]", "application"}}));
}

int32_t ProgramIndex(const Instance& instance, std::string_view id) {
  for (size_t p = 0; p < instance.programs.size(); ++p) {
    if (instance.programs[p].id == id) return static_cast<int32_t>(p);
  }
  return -1;
}

// How the application takes part in the next round. An offer left open past its
// deadline expires here (`expired_now`): the child leaves.
// A dry run (`what_if`) never refuses: an offer still open is assumed kept, as
// if accepted.
absl::StatusOr<Participation> ParticipationOf(const Instance& instance, Offer& offer,
                                              absl::Time now, bool what_if, bool& expired_now) {
  expired_now = false;
  if (offer.state == OfferState::kOpen && what_if && now < offer.deadline) {
    Participation kept;
    kept.kind = Kind::kHoldsPlace;
    kept.program = ProgramIndex(instance, offer.program);
    for (const std::string& id : offer.declined) {
      const int32_t program = ProgramIndex(instance, id);
      if (program >= 0) kept.declined_programs.push_back(static_cast<uint32_t>(program));
    }
    return kept;
  }
  if (offer.state == OfferState::kOpen) {
    if (now < offer.deadline) {
      return WithReason(
          absl::FailedPreconditionError(absl::StrCat(
              "offers of round ", offer.round, " are still open until ",
              absl::FormatTime(absl::RFC3339_sec, offer.deadline, absl::UTCTimeZone()))),
          "offers_still_open");
    }
    offer.state = OfferState::kExpired;
    offer.kind = Kind::kOut;
    expired_now = true;
  }
  Participation participation;
  participation.kind = offer.kind;
  if (offer.kind == Kind::kHoldsPlace) participation.program = ProgramIndex(instance, offer.held);
  for (const std::string& id : offer.declined) {
    const int32_t program = ProgramIndex(instance, id);
    if (program >= 0) participation.declined_programs.push_back(static_cast<uint32_t>(program));
  }
  return participation;
}

// Open applicants compete (placed or not); a holder that moves up got an offer
// too. Fixed and withdrawn applicants are not part of the round's outcome.
void AddOutcome(const Allocator& allocator, uint32_t a, Kind kind, const std::string& held,
                const std::string& placed_id, int32_t choice_rank,
                std::vector<ApplicantOutcome>& outcomes) {
  const daycare::Application& application = allocator.instance().applications[a];
  const bool placed = !placed_id.empty();
  const std::string age_group(CoarseAgeGroup(AgeInMonthsAtStart(allocator, a)));
  if (kind == Kind::kOpen) {
    outcomes.push_back({application.district, true, placed, placed && choice_rank == 1, age_group});
  } else if (kind == Kind::kHoldsPlace && placed && placed_id != held) {
    outcomes.push_back({application.district, false, true, choice_rank == 1, age_group});
  }
}

uint32_t Count(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_int64() || value->as_int64() < 0) return 0;
  return static_cast<uint32_t>(value->as_int64());
}

RoundStats StatsFromJson(const json::value& value) {
  RoundStats stats;
  if (!value.is_object()) return stats;
  const json::object& object = value.as_object();
  stats.applications = Count(object, "applications");
  stats.placed = Count(object, "placed");
  stats.placed_first_choice = Count(object, "placed_first_choice");
  stats.unplaced = Count(object, "unplaced");
  stats.places = Count(object, "places");
  stats.places_filled = Count(object, "places_filled");
  stats.ineligible_choices = Count(object, "ineligible_choices");
  if (const json::value* ranks = object.if_contains("placed_by_choice_rank");
      ranks && ranks->is_array()) {
    for (const json::value& rank : ranks->as_array()) {
      stats.placed_by_choice_rank.push_back(rank.is_int64() ? static_cast<uint32_t>(rank.as_int64())
                                                            : 0);
    }
  }
  for (const auto& [key, out] : {std::pair{"unplaced_by_age_years", &stats.unplaced_by_age_years},
                                 std::pair{"unplaced_by_district", &stats.unplaced_by_district}}) {
    const json::value* counts = object.if_contains(key);
    if (counts == nullptr || !counts->is_object()) continue;
    for (const auto& entry : counts->as_object()) {
      (*out)[std::string(entry.key())] = Count(counts->as_object(), entry.key());
    }
  }
  return stats;
}

absl::StatusOr<json::value> ParseStored(std::string_view text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error) return absl::InternalError("stored season data is not JSON");
  return value;
}

uint64_t SeedOf(const json::value& value) {
  if (const uint64_t* seed = value.if_uint64()) return *seed;
  if (const int64_t* seed = value.if_int64()) return static_cast<uint64_t>(*seed);
  return 0;
}

// Every program's waiting list after a round: the children who wished it above
// what they got (or got nothing), can take it (eligible, not declined before)
// and still take part, in the program's priority order. Per application, its
// rank on each such list, in the order of its wishes.
std::vector<std::vector<WaitingRank>> WaitingLists(
    const Allocator& allocator, const RoundResult& result,
    const std::vector<Participation>& participation) {
  const Instance& instance = allocator.instance();
  const size_t n = instance.applications.size();
  struct Entry {
    Priority priority;
    uint32_t application;
    int32_t position;  // in the application's wishes
  };
  std::vector<std::vector<Entry>> lists(instance.programs.size());
  for (uint32_t a = 0; a < n; ++a) {
    const Participation& taking_part = participation[a];
    if (taking_part.kind == Kind::kOut || taking_part.kind == Kind::kFixed) continue;
    const int32_t got = result.placements[a].choice_rank;  // 0: no place
    std::span<const EvaluatedChoice> choices = allocator.choices(a);
    for (size_t i = 0; i < choices.size(); ++i) {
      if (got != 0 && static_cast<int32_t>(i) + 1 >= got) break;
      const EvaluatedChoice& choice = choices[i];
      if (choice.ineligible) continue;
      if (std::find(taking_part.declined_programs.begin(), taking_part.declined_programs.end(),
                    choice.program) != taking_part.declined_programs.end()) {
        continue;
      }
      lists[choice.program].push_back(
          {allocator.PriorityAt(a, choice.points), a, static_cast<int32_t>(i)});
    }
  }
  std::vector<std::vector<std::pair<int32_t, WaitingRank>>> ranked(n);
  for (size_t p = 0; p < lists.size(); ++p) {
    std::vector<Entry>& list = lists[p];
    std::sort(list.begin(), list.end(),
              [](const Entry& x, const Entry& y) { return Outranks(x.priority, y.priority); });
    for (size_t r = 0; r < list.size(); ++r) {
      ranked[list[r].application].push_back(
          {list[r].position, WaitingRank{instance.programs[p].id, static_cast<uint32_t>(r + 1)}});
    }
  }
  std::vector<std::vector<WaitingRank>> waiting(n);
  for (size_t a = 0; a < n; ++a) {
    std::sort(ranked[a].begin(), ranked[a].end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    for (auto& [position, rank] : ranked[a]) waiting[a].push_back(std::move(rank));
  }
  return waiting;
}

}  // namespace

struct SeasonService::PreparedRound {
  uint32_t round = 0;  // the number this round gets
  std::string version;
  uint64_t seed = 0;
  json::object inputs;  // seed, programs, applications, policy
  std::optional<Allocator> allocator;
  std::vector<Participation> participation;
  std::vector<Offer> offers;      // per application, as before this round
  std::vector<bool> expired_now;  // per application: this round expires its offer
  RoundResult result;
};

absl::StatusOr<size_t> SeasonService::PutPrograms(std::string_view season,
                                                  const std::vector<Program>& programs) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  if (programs.empty()) {
    return WithReason(absl::InvalidArgumentError("programs: at least one program"),
                      "invalid_programs");
  }
  Instance instance;
  instance.programs = programs;
  // The engine's checks (unique ids, capacities) on the programs alone.
  if (absl::Status checked = Allocator::Create(std::move(instance), Policy{}).status();
      !checked.ok()) {
    return WithReason(checked, "invalid_programs");
  }
  STADT_RETURN_IF_ERROR(repository_.PutPrograms(season, programs));
  return programs.size();
}

absl::StatusOr<Policy> SeasonService::PutPolicy(std::string_view season,
                                                std::string_view policy_json) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  absl::StatusOr<Policy> policy = ParsePolicy(policy_json);
  if (!policy.ok()) return WithReason(policy.status(), "invalid_policy");
  // A criterion listed twice would count twice for one claim.
  std::set<std::pair<std::string, std::string>> seen;
  for (const Criterion& criterion : policy->criteria) {
    if (!seen.emplace(criterion.id, criterion.centre).second) {
      return WithReason(absl::InvalidArgumentError(
                            absl::StrCat("criteria: \"", criterion.id, "\" is listed twice")),
                        "invalid_policy");
    }
  }
  STADT_RETURN_IF_ERROR(repository_.PutPolicy(season, *policy));
  return *std::move(policy);
}

absl::Status SeasonService::SetPeriod(std::string_view season, bool open) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  return repository_.SetPeriod(season, open ? Period::kOpen : Period::kClosed);
}

absl::StatusOr<PolicyView> SeasonService::GetPolicy(std::string_view season) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  PolicyView view;
  view.city_default = !setup.policy.has_value();
  view.policy = setup.policy.value_or(default_policy_);
  view.frozen = setup.rounds > 0;
  return view;
}

namespace {

struct MonthRange {
  int from = 0;
  int to = 0;  // inclusive
};

std::optional<MonthRange> AgeGroupMonths(std::string_view group) {
  if (group == "under-1") return MonthRange{0, 11};
  if (group == "1-2") return MonthRange{12, 23};
  if (group == "2-3") return MonthRange{24, 35};
  if (group == "3-6") return MonthRange{36, 71};
  if (group == "6-plus") return MonthRange{72, 1200};
  return std::nullopt;
}

bool TakesAgeGroup(const Program& program, const MonthRange& group) {
  const int from = program.min_age_months.value_or(0);
  const int to = program.max_age_months.value_or(1200);
  return from <= group.to && to >= group.from;
}

std::vector<std::string> AgeGroupsOf(const Program& program) {
  std::vector<std::string> groups;
  for (const char* group : {"under-1", "1-2", "2-3", "3-6", "6-plus"}) {
    if (TakesAgeGroup(program, *AgeGroupMonths(group))) groups.emplace_back(group);
  }
  return groups;
}

}  // namespace

absl::StatusOr<std::vector<Program>> SeasonService::ListPrograms(std::string_view season,
                                                                 const DirectoryFilter& filter) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  std::optional<MonthRange> group;
  if (!filter.age_group.empty()) {
    group = AgeGroupMonths(filter.age_group);
    if (!group) {
      return WithReason(
          absl::InvalidArgumentError("age_group: one of under-1, 1-2, 2-3, 3-6, 6-plus expected"),
          "unknown_age_group");
    }
  }
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  if (setup.programs.empty()) {
    return WithReason(absl::NotFoundError("season not found or it has no programs yet"),
                      "season_not_found");
  }
  std::vector<Program> programs;
  for (Program& program : setup.programs) {
    if (!filter.district.empty() && program.district != filter.district) continue;
    if (!filter.care_scope.empty() && !program.care_scope.empty() &&
        program.care_scope != filter.care_scope) {
      continue;
    }
    if (group && !TakesAgeGroup(program, *group)) continue;
    programs.push_back(std::move(program));
  }
  return programs;
}

absl::StatusOr<std::vector<Facility>> SeasonService::ListFacilities(std::string_view season,
                                                                    const DirectoryFilter& filter) {
  STADT_ASSIGN_OR_RETURN(std::vector<Program> programs, ListPrograms(season, filter));
  std::vector<Facility> facilities;
  for (Program& program : programs) {
    const std::string id = program.centre.empty() ? program.id : program.centre;
    auto facility = std::find_if(facilities.begin(), facilities.end(),
                                 [&id](const Facility& f) { return f.id == id; });
    if (facility == facilities.end()) {
      facilities.push_back(Facility{});
      facility = facilities.end() - 1;
      facility->id = id;
    }
    // The first program that names a field names it for the facility.
    auto fill = [](std::string& out, const std::string& value) {
      if (out.empty()) out = value;
    };
    fill(facility->name, program.centre_name);
    fill(facility->address, program.address);
    fill(facility->district, program.district);
    fill(facility->opening_hours, program.opening_hours);
    for (std::string& group : AgeGroupsOf(program)) {
      if (std::find(facility->age_groups.begin(), facility->age_groups.end(), group) ==
          facility->age_groups.end()) {
        facility->age_groups.push_back(std::move(group));
      }
    }
    if (!program.care_scope.empty() &&
        std::find(facility->care_scopes.begin(), facility->care_scopes.end(), program.care_scope) ==
            facility->care_scopes.end()) {
      facility->care_scopes.push_back(program.care_scope);
    }
    facility->programs.push_back(std::move(program));
  }
  for (Facility& facility : facilities) {
    if (facility.name.empty()) facility.name = facility.programs.front().name;
    if (facility.name.empty()) facility.name = facility.id;
    std::sort(facility.care_scopes.begin(), facility.care_scopes.end());
    std::sort(facility.age_groups.begin(), facility.age_groups.end(),
              [](const std::string& a, const std::string& b) {
                return AgeGroupMonths(a)->from < AgeGroupMonths(b)->from;
              });
  }
  return facilities;
}

absl::Status SeasonService::CheckSibling(std::string_view season, const Application& application) {
  if (application.together_with.empty()) return absl::OkStatus();
  auto refuse = [](std::string_view problem) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat("application.together_with: ", ToAbsl(problem))),
        "unknown_sibling_application");
  };
  if (application.together_with == application.id) return refuse("must name another application");
  STADT_ASSIGN_OR_RETURN(std::optional<Application> sibling,
                         repository_.GetApplication(season, application.together_with));
  // Another guardian's application is "unknown" too: ids are not to be probed.
  if (!sibling || sibling->owner != application.owner || sibling->withdrawn) {
    return refuse("no application of yours with this id in the season");
  }
  if (!sibling->together_with.empty() && sibling->together_with != application.id) {
    return WithReason(
        absl::InvalidArgumentError("application.together_with: that application is placed together "
                                   "with another one"),
        "sibling_already_paired");
  }
  return absl::OkStatus();
}

absl::StatusOr<ApplicationView> SeasonService::SubmitApplication(std::string_view season,
                                                                 std::string_view subject,
                                                                 std::string_view id,
                                                                 Application application,
                                                                 Language language) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  if (subject.empty()) return absl::PermissionDeniedError("a signed-in parent is required");
  const bool is_new = id.empty();
  application.id = is_new ? NewApplicationId() : std::string(id);
  application.owner = std::string(subject);
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  if (setup.programs.empty()) {
    return WithReason(absl::NotFoundError("season not found or it has no programs yet"),
                      "season_not_found");
  }
  const Policy policy = setup.policy.value_or(default_policy_);
  STADT_RETURN_IF_ERROR(ValidateApplication(setup.programs, policy, application, clock_.Now()));
  STADT_RETURN_IF_ERROR(CheckSibling(season, application));
  application.language = language == Language::kEnglish ? "en" : "de";
  STADT_RETURN_IF_ERROR(SealContact(application, contact_key_));
  Instance instance;
  instance.programs = setup.programs;
  instance.applications.push_back(ToEngine(application));
  instance.applications.back().together_with.clear();  // the sibling is not in this check
  absl::StatusOr<Allocator> checked =
      Allocator::Create(std::move(instance), EffectivePolicy(policy, setup.programs));
  if (!checked.ok()) return ForOneApplication(checked.status());
  STADT_RETURN_IF_ERROR(repository_.SaveApplication(season, application, is_new));
  STADT_ASSIGN_OR_RETURN(std::optional<Application> stored,
                         repository_.GetApplication(season, application.id));
  if (!stored) return absl::InternalError("stored application vanished");
  return View(season, *std::move(stored), setup, language);
}

absl::StatusOr<int> SeasonService::RemindExpiringOffers(std::string_view season,
                                                        absl::Duration lead) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  return repository_.RemindExpiringOffers(season, clock_.Now(), lead);
}

absl::StatusOr<ApplicationView> SeasonService::GetApplication(std::string_view season,
                                                              std::string_view subject,
                                                              std::string_view id,
                                                              Language language) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  STADT_ASSIGN_OR_RETURN(std::optional<Application> application,
                         repository_.GetApplication(season, id));
  if (!application || application->owner != subject) {
    return WithReason(absl::NotFoundError("application not found"), "application_not_found");
  }
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  return View(season, *std::move(application), setup, language);
}

absl::StatusOr<std::vector<ApplicationView>> SeasonService::ListApplications(
    std::string_view season, std::string_view subject, Language language) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  if (subject.empty()) return absl::PermissionDeniedError("a signed-in parent is required");
  STADT_ASSIGN_OR_RETURN(std::vector<Application> applications,
                         repository_.ListApplicationsOf(season, subject));
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  std::vector<ApplicationView> views;
  for (Application& application : applications) {
    STADT_ASSIGN_OR_RETURN(ApplicationView view,
                           View(season, std::move(application), setup, language));
    views.push_back(std::move(view));
  }
  return views;
}

absl::StatusOr<ApplicationView> SeasonService::View(std::string_view season,
                                                    Application application, const Setup& setup,
                                                    Language language) {
  const std::vector<Program>& programs = setup.programs;
  const Policy& policy = setup.policy ? *setup.policy : default_policy_;
  STADT_ASSIGN_OR_RETURN(Offer offer, repository_.GetOffer(season, application.id));
  if (offer.state == OfferState::kAccepted) offer.program = offer.held;
  if (offer.state == OfferState::kOpen && clock_.Now() >= offer.deadline) {
    offer.state = OfferState::kExpired;
  }
  ApplicationView view;
  view.application = std::move(application);
  view.offer = std::move(offer);
  view.state = StateOf(view.application, view.offer, setup.rounds);
  view.round = view.offer.state == OfferState::kNone ? view.offer.last_round : view.offer.round;
  for (const std::string& id : view.application.criteria) {
    CriterionView criterion;
    criterion.id = id;
    criterion.label = id;
    for (const Criterion& known : policy.criteria) {
      if (known.id != id || known.label.empty()) continue;
      criterion.label =
          language == Language::kEnglish && !known.label_en.empty() ? known.label_en : known.label;
    }
    criterion.verdict = VerdictOf(view.application, id);
    criterion.counted = criterion.verdict == Verdict::kVerified;
    view.criteria.push_back(std::move(criterion));
  }
  for (const std::string& centre : view.application.sibling_centres) {
    CriterionView criterion;
    criterion.id = SiblingClaim(centre);
    std::string centre_name = centre;
    for (const Program& program : programs) {
      if (program.centre == centre && !program.centre_name.empty())
        centre_name = program.centre_name;
    }
    criterion.label = language == Language::kGerman
                          ? absl::StrCat("Geschwisterkind in ", centre_name)
                          : absl::StrCat("sibling at ", centre_name);
    criterion.verdict = VerdictOf(view.application, criterion.id);
    criterion.counted = criterion.verdict == Verdict::kVerified && policy.sibling_points > 0;
    view.criteria.push_back(std::move(criterion));
  }
  // The parent reads the last round's explanation in the language of the request.
  if (language == Language::kEnglish) view.offer.explanation = std::move(view.offer.explanation_en);
  view.offer.explanation_en = {};
  view.status_text = DescribeStatus(view, programs, language);
  if (std::string criteria = DescribeCriteria(view.criteria, language); !criteria.empty()) {
    absl::StrAppend(&view.status_text, " ", criteria);
  }
  return view;
}

absl::StatusOr<ApplicationView> SeasonService::AnswerOffer(std::string_view season,
                                                           std::string_view subject,
                                                           std::string_view id, bool accept,
                                                           Language language) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  absl::Status answered =
      repository_.AnswerOffer(season, id, subject, accept, clock_.Now()).status();
  // The store's script refuses an application without an open offer (none
  // yet, or it was answered, withdrawn or expired) as a bare precondition.
  if (answered.code() == absl::StatusCode::kFailedPrecondition && ReasonOf(answered).empty()) {
    answered = WithReason(answered, "offer_not_open");
  }
  STADT_RETURN_IF_ERROR(answered);
  return GetApplication(season, subject, id, language);
}

absl::StatusOr<ApplicationView> SeasonService::Withdraw(std::string_view season,
                                                        std::string_view subject,
                                                        std::string_view id, Language language) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  STADT_RETURN_IF_ERROR(repository_.Withdraw(season, id, subject, clock_.Now()));
  return GetApplication(season, subject, id, language);
}

absl::StatusOr<std::vector<ApplicationView>> SeasonService::SearchApplications(
    std::string_view season, const SearchFilter& filter) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  STADT_ASSIGN_OR_RETURN(std::vector<Application> applications,
                         repository_.ListApplications(season));
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  const std::string text = NormaliseName(filter.text);
  std::vector<ApplicationView> views;
  for (Application& application : applications) {
    if (!text.empty() && application.id != filter.text &&
        NormaliseName(application.child.name).find(text) == std::string::npos &&
        NormaliseName(application.guardian.name).find(text) == std::string::npos) {
      continue;
    }
    if (filter.duplicates_only && application.duplicate_attempts == 0) continue;
    if (filter.unverified_only &&
        std::none_of(application.criteria.begin(), application.criteria.end(),
                     [&application](const std::string& criterion) {
                       return VerdictOf(application, criterion) == Verdict::kUnverified;
                     })) {
      continue;
    }
    STADT_ASSIGN_OR_RETURN(ApplicationView view,
                           View(season, std::move(application), setup, Language::kGerman));
    views.push_back(std::move(view));
  }
  return views;
}

absl::StatusOr<ApplicationView> SeasonService::OpenApplication(std::string_view season,
                                                               std::string_view id) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  STADT_ASSIGN_OR_RETURN(std::optional<Application> application,
                         repository_.GetApplication(season, id));
  if (!application) {
    return WithReason(absl::NotFoundError("application not found"), "application_not_found");
  }
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  return View(season, *std::move(application), setup, Language::kGerman);
}

absl::StatusOr<ApplicationView> SeasonService::ExplainResult(std::string_view season,
                                                             std::string_view id,
                                                             Language language) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  STADT_ASSIGN_OR_RETURN(std::optional<Application> application,
                         repository_.GetApplication(season, id));
  if (!application) {
    return WithReason(absl::NotFoundError("application not found"), "application_not_found");
  }
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  STADT_ASSIGN_OR_RETURN(ApplicationView view,
                         View(season, *std::move(application), setup, language));
  // What explains the result stays; who the family is and the casework do not.
  view.application.owner.clear();
  view.application.guardian = {};
  view.application.corrections.clear();
  view.application.duplicate_attempts = 0;
  view.application.sealed_contact.clear();
  return view;
}

absl::StatusOr<ApplicationView> SeasonService::SetVerdict(std::string_view season,
                                                          std::string_view id,
                                                          std::string_view criterion,
                                                          Verdict verdict) {
  STADT_ASSIGN_OR_RETURN(ApplicationView view, OpenApplication(season, id));
  const bool sibling_claim = std::any_of(
      view.application.sibling_centres.begin(), view.application.sibling_centres.end(),
      [&criterion](const std::string& centre) { return SiblingClaim(centre) == criterion; });
  if (!sibling_claim &&
      std::find(view.application.criteria.begin(), view.application.criteria.end(), criterion) ==
          view.application.criteria.end()) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat("criterion \"", ToAbsl(criterion),
                                                   "\" is not claimed by this application")),
        "criterion_not_claimed");
  }
  STADT_RETURN_IF_ERROR(repository_.SetVerdict(season, id, criterion, verdict));
  return OpenApplication(season, id);
}

absl::StatusOr<ApplicationView> SeasonService::CorrectApplication(std::string_view season,
                                                                  std::string_view caseworker,
                                                                  std::string_view id,
                                                                  Application corrected,
                                                                  std::string_view reason) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  if (reason.find_first_not_of(" \t\n") == std::string_view::npos) {
    return WithReason(absl::InvalidArgumentError("reason: say why the application is corrected"),
                      "correction_reason_required");
  }
  if (reason.size() > 1000) {
    return WithReason(absl::InvalidArgumentError("reason: at most 1000 bytes"),
                      "correction_reason_too_long");
  }
  STADT_ASSIGN_OR_RETURN(std::optional<Application> stored, repository_.GetApplication(season, id));
  if (!stored) {
    return WithReason(absl::NotFoundError("application not found"), "application_not_found");
  }
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  corrected.id = stored->id;
  corrected.owner = stored->owner;
  const Policy policy = setup.policy.value_or(default_policy_);
  STADT_RETURN_IF_ERROR(ValidateApplication(setup.programs, policy, corrected, clock_.Now()));
  STADT_RETURN_IF_ERROR(CheckSibling(season, corrected));
  Correction correction;
  correction.at = clock_.Now();
  correction.caseworker = std::string(caseworker);
  correction.reason = std::string(reason);
  STADT_RETURN_IF_ERROR(repository_.CorrectApplication(season, corrected, correction));
  return OpenApplication(season, id);
}

absl::StatusOr<SeasonService::PreparedRound> SeasonService::Prepare(std::string_view season,
                                                                    uint64_t seed, bool what_if) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  PreparedRound prepared;
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  prepared.round = setup.rounds + 1;
  prepared.version = setup.version.empty() ? "0" : setup.version;

  Instance instance;
  Policy policy;
  if (setup.rounds == 0) {
    if (!what_if && setup.period != Period::kClosed) {
      return WithReason(
          absl::FailedPreconditionError("the application period must be closed first"),
          "period_still_open");
    }
    STADT_ASSIGN_OR_RETURN(std::vector<Application> applications,
                           repository_.ListApplications(season));
    prepared.seed = seed == 0 ? DrawSeed() : seed;
    policy = setup.policy.value_or(default_policy_);
    instance.seed = prepared.seed;
    instance.programs = std::move(setup.programs);
    json::array programs;
    for (const Program& program : instance.programs) programs.push_back(ProgramToJson(program));
    json::array engine_applications;
    for (const Application& application : applications) {
      if (application.withdrawn) continue;  // withdrawn before the first round: not an input
      if (policy.block_unverified &&
          std::any_of(application.criteria.begin(), application.criteria.end(),
                      [&application](const std::string& criterion) {
                        return VerdictOf(application, criterion) == Verdict::kUnverified;
                      })) {
        continue;  // the policy keeps applications with unchecked claims out
      }
      instance.applications.push_back(ToEngine(application));
    }
    KeepSiblingPairsThatCanRun(instance.applications);
    for (const daycare::Application& application : instance.applications) {
      engine_applications.push_back(ApplicationToJson(application));
    }
    prepared.inputs["seed"] = prepared.seed;
    prepared.inputs["programs"] = std::move(programs);
    prepared.inputs["applications"] = std::move(engine_applications);
    policy = EffectivePolicy(policy, instance.programs);
    prepared.inputs["policy"] = PolicyToJson(policy);
  } else {
    // Move-up rounds run on the inputs the first round froze.
    STADT_ASSIGN_OR_RETURN(std::optional<std::string> first,
                           repository_.GetRoundDocument(season, 1));
    if (!first) return absl::InternalError("round 1 is missing");
    STADT_ASSIGN_OR_RETURN(json::value document, ParseStored(*first));
    if (!document.is_object()) return absl::InternalError("stored round is malformed");
    for (const char* key : {"seed", "programs", "applications", "policy"}) {
      const json::value* value = document.as_object().if_contains(key);
      if (value == nullptr) return absl::InternalError("stored round is malformed");
      prepared.inputs[key] = *value;
    }
    prepared.seed = SeedOf(prepared.inputs["seed"]);
    absl::StatusOr<ParsedInstance> parsed = ParseInstance(json::serialize(prepared.inputs));
    if (!parsed.ok()) return absl::InternalError("stored round is malformed");
    instance = std::move(parsed->instance);
    policy = parsed->policy.value_or(Policy{});
  }

  STADT_ASSIGN_OR_RETURN(Allocator allocator, Allocator::Create(std::move(instance), policy));
  prepared.allocator.emplace(std::move(allocator));

  const Instance& prepared_instance = prepared.allocator->instance();
  const absl::Time now = clock_.Now();
  std::vector<std::string> ids;
  ids.reserve(prepared_instance.applications.size());
  for (const daycare::Application& application : prepared_instance.applications) {
    ids.push_back(application.id);
  }
  STADT_ASSIGN_OR_RETURN(std::vector<Offer> offers, repository_.GetOffers(season, ids));
  for (Offer& offer : offers) {
    bool expired_now = false;
    STADT_ASSIGN_OR_RETURN(Participation participation,
                           ParticipationOf(prepared_instance, offer, now, what_if, expired_now));
    prepared.participation.push_back(std::move(participation));
    prepared.offers.push_back(std::move(offer));
    prepared.expired_now.push_back(expired_now);
  }
  prepared.result = prepared.allocator->Run(prepared.participation);
  return prepared;
}

absl::StatusOr<RoundStats> SeasonService::DryRun(std::string_view season, uint64_t seed) {
  STADT_ASSIGN_OR_RETURN(PreparedRound prepared, Prepare(season, seed, /*what_if=*/true));
  return ComputeStats(*prepared.allocator, prepared.result);
}

absl::StatusOr<RoundView> SeasonService::PublishRound(std::string_view season,
                                                      uint32_t expected_round, uint64_t seed,
                                                      absl::Time deadline) {
  return Publish(season, expected_round, seed, deadline, /*only_if_it_changes=*/false);
}

absl::StatusOr<RoundView> SeasonService::PublishNextRoundIfItChangesAnything(
    std::string_view season, absl::Time deadline) {
  return Publish(season, 0, 0, deadline, /*only_if_it_changes=*/true);
}

absl::StatusOr<RoundView> SeasonService::Publish(std::string_view season, uint32_t expected_round,
                                                 uint64_t seed, absl::Time deadline,
                                                 bool only_if_it_changes) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  const absl::Time now = clock_.Now();
  if (deadline <= now)
    return WithReason(absl::InvalidArgumentError("deadline: must be in the future"),
                      "deadline_in_past");
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  if (expected_round != 0 && expected_round <= setup.rounds) {
    return WithReason(
        absl::AlreadyExistsError(absl::StrCat("round ", expected_round, " is already published")),
        "round_already_published");
  }
  if (expected_round != 0 && expected_round != setup.rounds + 1) {
    return WithReason(absl::FailedPreconditionError(absl::StrCat(
                          "round ", expected_round, " cannot follow round ", setup.rounds)),
                      "round_out_of_order");
  }
  STADT_ASSIGN_OR_RETURN(PreparedRound prepared, Prepare(season, seed, /*what_if=*/false));
  const Allocator& allocator = *prepared.allocator;
  const Instance& instance = allocator.instance();

  json::array participation;
  std::vector<ApplicantOutcome> outcomes;
  std::vector<ExpiredOffer> expired_offers;
  RoundWrite write;
  write.round = prepared.round;
  write.version_seen = prepared.version;
  bool changes = false;  // a new offer or a held place moving up
  std::vector<std::vector<WaitingRank>> waiting =
      WaitingLists(allocator, prepared.result, prepared.participation);
  for (uint32_t a = 0; a < instance.applications.size(); ++a) {
    Offer& offer = prepared.offers[a];
    const Participation& before = prepared.participation[a];
    const int32_t placed = prepared.result.placements[a].program;
    const std::string placed_id = placed >= 0 ? instance.programs[placed].id : "";
    json::array declined;
    for (const std::string& id : offer.declined) declined.emplace_back(id);
    participation.push_back(json::object{{"application", instance.applications[a].id},
                                         {"kind", std::string(ParticipationKindName(before.kind))},
                                         {"held", offer.held},
                                         {"declined", std::move(declined)}});
    AddOutcome(allocator, a, before.kind, offer.held, placed_id,
               prepared.result.placements[a].choice_rank, outcomes);
    if (prepared.expired_now[a]) {
      expired_offers.push_back(
          {instance.applications[a].id, instance.applications[a].district, offer.round});
    }
    if (before.kind == Kind::kHoldsPlace) {
      // Moving up is automatic; the better place counts as accepted too.
      if (placed_id != offer.held) {
        changes = true;
        offer.held = placed_id;
        offer.program = placed_id;
        offer.round = prepared.round;
      }
    } else if (before.kind == Kind::kOpen && placed >= 0) {
      changes = true;
      offer.state = OfferState::kOpen;
      offer.program = placed_id;
      offer.round = prepared.round;
      offer.deadline = absl::FromUnixSeconds(absl::ToUnixSeconds(deadline));
    }
    offer.explanation =
        Explain(allocator, prepared.result, a, prepared.participation[a], Language::kGerman);
    offer.explanation_en =
        Explain(allocator, prepared.result, a, prepared.participation[a], Language::kEnglish);
    offer.last_round = prepared.round;
    offer.waiting = std::move(waiting[a]);
    write.offers.emplace_back(instance.applications[a].id, std::move(offer));
  }

  if (only_if_it_changes && !changes) {
    return absl::FailedPreconditionError(
        absl::StrCat("settled: round ", prepared.round, " would change no offer"));
  }
  STADT_ASSIGN_OR_RETURN(json::value result,
                         ParseStored(ResultToJson(allocator, prepared.result, /*explain=*/false)));
  json::object document = prepared.inputs;
  document["round"] = prepared.round;
  document["published_at"] = absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone());
  document["deadline"] = absl::FormatTime(absl::RFC3339_sec, deadline, absl::UTCTimeZone());
  document["participation"] = std::move(participation);
  document["result"] = std::move(result);
  write.document = json::serialize(document);
  RoundView view{.round = prepared.round,
                 .seed = prepared.seed,
                 .stats = ComputeStats(allocator, prepared.result),
                 .document = write.document,
                 .outcomes = std::move(outcomes),
                 .expired_offers = std::move(expired_offers)};
  STADT_RETURN_IF_ERROR(repository_.PublishRound(season, write));
  return view;
}

absl::StatusOr<RoundView> SeasonService::GetRound(std::string_view season, uint32_t round) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  if (round == 0) {
    return WithReason(absl::NotFoundError("round: rounds count from 1"), "round_not_found");
  }
  STADT_ASSIGN_OR_RETURN(std::optional<std::string> text,
                         repository_.GetRoundDocument(season, round));
  if (!text)
    return WithReason(absl::NotFoundError(absl::StrCat("round ", round, " not found")),
                      "round_not_found");
  STADT_ASSIGN_OR_RETURN(json::value document, ParseStored(*text));
  RoundView view;
  view.round = round;
  view.document = *std::move(text);
  if (!document.is_object()) return view;
  const json::object& object = document.as_object();
  if (const json::value* seed = object.if_contains("seed")) view.seed = SeedOf(*seed);
  if (const json::value* result = object.if_contains("result"); result && result->is_object()) {
    if (const json::value* stats = result->as_object().if_contains("stats")) {
      view.stats = StatsFromJson(*stats);
    }
  }
  return view;
}

absl::StatusOr<int> SeasonService::SetOfferDeadline(std::string_view season, uint32_t round,
                                                    absl::Time deadline) {
  STADT_RETURN_IF_ERROR(CheckSeasonId(season));
  const absl::Time now = clock_.Now();
  if (deadline <= now)
    return WithReason(absl::InvalidArgumentError("deadline: must be in the future"),
                      "deadline_in_past");
  STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
  if (round == 0 || round > setup.rounds) {
    return WithReason(absl::NotFoundError(absl::StrCat("round ", round, " not found")),
                      "round_not_found");
  }
  return repository_.SetOfferDeadline(season, round, deadline, now);
}

namespace {

privacy::Record ApplicationExport(std::string_view season, const Application& application) {
  privacy::Record record;
  record.kind = "daycare_application";
  record.id = application.id;
  record.retention = privacy::RetentionClass::kServiceRecord;
  record.fields = {
      {"season", std::string(season)},
      {"child_name", application.child.name},
      {"child_birth_date",
       application.child.birth_date ? FormatDate(*application.child.birth_date) : ""},
      {"guardian_name", application.guardian.name},
      {"guardian_email", application.guardian.email},
      {"guardian_phone", application.guardian.phone},
      {"choices", absl::StrJoin(application.choices, ",")},
      {"care_scope", application.care_scope},
      {"district", application.district},
      {"criteria", absl::StrJoin(application.criteria, ",")},
      {"sibling_centres", absl::StrJoin(application.sibling_centres, ",")},
      {"withdrawn", application.withdrawn ? "true" : "false"},
  };
  return record;
}

}  // namespace

absl::StatusOr<std::vector<privacy::Record>> SeasonService::PersonalRecords(
    std::string_view subject) {
  if (subject.empty()) return absl::UnauthenticatedError("no subject");
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> seasons, repository_.SeasonsOf(subject));
  std::vector<privacy::Record> records;
  for (const std::string& season : seasons) {
    STADT_ASSIGN_OR_RETURN(std::vector<Application> applications,
                           repository_.ListApplicationsOf(season, subject));
    for (const Application& application : applications) {
      records.push_back(ApplicationExport(season, application));
    }
  }
  return records;
}

absl::StatusOr<privacy::Erasure> SeasonService::ErasePersonalData(std::string_view subject) {
  if (subject.empty()) return absl::UnauthenticatedError("no subject");
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> seasons, repository_.SeasonsOf(subject));
  privacy::Erasure erasure;
  for (const std::string& season : seasons) {
    STADT_ASSIGN_OR_RETURN(std::vector<Application> applications,
                           repository_.ListApplicationsOf(season, subject));
    STADT_ASSIGN_OR_RETURN(Setup setup, repository_.ReadSetup(season));
    STADT_ASSIGN_OR_RETURN(int erased, repository_.EraseApplicationsOf(season, subject));
    erasure.erased += erased;
    if (setup.rounds == 0) continue;
    for (const Application& application : applications) {
      privacy::KeptRecord kept;
      kept.kind = "daycare_round_entry";
      kept.id = application.id;
      kept.retention = privacy::RetentionClass::kServiceRecord;
      kept.reason_de = absl::StrCat(
          "Veröffentlichte Vergaberunden der Saison ", season,
          " (Nachweis der Vergabeentscheidung): Kennung, Geburtsdatum, Bezirk und geprüfte "
          "Kriterien, ohne Namen, verschlüsselt; gelöscht mit der Saison nach Ablauf ihrer "
          "Aufbewahrungsfrist (üblich: ein halbes Jahr nach der letzten Runde)");
      kept.reason_en = absl::StrCat(
          "Published allocation rounds of season ", season,
          " (record of the allocation decision): id, birth date, district and verified "
          "criteria, no names, encrypted; erased with the season when its retention period "
          "ends (usually half a year after its last round)");
      erasure.kept.push_back(std::move(kept));
    }
  }
  return erasure;
}

}  // namespace stadt::daycare::season
