// End to end: a citizen who used all four services (and has mails queued)
// exports everything stored about them through GET /v1/me/data, erases it
// through DELETE /v1/me/data, and then a scan of every key in Redis finds
// nothing of them outside what the retention classes keep (issue 18).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/store/booking_keys.h"
#include "services/common/redis/redis_client.h"
#include "tests/e2e/parking_test_tariffs.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

using ::testing::IsEmpty;

// Everything that names the citizen, as they typed it.
constexpr char kSubject[] = "citizen-erasure-7f3a";
constexpr char kName[] = "Henrietta Loeschmann";
constexpr char kEmail[] = "henrietta.loeschmann@example.org";
constexpr char kPhone[] = "+49 711 5550199";
constexpr char kPlate[] = "S-HL 4711";
constexpr char kPlateCompact[] = "S-HL4711";
constexpr char kChildName[] = "Kunigunde Loeschmann";
constexpr char kBirthDate[] = "2023-04-05";
constexpr char kStreet[] = "Pfarrstraße";
constexpr char kSeason[] = "/v1/daycare/seasons/kita-2027";

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

// One key's name and everything in it, as text, whatever its type.
std::vector<std::string> Contents(redis::Client& redis, const std::string& key) {
  std::vector<std::string> out = {key};
  absl::StatusOr<redis::Reply> type = redis.Command({"TYPE", key});
  if (!type.ok()) return out;
  std::vector<std::string> read;
  if (type->str == "string") read = {"GET", key};
  if (type->str == "hash") read = {"HGETALL", key};
  if (type->str == "set") read = {"SMEMBERS", key};
  if (type->str == "zset") read = {"ZRANGE", key, "0", "-1"};
  if (type->str == "list") read = {"LRANGE", key, "0", "-1"};
  if (type->str == "stream") read = {"XRANGE", key, "-", "+"};
  if (read.empty()) return out;
  absl::StatusOr<redis::Reply> reply = redis.Command(read);
  if (!reply.ok()) return out;
  // Flattens nested arrays (a stream's entries hold their fields).
  std::vector<const redis::Reply*> pending = {&*reply};
  while (!pending.empty()) {
    const redis::Reply* next = pending.back();
    pending.pop_back();
    if (!next->str.empty()) out.push_back(next->str);
    for (const redis::Reply& element : next->elements) pending.push_back(&element);
  }
  return out;
}

// Every key (all types) and what in it contains one of `needles`:
// "key: needle" lines.
std::vector<std::string> ScanFor(redis::Client& redis, const std::vector<std::string>& needles) {
  std::vector<std::string> hits;
  // Every key of every primary (a plain SCAN sees one node of a cluster).
  absl::StatusOr<std::vector<std::string>> keys = redis.ScanKeys("*");
  EXPECT_TRUE(keys.ok()) << keys.status();
  for (const std::string& key : keys.value_or(std::vector<std::string>{})) {
    for (const std::string& text : Contents(redis, key)) {
      for (const std::string& needle : needles) {
        if (text.find(needle) != std::string::npos) hits.push_back(key + ": " + needle);
      }
    }
  }
  return hits;
}

class DataRightsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Charged around the clock, so that the session costs at any hour.
    const std::map<std::string, std::string> env = {
        {"PARKING_TARIFFS_FILE", WriteTariffsFile(kAroundTheClockTariffs)}};
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::Start(
        {"appointments", "video", "daycare", "parking", "notifications", "privacy"}, env);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    for (const char* route : {"/v1/video/topics", "/v1/parking/zones/4401", "/v1/offices"}) {
      ASSERT_TRUE(stack_->WaitUntil(200, route)) << route << stack_->Logs();
    }
    redis_ = redis::Client::Create(stack_->redis_client_options());
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }
  std::string Citizen(const std::string& subject = kSubject) {
    return stack_->tokens().Mint(subject, {"citizen"}, absl::Now(), absl::Minutes(10));
  }
  // Sets up the daycare season (a coordinator); staff never reach a citizen's data.
  std::string Caseworker() {
    return stack_->tokens().Mint("coordinator-7", {"daycare_coordinator", "daycare_caseworker"},
                                 absl::Now(), absl::Minutes(10));
  }
  std::string Contact() const {
    return absl::StrCat(R"({"contact":{"name":")", kName, R"(","email":")", kEmail,
                        R"(","phone":")", kPhone, R"("}})");
  }

  // Books the earliest appointment for a passport; returns the booking code.
  std::string BookAppointment(const std::string& token, const std::string& contact) {
    HttpResult search = Fetch("GET", "/v1/slots?service_ids=passport&limit=1");
    EXPECT_EQ(search.status, 200) << search.body;
    const boost::json::value slot = Json(search).at("slots").at(0);
    HttpResult hold =
        Fetch("POST", "/v1/holds",
              absl::StrCat(R"({"officeId":")", std::string(slot.at("officeId").as_string()),
                           R"(","serviceIds":["passport"],"start":")",
                           std::string(slot.at("start").as_string()), R"("})"),
              token);
    EXPECT_EQ(hold.status, 200) << hold.body;
    const std::string hold_id(Json(hold).at("holdId").as_string());
    HttpResult booked = Fetch("POST", "/v1/holds/" + hold_id + "/confirm", contact, token);
    EXPECT_EQ(booked.status, 200) << booked.body;
    return std::string(Json(booked).at("bookingCode").as_string());
  }

  std::string BookConsultation(const std::string& token) {
    HttpResult search = Fetch("GET", "/v1/video/slots?topic_id=basic-income-advice&limit=1");
    EXPECT_EQ(search.status, 200) << search.body;
    const std::string start(Json(search).at("slots").at(0).at("start").as_string());
    HttpResult hold =
        Fetch("POST", "/v1/video/holds",
              absl::StrCat(R"({"topicId":"basic-income-advice","start":")", start, R"("})"), token);
    EXPECT_EQ(hold.status, 200) << hold.body;
    const std::string hold_id(Json(hold).at("holdId").as_string());
    HttpResult booked =
        Fetch("POST", absl::StrCat("/v1/video/holds/", hold_id, "/confirm"), Contact(), token);
    EXPECT_EQ(booked.status, 200) << booked.body;
    return std::string(Json(booked).at("bookingCode").as_string());
  }

  std::string ApplyForDaycare(const std::string& token) {
    const std::string caseworker = Caseworker();
    HttpResult programs =
        Fetch("PUT", absl::StrCat(kSeason, "/programs"),
              R"({"programs":[{"id":"K1","capacity":1,"name":"Kita Sonne"}]})", caseworker);
    EXPECT_EQ(programs.status, 200) << programs.body;
    HttpResult open =
        Fetch("POST", absl::StrCat(kSeason, "/period"), R"({"period":"PERIOD_OPEN"})", caseworker);
    EXPECT_EQ(open.status, 200) << open.body;
    HttpResult applied =
        Fetch("POST", absl::StrCat(kSeason, "/applications"),
              absl::StrCat(R"({"choices":["K1"],"childName":")", kChildName, R"(","birthDate":")",
                           kBirthDate, R"(","guardianName":")", kName, R"(","guardianEmail":")",
                           kEmail, R"(","guardianPhone":")", kPhone, R"("})"),
              token);
    EXPECT_EQ(applied.status, 200) << applied.body;
    return std::string(Json(applied).at("application").at("id").as_string());
  }

  std::string StartParking(const std::string& token) {
    HttpResult started =
        Fetch("POST", "/v1/parking/sessions",
              absl::StrCat(R"({"zoneId":"4401","plate":")", kPlate, R"(","plannedEndTime":")",
                           Rfc3339(absl::Now() + absl::Minutes(30)),
                           R"(","idempotencyKey":"start-erasure-1"})"),
              token);
    EXPECT_EQ(started.status, 200) << started.body;
    return std::string(Json(started).at("id").as_string());
  }

  // A residents' permit application (pending), with the citizen's address.
  std::string ApplyForPermit(const std::string& token) {
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    HttpResult applied = Fetch(
        "POST", "/v1/parking/permit-applications",
        absl::StrCat(R"({"plate":")", kPlate, R"(","area":"S-Mitte","street":")", kStreet,
                     R"(","houseNumber":"17","validFrom":")", absl::FormatCivilTime(today + 1),
                     R"(","validUntil":")", absl::FormatCivilTime(today + 60), R"("})"),
        token);
    EXPECT_EQ(applied.status, 200) << applied.body;
    return std::string(Json(applied).at("id").as_string());
  }

  // Mails of a booking service waiting for a retry, in all its buckets.
  int64_t QueuedRetries(const std::string& service) {
    std::vector<std::vector<std::string>> counts;
    const booking::BookingKeys keys = booking::BookingKeys::Spread(service);
    for (const std::string& bucket : keys.Buckets()) {
      counts.push_back({"ZCARD", absl::StrCat(bucket, "notify:retry")});
    }
    absl::StatusOr<std::vector<redis::Reply>> queued = redis_->Pipeline(counts);
    int64_t total = 0;
    for (const redis::Reply& count : queued.value_or(std::vector<redis::Reply>{})) {
      total += count.integer;
    }
    return total;
  }

  // Waits until the mailer has queued the booking mails for a retry (no
  // mail server answers): the citizen's e-mail events sit in the outboxes
  // and the retry queues.
  bool WaitForQueuedMails() {
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (QueuedRetries("appt") > 0 && QueuedRetries("video") > 0) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  // The part of an export or erasure answer for `service`.
  static boost::json::object Part(const boost::json::value& answer, const std::string& service) {
    for (const boost::json::value& part : answer.at("services").as_array()) {
      if (part.at("service").as_string() == service) return part.as_object();
    }
    ADD_FAILURE() << "no part for " << service;
    return {};
  }
  static boost::json::array Records(const boost::json::value& answer, const std::string& service) {
    const boost::json::object part = Part(answer, service);
    const boost::json::value* records = part.if_contains("records");
    return records == nullptr ? boost::json::array() : records->as_array();
  }

  std::unique_ptr<Stack> stack_;
  std::unique_ptr<redis::Client> redis_;
};

