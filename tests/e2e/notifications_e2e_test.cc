// End to end: bookings through the gateway, mailed by the real notifications
// binary to a real SMTP server (deploy/local/smtp_sink.py) that keeps every
// mail as a file.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/store/booking_keys.h"
#include "services/common/crypto/crypto.h"
#include "services/common/redis/redis_client.h"
#include "tests/e2e/parking_test_tariffs.h"
#include "tests/harness/smtp_sink.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMasterKey[] = "c3RhZHRwb3J0YWwtZTJlLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGVzIQ==";
// The appointments' first office bucket: the tests write their events there
// (the mailer reads every bucket's outbox).
const std::string kBucket = booking::BookingKeys::Spread("appt").Bucket(0);
const std::string kOutbox = kBucket + "outbox";
// Mails sent between two writes of delivery records (NOTIFICATIONS_RECORD_BATCH).
constexpr int kRecordBatch = 8;

// The value of `name` in a link's query ("...?hold=X&token=Y").
std::string QueryValue(const std::string& text, const std::string& name) {
  const size_t at = text.find(absl::StrCat(name, "="));
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 1;
  size_t end = start;
  while (end < text.size() && text[end] != '&' && text[end] != '\r' && text[end] != '\n' &&
         text[end] != ' ' && text[end] != '"') {
    ++end;
  }
  return text.substr(start, end - start);
}

class NotificationsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(std::map<std::string, std::string> extra_env,
             const std::set<std::string>& services = {"appointments", "notifications"},
             SmtpSinkOptions sink_options = {}) {
    absl::StatusOr<std::unique_ptr<SmtpSink>> sink = SmtpSink::Start(std::move(sink_options));
    ASSERT_TRUE(sink.ok()) << sink.status();
    sink_ = *std::move(sink);
    StackOptions options;
    options.service_env = {{"APPOINTMENTS_MIN_NOTICE", "0s"},
                           {"VIDEO_MIN_NOTICE", "0s"},
                           {"APPOINTMENTS_SECRET_KEY", kMasterKey},
                           {"NOTIFICATIONS_SMTP_PORT", absl::StrCat(sink_->port())},
                           {"NOTIFICATIONS_PORTAL_URL", "https://stadt.test"},
                           {"NOTIFICATIONS_RETRY_BASE", "100ms"},
                           {"NOTIFICATIONS_RETRY_MAX", "500ms"},
                           {"NOTIFICATIONS_CLAIM_IDLE", "2s"},
                           {"NOTIFICATIONS_SMTP_CONNECT_TIMEOUT", "1s"},
                           {"NOTIFICATIONS_RECORD_BATCH", absl::StrCat(kRecordBatch)}};
    for (auto& [key, value] : extra_env) options.service_env[key] = value;
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", *services.begin()}};
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith(services, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  std::string Citizen(const std::string& subject) const {
    return stack_->tokens().Mint(subject, {"citizen"}, absl::Now(), absl::Minutes(5), kTestIssuer);
  }

  std::unique_ptr<redis::Client> Redis() const {
    return redis::Client::Create(stack_->redis_client_options());
  }

  // Holds the `index`-th free id-card slot for `citizen`; returns the hold id
  // and the slots found.
  std::string Hold(const std::string& citizen, boost::json::array* slots_out = nullptr,
                   int index = 0) {
    HttpResult search = stack_->Fetch("GET", "/v1/slots?service_ids=id-card&limit=3");
    EXPECT_EQ(search.status, 200) << search.body;
    const boost::json::array slots = Json(search).at("slots").as_array();
    if (slots_out != nullptr) *slots_out = slots;
    const boost::json::value& slot = slots.at(index);
    HttpResult hold =
        stack_->Fetch("POST", "/v1/holds",
                      absl::StrCat(R"({"officeId":")", std::string(slot.at("officeId").as_string()),
                                   R"(","serviceIds":["id-card"],"start":")",
                                   std::string(slot.at("start").as_string()), R"("})"),
                      citizen);
    EXPECT_EQ(hold.status, 200) << hold.body;
    return std::string(Json(hold).at("holdId").as_string());
  }

  // Count of mails whose subject contains `text`.
  static int CountSubject(const std::vector<ReceivedMail>& mails, const std::string& text) {
    int count = 0;
    for (const ReceivedMail& mail : mails) {
      if (absl::StrContains(mail.headers.at("Subject"), text)) ++count;
    }
    return count;
  }

  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<Stack> stack_;
};

