// End to end: the real gateway and video binaries on free ports, a real
// redis-server underneath, driven over HTTP like the portal would.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;

// Caseworkers who work around the clock, so that the test can book, check in
// and join right now whatever the time of day.
constexpr char kAlwaysOpenCatalog[] = R"({
  "slot_minutes": 15,
  "departments": [{"id": "social", "name": "Social welfare office"},
                  {"id": "jobcentre", "name": "Jobcentre"}],
  "topics": [{"id": "housing", "name": "Housing benefit", "department_id": "social",
              "duration_minutes": 30, "id_check_required": true},
             {"id": "job-advice", "name": "Job advice", "department_id": "jobcentre",
              "duration_minutes": 15}],
  "caseworkers": [
    {"id": "cw-anna", "name": "Anna Berger", "department_id": "social", "topic_ids": ["housing"],
     "availability": [{"weekday": 1, "from": "00:00", "to": "24:00"},
                      {"weekday": 2, "from": "00:00", "to": "24:00"},
                      {"weekday": 3, "from": "00:00", "to": "24:00"},
                      {"weekday": 4, "from": "00:00", "to": "24:00"},
                      {"weekday": 5, "from": "00:00", "to": "24:00"},
                      {"weekday": 6, "from": "00:00", "to": "24:00"},
                      {"weekday": 7, "from": "00:00", "to": "24:00"}]},
    {"id": "cw-carla", "name": "Carla Weiss", "department_id": "jobcentre",
     "topic_ids": ["job-advice"], "availability": [{"weekday": 2, "from": "09:00", "to": "10:00"}]}]
})";

// The part of a JWT between the dots, decoded.
boost::json::object DecodeJwtPart(const std::string& part) {
  std::string text;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(part, &text)) << part;
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error);
  return !error && value.is_object() ? value.get_object() : boost::json::object{};
}

// HS256 as a Jitsi server computes it, with OpenSSL directly.
std::string JitsiSignature(const std::string& signing_input) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const std::string secret = kE2eJitsiSecret;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), digest,
       &length);
  std::string encoded;
  absl::WebSafeBase64Escape(std::string(reinterpret_cast<const char*>(digest), length), &encoded);
  return encoded;
}

