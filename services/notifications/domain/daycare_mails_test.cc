#include "services/notifications/domain/daycare_mails.h"

#include <filesystem>
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
using ::testing::Not;

constexpr char kApplication[] = "app-42";

// Every daycare template of the repository, so that the real texts are tested.
Templates RepositoryTemplates() {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(STADT_NOTIFICATIONS_TEMPLATES)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("daycare_")) continue;
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    files[name] = text.str();
  }
  return Templates::Parse(files).value();
}

class FixedNames final : public ProgramNames {
 public:
  std::string ProgramName(const std::string& id) const override {
    if (id == "sonne-krippe") return "Kita Sonnenschein, Krippe";
    if (id == "baer-kiga") return "Kinderhaus Bärenhöhle, Kindergarten";
    return "";
  }
};

class DaycareMailsTest : public ::testing::Test {
 protected:
  DaycareMailsTest()
      : key_(contact::ContactKey("a daycare master key of the test!", "daycare")),
        // Monday 2026-03-30 10:00 in Berlin (CEST since the day before).
        clock_(absl::FromCivil(absl::CivilSecond(2026, 3, 30, 8, 0, 0), absl::UTCTimeZone())),
        templates_(RepositoryTemplates()),
        mails_(templates_, clock_, Options(), key_, DaycareMails::Outbox("2026"), &names_) {}

  static DaycareMailOptions Options() {
    DaycareMailOptions options;
    options.portal_url = "https://stadt.example";
    absl::LoadTimeZone("Europe/Berlin", &options.time_zone);
    return options;
  }

  OutboxEvent Event(const std::string& type, const std::string& language,
                    std::map<std::string, std::string> fields = {}) const {
    OutboxEvent event;
    event.stream = DaycareMails::Outbox("2026");
    event.id = "1774857600000-0";
    event.fields = std::move(fields);
    event.fields["type"] = type;
    event.fields["application"] = kApplication;
    event.fields["contact"] =
        *contact::Seal(key_, {"eltern@example.org", "Jürgen Weiß", language, "Zoë"}, kApplication);
    return event;
  }

  Mail Compose(const OutboxEvent& event) const {
    absl::StatusOr<std::optional<Mail>> mail = mails_.Compose(event);
    EXPECT_TRUE(mail.ok()) << mail.status();
    EXPECT_TRUE(mail.ok() && mail->has_value());
    return mail.ok() && mail->has_value() ? **mail : Mail{};
  }

  std::string Deadline(absl::Duration from_now) const {
    return absl::StrCat(absl::ToUnixSeconds(clock_.Now() + from_now));
  }

  std::string key_;
  FakeClock clock_;
  FixedNames names_;
  Templates templates_;
  DaycareMails mails_;
};

TEST_F(DaycareMailsTest, ReceivedInGermanGreetsTheGuardianAndNamesTheChild) {
  const Mail mail = Compose(Event("application.received", "de"));
  EXPECT_EQ(mail.to_address, "eltern@example.org");
  EXPECT_EQ(mail.to_name, "Jürgen Weiß");
  EXPECT_EQ(mail.subject, "Ihre Bewerbung für Zoë ist eingegangen");
  EXPECT_THAT(mail.text, HasSubstr("Guten Tag Jürgen Weiß,"));
  EXPECT_THAT(mail.text, HasSubstr("(Nummer app-42)"));
  EXPECT_THAT(mail.text, HasSubstr("https://stadt.example/kita"));
  EXPECT_THAT(mail.text, HasSubstr("Mit freundlichen Grüßen"));
}

TEST_F(DaycareMailsTest, OfferCarriesTheProgramAndTheBerlinDeadline) {
  // 2026-04-13 23:59 Berlin (CEST) = 21:59 UTC.
  const absl::Time deadline =
      absl::FromCivil(absl::CivilSecond(2026, 4, 13, 21, 59, 0), absl::UTCTimeZone());
  const Mail de = Compose(Event(
      "offer.made", "de",
      {{"program", "sonne-krippe"}, {"deadline_s", absl::StrCat(absl::ToUnixSeconds(deadline))}}));
  EXPECT_EQ(de.subject, "Platzangebot für Zoë: bitte bis Montag, 13. April 2026 annehmen");
  EXPECT_THAT(de.text, HasSubstr("einen Platz anbieten: Kita Sonnenschein, Krippe."));
  EXPECT_THAT(de.text, HasSubstr("bis Montag, 13. April 2026, 23:59 Uhr an"));
  const Mail en = Compose(Event(
      "offer.made", "en",
      {{"program", "sonne-krippe"}, {"deadline_s", absl::StrCat(absl::ToUnixSeconds(deadline))}}));
  EXPECT_EQ(en.subject, "Place offered for Zoë: please accept by Monday, 13 April 2026");
  EXPECT_THAT(en.text, HasSubstr("Hello Jürgen Weiß,"));
  EXPECT_THAT(en.text, HasSubstr("by Monday, 13 April 2026, 23:59."));
}

