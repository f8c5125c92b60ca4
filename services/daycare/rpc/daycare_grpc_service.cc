#include "services/daycare/rpc/daycare_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "services/common/call_context.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/reason.h"
#include "services/common/status.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/daycare/domain/instance_json.h"

namespace stadt::daycare {

namespace json = boost::json;

namespace {

// The youth office (Jugendamt) works city-wide, so its roles carry no scope.
// Caseworkers see and verify applications; coordinators set programs, policy
// and period and publish rounds (which list every child): neither does the
// other's work unless the token holds both roles.
constexpr char kCaseworker[] = "daycare_caseworker";
constexpr char kCoordinator[] = "daycare_coordinator";
constexpr char kCitizen[] = "citizen";

// The gateway enforces each route's roles; checking again keeps the season safe
// from any other caller that reaches the service.
grpc::Status RequireRole(const grpc::ServerContextBase& context, const char* role) {
  return ToGrpcStatus(CallerFromContext(context).Require(role));
}

// The youth office's reads: either of its roles will do.
grpc::Status RequireYouthOffice(const grpc::ServerContextBase& context) {
  if (CallerFromContext(context).HasRole(kCaseworker)) return grpc::Status::OK;
  return RequireRole(context, kCoordinator);
}

absl::StatusOr<absl::Time> FromProto(const google::protobuf::Timestamp& timestamp,
                                     const char* field) {
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (timestamp.seconds() <= 0 || timestamp.seconds() > kMaxSeconds || timestamp.nanos() < 0 ||
      timestamp.nanos() > 999999999) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat(field, ": a time is required")),
                      "deadline_required");
  }
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

void SetIfPresent(json::object& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

// Proto messages become the engine's instance format; the engine's parser then
// checks every field, so validation lives in one place.
json::object ToEngine(const v1::Program& program) {
  json::object out{{"id", program.id()}, {"capacity", program.capacity()}};
  SetIfPresent(out, "centre", program.centre());
  SetIfPresent(out, "name", program.name());
  SetIfPresent(out, "care_scope", program.care_scope());
  SetIfPresent(out, "start_month", program.start_month());
  SetIfPresent(out, "centre_name", program.centre_name());
  SetIfPresent(out, "address", program.address());
  SetIfPresent(out, "district", program.district());
  SetIfPresent(out, "opening_hours", program.opening_hours());
  if (program.has_min_age_months()) out["min_age_months"] = program.min_age_months();
  if (program.has_max_age_months()) out["max_age_months"] = program.max_age_months();
  return out;
}

// Programs go through the engine's parser, which checks every field and names it.
absl::StatusOr<std::vector<Program>> ProgramsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Program>& programs) {
  json::array list;
  for (const v1::Program& program : programs) list.push_back(ToEngine(program));
  STADT_ASSIGN_OR_RETURN(ParsedInstance parsed,
                         ParseInstance(json::serialize(json::object{
                             {"seed", 0}, {"applications", json::array()}, {"programs", list}})));
  return std::move(parsed.instance.programs);
}

absl::StatusOr<season::Application> FromProto(const v1::Application& in) {
  season::Application out;
  out.choices.assign(in.choices().begin(), in.choices().end());
  if (!in.birth_date().empty()) {
    absl::StatusOr<Date> date = ParseDate(in.birth_date(), "application.birth_date");
    if (!date.ok()) return WithReason(date.status(), "invalid_birth_date");
    out.child.birth_date = *date;
  }
  if (!in.start_month().empty()) {
    absl::StatusOr<Month> month = ParseMonth(in.start_month(), "application.start_month");
    if (!month.ok()) return WithReason(month.status(), "invalid_start_month");
    out.desired_start = *month;
  }
  out.child.name = in.child_name();
  out.guardian.name = in.guardian_name();
  out.guardian.email = in.guardian_email();
  out.guardian.phone = in.guardian_phone();
  out.care_scope = in.care_scope();
  out.district = in.district();
  out.criteria.assign(in.criteria().begin(), in.criteria().end());
  out.sibling_centres.assign(in.sibling_centres().begin(), in.sibling_centres().end());
  out.together_with = in.together_with();
  return out;
}

