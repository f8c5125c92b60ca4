#include "services/appointments/rpc/appointments_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "services/common/call_context.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/reason.h"
#include "services/common/status.h"
#include "services/common/strings.h"

namespace stadt::appointments {

void ToProto(const Office& office, v1::Office* out) {
  out->set_id(office.id);
  out->set_name(office.name);
  out->set_district(office.district);
  out->mutable_address()->set_street(office.address.street);
  out->mutable_address()->set_postal_code(office.address.postal_code);
  out->mutable_address()->set_city(office.address.city);
  for (const OpeningHours& day : office.opening_hours) {
    v1::OpeningHours* hours = out->add_opening_hours();
    hours->set_weekday(day.weekday);
    hours->set_opens_minute(day.opens_minute);
    hours->set_closes_minute(day.closes_minute);
  }
  for (const std::string& id : office.service_ids) out->add_service_ids(id);
  out->set_slot_minutes(office.slot_minutes);
  for (const CounterWindow& window : office.counters) {
    v1::CounterWindow* counters = out->add_counters();
    counters->set_weekday(window.weekday);
    counters->set_from_minute(window.from_minute);
    counters->set_to_minute(window.to_minute);
    counters->set_counters(window.counters);
  }
  for (const std::string& date : office.closed_dates) out->add_closed_dates(date);
  for (const Closure& closure : office.closures) ToProto(closure, out->add_closures());
  for (const std::string& language : office.languages) out->add_languages(language);
}

void ToProto(const Closure& closure, v1::Closure* out) {
  out->set_id(closure.id);
  out->set_from_date(closure.from_date);
  out->set_to_date(closure.to_date);
  out->set_from_minute(closure.from_minute);
  out->set_to_minute(closure.to_minute);
  out->set_counters(closure.counters);
  out->set_reason(closure.reason);
}

Closure FromProto(const v1::Closure& closure) {
  return {closure.id(),
          closure.from_date(),
          closure.to_date(),
          closure.from_minute(),
          closure.to_minute() == 0 ? 24 * 60 : closure.to_minute(),
          closure.counters(),
          closure.reason()};
}

namespace {

void ToProto(const LocalizedText& text, v1::LocalizedText* out) {
  out->set_de(text.de);
  out->set_en(text.en);
}

}  // namespace

void ToProto(const ServiceType& service, v1::Service* out) {
  out->set_id(service.id);
  out->set_name(service.name);
  out->set_duration_minutes(service.duration_minutes);
  for (const std::string& id : service.combinable_with) out->add_combinable_with(id);
  if (!service.title.de.empty()) ToProto(service.title, out->mutable_title());
  for (const LocalizedText& document : service.required_documents) {
    ToProto(document, out->add_required_documents());
  }
  if (service.fee_cents >= 0) {
    out->mutable_fee()->set_currency("EUR");
    out->mutable_fee()->set_cents(service.fee_cents);
  }
  if (!service.fee_note.de.empty()) ToProto(service.fee_note, out->mutable_fee_note());
}

Office FromProto(const v1::Office& office) {
  Office out;
  out.id = office.id();
  out.name = office.name();
  out.district = office.district();
  out.address = {office.address().street(), office.address().postal_code(),
                 office.address().city()};
  for (const v1::OpeningHours& day : office.opening_hours()) {
    out.opening_hours.push_back({day.weekday(), day.opens_minute(), day.closes_minute()});
  }
  out.service_ids.assign(office.service_ids().begin(), office.service_ids().end());
  out.slot_minutes = office.slot_minutes() == 0 ? 10 : office.slot_minutes();
  for (const v1::CounterWindow& window : office.counters()) {
    out.counters.push_back(
        {window.weekday(), window.from_minute(), window.to_minute(), window.counters()});
  }
  out.closed_dates.assign(office.closed_dates().begin(), office.closed_dates().end());
  out.languages.assign(office.languages().begin(), office.languages().end());
  return out;
}

namespace {

// Timestamps from clients: the range RFC 3339 can express, nothing wilder.
absl::StatusOr<absl::Time> FromProto(const google::protobuf::Timestamp& timestamp,
                                     std::string_view field) {
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (timestamp.seconds() < 0 || timestamp.seconds() > kMaxSeconds || timestamp.nanos() < 0 ||
      timestamp.nanos() > 999999999) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": out of range")),
                      "invalid_timestamp");
  }
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(time);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

