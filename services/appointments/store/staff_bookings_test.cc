// Staff book for callers against a real Redis: phone-only callers, who booked
// it, and fair-access limits by login, e-mail and phone.
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/appointments/store/redis_catalog_repository.h"
#include "services/appointments/store/redis_counter_repository.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/fake_clock.h"
#include "tests/harness/redis_test.h"

namespace stadt::appointments {
namespace {

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// December 2037: 1 December is a Tuesday.
absl::Time Local(int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2037, 12, day, hour, minute), Berlin());
}

class StaffBookingsTest : public testing::RedisTest {
 protected:
  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    catalog_ = std::make_unique<RedisCatalogRepository>(redis());
    bookings_ = std::make_unique<booking::RedisBookingRepository>(redis(), AppointmentKeys());
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 10, {}}};
    Office office;
    office.id = "mitte";
    office.name = "Buergerbuero Mitte";
    office.address = {"Eberhardstr. 39", "70173", "Stuttgart"};
    office.service_ids = {"id-card"};
    for (int weekday = 1; weekday <= 5; ++weekday) {
      office.counters.push_back({weekday, 8 * 60, 12 * 60, 4});
    }
    catalog.offices = {office};
    ASSERT_TRUE(catalog_->ApplySeed(catalog, "test").ok());
    booking::BookingRules rules;
    rules.max_active_bookings_per_person = 2;
    rules.same_service_window_days = 0;
    service_ = std::make_unique<OfficeBookings>(*catalog_, *bookings_, clock_,
                                                booking::Calendar(rules, Berlin()),
                                                booking::BookingSecrets::Derive("staff test key"));
  }

  absl::StatusOr<BookingView> ForCaller(int slot, const booking::Contact& contact) {
    return service_->BookForCaller("cw-7", "mitte", {"id-card"}, Local(2, 9, 10 * slot), contact);
  }
  absl::StatusOr<BookingView> Citizen(const std::string& client, int slot,
                                      const booking::Contact& contact) {
    absl::StatusOr<HoldView> hold =
        service_->CreateHold(client, "mitte", {"id-card"}, Local(3, 9, 10 * slot));
    if (!hold.ok()) return hold.status();
    return service_->Confirm(client, hold->hold_id, contact);
  }

  FakeClock clock_{Local(1, 9, 0)};
  std::unique_ptr<RedisCatalogRepository> catalog_;
  std::unique_ptr<booking::RedisBookingRepository> bookings_;
  std::unique_ptr<OfficeBookings> service_;
};

TEST_F(StaffBookingsTest, APhoneOnlyCallerIsBookedAndCountedByTheirNumber) {
  absl::StatusOr<BookingView> first = ForCaller(0, {"Erika Muster", "", "0711 123456"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->record.booked_by, "cw-7");
  EXPECT_EQ(first->contact.phone, "0711 123456");
  EXPECT_FALSE(first->manage_token.empty());
  EXPECT_EQ(bookings_->GetBooking(first->record.code)->booked_by, "cw-7");
  // The same number written otherwise is the same caller.
  ASSERT_TRUE(ForCaller(1, {"Erika Muster", "", "+49 711 12-34-56"}).ok());
  absl::StatusOr<BookingView> third = ForCaller(2, {"Erika Muster", "", "0049711123456"});
  EXPECT_EQ(booking::ReasonOf(third.status()), "limit_reached") << third.status();
  // Another caller booked by the same staff member is not limited by them.
  EXPECT_TRUE(ForCaller(2, {"Max", "max@example.org", ""}).ok());
  // No contact, or an implausible one, is refused before anything is held.
  EXPECT_EQ(booking::ReasonOf(ForCaller(3, {"Nobody", "", ""}).status()), "contact_missing");
  EXPECT_EQ(ForCaller(3, {"Nobody", "", "12"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StaffBookingsTest, LimitsCountByLoginEmailAndPhoneAlike) {
  // A citizen with two e-mail addresses is still one login.
  ASSERT_TRUE(Citizen("citizen-1", 0, {"A", "a@example.org", ""}).ok());
  ASSERT_TRUE(Citizen("citizen-1", 1, {"A", "other@example.org", ""}).ok());
  EXPECT_EQ(booking::ReasonOf(Citizen("citizen-1", 2, {"A", "third@example.org", ""}).status()),
            "limit_reached");
  // A caller booked by staff with the same phone as a citizen's own booking.
  ASSERT_TRUE(Citizen("citizen-2", 3, {"B", "b@example.org", "0711 999999"}).ok());
  ASSERT_TRUE(ForCaller(0, {"B", "", "+49 711 999999"}).ok());
  // The phone number has two bookings now, whoever made them.
  EXPECT_EQ(
      booking::ReasonOf(Citizen("citizen-9", 4, {"B", "new@example.org", "0711/999999"}).status()),
      "limit_reached");
  // Cancelling frees a place for every key it counted on.
  absl::StatusOr<BookingView> freed = Citizen("citizen-3", 5, {"C", "c@example.org", ""});
  ASSERT_TRUE(freed.ok());
  ASSERT_TRUE(Citizen("citizen-3", 6, {"C", "c@example.org", ""}).ok());
  ASSERT_TRUE(service_->Cancel(freed->record.code, freed->manage_token).ok());
  EXPECT_TRUE(Citizen("citizen-3", 7, {"C", "c@example.org", ""}).ok());
}

}  // namespace
}  // namespace stadt::appointments