TEST_F(DaycareMailsTest, AChildHoldingAPlaceMovesUp) {
  const Mail mail = Compose(Event("offer.made", "de",
                                  {{"program", "sonne-krippe"},
                                   {"held", "baer-kiga"},
                                   {"deadline_s", Deadline(absl::Hours(24 * 7))}}));
  EXPECT_THAT(mail.subject, HasSubstr("Nachrücken"));
  EXPECT_THAT(mail.text, HasSubstr("(Kinderhaus Bärenhöhle, Kindergarten) bleibt Ihnen"));
}

TEST_F(DaycareMailsTest, TheExpiryReminderSaysWhatIsLeftWithTheRightPlural) {
  const auto reminder = [&](const std::string& language, absl::Duration left) {
    return Compose(Event("offer.expiring", language,
                         {{"program", "sonne-krippe"}, {"deadline_s", Deadline(left)}}))
        .subject;
  };
  EXPECT_THAT(reminder("de", absl::Hours(49)), HasSubstr("verfällt in 2 Tagen"));
  EXPECT_THAT(reminder("de", absl::Hours(25)), HasSubstr("verfällt in 1 Tag"));
  EXPECT_THAT(reminder("de", absl::Minutes(90)), HasSubstr("verfällt in 1 Stunde"));
  EXPECT_THAT(reminder("de", absl::Hours(5)), HasSubstr("verfällt in 5 Stunden"));
  EXPECT_THAT(reminder("en", absl::Hours(49)), HasSubstr("lapses in 2 days"));
  EXPECT_THAT(reminder("en", absl::Hours(25)), HasSubstr("lapses in 1 day"));
  EXPECT_THAT(reminder("en", absl::Minutes(30)), HasSubstr("lapses in 1 hour"));
}

TEST_F(DaycareMailsTest, AnswersAndNoPlace) {
  EXPECT_EQ(Compose(Event("offer.accepted", "de", {{"program", "sonne-krippe"}})).subject,
            "Bestätigt: Zoë hat einen Platz in Kita Sonnenschein, Krippe");
  EXPECT_EQ(Compose(Event("offer.declined", "en", {{"program", "sonne-krippe"}})).subject,
            "Declined: place offered for Zoë in Kita Sonnenschein, Krippe");
  const Mail none = Compose(
      Event("round.no_place", "de", {{"round", "2"}, {"waiting", "sonne-krippe:3,unnamed:1"}}));
  EXPECT_EQ(none.subject, "Runde 2: noch kein Platz für Zoë");
  EXPECT_THAT(none.text, HasSubstr("- Kita Sonnenschein, Krippe: Platz 3\n- unnamed: Platz 1\n"));
  EXPECT_THAT(none.html, HasSubstr("Kita Sonnenschein, Krippe: Platz 3"));
}

TEST_F(DaycareMailsTest, NamesAreEscapedInTheHtml) {
  OutboxEvent event = Event("application.received", "de");
  event.fields["contact"] = *contact::Seal(
      key_, {"eltern@example.org", "<script>x</script>", "de", "Mia & Ben"}, kApplication);
  const Mail mail = Compose(event);
  EXPECT_THAT(mail.html, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(mail.html, HasSubstr("Mia &amp; Ben"));
  EXPECT_THAT(mail.html, Not(HasSubstr("<script>")));
}

TEST_F(DaycareMailsTest, NothingWithoutAnAddressAfterTheDeadlineOrForOtherStreams) {
  OutboxEvent no_address = Event("application.received", "de");
  no_address.fields["contact"] = "";
  EXPECT_EQ(*mails_.Compose(no_address), std::nullopt);
  EXPECT_EQ(*mails_.Compose(
                Event("offer.made", "de",
                      {{"program", "sonne-krippe"}, {"deadline_s", Deadline(-absl::Minutes(1))}})),
            std::nullopt);
  OutboxEvent other = Event("application.received", "de");
  other.stream = DaycareMails::Outbox("2027");
  EXPECT_EQ(*mails_.Compose(other), std::nullopt);
  // A contact sealed to another application cannot be opened.
  OutboxEvent swapped = Event("application.received", "de");
  swapped.fields["application"] = "app-43";
  EXPECT_EQ(mails_.Compose(swapped).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace stadt::notifications
