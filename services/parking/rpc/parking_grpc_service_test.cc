#include "services/parking/rpc/parking_grpc_service.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "gtest/gtest.h"
#include "services/common/call_context.h"
#include "services/common/fake_clock.h"
#include "services/common/grpc_reactor.h"
#include "services/common/grpc_reactor_testing.h"
#include "services/common/kpi/fake_kpi_recorder.h"
#include "services/common/status.h"
#include "services/parking/rpc/parking_reactor_service.h"

namespace stadt::parking {
namespace {

constexpr char kZones[] = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"zone": "1101", "name": "West", "district": "Mitte", "tariff": "city"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.17, 48.77], [9.18, 48.77], [9.18, 48.78], [9.17, 48.78], [9.17, 48.77]]]}},
  {"type": "Feature", "properties": {"zone": "1102", "name": "Ost", "tariff": "city"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.18, 48.77], [9.19, 48.77], [9.19, 48.78], [9.18, 48.78], [9.18, 48.77]]]}}]})";
constexpr char kTariffs[] = R"({"tariffs": [{"id": "city", "max_parking_minutes": 120,
  "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 300}]}]})";

// Monday 2026-11-23 10:00 in Berlin.
constexpr int64_t kMondayTen = 1795424400;

// Storage that is down: the calls tested here either need no storage or are
// refused before they reach it, and an outage must surface as UNAVAILABLE.
class UnavailableRepository final : public ParkingRepository {
 public:
  absl::StatusOr<std::optional<Session>> BeginWrite(const WriteKey&) override { return Down(); }
  absl::Status AbandonWrite(const WriteKey&) override { return Down(); }
  absl::Status FinishWrite(const WriteKey&, const Session&) override { return Down(); }
  absl::StatusOr<Session> InsertSession(const Session&, absl::Time, const WriteKey&) override {
    return Down();
  }
  absl::StatusOr<Session> UpdateSession(const Session&, SessionChange, absl::Time,
                                        const WriteKey&) override {
    return Down();
  }
  absl::StatusOr<Session> GetSession(std::string_view) override { return Down(); }
  absl::StatusOr<int> SendDueReminders(absl::Time, int) override { return Down(); }
  absl::StatusOr<std::vector<Session>> ListSessions(std::string_view, int) override {
    return Down();
  }
  absl::StatusOr<std::vector<Session>> ListUnsettledEndedSessions(absl::Time, int) override {
    return Down();
  }
  absl::Status MarkSettled(const std::vector<std::string>&) override { return Down(); }
  absl::StatusOr<PlateRecord> ReadPlate(std::string_view) override { return Down(); }
  absl::StatusOr<Permit> AddPermit(const Permit&) override { return Down(); }
  absl::StatusOr<std::vector<Permit>> ListPermits(std::string_view) override { return Down(); }

 private:
  static absl::Status Down() { return absl::UnavailableError("redis at 10.0.0.7 refused"); }
};

constexpr char kAreas[] = R"({"areas": [
  {"id": "S-Mitte", "name": "Mitte", "streets": ["Königstraße"]}]})";

class UnavailablePermitRepository final : public PermitRepository {
 public:
  absl::StatusOr<Created> CreateApplication(const PermitApplication&) override { return Down(); }
  absl::StatusOr<PermitApplication> GetApplication(std::string_view) override { return Down(); }
  absl::StatusOr<std::vector<PermitApplication>> ListApplications(std::string_view, int) override {
    return Down();
  }
  absl::StatusOr<std::vector<PermitApplication>> ListPendingApplications(int) override {
    return Down();
  }
  absl::StatusOr<PermitApplication> Approve(const PermitApplication&, const Permit&,
                                            std::string_view, absl::Time) override {
    return Down();
  }
  absl::StatusOr<PermitApplication> Reject(const PermitApplication&, std::string_view,
                                           std::string_view, absl::Time) override {
    return Down();
  }
  absl::StatusOr<Permit> Revoke(std::string_view, std::string_view, std::string_view,
                                absl::Time) override {
    return Down();
  }

 private:
  static absl::Status Down() { return absl::UnavailableError("redis at 10.0.0.7 refused"); }
};

PermitRules MakePermitRules() {
  return PermitRules(PermitAreas::Parse(kAreas).value(), BerlinCalendar::Load().value(),
                     PermitPolicy());
}

