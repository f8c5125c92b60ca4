#pragma once

#include <string_view>

#include "services/common/kpi/kpi_recorder.h"
#include "services/daycare/domain/season_service.h"
#include "stadt/daycare/v1/daycare.grpc.pb.h"

namespace stadt::daycare {

// Thin gRPC adapter: checks the caller's role, converts messages to the domain's
// types, calls the season service, maps statuses. Every call blocks on Redis:
// DaycareReactorService serves them with gRPC's callback API on a bounded pool
// (services/common/grpc_reactor.h). The handlers take grpc::ServerContextBase,
// so that unit tests call them with a plain grpc::ServerContext.
class DaycareGrpcService final {
 public:
  // Without KPI reporting.
  explicit DaycareGrpcService(season::SeasonService& seasons);
  // Records the daycare KPIs to `kpis`.
  DaycareGrpcService(season::SeasonService& seasons, KpiRecorder& kpis)
      : seasons_(seasons), kpis_(kpis) {}

  grpc::Status PutPrograms(grpc::ServerContextBase* context, const v1::PutProgramsRequest* request,
                           v1::PutProgramsResponse* response);
  grpc::Status ListPrograms(grpc::ServerContextBase* context,
                            const v1::ListProgramsRequest* request,
                            v1::ListProgramsResponse* response);
  grpc::Status ListFacilities(grpc::ServerContextBase* context,
                              const v1::ListProgramsRequest* request,
                              v1::ListFacilitiesResponse* response);
  grpc::Status PutPolicy(grpc::ServerContextBase* context, const v1::PutPolicyRequest* request,
                         v1::PutPolicyResponse* response);
  grpc::Status GetPolicy(grpc::ServerContextBase* context, const v1::GetPolicyRequest* request,
                         v1::GetPolicyResponse* response);
  grpc::Status SetPeriod(grpc::ServerContextBase* context, const v1::SetPeriodRequest* request,
                         v1::SetPeriodResponse* response);
  grpc::Status DryRun(grpc::ServerContextBase* context, const v1::DryRunRequest* request,
                      v1::RoundStats* response);
  grpc::Status PublishRound(grpc::ServerContextBase* context,
                            const v1::PublishRoundRequest* request, v1::Round* response);
  grpc::Status GetRound(grpc::ServerContextBase* context, const v1::GetRoundRequest* request,
                        v1::Round* response);
  grpc::Status SetOfferDeadline(grpc::ServerContextBase* context,
                                const v1::SetOfferDeadlineRequest* request,
                                v1::SetOfferDeadlineResponse* response);
  grpc::Status Apply(grpc::ServerContextBase* context, const v1::ApplyRequest* request,
                     v1::ApplicationStatus* response);
  grpc::Status UpdateApplication(grpc::ServerContextBase* context,
                                 const v1::UpdateApplicationRequest* request,
                                 v1::ApplicationStatus* response);
  grpc::Status GetApplication(grpc::ServerContextBase* context,
                              const v1::GetApplicationRequest* request,
                              v1::ApplicationStatus* response);
  grpc::Status ListApplications(grpc::ServerContextBase* context,
                                const v1::ListApplicationsRequest* request,
                                v1::ListApplicationsResponse* response);
  grpc::Status WithdrawApplication(grpc::ServerContextBase* context,
                                   const v1::AnswerOfferRequest* request,
                                   v1::ApplicationStatus* response);
  grpc::Status SearchApplications(grpc::ServerContextBase* context,
                                  const v1::SearchApplicationsRequest* request,
                                  v1::SearchApplicationsResponse* response);
  grpc::Status OpenApplication(grpc::ServerContextBase* context,
                               const v1::GetApplicationRequest* request,
                               v1::CaseworkerApplication* response);
  grpc::Status ExplainResult(grpc::ServerContextBase* context,
                             const v1::GetApplicationRequest* request,
                             v1::ApplicationStatus* response);
  grpc::Status CorrectApplication(grpc::ServerContextBase* context,
                                  const v1::CorrectApplicationRequest* request,
                                  v1::CaseworkerApplication* response);
  grpc::Status SetCriterionVerdict(grpc::ServerContextBase* context,
                                   const v1::SetCriterionVerdictRequest* request,
                                   v1::CaseworkerApplication* response);
  grpc::Status AcceptOffer(grpc::ServerContextBase* context, const v1::AnswerOfferRequest* request,
                           v1::ApplicationStatus* response);
  grpc::Status DeclineOffer(grpc::ServerContextBase* context, const v1::AnswerOfferRequest* request,
                            v1::ApplicationStatus* response);

  // Internal (the privacy service): the caller's applications, and their erasure.
  grpc::Status ExportPersonalData(grpc::ServerContextBase* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response);
  grpc::Status ErasePersonalData(grpc::ServerContextBase* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response);

 private:
  grpc::Status Answer(const grpc::ServerContextBase& context, const v1::AnswerOfferRequest& request,
                      bool accept, v1::ApplicationStatus* response);

  season::SeasonService& seasons_;
  KpiRecorder& kpis_;
};

// The KPIs of a round of `season` that was just published (exposed for tests
// and the round job): daycare_placement_rate per competing applicant by
// district and age group, daycare_first_choice_share per offer by district, and
// daycare_offers_expired per offer the round found unanswered, by district and
// keyed by season, application and the offer's round so it counts once.
void RecordRoundKpis(std::string_view season, const season::RoundView& round, KpiRecorder& kpis);

}  // namespace stadt::daycare
