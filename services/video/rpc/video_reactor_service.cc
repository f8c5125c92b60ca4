#include "services/video/rpc/video_reactor_service.h"

namespace stadt::video {

grpc::ServerUnaryReactor* VideoReactorService::ListTopics(grpc::CallbackServerContext* context,
                                                          const v1::ListTopicsRequest* request,
                                                          v1::ListTopicsResponse* response) {
  // The topic catalog is held in memory: answered on this thread.
  return ServeInline(context, [&] { return handlers_.ListTopics(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::SearchSlots(grpc::CallbackServerContext* context,
                                                           const v1::SearchSlotsRequest* request,
                                                           v1::SearchSlotsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.SearchSlots(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::CreateHold(grpc::CallbackServerContext* context,
                                                          const v1::CreateHoldRequest* request,
                                                          v1::Hold* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CreateHold(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::ConfirmHold(grpc::CallbackServerContext* context,
                                                           const v1::ConfirmHoldRequest* request,
                                                           v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ConfirmHold(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::LookupBooking(
    grpc::CallbackServerContext* context, const v1::LookupBookingRequest* request,
    v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.LookupBooking(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::ResendLinks(grpc::CallbackServerContext* context,
                                                           const v1::ResendLinksRequest* request,
                                                           v1::ResendLinksResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ResendLinks(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::CancelBooking(
    grpc::CallbackServerContext* context, const v1::CancelBookingRequest* request,
    v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CancelBooking(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::RescheduleBooking(
    grpc::CallbackServerContext* context, const v1::RescheduleBookingRequest* request,
    v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.RescheduleBooking(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::GetConsultation(
    grpc::CallbackServerContext* context, const v1::GetConsultationRequest* request,
    v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetConsultation(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::GetConsentTexts(
    grpc::CallbackServerContext* context, const v1::GetConsentTextsRequest* request,
    v1::ConsentTexts* response) {
  // The consent texts are held in memory: answered on this thread.
  return ServeInline(context,
                     [&] { return handlers_.GetConsentTexts(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::GetConsentText(
    grpc::CallbackServerContext* context, const v1::GetConsentTextRequest* request,
    v1::ConsentText* response) {
  return ServeInline(context, [&] { return handlers_.GetConsentText(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::RecordConsent(
    grpc::CallbackServerContext* context, const v1::RecordConsentRequest* request,
    v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.RecordConsent(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::CheckIn(grpc::CallbackServerContext* context,
                                                       const v1::CheckInRequest* request,
                                                       v1::Consultation* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CheckIn(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::JoinConsultation(
    grpc::CallbackServerContext* context, const v1::JoinConsultationRequest* request,
    v1::JoinLink* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.JoinConsultation(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::ListWaitingRoom(
    grpc::CallbackServerContext* context, const v1::ListWaitingRoomRequest* request,
    v1::ListWaitingRoomResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListWaitingRoom(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::AdmitCitizen(
    grpc::CallbackServerContext* context, const v1::CaseworkerActionRequest* request,
    v1::WaitingEntry* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.AdmitCitizen(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::MarkIdentityChecked(
    grpc::CallbackServerContext* context, const v1::CaseworkerActionRequest* request,
    v1::WaitingEntry* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.MarkIdentityChecked(context, request, response);
  });
}

grpc::ServerUnaryReactor* VideoReactorService::MarkNoShow(
    grpc::CallbackServerContext* context, const v1::CaseworkerActionRequest* request,
    v1::WaitingEntry* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.MarkNoShow(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::CloseConsultation(
    grpc::CallbackServerContext* context, const v1::CloseConsultationRequest* request,
    v1::WaitingEntry* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CloseConsultation(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::HostConsultation(
    grpc::CallbackServerContext* context, const v1::CaseworkerActionRequest* request,
    v1::JoinLink* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.HostConsultation(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::VerifyJoinToken(
    grpc::CallbackServerContext* context, const v1::VerifyJoinTokenRequest* request,
    v1::VerifyJoinTokenResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.VerifyJoinToken(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::GetCaseworkerSchedule(
    grpc::CallbackServerContext* context, const v1::GetCaseworkerScheduleRequest* request,
    v1::CaseworkerSchedule* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.GetCaseworkerSchedule(context, request, response);
  });
}

grpc::ServerUnaryReactor* VideoReactorService::SetCaseworkerAvailability(
    grpc::CallbackServerContext* context, const v1::SetCaseworkerAvailabilityRequest* request,
    v1::CaseworkerSchedule* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.SetCaseworkerAvailability(context, request, response);
  });
}

grpc::ServerUnaryReactor* VideoReactorService::DeclareAbsence(
    grpc::CallbackServerContext* context, const v1::DeclareAbsenceRequest* request,
    v1::AbsenceReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.DeclareAbsence(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::ResolveAbsence(
    grpc::CallbackServerContext* context, const v1::ResolveAbsenceRequest* request,
    v1::AbsenceReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ResolveAbsence(context, request, response); });
}

grpc::ServerUnaryReactor* VideoReactorService::ExportPersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::PersonalData* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ExportPersonalData(context, request, response);
  });
}

grpc::ServerUnaryReactor* VideoReactorService::ErasePersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::ErasureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ErasePersonalData(context, request, response); });
}

}  // namespace stadt::video