v1::VisitState ToProto(VisitState state) {
  switch (state) {
    case VisitState::kExpected:
      return v1::VISIT_STATE_EXPECTED;
    case VisitState::kWaiting:
      return v1::VISIT_STATE_WAITING;
    case VisitState::kCalled:
      return v1::VISIT_STATE_CALLED;
    case VisitState::kCompleted:
      return v1::VISIT_STATE_COMPLETED;
    case VisitState::kNoShow:
      return v1::VISIT_STATE_NO_SHOW;
    case VisitState::kParked:
      return v1::VISIT_STATE_PARKED;
    case VisitState::kCancelled:
      return v1::VISIT_STATE_CANCELLED;
  }
  return v1::VISIT_STATE_UNSPECIFIED;
}

void ToProto(const Ticket& ticket, absl::TimeZone zone, v1::Ticket* out) {
  out->set_queue_number(ticket.queue_number);
  out->set_booking_code(ticket.booking_code);
  out->set_state(ToProto(ticket.state));
  out->set_counter(ticket.counter);
  out->set_time_zone(zone.name());
  if (ticket.issued_at != absl::InfinitePast()) {
    ToProto(ticket.issued_at, out->mutable_issued_at());
    out->set_local_issued(booking::FormatLocal(ticket.issued_at, zone));
  }
  if (ticket.called_at != absl::InfinitePast()) {
    ToProto(ticket.called_at, out->mutable_called_at());
    out->set_local_called(booking::FormatLocal(ticket.called_at, zone));
  }
}

void ToProto(const DayAppointment& appointment, absl::TimeZone zone, v1::DayAppointment* out);

grpc::Status TicketResponse(const absl::StatusOr<Ticket>& ticket, absl::TimeZone zone,
                            v1::Ticket* response) {
  if (!ticket.ok()) return ToGrpcStatus(ticket.status());
  ToProto(*ticket, zone, response);
  return grpc::Status::OK;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return std::vector<std::string>(field.begin(), field.end());
}

constexpr char kOfficeStaff[] = "office_staff";  // runs the counter
constexpr char kOfficeAdmin[] = "office_admin";  // catalog entry, hours, closures

// The gateway enforces each route's role and, from the path, its office; the
// office is checked here again from the token's scopes ("office:<id>" or
// "office:*") against the office the call acts on, so staff of one office
// cannot run another office's day or change its catalog entry.
grpc::Status RequireOfficeRole(const grpc::ServerContextBase& context, const char* role,
                               const std::string& office_id) {
  return ToGrpcStatus(CallerFromContext(context).Require(role, "office", office_id));
}

NoopKpiRecorder& NoKpis() {
  static NoopKpiRecorder* const recorder = new NoopKpiRecorder();
  return *recorder;
}

}  // namespace

AppointmentsGrpcService::AppointmentsGrpcService(OfficeCatalog& catalog, OfficeBookings& bookings,
                                                 CounterDay& counter_day, OfficeClosures& closures)
    : AppointmentsGrpcService(catalog, bookings, counter_day, closures, NoKpis()) {}

void ToProto(const SlotView& slot, v1::Slot* out) {
  out->set_office_id(slot.office_id);
  ToProto(slot.start, out->mutable_start());
  out->set_duration_minutes(slot.duration_minutes);
  out->set_office_name(slot.office_name);
  out->set_local_start(slot.local_start);
  out->set_time_zone(slot.time_zone);
}

void ToProto(const BookingView& booking, v1::Booking* out) {
  out->set_booking_code(booking.record.code);
  out->set_manage_token(booking.manage_token);
  ToProto(booking.slot, out->mutable_slot());
  for (const std::string& id : booking.record.service_ids) out->add_service_ids(id);
  out->set_status(booking.confirm_by.has_value() ? v1::BOOKING_STATUS_PENDING_EMAIL
                  : booking.record.status == booking::BookingStatus::kConfirmed
                      ? v1::BOOKING_STATUS_CONFIRMED
                      : v1::BOOKING_STATUS_CANCELLED);
  if (booking.confirm_by.has_value()) ToProto(*booking.confirm_by, out->mutable_confirm_by());
  out->mutable_contact()->set_name(booking.contact.name);
  out->mutable_contact()->set_email(booking.contact.email);
  out->mutable_contact()->set_phone(booking.contact.phone);
  out->set_ics(booking.ics);
  out->set_booked_by_staff(!booking.record.booked_by.empty());
}

