#pragma once

#include "services/common/clock.h"
#include "services/common/kpi/kpi_recorder.h"
#include "services/parking/domain/parking_service.h"
#include "services/parking/domain/permit_office.h"
#include "stadt/parking/v1/parking.grpc.pb.h"

namespace stadt::parking {

// Thin gRPC adapter: checks the caller's role, converts messages, calls the
// use cases, maps statuses. Synchronous on purpose: every call blocks on Redis.
class ParkingGrpcService final : public v1::Parking::Service {
 public:
  // Without KPI reporting.
  ParkingGrpcService(ParkingService& service, PermitOffice& permits, const Clock& clock);
  // Records the parking KPIs to `kpis`.
  ParkingGrpcService(ParkingService& service, PermitOffice& permits, const Clock& clock,
                     KpiRecorder& kpis)
      : service_(service), permits_(permits), clock_(clock), kpis_(kpis) {}

  grpc::Status LocateZone(grpc::ServerContext* context, const v1::LocateZoneRequest* request,
                          v1::LocateZoneResponse* response) override;
  grpc::Status GetZone(grpc::ServerContext* context, const v1::GetZoneRequest* request,
                       v1::Zone* response) override;
  grpc::Status QuoteParking(grpc::ServerContext* context, const v1::QuoteParkingRequest* request,
                            v1::Quote* response) override;
  grpc::Status StartSession(grpc::ServerContext* context, const v1::StartSessionRequest* request,
                            v1::Session* response) override;
  grpc::Status ExtendSession(grpc::ServerContext* context, const v1::ExtendSessionRequest* request,
                             v1::Session* response) override;
  grpc::Status StopSession(grpc::ServerContext* context, const v1::StopSessionRequest* request,
                           v1::Session* response) override;
  grpc::Status GetSession(grpc::ServerContext* context, const v1::GetSessionRequest* request,
                          v1::Session* response) override;
  grpc::Status ListSessions(grpc::ServerContext* context, const v1::ListSessionsRequest* request,
                            v1::ListSessionsResponse* response) override;
  grpc::Status CreatePermit(grpc::ServerContext* context, const v1::CreatePermitRequest* request,
                            v1::Permit* response) override;
  grpc::Status SearchPermits(grpc::ServerContext* context, const v1::SearchPermitsRequest* request,
                             v1::SearchPermitsResponse* response) override;
  grpc::Status CheckPlate(grpc::ServerContext* context, const v1::CheckPlateRequest* request,
                          v1::CheckPlateResponse* response) override;

  grpc::Status ApplyForPermit(grpc::ServerContext* context,
                              const v1::ApplyForPermitRequest* request,
                              v1::PermitApplication* response) override;
  grpc::Status ListPermitApplications(grpc::ServerContext* context,
                                      const v1::ListPermitApplicationsRequest* request,
                                      v1::ListPermitApplicationsResponse* response) override;
  grpc::Status GetPermitApplication(grpc::ServerContext* context,
                                    const v1::GetPermitApplicationRequest* request,
                                    v1::PermitApplication* response) override;
  grpc::Status ListPendingPermitApplications(grpc::ServerContext* context,
                                             const v1::ListPermitApplicationsRequest* request,
                                             v1::ListPermitApplicationsResponse* response) override;
  grpc::Status ApprovePermitApplication(grpc::ServerContext* context,
                                        const v1::ApprovePermitApplicationRequest* request,
                                        v1::PermitApplication* response) override;
  grpc::Status RejectPermitApplication(grpc::ServerContext* context,
                                       const v1::RejectPermitApplicationRequest* request,
                                       v1::PermitApplication* response) override;
  grpc::Status RevokePermit(grpc::ServerContext* context, const v1::RevokePermitRequest* request,
                            v1::Permit* response) override;

  // Reports revenue and minutes of the sessions that ran out by themselves
  // (not stopped); run periodically. Returns how many were settled.
  absl::StatusOr<int> SettleEndedSessions();

  // Internal (the privacy service): the caller's parking data, and its erasure.
  grpc::Status ExportPersonalData(grpc::ServerContext* context,
                                  const type::v1::PersonalDataRequest* request,
                                  type::v1::PersonalData* response) override;
  grpc::Status ErasePersonalData(grpc::ServerContext* context,
                                 const type::v1::PersonalDataRequest* request,
                                 type::v1::ErasureReport* response) override;

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
