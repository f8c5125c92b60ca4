#include "services/notifications/domain/booking_mails.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/crypto/crypto.h"
#include "services/common/fake_clock.h"

namespace stadt::notifications {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStream[] = "appt:{appt}:outbox";
constexpr char kCode[] = "K7M-4QX-P2A";

Templates TestTemplates() {
  const std::string body =
      "--- text\n{{name}} {{date}} {{time}}-{{end_time}} {{office}} {{services}} {{code}} "
      "{{link}} {{reason_text}}\n--- html\n<p>{{name}} {{link}}</p>{{{reason_html}}}\n";
  std::map<std::string, std::string> files;
  for (const char* type : {"confirmed", "rescheduled", "cancelled", "reminder"}) {
    const std::string de = absl::StrCat("subject: Termin ", type, " für {{name}}\n", body);
    const std::string en = absl::StrCat("subject: Appointment ", type, " for {{name}}\n", body);
    files[absl::StrCat("booking_", type, ".de.tmpl")] =
        absl::StrReplaceAll(de, {{"{{link}}", "{{manage_url}}"}});
    files[absl::StrCat("booking_", type, ".en.tmpl")] =
        absl::StrReplaceAll(en, {{"{{link}}", "{{manage_url}}"}});
  }
  files["booking_links.de.tmpl"] =
      "subject: Ihre Termine\n--- text\n{{bookings_text}}\n--- html\n{{{bookings_html}}}\n";
  files["booking_email_confirmation.de.tmpl"] =
      absl::StrReplaceAll(absl::StrCat("subject: Bitte bestätigen\n", body),
                          {{"{{link}}", "{{confirm_url}} {{expires_date}} {{expires_time}}"}});
  return Templates::Parse(files).value();
}

class BookingMailsTest : public ::testing::Test {
 protected:
  BookingMailsTest()
      : secrets_(booking::BookingSecrets::Derive("a master key of the test, 32 bytes!")),
        templates_(TestTemplates()),
        mails_(templates_, clock_, Options(), {{kStream, {"appointments", secrets_}}}) {}

  static BookingMailOptions Options() {
    BookingMailOptions options;
    options.portal_url = "https://stadt.example";
    absl::LoadTimeZone("Europe/Berlin", &options.time_zone);
    return options;
  }

  std::string Seal(const std::string& json, const std::string& record) const {
    return crypto::Aead::Create(secrets_.contact_key)->Seal(json, record);
  }

  OutboxEvent Event(const std::string& type, const std::string& lang = "") const {
    OutboxEvent event;
    event.stream = kStream;
    event.id = "1800000000000-0";
    // 2027-01-18 09:00-09:20 in Berlin (a Monday).
    event.fields = {{"type", type},
                    {"code", kCode},
                    {"office", "mitte"},
                    {"start_ms", "1800259200000"},
                    {"end_ms", "1800260400000"},
                    {"services", "id-card,passport"},
                    {"nonce", "n0nce"},
                    {"seq", "0"}};
    std::string json = R"({"name":"Jürgen <b>","email":"juergen@example.org","phone":"")";
    if (!lang.empty()) absl::StrAppend(&json, R"(,"lang":")", lang, R"(")");
    json += "}";
    event.fields["contact"] = Seal(json, kCode);
    return event;
  }

