#include "services/notifications/domain/parking_mails.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/fake_clock.h"

namespace stadt::notifications {
namespace {

using ::testing::HasSubstr;

constexpr char kStream[] = "park:{p3f}:outbox";
constexpr char kOwner[] = "citizen-7";

// The repository's templates, so that the real texts are what is tested.
Templates RepositoryTemplates() {
  std::map<std::string, std::string> files;
  for (const char* name : {"parking_ending_soon.de.tmpl", "parking_ending_soon.en.tmpl"}) {
    std::ifstream file(absl::StrCat(STADT_NOTIFICATIONS_TEMPLATES, "/", name));
    std::stringstream text;
    text << file.rdbuf();
    files[name] = text.str();
  }
  return Templates::Parse(files).value();
}

class ParkingMailsTest : public ::testing::Test {
 protected:
  ParkingMailsTest()
      : key_(contact::ContactKey("a parking master key of the test!", "parking")),
        clock_(absl::UnixEpoch()),
        templates_(RepositoryTemplates()),
        mails_(templates_, clock_, Options(), key_, {kStream}) {
    // A summer evening in Berlin (CEST, UTC+2): 19:50 local.
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 7, 3, 17, 50, 0), absl::UTCTimeZone()));
  }

  static ParkingMailOptions Options() {
    ParkingMailOptions options;
    options.portal_url = "https://stadt.example";
    absl::LoadTimeZone("Europe/Berlin", &options.time_zone);
    return options;
  }

  OutboxEvent Reminder(const std::string& language, absl::Duration left,
                       const std::string& plate = "TÜ-ÄB 12") const {
    OutboxEvent event;
    event.stream = kStream;
    event.id = "1783100000000-0";
    event.fields = {
        {"type", "session.ending_soon"},
        {"session", "3f0123456789abcdef0123456789abcd"},
        {"owner", kOwner},
        {"zone", "innenstadt-1"},
        {"end_ms", absl::StrCat(absl::ToUnixMillis(clock_.Now() + left))},
        {"contact", *contact::Seal(key_, {"erika@example.org", "", language, plate}, kOwner)}};
    return event;
  }

  std::string key_;
  FakeClock clock_;
  Templates templates_;
  ParkingMails mails_;
};

TEST_F(ParkingMailsTest, GermanReminderNamesThePlateTheBerlinEndAndTheMinutesLeft) {
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(Reminder("de", absl::Minutes(10)));
  ASSERT_TRUE(mail.ok()) << mail.status();
  ASSERT_TRUE(mail->has_value());
  EXPECT_EQ((*mail)->to_address, "erika@example.org");
  EXPECT_EQ((*mail)->subject, "Ihr Parkvorgang für TÜ-ÄB 12 endet um 20:00 Uhr");
  EXPECT_THAT((*mail)->text, HasSubstr("in 10 Minuten"));
  EXPECT_THAT((*mail)->text, HasSubstr("Ende: Freitag, 3. Juli 2026, 20:00 Uhr"));
  EXPECT_THAT((*mail)->text, HasSubstr("Zone: innenstadt-1"));
  EXPECT_THAT((*mail)->text, HasSubstr("https://stadt.example/parken"));
  // The umlauts of the plate are HTML-safe as they are; markup would be escaped.
  EXPECT_THAT((*mail)->html, HasSubstr("<strong>TÜ-ÄB 12</strong>"));
}

TEST_F(ParkingMailsTest, EnglishByTheLanguageGivenAtTheStartWithTheSingular) {
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(Reminder("en", absl::Seconds(45)));
  ASSERT_TRUE(mail.ok()) << mail.status();
  ASSERT_TRUE(mail->has_value());
  EXPECT_EQ((*mail)->subject, "Your parking for TÜ-ÄB 12 ends at 19:50");
  EXPECT_THAT((*mail)->text, HasSubstr("in 1 minute:"));
  EXPECT_THAT((*mail)->text, HasSubstr("Ends: Friday, 3 July 2026, 19:50"));
}

TEST_F(ParkingMailsTest, WinterTimeIsUtcPlusOne) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 24, 7, 0, 0), absl::UTCTimeZone()));
  absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(Reminder("de", absl::Minutes(1)));
  ASSERT_TRUE(mail.ok() && mail->has_value());
  EXPECT_THAT((*mail)->text, HasSubstr("in 1 Minute:"));
  EXPECT_THAT((*mail)->text, HasSubstr("Donnerstag, 24. Dezember 2026, 08:01 Uhr"));
}

TEST_F(ParkingMailsTest, MarkupInThePlateIsEscapedInTheHtml) {
  absl::StatusOr<std::optional<Mail>> mail =
      mails_.Compose(Reminder("de", absl::Minutes(5), "<b>X</b>"));
  ASSERT_TRUE(mail.ok() && mail->has_value());
  EXPECT_THAT((*mail)->html, HasSubstr("&lt;b&gt;X&lt;/b&gt;"));
}

TEST_F(ParkingMailsTest, NothingOnceTheSessionHasEndedOrForOtherEvents) {
  EXPECT_EQ(*mails_.Compose(Reminder("de", -absl::Minutes(1))), std::nullopt);
  OutboxEvent started = Reminder("de", absl::Minutes(10));
  started.fields["type"] = "session.started";
  EXPECT_EQ(*mails_.Compose(started), std::nullopt);
  OutboxEvent elsewhere = Reminder("de", absl::Minutes(10));
  elsewhere.stream = "appt:{appt}:outbox";
  EXPECT_EQ(*mails_.Compose(elsewhere), std::nullopt);
}

TEST_F(ParkingMailsTest, AContactOfAnotherOwnerCannotBeOpened) {
  OutboxEvent event = Reminder("de", absl::Minutes(10));
  event.fields["owner"] = "someone-else";
  EXPECT_EQ(mails_.Compose(event).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ParkingOutboxesTest, AllBucketsOfParking) {
  const std::set<std::string> outboxes = ParkingMails::Outboxes();
  EXPECT_EQ(outboxes.size(), 256u);
  EXPECT_TRUE(outboxes.contains("park:{p00}:outbox"));
  EXPECT_TRUE(outboxes.contains("park:{pff}:outbox"));
}

}  // namespace
}  // namespace stadt::notifications