// A call as the gateway forwards it for a caller with `role`.
struct CallAs {
  explicit CallAs(const std::string& role) : spouse(&context) {
    spouse.AddClientMetadata(kSubjectMetadata, "subject-1");
    spouse.AddClientMetadata(kRolesMetadata, role);
  }
  grpc::ServerContext context;
  grpc::testing::ServerContextTestSpouse spouse;
};

class ParkingGrpcServiceTest : public ::testing::Test {
 protected:
  ParkingRules rules_{ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value(),
                      ParseTariffs(kTariffs).value(),
                      PriceCalculator(BerlinCalendar::Load().value())};
  UnavailableRepository repository_;
  FakeClock clock_{absl::FromUnixSeconds(kMondayTen)};
  ParkingService service_{rules_, repository_, clock_, ParkingSettings()};
  PermitRules permit_rules_ = MakePermitRules();
  UnavailablePermitRepository permit_repository_;
  PermitOffice permits_{permit_rules_, permit_repository_, clock_};
  ParkingGrpcService grpc_{service_, permits_, clock_};
  grpc::ServerContext context_;
};

// The front the server serves answers every RPC of the proto (a method it
// missed would compile and answer UNIMPLEMENTED).
TEST_F(ParkingGrpcServiceTest, TheCallbackFrontServesEveryMethod) {
  BlockingCallPool pool(2);
  ParkingReactorService front(grpc_, pool);
  EXPECT_THAT(testing::MethodsAnsweringUnimplemented(front, v1::Parking::service_full_name()),
              ::testing::IsEmpty());
}

