#pragma once

#include "services/common/kpi/kpi_recorder.h"
#include "services/video/domain/consultations.h"
#include "services/video/domain/schedules.h"
#include "services/video/domain/video_bookings.h"
#include "stadt/video/v1/video.grpc.pb.h"

namespace stadt::video {

// Thin gRPC adapter: converts messages, calls the domain with the caller's
// subject, maps statuses. Synchronous on purpose: every call does blocking
// Redis I/O on the sync server's own thread pool.
//
// KPIs (department dimension only, every event keyed by the booking code so
// that a replayed call is counted once): booked on a successful confirm; on
// admission the consultation is held, was no no-show (ratio 0) and the
// citizen waited `waited` seconds since check-in; a no-show is ratio 1.
// Failed calls record nothing.
class VideoGrpcService final : public v1::Video::Service {
 public:
  // Without KPI reporting.
  VideoGrpcService(VideoBookings& bookings, Consultations& consultations,
                   CaseworkerSchedules& schedules);
  // Records the video KPIs to `kpis`.
  VideoGrpcService(VideoBookings& bookings, Consultations& consultations,
                   CaseworkerSchedules& schedules, KpiRecorder& kpis)
      : bookings_(bookings), consultations_(consultations), schedules_(schedules), kpis_(kpis) {}

  grpc::Status ListTopics(grpc::ServerContext* context, const v1::ListTopicsRequest* request,
                          v1::ListTopicsResponse* response) override;
  grpc::Status SearchSlots(grpc::ServerContext* context, const v1::SearchSlotsRequest* request,
                           v1::SearchSlotsResponse* response) override;
  grpc::Status CreateHold(grpc::ServerContext* context, const v1::CreateHoldRequest* request,
                          v1::Hold* response) override;
  grpc::Status ConfirmHold(grpc::ServerContext* context, const v1::ConfirmHoldRequest* request,
                           v1::Consultation* response) override;
  grpc::Status LookupBooking(grpc::ServerContext* context, const v1::LookupBookingRequest* request,
                             v1::Consultation* response) override;
  grpc::Status ResendLinks(grpc::ServerContext* context, const v1::ResendLinksRequest* request,
                           v1::ResendLinksResponse* response) override;
  grpc::Status CancelBooking(grpc::ServerContext* context, const v1::CancelBookingRequest* request,
                             v1::Consultation* response) override;
  grpc::Status RescheduleBooking(grpc::ServerContext* context,
                                 const v1::RescheduleBookingRequest* request,
                                 v1::Consultation* response) override;
  grpc::Status GetConsultation(grpc::ServerContext* context,
                               const v1::GetConsultationRequest* request,
                               v1::Consultation* response) override;
  grpc::Status GetConsentTexts(grpc::ServerContext* context,
                               const v1::GetConsentTextsRequest* request,
                               v1::ConsentTexts* response) override;
  grpc::Status GetConsentText(grpc::ServerContext* context,
                              const v1::GetConsentTextRequest* request,
                              v1::ConsentText* response) override;
  grpc::Status RecordConsent(grpc::ServerContext* context, const v1::RecordConsentRequest* request,
                             v1::Consultation* response) override;
  grpc::Status CheckIn(grpc::ServerContext* context, const v1::CheckInRequest* request,
                       v1::Consultation* response) override;
  grpc::Status JoinConsultation(grpc::ServerContext* context,
                                const v1::JoinConsultationRequest* request,
                                v1::JoinLink* response) override;
  grpc::Status ListWaitingRoom(grpc::ServerContext* context,
                               const v1::ListWaitingRoomRequest* request,
                               v1::ListWaitingRoomResponse* response) override;
  grpc::Status AdmitCitizen(grpc::ServerContext* context,
                            const v1::CaseworkerActionRequest* request,
                            v1::WaitingEntry* response) override;
  grpc::Status MarkIdentityChecked(grpc::ServerContext* context,
                                   const v1::CaseworkerActionRequest* request,
                                   v1::WaitingEntry* response) override;
  grpc::Status MarkNoShow(grpc::ServerContext* context, const v1::CaseworkerActionRequest* request,
                          v1::WaitingEntry* response) override;
  grpc::Status CloseConsultation(grpc::ServerContext* context,
                                 const v1::CloseConsultationRequest* request,
                                 v1::WaitingEntry* response) override;
  grpc::Status HostConsultation(grpc::ServerContext* context,
                                const v1::CaseworkerActionRequest* request,
                                v1::JoinLink* response) override;
  grpc::Status VerifyJoinToken(grpc::ServerContext* context,
                               const v1::VerifyJoinTokenRequest* request,
                               v1::VerifyJoinTokenResponse* response) override;

  grpc::Status GetCaseworkerSchedule(grpc::ServerContext* context,
                                     const v1::GetCaseworkerScheduleRequest* request,
                                     v1::CaseworkerSchedule* response) override;
  grpc::Status SetCaseworkerAvailability(grpc::ServerContext* context,
                                         const v1::SetCaseworkerAvailabilityRequest* request,
                                         v1::CaseworkerSchedule* response) override;
  grpc::Status DeclareAbsence(grpc::ServerContext* context,
                              const v1::DeclareAbsenceRequest* request,
                              v1::AbsenceReport* response) override;
  grpc::Status ResolveAbsence(grpc::ServerContext* context,
                              const v1::ResolveAbsenceRequest* request,
                              v1::AbsenceReport* response) override;
  // Internal (the privacy service): the caller's consultations, and their erasure.
  grpc::Status ExportPersonalData(grpc::ServerContext* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response) override;
  grpc::Status ErasePersonalData(grpc::ServerContext* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response) override;

 private:
  // The video_caseworker role and a token scoped to the caller's department
  // ("department:<id>" or "department:*"); the domain then loads only
  // consultations of that department (another's is NOT_FOUND).
  grpc::Status RequireCaseworker(const grpc::ServerContext& context) const;

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
