#pragma once

#include "services/common/grpc_reactor.h"
#include "services/parking/rpc/parking_grpc_service.h"

namespace stadt::parking {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Calls that read or write Redis run
// on `pool`, so blocking Redis I/O stays off gRPC's threads; GetZone, LocateZone, QuoteParking read
// only what is in memory and are answered on the gRPC thread that read them.
class ParkingReactorService final : public v1::Parking::CallbackService {
 public:
  ParkingReactorService(ParkingGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* LocateZone(grpc::CallbackServerContext* context,
                                       const v1::LocateZoneRequest* request,
                                       v1::LocateZoneResponse* response) override;
  grpc::ServerUnaryReactor* GetZone(grpc::CallbackServerContext* context,
                                    const v1::GetZoneRequest* request, v1::Zone* response) override;
  grpc::ServerUnaryReactor* QuoteParking(grpc::CallbackServerContext* context,
                                         const v1::QuoteParkingRequest* request,
                                         v1::Quote* response) override;
  grpc::ServerUnaryReactor* StartSession(grpc::CallbackServerContext* context,
                                         const v1::StartSessionRequest* request,
                                         v1::Session* response) override;
  grpc::ServerUnaryReactor* ExtendSession(grpc::CallbackServerContext* context,
                                          const v1::ExtendSessionRequest* request,
                                          v1::Session* response) override;
  grpc::ServerUnaryReactor* StopSession(grpc::CallbackServerContext* context,
                                        const v1::StopSessionRequest* request,
                                        v1::Session* response) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::Session* response) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* context,
                                         const v1::ListSessionsRequest* request,
                                         v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* CreatePermit(grpc::CallbackServerContext* context,
                                         const v1::CreatePermitRequest* request,
                                         v1::Permit* response) override;
  grpc::ServerUnaryReactor* SearchPermits(grpc::CallbackServerContext* context,
                                          const v1::SearchPermitsRequest* request,
                                          v1::SearchPermitsResponse* response) override;
  grpc::ServerUnaryReactor* CheckPlate(grpc::CallbackServerContext* context,
                                       const v1::CheckPlateRequest* request,
                                       v1::CheckPlateResponse* response) override;
  grpc::ServerUnaryReactor* ApplyForPermit(grpc::CallbackServerContext* context,
                                           const v1::ApplyForPermitRequest* request,
                                           v1::PermitApplication* response) override;
  grpc::ServerUnaryReactor* ListPermitApplications(
      grpc::CallbackServerContext* context, const v1::ListPermitApplicationsRequest* request,
      v1::ListPermitApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* GetPermitApplication(grpc::CallbackServerContext* context,
                                                 const v1::GetPermitApplicationRequest* request,
                                                 v1::PermitApplication* response) override;
  grpc::ServerUnaryReactor* ListPendingPermitApplications(
      grpc::CallbackServerContext* context, const v1::ListPermitApplicationsRequest* request,
      v1::ListPermitApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* ApprovePermitApplication(
      grpc::CallbackServerContext* context, const v1::ApprovePermitApplicationRequest* request,
      v1::PermitApplication* response) override;
  grpc::ServerUnaryReactor* RejectPermitApplication(
      grpc::CallbackServerContext* context, const v1::RejectPermitApplicationRequest* request,
      v1::PermitApplication* response) override;
  grpc::ServerUnaryReactor* RevokePermit(grpc::CallbackServerContext* context,
                                         const v1::RevokePermitRequest* request,
                                         v1::Permit* response) override;
  grpc::ServerUnaryReactor* ExportPersonalData(grpc::CallbackServerContext* context,
                                               const type::v1::PersonalDataRequest* request,
                                               type::v1::PersonalData* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(grpc::CallbackServerContext* context,
                                              const type::v1::PersonalDataRequest* request,
                                              type::v1::ErasureReport* response) override;

 private:
  ParkingGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::parking
