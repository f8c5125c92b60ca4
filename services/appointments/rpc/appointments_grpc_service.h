#pragma once

#include "services/appointments/domain/counter_day.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/domain/office_catalog.h"
#include "services/appointments/domain/office_closures.h"
#include "services/common/kpi/kpi_recorder.h"
#include "stadt/appointments/v1/appointments.grpc.pb.h"

namespace stadt::appointments {

// Thin gRPC adapter: converts messages, calls the domain, maps statuses.
// Uses the synchronous API on purpose: every call does blocking Redis I/O, and
// the sync server runs handlers on its own thread pool instead of gRPC's
// callback threads, which must never block.
class AppointmentsGrpcService final : public v1::Appointments::Service {
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

  grpc::Status ListOffices(grpc::ServerContext* context, const v1::ListOfficesRequest* request,
                           v1::ListOfficesResponse* response) override;
  grpc::Status GetOffice(grpc::ServerContext* context, const v1::GetOfficeRequest* request,
                         v1::Office* response) override;
  grpc::Status ListOfficeServices(grpc::ServerContext* context,
                                  const v1::ListOfficeServicesRequest* request,
                                  v1::ListOfficeServicesResponse* response) override;
  grpc::Status ListDistricts(grpc::ServerContext* context, const v1::ListDistrictsRequest* request,
                             v1::ListDistrictsResponse* response) override;
  grpc::Status PutOffice(grpc::ServerContext* context, const v1::PutOfficeRequest* request,
                         v1::Office* response) override;
  grpc::Status DeclareClosure(grpc::ServerContext* context,
                              const v1::DeclareClosureRequest* request,
                              v1::ClosureReport* response) override;
  grpc::Status ResolveClosure(grpc::ServerContext* context,
                              const v1::ResolveClosureRequest* request,
                              v1::ClosureReport* response) override;
  grpc::Status SearchSlots(grpc::ServerContext* context, const v1::SearchSlotsRequest* request,
                           v1::SearchSlotsResponse* response) override;
  grpc::Status GetAvailability(grpc::ServerContext* context,
                               const v1::GetAvailabilityRequest* request,
                               v1::GetAvailabilityResponse* response) override;
  grpc::Status CreateHold(grpc::ServerContext* context, const v1::CreateHoldRequest* request,
                          v1::Hold* response) override;
  grpc::Status ConfirmHold(grpc::ServerContext* context, const v1::ConfirmHoldRequest* request,
                           v1::Booking* response) override;
  grpc::Status CreateStaffBooking(grpc::ServerContext* context,
                                  const v1::CreateStaffBookingRequest* request,
                                  v1::Booking* response) override;
  grpc::Status ResendLinks(grpc::ServerContext* context, const v1::ResendLinksRequest* request,
                           v1::ResendLinksResponse* response) override;
  grpc::Status ConfirmByEmail(grpc::ServerContext* context,
                              const v1::ConfirmByEmailRequest* request,
                              v1::Booking* response) override;
  grpc::Status LookupBooking(grpc::ServerContext* context, const v1::LookupBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status CancelBooking(grpc::ServerContext* context, const v1::CancelBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status RescheduleBooking(grpc::ServerContext* context,
                                 const v1::RescheduleBookingRequest* request,
                                 v1::Booking* response) override;
  grpc::Status ListDayAppointments(grpc::ServerContext* context,
                                   const v1::ListDayAppointmentsRequest* request,
                                   v1::ListDayAppointmentsResponse* response) override;
  grpc::Status CheckIn(grpc::ServerContext* context, const v1::CheckInRequest* request,
                       v1::Ticket* response) override;
  grpc::Status CreateWalkIn(grpc::ServerContext* context, const v1::CreateWalkInRequest* request,
                            v1::Ticket* response) override;
  grpc::Status CallNext(grpc::ServerContext* context, const v1::CallNextRequest* request,
                        v1::Ticket* response) override;
  grpc::Status CompleteTicket(grpc::ServerContext* context,
                              const v1::CompleteTicketRequest* request,
                              v1::Ticket* response) override;
  grpc::Status RecallTicket(grpc::ServerContext* context, const v1::RecallTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status ParkTicket(grpc::ServerContext* context, const v1::ParkTicketRequest* request,
                          v1::Ticket* response) override;
  grpc::Status CancelTicket(grpc::ServerContext* context, const v1::CancelTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status GetCallDisplay(grpc::ServerContext* context,
                              const v1::GetCallDisplayRequest* request,
                              v1::CallDisplay* response) override;
  grpc::Status MarkNoShow(grpc::ServerContext* context, const v1::MarkNoShowRequest* request,
                          v1::DayAppointment* response) override;

  // Internal (the privacy service): the caller's bookings, and their erasure.
  grpc::Status ExportPersonalData(grpc::ServerContext* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response) override;
  grpc::Status ErasePersonalData(grpc::ServerContext* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response) override;

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
