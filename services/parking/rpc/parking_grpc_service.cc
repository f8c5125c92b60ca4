#include "services/parking/rpc/parking_grpc_service.h"

#include <algorithm>

#include "services/common/call_context.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/reason.h"
#include "services/common/status.h"

namespace stadt::parking {
namespace {

constexpr char kCurrency[] = "EUR";
constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Parking is run city-wide, so its roles carry no scope: parking officers
// check plates, parking administrators manage permits (zones and tariffs come
// from the seed files they maintain).
constexpr char kParkingAdmin[] = "parking_admin";
constexpr char kParkingOfficer[] = "parking_officer";

grpc::Status RequireRole(const grpc::ServerContextBase& context, const char* role) {
  // The gateway enforces the route's roles; checking again keeps the service
  // safe from any other caller that reaches it.
  return ToGrpcStatus(CallerFromContext(context).Require(role));
}

// Whole seconds: sessions are stored and priced to the second.
absl::StatusOr<absl::Time> FromTimestamp(const google::protobuf::Timestamp& timestamp,
                                         const char* field) {
  if (timestamp.nanos() < 0 || timestamp.nanos() >= kNanosPerSecond) {
    return WithReason(absl::InvalidArgumentError(std::string(field) + ": malformed timestamp"),
                      "invalid_timestamp");
  }
  return absl::FromUnixSeconds(timestamp.seconds());
}

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(time);
  out->set_seconds(nanos / kNanosPerSecond);
  out->set_nanos(static_cast<int32_t>(nanos % kNanosPerSecond));
}

void ToMoney(int64_t cents, type::v1::Money* out) {
  out->set_currency(kCurrency);
  out->set_cents(cents);
}

void ToProto(const TimeWindow& window, v1::TariffWindow* out) {
  for (int day : window.weekdays) out->add_weekdays(day);
  out->set_from(FormatClock(window.from_minute));
  out->set_to(FormatClock(window.to_minute));
}

void ToProto(const Tariff& tariff, v1::TariffInfo* out) {
  out->set_id(tariff.id);
  out->set_name(tariff.name);
  for (const PricedWindow& window : tariff.windows) {
    v1::TariffWindow* line = out->add_windows();
    ToProto(window.when, line);
    ToMoney(window.cents_per_hour, line->mutable_per_hour());
    line->set_max_parking_minutes(window.max_parking_minutes);
  }
  for (const TimeWindow& period : tariff.free_periods) ToProto(period, out->add_free_periods());
  out->set_free_minutes(tariff.free_minutes);
  out->set_charging_unit_minutes(tariff.charging_unit_minutes);
  ToMoney(tariff.daily_cap_cents, out->mutable_daily_cap());
  ToMoney(tariff.minimum_charge_cents, out->mutable_minimum_charge());
  out->set_free_stay_minutes(tariff.free_stay_minutes);
  out->set_holiday_calendar(tariff.holiday_calendar);
  for (std::string& line : DescribeTariffGerman(tariff)) out->add_description_de(std::move(line));
  for (std::string& line : DescribeTariffEnglish(tariff)) out->add_description_en(std::move(line));
  out->set_max_stay_minutes(tariff.max_stay_minutes);
}

// `tariff` and `charge` may be null when the zone's tariff is missing
// (ParkingRules::Validate refuses that at start).
void ToProto(const Zone& zone, const Tariff* tariff, const ChargeState* charge, v1::Zone* out) {
  out->set_id(zone.id);
  out->set_name(zone.name);
  out->set_district(zone.district);
  out->set_tariff_id(zone.tariff_id);
  out->set_permit_area(zone.permit_area);
  if (tariff != nullptr) {
    int longest = 0;
    for (const PricedWindow& window : tariff->windows) {
      longest = std::max(longest, window.max_parking_minutes);
    }
    out->set_max_parking_minutes(longest);
    ToProto(*tariff, out->mutable_tariff());
  }
  if (charge != nullptr) {
    out->set_charged_now(charge->charged);
    if (charge->next_change != absl::InfiniteFuture()) {
      ToTimestamp(charge->next_change, out->mutable_charge_changes_at());
    }
  }
}

void ToProto(const Quote& quote, const std::string& zone_id, v1::Quote* out) {
  out->set_zone_id(zone_id);
  ToTimestamp(quote.start, out->mutable_start_time());
  ToTimestamp(quote.end, out->mutable_end_time());
  out->set_parked_minutes(quote.parked_minutes);
  out->set_billed_minutes(quote.billed_minutes);
  for (const PriceSegment& segment : quote.segments) {
    v1::PriceSegment* line = out->add_segments();
    ToTimestamp(segment.start, line->mutable_start_time());
    ToTimestamp(segment.end, line->mutable_end_time());
    line->set_local_date(segment.local_date);
    line->mutable_local_start()->set_minute_of_day(segment.local_from_minute);
    line->set_minutes(segment.minutes);
    line->set_cents_per_hour(segment.cents_per_hour);
    line->set_kind(std::string(MinuteKindName(segment.kind)));
  }
  for (const DayTotal& day : quote.days) {
    v1::DayTotal* total = out->add_days();
    total->set_local_date(day.local_date);
    ToMoney(day.cents_before_cap, total->mutable_before_cap());
    ToMoney(day.cents, total->mutable_amount());
    total->set_charged_minutes(day.charged_minutes);
    total->set_billed_minutes(day.billed_minutes);
  }
  out->set_free_stay_applied(quote.free_stay_applied);
  out->set_minimum_charge_applied(quote.minimum_charge_applied);
  ToMoney(quote.total_cents, out->mutable_total());
}

void ToProto(const TaxReceipt& receipt, v1::TaxReceipt* out) {
  out->set_number(receipt.number);
  out->mutable_issuer()->set_name(receipt.issuer.name);
  out->mutable_issuer()->set_address(receipt.issuer.address);
  out->mutable_issuer()->set_tax_id(receipt.issuer.tax_id);
  out->set_zone_id(receipt.zone_id);
  out->set_zone_name(receipt.zone_name);
  ToTimestamp(receipt.start, out->mutable_start_time());
  ToTimestamp(receipt.end, out->mutable_end_time());
  ToMoney(receipt.net_cents, out->mutable_net());
  out->set_vat_rate_percent(receipt.vat_percent);
  ToMoney(receipt.vat_cents, out->mutable_vat());
  ToMoney(receipt.gross_cents, out->mutable_gross());
}

void ToProto(const Permit& permit, const PermitRules& rules, v1::Permit* out) {
  out->set_id(permit.id);
  out->set_country(permit.plate.country);
  out->set_plate(permit.plate.registration);
  out->set_area(permit.area);
  out->set_valid_from(FormatDate(rules.FirstDay(permit)));
  out->set_valid_until(FormatDate(rules.LastDay(permit)));
  out->set_revoked(permit.revoked);
  out->set_revoke_reason(permit.revoke_reason);
}

v1::PermitApplicationState ToProto(ApplicationStatus status) {
  switch (status) {
    case ApplicationStatus::kPending:
      return v1::PERMIT_APPLICATION_STATE_PENDING;
    case ApplicationStatus::kApproved:
      return v1::PERMIT_APPLICATION_STATE_APPROVED;
    case ApplicationStatus::kRejected:
      return v1::PERMIT_APPLICATION_STATE_REJECTED;
    case ApplicationStatus::kRevoked:
      return v1::PERMIT_APPLICATION_STATE_REVOKED;
  }
  return v1::PERMIT_APPLICATION_STATE_UNSPECIFIED;
}

void ToProto(const PermitApplication& application, v1::PermitApplication* out) {
  out->set_id(application.id);
  out->set_country(application.plate.country);
  out->set_plate(application.plate.registration);
  out->set_area(application.area);
  out->set_street(application.street);
  out->set_house_number(application.house_number);
  out->set_valid_from(FormatDate(application.first_day));
  out->set_valid_until(FormatDate(application.last_day));
  out->set_state(ToProto(application.status));
  out->set_reason(application.reason);
  out->set_permit_id(application.permit_id);
  if (application.created != absl::InfinitePast()) {
    ToTimestamp(application.created, out->mutable_create_time());
  }
  if (application.decided != absl::InfinitePast()) {
    ToTimestamp(application.decided, out->mutable_decide_time());
  }
}

v1::CheckStatus ToProto(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPaid:
      return v1::CHECK_STATUS_PAID;
    case CheckStatus::kPermit:
      return v1::CHECK_STATUS_PERMIT;
    case CheckStatus::kGrace:
      return v1::CHECK_STATUS_GRACE;
    case CheckStatus::kNotPaid:
      return v1::CHECK_STATUS_NOT_PAID;
    case CheckStatus::kFreeNow:
      return v1::CHECK_STATUS_FREE_NOW;
  }
  return v1::CHECK_STATUS_UNSPECIFIED;
}

}  // namespace