TEST_F(NotificationsE2eTest, BookingRescheduleAndCancelEachMailOnceWithTheMatchingIcs) {
  const std::string citizen = Citizen("citizen-1");
  boost::json::array slots;
  const std::string hold_id = Hold(citizen, &slots);
  const std::string contact =
      R"({"contact":{"name":"Jürgen Müller","email":"juergen@example.org"}})";
  HttpResult booked = stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  const std::string code(Json(booked).at("bookingCode").as_string());
  const std::string token(Json(booked).at("manageToken").as_string());
  // A retried confirm makes no second mail.
  ASSERT_EQ(stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen).status,
            200);

  std::vector<ReceivedMail> mails = sink_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u) << stack_->Logs();
  const ReceivedMail& confirmed = mails[0];
  EXPECT_EQ(confirmed.envelope_to, "juergen@example.org");
  EXPECT_THAT(confirmed.headers.at("To"), HasSubstr("Jürgen Müller"));
  EXPECT_THAT(confirmed.headers.at("Subject"), HasSubstr("ist gebucht"));  // German by default
  EXPECT_EQ(confirmed.headers.at("Auto-Submitted"), "auto-generated");
  EXPECT_TRUE(confirmed.headers.contains("Message-ID"));
  EXPECT_TRUE(confirmed.headers.contains("Date"));
  EXPECT_THAT(confirmed.text, HasSubstr("Guten Tag Jürgen Müller"));
  EXPECT_THAT(confirmed.text, HasSubstr(code));
  EXPECT_THAT(confirmed.text, HasSubstr(absl::StrCat("https://stadt.test/termine/verwalten?code=",
                                                     code, "&token=", token)));
  EXPECT_THAT(confirmed.html, HasSubstr("Jürgen Müller"));
  // The office by its name, as the catalog has it, not its id.
  HttpResult office = stack_->Fetch(
      "GET", absl::StrCat("/v1/offices/", std::string(slots.at(0).at("officeId").as_string())));
  ASSERT_EQ(office.status, 200) << office.body;
  EXPECT_THAT(confirmed.text, HasSubstr(std::string(Json(office).at("name").as_string())));
  EXPECT_THAT(
      confirmed.calendar,
      HasSubstr(absl::StrCat("LOCATION:", std::string(Json(office).at("name").as_string()))));
  EXPECT_THAT(confirmed.calendar, HasSubstr("METHOD:REQUEST\r\n"));
  EXPECT_THAT(confirmed.calendar, HasSubstr(absl::StrCat("UID:", code, "@stadtportal\r\n")));
  EXPECT_THAT(confirmed.calendar, HasSubstr("SEQUENCE:0\r\n"));
  // The link in the mail works: it shows the booking.
  HttpResult lookup = stack_->Fetch(
      "POST", "/v1/bookings/" + code + "/lookup",
      absl::StrCat(R"({"manageToken":")", QueryValue(confirmed.text, "token"), R"("})"));
  EXPECT_EQ(lookup.status, 200) << lookup.body;

  HttpResult moved = stack_->Fetch(
      "POST", "/v1/bookings/" + code + "/reschedule",
      absl::StrCat(R"({"manageToken":")", token, R"(","officeId":")",
                   std::string(slots.at(2).at("officeId").as_string()), R"(","start":")",
                   std::string(slots.at(2).at("start").as_string()), R"("})"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  mails = sink_->WaitForMails(2);
  ASSERT_EQ(mails.size(), 2u) << stack_->Logs();
  EXPECT_THAT(mails[1].headers.at("Subject"), HasSubstr("verlegt"));
  EXPECT_THAT(mails[1].calendar, HasSubstr("METHOD:REQUEST\r\n"));
  EXPECT_THAT(mails[1].calendar, HasSubstr(absl::StrCat("UID:", code, "@stadtportal\r\n")));
  EXPECT_THAT(mails[1].calendar, HasSubstr("SEQUENCE:1\r\n"));

  HttpResult cancelled = stack_->Fetch("POST", "/v1/bookings/" + code + "/cancel",
                                       absl::StrCat(R"({"manageToken":")", token, R"("})"));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  mails = sink_->WaitForMails(3);
  ASSERT_EQ(mails.size(), 3u) << stack_->Logs();
  EXPECT_THAT(mails[2].headers.at("Subject"), HasSubstr("abgesagt"));
  EXPECT_THAT(mails[2].calendar, HasSubstr("METHOD:CANCEL\r\n"));
  EXPECT_THAT(mails[2].calendar, HasSubstr(absl::StrCat("UID:", code, "@stadtportal\r\n")));
  EXPECT_THAT(mails[2].calendar, HasSubstr("SEQUENCE:2\r\n"));
  EXPECT_EQ(CountSubject(sink_->Mails(), "ist gebucht"), 1);
  // Nothing personal in the service's log.
  EXPECT_THAT(stack_->Logs(), Not(HasSubstr("juergen@example.org")));
  EXPECT_THAT(stack_->Logs(), Not(HasSubstr("Müller")));
}

TEST_F(NotificationsE2eTest, TheCitizensLanguageChoosesTheMail) {
  const std::string citizen = Citizen("citizen-en");
  const std::string hold_id = Hold(citizen);
  HttpResult booked = stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm",
                                    R"({"contact":{"name":"Jane Doe","email":"jane@example.org"}})",
                                    citizen, {{"Accept-Language", "en-GB,en;q=0.9,de;q=0.5"}});
  ASSERT_EQ(booked.status, 200) << booked.body;
  std::vector<ReceivedMail> mails = sink_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u) << stack_->Logs();
  EXPECT_THAT(mails[0].headers.at("Subject"), HasSubstr("is booked"));
  EXPECT_THAT(mails[0].text, HasSubstr("Hello Jane Doe"));
  // SIGTERM: every process, notifications included, exits 0.
  absl::Status stopped = stack_->Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
}

TEST_F(NotificationsE2eTest, HeaderInjectionAndMalformedAddressesAreRefusedAtBooking) {
  const std::string citizen = Citizen("citizen-bad");
  const std::string hold_id = Hold(citizen);
  for (const std::string& contact :
       {std::string(
            R"({"contact":{"name":"Eve\r\nBcc: victim@example.org","email":"eve@example.org"}})"),
        std::string(
            R"({"contact":{"name":"Eve","email":"eve@example.org>\r\nRCPT TO:<x@example.org"}})"),
        std::string(R"({"contact":{"name":"Eve","email":"<eve@example.org>"}})"),
        absl::StrCat(R"({"contact":{"name":")", std::string(201, 'x'),
                     R"(","email":"eve@example.org"}})")}) {
    HttpResult refused =
        stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, citizen);
    EXPECT_EQ(refused.status, 400) << contact << " " << refused.body;
    EXPECT_FALSE(Reason(refused).empty()) << refused.body;
    EXPECT_THAT(refused.body, HasSubstr("contact.")) << refused.body;  // which field
  }
  // Nothing was booked, so nothing is mailed (a later booking's mail comes first).
  HttpResult booked =
      stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm",
                    R"({"contact":{"name":"Eve","email":"eve@example.org"}})", citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  std::vector<ReceivedMail> mails = sink_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].envelope_to, "eve@example.org");
}

