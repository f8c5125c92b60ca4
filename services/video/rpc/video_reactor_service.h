#pragma once

#include "services/common/grpc_reactor.h"
#include "services/video/rpc/video_grpc_service.h"
#include "stadt/video/v1/video.grpc.pb.h"

namespace stadt::video {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Calls that read or write Redis run on
// `pool`; the topic catalog and the consent texts (held in memory) are answered
// on the gRPC thread that read the call.
class VideoReactorService final : public v1::Video::CallbackService {
 public:
  VideoReactorService(VideoGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* ListTopics(grpc::CallbackServerContext* context,
                                       const v1::ListTopicsRequest* request,
                                       v1::ListTopicsResponse* response) override;
  grpc::ServerUnaryReactor* SearchSlots(grpc::CallbackServerContext* context,
                                        const v1::SearchSlotsRequest* request,
                                        v1::SearchSlotsResponse* response) override;
  grpc::ServerUnaryReactor* CreateHold(grpc::CallbackServerContext* context,
                                       const v1::CreateHoldRequest* request,
                                       v1::Hold* response) override;
  grpc::ServerUnaryReactor* ConfirmHold(grpc::CallbackServerContext* context,
                                        const v1::ConfirmHoldRequest* request,
                                        v1::Consultation* response) override;
  grpc::ServerUnaryReactor* LookupBooking(grpc::CallbackServerContext* context,
                                          const v1::LookupBookingRequest* request,
                                          v1::Consultation* response) override;
  grpc::ServerUnaryReactor* ResendLinks(grpc::CallbackServerContext* context,
                                        const v1::ResendLinksRequest* request,
                                        v1::ResendLinksResponse* response) override;
  grpc::ServerUnaryReactor* CancelBooking(grpc::CallbackServerContext* context,
                                          const v1::CancelBookingRequest* request,
                                          v1::Consultation* response) override;
  grpc::ServerUnaryReactor* RescheduleBooking(grpc::CallbackServerContext* context,
                                              const v1::RescheduleBookingRequest* request,
                                              v1::Consultation* response) override;
  grpc::ServerUnaryReactor* GetConsultation(grpc::CallbackServerContext* context,
                                            const v1::GetConsultationRequest* request,
                                            v1::Consultation* response) override;
  grpc::ServerUnaryReactor* GetConsentTexts(grpc::CallbackServerContext* context,
                                            const v1::GetConsentTextsRequest* request,
                                            v1::ConsentTexts* response) override;
  grpc::ServerUnaryReactor* GetConsentText(grpc::CallbackServerContext* context,
                                           const v1::GetConsentTextRequest* request,
                                           v1::ConsentText* response) override;
  grpc::ServerUnaryReactor* RecordConsent(grpc::CallbackServerContext* context,
                                          const v1::RecordConsentRequest* request,
                                          v1::Consultation* response) override;
  grpc::ServerUnaryReactor* CheckIn(grpc::CallbackServerContext* context,
                                    const v1::CheckInRequest* request,
                                    v1::Consultation* response) override;
  grpc::ServerUnaryReactor* JoinConsultation(grpc::CallbackServerContext* context,
                                             const v1::JoinConsultationRequest* request,
                                             v1::JoinLink* response) override;
  grpc::ServerUnaryReactor* ListWaitingRoom(grpc::CallbackServerContext* context,
                                            const v1::ListWaitingRoomRequest* request,
                                            v1::ListWaitingRoomResponse* response) override;
  grpc::ServerUnaryReactor* AdmitCitizen(grpc::CallbackServerContext* context,
                                         const v1::CaseworkerActionRequest* request,
                                         v1::WaitingEntry* response) override;
  grpc::ServerUnaryReactor* MarkIdentityChecked(grpc::CallbackServerContext* context,
                                                const v1::CaseworkerActionRequest* request,
                                                v1::WaitingEntry* response) override;
  grpc::ServerUnaryReactor* MarkNoShow(grpc::CallbackServerContext* context,
                                       const v1::CaseworkerActionRequest* request,
                                       v1::WaitingEntry* response) override;
  grpc::ServerUnaryReactor* CloseConsultation(grpc::CallbackServerContext* context,
                                              const v1::CloseConsultationRequest* request,
                                              v1::WaitingEntry* response) override;
  grpc::ServerUnaryReactor* HostConsultation(grpc::CallbackServerContext* context,
                                             const v1::CaseworkerActionRequest* request,
                                             v1::JoinLink* response) override;
  grpc::ServerUnaryReactor* VerifyJoinToken(grpc::CallbackServerContext* context,
                                            const v1::VerifyJoinTokenRequest* request,
                                            v1::VerifyJoinTokenResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseworkerSchedule(grpc::CallbackServerContext* context,
                                                  const v1::GetCaseworkerScheduleRequest* request,
                                                  v1::CaseworkerSchedule* response) override;
  grpc::ServerUnaryReactor* SetCaseworkerAvailability(
      grpc::CallbackServerContext* context, const v1::SetCaseworkerAvailabilityRequest* request,
      v1::CaseworkerSchedule* response) override;
  grpc::ServerUnaryReactor* DeclareAbsence(grpc::CallbackServerContext* context,
                                           const v1::DeclareAbsenceRequest* request,
                                           v1::AbsenceReport* response) override;
  grpc::ServerUnaryReactor* ResolveAbsence(grpc::CallbackServerContext* context,
                                           const v1::ResolveAbsenceRequest* request,
                                           v1::AbsenceReport* response) override;
  grpc::ServerUnaryReactor* ExportPersonalData(grpc::CallbackServerContext* context,
                                               const type::v1::PersonalDataRequest* request,
                                               type::v1::PersonalData* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(grpc::CallbackServerContext* context,
                                              const type::v1::PersonalDataRequest* request,
                                              type::v1::ErasureReport* response) override;

 private:
  VideoGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::video