grpc::Status AppointmentsGrpcService::ListOffices(grpc::ServerContextBase*,
                                                  const v1::ListOfficesRequest* request,
                                                  v1::ListOfficesResponse* response) {
  absl::StatusOr<OfficePage> page = catalog_.ListOffices({.district = request->district(),
                                                          .page_size = request->page_size(),
                                                          .page_token = request->page_token(),
                                                          .language = request->language()});
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Office& office : page->offices) ToProto(office, response->add_offices());
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::GetOffice(grpc::ServerContextBase*,
                                                const v1::GetOfficeRequest* request,
                                                v1::Office* response) {
  absl::StatusOr<Office> office = catalog_.GetOffice(request->office_id());
  if (!office.ok()) return ToGrpcStatus(office.status());
  ToProto(*office, response);
  return grpc::Status::OK;
}

std::optional<grpc::Status> AppointmentsGrpcService::GetOfficeWithoutIo(
    const v1::GetOfficeRequest* request, v1::Office* response) {
  std::optional<absl::StatusOr<Office>> office = catalog_.GetOfficeWithoutIo(request->office_id());
  if (!office.has_value()) return std::nullopt;
  if (!office->ok()) return ToGrpcStatus(office->status());
  ToProto(**office, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::ListOfficeServices(
    grpc::ServerContextBase*, const v1::ListOfficeServicesRequest* request,
    v1::ListOfficeServicesResponse* response) {
  absl::StatusOr<std::vector<ServiceType>> services =
      catalog_.ListOfficeServices(request->office_id());
  if (!services.ok()) return ToGrpcStatus(services.status());
  for (const ServiceType& service : *services) ToProto(service, response->add_services());
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::ListDistricts(grpc::ServerContextBase*,
                                                    const v1::ListDistrictsRequest*,
                                                    v1::ListDistrictsResponse* response) {
  absl::StatusOr<std::vector<DistrictEntry>> districts = catalog_.ListDistricts();
  if (!districts.ok()) return ToGrpcStatus(districts.status());
  for (const DistrictEntry& district : *districts) {
    v1::District* out = response->add_districts();
    out->set_name(district.name);
    out->set_office_count(district.office_count);
  }
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::PutOffice(grpc::ServerContextBase* context,
                                                const v1::PutOfficeRequest* request,
                                                v1::Office* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeAdmin, request->office().id());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<Office> prepared = closures_.PrepareReplacement(FromProto(request->office()));
  if (!prepared.ok()) return ToGrpcStatus(prepared.status());
  absl::StatusOr<Office> office = catalog_.PutOffice(*prepared);
  if (!office.ok()) return ToGrpcStatus(office.status());
  ToProto(*office, response);
  return grpc::Status::OK;
}

namespace {

v1::ClosureOutcome ToProto(ClosureOutcome outcome) {
  switch (outcome) {
    case ClosureOutcome::kAffected:
      return v1::CLOSURE_OUTCOME_AFFECTED;
    case ClosureOutcome::kMoved:
      return v1::CLOSURE_OUTCOME_MOVED;
    case ClosureOutcome::kCancelled:
      return v1::CLOSURE_OUTCOME_CANCELLED;
  }
  return v1::CLOSURE_OUTCOME_UNSPECIFIED;
}

grpc::Status ReportResponse(const absl::StatusOr<ClosureReport>& report, absl::TimeZone zone,
                            v1::ClosureReport* response) {
  if (!report.ok()) return ToGrpcStatus(report.status());
  ToProto(report->closure, response->mutable_closure());
  for (const AffectedBooking& booking : report->bookings) {
    v1::AffectedBooking* out = response->add_bookings();
    out->set_booking_code(booking.booking_code);
    ToProto(booking.start, out->mutable_start());
    out->set_local_start(booking::FormatLocal(booking.start, zone));
    out->set_time_zone(zone.name());
    out->set_outcome(ToProto(booking.outcome));
    if (booking.outcome == ClosureOutcome::kMoved) {
      out->set_office_id(booking.office_id);
      ToProto(booking.new_start, out->mutable_new_start());
      out->set_local_new_start(booking::FormatLocal(booking.new_start, zone));
    }
  }
  response->set_moved(report->moved);
  response->set_cancelled(report->cancelled);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status AppointmentsGrpcService::DeclareClosure(grpc::ServerContextBase* context,
                                                     const v1::DeclareClosureRequest* request,
                                                     v1::ClosureReport* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeAdmin, request->office_id());
      !denied.ok()) {
    return denied;
  }
  return ReportResponse(closures_.Declare(request->office_id(), FromProto(request->closure())),
                        bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::ResolveClosure(grpc::ServerContextBase* context,
                                                     const v1::ResolveClosureRequest* request,
                                                     v1::ClosureReport* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeAdmin, request->office_id());
      !denied.ok()) {
    return denied;
  }
  ClosureAction action = ClosureAction::kList;
  switch (request->action()) {
    case v1::CLOSURE_ACTION_LIST:
      action = ClosureAction::kList;
      break;
    case v1::CLOSURE_ACTION_MOVE:
      action = ClosureAction::kMove;
      break;
    case v1::CLOSURE_ACTION_CANCEL:
      action = ClosureAction::kCancel;
      break;
    default:
      return ToGrpcStatus(
          WithReason(absl::InvalidArgumentError("action: CLOSURE_ACTION_LIST, _MOVE or _CANCEL"),
                     "closure_action_invalid"));
  }
  // Moving to another office changes that office's day too.
  if (!request->target_office_id().empty()) {
    if (grpc::Status denied =
            RequireOfficeRole(*context, kOfficeAdmin, request->target_office_id());
        !denied.ok()) {
      return denied;
    }
  }
  return ReportResponse(closures_.Resolve(request->office_id(), request->closure_id(), action,
                                          request->target_office_id(), request->reason()),
                        bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::SearchSlots(grpc::ServerContextBase*,
                                                  const v1::SearchSlotsRequest* request,
                                                  v1::SearchSlotsResponse* response) {
  absl::StatusOr<std::vector<SlotView>> slots =
      bookings_.SearchSlots({.service_ids = Strings(request->service_ids()),
                             .office_ids = Strings(request->office_ids()),
                             .district = request->district(),
                             .from_date = request->from_date(),
                             .to_date = request->to_date(),
                             .limit = request->limit(),
                             .language = request->language()});
  if (!slots.ok()) return ToGrpcStatus(slots.status());
  for (const SlotView& slot : *slots) ToProto(slot, response->add_slots());
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::GetAvailability(grpc::ServerContextBase*,
                                                      const v1::GetAvailabilityRequest* request,
                                                      v1::GetAvailabilityResponse* response) {
  absl::StatusOr<std::vector<DayCount>> days =
      bookings_.Availability(request->office_id(), Strings(request->service_ids()),
                             request->from_date(), request->to_date());
  if (!days.ok()) return ToGrpcStatus(days.status());
  for (const DayCount& day : *days) {
    v1::DayAvailability* out = response->add_days();
    out->set_date(day.date);
    out->set_free_slots(day.free_slots);
  }
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::CreateHold(grpc::ServerContextBase* context,
                                                 const v1::CreateHoldRequest* request,
                                                 v1::Hold* response) {
  absl::StatusOr<absl::Time> start = FromProto(request->start(), "start");
  if (!start.ok()) return ToGrpcStatus(start.status());
  absl::StatusOr<HoldView> hold =
      bookings_.CreateHold(CallerFromContext(*context).subject, request->office_id(),
                           Strings(request->service_ids()), *start);
  if (!hold.ok()) return ToGrpcStatus(hold.status());
  response->set_hold_id(hold->hold_id);
  ToProto(hold->slot, response->mutable_slot());
  ToProto(hold->expires_at, response->mutable_expires_at());
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::ConfirmHold(grpc::ServerContextBase* context,
                                                  const v1::ConfirmHoldRequest* request,
                                                  v1::Booking* response) {
  const booking::Contact contact{request->contact().name(), request->contact().email(),
                                 request->contact().phone(), CallerFromContext(*context).language};
  absl::StatusOr<BookingView> booking =
      bookings_.Confirm(CallerFromContext(*context).subject, request->hold_id(), contact);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  // Keyed by the booking code: a replayed confirmation is counted once. A
  // booking waiting for its e-mail is counted when its link is used.
  if (!booking->confirm_by.has_value()) {
    kpis_.Count(kpi::kAppointmentsBooked,
                {{std::string(kpi::kOffice), booking->record.resource_id}}, booking->record.code);
  }
  ToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::CreateStaffBooking(
    grpc::ServerContextBase* context, const v1::CreateStaffBookingRequest* request,
    v1::Booking* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<absl::Time> start = FromProto(request->start(), "start");
  if (!start.ok()) return ToGrpcStatus(start.status());
  const booking::Contact contact{request->contact().name(), request->contact().email(),
                                 request->contact().phone()};
  absl::StatusOr<BookingView> booking =
      bookings_.BookForCaller(CallerFromContext(*context).subject, request->office_id(),
                              Strings(request->service_ids()), *start, contact);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  kpis_.Count(kpi::kAppointmentsBooked, {{std::string(kpi::kOffice), booking->record.resource_id}},
              booking->record.code);
  ToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::ConfirmByEmail(grpc::ServerContextBase*,
                                                     const v1::ConfirmByEmailRequest* request,
                                                     v1::Booking* response) {
  absl::StatusOr<BookingView> booking =
      bookings_.ConfirmByEmail(request->hold_id(), request->token());
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  kpis_.Count(kpi::kAppointmentsBooked, {{std::string(kpi::kOffice), booking->record.resource_id}},
              booking->record.code);
  ToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::ResendLinks(grpc::ServerContextBase* context,
                                                  const v1::ResendLinksRequest* request,
                                                  v1::ResendLinksResponse* response) {
  absl::Status status =
      bookings_.RequestLinks(request->email(), CallerFromContext(*context).language);
  if (!status.ok()) return ToGrpcStatus(status);
  response->set_status("accepted");
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::LookupBooking(grpc::ServerContextBase*,
                                                    const v1::LookupBookingRequest* request,
                                                    v1::Booking* response) {
  absl::StatusOr<BookingView> booking =
      bookings_.Lookup(request->booking_code(), request->manage_token());
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  ToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::CancelBooking(grpc::ServerContextBase*,
                                                    const v1::CancelBookingRequest* request,
                                                    v1::Booking* response) {
  absl::StatusOr<BookingView> booking =
      bookings_.Cancel(request->booking_code(), request->manage_token());
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  kpis_.Count(kpi::kAppointmentsCancelled,
              {{std::string(kpi::kOffice), booking->record.resource_id}}, booking->record.code);
  ToProto(*booking, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::RescheduleBooking(grpc::ServerContextBase*,
                                                        const v1::RescheduleBookingRequest* request,
                                                        v1::Booking* response) {
  absl::StatusOr<absl::Time> start = FromProto(request->start(), "start");
  if (!start.ok()) return ToGrpcStatus(start.status());
  absl::StatusOr<BookingView> booking = bookings_.Reschedule(
      request->booking_code(), request->manage_token(), request->office_id(), *start);
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  ToProto(*booking, response);
  return grpc::Status::OK;
}

namespace {

void ToProto(const DayAppointment& appointment, absl::TimeZone zone, v1::DayAppointment* out) {
  out->set_booking_code(appointment.booking_code);
  ToProto(appointment.start, out->mutable_start());
  out->set_local_start(booking::FormatLocal(appointment.start, zone));
  out->set_time_zone(zone.name());
  if (appointment.checked_in_at != absl::InfinitePast()) {
    ToProto(appointment.checked_in_at, out->mutable_checked_in_at());
    out->set_local_checked_in(booking::FormatLocal(appointment.checked_in_at, zone));
  }
  if (appointment.called_at != absl::InfinitePast()) {
    ToProto(appointment.called_at, out->mutable_called_at());
    out->set_local_called(booking::FormatLocal(appointment.called_at, zone));
  }
  for (const std::string& id : appointment.service_ids) out->add_service_ids(id);
  out->set_state(ToProto(appointment.state));
  out->set_queue_number(appointment.queue_number);
  out->set_walk_in(appointment.walk_in);
  out->set_counter(appointment.counter);
  out->set_citizen_name(appointment.citizen_name);
}

}  // namespace

grpc::Status AppointmentsGrpcService::ListDayAppointments(
    grpc::ServerContextBase* context, const v1::ListDayAppointmentsRequest* request,
    v1::ListDayAppointmentsResponse* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<DayList> list = counter_day_.List(request->office_id(), request->date());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (const DayAppointment& appointment : list->appointments) {
    ToProto(appointment, bookings_.zone(), response->add_appointments());
  }
  response->set_no_shows(list->no_shows);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::CheckIn(grpc::ServerContextBase* context,
                                              const v1::CheckInRequest* request,
                                              v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  return TicketResponse(
      counter_day_.CheckIn(request->office_id(), request->date(), request->booking_code()),
      bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::CreateWalkIn(grpc::ServerContextBase* context,
                                                   const v1::CreateWalkInRequest* request,
                                                   v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  return TicketResponse(
      counter_day_.WalkIn(request->office_id(), request->date(), Strings(request->service_ids())),
      bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::CallNext(grpc::ServerContextBase* context,
                                               const v1::CallNextRequest* request,
                                               v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<std::optional<Ticket>> ticket =
      counter_day_.CallNext(request->office_id(), request->date(), request->counter());
  if (!ticket.ok()) return ToGrpcStatus(ticket.status());
  if (ticket->has_value())
    ToProto(**ticket, bookings_.zone(), response);  // else nobody waits: an empty ticket
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::RecallTicket(grpc::ServerContextBase* context,
                                                   const v1::RecallTicketRequest* request,
                                                   v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  return TicketResponse(counter_day_.Recall(request->office_id(), request->date(),
                                            request->queue_number(), request->counter()),
                        bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::ParkTicket(grpc::ServerContextBase* context,
                                                 const v1::ParkTicketRequest* request,
                                                 v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  return TicketResponse(
      counter_day_.Park(request->office_id(), request->date(), request->queue_number()),
      bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::CancelTicket(grpc::ServerContextBase* context,
                                                   const v1::CancelTicketRequest* request,
                                                   v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  return TicketResponse(
      counter_day_.CancelTicket(request->office_id(), request->date(), request->queue_number()),
      bookings_.zone(), response);
}

// Public: ticket numbers and counters only, as on the screen in the room.
grpc::Status AppointmentsGrpcService::GetCallDisplay(grpc::ServerContextBase*,
                                                     const v1::GetCallDisplayRequest* request,
                                                     v1::CallDisplay* response) {
  absl::StatusOr<CallBoard> board = counter_day_.Board(request->office_id(), request->since());
  if (!board.ok()) return ToGrpcStatus(board.status());
  response->set_version(board->version);
  response->set_changed(board->changed);
  response->set_date(board->date);
  for (const DisplayCall& call : board->calls) {
    v1::DisplayCall* out = response->add_calls();
    out->set_queue_number(call.queue_number);
    out->set_counter(call.counter);
    ToProto(call.called_at, out->mutable_called_at());
    out->set_local_called(booking::FormatLocal(call.called_at, bookings_.zone()));
    out->set_time_zone(bookings_.zone().name());
  }
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::CompleteTicket(grpc::ServerContextBase* context,
                                                     const v1::CompleteTicketRequest* request,
                                                     v1::Ticket* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<Ticket> ticket =
      counter_day_.Complete(request->office_id(), request->date(), request->queue_number());
  // A completed booked visit closes the booking as attended; walk-ins have no
  // booking and do not enter the no-show rate.
  if (ticket.ok() && !ticket->booking_code.empty()) {
    kpis_.Ratio(kpi::kAppointmentsNoShowRate, false,
                {{std::string(kpi::kOffice), request->office_id()}}, ticket->booking_code);
  }
  return TicketResponse(ticket, bookings_.zone(), response);
}

grpc::Status AppointmentsGrpcService::MarkNoShow(grpc::ServerContextBase* context,
                                                 const v1::MarkNoShowRequest* request,
                                                 v1::DayAppointment* response) {
  if (grpc::Status denied = RequireOfficeRole(*context, kOfficeStaff, request->office_id());
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<DayAppointment> appointment =
      counter_day_.MarkNoShow(request->office_id(), request->date(), request->booking_code());
  if (!appointment.ok()) return ToGrpcStatus(appointment.status());
  kpis_.Ratio(kpi::kAppointmentsNoShowRate, true,
              {{std::string(kpi::kOffice), request->office_id()}}, appointment->booking_code);
  ToProto(*appointment, bookings_.zone(), response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsGrpcService::ExportPersonalData(grpc::ServerContextBase* context,
                                                         const type::v1::PersonalDataRequest*,
                                                         type::v1::PersonalData* response) {
  return privacy::Answer("appointments",
                         bookings_.PersonalRecords(CallerFromContext(*context).subject), *response);
}

grpc::Status AppointmentsGrpcService::ErasePersonalData(grpc::ServerContextBase* context,
                                                        const type::v1::PersonalDataRequest*,
                                                        type::v1::ErasureReport* response) {
  return privacy::Answer(
      "appointments", bookings_.ErasePersonalData(CallerFromContext(*context).subject), *response);
}

}  // namespace stadt::appointments