TEST_F(NotificationsE2eTest, ResendAnswersAlikeForKnownAndUnknownAddressesAndMailsOnlyTheKnown) {
  const std::string citizen = Citizen("citizen-resend");
  HttpResult booked =
      stack_->Fetch("POST", "/v1/holds/" + Hold(citizen) + "/confirm",
                    R"({"contact":{"name":"Erika","email":"erika@example.org"}})", citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  const std::string code(Json(booked).at("bookingCode").as_string());
  const std::string token(Json(booked).at("manageToken").as_string());
  ASSERT_EQ(sink_->WaitForMails(1).size(), 1u);

  HttpResult known =
      stack_->Fetch("POST", "/v1/bookings/resend", R"({"email":"erika@example.org"})");
  HttpResult unknown =
      stack_->Fetch("POST", "/v1/bookings/resend", R"({"email":"nobody@example.org"})");
  EXPECT_EQ(known.status, 202) << known.body;
  EXPECT_EQ(unknown.status, 202) << unknown.body;
  EXPECT_EQ(known.body, unknown.body);
  // Again at once: the same answer, but no second mail (one per address per 10 min).
  HttpResult again =
      stack_->Fetch("POST", "/v1/bookings/resend", R"({"email":"erika@example.org"})");
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, known.body);
  EXPECT_EQ(stack_->Fetch("POST", "/v1/bookings/resend", R"({"email":"not an address"})").status,
            400);

  // A later booking's mail comes after whatever the requests queued.
  const std::string other = Citizen("citizen-later");
  ASSERT_EQ(stack_
                ->Fetch("POST", "/v1/holds/" + Hold(other, nullptr, 1) + "/confirm",
                        R"({"contact":{"name":"Max","email":"max@example.org"}})", other)
                .status,
            200);
  std::vector<ReceivedMail> mails = sink_->WaitForMails(3);
  ASSERT_EQ(mails.size(), 3u) << stack_->Logs();
  EXPECT_EQ(mails[1].envelope_to, "erika@example.org");
  EXPECT_THAT(mails[1].headers.at("Subject"), HasSubstr("Ihre Termine"));
  EXPECT_THAT(mails[1].text, HasSubstr(absl::StrCat("code=", code, "&token=", token)));
  EXPECT_EQ(mails[2].envelope_to, "max@example.org");
  for (const ReceivedMail& mail : mails) EXPECT_NE(mail.envelope_to, "nobody@example.org");
}

class EmailConfirmationMailE2eTest : public NotificationsE2eTest {
 protected:
  void SetUp() override {
    Start({{"APPOINTMENTS_EMAIL_CONFIRMATION", "true"},
           {"APPOINTMENTS_EMAIL_CONFIRMATION_TTL", "10m"}});
  }
};

TEST_F(EmailConfirmationMailE2eTest, TheLinkInTheMailCompletesTheBooking) {
  const std::string citizen = Citizen("citizen-link");
  const std::string hold_id = Hold(citizen);
  HttpResult pending =
      stack_->Fetch("POST", "/v1/holds/" + hold_id + "/confirm",
                    R"({"contact":{"name":"Erika","email":"erika@example.org"}})", citizen);
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_EQ(Json(pending).at("status").as_string(), "BOOKING_STATUS_PENDING_EMAIL");

  std::vector<ReceivedMail> mails = sink_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u) << stack_->Logs();
  EXPECT_THAT(mails[0].headers.at("Subject"), HasSubstr("Bitte bestätigen"));
  EXPECT_THAT(mails[0].text, HasSubstr("https://stadt.test/termine/bestaetigen?hold="));
  EXPECT_TRUE(mails[0].calendar.empty());
  // What the web client's page does with the link: POSTs hold and token.
  const std::string hold = QueryValue(mails[0].text, "hold");
  const std::string token = QueryValue(mails[0].text, "token");
  EXPECT_EQ(hold, hold_id);
  HttpResult booked = stack_->Fetch("POST", "/v1/holds/" + hold + "/email-confirmation",
                                    absl::StrCat(R"({"token":")", token, R"("})"));
  ASSERT_EQ(booked.status, 200) << booked.body;
  EXPECT_EQ(Json(booked).at("status").as_string(), "BOOKING_STATUS_CONFIRMED");
  const std::string code(Json(booked).at("bookingCode").as_string());

  // The booking made by the link is mailed as any other.
  mails = sink_->WaitForMails(2);
  ASSERT_EQ(mails.size(), 2u) << stack_->Logs();
  EXPECT_THAT(mails[1].headers.at("Subject"), HasSubstr("ist gebucht"));
  EXPECT_THAT(mails[1].calendar, HasSubstr(absl::StrCat("UID:", code, "@stadtportal\r\n")));
}

class VideoMailE2eTest : public NotificationsE2eTest {
 protected:
  void SetUp() override { Start({}, {"notifications", "video"}); }
};

