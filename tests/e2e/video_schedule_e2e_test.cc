// End to end: video caseworkers run their department's availability and
// absences through the gateway (real gateway, video service and Redis). The
// consultation day is two days ahead in Berlin, computed from now, so the
// test holds whenever it runs.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

// Anna and Ben (social welfare) consult around the clock, Carla is in
// another department.
constexpr char kCatalog[] = R"({
  "slot_minutes": 15,
  "departments": [{"id": "social", "name": "Sozialamt"}, {"id": "jobcentre", "name": "Jobcenter"}],
  "topics": [{"id": "housing", "name": "Wohngeld", "department_id": "social",
              "duration_minutes": 30},
             {"id": "job-advice", "name": "Beratung", "department_id": "jobcentre",
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
    {"id": "cw-ben", "name": "Ben Yilmaz", "department_id": "social", "topic_ids": ["housing"],
     "availability": [{"weekday": 1, "from": "00:00", "to": "24:00"}]},
    {"id": "cw-carla", "name": "Carla Weiss", "department_id": "jobcentre",
     "topic_ids": ["job-advice"], "availability": [{"weekday": 2, "from": "09:00", "to": "10:00"}]}]
})";

std::string Text(const boost::json::value& value) { return std::string(value.as_string()); }

class VideoScheduleE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string seed = absl::StrCat(::testing::TempDir(), "video-schedule-catalog.json");
    std::ofstream(seed) << kCatalog;
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::Start({"video"}, {{"VIDEO_SEED_FILE", seed}, {"VIDEO_MIN_NOTICE", "0s"}});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/v1/video/topics")) << stack_->Logs();
    ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin_));
    const absl::CivilDay day = absl::ToCivilDay(absl::Now(), berlin_) + 2;
    date_ = absl::FormatCivilTime(day);
    weekday_ = static_cast<int>(absl::GetWeekday(day)) + 1;  // absl: Monday = 0
    ten_ = absl::FormatTime(
        absl::RFC3339_sec,
        absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), 10, 0), berlin_),
        absl::UTCTimeZone());
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }
  std::string Token(const std::string& subject, const std::string& role) {
    return stack_->tokens().Mint(subject, {role}, absl::Now(), absl::Minutes(10));
  }
  // A video caseworker's token, scoped to the caseworker's department.
  std::string StaffToken(const std::string& subject, const std::string& department) {
    return stack_->tokens().Mint(subject, {"video_caseworker"}, absl::Now(), absl::Minutes(10),
                                 kTestIssuer, "department:" + department);
  }
  std::string Caseworker(const std::string& id) {
    return absl::StrCat("/v1/video/caseworkers/", id);
  }

  // Books `start` for a citizen; returns the booking code.
  std::string Book(const std::string& citizen, const std::string& start) {
    const std::string token = Token(citizen, "citizen");
    HttpResult hold =
        Fetch("POST", "/v1/video/holds",
              absl::StrCat(R"({"topicId":"housing","start":")", start, R"("})"), token);
    EXPECT_EQ(hold.status, 200) << hold.body;
    if (hold.status != 200) return "";
    HttpResult booked =
        Fetch("POST", absl::StrCat("/v1/video/holds/", Text(Json(hold).at("holdId")), "/confirm"),
              R"({"contact":{"name":"Erika Mustermann","email":"erika@example.org"}})", token);
    EXPECT_EQ(booked.status, 200) << booked.body;
    return booked.status == 200 ? Text(Json(booked).at("bookingCode")) : "";
  }

  std::vector<std::string> SlotsOfTheDay() {
    HttpResult slots = Fetch("GET", absl::StrCat("/v1/video/slots?topic_id=housing&limit=100",
                                                 "&from_date=", date_, "&to_date=", date_));
    EXPECT_EQ(slots.status, 200) << slots.body;
    std::vector<std::string> starts;
    if (slots.status != 200) return starts;
    const boost::json::value answer = Json(slots);
    if (!answer.as_object().contains("slots")) return starts;
    for (const boost::json::value& slot : answer.at("slots").as_array()) {
      absl::Time start;
      EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, Text(slot.at("start")), &start, nullptr));
      starts.push_back(absl::FormatTime("%H:%M", start, berlin_));
    }
    return starts;
  }

  std::unique_ptr<Stack> stack_;
  absl::TimeZone berlin_;
  std::string date_;
  int weekday_ = 0;
  std::string ten_;  // 10:00 Berlin on that day, RFC 3339
};

