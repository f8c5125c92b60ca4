#pragma once

#include "services/common/grpc_reactor.h"
#include "services/daycare/rpc/daycare_grpc_service.h"
#include "stadt/daycare/v1/daycare.grpc.pb.h"

namespace stadt::daycare {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Every call reads or writes Redis, so
// each runs on `pool` (blocking Redis I/O stays off gRPC's threads).
class DaycareReactorService final : public v1::Daycare::CallbackService {
 public:
  DaycareReactorService(DaycareGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* PutPrograms(grpc::CallbackServerContext* context,
                                        const v1::PutProgramsRequest* request,
                                        v1::PutProgramsResponse* response) override;
  grpc::ServerUnaryReactor* ListPrograms(grpc::CallbackServerContext* context,
                                         const v1::ListProgramsRequest* request,
                                         v1::ListProgramsResponse* response) override;
  grpc::ServerUnaryReactor* ListFacilities(grpc::CallbackServerContext* context,
                                           const v1::ListProgramsRequest* request,
                                           v1::ListFacilitiesResponse* response) override;
  grpc::ServerUnaryReactor* PutPolicy(grpc::CallbackServerContext* context,
                                      const v1::PutPolicyRequest* request,
                                      v1::PutPolicyResponse* response) override;
  grpc::ServerUnaryReactor* GetPolicy(grpc::CallbackServerContext* context,
                                      const v1::GetPolicyRequest* request,
                                      v1::GetPolicyResponse* response) override;
  grpc::ServerUnaryReactor* ExplainResult(grpc::CallbackServerContext* context,
                                          const v1::GetApplicationRequest* request,
                                          v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* SetPeriod(grpc::CallbackServerContext* context,
                                      const v1::SetPeriodRequest* request,
                                      v1::SetPeriodResponse* response) override;
  grpc::ServerUnaryReactor* DryRun(grpc::CallbackServerContext* context,
                                   const v1::DryRunRequest* request,
                                   v1::RoundStats* response) override;
  grpc::ServerUnaryReactor* PublishRound(grpc::CallbackServerContext* context,
                                         const v1::PublishRoundRequest* request,
                                         v1::Round* response) override;
  grpc::ServerUnaryReactor* GetRound(grpc::CallbackServerContext* context,
                                     const v1::GetRoundRequest* request,
                                     v1::Round* response) override;
  grpc::ServerUnaryReactor* SetOfferDeadline(grpc::CallbackServerContext* context,
                                             const v1::SetOfferDeadlineRequest* request,
                                             v1::SetOfferDeadlineResponse* response) override;
  grpc::ServerUnaryReactor* Apply(grpc::CallbackServerContext* context,
                                  const v1::ApplyRequest* request,
                                  v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* UpdateApplication(grpc::CallbackServerContext* context,
                                              const v1::UpdateApplicationRequest* request,
                                              v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* GetApplication(grpc::CallbackServerContext* context,
                                           const v1::GetApplicationRequest* request,
                                           v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* ListApplications(grpc::CallbackServerContext* context,
                                             const v1::ListApplicationsRequest* request,
                                             v1::ListApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawApplication(grpc::CallbackServerContext* context,
                                                const v1::AnswerOfferRequest* request,
                                                v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* SearchApplications(grpc::CallbackServerContext* context,
                                               const v1::SearchApplicationsRequest* request,
                                               v1::SearchApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* OpenApplication(grpc::CallbackServerContext* context,
                                            const v1::GetApplicationRequest* request,
                                            v1::CaseworkerApplication* response) override;
  grpc::ServerUnaryReactor* CorrectApplication(grpc::CallbackServerContext* context,
                                               const v1::CorrectApplicationRequest* request,
                                               v1::CaseworkerApplication* response) override;
  grpc::ServerUnaryReactor* SetCriterionVerdict(grpc::CallbackServerContext* context,
                                                const v1::SetCriterionVerdictRequest* request,
                                                v1::CaseworkerApplication* response) override;
  grpc::ServerUnaryReactor* AcceptOffer(grpc::CallbackServerContext* context,
                                        const v1::AnswerOfferRequest* request,
                                        v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* DeclineOffer(grpc::CallbackServerContext* context,
                                         const v1::AnswerOfferRequest* request,
                                         v1::ApplicationStatus* response) override;
  grpc::ServerUnaryReactor* ExportPersonalData(grpc::CallbackServerContext* context,
                                               const type::v1::PersonalDataRequest* request,
                                               type::v1::PersonalData* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(grpc::CallbackServerContext* context,
                                              const type::v1::PersonalDataRequest* request,
                                              type::v1::ErasureReport* response) override;

 private:
  DaycareGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::daycare