TEST_F(VideoMailE2eTest, ABookedVideoConsultationIsMailedWithTheJoinPage) {
  const std::string citizen = Citizen("citizen-video");
  HttpResult search = stack_->Fetch("GET", "/v1/video/slots?topic_id=basic-income-advice&limit=1");
  ASSERT_EQ(search.status, 200) << search.body;
  const std::string start(Json(search).at("slots").at(0).at("start").as_string());
  HttpResult hold = stack_->Fetch(
      "POST", "/v1/video/holds",
      absl::StrCat(R"({"topicId":"basic-income-advice","start":")", start, R"("})"), citizen);
  ASSERT_EQ(hold.status, 200) << hold.body;
  HttpResult booked =
      stack_->Fetch("POST",
                    absl::StrCat("/v1/video/holds/",
                                 std::string(Json(hold).at("holdId").as_string()), "/confirm"),
                    R"({"contact":{"name":"Erika","email":"erika@example.org"}})", citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  const std::string code(Json(booked).at("bookingCode").as_string());
  const std::string token(Json(booked).at("manageToken").as_string());
  std::vector<ReceivedMail> mails = sink_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u) << stack_->Logs();
  EXPECT_THAT(mails[0].headers.at("Subject"), HasSubstr("Videoberatung"));
  EXPECT_THAT(mails[0].text,
              HasSubstr(absl::StrCat("https://stadt.test/videoberatung/beitreten?code=", code,
                                     "&token=", token)));
  EXPECT_THAT(mails[0].calendar, HasSubstr(absl::StrCat("UID:", code, "@stadtportal\r\n")));
  EXPECT_THAT(mails[0].calendar, HasSubstr("METHOD:REQUEST\r\n"));
}

TEST_F(VideoMailE2eTest, ResendMailsTheManageAndJoinLinksAndAnswersAlikeForUnknownAddresses) {
  const std::string citizen = Citizen("citizen-video-resend");
  HttpResult search = stack_->Fetch("GET", "/v1/video/slots?topic_id=basic-income-advice&limit=1");
  ASSERT_EQ(search.status, 200) << search.body;
  const std::string start(Json(search).at("slots").at(0).at("start").as_string());
  HttpResult hold = stack_->Fetch(
      "POST", "/v1/video/holds",
      absl::StrCat(R"({"topicId":"basic-income-advice","start":")", start, R"("})"), citizen);
  ASSERT_EQ(hold.status, 200) << hold.body;
  HttpResult booked =
      stack_->Fetch("POST",
                    absl::StrCat("/v1/video/holds/",
                                 std::string(Json(hold).at("holdId").as_string()), "/confirm"),
                    R"({"contact":{"name":"Jürgen","email":"juergen@example.org"}})", citizen);
  ASSERT_EQ(booked.status, 200) << booked.body;
  const std::string code(Json(booked).at("bookingCode").as_string());
  const std::string token(Json(booked).at("manageToken").as_string());
  ASSERT_EQ(sink_->WaitForMails(1).size(), 1u) << stack_->Logs();

  HttpResult known =
      stack_->Fetch("POST", "/v1/video/bookings/resend", R"({"email":"juergen@example.org"})");
  HttpResult unknown =
      stack_->Fetch("POST", "/v1/video/bookings/resend", R"({"email":"nobody@example.org"})");
  EXPECT_EQ(known.status, 202) << known.body;
  EXPECT_EQ(unknown.status, 202) << unknown.body;
  EXPECT_EQ(known.body, unknown.body);
  EXPECT_EQ(
      stack_->Fetch("POST", "/v1/video/bookings/resend", R"({"email":"not an address"})").status,
      400);

  std::vector<ReceivedMail> mails = sink_->WaitForMails(2);
  ASSERT_EQ(mails.size(), 2u) << stack_->Logs();
  EXPECT_EQ(mails[1].envelope_to, "juergen@example.org");
  EXPECT_THAT(mails[1].headers.at("Subject"), HasSubstr("Ihre Videoberatungen"));
  EXPECT_THAT(mails[1].text,
              HasSubstr(absl::StrCat("https://stadt.test/videoberatung/verwalten?code=", code,
                                     "&token=", token)));
  EXPECT_THAT(mails[1].text,
              HasSubstr(absl::StrCat("https://stadt.test/videoberatung/beitreten?code=", code,
                                     "&token=", token)));
}

// Parking's "ending soon" reminders: the planned ends are set relative to now
// and the tariffs charge around the clock, so the test runs alike at any hour.
class ParkingReminderE2eTest : public NotificationsE2eTest {
 protected:
  // A session planned to end in 2 minutes is reminded about 5 s after its start.
  static constexpr absl::Duration kLead = absl::Seconds(115);
  static constexpr absl::Duration kPlanned = absl::Minutes(2);

  void SetUp() override {
    Start({{"PARKING_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLXBhcmtpbmctbWFzdGVyLWtleS0zMiE="},
           {"PARKING_TARIFFS_FILE", WriteTariffsFile(kAroundTheClockTariffs)},
           {"PARKING_REMINDER_LEAD", absl::StrCat(absl::ToInt64Seconds(kLead), "s")},
           {"PARKING_REMINDER_INTERVAL", "100ms"}},
          {"parking", "notifications"});
  }

  static std::string Rfc3339(absl::Time time) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
  }

  // Starts a session in zone 4401 planned to end `planned` from now; returns its id.
  std::string StartSession(const std::string& citizen, const std::string& plate,
                           const std::string& email, absl::Duration planned,
                           std::map<std::string, std::string> headers = {}) {
    HttpResult started = stack_->Fetch(
        "POST", "/v1/parking/sessions",
        absl::StrCat(R"({"zoneId":"4401","plate":")", plate, R"(","plannedEndTime":")",
                     Rfc3339(absl::Now() + planned), R"(","notifyEmail":")", email, R"("})"),
        citizen, std::move(headers));
    EXPECT_EQ(started.status, 200) << started.body;
    return started.status == 200 ? std::string(Json(started).at("id").as_string()) : "";
  }
};

