#include "services/daycare/rpc/daycare_reactor_service.h"

namespace stadt::daycare {

grpc::ServerUnaryReactor* DaycareReactorService::PutPrograms(grpc::CallbackServerContext* context,
                                                             const v1::PutProgramsRequest* request,
                                                             v1::PutProgramsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.PutPrograms(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::ListPrograms(
    grpc::CallbackServerContext* context, const v1::ListProgramsRequest* request,
    v1::ListProgramsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListPrograms(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::ListFacilities(
    grpc::CallbackServerContext* context, const v1::ListProgramsRequest* request,
    v1::ListFacilitiesResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListFacilities(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::PutPolicy(grpc::CallbackServerContext* context,
                                                           const v1::PutPolicyRequest* request,
                                                           v1::PutPolicyResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.PutPolicy(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::GetPolicy(grpc::CallbackServerContext* context,
                                                           const v1::GetPolicyRequest* request,
                                                           v1::GetPolicyResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetPolicy(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::ExplainResult(
    grpc::CallbackServerContext* context, const v1::GetApplicationRequest* request,
    v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ExplainResult(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::SetPeriod(grpc::CallbackServerContext* context,
                                                           const v1::SetPeriodRequest* request,
                                                           v1::SetPeriodResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.SetPeriod(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::DryRun(grpc::CallbackServerContext* context,
                                                        const v1::DryRunRequest* request,
                                                        v1::RoundStats* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.DryRun(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::PublishRound(
    grpc::CallbackServerContext* context, const v1::PublishRoundRequest* request,
    v1::Round* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.PublishRound(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::GetRound(grpc::CallbackServerContext* context,
                                                          const v1::GetRoundRequest* request,
                                                          v1::Round* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetRound(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::SetOfferDeadline(
    grpc::CallbackServerContext* context, const v1::SetOfferDeadlineRequest* request,
    v1::SetOfferDeadlineResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.SetOfferDeadline(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::Apply(grpc::CallbackServerContext* context,
                                                       const v1::ApplyRequest* request,
                                                       v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.Apply(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::UpdateApplication(
    grpc::CallbackServerContext* context, const v1::UpdateApplicationRequest* request,
    v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.UpdateApplication(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::GetApplication(
    grpc::CallbackServerContext* context, const v1::GetApplicationRequest* request,
    v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetApplication(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::ListApplications(
    grpc::CallbackServerContext* context, const v1::ListApplicationsRequest* request,
    v1::ListApplicationsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListApplications(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::WithdrawApplication(
    grpc::CallbackServerContext* context, const v1::AnswerOfferRequest* request,
    v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.WithdrawApplication(context, request, response);
  });
}

grpc::ServerUnaryReactor* DaycareReactorService::SearchApplications(
    grpc::CallbackServerContext* context, const v1::SearchApplicationsRequest* request,
    v1::SearchApplicationsResponse* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.SearchApplications(context, request, response);
  });
}

grpc::ServerUnaryReactor* DaycareReactorService::OpenApplication(
    grpc::CallbackServerContext* context, const v1::GetApplicationRequest* request,
    v1::CaseworkerApplication* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.OpenApplication(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::CorrectApplication(
    grpc::CallbackServerContext* context, const v1::CorrectApplicationRequest* request,
    v1::CaseworkerApplication* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.CorrectApplication(context, request, response);
  });
}

grpc::ServerUnaryReactor* DaycareReactorService::SetCriterionVerdict(
    grpc::CallbackServerContext* context, const v1::SetCriterionVerdictRequest* request,
    v1::CaseworkerApplication* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.SetCriterionVerdict(context, request, response);
  });
}

grpc::ServerUnaryReactor* DaycareReactorService::AcceptOffer(grpc::CallbackServerContext* context,
                                                             const v1::AnswerOfferRequest* request,
                                                             v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.AcceptOffer(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::DeclineOffer(grpc::CallbackServerContext* context,
                                                              const v1::AnswerOfferRequest* request,
                                                              v1::ApplicationStatus* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.DeclineOffer(context, request, response); });
}

grpc::ServerUnaryReactor* DaycareReactorService::ExportPersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::PersonalData* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ExportPersonalData(context, request, response);
  });
}

grpc::ServerUnaryReactor* DaycareReactorService::ErasePersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::ErasureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ErasePersonalData(context, request, response); });
}

}  // namespace stadt::daycare
