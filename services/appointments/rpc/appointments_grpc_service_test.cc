#include "services/appointments/rpc/appointments_grpc_service.h"

#include "gmock/gmock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/cached_catalog_repository.h"
#include "services/appointments/domain/in_memory_catalog_repository.h"
#include "services/appointments/rpc/appointments_reactor_service.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/call_context.h"
#include "services/common/fake_clock.h"
#include "services/common/grpc_reactor.h"
#include "services/common/grpc_reactor_testing.h"
#include "services/common/kpi/fake_kpi_recorder.h"

namespace stadt::appointments {
namespace {

using booking::InMemoryBookingRepository;

Office SampleOffice() {
  Office office;
  office.id = "mitte";
  office.name = "Buergerbuero Mitte";
  office.district = "Mitte";
  office.address = {"Eberhardstr. 39", "70173", "Stuttgart"};
  office.opening_hours = {{1, 480, 1080}, {4, 600, 1140}};
  office.service_ids = {"id-card"};
  return office;
}

TEST(AppointmentsGrpcServiceTest, OfficeConversionRoundTrips) {
  v1::Office message;
  ToProto(SampleOffice(), &message);
  EXPECT_EQ(message.opening_hours(1).closes_minute(), 1140);
  EXPECT_EQ(FromProto(message), SampleOffice());
}

// The counter day is exercised against Redis in store/; here it only has to
// exist, and any call reaching it is a test failure.
class NoCounters final : public CounterRepository {
 public:
  absl::StatusOr<DayList> ListDay(const booking::ResourceDay&) override { return Unexpected(); }
  absl::StatusOr<Ticket> CheckIn(const booking::ResourceDay&, const std::string&,
                                 absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> WalkIn(const booking::ResourceDay&, const std::vector<std::string>&,
                                absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<std::optional<Ticket>> CallNext(const booking::ResourceDay&, const std::string&,
                                                 absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> Recall(const booking::ResourceDay&, int, const std::string&,
                                absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> Park(const booking::ResourceDay&, int) override { return Unexpected(); }
  absl::StatusOr<Ticket> CancelTicket(const booking::ResourceDay&, int, absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<CallBoard> Board(const booking::ResourceDay&, int) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> Complete(const booking::ResourceDay&, int) override {
    return Unexpected();
  }
  absl::StatusOr<DayAppointment> MarkNoShow(const booking::ResourceDay&, const std::string&,
                                            absl::Time) override {
    return Unexpected();
  }

 private:
  static absl::Status Unexpected() {
    ADD_FAILURE() << "the counter repository should not be reached";
    return absl::InternalError("unexpected");
  }
};

class AppointmentsGrpcServiceCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 15}};
    catalog.offices = {SampleOffice()};
    ASSERT_TRUE(repository_.ApplySeed(catalog, "test").ok());
  }
  absl::TimeZone Berlin() {
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
    return zone;
  }
  InMemoryCatalogRepository repository_;
  InMemoryBookingRepository booking_repository_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  OfficeCatalog catalog_{repository_};
  OfficeBookings bookings_{repository_, booking_repository_, clock_,
                           booking::Calendar(booking::BookingRules{}, Berlin()),
                           booking::BookingSecrets::Derive("k")};
  NoCounters counters_;
  CounterDay counter_day_{counters_, booking_repository_, repository_, &bookings_.core(), clock_,
                          Berlin(),  absl::Minutes(15)};
  booking::BookingCore closure_core_{booking_repository_, clock_,
                                     booking::Calendar(booking::BookingRules{}, Berlin()),
                                     booking::BookingSecrets::Derive("k")};
  OfficeClosures closures_{repository_, booking_repository_, closure_core_};
  AppointmentsGrpcService service_{catalog_, bookings_, counter_day_, closures_};
  grpc::ServerContext context_;
};

TEST_F(AppointmentsGrpcServiceCallTest, ListsOffices) {
  v1::ListOfficesRequest request;
  v1::ListOfficesResponse response;
  ASSERT_TRUE(service_.ListOffices(&context_, &request, &response).ok());
  ASSERT_EQ(response.offices_size(), 1);
  EXPECT_EQ(response.offices(0).address().city(), "Stuttgart");
}

TEST_F(AppointmentsGrpcServiceCallTest, MapsDomainErrorsToCanonicalCodes) {
  v1::GetOfficeRequest request;
  v1::Office response;
  request.set_office_id("nowhere");
  EXPECT_EQ(service_.GetOffice(&context_, &request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.set_office_id("BAD ID");
  EXPECT_EQ(service_.GetOffice(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  repository_.SetAvailable(false);
  request.set_office_id("mitte");
  grpc::Status down = service_.GetOffice(&context_, &request, &response);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(down.error_message().find("storage"), std::string::npos);
}

// The front the server serves answers every RPC of the proto (a method it
// missed would compile and answer UNIMPLEMENTED).
TEST_F(AppointmentsGrpcServiceCallTest, TheCallbackFrontServesEveryMethod) {
  BlockingCallPool pool(2);
  AppointmentsReactorService front(service_, pool);
  EXPECT_THAT(testing::MethodsAnsweringUnimplemented(front, v1::Appointments::service_full_name()),
              ::testing::IsEmpty());
}

// What the reactor front answers on gRPC's thread: only what needs no storage.
TEST_F(AppointmentsGrpcServiceCallTest, AnswersAnOfficeWithoutIoOnlyFromTheCacheOrForABadId) {
  CachedCatalogRepository cached(repository_, clock_, absl::Seconds(2));
  OfficeCatalog catalog(cached);
  AppointmentsGrpcService service(catalog, bookings_, counter_day_, closures_);
  v1::GetOfficeRequest request;
  v1::Office response;
  request.set_office_id("BAD ID");
  std::optional<grpc::Status> bad = service.GetOfficeWithoutIo(&request, &response);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  request.set_office_id("mitte");
  EXPECT_FALSE(service.GetOfficeWithoutIo(&request, &response).has_value());  // not cached yet
  ASSERT_TRUE(service.GetOffice(&context_, &request, &response).ok());
  repository_.SetAvailable(false);  // from here on only the cache can answer
  v1::Office cached_answer;
  std::optional<grpc::Status> hit = service.GetOfficeWithoutIo(&request, &cached_answer);
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->ok());
  EXPECT_EQ(cached_answer.SerializeAsString(), response.SerializeAsString());
  request.set_office_id("nowhere");
  EXPECT_FALSE(service.GetOfficeWithoutIo(&request, &response).has_value());
}

TEST_F(AppointmentsGrpcServiceCallTest, PutOfficeWithoutTheOfficeAdminRoleIsDenied) {
  v1::PutOfficeRequest request;
  ToProto(SampleOffice(), request.mutable_office());
  v1::Office response;
  EXPECT_EQ(service_.PutOffice(&context_, &request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AppointmentsGrpcServiceCallTest, HoldNeedsACallerAndASaneTimestamp) {
  v1::CreateHoldRequest request;
  request.set_office_id("mitte");
  request.add_service_ids("id-card");
  request.mutable_start()->set_seconds(-5);
  v1::Hold response;
  EXPECT_EQ(service_.CreateHold(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.mutable_start()->set_seconds(1'800'000'000 + 86400);
  EXPECT_EQ(service_.CreateHold(&context_, &request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);  // No subject in the metadata.
}

// The office scope itself is tested end to end (tests/e2e/gateway_e2e_test.cc):
// a unit test cannot put client metadata into a grpc::ServerContext.
TEST_F(AppointmentsGrpcServiceCallTest, CounterDayWithoutAnOfficeScopeIsDenied) {
  v1::CallNextRequest request;
  request.set_office_id("mitte");
  request.set_date("2026-13-01");
  request.set_counter("1");
  v1::Ticket response;
  EXPECT_EQ(service_.CallNext(&context_, &request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

class AppointmentsKpiTest : public AppointmentsGrpcServiceCallTest {
 protected:
  // The sample office with one counter on every weekday, so there are slots.
  void SetUp() override {
    Office office = SampleOffice();
    office.opening_hours.clear();
    for (int weekday = 1; weekday <= 7; ++weekday) {
      office.counters.push_back({weekday, 8 * 60, 18 * 60, 1});
    }
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 15}};
    catalog.offices = {office};
    ASSERT_TRUE(repository_.ApplySeed(catalog, "with-counters").ok());
  }

  // The earliest free slot, found through the adapter (which records its
  // days-to-next-free-slot event).
  v1::Slot FirstFreeSlot() {
    v1::SearchSlotsRequest request;
    request.add_service_ids("id-card");
    v1::SearchSlotsResponse response;
    EXPECT_TRUE(service_with_kpis_.SearchSlots(&context_, &request, &response).ok());
    EXPECT_GT(response.slots_size(), 0);
    return response.slots_size() > 0 ? response.slots(0) : v1::Slot();
  }

  // A confirmed booking made by citizen-1 through the adapter.
  v1::Booking Book() {
    const v1::Slot slot = FirstFreeSlot();
    absl::StatusOr<HoldView> hold = bookings_.CreateHold(
        "citizen-1", "mitte", {"id-card"}, absl::FromUnixSeconds(slot.start().seconds()));
    EXPECT_TRUE(hold.ok()) << hold.status();
    grpc::ServerContext context;
    grpc::testing::ServerContextTestSpouse spouse(&context);
    spouse.AddClientMetadata(kSubjectMetadata, "citizen-1");
    v1::ConfirmHoldRequest request;
    request.set_hold_id(hold.ok() ? hold->hold_id : "");
    request.mutable_contact()->set_name("Erika Mustermann");
    request.mutable_contact()->set_email("erika@example.org");
    v1::Booking booking;
    grpc::Status status = service_with_kpis_.ConfirmHold(&context, &request, &booking);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return booking;
  }

  FakeKpiRecorder kpis_;
  AppointmentsGrpcService service_with_kpis_{catalog_, bookings_, counter_day_, closures_, kpis_};
};

TEST_F(AppointmentsKpiTest, SlotSearchesNoLongerMoveTheNextFreeSlotKpi) {
  FirstFreeSlot();
  // Measured by NextFreeSlotProbe at fixed times, not from citizens' searches.
  EXPECT_TRUE(kpis_.samples("appointments_days_to_next_free_slot").empty());
}

TEST_F(AppointmentsKpiTest, SlotsCarryTheOfficeNameAndLocalTime) {
  const v1::Slot slot = FirstFreeSlot();
  EXPECT_EQ(slot.office_name(), "Buergerbuero Mitte");
  EXPECT_EQ(slot.time_zone(), "Europe/Berlin");
  const absl::Time start = absl::FromUnixSeconds(slot.start().seconds());
  EXPECT_EQ(slot.local_start(), absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", start, Berlin()));
}

TEST_F(AppointmentsGrpcServiceCallTest, ServicePagesAndDistrictsReachTheMessages) {
  Catalog catalog;
  ServiceType id_card{"id-card", "ID card", 15};
  id_card.title = {"Personalausweis beantragen", "Apply for an identity card"};
  id_card.required_documents = {{"Biometrisches Passfoto", "Biometric photo"}};
  id_card.fee_cents = 3700;
  id_card.fee_note = {"unter 24 Jahren 22,80 EUR", "under 24: EUR 22.80"};
  catalog.services = {id_card};
  Office office = SampleOffice();
  office.languages = {"de", "en", "tr"};
  catalog.offices = {office};
  ASSERT_TRUE(repository_.ApplySeed(catalog, "pages").ok());

  v1::ListOfficeServicesRequest request;
  request.set_office_id("mitte");
  v1::ListOfficeServicesResponse services;
  ASSERT_TRUE(service_.ListOfficeServices(&context_, &request, &services).ok());
  ASSERT_EQ(services.services_size(), 1);
  const v1::Service& page = services.services(0);
  EXPECT_EQ(page.title().de(), "Personalausweis beantragen");
  ASSERT_EQ(page.required_documents_size(), 1);
  EXPECT_EQ(page.required_documents(0).en(), "Biometric photo");
  EXPECT_EQ(page.fee().cents(), 3700);
  EXPECT_EQ(page.fee().currency(), "EUR");
  EXPECT_EQ(page.fee_note().de(), "unter 24 Jahren 22,80 EUR");

  v1::ListDistrictsRequest districts_request;
  v1::ListDistrictsResponse districts;
  ASSERT_TRUE(service_.ListDistricts(&context_, &districts_request, &districts).ok());
  ASSERT_EQ(districts.districts_size(), 1);
  EXPECT_EQ(districts.districts(0).name(), "Mitte");
  EXPECT_EQ(districts.districts(0).office_count(), 1);

  v1::GetOfficeRequest get;
  get.set_office_id("mitte");
  v1::Office read;
  ASSERT_TRUE(service_.GetOffice(&context_, &get, &read).ok());
  EXPECT_THAT(read.languages(), ::testing::ElementsAre("de", "en", "tr"));
  EXPECT_EQ(FromProto(read).languages, office.languages);
}

TEST_F(AppointmentsGrpcServiceCallTest, AServiceWithoutAKnownFeeHasNoFee) {
  v1::Service message;
  ToProto(ServiceType{"x", "X", 5}, &message);
  EXPECT_FALSE(message.has_fee());
  EXPECT_FALSE(message.has_title());
  ServiceType free{"y", "Y", 5};
  free.fee_cents = 0;
  ToProto(free, &message);
  EXPECT_TRUE(message.has_fee());
  EXPECT_EQ(message.fee().cents(), 0);
}

TEST_F(AppointmentsKpiTest, ConfirmingAndCancellingRecordOneEventEachKeyedByTheBooking) {
  const v1::Booking booking = Book();
  ASSERT_FALSE(booking.booking_code().empty());
  v1::CancelBookingRequest cancel;
  cancel.set_booking_code(booking.booking_code());
  cancel.set_manage_token(booking.manage_token());
  v1::Booking cancelled;
  ASSERT_TRUE(service_with_kpis_.CancelBooking(&context_, &cancel, &cancelled).ok());

  const std::vector<KpiSample> booked = kpis_.samples("appointments_booked");
  ASSERT_EQ(booked.size(), 1u);
  EXPECT_EQ(booked[0].value, 1);
  EXPECT_THAT(booked[0].dimensions, ::testing::ElementsAre(::testing::Pair("office", "mitte")));
  EXPECT_EQ(booked[0].occurrence_key, booking.booking_code());
  const std::vector<KpiSample> cancelled_events = kpis_.samples("appointments_cancelled");
  ASSERT_EQ(cancelled_events.size(), 1u);
  EXPECT_THAT(cancelled_events[0].dimensions,
              ::testing::ElementsAre(::testing::Pair("office", "mitte")));
  // Nothing about the citizen leaves with the events.
  EXPECT_TRUE(kpis_.AllDimensionsAllowed());
  for (const KpiSample& sample : kpis_.samples()) {
    for (const auto& [key, value] : sample.dimensions) {
      EXPECT_EQ(value.find("erika"), std::string::npos);
    }
  }
}

TEST_F(AppointmentsKpiTest, FailedCallsRecordNothing) {
  v1::CancelBookingRequest cancel;
  cancel.set_booking_code("NOPE");
  cancel.set_manage_token("wrong");
  v1::Booking response;
  EXPECT_FALSE(service_with_kpis_.CancelBooking(&context_, &cancel, &response).ok());
  EXPECT_TRUE(kpis_.samples().empty());
}

}  // namespace
}  // namespace stadt::appointments