class VideoE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string seed = absl::StrCat(::testing::TempDir(), "video-e2e-catalog.json");
    std::ofstream(seed) << kAlwaysOpenCatalog;
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::Start({"video"}, {{"VIDEO_SEED_FILE", seed},
                                 {"VIDEO_MIN_NOTICE", "0s"},
                                 {"VIDEO_JOIN_LEAD", "2h"},
                                 {"VIDEO_REJOIN_MARGIN", "20m"}});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    // Only the video backend runs, so /readyz stays 503; wait for a route.
    ASSERT_TRUE(stack_->WaitUntil(200, "/v1/video/topics")) << stack_->Logs();
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }

  std::string Token(const std::string& subject, const std::string& role,
                    const std::string& scope = "") {
    return stack_->tokens().Mint(subject, {role}, absl::Now(), absl::Minutes(10), kTestIssuer,
                                 scope);
  }

  // A video caseworker's token, scoped to `department`.
  std::string Caseworker(const std::string& subject, const std::string& department) {
    return Token(subject, "video_caseworker", "department:" + department);
  }

  std::string Consultation(const std::string& code) {
    return absl::StrCat("/v1/video/consultations/", code);
  }

  // Books the earliest housing consultation for `citizen`; returns the answer.
  boost::json::value Book(const std::string& citizen,
                          const std::string& email = "erika@example.org") {
    HttpResult search = Fetch("GET", "/v1/video/slots?topic_id=housing&limit=1");
    EXPECT_EQ(search.status, 200) << search.body;
    const std::string start(Json(search).at("slots").at(0).at("start").as_string());
    HttpResult hold =
        Fetch("POST", "/v1/video/holds",
              absl::StrCat(R"({"topicId":"housing","start":")", start, R"("})"), citizen);
    EXPECT_EQ(hold.status, 200) << hold.body;
    const std::string hold_id(Json(hold).at("holdId").as_string());
    HttpResult booked =
        Fetch("POST", absl::StrCat("/v1/video/holds/", hold_id, "/confirm"),
              absl::StrCat(R"({"contact":{"name":"Erika Mustermann","email":")", email, R"("}})"),
              citizen);
    EXPECT_EQ(booked.status, 200) << booked.body;
    return Json(booked);
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(VideoE2eTest, BookConsentCheckInAdmitAndJoinWithAVerifiableToken) {
  const std::string citizen = Token("citizen-1", "citizen");
  const std::string caseworker = Caseworker("cw-anna", "social");
  HttpResult topics = Fetch("GET", "/v1/video/topics");
  ASSERT_EQ(topics.status, 200) << topics.body;
  EXPECT_EQ(Json(topics).at("topics").as_array().size(), 2u);

  const boost::json::value booked = Book(citizen);
  const std::string code(booked.at("bookingCode").as_string());
  EXPECT_FALSE(booked.at("manageToken").as_string().empty());
  EXPECT_EQ(booked.at("waitingRoomPath").as_string(), Consultation(code));
  EXPECT_THAT(std::string(booked.at("ics").as_string()), HasSubstr("BEGIN:VEVENT"));
  EXPECT_EQ(booked.at("caseworkerName").as_string(), "Anna Berger");

  // Not admitted yet: no video URL.
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/join", "{}", citizen).status, 400);
  HttpResult early = Fetch("POST", Consultation(code) + "/check-in", "{}", citizen);
  EXPECT_EQ(early.status, 400);
  EXPECT_THAT(early.body, HasSubstr("consent"));
  HttpResult consent = Fetch("POST", Consultation(code) + "/consent",
                             R"({"privacyNoticeVersion":"2026-01","termsVersion":"3"})", citizen);
  ASSERT_EQ(consent.status, 200) << consent.body;
  EXPECT_EQ(Json(consent).at("state").as_string(), "VISIT_STATE_CONSENTED");
  HttpResult waiting = Fetch("POST", Consultation(code) + "/check-in", "{}", citizen);
  ASSERT_EQ(waiting.status, 200) << waiting.body;
  EXPECT_EQ(Json(waiting).at("state").as_string(), "VISIT_STATE_WAITING");

  // The caseworker sees who waits since when, and admits.
  // The waiting room is a Berlin day: the slot's UTC date is the day before
  // for a slot between midnight and 01:00 (02:00 in summer) in Berlin.
  const std::string start(Json(waiting).at("slot").at("start").as_string());
  absl::Time start_time;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, start, &start_time, nullptr)) << start;
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  const std::string day = absl::FormatTime("%Y-%m-%d", start_time, berlin);
  HttpResult room = Fetch("GET", "/v1/video/waiting-room/" + day, "", caseworker);
  ASSERT_EQ(room.status, 200) << room.body;
  EXPECT_EQ(Json(room).at("entries").at(0).at("bookingCode").as_string(), code);
  EXPECT_TRUE(Json(room).at("entries").at(0).as_object().contains("waitingSince"));
  HttpResult admitted = Fetch("POST", Consultation(code) + "/admit", "{}", caseworker);
  ASSERT_EQ(admitted.status, 200) << admitted.body;
  EXPECT_EQ(Json(admitted).at("state").as_string(), "VISIT_STATE_ADMITTED");

  // Now the citizen gets the Jitsi URL; its token is what Jitsi would accept.
  HttpResult join = Fetch("POST", Consultation(code) + "/join", "{}", citizen);
  ASSERT_EQ(join.status, 200) << join.body;
  const std::string url(Json(join).at("url").as_string());
  const std::string room_name(Json(join).at("room").as_string());
  const std::string token(Json(join).at("token").as_string());
  EXPECT_EQ(url, absl::StrCat("https://meet.stadt.test/", room_name, "?jwt=", token));
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2], JitsiSignature(parts[0] + "." + parts[1]));
  EXPECT_EQ(DecodeJwtPart(parts[0]).at("alg"), "HS256");
  const boost::json::object claims = DecodeJwtPart(parts[1]);
  EXPECT_EQ(claims.at("iss"), "stadtportal");
  EXPECT_EQ(claims.at("aud"), "jitsi");
  EXPECT_EQ(claims.at("sub"), "meet.stadt.test");
  EXPECT_EQ(claims.at("room").as_string(), room_name);
  EXPECT_EQ(claims.at("moderator"), false);
  EXPECT_EQ(claims.at("context").at("user").at("name"), "Erika Mustermann");
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  EXPECT_LE(claims.at("nbf").as_int64(), now);
  EXPECT_GT(claims.at("exp").as_int64(), now);
  // From the join lead (2 h) before the start to the end of the 30-minute
  // consultation plus the rejoin margin (20 min): a citizen who drops out
  // of a consultation that runs over can still come back.
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("nbf").as_int64(), (2 * 60 + 30 + 20) * 60);

  HttpResult verified = Fetch("POST", Consultation(code) + "/verify-token",
                              absl::StrCat(R"({"token":")", token, R"("})"));
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(Json(verified).at("room").as_string(), room_name);
  HttpResult host = Fetch("POST", Consultation(code) + "/host", "{}", caseworker);
  ASSERT_EQ(host.status, 200) << host.body;
  EXPECT_TRUE(Json(host).at("moderator").as_bool());

  // Close after the ID check the topic needs.
  EXPECT_EQ(
      Fetch("POST", Consultation(code) + "/close", R"({"outcome":"resolved"})", caseworker).status,
      400);
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/identity-checked", "{}", caseworker).status, 200);
  HttpResult closed =
      Fetch("POST", Consultation(code) + "/close", R"({"outcome":"resolved"})", caseworker);
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Json(closed).at("outcome").as_string(), "resolved");
}