TEST_F(VideoScheduleE2eTest, AnAbsenceHidesSlotsListsTheConsultationAndMovesItToAColleague) {
  const std::string anna = StaffToken("cw-anna", "social");
  // Ben now consults on that weekday from 10:00 to 11:00 only (set by his colleague).
  HttpResult hours = Fetch("PUT", Caseworker("cw-ben") + "/availability",
                           absl::StrCat(R"({"availability":[{"weekday":)", weekday_,
                                        R"(,"fromMinute":600,"toMinute":660}]})"),
                           anna);
  ASSERT_EQ(hours.status, 200) << hours.body;
  HttpResult schedule = Fetch("GET", Caseworker("cw-ben") + "/schedule", "", anna);
  ASSERT_EQ(schedule.status, 200) << schedule.body;
  EXPECT_EQ(Json(schedule).at("availability").as_array().size(), 1u);
  EXPECT_EQ(Text(Json(schedule).at("timeZone")), "Europe/Berlin");

  const std::string code = Book("citizen-1", ten_);  // Anna: the tie goes by the seed order
  ASSERT_FALSE(code.empty());

  HttpResult declared =
      Fetch("POST", Caseworker("cw-anna") + "/absences",
            absl::StrCat(R"({"id":"anna-sick","fromDate":")", date_, R"(","toDate":")", date_,
                         R"(","kind":"ABSENCE_KIND_SICK"})"),
            anna);
  ASSERT_EQ(declared.status, 200) << declared.body;
  const boost::json::value declared_json = Json(declared);
  const boost::json::array& affected = declared_json.at("consultations").as_array();
  ASSERT_EQ(affected.size(), 1u) << declared.body;
  EXPECT_EQ(Text(affected[0].at("bookingCode")), code);
  EXPECT_EQ(Text(affected[0].at("outcome")), "ABSENCE_OUTCOME_AFFECTED");
  // Anna offers nothing that day any more: only Ben's hour (10:00 is free
  // with him, 10:15 and 10:30 too).
  EXPECT_THAT(SlotsOfTheDay(), ::testing::ElementsAre("10:00", "10:15", "10:30"));

  HttpResult moved = Fetch("POST", Caseworker("cw-anna") + "/absences/anna-sick/resolve",
                           R"({"action":"ABSENCE_ACTION_MOVE"})", anna);
  ASSERT_EQ(moved.status, 200) << moved.body;
  const boost::json::value report = Json(moved);
  ASSERT_EQ(report.at("consultations").as_array().size(), 1u) << moved.body;
  const boost::json::value& outcome = report.at("consultations").at(0);
  EXPECT_EQ(Text(outcome.at("outcome")), "ABSENCE_OUTCOME_MOVED");
  EXPECT_EQ(Text(outcome.at("caseworkerId")), "cw-ben");  // same time, a colleague
  EXPECT_EQ(Text(outcome.at("newStart")), Text(outcome.at("start")));
  // For the caseworker reading the report: Berlin wall-clock times beside UTC.
  EXPECT_EQ(Text(report.at("timeZone")), "Europe/Berlin");
  EXPECT_EQ(Text(outcome.at("timeZone")), "Europe/Berlin");
  EXPECT_EQ(Text(outcome.at("localStart")).substr(0, 16), absl::StrCat(date_, "T10:00"));
  EXPECT_EQ(Text(outcome.at("localNewStart")), Text(outcome.at("localStart")));

  // Retrying changes nothing.
  HttpResult again = Fetch("POST", Caseworker("cw-anna") + "/absences/anna-sick/resolve",
                           R"({"action":"ABSENCE_ACTION_MOVE"})", anna);
  ASSERT_EQ(again.status, 200) << again.body;
  const boost::json::value retried = Json(again);
  EXPECT_TRUE(!retried.as_object().contains("consultations") ||
              retried.at("consultations").as_array().empty())
      << again.body;

  // Ben's hours can no longer drop 10:00: the moved consultation is there.
  HttpResult stranded = Fetch("PUT", Caseworker("cw-ben") + "/availability",
                              absl::StrCat(R"({"availability":[{"weekday":)", weekday_,
                                           R"(,"fromMinute":660,"toMinute":720}]})"),
                              anna);
  EXPECT_EQ(stranded.status, 400) << stranded.body;
  EXPECT_EQ(Reason(stranded), "bookings_stranded") << stranded.body;
}

TEST_F(VideoScheduleE2eTest, OnlyCaseworkersOfTheDepartmentAndOnlySaneInput) {
  const std::string carla = StaffToken("cw-carla", "jobcentre");
  const std::string anna = StaffToken("cw-anna", "social");
  EXPECT_EQ(Fetch("GET", Caseworker("cw-anna") + "/schedule", "", carla).status, 404);
  EXPECT_EQ(Fetch("GET", Caseworker("cw-anna") + "/schedule", "", Token("c1", "citizen")).status,
            403);
  EXPECT_EQ(Fetch("GET", Caseworker("cw-anna") + "/schedule").status, 401);
  EXPECT_EQ(Fetch("PUT", Caseworker("cw-ben") + "/availability",
                  R"({"availability":[{"weekday":9,"fromMinute":600,"toMinute":660}]})", anna)
                .status,
            400);
  EXPECT_EQ(Fetch("POST", Caseworker("cw-anna") + "/absences",
                  R"({"id":"x","fromDate":"2037-12-02","toDate":"2037-12-01",)"
                  R"("kind":"ABSENCE_KIND_SICK"})",
                  anna)
                .status,
            400);
  EXPECT_EQ(Fetch("POST", Caseworker("cw-anna") + "/absences/none/resolve",
                  R"({"action":"ABSENCE_ACTION_LIST"})", anna)
                .status,
            404);
}

}  // namespace
}  // namespace stadt::testing
