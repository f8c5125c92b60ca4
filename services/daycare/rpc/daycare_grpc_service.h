#pragma once

#include <string_view>

#include "services/common/kpi/kpi_recorder.h"
#include "services/daycare/domain/season_service.h"
#include "stadt/daycare/v1/daycare.grpc.pb.h"

namespace stadt::daycare {

// Thin gRPC adapter: checks the caller's role, converts messages to the domain's
// types, calls the season service, maps statuses. Synchronous on purpose: every
// call does blocking Redis I/O.
class DaycareGrpcService final : public v1::Daycare::Service {
 public:
  // Without KPI reporting.
  explicit DaycareGrpcService(season::SeasonService& seasons);
  // Records the daycare KPIs to `kpis`.
  DaycareGrpcService(season::SeasonService& seasons, KpiRecorder& kpis)
      : seasons_(seasons), kpis_(kpis) {}

  grpc::Status PutPrograms(grpc::ServerContext* context, const v1::PutProgramsRequest* request,
                           v1::PutProgramsResponse* response) override;
  grpc::Status ListPrograms(grpc::ServerContext* context, const v1::ListProgramsRequest* request,
                            v1::ListProgramsResponse* response) override;
  grpc::Status ListFacilities(grpc::ServerContext* context, const v1::ListProgramsRequest* request,
                              v1::ListFacilitiesResponse* response) override;
  grpc::Status PutPolicy(grpc::ServerContext* context, const v1::PutPolicyRequest* request,
                         v1::PutPolicyResponse* response) override;
  grpc::Status GetPolicy(grpc::ServerContext* context, const v1::GetPolicyRequest* request,
                         v1::GetPolicyResponse* response) override;
  grpc::Status SetPeriod(grpc::ServerContext* context, const v1::SetPeriodRequest* request,
                         v1::SetPeriodResponse* response) override;
  grpc::Status DryRun(grpc::ServerContext* context, const v1::DryRunRequest* request,
                      v1::RoundStats* response) override;
  grpc::Status PublishRound(grpc::ServerContext* context, const v1::PublishRoundRequest* request,
                            v1::Round* response) override;
  grpc::Status GetRound(grpc::ServerContext* context, const v1::GetRoundRequest* request,
                        v1::Round* response) override;
  grpc::Status SetOfferDeadline(grpc::ServerContext* context,
                                const v1::SetOfferDeadlineRequest* request,
                                v1::SetOfferDeadlineResponse* response) override;
  grpc::Status Apply(grpc::ServerContext* context, const v1::ApplyRequest* request,
                     v1::ApplicationStatus* response) override;
  grpc::Status UpdateApplication(grpc::ServerContext* context,
                                 const v1::UpdateApplicationRequest* request,
                                 v1::ApplicationStatus* response) override;
  grpc::Status GetApplication(grpc::ServerContext* context,
                              const v1::GetApplicationRequest* request,
                              v1::ApplicationStatus* response) override;
  grpc::Status ListApplications(grpc::ServerContext* context,
                                const v1::ListApplicationsRequest* request,
                                v1::ListApplicationsResponse* response) override;
  grpc::Status WithdrawApplication(grpc::ServerContext* context,
                                   const v1::AnswerOfferRequest* request,
                                   v1::ApplicationStatus* response) override;
  grpc::Status SearchApplications(grpc::ServerContext* context,
                                  const v1::SearchApplicationsRequest* request,
                                  v1::SearchApplicationsResponse* response) override;
  grpc::Status OpenApplication(grpc::ServerContext* context,
                               const v1::GetApplicationRequest* request,
                               v1::CaseworkerApplication* response) override;
  grpc::Status ExplainResult(grpc::ServerContext* context, const v1::GetApplicationRequest* request,
                             v1::ApplicationStatus* response) override;
  grpc::Status CorrectApplication(grpc::ServerContext* context,
                                  const v1::CorrectApplicationRequest* request,
                                  v1::CaseworkerApplication* response) override;
  grpc::Status SetCriterionVerdict(grpc::ServerContext* context,
                                   const v1::SetCriterionVerdictRequest* request,
                                   v1::CaseworkerApplication* response) override;
  grpc::Status AcceptOffer(grpc::ServerContext* context, const v1::AnswerOfferRequest* request,
                           v1::ApplicationStatus* response) override;
  grpc::Status DeclineOffer(grpc::ServerContext* context, const v1::AnswerOfferRequest* request,
                            v1::ApplicationStatus* response) override;

  // Internal (the privacy service): the caller's applications, and their erasure.
  grpc::Status ExportPersonalData(grpc::ServerContext* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response) override;
  grpc::Status ErasePersonalData(grpc::ServerContext* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response) override;

 private:
  grpc::Status Answer(const grpc::ServerContext& context, const v1::AnswerOfferRequest& request,
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