// `utc_field` of `entry` on Berlin's wall clock must be its `local_field`.
void ExpectLocal(const boost::json::value& entry, const char* utc_field, const char* local_field) {
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  ASSERT_TRUE(entry.as_object().contains(utc_field)) << utc_field << " in " << entry;
  absl::Time utc;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, std::string(entry.at(utc_field).as_string()),
                              &utc, nullptr));
  EXPECT_EQ(std::string(entry.at(local_field).as_string()),
            absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", utc, berlin))
      << local_field << " in " << entry;
}

TEST_F(VideoE2eTest, SlotsConsultationsAndTheWaitingRoomGiveLocalTime) {
  HttpResult search = Fetch("GET", "/v1/video/slots?topic_id=housing&limit=3");
  ASSERT_EQ(search.status, 200) << search.body;
  const boost::json::value found = Json(search);
  for (const boost::json::value& slot : found.at("slots").as_array()) {
    EXPECT_EQ(slot.at("timeZone").as_string(), "Europe/Berlin");
    ExpectLocal(slot, "start", "localStart");
  }
  const std::string citizen = Token("citizen-local", "citizen");
  const boost::json::value booked = Book(citizen);
  ExpectLocal(booked.at("slot"), "start", "localStart");
  const std::string code(booked.at("bookingCode").as_string());
  HttpResult consent = Fetch("POST", Consultation(code) + "/consent",
                             R"({"privacyNoticeVersion":"2026-01","termsVersion":"3"})", citizen);
  ASSERT_EQ(consent.status, 200) << consent.body;
  HttpResult waiting = Fetch("POST", Consultation(code) + "/check-in", "{}", citizen);
  ASSERT_EQ(waiting.status, 200) << waiting.body;
  ExpectLocal(Json(waiting).at("slot"), "start", "localStart");

  const std::string date =
      std::string(Json(waiting).at("slot").at("localStart").as_string()).substr(0, 10);
  HttpResult room =
      Fetch("GET", "/v1/video/waiting-room/" + date, "", Caseworker("cw-anna", "social"));
  ASSERT_EQ(room.status, 200) << room.body;
  const boost::json::value entry = Json(room).at("entries").at(0);
  EXPECT_EQ(entry.at("timeZone").as_string(), "Europe/Berlin");
  ExpectLocal(entry, "start", "localStart");
  ExpectLocal(entry, "waitingSince", "localWaitingSince");
}