TEST_F(ParkingReminderE2eTest, ARunningSessionIsRemindedOnceAStoppedOrExtendedOneIsNot) {
  const std::string reminded = StartSession(Citizen("driver-a"), "TÜ-AB 12", "a@example.org",
                                            kPlanned, {{"Accept-Language", "de-DE,de;q=0.9"}});
  const std::string stopped =
      StartSession(Citizen("driver-b"), "S-BB 2", "b@example.org", kPlanned);
  const std::string extended =
      StartSession(Citizen("driver-c"), "S-CC 3", "c@example.org", kPlanned);
  ASSERT_FALSE(reminded.empty() || stopped.empty() || extended.empty());
  // Stopped: its reminder is cancelled. Extended by half an hour: its reminder
  // moves to the new end less the lead, well after this test.
  ASSERT_EQ(stack_
                ->Fetch("POST", absl::StrCat("/v1/parking/sessions/", stopped, "/stop"), "{}",
                        Citizen("driver-b"))
                .status,
            200);
  HttpResult longer = stack_->Fetch(
      "POST", absl::StrCat("/v1/parking/sessions/", extended, "/extend"),
      absl::StrCat(R"({"endTime":")", Rfc3339(absl::Now() + absl::Minutes(30)), R"("})"),
      Citizen("driver-c"));
  ASSERT_EQ(longer.status, 200) << longer.body;

  std::vector<ReceivedMail> mails = sink_->WaitForMails(1);
  ASSERT_EQ(mails.size(), 1u) << stack_->Logs();
  EXPECT_EQ(mails[0].envelope_to, "a@example.org");
  EXPECT_THAT(mails[0].headers.at("Subject"), HasSubstr("Ihr Parkvorgang für TÜ-AB 12 endet um"));
  EXPECT_THAT(mails[0].text, HasSubstr("Zone: 4401"));
  EXPECT_THAT(mails[0].text, HasSubstr("https://stadt.test/parken"));
  EXPECT_EQ(mails[0].headers.at("Auto-Submitted"), "auto-generated");

  // A later session, in English, as a fence: once its reminder is here, the
  // stopped and the extended session's original reminder times have long
  // passed, and the first was not mailed twice.
  StartSession(Citizen("driver-d"), "S-DD 4", "d@example.org", kPlanned,
               {{"Accept-Language", "en-GB,en;q=0.9"}});
  mails = sink_->WaitForMails(2);
  ASSERT_EQ(mails.size(), 2u) << stack_->Logs();
  EXPECT_EQ(mails[1].envelope_to, "d@example.org");
  EXPECT_THAT(mails[1].headers.at("Subject"), HasSubstr("Your parking for S-DD 4 ends at"));
  EXPECT_THAT(mails[1].text, HasSubstr("minute"));
  absl::SleepFor(absl::Milliseconds(500));  // a margin for a wrong mail to show up
  mails = sink_->Mails();
  EXPECT_EQ(mails.size(), 2u);
  for (const ReceivedMail& mail : mails) {
    EXPECT_NE(mail.envelope_to, "b@example.org");
    EXPECT_NE(mail.envelope_to, "c@example.org");
  }
}

TEST_F(ParkingReminderE2eTest, AMalformedAddressIsRefusedWithAReasonAndNoSessionStarts) {
  for (const char* bad : {"not an address", "a@example.org\\r\\nBcc: x@evil.test", "<a@b.org>"}) {
    HttpResult refused = stack_->Fetch(
        "POST", "/v1/parking/sessions",
        absl::StrCat(R"({"zoneId":"4401","plate":"S-EE 5","notifyEmail":")", bad, R"("})"),
        Citizen("driver-e"));
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_THAT(refused.body, HasSubstr("invalid_email"));
  }
  // Nothing was started: the same driver may start now.
  EXPECT_FALSE(
      StartSession(Citizen("driver-e"), "S-EE 5", "e@example.org", absl::Hours(1)).empty());
}

// Daycare: the parents of one season are mailed about their applications.
class DaycareMailE2eTest : public NotificationsE2eTest {
 protected:
  static constexpr char kSeason[] = "/v1/daycare/seasons/kita-2026";

  void SetUp() override {
    // Offers are reminded 2 hours before their deadline: the round's deadline
    // an hour from now is reminded at once, whatever the time of day.
    Start({{"DAYCARE_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLWRheWNhcmUtbWFzdGVyLWtleS0zMiE="},
           {"DAYCARE_SEASON_ID", "kita-2026"},
           {"DAYCARE_OFFER_REMINDER_LEAD", "2h"},
           {"DAYCARE_REMINDER_INTERVAL", "100ms"}},
          {"daycare", "notifications"});
  }

  HttpResult Daycare(const std::string& method, const std::string& path, const std::string& body,
                     const std::string& token) {
    return stack_->Fetch(method, absl::StrCat(kSeason, path), body, token);
  }
  std::string Caseworker() const {
    return stack_->tokens().Mint("coordinator-7", {"daycare_coordinator", "daycare_caseworker"},
                                 absl::Now(), absl::Minutes(5), kTestIssuer);
  }

  // Mails whose recipient is `address`, in arrival order.
  static std::vector<ReceivedMail> To(const std::vector<ReceivedMail>& mails,
                                      const std::string& address) {
    std::vector<ReceivedMail> to;
    for (const ReceivedMail& mail : mails) {
      if (mail.envelope_to == address) to.push_back(mail);
    }
    return to;
  }
};

