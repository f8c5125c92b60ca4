#pragma once

#include "services/common/clock.h"
#include "services/common/kpi/kpi_recorder.h"
#include "services/parking/domain/parking_service.h"
#include "services/parking/domain/permit_office.h"
#include "stadt/parking/v1/parking.grpc.pb.h"

namespace stadt::parking {

// Thin gRPC adapter: checks the caller's role, converts messages, calls the
// use cases, maps statuses. Handlers that use Redis block on it;
// ParkingReactorService serves them with gRPC's callback API and runs those on a
// bounded pool (services/common/grpc_reactor.h). They take
// grpc::ServerContextBase, so that unit tests call them with a plain
// grpc::ServerContext.
class ParkingGrpcService final {
 public:
  // Without KPI reporting.
  ParkingGrpcService(ParkingService& service, PermitOffice& permits, const Clock& clock);
  // Records the parking KPIs to `kpis`.
  ParkingGrpcService(ParkingService& service, PermitOffice& permits, const Clock& clock,
                     KpiRecorder& kpis)
      : service_(service), permits_(permits), clock_(clock), kpis_(kpis) {}

  grpc::Status LocateZone(grpc::ServerContextBase* context, const v1::LocateZoneRequest* request,
                          v1::LocateZoneResponse* response);
  grpc::Status GetZone(grpc::ServerContextBase* context, const v1::GetZoneRequest* request,
                       v1::Zone* response);
  grpc::Status QuoteParking(grpc::ServerContextBase* context,
                            const v1::QuoteParkingRequest* request, v1::Quote* response);
  grpc::Status StartSession(grpc::ServerContextBase* context,
                            const v1::StartSessionRequest* request, v1::Session* response);
  grpc::Status ExtendSession(grpc::ServerContextBase* context,
                             const v1::ExtendSessionRequest* request, v1::Session* response);
  grpc::Status StopSession(grpc::ServerContextBase* context, const v1::StopSessionRequest* request,
                           v1::Session* response);
  grpc::Status GetSession(grpc::ServerContextBase* context, const v1::GetSessionRequest* request,
                          v1::Session* response);
  grpc::Status ListSessions(grpc::ServerContextBase* context,
                            const v1::ListSessionsRequest* request,
                            v1::ListSessionsResponse* response);
  grpc::Status CreatePermit(grpc::ServerContextBase* context,
                            const v1::CreatePermitRequest* request, v1::Permit* response);
  grpc::Status SearchPermits(grpc::ServerContextBase* context,
                             const v1::SearchPermitsRequest* request,
                             v1::SearchPermitsResponse* response);
  grpc::Status CheckPlate(grpc::ServerContextBase* context, const v1::CheckPlateRequest* request,
                          v1::CheckPlateResponse* response);

  grpc::Status ApplyForPermit(grpc::ServerContextBase* context,
                              const v1::ApplyForPermitRequest* request,
                              v1::PermitApplication* response);
  grpc::Status ListPermitApplications(grpc::ServerContextBase* context,
                                      const v1::ListPermitApplicationsRequest* request,
                                      v1::ListPermitApplicationsResponse* response);
  grpc::Status GetPermitApplication(grpc::ServerContextBase* context,
                                    const v1::GetPermitApplicationRequest* request,
                                    v1::PermitApplication* response);
  grpc::Status ListPendingPermitApplications(grpc::ServerContextBase* context,
                                             const v1::ListPermitApplicationsRequest* request,
                                             v1::ListPermitApplicationsResponse* response);
  grpc::Status ApprovePermitApplication(grpc::ServerContextBase* context,
                                        const v1::ApprovePermitApplicationRequest* request,
                                        v1::PermitApplication* response);
  grpc::Status RejectPermitApplication(grpc::ServerContextBase* context,
                                       const v1::RejectPermitApplicationRequest* request,
                                       v1::PermitApplication* response);
  grpc::Status RevokePermit(grpc::ServerContextBase* context,
                            const v1::RevokePermitRequest* request, v1::Permit* response);

  // Reports revenue and minutes of the sessions that ran out by themselves
  // (not stopped); run periodically. Returns how many were settled.
  absl::StatusOr<int> SettleEndedSessions();

  // Internal (the privacy service): the caller's parking data, and its erasure.
  grpc::Status ExportPersonalData(grpc::ServerContextBase* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response);
  grpc::Status ErasePersonalData(grpc::ServerContextBase* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response);

 private:
  grpc::Status SessionResponse(const absl::StatusOr<Session>& session, v1::Session* response);
  KpiDimensions PlaceDimensions(const std::string& zone_id) const;
  void RecordSessionEnd(const Session& session);

  grpc::Status ApplicationResponse(const absl::StatusOr<PermitApplication>& application,
                                   v1::PermitApplication* response) const;

  ParkingService& service_;
  PermitOffice& permits_;
  const Clock& clock_;
  KpiRecorder& kpis_;
};

}  // namespace stadt::parking
