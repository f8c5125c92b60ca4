#include "services/appointments/rpc/appointments_service.h"

#include "grpcpp/server_context.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/in_memory_catalog_repository.h"
#include "services/booking/domain/in_memory_booking_repository.h"

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

TEST(AppointmentsServiceTest, OfficeConversionRoundTrips) {
  v1::Office message;
  ToProto(SampleOffice(), &message);
  EXPECT_EQ(message.opening_hours(1).closes_minute(), 1140);
  EXPECT_EQ(FromProto(message), SampleOffice());
}

// The counter day is exercised against Redis in store/; here it only has to
// exist, and any call reaching it is a test failure.
class NoCounters final : public CounterRepository {
 public:
  absl::StatusOr<DayList> ListDay(const OfficeDay&) override { return Unexpected(); }
  absl::StatusOr<Ticket> CheckIn(const OfficeDay&, const std::string&, absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> WalkIn(const OfficeDay&, const std::vector<std::string>&,
                                absl::Time) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> CallNext(const OfficeDay&, const std::string&) override {
    return Unexpected();
  }
  absl::StatusOr<Ticket> Complete(const OfficeDay&, int) override { return Unexpected(); }
  absl::StatusOr<DayAppointment> MarkNoShow(const OfficeDay&, const std::string&,
                                            absl::Time) override {
    return Unexpected();
  }

 private:
  static absl::Status Unexpected() {
    ADD_FAILURE() << "the counter repository should not be reached";
    return absl::InternalError("unexpected");
  }
};

class AppointmentsServiceCallTest : public ::testing::Test {
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
  BookingService bookings_{repository_, booking_repository_, clock_,
                           Calendar(BookingRules{}, Berlin()), BookingSecrets::Derive("k")};
  NoCounters counters_;
  CounterDay counter_day_{counters_, booking_repository_, clock_, Berlin(), absl::Minutes(15)};
  AppointmentsService service_{catalog_, bookings_, counter_day_};
  grpc::ServerContext context_;
};

TEST_F(AppointmentsServiceCallTest, ListsOffices) {
  v1::ListOfficesRequest request;
  v1::ListOfficesResponse response;
  ASSERT_TRUE(service_.ListOffices(&context_, &request, &response).ok());
  ASSERT_EQ(response.offices_size(), 1);
  EXPECT_EQ(response.offices(0).address().city(), "Stuttgart");
}

TEST_F(AppointmentsServiceCallTest, MapsDomainErrorsToCanonicalCodes) {
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

TEST_F(AppointmentsServiceCallTest, PutOfficeWithoutCaseworkerRoleIsDenied) {
  v1::PutOfficeRequest request;
  ToProto(SampleOffice(), request.mutable_office());
  v1::Office response;
  EXPECT_EQ(service_.PutOffice(&context_, &request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AppointmentsServiceCallTest, HoldNeedsACallerAndASaneTimestamp) {
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

TEST_F(AppointmentsServiceCallTest, CounterDayRejectsBadInputBeforeStorage) {
  v1::CallNextRequest request;
  request.set_office_id("mitte");
  request.set_date("2026-13-01");
  request.set_counter("1");
  v1::Ticket response;
  EXPECT_EQ(service_.CallNext(&context_, &request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace stadt::appointments