TEST_F(DaycareMailE2eTest, ParentsLearnOfTheirApplicationTheOfferItsDeadlineAndNoPlace) {
  const std::string caseworker = Caseworker();
  ASSERT_EQ(
      Daycare("PUT", "/programs",
              R"({"programs":[{"id":"K1","capacity":1,"name":"Kita Sonnenblume"}]})", caseworker)
          .status,
      200);
  ASSERT_EQ(Daycare("POST", "/period", R"({"period":"PERIOD_OPEN"})", caseworker).status, 200);
  // A malformed address is refused with its reason; nothing is stored.
  HttpResult bad =
      Daycare("POST", "/applications",
              R"({"choices":["K1"],"childName":"Max","birthDate":"2024-02-01","guardianEmail":"a@b
Bcc: x@evil.test"})",
              Citizen("parent-bad"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_THAT(bad.body, HasSubstr("invalid_email"));

  HttpResult erika = Daycare("POST", "/applications",
                             R"({"choices":["K1"],"childName":"Jürgen","birthDate":"2024-03-01",
                                 "guardianName":"Erika Müller",
                                 "guardianEmail":" Erika.Mueller@Example.ORG "})",
                             Citizen("parent-erika"));
  ASSERT_EQ(erika.status, 200) << erika.body;
  const std::string erika_id(Json(erika).at("application").at("id").as_string());
  HttpResult jane = Daycare("POST", "/applications?lang=en",
                            R"({"choices":["K1"],"childName":"Zoë","birthDate":"2024-04-01",
                                "guardianName":"Jane Doe","guardianEmail":"jane@example.org"})",
                            Citizen("parent-jane"));
  ASSERT_EQ(jane.status, 200) << jane.body;
  const std::string jane_id(Json(jane).at("application").at("id").as_string());
  // Without an address nobody is mailed.
  ASSERT_EQ(Daycare("POST", "/applications",
                    R"({"choices":["K1"],"childName":"Tom","birthDate":"2024-05-01"})",
                    Citizen("parent-tom"))
                .status,
            200);
  std::vector<ReceivedMail> mails = sink_->WaitForMails(2);
  ASSERT_EQ(mails.size(), 2u) << stack_->Logs();
  EXPECT_EQ(mails[0].envelope_to, "Erika.Mueller@example.org");
  EXPECT_EQ(mails[0].headers.at("Subject"), "Ihre Bewerbung für Jürgen ist eingegangen");
  EXPECT_THAT(mails[0].text, HasSubstr("Guten Tag Erika Müller,"));
  EXPECT_EQ(mails[1].envelope_to, "jane@example.org");
  EXPECT_EQ(mails[1].headers.at("Subject"), "Your application for Zoë has been received");

  // One place, three children: one offer, two without a place.
  ASSERT_EQ(Daycare("POST", "/period", R"({"period":"PERIOD_CLOSED"})", caseworker).status, 200);
  const absl::Time deadline = absl::Now() + absl::Hours(1);
  HttpResult round = Daycare(
      "POST", "/rounds",
      absl::StrCat(R"({"seed":"7","round":1,"deadline":")",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", deadline, absl::UTCTimeZone()), R"("})"),
      caseworker);
  ASSERT_EQ(round.status, 200) << round.body;
  HttpResult erika_status =
      Daycare("GET", absl::StrCat("/applications/", erika_id), "", Citizen("parent-erika"));
  HttpResult jane_status =
      Daycare("GET", absl::StrCat("/applications/", jane_id), "", Citizen("parent-jane"));
  const bool erika_offered = Json(erika_status).at("offer").as_string() == "OFFER_STATE_OPEN";
  const bool jane_offered = Json(jane_status).at("offer").as_string() == "OFFER_STATE_OPEN";

  // Received (2), then the round's offer or no-place mail for each, and the
  // reminder of the one offer (its deadline is within the lead).
  mails = sink_->WaitForMails(5);
  ASSERT_EQ(mails.size(), 5u) << stack_->Logs();
  const std::vector<ReceivedMail> to_erika = To(mails, "Erika.Mueller@example.org");
  const std::vector<ReceivedMail> to_jane = To(mails, "jane@example.org");
  if (erika_offered || !jane_offered) {
    ASSERT_TRUE(erika_offered);
    ASSERT_EQ(to_erika.size(), 3u);
    EXPECT_THAT(to_erika[1].headers.at("Subject"),
                HasSubstr("Platzangebot für Jürgen: bitte bis "));
    EXPECT_THAT(to_erika[1].text, HasSubstr("einen Platz anbieten: Kita Sonnenblume."));
    absl::TimeZone berlin;
    ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
    EXPECT_THAT(to_erika[1].text, HasSubstr(absl::FormatTime("%H:%M Uhr", deadline, berlin)));
    EXPECT_THAT(to_erika[2].headers.at("Subject"),
                HasSubstr("Erinnerung: Das Platzangebot für Jürgen verfällt in"));
    ASSERT_EQ(to_jane.size(), 2u);
    EXPECT_EQ(to_jane[1].headers.at("Subject"), "Round 1: no place for Zoë yet");
    EXPECT_THAT(to_jane[1].text, HasSubstr("- Kita Sonnenblume: position "));
  } else {
    ASSERT_EQ(to_jane.size(), 3u);
    EXPECT_THAT(to_jane[1].headers.at("Subject"),
                HasSubstr("Place offered for Zoë: please accept"));
    EXPECT_THAT(to_jane[2].headers.at("Subject"),
                HasSubstr("Reminder: the place offered for Zoë lapses in"));
    ASSERT_EQ(to_erika.size(), 2u);
    EXPECT_EQ(to_erika[1].headers.at("Subject"), "Runde 1: noch kein Platz für Jürgen");
  }

  // The answer is mailed too, once (a repeated accept changes nothing).
  const std::string offered_id = erika_offered ? erika_id : jane_id;
  const std::string offered_parent = erika_offered ? "parent-erika" : "parent-jane";
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Daycare("POST", absl::StrCat("/applications/", offered_id, "/accept"), "{}",
                      Citizen(offered_parent))
                  .status,
              200);
  }
  mails = sink_->WaitForMails(6);
  ASSERT_EQ(mails.size(), 6u) << stack_->Logs();
  EXPECT_THAT(mails[5].headers.at("Subject"),
              HasSubstr(erika_offered ? "Bestätigt: Jürgen hat einen Platz in Kita Sonnenblume"
                                      : "Confirmed: Zoë has a place in Kita Sonnenblume"));
  absl::SleepFor(absl::Milliseconds(500));  // a margin for a wrong mail to show up
  EXPECT_EQ(sink_->Mails().size(), 6u);
}

