#include "services/appointments/domain/office_bookings.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/appointments/domain/in_memory_catalog_repository.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/fake_clock.h"

namespace stadt::appointments {
namespace {

using booking::InMemoryBookingRepository;

using ::testing::HasSubstr;

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

absl::Time Local(int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(2026, month, day, hour, minute), Berlin());
}

Office MakeOffice(std::string id, std::string district, int weekday, int from_hour, int to_hour) {
  Office office;
  office.id = std::move(id);
  office.name = "Buergerbuero " + office.id;
  office.district = std::move(district);
  office.address = {"Marktplatz 1", "70173", "Stuttgart"};
  office.service_ids = {"id-card", "passport", "registration"};
  office.counters = {{weekday, from_hour * 60, to_hour * 60, 1}};
  return office;
}

class OfficeBookingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Catalog catalog;
    catalog.services = {{"id-card", "ID card", 20, {"passport"}},
                        {"passport", "Passport", 20, {"id-card"}},
                        {"registration", "Registration", 15, {}}};
    // 1 December 2026 is a Tuesday (weekday 2).
    catalog.offices = {MakeOffice("mitte", "Mitte", 3, 8, 10),
                       MakeOffice("west", "West", 2, 12, 13)};
    ASSERT_TRUE(catalog_.ApplySeed(catalog, "test").ok());
  }

  booking::BookingRules Rules() {
    booking::BookingRules rules;
    rules.horizon_days = 14;
    rules.max_active_bookings_per_person = 2;
    rules.same_service_window_days = 3;
    return rules;
  }

  BookingView Book(const std::string& client, const std::string& office, absl::Time start,
                   std::vector<std::string> services = {"id-card"},
                   std::string email = "erika@example.org") {
    absl::StatusOr<HoldView> hold = service_.CreateHold(client, office, services, start);
    EXPECT_TRUE(hold.ok()) << hold.status();
    absl::StatusOr<BookingView> booking =
        service_.Confirm(client, hold.ok() ? hold->hold_id : "", {"Erika", email, ""});
    EXPECT_TRUE(booking.ok()) << booking.status();
    return booking.value_or(BookingView());
  }

  FakeClock clock_{Local(12, 1, 9, 0)};
  InMemoryCatalogRepository catalog_;
  InMemoryBookingRepository bookings_;
  OfficeBookings service_{catalog_, bookings_, clock_, booking::Calendar(Rules(), Berlin()),
                          booking::BookingSecrets::Derive("test master key")};
};

TEST_F(OfficeBookingsTest, SearchFindsTheEarliestSlotsAcrossOffices) {
  absl::StatusOr<std::vector<SlotView>> slots =
      service_.SearchSlots({.service_ids = {"id-card"}, .limit = 8});
  ASSERT_TRUE(slots.ok()) << slots.status();
  ASSERT_EQ(slots->size(), 8u);
  // West opens today at 12:00 (beyond the 2 h notice); Mitte only tomorrow.
  EXPECT_EQ((*slots)[0].office_id, "west");
  EXPECT_EQ((*slots)[0].start, Local(12, 1, 12, 0));
  EXPECT_EQ((*slots)[0].duration_minutes, 20);
  EXPECT_EQ((*slots)[4].start, Local(12, 1, 12, 40));  // 12:40-13:00 is the last that fits
  EXPECT_EQ((*slots)[5].office_id, "mitte");
  EXPECT_EQ((*slots)[5].start, Local(12, 2, 8, 0));
}