// `lang` when the request names one, else the language the gateway chose from
// Accept-Language (x-stadt-language), else German.
absl::StatusOr<season::Language> LanguageOf(std::string_view lang,
                                            const grpc::ServerContextBase& context) {
  if (lang.empty()) {
    return CallerFromContext(context).language == "en" ? season::Language::kEnglish
                                                       : season::Language::kGerman;
  }
  if (lang == "de") return season::Language::kGerman;
  if (lang == "en") return season::Language::kEnglish;
  return WithReason(absl::InvalidArgumentError("lang: \"de\" or \"en\" expected"),
                    "unsupported_language");
}

v1::ApplicationState ToProto(season::ApplicationState state) {
  switch (state) {
    case season::ApplicationState::kSubmitted:
      return v1::APPLICATION_STATE_SUBMITTED;
    case season::ApplicationState::kOffered:
      return v1::APPLICATION_STATE_OFFERED;
    case season::ApplicationState::kAccepted:
      return v1::APPLICATION_STATE_ACCEPTED;
    case season::ApplicationState::kDeclined:
      return v1::APPLICATION_STATE_DECLINED;
    case season::ApplicationState::kExpired:
      return v1::APPLICATION_STATE_EXPIRED;
    case season::ApplicationState::kWaiting:
      return v1::APPLICATION_STATE_WAITING;
    case season::ApplicationState::kWithdrawn:
      return v1::APPLICATION_STATE_WITHDRAWN;
    case season::ApplicationState::kNotInRound:
      return v1::APPLICATION_STATE_NOT_IN_ROUND;
  }
  return v1::APPLICATION_STATE_UNSPECIFIED;
}

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(time));
}

v1::OfferState ToProto(OfferState state) {
  switch (state) {
    case OfferState::kNone:
      return v1::OFFER_STATE_NONE;
    case OfferState::kOpen:
      return v1::OFFER_STATE_OPEN;
    case OfferState::kAccepted:
      return v1::OFFER_STATE_ACCEPTED;
    case OfferState::kDeclined:
      return v1::OFFER_STATE_DECLINED;
    case OfferState::kExpired:
      return v1::OFFER_STATE_EXPIRED;
    case OfferState::kWithdrawn:
      return v1::OFFER_STATE_WITHDRAWN;
  }
  return v1::OFFER_STATE_UNSPECIFIED;
}

void ToProto(const season::ApplicationView& view, v1::ApplicationStatus* out) {
  const season::Application& in = view.application;
  v1::Application* application = out->mutable_application();
  application->set_id(in.id);
  for (const std::string& choice : in.choices) application->add_choices(choice);
  if (in.child.birth_date) application->set_birth_date(FormatDate(*in.child.birth_date));
  if (in.desired_start) application->set_start_month(FormatMonth(*in.desired_start));
  application->set_child_name(in.child.name);
  application->set_guardian_name(in.guardian.name);
  application->set_guardian_email(in.guardian.email);
  application->set_guardian_phone(in.guardian.phone);
  application->set_care_scope(in.care_scope);
  application->set_district(in.district);
  for (const std::string& criterion : in.criteria) application->add_criteria(criterion);
  for (const std::string& centre : in.sibling_centres) application->add_sibling_centres(centre);
  application->set_together_with(in.together_with);
  out->set_offer(ToProto(view.offer.state));
  out->set_offered_program(view.offer.program);
  out->set_round(view.round);
  if (view.offer.state == OfferState::kOpen || view.offer.state == OfferState::kExpired) {
    ToProto(view.offer.deadline, out->mutable_deadline());
  }
  out->set_summary(view.status_text);
  out->set_state(ToProto(view.state));
  for (const season::WaitingRank& rank : view.offer.waiting) {
    v1::WaitingRank* entry = out->add_waiting();
    entry->set_program(rank.program);
    entry->set_rank(rank.rank);
  }
  for (const season::CriterionView& criterion : view.criteria) {
    v1::CriterionStatus* entry = out->add_criteria();
    entry->set_criterion(criterion.id);
    entry->set_label(criterion.label);
    entry->set_verdict(criterion.verdict == season::Verdict::kVerified   ? v1::VERDICT_VERIFIED
                       : criterion.verdict == season::Verdict::kRejected ? v1::VERDICT_REJECTED
                                                                         : v1::VERDICT_UNVERIFIED);
    entry->set_counted(criterion.counted);
  }
  for (const ChoiceExplanation& choice : view.offer.explanation.choices) {
    v1::ChoiceExplanation* entry = out->add_choices();
    entry->set_choice_rank(choice.choice_rank);
    entry->set_program(choice.program);
    entry->set_why(choice.text);
  }
}

