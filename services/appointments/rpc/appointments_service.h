#pragma once

#include "services/appointments/domain/office_catalog.h"
#include "stadt/appointments/v1/appointments.grpc.pb.h"

namespace stadt::appointments {

// Thin gRPC adapter: converts messages, calls the domain, maps statuses.
// Uses the synchronous API on purpose: every call does blocking Redis I/O, and
// the sync server runs handlers on its own thread pool instead of gRPC's
// callback threads, which must never block.
class AppointmentsService final : public v1::Appointments::Service {
 public:
  explicit AppointmentsService(OfficeCatalog& catalog) : catalog_(catalog) {}

  grpc::Status ListOffices(grpc::ServerContext* context, const v1::ListOfficesRequest* request,
                           v1::ListOfficesResponse* response) override;
  grpc::Status GetOffice(grpc::ServerContext* context, const v1::GetOfficeRequest* request,
                         v1::Office* response) override;
  grpc::Status ListOfficeServices(grpc::ServerContext* context,
                                  const v1::ListOfficeServicesRequest* request,
                                  v1::ListOfficeServicesResponse* response) override;
  grpc::Status PutOffice(grpc::ServerContext* context, const v1::PutOfficeRequest* request,
                         v1::Office* response) override;

 private:
  OfficeCatalog& catalog_;
};

// Message <-> domain conversions (exposed for tests).
void ToProto(const Office& office, v1::Office* out);
void ToProto(const ServiceType& service, v1::Service* out);
Office FromProto(const v1::Office& office);

}  // namespace stadt::appointments