TEST_F(ParkingGrpcServiceTest, LocatesZonesWithNeighbours) {
  v1::LocateZoneRequest request;
  request.set_latitude(48.775);
  request.set_longitude(9.1799);
  v1::LocateZoneResponse response;
  ASSERT_TRUE(grpc_.LocateZone(&context_, &request, &response).ok());
  EXPECT_EQ(response.zone().id(), "1101");
  EXPECT_EQ(response.zone().max_parking_minutes(), 120);
  ASSERT_EQ(response.nearby_size(), 1);
  EXPECT_EQ(response.nearby(0).zone().name(), "Ost");
  EXPECT_GT(response.nearby(0).distance_meters(), 0);

  request.set_latitude(95);
  EXPECT_EQ(grpc_.LocateZone(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ParkingGrpcServiceTest, QuotesWithBreakdown) {
  v1::QuoteParkingRequest request;
  request.set_zone_id("1101");
  request.mutable_start_time()->set_seconds(kMondayTen);
  request.mutable_end_time()->set_seconds(kMondayTen + 90 * 60);
  v1::Quote quote;
  ASSERT_TRUE(grpc_.QuoteParking(&context_, &request, &quote).ok());
  EXPECT_EQ(quote.total().cents(), 450);
  EXPECT_EQ(quote.total().currency(), "EUR");
  ASSERT_EQ(quote.segments_size(), 1);
  EXPECT_EQ(quote.segments(0).local_start().minute_of_day(), 600);
  EXPECT_EQ(quote.segments(0).kind(), "priced");
  EXPECT_EQ(quote.days(0).local_date(), "2026-11-23");

  // Without a start the quote starts now (the fake clock).
  request.clear_start_time();
  ASSERT_TRUE(grpc_.QuoteParking(&context_, &request, &quote).ok());
  EXPECT_EQ(quote.start_time().seconds(), kMondayTen);

  v1::QuoteParkingRequest bad = request;
  bad.clear_end_time();
  EXPECT_EQ(grpc_.QuoteParking(&context_, &bad, &quote).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad = request;
  bad.mutable_end_time()->set_nanos(-1);
  EXPECT_EQ(grpc_.QuoteParking(&context_, &bad, &quote).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad = request;
  bad.set_zone_id("4711");
  EXPECT_EQ(grpc_.QuoteParking(&context_, &bad, &quote).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ParkingGrpcServiceTest, RoleBoundCallsNeedTheirRole) {
  v1::Session session;
  v1::StartSessionRequest start;
  EXPECT_EQ(grpc_.StartSession(&context_, &start, &session).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ExtendSessionRequest extend;
  EXPECT_EQ(grpc_.ExtendSession(&context_, &extend, &session).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::StopSessionRequest stop;
  EXPECT_EQ(grpc_.StopSession(&context_, &stop, &session).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetSessionRequest get;
  EXPECT_EQ(grpc_.GetSession(&context_, &get, &session).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListSessionsRequest list;
  v1::ListSessionsResponse sessions;
  EXPECT_EQ(grpc_.ListSessions(&context_, &list, &sessions).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreatePermitRequest create;
  v1::Permit permit;
  EXPECT_EQ(grpc_.CreatePermit(&context_, &create, &permit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SearchPermitsRequest search;
  v1::SearchPermitsResponse permits;
  EXPECT_EQ(grpc_.SearchPermits(&context_, &search, &permits).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CheckPlateRequest check;
  v1::CheckPlateResponse checked;
  EXPECT_EQ(grpc_.CheckPlate(&context_, &check, &checked).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ApplyForPermitRequest apply;
  v1::PermitApplication application;
  EXPECT_EQ(grpc_.ApplyForPermit(&context_, &apply, &application).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListPermitApplicationsRequest list_applications;
  v1::ListPermitApplicationsResponse applications;
  EXPECT_EQ(grpc_.ListPermitApplications(&context_, &list_applications, &applications).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetPermitApplicationRequest get_application;
  EXPECT_EQ(grpc_.GetPermitApplication(&context_, &get_application, &application).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A citizen cannot decide: approving, rejecting, revoking and the queue
  // are the caseworker's.
  CallAs citizen("citizen");
  EXPECT_EQ(grpc_.ListPendingPermitApplications(&citizen.context, &list_applications, &applications)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ApprovePermitApplicationRequest approve;
  EXPECT_EQ(grpc_.ApprovePermitApplication(&citizen.context, &approve, &application).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::RejectPermitApplicationRequest reject;
  EXPECT_EQ(grpc_.RejectPermitApplication(&citizen.context, &reject, &application).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::RevokePermitRequest revoke;
  EXPECT_EQ(grpc_.RevokePermit(&citizen.context, &revoke, &permit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ParkingGrpcServiceTest, PermitDatesAreCalendarDates) {
  CallAs caseworker("parking_admin");
  v1::CreatePermitRequest create;
  create.set_plate("S-RE 42");
  create.set_area("S-Mitte");
  // A timestamp where a date belongs: a clear refusal naming the field.
  create.set_valid_from("2026-11-23T00:00:00Z");
  create.set_valid_until("2026-12-31");
  v1::Permit permit;
  grpc::Status status = grpc_.CreatePermit(&caseworker.context, &create, &permit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("valid_from: expected a date"));
  create.set_valid_from("2026-11-23");
  create.set_valid_until("2026-11-22");
  status = grpc_.CreatePermit(&caseworker.context, &create, &permit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("before valid_from"));

  CallAs citizen("citizen");
  v1::ApplyForPermitRequest apply;
  apply.set_plate("S-RE 42");
  apply.set_area("S-Mitte");
  apply.set_street("Königstraße");
  apply.set_house_number("1");
  apply.set_valid_from("2026-11-23");
  apply.set_valid_until("2026-02-31");
  v1::PermitApplication application;
  status = grpc_.ApplyForPermit(&citizen.context, &apply, &application);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("valid_until: 2026-02-31 is not a date"));
  // A valid application reaches storage, which is down here.
  apply.set_valid_until("2027-02-28");
  EXPECT_EQ(grpc_.ApplyForPermit(&citizen.context, &apply, &application).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ParkingGrpcServiceTest, StorageOutageIsUnavailableWithoutDetails) {
  // The domain reaches storage here only through the officer's check and the
  // history; both need a role, so call the use case directly and map it.
  absl::StatusOr<CheckResult> result = service_.CheckPlate("", "S-AB 1", "1101");
  grpc::Status status = ToGrpcStatus(result.status());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message().find("10.0.0.7"), std::string::npos);
}

// Just enough storage for one citizen's session: writes always succeed.
class MemoryRepository final : public ParkingRepository {
 public:
  absl::StatusOr<std::optional<Session>> BeginWrite(const WriteKey&) override {
    return std::optional<Session>();
  }
  absl::Status AbandonWrite(const WriteKey&) override { return absl::OkStatus(); }
  absl::Status FinishWrite(const WriteKey&, const Session&) override { return absl::OkStatus(); }
  absl::StatusOr<Session> InsertSession(const Session& session, absl::Time,
                                        const WriteKey&) override {
    Session stored = session;
    stored.id = absl::StrCat("session-", sessions_.size() + 1);
    sessions_[stored.id] = stored;
    return stored;
  }
  absl::StatusOr<Session> UpdateSession(const Session& planned, SessionChange, absl::Time,
                                        const WriteKey&) override {
    sessions_[planned.id] = planned;
    return planned;
  }
  absl::StatusOr<int> SendDueReminders(absl::Time, int) override { return 0; }
  absl::StatusOr<Session> GetSession(std::string_view id) override {
    auto it = sessions_.find(std::string(id));
    if (it == sessions_.end()) return absl::NotFoundError("session not found");
    return it->second;
  }
  absl::StatusOr<std::vector<Session>> ListSessions(std::string_view, int) override {
    return std::vector<Session>();
  }
  absl::StatusOr<std::vector<Session>> ListUnsettledEndedSessions(absl::Time now,
                                                                  int limit) override {
    std::vector<Session> ended;
    for (const auto& [id, session] : sessions_) {
      if (!session.stopped && session.end <= now && !settled_.contains(id) &&
          static_cast<int>(ended.size()) < limit) {
        ended.push_back(session);
      }
    }
    return ended;
  }
  absl::Status MarkSettled(const std::vector<std::string>& ids) override {
    settled_.insert(ids.begin(), ids.end());
    return absl::OkStatus();
  }
  // The officer's check sees the session named here (one plate is enough).
  void SetLatest(const std::string& id) { latest_ = id; }
  absl::StatusOr<PlateRecord> ReadPlate(std::string_view) override {
    PlateRecord record;
    if (!latest_.empty()) record.sessions.push_back(sessions_.at(latest_));
    return record;
  }
  absl::StatusOr<Permit> AddPermit(const Permit& permit) override { return permit; }
  absl::StatusOr<std::vector<Permit>> ListPermits(std::string_view) override {
    return std::vector<Permit>();
  }

 private:
  std::map<std::string, Session> sessions_;
  std::set<std::string> settled_;
  std::string latest_;
};

class ParkingKpiTest : public ::testing::Test {
 protected:
  // A call as the gateway forwards it for a caller with `role`.
  struct Call {
    explicit Call(const std::string& role) : spouse(&context) {
      spouse.AddClientMetadata(kSubjectMetadata, "subject-1");
      spouse.AddClientMetadata(kRolesMetadata, role);
    }
    grpc::ServerContext context;
    grpc::testing::ServerContextTestSpouse spouse;
  };

  ParkingRules rules_{ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value(),
                      ParseTariffs(kTariffs).value(),
                      PriceCalculator(BerlinCalendar::Load().value())};
  MemoryRepository repository_;
  FakeClock clock_{absl::FromUnixSeconds(kMondayTen)};
  ParkingService service_{rules_, repository_, clock_, ParkingSettings()};
  PermitRules permit_rules_ = MakePermitRules();
  UnavailablePermitRepository permit_repository_;
  PermitOffice permits_{permit_rules_, permit_repository_, clock_};
  FakeKpiRecorder kpis_;
  ParkingGrpcService grpc_{service_, permits_, clock_, kpis_};
};

TEST_F(ParkingKpiTest, SessionStartAndStopRecordTheZonesKpis) {
  Call start_call("citizen");
  v1::StartSessionRequest start;
  start.set_zone_id("1101");
  start.set_plate("S-AB 123");
  v1::Session started;
  grpc::Status status = grpc_.StartSession(&start_call.context, &start, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();

  clock_.Advance(absl::Minutes(30));
  Call stop_call("citizen");
  v1::StopSessionRequest stop;
  stop.set_session_id(started.id());
  v1::Session stopped;
  status = grpc_.StopSession(&stop_call.context, &stop, &stopped);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const std::vector<KpiSample> starts = kpis_.samples("parking_sessions_started");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].value, 1);
  EXPECT_THAT(starts[0].dimensions, ::testing::ElementsAre(::testing::Pair("district", "Mitte"),
                                                           ::testing::Pair("zone", "1101")));
  EXPECT_EQ(starts[0].occurrence_key, started.id());
  const std::vector<KpiSample> revenue = kpis_.samples("parking_revenue_cents");
  ASSERT_EQ(revenue.size(), 1u);
  EXPECT_EQ(revenue[0].value, 150);  // 30 minutes at 300 cents an hour
  const std::vector<KpiSample> minutes = kpis_.samples("parking_session_minutes");
  ASSERT_EQ(minutes.size(), 1u);
  EXPECT_EQ(minutes[0].value, 30);
  // The plate never leaves with an event.
  EXPECT_TRUE(kpis_.AllDimensionsAllowed());
  for (const KpiSample& sample : kpis_.samples()) {
    EXPECT_EQ(sample.occurrence_key.find("S-AB"), std::string::npos);
  }
}

TEST_F(ParkingKpiTest, SessionsThatRunOutByThemselvesAreSettledOnce) {
  Call citizen("citizen");
  v1::StartSessionRequest start;
  start.set_zone_id("1101");
  start.set_plate("S-AB 123");
  start.mutable_planned_end_time()->set_seconds(kMondayTen + 60 * 60);
  v1::Session runs_out;
  grpc::Status status = grpc_.StartSession(&citizen.context, &start, &runs_out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  start.set_plate("S-CD 456");
  start.set_zone_id("1102");
  v1::Session stopped;
  ASSERT_TRUE(grpc_.StartSession(&citizen.context, &start, &stopped).ok());
  clock_.Advance(absl::Minutes(20));
  v1::StopSessionRequest stop;
  stop.set_session_id(stopped.id());
  v1::Session stop_answer;
  ASSERT_TRUE(grpc_.StopSession(&citizen.context, &stop, &stop_answer).ok());

  // Before its planned end nothing is due.
  absl::StatusOr<int> settled = grpc_.SettleEndedSessions();
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);

  clock_.Advance(absl::Minutes(50));
  settled = grpc_.SettleEndedSessions();
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 1);  // the stopped one was reported by its stop
  settled = grpc_.SettleEndedSessions();
  ASSERT_TRUE(settled.ok()) << settled.status();
  EXPECT_EQ(*settled, 0);

  const std::vector<KpiSample> revenue = kpis_.samples("parking_revenue_cents");
  ASSERT_EQ(revenue.size(), 2u);
  EXPECT_EQ(revenue[0].occurrence_key, stopped.id());
  EXPECT_EQ(revenue[0].value, 100);  // 20 minutes at 300 cents an hour
  EXPECT_THAT(revenue[0].dimensions, ::testing::ElementsAre(::testing::Pair("zone", "1102")));
  EXPECT_EQ(revenue[1].occurrence_key, runs_out.id());
  EXPECT_EQ(revenue[1].value, 300);  // the planned hour
  EXPECT_THAT(revenue[1].dimensions, ::testing::ElementsAre(::testing::Pair("district", "Mitte"),
                                                            ::testing::Pair("zone", "1101")));
  const std::vector<KpiSample> minutes = kpis_.samples("parking_session_minutes");
  ASSERT_EQ(minutes.size(), 2u);
  EXPECT_EQ(minutes[1].value, 60);
}

TEST_F(ParkingKpiTest, EveryPlateCheckCountsForItsZoneWithTheShareFoundUnpaid) {
  Call officer("parking_officer");
  v1::CheckPlateRequest check;
  check.set_plate("S-AB 123");
  check.set_zone_id("1102");
  v1::CheckPlateResponse checked;
  ASSERT_TRUE(grpc_.CheckPlate(&officer.context, &check, &checked).ok());
  const std::vector<KpiSample> checks = kpis_.samples("parking_plate_checks");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_THAT(checks[0].dimensions, ::testing::ElementsAre(::testing::Pair("zone", "1102")));

  Call citizen("citizen");
  v1::StartSessionRequest start;
  start.set_zone_id("1102");
  start.set_plate("S-AB 123");
  v1::Session started;
  ASSERT_TRUE(grpc_.StartSession(&citizen.context, &start, &started).ok());
  repository_.SetLatest(started.id());
  ASSERT_TRUE(grpc_.CheckPlate(&officer.context, &check, &checked).ok());
  ASSERT_EQ(checked.status(), v1::CHECK_STATUS_PAID);

  const std::vector<KpiSample> unpaid = kpis_.samples("parking_checks_unpaid_rate");
  ASSERT_EQ(unpaid.size(), 2u);
  EXPECT_EQ(unpaid[0].value, 1);  // no session: unpaid
  EXPECT_EQ(unpaid[1].value, 0);  // paid
  EXPECT_THAT(unpaid[1].dimensions, ::testing::ElementsAre(::testing::Pair("zone", "1102")));
}

TEST_F(ParkingKpiTest, RefusedCallsRecordNothing) {
  Call citizen("citizen");
  v1::CheckPlateRequest check;  // not an officer
  check.set_plate("S-AB 123");
  check.set_zone_id("1102");
  v1::CheckPlateResponse checked;
  EXPECT_FALSE(grpc_.CheckPlate(&citizen.context, &check, &checked).ok());
  v1::StartSessionRequest start;
  start.set_zone_id("9999");
  start.set_plate("S-AB 123");
  v1::Session started;
  EXPECT_FALSE(grpc_.StartSession(&citizen.context, &start, &started).ok());
  EXPECT_TRUE(kpis_.samples().empty());
}

}  // namespace
}  // namespace stadt::parking