  // Before the appointments of the events (2027-01-18) and the link's expiry.
  FakeClock clock_{absl::FromUnixSeconds(1'799'990'000)};
  booking::BookingSecrets secrets_;
  Templates templates_;
  BookingMails mails_;
};

TEST_F(BookingMailsTest, ConfirmedBookingMailsTheCitizenInGermanWithAnInvitation) {
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(Event("booking.confirmed"));
  ASSERT_TRUE(mail.ok()) << mail.status();
  ASSERT_TRUE(mail->has_value());
  const Mail& m = **mail;
  EXPECT_EQ(m.to_address, "juergen@example.org");
  EXPECT_EQ(m.to_name, "Jürgen <b>");
  EXPECT_EQ(m.subject, "Termin confirmed für Jürgen <b>");
  EXPECT_THAT(m.text, HasSubstr("Montag, 18. Januar 2027 09:00-09:20 mitte id-card, passport"));
  const std::string token = booking::DeriveManageToken(secrets_, kCode, "n0nce");
  EXPECT_THAT(m.text, HasSubstr(absl::StrCat("https://stadt.example/termine/verwalten?code=", kCode,
                                             "&token=", token)));
  EXPECT_THAT(m.html, HasSubstr("Jürgen &lt;b&gt;"));
  EXPECT_THAT(m.html, Not(HasSubstr("<b>")));
  ASSERT_EQ(m.attachments.size(), 1u);
  const std::string& ics = m.attachments[0].data;
  EXPECT_THAT(m.attachments[0].content_type, HasSubstr("method=REQUEST"));
  EXPECT_THAT(ics, HasSubstr("METHOD:REQUEST\r\n"));
  EXPECT_THAT(ics, HasSubstr(absl::StrCat("UID:", kCode, "@stadtportal\r\n")));
  EXPECT_THAT(ics, HasSubstr("SEQUENCE:0\r\n"));
  EXPECT_THAT(ics, HasSubstr("DTSTART:20270118T080000Z\r\n"));
  EXPECT_THAT(ics, HasSubstr("ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:juergen@example.org\r\n"));
}

TEST_F(BookingMailsTest, RescheduleKeepsTheUidAndRaisesTheSequenceCancelSendsCancel) {
  OutboxEvent moved = Event("booking.rescheduled", "en");
  moved.fields["seq"] = "2";
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(moved);
  ASSERT_TRUE(mail.ok() && mail->has_value());
  EXPECT_EQ((*mail)->subject, "Appointment rescheduled for Jürgen <b>");
  EXPECT_THAT((*mail)->text, HasSubstr("Monday, 18 January 2027"));
  EXPECT_THAT((*mail)->attachments[0].data, HasSubstr("SEQUENCE:2\r\n"));
  EXPECT_THAT((*mail)->attachments[0].data, HasSubstr(absl::StrCat("UID:", kCode, "@stadtportal")));

  OutboxEvent cancelled = Event("booking.cancelled");
  cancelled.fields["seq"] = "3";
  mail = mails_.Compose(cancelled);
  ASSERT_TRUE(mail.ok() && mail->has_value());
  EXPECT_THAT((*mail)->attachments[0].data, HasSubstr("METHOD:CANCEL\r\n"));
  EXPECT_THAT((*mail)->attachments[0].data, HasSubstr("STATUS:CANCELLED\r\n"));
  EXPECT_THAT((*mail)->attachments[0].data, HasSubstr("SEQUENCE:3\r\n"));
  EXPECT_THAT((*mail)->attachments[0].content_type, HasSubstr("method=CANCEL"));
}

TEST_F(BookingMailsTest, EmailConfirmationCarriesTheOpenedLinkToken) {
  const std::string hold = "h0ld-id";
  OutboxEvent event = Event("booking.email_confirmation_requested");
  event.fields.erase("code");
  event.fields["hold"] = hold;
  event.fields["contact"] = Seal(R"({"name":"Erika","email":"erika@example.org"})", hold);
  event.fields["link_token"] =
      crypto::Aead::Create(secrets_.contact_key)->Seal("the-token", "link:" + hold);
  event.fields["expires_ms"] = "1800000600000";
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(event);
  ASSERT_TRUE(mail.ok() && mail->has_value()) << mail.status();
  EXPECT_THAT((*mail)->text,
              HasSubstr("https://stadt.example/termine/bestaetigen?hold=h0ld-id&token=the-token"));
  EXPECT_TRUE((*mail)->attachments.empty());
  clock_.Set(absl::FromUnixMillis(1800000600000));  // the link has expired
  EXPECT_FALSE(mails_.Compose(event)->has_value());
}

TEST_F(BookingMailsTest, AnOfficesCancellationSaysSoWithItsReason) {
  OutboxEvent event = Event("booking.cancelled");
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(event);
  ASSERT_TRUE(mail.ok() && mail->has_value());
  EXPECT_THAT((*mail)->text, Not(HasSubstr("Amt")));  // the citizen's own
  event.fields["cause"] = "closure";
  event.fields["cause_reason"] = "Krankheit <b>";
  mail = mails_.Compose(event);
  ASSERT_TRUE(mail.ok() && mail->has_value());
  EXPECT_THAT((*mail)->text, HasSubstr("Das Amt hat abgesagt. Grund: Krankheit <b>"));
  EXPECT_THAT((*mail)->html, HasSubstr("Grund: Krankheit &lt;b&gt;"));
}

TEST_F(BookingMailsTest, NothingStaleIsMailed) {
  ASSERT_TRUE(mails_.Compose(Event("booking.reminder"))->has_value());
  clock_.Set(absl::FromUnixMillis(1800259200000));  // the appointment begins
  EXPECT_FALSE(mails_.Compose(Event("booking.reminder"))->has_value());
  EXPECT_FALSE(mails_.Compose(Event("booking.confirmed"))->has_value());
  EXPECT_FALSE(mails_.Compose(Event("booking.cancelled"))->has_value());
}

TEST_F(BookingMailsTest, APhoneOnlyBookingIsNotMailed) {
  OutboxEvent event = Event("booking.confirmed");
  event.fields["contact"] = Seal(R"({"name":"Erika","email":"","phone":"+49711123456"})", kCode);
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(event);
  ASSERT_TRUE(mail.ok()) << mail.status();
  EXPECT_FALSE(mail->has_value());
}

TEST_F(BookingMailsTest, OtherEventsAreNotMailedAndBrokenOnesAreErrors) {
  EXPECT_FALSE(mails_.Compose(Event("visit.checked_in"))->has_value());
  OutboxEvent other_stream = Event("booking.confirmed");
  other_stream.stream = "video:{video}:outbox";
  EXPECT_FALSE(mails_.Compose(other_stream)->has_value());
  OutboxEvent tampered = Event("booking.confirmed");
  tampered.fields["code"] = "ZZZ-ZZZ-ZZZ";  // the contact is sealed to the other code
  EXPECT_EQ(mails_.Compose(tampered).status().code(), absl::StatusCode::kDataLoss);
  OutboxEvent no_time = Event("booking.confirmed");
  no_time.fields.erase("start_ms");
  EXPECT_EQ(mails_.Compose(no_time).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BookingMailsTest, LinksGoOnlyForBookingsMadeWithTheAddressAskedFor) {
  auto hex = [](const std::string& bytes) { return absl::BytesToHexString(bytes); };
  const std::string mine = Seal(R"({"name":"Jürgen <b>","email":"Juergen@example.org"})", kCode);
  const std::string alias =
      Seal(R"({"name":"J","email":"juergen+other@example.org"})", "AAA-BBB-CCC");
  OutboxEvent event;
  event.stream = kStream;
  event.id = "1800000000000-0";
  event.fields = {
      {"type", "booking.links_requested"},
      {"request", "req-1"},
      {"contact", Seal(R"({"name":"","email":"juergen@example.org","lang":"de"})", "req-1")},
      {"bookings", absl::StrCat(R"([{"code":")", kCode, R"(","nonce":"n0nce","office":"mitte<x>",)",
                                R"("start_ms":"1800259200000","end_ms":"1800260400000",)",
                                R"("services":"id-card","contact":")", hex(mine), R"("},)",
                                R"({"code":"AAA-BBB-CCC","nonce":"n","office":"sued",)",
                                R"("start_ms":"1800259200000","end_ms":"1800260400000",)",
                                R"("services":"id-card","contact":")", hex(alias), R"("}])")}};
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(event);
  ASSERT_TRUE(mail.ok()) << mail.status();
  ASSERT_TRUE(mail->has_value());
  EXPECT_EQ((*mail)->to_address, "juergen@example.org");
  EXPECT_EQ((*mail)->to_name, "");
  const std::string token = booking::DeriveManageToken(secrets_, kCode, "n0nce");
  EXPECT_THAT((*mail)->text, HasSubstr(absl::StrCat("code=", kCode, "&token=", token)));
  EXPECT_THAT((*mail)->text, HasSubstr("Montag, 18. Januar 2027, 09:00 Uhr, mitte<x> (id-card)"));
  EXPECT_THAT((*mail)->text, Not(HasSubstr("AAA-BBB-CCC")));  // booked with another address
  EXPECT_THAT((*mail)->html, HasSubstr("<li>"));
  EXPECT_THAT((*mail)->html, HasSubstr("mitte&lt;x&gt;"));

  // Asked with an address none of them was booked with: no mail at all.
  event.fields["contact"] = Seal(R"({"email":"someone@example.org"})", "req-1");
  mail = mails_.Compose(event);
  ASSERT_TRUE(mail.ok());
  EXPECT_FALSE(mail->has_value());
}

class FakePlaces final : public Places {
 public:
  std::string OfficeLabel(const std::string& id) const override {
    return id == "mitte" ? "Bürgerbüro Mitte, Eberhardstr. 39, 70173 Stuttgart" : "";
  }
  std::string ServiceName(const std::string& id) const override {
    return id == "id-card" ? "Personalausweis" : "";
  }
};

TEST_F(BookingMailsTest, OfficesAndServicesAreNamedWhenThePlacesKnowThem) {
  FakePlaces places;
  BookingMails named(templates_, clock_, Options(), {{kStream, {"appointments", secrets_}}},
                     &places);
  absl::StatusOr<std::optional<Mail>> mail = named.Compose(Event("booking.confirmed"));
  ASSERT_TRUE(mail.ok() && mail->has_value()) << mail.status();
  EXPECT_THAT(
      (*mail)->text,
      HasSubstr("Bürgerbüro Mitte, Eberhardstr. 39, 70173 Stuttgart Personalausweis, passport"));
  EXPECT_THAT((*mail)->attachments.at(0).data,
              HasSubstr("LOCATION:Bürgerbüro Mitte\\, Eberhardstr."));
}

TEST(VideoMailsTest, VideoConsultationsGetTheJoinPageAndTheirOwnKey) {
  const booking::BookingSecrets video = booking::BookingSecrets::Derive("video key", "video");
  const Templates templates =
      Templates::Parse({{"video_confirmed.de.tmpl",
                         "subject: Videoberatung\n--- text\n{{join_url}} {{manage_url}}\n"
                         "--- html\n<p>{{join_url}}</p>\n"}})
          .value();
  BookingSource source;
  source.name = "video";
  source.secrets = video;
  source.template_prefix = "video_";
  source.manage_path = "/videoberatung/verwalten";
  source.resource_is_place = false;
  BookingMailOptions options;
  options.portal_url = "https://stadt.example";
  FakeClock clock(absl::FromUnixSeconds(1'799'990'000));
  BookingMails mails(templates, clock, options, {{"video:{video}:outbox", source}});
  OutboxEvent event;
  event.stream = "video:{video}:outbox";
  event.id = "1800000000000-0";
  event.fields = {{"type", "booking.confirmed"},
                  {"code", kCode},
                  {"office", "cw-anna"},
                  {"start_ms", "1800259200000"},
                  {"end_ms", "1800260400000"},
                  {"services", "housing"},
                  {"nonce", "n"},
                  {"seq", "0"},
                  {"contact", crypto::Aead::Create(video.contact_key)
                                  ->Seal(R"({"name":"A","email":"a@example.org"})", kCode)}};
  absl::StatusOr<std::optional<Mail>> mail = mails.Compose(event);
  ASSERT_TRUE(mail.ok() && mail->has_value()) << mail.status();
  const std::string token = booking::DeriveManageToken(video, kCode, "n");
  EXPECT_THAT((*mail)->text,
              HasSubstr(absl::StrCat("https://stadt.example/videoberatung/beitreten?code=", kCode,
                                     "&token=", token)));
  EXPECT_THAT((*mail)->text, HasSubstr("/videoberatung/verwalten?code="));
  EXPECT_THAT((*mail)->attachments.at(0).data, HasSubstr("LOCATION:\r\n"));  // no caseworker id
  EXPECT_FALSE(mails
                   .Compose([&] {
                     OutboxEvent reminder = event;
                     reminder.fields["type"] = "booking.reminder";  // no video_reminder here
                     return reminder;
                   }())
                   ->has_value());
}

}  // namespace
}  // namespace stadt::notifications