TEST_F(OfficeBookingsTest, SlotsNameTheirOfficeAndReadInLocalTime) {
  absl::StatusOr<std::vector<SlotView>> slots =
      service_.SearchSlots({.service_ids = {"id-card"}, .limit = 6});
  ASSERT_TRUE(slots.ok()) << slots.status();
  EXPECT_EQ((*slots)[0].office_name, "Buergerbuero west");
  EXPECT_EQ((*slots)[0].local_start, "2026-12-01T12:00:00+01:00");  // 11:00 UTC
  EXPECT_EQ((*slots)[0].time_zone, "Europe/Berlin");
  EXPECT_EQ((*slots)[5].office_name, "Buergerbuero mitte");
  EXPECT_EQ((*slots)[5].local_start, "2026-12-02T08:00:00+01:00");

  absl::StatusOr<HoldView> hold =
      service_.CreateHold("citizen-1", "west", {"id-card"}, Local(12, 1, 12, 20));
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_EQ(hold->slot.office_name, "Buergerbuero west");
  EXPECT_EQ(hold->slot.local_start, "2026-12-01T12:20:00+01:00");
  BookingView booking = Book("citizen-2", "mitte", Local(12, 2, 9, 0));
  EXPECT_EQ(booking.slot.office_name, "Buergerbuero mitte");
  EXPECT_EQ(booking.slot.local_start, "2026-12-02T09:00:00+01:00");
  EXPECT_EQ(service_.Lookup(booking.record.code, booking.manage_token)->slot.local_start,
            "2026-12-02T09:00:00+01:00");
}

TEST_F(OfficeBookingsTest, SlotsAtTheSameTimeGoByOfficeIdAndTheLimitCutsAfterThem) {
  ASSERT_TRUE(catalog_.PutOffice(MakeOffice("ost", "Ost", 2, 12, 13)).ok());
  ASSERT_TRUE(catalog_.PutOffice(MakeOffice("nord", "Nord", 2, 12, 13)).ok());
  absl::StatusOr<std::vector<SlotView>> slots = service_.SearchSlots(
      {.service_ids = {"id-card"}, .office_ids = {"west", "ost", "nord"}, .limit = 5});
  ASSERT_TRUE(slots.ok()) << slots.status();
  std::vector<std::pair<std::string, absl::Time>> found;
  for (const SlotView& slot : *slots) found.emplace_back(slot.office_id, slot.start);
  EXPECT_THAT(found, ::testing::ElementsAre(std::pair("nord", Local(12, 1, 12, 0)),
                                            std::pair("ost", Local(12, 1, 12, 0)),
                                            std::pair("west", Local(12, 1, 12, 0)),
                                            std::pair("nord", Local(12, 1, 12, 10)),
                                            std::pair("ost", Local(12, 1, 12, 10))));
  EXPECT_EQ((*slots)[1].office_name, "Buergerbuero ost");
  EXPECT_EQ((*slots)[4].local_start, "2026-12-01T12:10:00+01:00");
}

TEST(RanksOfTest, PlacesIdsInSortedOrderAndEqualIdsAlike) {
  EXPECT_THAT(RanksOf({"west", "ost", "nord", "mitte"}), ::testing::ElementsAre(3, 2, 1, 0));
  EXPECT_THAT(RanksOf({"b", "a", "b", "c"}), ::testing::ElementsAre(1, 0, 1, 3));
  EXPECT_THAT(RanksOf({"office-10", "office-9", "office-1"}), ::testing::ElementsAre(1, 2, 0));
  EXPECT_TRUE(RanksOf({}).empty());
}

TEST_F(OfficeBookingsTest, SearchByDistrictIgnoresCase) {
  auto district = service_.SearchSlots({.service_ids = {"id-card"}, .district = "mITTE"});
  ASSERT_TRUE(district.ok());
  ASSERT_FALSE(district->empty());
  for (const SlotView& slot : *district) EXPECT_EQ(slot.office_id, "mitte");
}

