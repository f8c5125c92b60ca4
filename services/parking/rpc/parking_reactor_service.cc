#include "services/parking/rpc/parking_reactor_service.h"

namespace stadt::parking {

grpc::ServerUnaryReactor* ParkingReactorService::LocateZone(grpc::CallbackServerContext* context,
                                                            const v1::LocateZoneRequest* request,
                                                            v1::LocateZoneResponse* response) {
  return ServeInline(context, [&] { return handlers_.LocateZone(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::GetZone(grpc::CallbackServerContext* context,
                                                         const v1::GetZoneRequest* request,
                                                         v1::Zone* response) {
  return ServeInline(context, [&] { return handlers_.GetZone(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::QuoteParking(
    grpc::CallbackServerContext* context, const v1::QuoteParkingRequest* request,
    v1::Quote* response) {
  return ServeInline(context, [&] { return handlers_.QuoteParking(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::StartSession(
    grpc::CallbackServerContext* context, const v1::StartSessionRequest* request,
    v1::Session* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.StartSession(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::ExtendSession(
    grpc::CallbackServerContext* context, const v1::ExtendSessionRequest* request,
    v1::Session* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ExtendSession(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::StopSession(grpc::CallbackServerContext* context,
                                                             const v1::StopSessionRequest* request,
                                                             v1::Session* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.StopSession(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::GetSession(grpc::CallbackServerContext* context,
                                                            const v1::GetSessionRequest* request,
                                                            v1::Session* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.GetSession(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::ListSessions(
    grpc::CallbackServerContext* context, const v1::ListSessionsRequest* request,
    v1::ListSessionsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ListSessions(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::CreatePermit(
    grpc::CallbackServerContext* context, const v1::CreatePermitRequest* request,
    v1::Permit* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CreatePermit(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::SearchPermits(
    grpc::CallbackServerContext* context, const v1::SearchPermitsRequest* request,
    v1::SearchPermitsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.SearchPermits(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::CheckPlate(grpc::CallbackServerContext* context,
                                                            const v1::CheckPlateRequest* request,
                                                            v1::CheckPlateResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.CheckPlate(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::ApplyForPermit(
    grpc::CallbackServerContext* context, const v1::ApplyForPermitRequest* request,
    v1::PermitApplication* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ApplyForPermit(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::ListPermitApplications(
    grpc::CallbackServerContext* context, const v1::ListPermitApplicationsRequest* request,
    v1::ListPermitApplicationsResponse* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ListPermitApplications(context, request, response);
  });
}

grpc::ServerUnaryReactor* ParkingReactorService::GetPermitApplication(
    grpc::CallbackServerContext* context, const v1::GetPermitApplicationRequest* request,
    v1::PermitApplication* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.GetPermitApplication(context, request, response);
  });
}

grpc::ServerUnaryReactor* ParkingReactorService::ListPendingPermitApplications(
    grpc::CallbackServerContext* context, const v1::ListPermitApplicationsRequest* request,
    v1::ListPermitApplicationsResponse* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ListPendingPermitApplications(context, request, response);
  });
}

grpc::ServerUnaryReactor* ParkingReactorService::ApprovePermitApplication(
    grpc::CallbackServerContext* context, const v1::ApprovePermitApplicationRequest* request,
    v1::PermitApplication* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ApprovePermitApplication(context, request, response);
  });
}

grpc::ServerUnaryReactor* ParkingReactorService::RejectPermitApplication(
    grpc::CallbackServerContext* context, const v1::RejectPermitApplicationRequest* request,
    v1::PermitApplication* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.RejectPermitApplication(context, request, response);
  });
}

grpc::ServerUnaryReactor* ParkingReactorService::RevokePermit(
    grpc::CallbackServerContext* context, const v1::RevokePermitRequest* request,
    v1::Permit* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.RevokePermit(context, request, response); });
}

grpc::ServerUnaryReactor* ParkingReactorService::ExportPersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::PersonalData* response) {
  return ServeOnPool(pool_, context, [=, this] {
    return handlers_.ExportPersonalData(context, request, response);
  });
}

grpc::ServerUnaryReactor* ParkingReactorService::ErasePersonalData(
    grpc::CallbackServerContext* context, const type::v1::PersonalDataRequest* request,
    type::v1::ErasureReport* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.ErasePersonalData(context, request, response); });
}

}  // namespace stadt::parking