TEST_F(VideoE2eTest, ConsentTextsCanBeFetchedCurrentAndByVersion) {
  // Anonymous, German and English, cached like the other catalog reads.
  HttpResult current = Fetch("GET", "/v1/video/consent-texts");
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_THAT(current.headers["cache-control"], HasSubstr("max-age"));
  ASSERT_FALSE(current.headers["etag"].empty());
  const boost::json::value texts = Json(current);
  const boost::json::value& privacy = texts.at("privacyNotice");
  EXPECT_EQ(privacy.at("kind").as_string(), "privacy-notice");
  EXPECT_EQ(privacy.at("version").as_string(), "2026-01");
  EXPECT_TRUE(privacy.at("current").as_bool());
  EXPECT_THAT(std::string(privacy.at("title").at("de").as_string()), HasSubstr("Datenschutz"));
  EXPECT_THAT(std::string(privacy.at("text").at("en").as_string()), HasSubstr("recorded"));
  EXPECT_EQ(texts.at("terms").at("version").as_string(), "3");
  EXPECT_FALSE(texts.at("terms").at("text").at("de").as_string().empty());
  HttpResult unchanged = stack_->Fetch("GET", "/v1/video/consent-texts", "", "",
                                       {{"If-None-Match", current.headers["etag"]}});
  EXPECT_EQ(unchanged.status, 304);

  // An earlier version stays readable (what an older consent refers to).
  HttpResult older = Fetch("GET", "/v1/video/consent-texts/privacy-notice/2025-03");
  ASSERT_EQ(older.status, 200) << older.body;
  EXPECT_EQ(Json(older).at("version").as_string(), "2025-03");
  EXPECT_FALSE(Json(older).at("current").as_bool());
  EXPECT_NE(Json(older).at("text").at("de"), privacy.at("text").at("de"));
  HttpResult terms = Fetch("GET", "/v1/video/consent-texts/terms/3");
  ASSERT_EQ(terms.status, 200) << terms.body;
  EXPECT_TRUE(Json(terms).at("current").as_bool());
  for (const char* missing :
       {"/v1/video/consent-texts/terms/99", "/v1/video/consent-texts/privacy-notice/3",
        "/v1/video/consent-texts/cookies/3"}) {
    HttpResult refused = Fetch("GET", missing);
    EXPECT_EQ(refused.status, 404) << missing << " " << refused.body;
    EXPECT_EQ(Reason(refused), "consent_text_not_found") << missing;
  }

  // Consent to the older or an unknown version does not count.
  const std::string citizen = Token("citizen-consent", "citizen");
  const std::string code(Book(citizen).at("bookingCode").as_string());
  for (const char* body : {R"({"privacyNoticeVersion":"2025-03","termsVersion":"3"})",
                           R"({"privacyNoticeVersion":"2026-01","termsVersion":"7"})"}) {
    HttpResult refused = Fetch("POST", Consultation(code) + "/consent", body, citizen);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(Reason(refused), "consent_version_outdated") << refused.body;
  }
  HttpResult consented =
      Fetch("POST", Consultation(code) + "/consent",
            absl::StrCat(R"({"privacyNoticeVersion":")",
                         std::string(privacy.at("version").as_string()), R"(","termsVersion":")",
                         std::string(texts.at("terms").at("version").as_string()), R"("})"),
            citizen);
  ASSERT_EQ(consented.status, 200) << consented.body;
  EXPECT_EQ(Json(consented).at("state").as_string(), "VISIT_STATE_CONSENTED");
}

TEST_F(VideoE2eTest, ForeignCitizensCaseworkersAndTokensAreRefused) {
  const std::string citizen = Token("citizen-1", "citizen");
  const boost::json::value first = Book(citizen);
  const boost::json::value second = Book(Token("citizen-2", "citizen"), "max@example.org");
  const std::string code(first.at("bookingCode").as_string());
  const std::string other_code(second.at("bookingCode").as_string());

  const std::string stranger = Token("citizen-2", "citizen");
  EXPECT_EQ(Fetch("GET", Consultation(code), "", stranger).status, 404);
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/check-in", "{}", stranger).status, 404);
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/join", "{}", stranger).status, 404);
  EXPECT_EQ(Fetch("GET", Consultation(code), "", citizen).status, 200);
  // A caseworker of another department, a citizen acting as caseworker.
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/admit", "{}", Caseworker("cw-carla", "jobcentre"))
                .status,
            404);
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/admit", "{}", citizen).status, 403);
  EXPECT_EQ(
      Fetch("POST", Consultation(code) + "/admit", "{}", Caseworker("cw-zoe", "social")).status,
      403);
  // Anna's own department's consultation, but her token is scoped elsewhere.
  HttpResult unscoped =
      Fetch("POST", Consultation(code) + "/admit", "{}", Caseworker("cw-anna", "jobcentre"));
  EXPECT_EQ(unscoped.status, 403);
  EXPECT_NE(unscoped.body.find("scope_not_granted"), std::string::npos) << unscoped.body;

  // The caseworker's token for one consultation does not open another's room.
  HttpResult host =
      Fetch("POST", Consultation(code) + "/host", "{}", Caseworker("cw-anna", "social"));
  ASSERT_EQ(host.status, 200) << host.body;
  const std::string token(Json(host).at("token").as_string());
  HttpResult foreign = Fetch("POST", Consultation(other_code) + "/verify-token",
                             absl::StrCat(R"({"token":")", token, R"("})"));
  EXPECT_EQ(foreign.status, 403);
  EXPECT_THAT(foreign.body, HasSubstr("another consultation"));
  std::string altered = token;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Fetch("POST", Consultation(code) + "/verify-token",
                  absl::StrCat(R"({"token":")", altered, R"("})"))
                .status,
            403);
}

