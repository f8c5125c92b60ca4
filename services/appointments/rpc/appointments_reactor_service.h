#pragma once

#include "services/appointments/rpc/appointments_grpc_service.h"
#include "services/common/grpc_reactor.h"
#include "stadt/appointments/v1/appointments.grpc.pb.h"

namespace stadt::appointments {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Calls that read or write Redis run
// on `pool` (blocking Redis I/O stays off gRPC's threads); what needs no Redis
// (an office read the cache answers) is answered on the gRPC thread that read it.
class AppointmentsReactorService final : public v1::Appointments::CallbackService {
 public:
  AppointmentsReactorService(AppointmentsGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* ListOffices(grpc::CallbackServerContext* context,
                                        const v1::ListOfficesRequest* request,
                                        v1::ListOfficesResponse* response) override;
  grpc::ServerUnaryReactor* GetOffice(grpc::CallbackServerContext* context,
                                      const v1::GetOfficeRequest* request,
                                      v1::Office* response) override;
  grpc::ServerUnaryReactor* ListOfficeServices(grpc::CallbackServerContext* context,
                                               const v1::ListOfficeServicesRequest* request,
                                               v1::ListOfficeServicesResponse* response) override;
  grpc::ServerUnaryReactor* ListDistricts(grpc::CallbackServerContext* context,
                                          const v1::ListDistrictsRequest* request,
                                          v1::ListDistrictsResponse* response) override;
  grpc::ServerUnaryReactor* PutOffice(grpc::CallbackServerContext* context,
                                      const v1::PutOfficeRequest* request,
                                      v1::Office* response) override;
  grpc::ServerUnaryReactor* DeclareClosure(grpc::CallbackServerContext* context,
                                           const v1::DeclareClosureRequest* request,
                                           v1::ClosureReport* response) override;
  grpc::ServerUnaryReactor* ResolveClosure(grpc::CallbackServerContext* context,
                                           const v1::ResolveClosureRequest* request,
                                           v1::ClosureReport* response) override;
  grpc::ServerUnaryReactor* SearchSlots(grpc::CallbackServerContext* context,
                                        const v1::SearchSlotsRequest* request,
                                        v1::SearchSlotsResponse* response) override;
  grpc::ServerUnaryReactor* GetAvailability(grpc::CallbackServerContext* context,
                                            const v1::GetAvailabilityRequest* request,
                                            v1::GetAvailabilityResponse* response) override;
  grpc::ServerUnaryReactor* CreateHold(grpc::CallbackServerContext* context,
                                       const v1::CreateHoldRequest* request,
                                       v1::Hold* response) override;
  grpc::ServerUnaryReactor* ConfirmHold(grpc::CallbackServerContext* context,
                                        const v1::ConfirmHoldRequest* request,
                                        v1::Booking* response) override;
  grpc::ServerUnaryReactor* CreateStaffBooking(grpc::CallbackServerContext* context,
                                               const v1::CreateStaffBookingRequest* request,
                                               v1::Booking* response) override;
  grpc::ServerUnaryReactor* ResendLinks(grpc::CallbackServerContext* context,
                                        const v1::ResendLinksRequest* request,
                                        v1::ResendLinksResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmByEmail(grpc::CallbackServerContext* context,
                                           const v1::ConfirmByEmailRequest* request,
                                           v1::Booking* response) override;
  grpc::ServerUnaryReactor* LookupBooking(grpc::CallbackServerContext* context,
                                          const v1::LookupBookingRequest* request,
                                          v1::Booking* response) override;
  grpc::ServerUnaryReactor* CancelBooking(grpc::CallbackServerContext* context,
                                          const v1::CancelBookingRequest* request,
                                          v1::Booking* response) override;
  grpc::ServerUnaryReactor* RescheduleBooking(grpc::CallbackServerContext* context,
                                              const v1::RescheduleBookingRequest* request,
                                              v1::Booking* response) override;
  grpc::ServerUnaryReactor* ListDayAppointments(grpc::CallbackServerContext* context,
                                                const v1::ListDayAppointmentsRequest* request,
                                                v1::ListDayAppointmentsResponse* response) override;
  grpc::ServerUnaryReactor* CheckIn(grpc::CallbackServerContext* context,
                                    const v1::CheckInRequest* request,
                                    v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CreateWalkIn(grpc::CallbackServerContext* context,
                                         const v1::CreateWalkInRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CallNext(grpc::CallbackServerContext* context,
                                     const v1::CallNextRequest* request,
                                     v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CompleteTicket(grpc::CallbackServerContext* context,
                                           const v1::CompleteTicketRequest* request,
                                           v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RecallTicket(grpc::CallbackServerContext* context,
                                         const v1::RecallTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ParkTicket(grpc::CallbackServerContext* context,
                                       const v1::ParkTicketRequest* request,
                                       v1::Ticket* response) override;
  grpc::ServerUnaryReactor* CancelTicket(grpc::CallbackServerContext* context,
                                         const v1::CancelTicketRequest* request,
                                         v1::Ticket* response) override;
  grpc::ServerUnaryReactor* GetCallDisplay(grpc::CallbackServerContext* context,
                                           const v1::GetCallDisplayRequest* request,
                                           v1::CallDisplay* response) override;
  grpc::ServerUnaryReactor* MarkNoShow(grpc::CallbackServerContext* context,
                                       const v1::MarkNoShowRequest* request,
                                       v1::DayAppointment* response) override;
  grpc::ServerUnaryReactor* ExportPersonalData(grpc::CallbackServerContext* context,
                                               const type::v1::PersonalDataRequest* request,
                                               type::v1::PersonalData* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(grpc::CallbackServerContext* context,
                                              const type::v1::PersonalDataRequest* request,
                                              type::v1::ErasureReport* response) override;

 private:
  AppointmentsGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::appointments