namespace {

NoopKpiRecorder& NoKpis() {
  static NoopKpiRecorder* const recorder = new NoopKpiRecorder();
  return *recorder;
}

KpiDimensions ZoneDimension(const std::string& zone_id) {
  return {{std::string(kpi::kZone), zone_id}};
}

}  // namespace

// Zone and, where the zone names one, its district: revenue and minutes are
// published per district as well.
KpiDimensions ParkingGrpcService::PlaceDimensions(const std::string& zone_id) const {
  KpiDimensions dimensions = ZoneDimension(zone_id);
  absl::StatusOr<const Zone*> zone = service_.rules().FindZone(zone_id);
  if (zone.ok() && !(*zone)->district.empty()) {
    dimensions.emplace(std::string(kpi::kDistrict), (*zone)->district);
  }
  return dimensions;
}

// Keyed by the session id: a stop replayed with the same idempotency key, or a
// session settled twice after a crash, is counted once.
void ParkingGrpcService::RecordSessionEnd(const Session& session) {
  const KpiDimensions place = PlaceDimensions(session.zone_id);
  kpis_.Observe(kpi::kParkingRevenueCents, static_cast<double>(session.price_cents), place,
                session.id);
  kpis_.Observe(kpi::kParkingSessionMinutes, absl::ToDoubleMinutes(session.end - session.start),
                place, session.id);
}