void ToProto(const season::ApplicationView& view, v1::CaseworkerApplication* out) {
  ToProto(view, out->mutable_status());
  out->set_guardian_subject(view.application.owner);
  out->set_duplicate_attempts(view.application.duplicate_attempts);
  for (const season::Correction& correction : view.application.corrections) {
    v1::Correction* entry = out->add_corrections();
    entry->mutable_at()->set_seconds(absl::ToUnixSeconds(correction.at));
    entry->set_caseworker(correction.caseworker);
    entry->set_reason(correction.reason);
    entry->set_before(correction.before);
  }
}

void ToProto(const RoundStats& stats, v1::RoundStats* out) {
  out->set_applications(stats.applications);
  out->set_placed(stats.placed);
  out->set_placed_first_choice(stats.placed_first_choice);
  out->set_unplaced(stats.unplaced);
  out->set_places(stats.places);
  out->set_places_filled(stats.places_filled);
  out->set_ineligible_choices(stats.ineligible_choices);
  for (uint32_t count : stats.placed_by_choice_rank) out->add_placed_by_choice_rank(count);
  for (const auto& [age, count] : stats.unplaced_by_age_years) {
    (*out->mutable_unplaced_by_age_years())[age] = count;
  }
  for (const auto& [district, count] : stats.unplaced_by_district) {
    (*out->mutable_unplaced_by_district())[district] = count;
  }
}

void ToProto(const Program& program, v1::Program* out) {
  out->set_id(program.id);
  out->set_centre(program.centre);
  out->set_name(program.name);
  out->set_capacity(program.capacity);
  if (program.min_age_months) out->set_min_age_months(*program.min_age_months);
  if (program.max_age_months) out->set_max_age_months(*program.max_age_months);
  out->set_care_scope(program.care_scope);
  if (program.start_month) out->set_start_month(FormatMonth(*program.start_month));
  out->set_centre_name(program.centre_name);
  out->set_address(program.address);
  out->set_district(program.district);
  out->set_opening_hours(program.opening_hours);
}

season::DirectoryFilter FilterOf(const v1::ListProgramsRequest& request) {
  season::DirectoryFilter filter;
  filter.district = request.district();
  filter.age_group = request.age_group();
  filter.care_scope = request.care_scope();
  return filter;
}

void ToProto(const season::RoundView& round, v1::Round* out) {
  out->set_round(round.round);
  out->set_seed(round.seed);
  ToProto(round.stats, out->mutable_stats());
  out->set_document(round.document);
}

KpiDimensions District(std::string_view district) {
  return {{std::string(kpi::kDistrict), KpiDimensionValue(district)}};
}

// Names one offer (an application's offer of one round): answering or expiring
// it is counted once, however often a request is replayed.
std::string OfferOccurrence(std::string_view season, std::string_view application, uint32_t round) {
  return absl::StrCat(ToAbsl(season), "/", ToAbsl(application), "/", round);
}

NoopKpiRecorder& NoKpis() {
  static NoopKpiRecorder* const recorder = new NoopKpiRecorder();
  return *recorder;
}

