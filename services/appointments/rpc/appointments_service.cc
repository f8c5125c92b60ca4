#include "services/appointments/rpc/appointments_service.h"

#include "services/common/call_context.h"
#include "services/common/status.h"

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
}

void ToProto(const ServiceType& service, v1::Service* out) {
  out->set_id(service.id);
  out->set_name(service.name);
  out->set_duration_minutes(service.duration_minutes);
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
  return out;
}

grpc::Status AppointmentsService::ListOffices(grpc::ServerContext*,
                                              const v1::ListOfficesRequest* request,
                                              v1::ListOfficesResponse* response) {
  absl::StatusOr<OfficePage> page = catalog_.ListOffices({.district = request->district(),
                                                          .page_size = request->page_size(),
                                                          .page_token = request->page_token()});
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Office& office : page->offices) ToProto(office, response->add_offices());
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status AppointmentsService::GetOffice(grpc::ServerContext*,
                                            const v1::GetOfficeRequest* request,
                                            v1::Office* response) {
  absl::StatusOr<Office> office = catalog_.GetOffice(request->office_id());
  if (!office.ok()) return ToGrpcStatus(office.status());
  ToProto(*office, response);
  return grpc::Status::OK;
}

grpc::Status AppointmentsService::ListOfficeServices(grpc::ServerContext*,
                                                     const v1::ListOfficeServicesRequest* request,
                                                     v1::ListOfficeServicesResponse* response) {
  absl::StatusOr<std::vector<ServiceType>> services =
      catalog_.ListOfficeServices(request->office_id());
  if (!services.ok()) return ToGrpcStatus(services.status());
  for (const ServiceType& service : *services) ToProto(service, response->add_services());
  return grpc::Status::OK;
}

grpc::Status AppointmentsService::PutOffice(grpc::ServerContext* context,
                                            const v1::PutOfficeRequest* request,
                                            v1::Office* response) {
  // The gateway enforces the route's roles; checking again here keeps the
  // catalog safe from any other caller that reaches the service.
  if (!CallerFromContext(*context).HasRole("caseworker")) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "caseworker role required");
  }
  absl::StatusOr<Office> office = catalog_.PutOffice(FromProto(request->office()));
  if (!office.ok()) return ToGrpcStatus(office.status());
  ToProto(*office, response);
  return grpc::Status::OK;
}

}  // namespace stadt::appointments