TEST_F(DataRightsE2eTest, ExportThenErasureLeavesNothingButTheKeptReceipt) {
  const std::string citizen = Citizen();
  const std::string appointment = BookAppointment(citizen, Contact());
  const std::string consultation = BookConsultation(citizen);
  const std::string application = ApplyForDaycare(citizen);
  const std::string session = StartParking(citizen);
  const std::string permit_application = ApplyForPermit(citizen);
  ASSERT_FALSE(HasFailure()) << stack_->Logs();
  // Someone else's booking stays untouched.
  const std::string other = BookAppointment(
      Citizen("citizen-other"), R"({"contact":{"name":"Otto Normal","email":"otto@example.org"}})");
  ASSERT_TRUE(WaitForQueuedMails()) << stack_->Logs();

  // Access: one document, a part per service.
  EXPECT_EQ(Fetch("GET", "/v1/me/data").status, 401);
  HttpResult exported = Fetch("GET", "/v1/me/data", "", citizen);
  ASSERT_EQ(exported.status, 200) << exported.body;
  const boost::json::value data = Json(exported);
  EXPECT_EQ(data.at("subject").as_string(), kSubject);
  const boost::json::array bookings = Records(data, "appointments");
  ASSERT_EQ(bookings.size(), 1u) << exported.body;
  EXPECT_EQ(bookings[0].at("id").as_string(), appointment);
  EXPECT_EQ(bookings[0].at("fields").at("email").as_string(), kEmail);
  EXPECT_EQ(bookings[0].at("retentionClass").as_string(), "RETENTION_CLASS_SERVICE_RECORD");
  const boost::json::array consultations = Records(data, "video");
  ASSERT_EQ(consultations.size(), 1u) << exported.body;
  EXPECT_EQ(consultations[0].at("id").as_string(), consultation);
  const boost::json::array applications = Records(data, "daycare");
  ASSERT_EQ(applications.size(), 1u) << exported.body;
  EXPECT_EQ(applications[0].at("id").as_string(), application);
  EXPECT_EQ(applications[0].at("fields").at("child_name").as_string(), kChildName);
  EXPECT_EQ(applications[0].at("fields").at("child_birth_date").as_string(), kBirthDate);
  const boost::json::array parking_records = Records(data, "parking");
  ASSERT_EQ(parking_records.size(), 2u) << exported.body;
  EXPECT_EQ(parking_records[0].at("id").as_string(), session);
  EXPECT_EQ(parking_records[0].at("fields").at("plate").as_string(), kPlate);
  EXPECT_EQ(parking_records[0].at("retentionClass").as_string(), "RETENTION_CLASS_TAX_RECORD");
  EXPECT_EQ(parking_records[1].at("id").as_string(), permit_application);
  EXPECT_EQ(parking_records[1].at("kind").as_string(), "parking_permit_application");
  EXPECT_EQ(parking_records[1].at("fields").at("street").as_string(), kStreet);

  // The scan sees the citizen before the erasure (it would find them after).
  const std::vector<std::string> needles = {
      kSubject,   kName,       kEmail,       kPhone,      kPlate,  kPlateCompact,     kChildName,
      kBirthDate, appointment, consultation, application, kStreet, permit_application};
  const std::vector<std::string> before = ScanFor(*redis_, needles);
  for (const std::string& needle : {std::string(kSubject), std::string(kPlate), application,
                                    appointment, std::string(kStreet)}) {
    EXPECT_TRUE(std::any_of(before.begin(), before.end(),
                            [&](const std::string& hit) { return hit.ends_with(": " + needle); }))
        << needle << " not found before the erasure";
  }
  // Daycare keeps the child sealed at rest: not even before the erasure in plain.
  for (const std::string& needle : {std::string(kChildName), std::string(kBirthDate)}) {
    EXPECT_FALSE(std::any_of(before.begin(), before.end(),
                             [&](const std::string& hit) { return hit.ends_with(": " + needle); }))
        << needle << " stored in plain";
  }

  // A running parking session is refused first, before anything is erased.
  HttpResult refused = Fetch("DELETE", "/v1/me/data", "", citizen);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Reason(refused), "session_running");
  EXPECT_EQ(Records(Json(Fetch("GET", "/v1/me/data", "", citizen)), "appointments").size(), 1u);
  HttpResult stopped = Fetch("POST", absl::StrCat("/v1/parking/sessions/", session, "/stop"),
                             R"({"idempotencyKey":"stop-erasure-1"})", citizen);
  ASSERT_EQ(stopped.status, 200) << stopped.body;

  // Erasure: everything goes but the parking receipt, kept without the person.
  HttpResult erased = Fetch("DELETE", "/v1/me/data", "", citizen);
  ASSERT_EQ(erased.status, 200) << erased.body;
  const boost::json::value report = Json(erased);
  const boost::json::object parking = Part(report, "parking");
  ASSERT_TRUE(parking.contains("kept")) << erased.body;
  ASSERT_EQ(parking.at("kept").as_array().size(), 1u);
  const boost::json::value& kept = parking.at("kept").as_array()[0];
  EXPECT_EQ(kept.at("id").as_string(), session);
  EXPECT_EQ(kept.at("retentionClass").as_string(), "RETENTION_CLASS_TAX_RECORD");
  EXPECT_FALSE(kept.at("reasonDe").as_string().empty());
  EXPECT_FALSE(kept.at("reasonEn").as_string().empty());
  for (const char* service : {"appointments", "video", "daycare", "notifications"}) {
    const boost::json::object part = Part(report, service);
    EXPECT_GT(part.at("erased").to_number<int64_t>(), 0) << service << ": " << erased.body;
  }

  // Nothing of the citizen is left anywhere; the kept receipt names no one.
  EXPECT_THAT(ScanFor(*redis_, needles), IsEmpty());
  const std::vector<std::string> receipt = ScanFor(*redis_, {session});
  for (const std::string& hit : receipt) {
    EXPECT_TRUE(hit.find(":session:" + session) != std::string::npos) << hit;
  }
  // The other citizen's booking is still there.
  absl::StatusOr<redis::Reply> others = redis_->Command(
      {"EXISTS", absl::StrCat(booking::BookingKeys::Spread("appt").For(other), "booking:", other)});
  ASSERT_TRUE(others.ok());
  EXPECT_EQ(others->integer, 1);

  // The export is empty now, and a retried erasure erases nothing twice.
  const boost::json::value after = Json(Fetch("GET", "/v1/me/data", "", citizen));
  for (const char* service : {"appointments", "video", "daycare", "parking"}) {
    EXPECT_THAT(Records(after, service), IsEmpty()) << service;
  }
  HttpResult again = Fetch("DELETE", "/v1/me/data", "", citizen);
  ASSERT_EQ(again.status, 200) << again.body;
  for (const char* service : {"appointments", "video", "daycare", "notifications", "parking"}) {
    EXPECT_EQ(Part(Json(again), service).at("erased").to_number<int64_t>(), 0) << again.body;
  }
}

TEST_F(DataRightsE2eTest, OnlyCitizensReachTheirData) {
  const std::string caseworker = Caseworker();
  EXPECT_EQ(Fetch("GET", "/v1/me/data", "", caseworker).status, 403);
  EXPECT_EQ(Fetch("DELETE", "/v1/me/data", "", caseworker).status, 403);
  // A citizen without any data gets an empty document, and erasing it is fine.
  HttpResult empty = Fetch("GET", "/v1/me/data", "", Citizen("citizen-new"));
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_THAT(Records(Json(empty), "appointments"), IsEmpty());
  EXPECT_EQ(Fetch("DELETE", "/v1/me/data", "", Citizen("citizen-new")).status, 200);
}

}  // namespace
}  // namespace stadt::testing
