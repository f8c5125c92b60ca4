#include "services/common/booking/domain/booking.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::booking {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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
  // Names and addresses end up in mail headers: nothing that could split one.
  EXPECT_TRUE(ValidateContact({"Jürgen Müller", "juergen@example.org", ""}).ok());
  EXPECT_FALSE(ValidateContact({"Erika\r\nBcc: x@example.org", "erika@example.org", ""}).ok());
  EXPECT_FALSE(ValidateContact({"Erika\n", "erika@example.org", ""}).ok());
  EXPECT_FALSE(ValidateContact({"Erika\x85", "erika@example.org", ""}).ok());      // not UTF-8
  EXPECT_FALSE(ValidateContact({"Erika\xc2\x85", "erika@example.org", ""}).ok());  // C1 control
  EXPECT_FALSE(ValidateContact({"Erika", "erika@example.org>\r\nRCPT TO:<x@y.de", ""}).ok());
  EXPECT_FALSE(ValidateContact({"Erika", "<erika@example.org>", ""}).ok());
  EXPECT_FALSE(ValidateContact({"Erika", "erika@exämple.org", ""}).ok());
}

TEST(BookingTest, IcsForAMailedInvitationHasMethodSequenceAndAttendee) {
  IcsEvent event;
  event.uid = "K7M-4QX-P2A@stadtportal";
  event.start = absl::FromUnixSeconds(1'800'000'000);
  event.end = event.start + absl::Minutes(20);
  event.stamp = event.start;
  EXPECT_THAT(MakeIcs(event), Not(HasSubstr("METHOD:")));  // a plain file, as before
  event.itip = true;
  event.sequence = 2;
  event.organizer = "termine@stadt.example";
  event.attendee = "erika@example.org";
  std::string ics = MakeIcs(event);
  EXPECT_THAT(ics, HasSubstr("METHOD:REQUEST\r\n"));
  EXPECT_THAT(ics, HasSubstr("SEQUENCE:2\r\n"));
  EXPECT_THAT(ics, HasSubstr("ORGANIZER:mailto:termine@stadt.example\r\n"));
  EXPECT_THAT(ics, HasSubstr("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:erika@example.org\r\n"));
  event.cancelled = true;
  EXPECT_THAT(MakeIcs(event), HasSubstr("METHOD:CANCEL\r\n"));
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