grpc::Status StatusResponse(const absl::StatusOr<season::ApplicationView>& view,
                            v1::ApplicationStatus* response) {
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(*view, response);
  return grpc::Status::OK;
}

}  // namespace

DaycareGrpcService::DaycareGrpcService(season::SeasonService& seasons)
    : DaycareGrpcService(seasons, NoKpis()) {}

void RecordRoundKpis(std::string_view season, const season::RoundView& round, KpiRecorder& kpis) {
  for (const season::ApplicantOutcome& outcome : round.outcomes) {
    if (outcome.competed) {
      // By age group too: the unplaced share of a district or an age group is 1
      // minus this rate.
      KpiDimensions dimensions = District(outcome.district);
      dimensions.emplace(kpi::kAgeGroup, KpiDimensionValue(outcome.age_group));
      kpis.Ratio(kpi::kDaycarePlacementRate, outcome.offered, std::move(dimensions));
    }
    if (outcome.offered) {
      kpis.Ratio(kpi::kDaycareFirstChoiceShare, outcome.first_choice, District(outcome.district));
    }
  }
  for (const season::ExpiredOffer& expired : round.expired_offers) {
    kpis.Count(kpi::kDaycareOffersExpired, District(expired.district),
               OfferOccurrence(season, expired.application_id, expired.round));
  }
}

grpc::Status DaycareGrpcService::PutPrograms(grpc::ServerContextBase* context,
                                             const v1::PutProgramsRequest* request,
                                             v1::PutProgramsResponse* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  absl::StatusOr<std::vector<Program>> programs = ProgramsFromProto(request->programs());
  if (!programs.ok()) return ToGrpcStatus(WithReason(programs.status(), "invalid_programs"));
  absl::StatusOr<size_t> count = seasons_.PutPrograms(request->season_id(), *programs);
  if (!count.ok()) return ToGrpcStatus(count.status());
  response->set_programs(static_cast<uint32_t>(*count));
  return grpc::Status::OK;
}

