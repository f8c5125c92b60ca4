#include "services/appointments/rpc/appointments_reactor_service.h"

namespace stadt::appointments {

grpc::ServerUnaryReactor* AppointmentsReactorService::ListOffices(
    grpc::CallbackServerContext* context, const v1::ListOfficesRequest* request,
    v1::ListOfficesResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListOffices(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::GetOffice(
    grpc::CallbackServerContext* context, const v1::GetOfficeRequest* request,
    v1::Office* response) {
  // The public office read of a rush: answered from the cache on this thread.
  if (std::optional<grpc::Status> answered = handlers_.GetOfficeWithoutIo(request, response)) {
    return ServeInline(context, [&] { return *answered; });
  }
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetOffice(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ListOfficeServices(
    grpc::CallbackServerContext* context, const v1::ListOfficeServicesRequest* request,
    v1::ListOfficeServicesResponse* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ListOfficeServices(context, request, response);
  });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ListDistricts(
    grpc::CallbackServerContext* context, const v1::ListDistrictsRequest* request,
    v1::ListDistrictsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListDistricts(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::PutOffice(
    grpc::CallbackServerContext* context, const v1::PutOfficeRequest* request,
    v1::Office* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.PutOffice(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::DeclareClosure(
    grpc::CallbackServerContext* context, const v1::DeclareClosureRequest* request,
    v1::ClosureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.DeclareClosure(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ResolveClosure(
    grpc::CallbackServerContext* context, const v1::ResolveClosureRequest* request,
    v1::ClosureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ResolveClosure(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::SearchSlots(
    grpc::CallbackServerContext* context, const v1::SearchSlotsRequest* request,
    v1::SearchSlotsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.SearchSlots(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::GetAvailability(
    grpc::CallbackServerContext* context, const v1::GetAvailabilityRequest* request,
    v1::GetAvailabilityResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetAvailability(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CreateHold(
    grpc::CallbackServerContext* context, const v1::CreateHoldRequest* request,
    v1::Hold* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CreateHold(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ConfirmHold(
    grpc::CallbackServerContext* context, const v1::ConfirmHoldRequest* request,
    v1::Booking* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ConfirmHold(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CreateStaffBooking(
    grpc::CallbackServerContext* context, const v1::CreateStaffBookingRequest* request,
    v1::Booking* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.CreateStaffBooking(context, request, response);
  });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ResendLinks(
    grpc::CallbackServerContext* context, const v1::ResendLinksRequest* request,
    v1::ResendLinksResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ResendLinks(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ConfirmByEmail(
    grpc::CallbackServerContext* context, const v1::ConfirmByEmailRequest* request,
    v1::Booking* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ConfirmByEmail(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::LookupBooking(
    grpc::CallbackServerContext* context, const v1::LookupBookingRequest* request,
    v1::Booking* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.LookupBooking(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CancelBooking(
    grpc::CallbackServerContext* context, const v1::CancelBookingRequest* request,
    v1::Booking* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CancelBooking(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::RescheduleBooking(
    grpc::CallbackServerContext* context, const v1::RescheduleBookingRequest* request,
    v1::Booking* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.RescheduleBooking(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ListDayAppointments(
    grpc::CallbackServerContext* context, const v1::ListDayAppointmentsRequest* request,
    v1::ListDayAppointmentsResponse* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ListDayAppointments(context, request, response);
  });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CheckIn(grpc::CallbackServerContext* context,
                                                              const v1::CheckInRequest* request,
                                                              v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CheckIn(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CreateWalkIn(
    grpc::CallbackServerContext* context, const v1::CreateWalkInRequest* request,
    v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CreateWalkIn(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CallNext(grpc::CallbackServerContext* context,
                                                               const v1::CallNextRequest* request,
                                                               v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CallNext(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CompleteTicket(
    grpc::CallbackServerContext* context, const v1::CompleteTicketRequest* request,
    v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CompleteTicket(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::RecallTicket(
    grpc::CallbackServerContext* context, const v1::RecallTicketRequest* request,
    v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.RecallTicket(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ParkTicket(
    grpc::CallbackServerContext* context, const v1::ParkTicketRequest* request,
    v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ParkTicket(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::CancelTicket(
    grpc::CallbackServerContext* context, const v1::CancelTicketRequest* request,
    v1::Ticket* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CancelTicket(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::GetCallDisplay(
    grpc::CallbackServerContext* context, const v1::GetCallDisplayRequest* request,
    v1::CallDisplay* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetCallDisplay(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::MarkNoShow(
    grpc::CallbackServerContext* context, const v1::MarkNoShowRequest* request,
    v1::DayAppointment* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.MarkNoShow(context, request, response); });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ExportPersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::PersonalData* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ExportPersonalData(context, request, response);
  });
}

grpc::ServerUnaryReactor* AppointmentsReactorService::ErasePersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::ErasureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ErasePersonalData(context, request, response); });
}

}  // namespace stadt::appointments
