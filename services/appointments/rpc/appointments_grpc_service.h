#pragma once

#include "services/appointments/domain/counter_day.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/domain/office_catalog.h"
#include "services/appointments/domain/office_closures.h"
#include "services/common/kpi/kpi_recorder.h"
#include "stadt/appointments/v1/appointments.grpc.pb.h"

namespace stadt::appointments {

// Thin gRPC adapter: converts messages, calls the domain, maps statuses.
// Handlers block on Redis I/O; AppointmentsReactorService serves them with
// gRPC's callback API and runs them on a bounded pool
// (services/common/grpc_reactor.h). They take grpc::ServerContextBase, so
// that unit tests call them with a plain grpc::ServerContext.
class AppointmentsGrpcService final {
 public:
  // Without KPI reporting.
  AppointmentsGrpcService(OfficeCatalog& catalog, OfficeBookings& bookings, CounterDay& counter_day,
                          OfficeClosures& closures);
  // Records the appointments KPIs of requests to `kpis` (days to the next
  // free slot is measured apart from requests: NextFreeSlotProbe).
  AppointmentsGrpcService(OfficeCatalog& catalog, OfficeBookings& bookings, CounterDay& counter_day,
                          OfficeClosures& closures, KpiRecorder& kpis)
      : catalog_(catalog),
        bookings_(bookings),
        counter_day_(counter_day),
        closures_(closures),
        kpis_(kpis) {}

  grpc::Status ListOffices(grpc::ServerContextBase* context, const v1::ListOfficesRequest* request,
                           v1::ListOfficesResponse* response);
  grpc::Status GetOffice(grpc::ServerContextBase* context, const v1::GetOfficeRequest* request,
                         v1::Office* response);
  // GetOffice's answer when it needs no Redis (a fresh cache entry, a bad
  // id), else nullopt: then GetOffice must be called on the blocking pool.
  std::optional<grpc::Status> GetOfficeWithoutIo(const v1::GetOfficeRequest* request,
                                                 v1::Office* response);
  grpc::Status ListOfficeServices(grpc::ServerContextBase* context,
                                  const v1::ListOfficeServicesRequest* request,
                                  v1::ListOfficeServicesResponse* response);
  grpc::Status ListDistricts(grpc::ServerContextBase* context,
                             const v1::ListDistrictsRequest* request,
                             v1::ListDistrictsResponse* response);
  grpc::Status PutOffice(grpc::ServerContextBase* context, const v1::PutOfficeRequest* request,
                         v1::Office* response);
  grpc::Status DeclareClosure(grpc::ServerContextBase* context,
                              const v1::DeclareClosureRequest* request,
                              v1::ClosureReport* response);
  grpc::Status ResolveClosure(grpc::ServerContextBase* context,
                              const v1::ResolveClosureRequest* request,
                              v1::ClosureReport* response);
  grpc::Status SearchSlots(grpc::ServerContextBase* context, const v1::SearchSlotsRequest* request,
                           v1::SearchSlotsResponse* response);
  grpc::Status GetAvailability(grpc::ServerContextBase* context,
                               const v1::GetAvailabilityRequest* request,
                               v1::GetAvailabilityResponse* response);
  grpc::Status CreateHold(grpc::ServerContextBase* context, const v1::CreateHoldRequest* request,
                          v1::Hold* response);
  grpc::Status ConfirmHold(grpc::ServerContextBase* context, const v1::ConfirmHoldRequest* request,
                           v1::Booking* response);
  grpc::Status CreateStaffBooking(grpc::ServerContextBase* context,
                                  const v1::CreateStaffBookingRequest* request,
                                  v1::Booking* response);
  grpc::Status ResendLinks(grpc::ServerContextBase* context, const v1::ResendLinksRequest* request,
                           v1::ResendLinksResponse* response);
  grpc::Status ConfirmByEmail(grpc::ServerContextBase* context,
                              const v1::ConfirmByEmailRequest* request, v1::Booking* response);
  grpc::Status LookupBooking(grpc::ServerContextBase* context,
                             const v1::LookupBookingRequest* request, v1::Booking* response);
  grpc::Status CancelBooking(grpc::ServerContextBase* context,
                             const v1::CancelBookingRequest* request, v1::Booking* response);
  grpc::Status RescheduleBooking(grpc::ServerContextBase* context,
                                 const v1::RescheduleBookingRequest* request,
                                 v1::Booking* response);
  grpc::Status ListDayAppointments(grpc::ServerContextBase* context,
                                   const v1::ListDayAppointmentsRequest* request,
                                   v1::ListDayAppointmentsResponse* response);
  grpc::Status CheckIn(grpc::ServerContextBase* context, const v1::CheckInRequest* request,
                       v1::Ticket* response);
  grpc::Status CreateWalkIn(grpc::ServerContextBase* context,
                            const v1::CreateWalkInRequest* request, v1::Ticket* response);
  grpc::Status CallNext(grpc::ServerContextBase* context, const v1::CallNextRequest* request,
                        v1::Ticket* response);
  grpc::Status CompleteTicket(grpc::ServerContextBase* context,
                              const v1::CompleteTicketRequest* request, v1::Ticket* response);
  grpc::Status RecallTicket(grpc::ServerContextBase* context,
                            const v1::RecallTicketRequest* request, v1::Ticket* response);
  grpc::Status ParkTicket(grpc::ServerContextBase* context, const v1::ParkTicketRequest* request,
                          v1::Ticket* response);
  grpc::Status CancelTicket(grpc::ServerContextBase* context,
                            const v1::CancelTicketRequest* request, v1::Ticket* response);
  grpc::Status GetCallDisplay(grpc::ServerContextBase* context,
                              const v1::GetCallDisplayRequest* request, v1::CallDisplay* response);
  grpc::Status MarkNoShow(grpc::ServerContextBase* context, const v1::MarkNoShowRequest* request,
                          v1::DayAppointment* response);

  // Internal (the privacy service): the caller's bookings, and their erasure.
  grpc::Status ExportPersonalData(grpc::ServerContextBase* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response);
  grpc::Status ErasePersonalData(grpc::ServerContextBase* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response);

 private:
  OfficeCatalog& catalog_;
  OfficeBookings& bookings_;
  CounterDay& counter_day_;
  OfficeClosures& closures_;
  KpiRecorder& kpis_;
};

// Message <-> domain conversions (exposed for tests).
void ToProto(const Office& office, v1::Office* out);
void ToProto(const ServiceType& service, v1::Service* out);
void ToProto(const Closure& closure, v1::Closure* out);
Closure FromProto(const v1::Closure& closure);
Office FromProto(const v1::Office& office);
void ToProto(const SlotView& slot, v1::Slot* out);
void ToProto(const BookingView& booking, v1::Booking* out);

}  // namespace stadt::appointments