TEST_F(VideoE2eTest, BadInputGetsAClientErrorWithAReason) {
  const std::string citizen = Token("citizen-1", "citizen");
  struct Case {
    std::string method, target, body;
    int status;
    std::string message;
  };
  const Case kCases[] = {
      {"GET", "/v1/video/slots", "", 400, "topic_id"},
      {"GET", "/v1/video/slots?topic_id=NOT%20A%20TOPIC", "", 400, "topic_id"},
      {"GET", "/v1/video/slots?topic_id=fishing", "", 404, "unknown topic"},
      {"GET", "/v1/video/slots?topic_id=housing&limit=100000", "", 400, "limit"},
      {"GET", "/v1/video/slots?topic_id=housing&from_date=31.12.2026", "", 400, "from_date"},
      {"POST", "/v1/video/holds", R"({"topicId":"housing","start":"tomorrow"})", 400, ""},
      {"POST", "/v1/video/holds", R"({"topicId":"housing","start":"2020-01-01T08:00:00Z"})", 400,
       "start"},
      {"POST", "/v1/video/holds/no-such-hold/confirm",
       R"({"contact":{"name":"E","email":"e@example.org"}})", 404, ""},
      {"POST", "/v1/video/holds/x/confirm", R"({"contact":{"name":"E","email":"nope"}})", 400,
       "email"},
      {"GET", "/v1/video/consultations/..%2F..", "", 400, "booking_code"},
      {"POST", "/v1/video/consultations/AAA-BBB-CCC/consent",
       R"({"privacyNoticeVersion":"","termsVersion":"3"})", 400, "privacy_notice_version"},
      {"POST", "/v1/video/bookings/AAA-AAA-AAA/cancel", R"({"manageToken":"x"})", 404, ""},
  };
  for (const Case& c : kCases) {
    HttpResult result = Fetch(c.method, c.target, c.body, citizen);
    EXPECT_EQ(result.status, c.status) << c.method << " " << c.target << " " << result.body;
    EXPECT_FALSE(Reason(result).empty()) << c.target;
    EXPECT_THAT(result.body, HasSubstr(c.message)) << c.target;
  }
  const std::string caseworker = Caseworker("cw-anna", "social");
  HttpResult date = Fetch("GET", "/v1/video/waiting-room/yesterday", "", caseworker);
  EXPECT_EQ(date.status, 400) << date.body;
  const std::string code(Book(citizen).at("bookingCode").as_string());
  HttpResult outcome =
      Fetch("POST", Consultation(code) + "/close", R"({"outcome":"whatever"})", caseworker);
  EXPECT_EQ(outcome.status, 400);
  EXPECT_THAT(outcome.body, HasSubstr("outcome"));
  HttpResult old_terms = Fetch("POST", Consultation(code) + "/consent",
                               R"({"privacyNoticeVersion":"2025-01","termsVersion":"3"})", citizen);
  EXPECT_EQ(old_terms.status, 400);
  EXPECT_THAT(old_terms.body, HasSubstr("current privacy notice"));
  EXPECT_TRUE(stack_->service("video").Running());
}

}  // namespace
}  // namespace stadt::testing