TEST_F(OfficeBookingsTest, SearchHonoursFiltersAndRejectsBadInput) {
  auto district = service_.SearchSlots({.service_ids = {"id-card"}, .district = "Mitte"});
  ASSERT_TRUE(district.ok());
  EXPECT_EQ(district->front().office_id, "mitte");
  EXPECT_EQ(service_.SearchSlots({.service_ids = {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.SearchSlots({.service_ids = {"id-card"}, .limit = 1000}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      service_.SearchSlots({.service_ids = {"id-card"}, .from_date = "tomorrow"}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      booking::ReasonOf(
          service_.SearchSlots({.service_ids = {"id-card"}, .office_ids = {"nowhere"}}).status()),
      "office_not_found");
  // Beyond the horizon there is nothing to find.
  EXPECT_TRUE(
      service_.SearchSlots({.service_ids = {"id-card"}, .from_date = "2027-06-01"})->empty());
}

TEST_F(OfficeBookingsTest, CombinedServicesNeedConsecutiveCapacity) {
  auto combined = service_.SearchSlots({.service_ids = {"id-card", "passport"}});
  ASSERT_TRUE(combined.ok());
  EXPECT_EQ(combined->front().duration_minutes, 40);
  EXPECT_EQ(combined->front().start, Local(12, 1, 12, 0));
  EXPECT_EQ((*combined)[3].office_id, "mitte");  // West fits 12:00, 12:10, 12:20 only
  EXPECT_EQ(service_.SearchSlots({.service_ids = {"id-card", "registration"}}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(OfficeBookingsTest, HoldConfirmLookup) {
  BookingView booking = Book("citizen-1", "west", Local(12, 1, 12, 0));
  EXPECT_TRUE(booking::IsWellFormedBookingCode(booking.record.code));
  EXPECT_GE(booking.manage_token.size(), 43u);  // 256 bits in base64url
  EXPECT_EQ(booking.contact.name, "Erika");
  EXPECT_THAT(booking.ics, HasSubstr("DTSTART:20261201T110000Z"));
  EXPECT_EQ(booking.record.sealed_contact.find("Erika"), std::string::npos);
  EXPECT_NE(booking.record.token_hash, booking.manage_token);

  absl::StatusOr<BookingView> found = service_.Lookup(booking.record.code, booking.manage_token);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->slot.start, Local(12, 1, 12, 0));
  EXPECT_TRUE(found->manage_token.empty());
  EXPECT_EQ(service_.Lookup(booking.record.code, "wrong").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(service_.Lookup("AAA-AAA-AAA", booking.manage_token).status().code(),
            absl::StatusCode::kNotFound);
  // The booked slot no longer shows up.
  auto slots = service_.SearchSlots({.service_ids = {"id-card"}, .office_ids = {"west"}});
  EXPECT_EQ(slots->front().start, Local(12, 1, 12, 20));
}

TEST_F(OfficeBookingsTest, HeldSlotIsTakenUntilTheHoldExpires) {
  const absl::Time start = Local(12, 1, 12, 0);
  absl::StatusOr<HoldView> first = service_.CreateHold("citizen-1", "west", {"id-card"}, start);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(service_.CreateHold("citizen-2", "west", {"id-card"}, start).status().code(),
            absl::StatusCode::kAborted);
  clock_.Advance(absl::Minutes(6));  // Default hold time is 5 minutes.
  EXPECT_TRUE(service_.CreateHold("citizen-2", "west", {"id-card"}, start).ok());
  EXPECT_EQ(
      service_.Confirm("citizen-1", first->hold_id, {"Erika", "e@example.org", ""}).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(OfficeBookingsTest, ANewHoldReleasesTheClientsPreviousOne) {
  ASSERT_TRUE(service_.CreateHold("citizen-1", "west", {"id-card"}, Local(12, 1, 12, 0)).ok());
  ASSERT_TRUE(service_.CreateHold("citizen-1", "west", {"id-card"}, Local(12, 1, 12, 40)).ok());
  EXPECT_TRUE(service_.CreateHold("citizen-2", "west", {"id-card"}, Local(12, 1, 12, 0)).ok());
}

TEST_F(OfficeBookingsTest, RetriedConfirmReturnsTheSameBooking) {
  absl::StatusOr<HoldView> hold =
      service_.CreateHold("citizen-1", "west", {"id-card"}, Local(12, 1, 12, 0));
  ASSERT_TRUE(hold.ok());
  BookingView first =
      service_.Confirm("citizen-1", hold->hold_id, {"Erika", "e@example.org", ""}).value();
  BookingView again =
      service_.Confirm("citizen-1", hold->hold_id, {"Erika", "e@example.org", ""}).value();
  EXPECT_EQ(first.record.code, again.record.code);
  EXPECT_EQ(first.manage_token, again.manage_token);
  EXPECT_EQ(
      service_.Confirm("citizen-2", hold->hold_id, {"Erika", "e@example.org", ""}).status().code(),
      absl::StatusCode::kNotFound);  // Someone else's hold.
}

TEST_F(OfficeBookingsTest, FairAccessLimitsCountEmailAliasesAsOnePerson) {
  Book("citizen-1", "west", Local(12, 1, 12, 0), {"id-card"}, "erika.m@gmail.com");
  Book("citizen-1", "mitte", Local(12, 9, 8, 0), {"passport"}, "ErikaM+2@gmail.com");
  absl::StatusOr<HoldView> hold =
      service_.CreateHold("citizen-1", "west", {"registration"}, Local(12, 8, 12, 0));
  ASSERT_TRUE(hold.ok()) << hold.status();
  absl::StatusOr<BookingView> third =
      service_.Confirm("citizen-1", hold->hold_id, {"Erika", "erikam@googlemail.com", ""});
  EXPECT_EQ(third.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(OfficeBookingsTest, OneBookingPerServiceWithinTheWindow) {
  Book("citizen-1", "west", Local(12, 1, 12, 0));
  absl::StatusOr<HoldView> hold =
      service_.CreateHold("citizen-1", "mitte", {"id-card"}, Local(12, 2, 8, 0));
  ASSERT_TRUE(hold.ok());
  EXPECT_EQ(service_.Confirm("citizen-1", hold->hold_id, {"Erika", "erika@example.org", ""})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(OfficeBookingsTest, CancelFreesTheSlotAndIsIdempotent) {
  BookingView booking = Book("citizen-1", "west", Local(12, 1, 12, 0));
  absl::StatusOr<BookingView> cancelled =
      service_.Cancel(booking.record.code, booking.manage_token);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->record.status, booking::BookingStatus::kCancelled);
  EXPECT_THAT(cancelled->ics, HasSubstr("STATUS:CANCELLED"));
  EXPECT_TRUE(service_.Cancel(booking.record.code, booking.manage_token).ok());
  EXPECT_TRUE(service_.CreateHold("citizen-2", "west", {"id-card"}, Local(12, 1, 12, 0)).ok());
  EXPECT_EQ(service_.Cancel(booking.record.code, "guess").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OfficeBookingsTest, RescheduleKeepsTheBookingWhenTheNewSlotIsGone) {
  BookingView mine = Book("citizen-1", "west", Local(12, 1, 12, 0));
  Book("citizen-2", "west", Local(12, 1, 12, 40), {"id-card"}, "other@example.org");
  EXPECT_EQ(service_.Reschedule(mine.record.code, mine.manage_token, "west", Local(12, 1, 12, 40))
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(service_.Lookup(mine.record.code, mine.manage_token)->slot.start, Local(12, 1, 12, 0));
  // Ten minutes later overlaps its own old place: allowed.
  absl::StatusOr<BookingView> moved =
      service_.Reschedule(mine.record.code, mine.manage_token, "west", Local(12, 1, 12, 10));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->slot.start, Local(12, 1, 12, 10));
}

// Each refusal of a hold names its reason (declared on the booking routes),
// so that a client can tell the citizen what to change.
TEST_F(OfficeBookingsTest, RejectsBadHoldsEachWithItsReason) {
  const absl::Time ok_start = Local(12, 1, 12, 0);
  auto reason_of = [&](const std::string& office, std::vector<std::string> services,
                       absl::Time start) {
    return booking::ReasonOf(service_.CreateHold("c", office, services, start).status());
  };
  EXPECT_EQ(service_.CreateHold("", "west", {"id-card"}, ok_start).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(reason_of("west", {"id-card"}, Local(11, 30, 12, 0)), "start_too_soon");  // past
  EXPECT_EQ(reason_of("west", {"id-card"}, Local(12, 1, 9, 30)), "start_too_soon");   // notice
  EXPECT_EQ(reason_of("west", {"id-card"}, ok_start + absl::Minutes(5)), "start_off_grid");
  EXPECT_EQ(reason_of("west", {"id-card"}, Local(12, 1, 20, 0)), "outside_opening_hours");
  // West closes at 13:00: 40 minutes from 12:30 would run past it.
  EXPECT_EQ(reason_of("west", {"id-card", "passport"}, Local(12, 1, 12, 30)),
            "outside_opening_hours");
  EXPECT_EQ(reason_of("west", {"fishing"}, ok_start), "service_unknown");
  EXPECT_EQ(reason_of("west", {"id-card", "registration"}, ok_start), "services_not_combinable");
  EXPECT_EQ(reason_of("nowhere", {"id-card"}, ok_start), "office_not_found");
  EXPECT_EQ(reason_of("west", {"id-card"}, Local(12, 29, 12, 0)), "day_not_released");

  Office small = MakeOffice("klein", "Nord", 2, 12, 24);
  small.service_ids = {"passport"};
  ASSERT_TRUE(catalog_.PutOffice(small).ok());
  EXPECT_EQ(reason_of("klein", {"id-card"}, ok_start), "service_not_offered");
  EXPECT_EQ(reason_of("klein", {"passport"}, Local(12, 1, 23, 50)), "ends_after_midnight");
  EXPECT_TRUE(service_.CreateHold("c", "klein", {"passport"}, Local(12, 1, 23, 40)).ok());
}

// Malformed searches and holds name what is wrong, before anything is
// looked up.
TEST_F(OfficeBookingsTest, MalformedInputIsRefusedWithItsReason) {
  auto search = [&](SearchQuery query) {
    return booking::ReasonOf(service_.SearchSlots(query).status());
  };
  EXPECT_EQ(search({.service_ids = {}}), "service_ids_missing");
  EXPECT_EQ(search({.service_ids = {"a", "b", "c", "d"}}), "too_many_services");
  EXPECT_EQ(search({.service_ids = {"ID-CARD"}}), "invalid_service_id");
  EXPECT_EQ(search({.service_ids = {"id-card", "id-card"}}), "duplicate_service");
  EXPECT_EQ(search({.service_ids = {"id-card"}, .office_ids = {"NACHT"}}), "invalid_office_id");
  EXPECT_EQ(search({.service_ids = {"id-card"}, .office_ids = std::vector<std::string>(101, "o")}),
            "too_many_offices");
  EXPECT_EQ(search({.service_ids = {"id-card"}, .district = std::string(101, 'm')}),
            "district_too_long");
  EXPECT_EQ(search({.service_ids = {"id-card"}, .limit = 1000}), "invalid_page_size");
  EXPECT_EQ(booking::ReasonOf(
                service_.CreateHold("c", "NACHT", {"id-card"}, Local(12, 1, 12, 0)).status()),
            "invalid_office_id");
  EXPECT_EQ(booking::ReasonOf(service_.Availability("west", {}, "", "").status()),
            "service_ids_missing");
}

TEST_F(OfficeBookingsTest, AvailabilityCountsFreeSlotsPerDay) {
  auto days = service_.Availability("west", {"id-card"}, "2026-12-01", "2026-12-08");
  ASSERT_TRUE(days.ok()) << days.status();
  ASSERT_EQ(days->size(), 8u);
  EXPECT_EQ((*days)[0].date, "2026-12-01");
  EXPECT_EQ((*days)[0].free_slots, 5);
  EXPECT_EQ((*days)[1].free_slots, 0);  // Wednesday: closed
  EXPECT_EQ((*days)[7].free_slots, 5);
}

}  // namespace
}  // namespace stadt::appointments
