#include "services/common/booking/domain/booking.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::booking {
namespace {

using ::testing::HasSubstr;

TEST(BookingTest, NormalizesEmailAliases) {
  EXPECT_EQ(NormalizeEmail("Erika.Muster+amt@GMail.com").value(), "erikamuster@gmail.com");
  EXPECT_EQ(NormalizeEmail("erika.muster@googlemail.com").value(), "erikamuster@gmail.com");
  EXPECT_EQ(NormalizeEmail("Erika.Muster+x@posteo.de").value(), "erika.muster@posteo.de");
  for (const char* bad : {"", "no-at-sign", "@example.org", "a@", "a@b@c.de", "a b@c.de", "a@nodot",
                          "+tag@example.org"}) {
    EXPECT_FALSE(NormalizeEmail(bad).ok()) << bad;
  }
}

TEST(BookingTest, ValidatesContact) {
  EXPECT_TRUE(ValidateContact({"Erika", "erika@example.org", "+49 711 123"}).ok());
  EXPECT_FALSE(ValidateContact({"", "erika@example.org", ""}).ok());
  EXPECT_FALSE(ValidateContact({"Erika", "erika@example.org", "<script>"}).ok());
  EXPECT_FALSE(ValidateContact({std::string(300, 'x'), "erika@example.org", ""}).ok());
}

TEST(BookingTest, BookingCodesAreWellFormedAndDistinct) {
  std::string code = NewBookingCode();
  EXPECT_TRUE(IsWellFormedBookingCode(code)) << code;
  EXPECT_NE(code, NewBookingCode());
  EXPECT_FALSE(IsWellFormedBookingCode("ABC-DEF-GH1"));  // '1' is not in the alphabet
  EXPECT_FALSE(IsWellFormedBookingCode("ABCDEFGHJ"));
  EXPECT_FALSE(IsWellFormedBookingCode("../../etc/x"));
}

TEST(BookingTest, IcsIsValidAndEscaped) {
  IcsEvent event;
  event.uid = "K7M-4QX-P2A@stadtportal";
  event.summary = "Appointment: ID card, passport";
  event.location = "Buergerbuero Mitte; Eberhardstr. 39";
  event.start = absl::FromUnixSeconds(1'800'000'000);
  event.end = event.start + absl::Minutes(40);
  event.stamp = event.start - absl::Hours(24);
  std::string ics = MakeIcs(event);
  EXPECT_THAT(ics, HasSubstr("BEGIN:VCALENDAR\r\n"));
  EXPECT_THAT(ics, HasSubstr("DTSTART:20270115T080000Z\r\n"));
  EXPECT_THAT(ics, HasSubstr("DTEND:20270115T084000Z\r\n"));
  EXPECT_THAT(ics, HasSubstr("SUMMARY:Appointment: ID card\\, passport\r\n"));
  EXPECT_THAT(ics, HasSubstr("LOCATION:Buergerbuero Mitte\\; Eberhardstr. 39\r\n"));
  EXPECT_THAT(ics, HasSubstr("END:VCALENDAR\r\n"));
  event.summary = "x\r\nATTENDEE:evil";
  EXPECT_THAT(MakeIcs(event), HasSubstr("SUMMARY:x\\nATTENDEE:evil\r\n"));  // No injected line.
}

}  // namespace
}  // namespace stadt::booking
