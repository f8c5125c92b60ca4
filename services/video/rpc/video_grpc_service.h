#pragma once

#include "services/common/kpi/kpi_recorder.h"
#include "services/video/domain/consultations.h"
#include "services/video/domain/schedules.h"
#include "services/video/domain/video_bookings.h"
#include "stadt/video/v1/video.grpc.pb.h"

namespace stadt::video {

// Thin gRPC adapter: converts messages, calls the domain with the caller's
// subject, maps statuses. Most calls block on Redis: VideoReactorService
// serves them with gRPC's callback API and runs those on a bounded pool
// (services/common/grpc_reactor.h). The handlers take grpc::ServerContextBase,
// so that unit tests call them with a plain grpc::ServerContext.
//
// KPIs (department dimension only, every event keyed by the booking code so
// that a replayed call is counted once): booked on a successful confirm; on
// admission the consultation is held, was no no-show (ratio 0) and the
// citizen waited `waited` seconds since check-in; a no-show is ratio 1.
// Failed calls record nothing.
class VideoGrpcService final {
 public:
  // Without KPI reporting.
  VideoGrpcService(VideoBookings& bookings, Consultations& consultations,
                   CaseworkerSchedules& schedules);
  // Records the video KPIs to `kpis`.
  VideoGrpcService(VideoBookings& bookings, Consultations& consultations,
                   CaseworkerSchedules& schedules, KpiRecorder& kpis)
      : bookings_(bookings), consultations_(consultations), schedules_(schedules), kpis_(kpis) {}

  grpc::Status ListTopics(grpc::ServerContextBase* context, const v1::ListTopicsRequest* request,
                          v1::ListTopicsResponse* response);
  grpc::Status SearchSlots(grpc::ServerContextBase* context, const v1::SearchSlotsRequest* request,
                           v1::SearchSlotsResponse* response);
  grpc::Status CreateHold(grpc::ServerContextBase* context, const v1::CreateHoldRequest* request,
                          v1::Hold* response);
  grpc::Status ConfirmHold(grpc::ServerContextBase* context, const v1::ConfirmHoldRequest* request,
                           v1::Consultation* response);
  grpc::Status LookupBooking(grpc::ServerContextBase* context,
                             const v1::LookupBookingRequest* request, v1::Consultation* response);
  grpc::Status ResendLinks(grpc::ServerContextBase* context, const v1::ResendLinksRequest* request,
                           v1::ResendLinksResponse* response);
  grpc::Status CancelBooking(grpc::ServerContextBase* context,
                             const v1::CancelBookingRequest* request, v1::Consultation* response);
  grpc::Status RescheduleBooking(grpc::ServerContextBase* context,
                                 const v1::RescheduleBookingRequest* request,
                                 v1::Consultation* response);
  grpc::Status GetConsultation(grpc::ServerContextBase* context,
                               const v1::GetConsultationRequest* request,
                               v1::Consultation* response);
  grpc::Status GetConsentTexts(grpc::ServerContextBase* context,
                               const v1::GetConsentTextsRequest* request,
                               v1::ConsentTexts* response);
  grpc::Status GetConsentText(grpc::ServerContextBase* context,
                              const v1::GetConsentTextRequest* request, v1::ConsentText* response);
  grpc::Status RecordConsent(grpc::ServerContextBase* context,
                             const v1::RecordConsentRequest* request, v1::Consultation* response);
  grpc::Status CheckIn(grpc::ServerContextBase* context, const v1::CheckInRequest* request,
                       v1::Consultation* response);
  grpc::Status JoinConsultation(grpc::ServerContextBase* context,
                                const v1::JoinConsultationRequest* request, v1::JoinLink* response);
  grpc::Status ListWaitingRoom(grpc::ServerContextBase* context,
                               const v1::ListWaitingRoomRequest* request,
                               v1::ListWaitingRoomResponse* response);
  grpc::Status AdmitCitizen(grpc::ServerContextBase* context,
                            const v1::CaseworkerActionRequest* request, v1::WaitingEntry* response);
  grpc::Status MarkIdentityChecked(grpc::ServerContextBase* context,
                                   const v1::CaseworkerActionRequest* request,
                                   v1::WaitingEntry* response);
  grpc::Status MarkNoShow(grpc::ServerContextBase* context,
                          const v1::CaseworkerActionRequest* request, v1::WaitingEntry* response);
  grpc::Status CloseConsultation(grpc::ServerContextBase* context,
                                 const v1::CloseConsultationRequest* request,
                                 v1::WaitingEntry* response);
  grpc::Status HostConsultation(grpc::ServerContextBase* context,
                                const v1::CaseworkerActionRequest* request, v1::JoinLink* response);
  grpc::Status VerifyJoinToken(grpc::ServerContextBase* context,
                               const v1::VerifyJoinTokenRequest* request,
                               v1::VerifyJoinTokenResponse* response);

  grpc::Status GetCaseworkerSchedule(grpc::ServerContextBase* context,
                                     const v1::GetCaseworkerScheduleRequest* request,
                                     v1::CaseworkerSchedule* response);
  grpc::Status SetCaseworkerAvailability(grpc::ServerContextBase* context,
                                         const v1::SetCaseworkerAvailabilityRequest* request,
                                         v1::CaseworkerSchedule* response);
  grpc::Status DeclareAbsence(grpc::ServerContextBase* context,
                              const v1::DeclareAbsenceRequest* request,
                              v1::AbsenceReport* response);
  grpc::Status ResolveAbsence(grpc::ServerContextBase* context,
                              const v1::ResolveAbsenceRequest* request,
                              v1::AbsenceReport* response);
  // Internal (the privacy service): the caller's consultations, and their erasure.
  grpc::Status ExportPersonalData(grpc::ServerContextBase* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response);
  grpc::Status ErasePersonalData(grpc::ServerContextBase* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response);

 private:
  // The video_caseworker role and a token scoped to the caller's department
  // ("department:<id>" or "department:*"); the domain then loads only
  // consultations of that department (another's is NOT_FOUND).
  grpc::Status RequireCaseworker(const grpc::ServerContextBase& context) const;

  VideoBookings& bookings_;
  Consultations& consultations_;
  CaseworkerSchedules& schedules_;
  KpiRecorder& kpis_;
};

// Domain -> message conversions (exposed for tests); times people read are
// also given on the wall clock of `zone`.
void ToProto(const ConsultationView& view, absl::TimeZone zone, v1::Consultation* out);
void ToProto(const WaitingEntry& entry, absl::TimeZone zone, v1::WaitingEntry* out);
void ToProto(const JoinLink& link, absl::TimeZone zone, v1::JoinLink* out);

}  // namespace stadt::video