absl::StatusOr<int> ParkingGrpcService::SettleEndedSessions() {
  return service_.SettleEndedSessions(
      [this](const Session& session) { RecordSessionEnd(session); });
}

ParkingGrpcService::ParkingGrpcService(ParkingService& service, PermitOffice& permits,
                                       const Clock& clock)
    : ParkingGrpcService(service, permits, clock, NoKpis()) {}

grpc::Status ParkingGrpcService::SessionResponse(const absl::StatusOr<Session>& session,
                                                 v1::Session* out) {
  if (!session.ok()) return ToGrpcStatus(session.status());
  out->set_id(session->id);
  out->set_zone_id(session->zone_id);
  out->set_country(session->plate.country);
  out->set_plate(session->plate.registration);
  ToTimestamp(session->start, out->mutable_start_time());
  ToTimestamp(session->end, out->mutable_end_time());
  ToTimestamp(session->max_end, out->mutable_max_end_time());
  out->set_state(session->stopped                    ? v1::SESSION_STATE_STOPPED
                 : session->IsActiveAt(clock_.Now()) ? v1::SESSION_STATE_ACTIVE
                                                     : v1::SESSION_STATE_EXPIRED);
  ToMoney(session->price_cents, out->mutable_price());
  absl::StatusOr<Quote> receipt = service_.rules().Receipt(*session);
  if (receipt.ok()) ToProto(*receipt, session->zone_id, out->mutable_receipt());
  if (std::optional<TaxReceipt> tax = service_.TaxReceiptOf(*session)) {
    ToProto(*tax, out->mutable_tax_receipt());
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::LocateZone(grpc::ServerContextBase*,
                                            const v1::LocateZoneRequest* request,
                                            v1::LocateZoneResponse* response) {
  absl::StatusOr<ZoneLookup> lookup =
      service_.LocateZone({request->latitude(), request->longitude()});
  if (!lookup.ok()) return ToGrpcStatus(lookup.status());
  const ParkingRules& rules = service_.rules();
  auto fill = [&](const std::string& zone_id, v1::Zone* out) {
    absl::StatusOr<const Zone*> zone = rules.FindZone(zone_id);
    if (!zone.ok()) return;
    absl::StatusOr<const Tariff*> tariff = rules.TariffOf(**zone);
    absl::StatusOr<ChargeState> charge = rules.ChargingAt(zone_id, clock_.Now());
    ToProto(**zone, tariff.ok() ? *tariff : nullptr, charge.ok() ? &*charge : nullptr, out);
  };
  if (lookup->zone_id) fill(*lookup->zone_id, response->mutable_zone());
  for (const ZoneCandidate& candidate : lookup->nearby) {
    v1::ZoneCandidate* out = response->add_nearby();
    fill(candidate.zone_id, out->mutable_zone());
    out->set_distance_meters(candidate.distance_meters);
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::GetZone(grpc::ServerContextBase*,
                                         const v1::GetZoneRequest* request, v1::Zone* response) {
  absl::StatusOr<const Zone*> zone = service_.rules().FindZone(request->zone_id());
  if (!zone.ok()) return ToGrpcStatus(zone.status());
  absl::StatusOr<const Tariff*> tariff = service_.rules().TariffOf(**zone);
  absl::StatusOr<ChargeState> charge =
      service_.rules().ChargingAt(request->zone_id(), clock_.Now());
  ToProto(**zone, tariff.ok() ? *tariff : nullptr, charge.ok() ? &*charge : nullptr, response);
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::QuoteParking(grpc::ServerContextBase*,
                                              const v1::QuoteParkingRequest* request,
                                              v1::Quote* response) {
  if (!request->has_end_time()) {
    return ToGrpcStatus(
        WithReason(absl::InvalidArgumentError("end_time is required"), "end_time_required"));
  }
  std::optional<absl::Time> start;
  if (request->has_start_time()) {
    absl::StatusOr<absl::Time> time = FromTimestamp(request->start_time(), "start_time");
    if (!time.ok()) return ToGrpcStatus(time.status());
    start = *time;
  }
  absl::StatusOr<absl::Time> end = FromTimestamp(request->end_time(), "end_time");
  if (!end.ok()) return ToGrpcStatus(end.status());
  absl::StatusOr<Quote> quote = service_.QuoteStay(request->zone_id(), start, *end);
  if (!quote.ok()) return ToGrpcStatus(quote.status());
  ToProto(*quote, request->zone_id(), response);
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::StartSession(grpc::ServerContextBase* context,
                                              const v1::StartSessionRequest* request,
                                              v1::Session* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  StartRequest start{"",
                     request->zone_id(),
                     request->plate(),
                     std::nullopt,
                     request->country(),
                     request->notify_email(),
                     CallerFromContext(*context).language};
  if (request->has_planned_end_time()) {
    absl::StatusOr<absl::Time> end = FromTimestamp(request->planned_end_time(), "planned_end_time");
    if (!end.ok()) return ToGrpcStatus(end.status());
    start.planned_end = *end;
  }
  absl::StatusOr<Session> session =
      service_.Start(CallerFromContext(*context).subject, start, request->idempotency_key());
  // Keyed by the session id: a replay with the same idempotency key returns
  // the same session and is counted once.
  if (session.ok())
    kpis_.Count(kpi::kParkingSessionsStarted, PlaceDimensions(session->zone_id), session->id);
  return SessionResponse(session, response);
}

grpc::Status ParkingGrpcService::ExtendSession(grpc::ServerContextBase* context,
                                               const v1::ExtendSessionRequest* request,
                                               v1::Session* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  if (!request->has_end_time()) {
    return ToGrpcStatus(
        WithReason(absl::InvalidArgumentError("end_time is required"), "end_time_required"));
  }
  absl::StatusOr<absl::Time> end = FromTimestamp(request->end_time(), "end_time");
  if (!end.ok()) return ToGrpcStatus(end.status());
  return SessionResponse(service_.Extend(CallerFromContext(*context).subject, request->session_id(),
                                         *end, request->idempotency_key()),
                         response);
}

grpc::Status ParkingGrpcService::StopSession(grpc::ServerContextBase* context,
                                             const v1::StopSessionRequest* request,
                                             v1::Session* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  absl::StatusOr<Session> session = service_.Stop(
      CallerFromContext(*context).subject, request->session_id(), request->idempotency_key());
  if (session.ok()) RecordSessionEnd(*session);
  return SessionResponse(session, response);
}

grpc::Status ParkingGrpcService::GetSession(grpc::ServerContextBase* context,
                                            const v1::GetSessionRequest* request,
                                            v1::Session* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  return SessionResponse(
      service_.GetOwnSession(CallerFromContext(*context).subject, request->session_id()), response);
}

grpc::Status ParkingGrpcService::ListSessions(grpc::ServerContextBase* context,
                                              const v1::ListSessionsRequest* request,
                                              v1::ListSessionsResponse* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  absl::StatusOr<std::vector<Session>> sessions =
      service_.History(CallerFromContext(*context).subject, request->page_size());
  if (!sessions.ok()) return ToGrpcStatus(sessions.status());
  for (const Session& session : *sessions) {
    grpc::Status status = SessionResponse(session, response->add_sessions());
    if (!status.ok()) return status;
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::CreatePermit(grpc::ServerContextBase* context,
                                              const v1::CreatePermitRequest* request,
                                              v1::Permit* response) {
  if (grpc::Status role = RequireRole(*context, kParkingAdmin); !role.ok()) return role;
  absl::StatusOr<PermitRules::Span> span =
      permits_.rules().Validity(request->valid_from(), request->valid_until());
  if (!span.ok()) return ToGrpcStatus(span.status());
  absl::StatusOr<Permit> permit = service_.IssuePermit(request->country(), request->plate(),
                                                       request->area(), span->from, span->until);
  if (!permit.ok()) return ToGrpcStatus(permit.status());
  ToProto(*permit, permits_.rules(), response);
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::SearchPermits(grpc::ServerContextBase* context,
                                               const v1::SearchPermitsRequest* request,
                                               v1::SearchPermitsResponse* response) {
  if (grpc::Status role = RequireRole(*context, kParkingAdmin); !role.ok()) return role;
  absl::StatusOr<std::vector<Permit>> permits =
      service_.ListPermits(request->country(), request->plate());
  if (!permits.ok()) return ToGrpcStatus(permits.status());
  for (const Permit& permit : *permits) {
    ToProto(permit, permits_.rules(), response->add_permits());
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::CheckPlate(grpc::ServerContextBase* context,
                                            const v1::CheckPlateRequest* request,
                                            v1::CheckPlateResponse* response) {
  if (grpc::Status role = RequireRole(*context, kParkingOfficer); !role.ok()) return role;
  absl::StatusOr<CheckResult> result =
      service_.CheckPlate(request->country(), request->plate(), request->zone_id());
  if (!result.ok()) return ToGrpcStatus(result.status());
  kpis_.Count(kpi::kParkingPlateChecks, ZoneDimension(request->zone_id()));
  // Paid, permit and grace are all "not unpaid": the share is of the checks
  // that would lead to a ticket.
  kpis_.Ratio(kpi::kParkingChecksUnpaidRate, result->status == CheckStatus::kNotPaid,
              ZoneDimension(request->zone_id()));
  response->set_status(ToProto(result->status));
  if (result->paid_until != absl::InfinitePast()) {
    ToTimestamp(result->paid_until, response->mutable_paid_until());
  }
  if (result->status == CheckStatus::kPermit) {
    response->set_permit_area(result->permit_area);
    ToTimestamp(result->permit_valid_until, response->mutable_permit_valid_until());
  }
  if (result->charging_starts_at != absl::InfiniteFuture()) {
    ToTimestamp(result->charging_starts_at, response->mutable_charging_starts_at());
  }
  if (result->charging_started_at != absl::InfinitePast()) {
    ToTimestamp(result->charging_started_at, response->mutable_charging_started_at());
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::ApplicationResponse(
    const absl::StatusOr<PermitApplication>& application, v1::PermitApplication* response) const {
  if (!application.ok()) return ToGrpcStatus(application.status());
  ToProto(*application, response);
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::ApplyForPermit(grpc::ServerContextBase* context,
                                                const v1::ApplyForPermitRequest* request,
                                                v1::PermitApplication* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  const PermitApplicationRequest apply{
      request->country(),      request->plate(),      request->area(),       request->street(),
      request->house_number(), request->valid_from(), request->valid_until()};
  return ApplicationResponse(permits_.Apply(CallerFromContext(*context).subject, apply), response);
}

grpc::Status ParkingGrpcService::ListPermitApplications(
    grpc::ServerContextBase* context, const v1::ListPermitApplicationsRequest* request,
    v1::ListPermitApplicationsResponse* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  absl::StatusOr<std::vector<PermitApplication>> applications =
      permits_.OwnApplications(CallerFromContext(*context).subject, request->page_size());
  if (!applications.ok()) return ToGrpcStatus(applications.status());
  for (const PermitApplication& application : *applications) {
    ToProto(application, response->add_applications());
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::GetPermitApplication(
    grpc::ServerContextBase* context, const v1::GetPermitApplicationRequest* request,
    v1::PermitApplication* response) {
  if (grpc::Status role = RequireRole(*context, "citizen"); !role.ok()) return role;
  return ApplicationResponse(
      permits_.OwnApplication(CallerFromContext(*context).subject, request->application_id()),
      response);
}

grpc::Status ParkingGrpcService::ListPendingPermitApplications(
    grpc::ServerContextBase* context, const v1::ListPermitApplicationsRequest* request,
    v1::ListPermitApplicationsResponse* response) {
  if (grpc::Status role = RequireRole(*context, kParkingAdmin); !role.ok()) return role;
  absl::StatusOr<std::vector<PermitApplication>> applications =
      permits_.PendingApplications(request->page_size());
  if (!applications.ok()) return ToGrpcStatus(applications.status());
  for (const PermitApplication& application : *applications) {
    ToProto(application, response->add_applications());
  }
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::ApprovePermitApplication(
    grpc::ServerContextBase* context, const v1::ApprovePermitApplicationRequest* request,
    v1::PermitApplication* response) {
  if (grpc::Status role = RequireRole(*context, kParkingAdmin); !role.ok()) return role;
  return ApplicationResponse(
      permits_.Approve(CallerFromContext(*context).subject, request->application_id()), response);
}

grpc::Status ParkingGrpcService::RejectPermitApplication(
    grpc::ServerContextBase* context, const v1::RejectPermitApplicationRequest* request,
    v1::PermitApplication* response) {
  if (grpc::Status role = RequireRole(*context, kParkingAdmin); !role.ok()) return role;
  return ApplicationResponse(permits_.Reject(CallerFromContext(*context).subject,
                                             request->application_id(), request->reason()),
                             response);
}

grpc::Status ParkingGrpcService::RevokePermit(grpc::ServerContextBase* context,
                                              const v1::RevokePermitRequest* request,
                                              v1::Permit* response) {
  if (grpc::Status role = RequireRole(*context, kParkingAdmin); !role.ok()) return role;
  absl::StatusOr<Permit> permit = permits_.Revoke(request->country(), request->plate(),
                                                  request->permit_id(), request->reason());
  if (!permit.ok()) return ToGrpcStatus(permit.status());
  ToProto(*permit, permits_.rules(), response);
  return grpc::Status::OK;
}

grpc::Status ParkingGrpcService::ExportPersonalData(grpc::ServerContextBase* context,
                                                    const type::v1::PersonalDataRequest*,
                                                    type::v1::PersonalData* response) {
  const std::string subject = CallerFromContext(*context).subject;
  absl::StatusOr<std::vector<privacy::Record>> records = service_.PersonalRecords(subject);
  if (!records.ok()) return ToGrpcStatus(records.status());
  absl::StatusOr<std::vector<privacy::Record>> applications = permits_.PersonalRecords(subject);
  if (!applications.ok()) return ToGrpcStatus(applications.status());
  records->insert(records->end(), applications->begin(), applications->end());
  return privacy::Answer("parking", records, *response);
}

grpc::Status ParkingGrpcService::ErasePersonalData(grpc::ServerContextBase* context,
                                                   const type::v1::PersonalDataRequest*,
                                                   type::v1::ErasureReport* response) {
  const std::string subject = CallerFromContext(*context).subject;
  // Sessions first: a running one refuses before anything is erased.
  absl::StatusOr<privacy::Erasure> erasure = service_.ErasePersonalData(subject);
  if (!erasure.ok()) return ToGrpcStatus(erasure.status());
  absl::StatusOr<privacy::Erasure> applications = permits_.ErasePersonalData(subject);
  if (!applications.ok()) return ToGrpcStatus(applications.status());
  erasure->erased += applications->erased;
  erasure->kept.insert(erasure->kept.end(), applications->kept.begin(), applications->kept.end());
  return privacy::Answer("parking", erasure, *response);
}

}  // namespace stadt::parking