// Public: no role needed (the directory parents choose wishes from).
grpc::Status DaycareGrpcService::ListPrograms(grpc::ServerContextBase* /*context*/,
                                              const v1::ListProgramsRequest* request,
                                              v1::ListProgramsResponse* response) {
  absl::StatusOr<std::vector<Program>> programs =
      seasons_.ListPrograms(request->season_id(), FilterOf(*request));
  if (!programs.ok()) return ToGrpcStatus(programs.status());
  for (const Program& program : *programs) ToProto(program, response->add_programs());
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::ListFacilities(grpc::ServerContextBase* /*context*/,
                                                const v1::ListProgramsRequest* request,
                                                v1::ListFacilitiesResponse* response) {
  absl::StatusOr<std::vector<season::Facility>> facilities =
      seasons_.ListFacilities(request->season_id(), FilterOf(*request));
  if (!facilities.ok()) return ToGrpcStatus(facilities.status());
  for (const season::Facility& facility : *facilities) {
    v1::Facility* out = response->add_facilities();
    out->set_id(facility.id);
    out->set_name(facility.name);
    out->set_address(facility.address);
    out->set_district(facility.district);
    out->set_opening_hours(facility.opening_hours);
    for (const std::string& group : facility.age_groups) out->add_age_groups(group);
    for (const std::string& scope : facility.care_scopes) out->add_care_scopes(scope);
    for (const Program& program : facility.programs) ToProto(program, out->add_programs());
  }
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::PutPolicy(grpc::ServerContextBase* context,
                                           const v1::PutPolicyRequest* request,
                                           v1::PutPolicyResponse* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  absl::StatusOr<Policy> policy = seasons_.PutPolicy(request->season_id(), request->policy_json());
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  response->set_criteria(static_cast<uint32_t>(policy->criteria.size()));
  response->set_max_choices(policy->max_choices);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::GetPolicy(grpc::ServerContextBase* context,
                                           const v1::GetPolicyRequest* request,
                                           v1::GetPolicyResponse* response) {
  if (grpc::Status denied = RequireYouthOffice(*context); !denied.ok()) return denied;
  absl::StatusOr<season::PolicyView> view = seasons_.GetPolicy(request->season_id());
  if (!view.ok()) return ToGrpcStatus(view.status());
  response->set_policy_json(json::serialize(PolicyToJson(view->policy)));
  response->set_city_default(view->city_default);
  response->set_frozen(view->frozen);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::SetPeriod(grpc::ServerContextBase* context,
                                           const v1::SetPeriodRequest* request,
                                           v1::SetPeriodResponse* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  if (request->period() != v1::PERIOD_OPEN && request->period() != v1::PERIOD_CLOSED) {
    return ToGrpcStatus(
        WithReason(absl::InvalidArgumentError("period: PERIOD_OPEN or PERIOD_CLOSED expected"),
                   "invalid_period"));
  }
  absl::Status status =
      seasons_.SetPeriod(request->season_id(), request->period() == v1::PERIOD_OPEN);
  if (!status.ok()) return ToGrpcStatus(status);
  response->set_period(request->period());
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::DryRun(grpc::ServerContextBase* context,
                                        const v1::DryRunRequest* request,
                                        v1::RoundStats* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  absl::StatusOr<RoundStats> stats = seasons_.DryRun(request->season_id(), request->seed());
  if (!stats.ok()) return ToGrpcStatus(stats.status());
  ToProto(*stats, response);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::PublishRound(grpc::ServerContextBase* context,
                                              const v1::PublishRoundRequest* request,
                                              v1::Round* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  absl::StatusOr<absl::Time> deadline = FromProto(request->deadline(), "deadline");
  if (!deadline.ok()) return ToGrpcStatus(deadline.status());
  absl::StatusOr<season::RoundView> round =
      seasons_.PublishRound(request->season_id(), request->round(), request->seed(), *deadline);
  if (!round.ok()) return ToGrpcStatus(round.status());
  RecordRoundKpis(request->season_id(), *round, kpis_);
  ToProto(*round, response);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::GetRound(grpc::ServerContextBase* context,
                                          const v1::GetRoundRequest* request, v1::Round* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  absl::StatusOr<season::RoundView> round =
      seasons_.GetRound(request->season_id(), request->round());
  if (!round.ok()) return ToGrpcStatus(round.status());
  ToProto(*round, response);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::SetOfferDeadline(grpc::ServerContextBase* context,
                                                  const v1::SetOfferDeadlineRequest* request,
                                                  v1::SetOfferDeadlineResponse* response) {
  if (grpc::Status denied = RequireRole(*context, kCoordinator); !denied.ok()) return denied;
  absl::StatusOr<absl::Time> deadline = FromProto(request->deadline(), "deadline");
  if (!deadline.ok()) return ToGrpcStatus(deadline.status());
  absl::StatusOr<int> moved =
      seasons_.SetOfferDeadline(request->season_id(), request->round(), *deadline);
  if (!moved.ok()) return ToGrpcStatus(moved.status());
  response->set_offers(static_cast<uint32_t>(*moved));
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::Apply(grpc::ServerContextBase* context,
                                       const v1::ApplyRequest* request,
                                       v1::ApplicationStatus* response) {
  if (grpc::Status denied = RequireRole(*context, kCitizen); !denied.ok()) return denied;
  absl::StatusOr<season::Language> language = LanguageOf(request->lang(), *context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  absl::StatusOr<season::Application> application = FromProto(request->application());
  if (!application.ok()) return ToGrpcStatus(application.status());
  absl::StatusOr<season::ApplicationView> view =
      seasons_.SubmitApplication(request->season_id(), CallerFromContext(*context).subject, "",
                                 *std::move(application), *language);
  if (view.ok()) {
    kpis_.Count(kpi::kDaycareApplicationsSubmitted, District(request->application().district()),
                absl::StrCat(request->season_id(), "/", view->application.id));
  }
  return StatusResponse(view, response);
}

grpc::Status DaycareGrpcService::UpdateApplication(grpc::ServerContextBase* context,
                                                   const v1::UpdateApplicationRequest* request,
                                                   v1::ApplicationStatus* response) {
  if (grpc::Status denied = RequireRole(*context, kCitizen); !denied.ok()) return denied;
  if (request->application_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "application_id: required");
  }
  absl::StatusOr<season::Language> language = LanguageOf(request->lang(), *context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  absl::StatusOr<season::Application> application = FromProto(request->application());
  if (!application.ok()) return ToGrpcStatus(application.status());
  return StatusResponse(
      seasons_.SubmitApplication(request->season_id(), CallerFromContext(*context).subject,
                                 request->application_id(), *std::move(application), *language),
      response);
}

grpc::Status DaycareGrpcService::GetApplication(grpc::ServerContextBase* context,
                                                const v1::GetApplicationRequest* request,
                                                v1::ApplicationStatus* response) {
  if (grpc::Status denied = RequireRole(*context, kCitizen); !denied.ok()) return denied;
  absl::StatusOr<season::Language> language = LanguageOf(request->lang(), *context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  return StatusResponse(
      seasons_.GetApplication(request->season_id(), CallerFromContext(*context).subject,
                              request->application_id(), *language),
      response);
}

grpc::Status DaycareGrpcService::ListApplications(grpc::ServerContextBase* context,
                                                  const v1::ListApplicationsRequest* request,
                                                  v1::ListApplicationsResponse* response) {
  if (grpc::Status denied = RequireRole(*context, kCitizen); !denied.ok()) return denied;
  absl::StatusOr<season::Language> language = LanguageOf(request->lang(), *context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  absl::StatusOr<std::vector<season::ApplicationView>> views = seasons_.ListApplications(
      request->season_id(), CallerFromContext(*context).subject, *language);
  if (!views.ok()) return ToGrpcStatus(views.status());
  for (const season::ApplicationView& view : *views) ToProto(view, response->add_applications());
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::WithdrawApplication(grpc::ServerContextBase* context,
                                                     const v1::AnswerOfferRequest* request,
                                                     v1::ApplicationStatus* response) {
  if (grpc::Status denied = RequireRole(*context, kCitizen); !denied.ok()) return denied;
  absl::StatusOr<season::Language> language = LanguageOf(request->lang(), *context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  return StatusResponse(seasons_.Withdraw(request->season_id(), CallerFromContext(*context).subject,
                                          request->application_id(), *language),
                        response);
}

grpc::Status DaycareGrpcService::SearchApplications(grpc::ServerContextBase* context,
                                                    const v1::SearchApplicationsRequest* request,
                                                    v1::SearchApplicationsResponse* response) {
  if (grpc::Status denied = RequireRole(*context, kCaseworker); !denied.ok()) return denied;
  season::SearchFilter filter;
  filter.text = request->query();
  filter.duplicates_only = request->duplicates_only();
  filter.unverified_only = request->unverified_only();
  absl::StatusOr<std::vector<season::ApplicationView>> views =
      seasons_.SearchApplications(request->season_id(), filter);
  if (!views.ok()) return ToGrpcStatus(views.status());
  for (const season::ApplicationView& view : *views) ToProto(view, response->add_applications());
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::OpenApplication(grpc::ServerContextBase* context,
                                                 const v1::GetApplicationRequest* request,
                                                 v1::CaseworkerApplication* response) {
  if (grpc::Status denied = RequireRole(*context, kCaseworker); !denied.ok()) return denied;
  absl::StatusOr<season::ApplicationView> view =
      seasons_.OpenApplication(request->season_id(), request->application_id());
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(*view, response);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::ExplainResult(grpc::ServerContextBase* context,
                                               const v1::GetApplicationRequest* request,
                                               v1::ApplicationStatus* response) {
  if (grpc::Status denied = RequireYouthOffice(*context); !denied.ok()) return denied;
  absl::StatusOr<season::Language> language = LanguageOf(request->lang(), *context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  return StatusResponse(
      seasons_.ExplainResult(request->season_id(), request->application_id(), *language), response);
}

grpc::Status DaycareGrpcService::CorrectApplication(grpc::ServerContextBase* context,
                                                    const v1::CorrectApplicationRequest* request,
                                                    v1::CaseworkerApplication* response) {
  if (grpc::Status denied = RequireRole(*context, kCaseworker); !denied.ok()) return denied;
  absl::StatusOr<season::Application> application = FromProto(request->application());
  if (!application.ok()) return ToGrpcStatus(application.status());
  absl::StatusOr<season::ApplicationView> view = seasons_.CorrectApplication(
      request->season_id(), CallerFromContext(*context).subject, request->application_id(),
      *std::move(application), request->reason());
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(*view, response);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::SetCriterionVerdict(grpc::ServerContextBase* context,
                                                     const v1::SetCriterionVerdictRequest* request,
                                                     v1::CaseworkerApplication* response) {
  if (grpc::Status denied = RequireRole(*context, kCaseworker); !denied.ok()) return denied;
  season::Verdict verdict;
  switch (request->verdict()) {
    case v1::VERDICT_VERIFIED:
      verdict = season::Verdict::kVerified;
      break;
    case v1::VERDICT_REJECTED:
      verdict = season::Verdict::kRejected;
      break;
    case v1::VERDICT_UNVERIFIED:
      verdict = season::Verdict::kUnverified;
      break;
    default:
      return ToGrpcStatus(WithReason(
          absl::InvalidArgumentError(
              "verdict: VERDICT_VERIFIED, VERDICT_REJECTED or VERDICT_UNVERIFIED expected"),
          "invalid_verdict"));
  }
  absl::StatusOr<season::ApplicationView> view = seasons_.SetVerdict(
      request->season_id(), request->application_id(), request->criterion(), verdict);
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(*view, response);
  return grpc::Status::OK;
}

grpc::Status DaycareGrpcService::AcceptOffer(grpc::ServerContextBase* context,
                                             const v1::AnswerOfferRequest* request,
                                             v1::ApplicationStatus* response) {
  return Answer(*context, *request, /*accept=*/true, response);
}

grpc::Status DaycareGrpcService::DeclineOffer(grpc::ServerContextBase* context,
                                              const v1::AnswerOfferRequest* request,
                                              v1::ApplicationStatus* response) {
  return Answer(*context, *request, /*accept=*/false, response);
}

grpc::Status DaycareGrpcService::Answer(const grpc::ServerContextBase& context,
                                        const v1::AnswerOfferRequest& request, bool accept,
                                        v1::ApplicationStatus* response) {
  if (grpc::Status denied = RequireRole(context, kCitizen); !denied.ok()) return denied;
  absl::StatusOr<season::Language> language = LanguageOf(request.lang(), context);
  if (!language.ok()) return ToGrpcStatus(language.status());
  absl::StatusOr<season::ApplicationView> view =
      seasons_.AnswerOffer(request.season_id(), CallerFromContext(context).subject,
                           request.application_id(), accept, *language);
  if (view.ok()) {
    // Keyed by the offer: answering the same offer twice counts once.
    kpis_.Count(accept ? kpi::kDaycareOffersAccepted : kpi::kDaycareOffersDeclined,
                District(view->application.district),
                OfferOccurrence(request.season_id(), view->application.id, view->offer.round));
  }
  return StatusResponse(view, response);
}

grpc::Status DaycareGrpcService::ExportPersonalData(grpc::ServerContextBase* context,
                                                    const type::v1::PersonalDataRequest*,
                                                    type::v1::PersonalData* response) {
  return privacy::Answer("daycare", seasons_.PersonalRecords(CallerFromContext(*context).subject),
                         *response);
}

grpc::Status DaycareGrpcService::ErasePersonalData(grpc::ServerContextBase* context,
                                                   const type::v1::PersonalDataRequest*,
                                                   type::v1::ErasureReport* response) {
  return privacy::Answer("daycare", seasons_.ErasePersonalData(CallerFromContext(*context).subject),
                         *response);
}

}  // namespace stadt::daycare
