#include "services/common/booking/domain/booking.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/refusal.h"

namespace stadt::booking {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
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

// Each malformed part of a contact is refused with its own reason (declared
// on the confirming and staff-booking routes).
TEST(BookingTest, ContactRefusalsNameThePart) {
  EXPECT_EQ(ReasonOf(ValidateContact({"", "erika@example.org", ""})), "contact_name_invalid");
  EXPECT_EQ(ReasonOf(ValidateContact({std::string(300, 'x'), "erika@example.org", ""})),
            "contact_name_invalid");
  EXPECT_EQ(ReasonOf(ValidateContact({"Erika\n", "erika@example.org", ""})),
            "contact_name_invalid");
  EXPECT_EQ(ReasonOf(ValidateContact({"Erika", "nobody@", ""})), "invalid_email");
  EXPECT_EQ(ReasonOf(ValidateContact({"Erika", "", "12"})), "invalid_phone");
  EXPECT_EQ(ReasonOf(ValidateContact({"Erika", "", "0711 12+3456"})), "invalid_phone");
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

TEST(BookingTest, NormalizesPhoneNumbersAndAcceptsPhoneOnlyContacts) {
  for (const char* same :
       {"0711 123456", "+49 711 123456", "0049711123456", "+49 (711) 12-34-56", "0711/123456"}) {
    EXPECT_EQ(NormalizePhone(same).value(), "+49711123456") << same;
  }
  EXPECT_EQ(NormalizePhone("+43 1 234567").value(), "+431234567");
  for (const char* bad : {"12", "+49 711 12+3456", "0711 abc", "1234567890123456789"}) {
    EXPECT_FALSE(NormalizePhone(bad).ok()) << bad;
  }
  EXPECT_TRUE(ValidateContact({"Erika", "", "0711 123456"}).ok());
  EXPECT_EQ(ReasonOf(ValidateContact({"Erika", "", ""})), "contact_missing");
  EXPECT_FALSE(ValidateContact({"Erika", "not-an-address", "0711 123456"}).ok());
}

TEST(BookingTest, BookingCodesAreWellFormedAndDistinct) {
  std::string code = NewBookingCode();
  EXPECT_TRUE(IsWellFormedBookingCode(code)) << code;
  EXPECT_NE(code, NewBookingCode());
  EXPECT_FALSE(IsWellFormedBookingCode("ABC-DEF-GH1"));  // '1' is not in the alphabet
  EXPECT_FALSE(IsWellFormedBookingCode("ABCDEFGHJ"));
  EXPECT_FALSE(IsWellFormedBookingCode("../../etc/x"));
}

TEST(BookingTest, NewCodesUseOnlySymbolsThatReadAsNoOther) {
  for (int i = 0; i < 200; ++i) {
    const std::string code = NewBookingCode();
    ASSERT_TRUE(IsWellFormedBookingCode(code)) << code;
    for (char c : code) {
      EXPECT_EQ(std::string("BDGILOQSUVZ01").find(c), std::string::npos) << code;
    }
  }
}

TEST(BookingTest, TypedCodesBecomeTheStoredCodesToTry) {
  EXPECT_THAT(BookingCodeCandidates("ngh-zyg-ejw"), ElementsAre("NGH-ZYG-EJW", "N6H-2Y6-EJW"));
  EXPECT_THAT(BookingCodeCandidates("K7M 4XT P2A"), ElementsAre("K7M-4XT-P2A"));
  EXPECT_THAT(BookingCodeCandidates("k7m4xtp2a"), ElementsAre("K7M-4XT-P2A"));
  EXPECT_THAT(BookingCodeCandidates("K7M-4XT-P2A"), ElementsAre("K7M-4XT-P2A"));
  for (const char* bad : {"", "K7M-4XT-P2", "K7M-4XT-P2AA", "K7M-4XT-P2O", "../../etc/x",
                          "K7M-4XT-P2\n", "\xc3\xa4\xc3\xa4\xc3\xa4K7M4XT"}) {
    EXPECT_THAT(BookingCodeCandidates(bad), IsEmpty()) << bad;
  }
  EXPECT_THAT(BookingCodeCandidates(std::string(100, '-')), IsEmpty());
}

TEST(BookingTest, VisitStatesThatCloseTheBookingHaveTheirReasons) {
  EXPECT_TRUE(CheckVisitOpen("").ok());
  EXPECT_EQ(ReasonOf(CheckVisitOpen("waiting")), "already_checked_in");
  EXPECT_EQ(ReasonOf(CheckVisitOpen("called")), "already_checked_in");
  EXPECT_EQ(ReasonOf(CheckVisitOpen("completed")), "visit_completed");
  EXPECT_EQ(ReasonOf(CheckVisitOpen("no_show")), "visit_no_show");
  EXPECT_EQ(CheckVisitOpen("completed").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(absl::FailedPreconditionError("service_ids: x")), "");
  EXPECT_EQ(ReasonOf(absl::FailedPreconditionError("[Bad] x")), "");
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
