#include "services/video/rpc/video_grpc_service.h"

#include "services/common/booking/domain/schedule.h"
#include "services/common/call_context.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/proto_time.h"
#include "services/common/reason.h"
#include "services/common/status.h"

namespace stadt::video {
namespace {

v1::VisitState ToProto(VisitState state) {
  switch (state) {
    case VisitState::kBooked:
      return v1::VISIT_STATE_BOOKED;
    case VisitState::kConsented:
      return v1::VISIT_STATE_CONSENTED;
    case VisitState::kWaiting:
      return v1::VISIT_STATE_WAITING;
    case VisitState::kAdmitted:
      return v1::VISIT_STATE_ADMITTED;
    case VisitState::kClosed:
      return v1::VISIT_STATE_CLOSED;
    case VisitState::kNoShow:
      return v1::VISIT_STATE_NO_SHOW;
  }
  return v1::VISIT_STATE_UNSPECIFIED;
}

void ToProto(const JoinClaims& claims, absl::TimeZone, v1::VerifyJoinTokenResponse* out) {
  out->set_room(claims.room);
  out->set_user_id(claims.user_id);
  out->set_moderator(claims.moderator);
  ToTimestamp(claims.expires, out->mutable_expires_at());
}

// A slot's start in UTC and, for people reading it, on the city's wall clock.
void SetStart(absl::Time start, absl::TimeZone zone, v1::Slot* out) {
  ToTimestamp(start, out->mutable_start());
  out->set_local_start(booking::FormatLocal(start, zone));
  out->set_time_zone(zone.name());
}

void ToProto(const VideoHold& hold, absl::TimeZone zone, v1::Hold* out) {
  out->set_hold_id(hold.hold_id);
  out->mutable_slot()->set_topic_id(hold.slot.topic_id);
  SetStart(hold.slot.start, zone, out->mutable_slot());
  out->mutable_slot()->set_duration_minutes(hold.slot.duration_minutes);
  ToTimestamp(hold.expires_at, out->mutable_expires_at());
}

void ToProto(const ConsentText& text, ConsentKind kind, bool current, v1::ConsentText* out) {
  out->set_kind(std::string(SlugOf(kind)));
  out->set_version(text.version);
  out->set_current(current);
  out->mutable_title()->set_de(text.title_de);
  out->mutable_title()->set_en(text.title_en);
  out->mutable_text()->set_de(text.text_de);
  out->mutable_text()->set_en(text.text_en);
}

v1::AbsenceKind KindToProto(const std::string& kind) {
  if (kind == "vacation") return v1::ABSENCE_KIND_VACATION;
  if (kind == "sick") return v1::ABSENCE_KIND_SICK;
  if (kind == "training") return v1::ABSENCE_KIND_TRAINING;
  if (kind == "other") return v1::ABSENCE_KIND_OTHER;
  return v1::ABSENCE_KIND_UNSPECIFIED;  // the seed file's absences
}

// Unknown kinds become "" and are refused by the domain.
std::string KindFromProto(v1::AbsenceKind kind) {
  switch (kind) {
    case v1::ABSENCE_KIND_VACATION:
      return "vacation";
    case v1::ABSENCE_KIND_SICK:
      return "sick";
    case v1::ABSENCE_KIND_TRAINING:
      return "training";
    case v1::ABSENCE_KIND_OTHER:
      return "other";
    default:
      return "";
  }
}

void ToProto(const Absence& absence, v1::Absence* out) {
  out->set_id(absence.id);
  out->set_from_date(absence.from_date);
  out->set_to_date(absence.to_date);
  out->set_kind(KindToProto(absence.kind));
}

void ToProto(const ScheduleView& schedule, absl::TimeZone zone, v1::CaseworkerSchedule* out) {
  out->set_caseworker_id(schedule.caseworker_id);
  out->set_time_zone(zone.name());
  for (const WeeklyWindow& window : schedule.availability) {
    v1::WeeklyWindow* added = out->add_availability();
    added->set_weekday(window.weekday);
    added->set_from_minute(window.from_minute);
    added->set_to_minute(window.to_minute);
  }
  for (const Absence& absence : schedule.absences) ToProto(absence, out->add_absences());
}

v1::AbsenceOutcome ToProto(AbsenceOutcome outcome) {
  switch (outcome) {
    case AbsenceOutcome::kAffected:
      return v1::ABSENCE_OUTCOME_AFFECTED;
    case AbsenceOutcome::kMoved:
      return v1::ABSENCE_OUTCOME_MOVED;
    case AbsenceOutcome::kCancelled:
      return v1::ABSENCE_OUTCOME_CANCELLED;
  }
  return v1::ABSENCE_OUTCOME_UNSPECIFIED;
}

void ToProto(const AbsenceReport& report, absl::TimeZone zone, v1::AbsenceReport* out) {
  ToProto(report.absence, out->mutable_absence());
  out->set_time_zone(zone.name());
  for (const AffectedConsultation& consultation : report.consultations) {
    v1::AffectedConsultation* added = out->add_consultations();
    added->set_booking_code(consultation.booking_code);
    added->set_topic_id(consultation.topic_id);
    ToTimestamp(consultation.start, added->mutable_start());
    added->set_local_start(booking::FormatLocal(consultation.start, zone));
    added->set_time_zone(zone.name());
    added->set_outcome(ToProto(consultation.outcome));
    if (consultation.outcome == AbsenceOutcome::kMoved) {
      added->set_caseworker_id(consultation.caseworker_id);
      ToTimestamp(consultation.new_start, added->mutable_new_start());
      added->set_local_new_start(booking::FormatLocal(consultation.new_start, zone));
    }
  }
  out->set_moved(report.moved);
  out->set_cancelled(report.cancelled);
}

// Every answer has this shape: the domain's error as a gRPC status, or the
// converted result (with its times also on the wall clock of `zone`).
template <typename Result, typename Message>
grpc::Status Respond(const absl::StatusOr<Result>& result, absl::TimeZone zone, Message* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  ToProto(*result, zone, response);
  return grpc::Status::OK;
}

std::string Subject(const grpc::ServerContextBase& context) {
  return CallerFromContext(context).subject;
}

constexpr char kVideoCaseworker[] = "video_caseworker";

NoopKpiRecorder& NoKpis() {
  static NoopKpiRecorder* const recorder = new NoopKpiRecorder();
  return *recorder;
}

// The department of the consultation's topic (from the seed catalog): its
// share of booked and held consultations. Never anything about the citizen.
KpiDimensions DepartmentDimension(const Topic& topic) {
  return {{std::string(kpi::kDepartment), KpiDimensionValue(topic.department_id)}};
}

}  // namespace

VideoGrpcService::VideoGrpcService(VideoBookings& bookings, Consultations& consultations,
                                   CaseworkerSchedules& schedules)
    : VideoGrpcService(bookings, consultations, schedules, NoKpis()) {}

void ToProto(const ConsultationView& view, absl::TimeZone zone, v1::Consultation* out) {
  out->set_booking_code(view.record.code);
  out->set_manage_token(view.manage_token);
  out->mutable_slot()->set_topic_id(view.topic.id);
  SetStart(view.record.start, zone, out->mutable_slot());
  out->mutable_slot()->set_duration_minutes(
      static_cast<int32_t>(absl::ToInt64Minutes(view.record.end - view.record.start)));
  out->set_department_id(view.topic.department_id);
  out->set_caseworker_name(view.caseworker_name);
  out->set_status(view.record.status == booking::BookingStatus::kConfirmed
                      ? v1::BOOKING_STATUS_CONFIRMED
                      : v1::BOOKING_STATUS_CANCELLED);
  out->set_state(ToProto(view.visit.state));
  out->set_id_check_required(view.topic.id_check_required);
  out->mutable_contact()->set_name(view.contact.name);
  out->mutable_contact()->set_email(view.contact.email);
  out->mutable_contact()->set_phone(view.contact.phone);
  out->set_ics(view.ics);
  out->set_waiting_room_path("/v1/video/consultations/" + view.record.code);
  ToTimestamp(view.join_from, out->mutable_join_from());
}

void ToProto(const WaitingEntry& entry, absl::TimeZone zone, v1::WaitingEntry* out) {
  out->set_booking_code(entry.code);
  out->set_topic_id(entry.topic.id);
  ToTimestamp(entry.start, out->mutable_start());
  out->set_local_start(booking::FormatLocal(entry.start, zone));
  out->set_time_zone(zone.name());
  out->set_duration_minutes(static_cast<int32_t>(absl::ToInt64Minutes(entry.end - entry.start)));
  out->set_caseworker_id(entry.caseworker_id);
  out->set_state(ToProto(entry.visit.state));
  if (entry.visit.waiting_since != absl::InfinitePast()) {
    ToTimestamp(entry.visit.waiting_since, out->mutable_waiting_since());
    out->set_local_waiting_since(booking::FormatLocal(entry.visit.waiting_since, zone));
  }
  out->set_waited_seconds(static_cast<int32_t>(absl::ToInt64Seconds(entry.waited)));
  out->set_id_check_required(entry.topic.id_check_required);
  out->set_id_checked(entry.visit.identity_checked_at != absl::InfinitePast());
  out->set_outcome(entry.visit.outcome);
}

// Join links carry instants for the browser only.
void ToProto(const JoinLink& link, absl::TimeZone, v1::JoinLink* out) {
  out->set_url(link.url);
  out->set_room(link.room);
  out->set_token(link.token);
  ToTimestamp(link.valid_from, out->mutable_valid_from());
  ToTimestamp(link.valid_until, out->mutable_valid_until());
  out->set_moderator(link.moderator);
}

grpc::Status VideoGrpcService::ListTopics(grpc::ServerContextBase*, const v1::ListTopicsRequest*,
                                          v1::ListTopicsResponse* response) {
  for (const Department& department : bookings_.catalog().departments) {
    v1::Department* out = response->add_departments();
    out->set_id(department.id);
    out->set_name(department.name);
  }
  for (const Topic& topic : bookings_.catalog().topics) {
    v1::Topic* out = response->add_topics();
    out->set_id(topic.id);
    out->set_name(topic.name);
    out->set_department_id(topic.department_id);
    out->set_duration_minutes(topic.duration_minutes);
    out->set_id_check_required(topic.id_check_required);
  }
  return grpc::Status::OK;
}

grpc::Status VideoGrpcService::SearchSlots(grpc::ServerContextBase*,
                                           const v1::SearchSlotsRequest* request,
                                           v1::SearchSlotsResponse* response) {
  absl::StatusOr<std::vector<VideoSlot>> slots = bookings_.SearchSlots(
      request->topic_id(), request->from_date(), request->to_date(), request->limit());
  if (!slots.ok()) return ToGrpcStatus(slots.status());
  for (const VideoSlot& slot : *slots) {
    v1::Slot* out = response->add_slots();
    out->set_topic_id(slot.topic_id);
    SetStart(slot.start, bookings_.zone(), out);
    out->set_duration_minutes(slot.duration_minutes);
  }
  return grpc::Status::OK;
}

grpc::Status VideoGrpcService::CreateHold(grpc::ServerContextBase* context,
                                          const v1::CreateHoldRequest* request,
                                          v1::Hold* response) {
  absl::StatusOr<absl::Time> start = FromTimestamp(request->start(), "start");
  if (!start.ok()) return ToGrpcStatus(start.status());
  return Respond(bookings_.CreateHold(Subject(*context), request->topic_id(), *start),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::ConfirmHold(grpc::ServerContextBase* context,
                                           const v1::ConfirmHoldRequest* request,
                                           v1::Consultation* response) {
  const booking::Contact contact{request->contact().name(), request->contact().email(),
                                 request->contact().phone(), CallerFromContext(*context).language};
  absl::StatusOr<ConsultationView> booked =
      bookings_.Confirm(Subject(*context), request->hold_id(), contact);
  if (booked.ok()) {
    // A replayed confirmation answers with the same booking code, so it is
    // counted once.
    kpis_.Count(kpi::kVideoConsultationsBooked, DepartmentDimension(booked->topic),
                booked->record.code);
  }
  return Respond(booked, bookings_.zone(), response);
}

grpc::Status VideoGrpcService::LookupBooking(grpc::ServerContextBase*,
                                             const v1::LookupBookingRequest* request,
                                             v1::Consultation* response) {
  return Respond(bookings_.Lookup(request->booking_code(), request->manage_token()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::ResendLinks(grpc::ServerContextBase* context,
                                           const v1::ResendLinksRequest* request,
                                           v1::ResendLinksResponse* response) {
  absl::Status status =
      bookings_.RequestLinks(request->email(), CallerFromContext(*context).language);
  if (!status.ok()) return ToGrpcStatus(status);
  response->set_status("accepted");
  return grpc::Status::OK;
}

grpc::Status VideoGrpcService::CancelBooking(grpc::ServerContextBase*,
                                             const v1::CancelBookingRequest* request,
                                             v1::Consultation* response) {
  return Respond(bookings_.Cancel(request->booking_code(), request->manage_token()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::RescheduleBooking(grpc::ServerContextBase*,
                                                 const v1::RescheduleBookingRequest* request,
                                                 v1::Consultation* response) {
  absl::StatusOr<absl::Time> start = FromTimestamp(request->start(), "start");
  if (!start.ok()) return ToGrpcStatus(start.status());
  return Respond(bookings_.Reschedule(request->booking_code(), request->manage_token(), *start),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::GetConsultation(grpc::ServerContextBase* context,
                                               const v1::GetConsultationRequest* request,
                                               v1::Consultation* response) {
  return Respond(consultations_.GetConsultation(Subject(*context), request->booking_code()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::GetConsentTexts(grpc::ServerContextBase*,
                                               const v1::GetConsentTextsRequest*,
                                               v1::ConsentTexts* response) {
  const std::pair<ConsentKind, v1::ConsentText*> documents[] = {
      {ConsentKind::kPrivacyNotice, response->mutable_privacy_notice()},
      {ConsentKind::kTerms, response->mutable_terms()}};
  for (auto [kind, out] : documents) {
    const std::string& version = consultations_.CurrentVersion(kind);
    absl::StatusOr<ConsentText> text = consultations_.ConsentTextOf(SlugOf(kind), version);
    // The service starts only with both current texts, so this is a bug.
    if (!text.ok()) return ToGrpcStatus(absl::InternalError("current consent text missing"));
    ToProto(*text, kind, true, out);
  }
  return grpc::Status::OK;
}

grpc::Status VideoGrpcService::GetConsentText(grpc::ServerContextBase*,
                                              const v1::GetConsentTextRequest* request,
                                              v1::ConsentText* response) {
  absl::StatusOr<ConsentText> text =
      consultations_.ConsentTextOf(request->kind(), request->version());
  if (!text.ok()) return ToGrpcStatus(text.status());
  const ConsentKind kind = *ConsentKindFromSlug(request->kind());  // found, so valid
  ToProto(*text, kind, text->version == consultations_.CurrentVersion(kind), response);
  return grpc::Status::OK;
}

grpc::Status VideoGrpcService::RecordConsent(grpc::ServerContextBase* context,
                                             const v1::RecordConsentRequest* request,
                                             v1::Consultation* response) {
  return Respond(
      consultations_.RecordConsent(Subject(*context), request->booking_code(),
                                   request->privacy_notice_version(), request->terms_version()),
      bookings_.zone(), response);
}

grpc::Status VideoGrpcService::CheckIn(grpc::ServerContextBase* context,
                                       const v1::CheckInRequest* request,
                                       v1::Consultation* response) {
  return Respond(consultations_.CheckIn(Subject(*context), request->booking_code()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::JoinConsultation(grpc::ServerContextBase* context,
                                                const v1::JoinConsultationRequest* request,
                                                v1::JoinLink* response) {
  return Respond(consultations_.Join(Subject(*context), request->booking_code()), bookings_.zone(),
                 response);
}

grpc::Status VideoGrpcService::RequireCaseworker(const grpc::ServerContextBase& context) const {
  const Caller caller = CallerFromContext(context);
  const Caseworker* caseworker = bookings_.catalog().FindCaseworker(caller.subject);
  const std::string department = caseworker == nullptr ? "" : caseworker->department_id;
  return ToGrpcStatus(caller.Require(kVideoCaseworker, "department", department));
}

grpc::Status VideoGrpcService::ListWaitingRoom(grpc::ServerContextBase* context,
                                               const v1::ListWaitingRoomRequest* request,
                                               v1::ListWaitingRoomResponse* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  absl::StatusOr<std::vector<WaitingEntry>> entries =
      consultations_.WaitingRoom(Subject(*context), request->date());
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  for (const WaitingEntry& entry : *entries)
    ToProto(entry, bookings_.zone(), response->add_entries());
  return grpc::Status::OK;
}

grpc::Status VideoGrpcService::AdmitCitizen(grpc::ServerContextBase* context,
                                            const v1::CaseworkerActionRequest* request,
                                            v1::WaitingEntry* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  absl::StatusOr<WaitingEntry> admitted =
      consultations_.Admit(Subject(*context), request->booking_code());
  if (admitted.ok()) {
    // Admission is when the consultation takes place: the citizen joined (not
    // a no-show) after waiting since check-in. Admitting again answers with
    // the same entry and the same keys, so nothing is counted twice.
    const std::string& code = admitted->code;
    kpis_.Count(kpi::kVideoConsultationsHeld, DepartmentDimension(admitted->topic), code);
    kpis_.Ratio(kpi::kVideoNoShowRate, false, DepartmentDimension(admitted->topic), code);
    kpis_.Observe(kpi::kVideoWaitSeconds, absl::ToDoubleSeconds(admitted->waited),
                  DepartmentDimension(admitted->topic), code);
  }
  return Respond(admitted, bookings_.zone(), response);
}

grpc::Status VideoGrpcService::MarkIdentityChecked(grpc::ServerContextBase* context,
                                                   const v1::CaseworkerActionRequest* request,
                                                   v1::WaitingEntry* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  return Respond(consultations_.MarkIdentityChecked(Subject(*context), request->booking_code()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::MarkNoShow(grpc::ServerContextBase* context,
                                          const v1::CaseworkerActionRequest* request,
                                          v1::WaitingEntry* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  absl::StatusOr<WaitingEntry> no_show =
      consultations_.MarkNoShow(Subject(*context), request->booking_code());
  if (no_show.ok()) {
    kpis_.Ratio(kpi::kVideoNoShowRate, true, DepartmentDimension(no_show->topic), no_show->code);
  }
  return Respond(no_show, bookings_.zone(), response);
}

grpc::Status VideoGrpcService::CloseConsultation(grpc::ServerContextBase* context,
                                                 const v1::CloseConsultationRequest* request,
                                                 v1::WaitingEntry* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  return Respond(
      consultations_.Close(Subject(*context), request->booking_code(), request->outcome()),
      bookings_.zone(), response);
}

grpc::Status VideoGrpcService::HostConsultation(grpc::ServerContextBase* context,
                                                const v1::CaseworkerActionRequest* request,
                                                v1::JoinLink* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  return Respond(consultations_.Host(Subject(*context), request->booking_code()), bookings_.zone(),
                 response);
}

grpc::Status VideoGrpcService::VerifyJoinToken(grpc::ServerContextBase*,
                                               const v1::VerifyJoinTokenRequest* request,
                                               v1::VerifyJoinTokenResponse* response) {
  return Respond(consultations_.VerifyToken(request->booking_code(), request->token()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::GetCaseworkerSchedule(
    grpc::ServerContextBase* context, const v1::GetCaseworkerScheduleRequest* request,
    v1::CaseworkerSchedule* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  return Respond(schedules_.Get(Subject(*context), request->caseworker_id()), bookings_.zone(),
                 response);
}

grpc::Status VideoGrpcService::SetCaseworkerAvailability(
    grpc::ServerContextBase* context, const v1::SetCaseworkerAvailabilityRequest* request,
    v1::CaseworkerSchedule* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  std::vector<WeeklyWindow> windows;
  for (const v1::WeeklyWindow& window : request->availability()) {
    windows.push_back({window.weekday(), window.from_minute(), window.to_minute()});
  }
  return Respond(schedules_.SetAvailability(Subject(*context), request->caseworker_id(), windows),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::DeclareAbsence(grpc::ServerContextBase* context,
                                              const v1::DeclareAbsenceRequest* request,
                                              v1::AbsenceReport* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  const v1::Absence& absence = request->absence();
  return Respond(schedules_.DeclareAbsence(Subject(*context), request->caseworker_id(),
                                           {absence.from_date(), absence.to_date(), absence.id(),
                                            KindFromProto(absence.kind())}),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::ResolveAbsence(grpc::ServerContextBase* context,
                                              const v1::ResolveAbsenceRequest* request,
                                              v1::AbsenceReport* response) {
  if (grpc::Status denied = RequireCaseworker(*context); !denied.ok()) return denied;
  AbsenceAction action = AbsenceAction::kList;
  switch (request->action()) {
    case v1::ABSENCE_ACTION_LIST:
      action = AbsenceAction::kList;
      break;
    case v1::ABSENCE_ACTION_MOVE:
      action = AbsenceAction::kMove;
      break;
    case v1::ABSENCE_ACTION_CANCEL:
      action = AbsenceAction::kCancel;
      break;
    default:
      return ToGrpcStatus(
          WithReason(absl::InvalidArgumentError("action: ABSENCE_ACTION_LIST, _MOVE or _CANCEL"),
                     "absence_action_invalid"));
  }
  return Respond(schedules_.ResolveAbsence(Subject(*context), request->caseworker_id(),
                                           request->absence_id(), action, request->reason()),
                 bookings_.zone(), response);
}

grpc::Status VideoGrpcService::ExportPersonalData(grpc::ServerContextBase* context,
                                                  const type::v1::PersonalDataRequest*,
                                                  type::v1::PersonalData* response) {
  return privacy::Answer("video", bookings_.PersonalRecords(CallerFromContext(*context).subject),
                         *response);
}

grpc::Status VideoGrpcService::ErasePersonalData(grpc::ServerContextBase* context,
                                                 const type::v1::PersonalDataRequest*,
                                                 type::v1::ErasureReport* response) {
  return privacy::Answer("video", bookings_.ErasePersonalData(CallerFromContext(*context).subject),
                         *response);
}

}  // namespace stadt::video