// The start and end (ms) of a reminded appointment: tomorrow, so the mails
// are not skipped as stale, whatever today is.
std::pair<std::string, std::string> Tomorrow() {
  const int64_t start = absl::ToUnixMillis(absl::Now() + absl::Hours(24));
  return {absl::StrCat(start), absl::StrCat(start + 20 * 60 * 1000)};
}

// Reminder events as the booking core writes them, each to its own address.
void AddReminders(redis::Client& redis, int first, int count) {
  const auto [start_ms, end_ms] = Tomorrow();
  std::string master;
  ASSERT_TRUE(absl::Base64Unescape(kMasterKey, &master));
  const booking::BookingSecrets secrets = booking::BookingSecrets::Derive(master);
  absl::StatusOr<crypto::Aead> cipher = crypto::Aead::Create(secrets.contact_key);
  ASSERT_TRUE(cipher.ok());
  std::vector<std::vector<std::string>> commands;
  for (int i = first; i < first + count; ++i) {
    const std::string code = booking::NewBookingCode();
    const std::string contact = cipher->Seal(
        absl::StrCat(R"({"name":"Person )", i, R"(","email":"person)", i, R"(@example.org"})"),
        code);
    commands.push_back({"XADD",    kOutbox,  "*",      "type",     "booking.reminder",
                        "code",    code,     "office", "mitte",    "start_ms",
                        start_ms,  "end_ms", end_ms,   "services", "id-card",
                        "contact", contact,  "nonce",  "n",        "seq",
                        "0"});
  }
  ASSERT_TRUE(redis.Pipeline(commands).ok());
}

// STARTTLS with the server's certificate verified, and AUTH: the mail server
// requires both; a certificate the service does not trust gets no mail.
class TlsMailE2eTest : public NotificationsE2eTest {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "stadt-smtp-tls-", getpid());
    std::filesystem::create_directories(dir_);
    absl::StatusOr<std::unique_ptr<Subprocess>> openssl =
        Subprocess::Start("openssl",
                          {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                           "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                           "-keyout", dir_ + "/key.pem", "-out", dir_ + "/cert.pem"},
                          {}, dir_ + "/openssl.log");
    ASSERT_TRUE(openssl.ok()) << openssl.status();
    ASSERT_EQ((*openssl)->Wait(), 0);
  }
  std::string dir_;
};

TEST_F(TlsMailE2eTest, MailsGoOverVerifiedStartTlsWithAuth) {
  Start({{"NOTIFICATIONS_SMTP_TLS", "starttls"},
         {"NOTIFICATIONS_SMTP_CA_FILE", dir_ + "/cert.pem"},
         {"NOTIFICATIONS_SMTP_USERNAME", "portal"},
         {"NOTIFICATIONS_SMTP_PASSWORD", "s3cret"}},
        {"appointments", "notifications"},
        {dir_ + "/cert.pem", dir_ + "/key.pem", "portal:s3cret"});
  std::unique_ptr<redis::Client> redis = Redis();
  AddReminders(*redis, 0, 3);
  std::vector<ReceivedMail> mails = sink_->WaitForMails(3);
  ASSERT_EQ(mails.size(), 3u) << stack_->Logs();
  for (const ReceivedMail& mail : mails) {
    EXPECT_EQ(mail.headers.at("X-Sink-TLS"), "yes");
    EXPECT_EQ(mail.headers.at("X-Sink-Auth"), "portal");
  }
}

TEST_F(TlsMailE2eTest, AnUntrustedCertificateGetsNoMail) {
  // The system's CA store does not know the self-signed certificate.
  Start({{"NOTIFICATIONS_SMTP_TLS", "starttls"}}, {"appointments", "notifications"},
        {dir_ + "/cert.pem", dir_ + "/key.pem", ""});
  std::unique_ptr<redis::Client> redis = Redis();
  AddReminders(*redis, 0, 1);
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline &&
         redis->Command({"ZCARD", kBucket + "notify:retry"}).value().integer < 1) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(redis->Command({"ZCARD", kBucket + "notify:retry"}).value().integer, 1)
      << stack_->Logs();  // deferred, not sent
  EXPECT_TRUE(sink_->Mails().empty());
  EXPECT_THAT(stack_->Logs(), HasSubstr("certificate"));  // the reason it was deferred
}

TEST_F(NotificationsE2eTest, KilledMidBatchEveryEventIsMailedNoneTwiceOutsideTheWindow) {
  constexpr int kEvents = 2000;
  std::unique_ptr<redis::Client> redis = Redis();
  AddReminders(*redis, 0, kEvents);
  // Kill -9 while it works through them, then start it again.
  sink_->WaitForMails(100);
  stack_->service("notifications").Signal(SIGKILL);
  stack_->service("notifications").Wait();
  const size_t before = sink_->Mails().size();
  ASSERT_LT(before, static_cast<size_t>(kEvents)) << "finished before the kill; use more events";
  ASSERT_TRUE(stack_->RestartService("notifications").ok());

  std::vector<ReceivedMail> mails = sink_->WaitForMails(kEvents, absl::Seconds(60));
  // Settle: a duplicate would arrive right after.
  absl::SleepFor(absl::Milliseconds(500));
  mails = sink_->Mails();
  std::map<std::string, int> per_address;
  for (const ReceivedMail& mail : mails) ++per_address[mail.envelope_to];
  EXPECT_EQ(per_address.size(), static_cast<size_t>(kEvents));
  int duplicates = 0;
  for (const auto& [address, count] : per_address) duplicates += count - 1;
  // The one window (README): the kill between the server's 250 and the
  // delivery record. Records are written once per group of kRecordBatch
  // mails, so one kill duplicates at most one group.
  EXPECT_LE(duplicates, kRecordBatch);
  EXPECT_EQ(redis->Command({"XPENDING", kOutbox, "notifications"}).value().elements[0].integer, 0);
}

TEST_F(NotificationsE2eTest, MailServerAwayMailsAreDeferredThenDeliveredRejectionsAreDeadLetters) {
  std::unique_ptr<redis::Client> redis = Redis();
  sink_->Stop();
  AddReminders(*redis, 0, 3);
  // Deferred: in the retry queue, not lost.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline &&
         redis->Command({"ZCARD", kBucket + "notify:retry"}).value().integer < 3) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(redis->Command({"ZCARD", kBucket + "notify:retry"}).value().integer, 3);
  ASSERT_TRUE(sink_->Restart().ok());
  std::vector<ReceivedMail> mails = sink_->WaitForMails(3);
  EXPECT_EQ(mails.size(), 3u) << stack_->Logs();

  // A permanent rejection (550 at RCPT TO) goes to the dead-letter stream.
  const auto [start_ms, end_ms] = Tomorrow();
  std::string master;
  ASSERT_TRUE(absl::Base64Unescape(kMasterKey, &master));
  const std::string code = booking::NewBookingCode();
  const std::string contact =
      crypto::Aead::Create(booking::BookingSecrets::Derive(master).contact_key)
          ->Seal(R"({"name":"R","email":"reject-me@example.org"})", code);
  ASSERT_TRUE(redis
                  ->Command({"XADD", kOutbox, "*", "type", "booking.reminder", "code", code,
                             "office", "mitte", "start_ms", start_ms, "end_ms", end_ms, "services",
                             "id-card", "contact", contact})
                  .ok());
  const absl::Time dead_deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < dead_deadline &&
         redis->Command({"XLEN", kBucket + "notify:dead"}).value().integer < 1) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  redis::Reply dead = redis->Command({"XRANGE", kBucket + "notify:dead", "-", "+"}).value();
  ASSERT_EQ(dead.elements.size(), 1u) << stack_->Logs();
  std::map<std::string, std::string> fields;
  const std::vector<redis::Reply>& flat = dead.elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) fields[flat[i].str] = flat[i + 1].str;
  EXPECT_EQ(fields["code"], code);
  EXPECT_THAT(fields["_reason"], HasSubstr("550"));
  EXPECT_EQ(sink_->Mails().size(), 3u);

  // Operators list it through the gateway (no address in it) and replay it.
  const std::string operator_token =
      stack_->tokens().Mint("operator-1", {"operator"}, absl::Now(), absl::Minutes(5), kTestIssuer);
  EXPECT_EQ(stack_
                ->Fetch("GET", "/v1/notifications/dead-letters?source=appointments", "",
                        Citizen("citizen-x"))
                .status,
            403);
  EXPECT_EQ(
      stack_->Fetch("GET", "/v1/notifications/dead-letters?source=nope", "", operator_token).status,
      400);
  HttpResult listed = stack_->Fetch("GET", "/v1/notifications/dead-letters?source=appointments", "",
                                    operator_token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, Not(HasSubstr("reject-me")));
  const boost::json::value letter = Json(listed).at("deadLetters").at(0);
  EXPECT_EQ(letter.at("eventType").as_string(), "booking.reminder");
  const std::string dead_id(letter.at("id").as_string());
  const std::string replay =
      absl::StrCat("/v1/notifications/dead-letters/appointments/", dead_id, "/replay");
  ASSERT_EQ(stack_->Fetch("POST", replay, "{}", operator_token).status, 200);
  EXPECT_EQ(stack_->Fetch("POST", replay, "{}", operator_token).status, 404);  // gone from the list
  // Mailed again, refused again: back in the list under a new id.
  const absl::Time again_deadline = absl::Now() + absl::Seconds(20);
  std::string again_id;
  while (absl::Now() < again_deadline && (again_id.empty() || again_id == dead_id)) {
    redis::Reply again = redis->Command({"XRANGE", kBucket + "notify:dead", "-", "+"}).value();
    if (!again.elements.empty()) again_id = again.elements[0].elements[0].str;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_NE(again_id, dead_id);
  EXPECT_FALSE(again_id.empty());
}

}  // namespace
}  // namespace stadt::testing
