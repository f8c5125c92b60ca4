// End to end: what citizens read in the appointments catalog (service pages
// with documents and fees, offices' languages, the districts list, filters
// that ignore case and accents, slots with the office's name and local time),
// and the KPI "days to the next free slot" measured by the appointments
// service itself, shown by the real monitoring service. All through the real
// binaries and gateways, with the seed catalog; nothing depends on today's date.
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

namespace json = boost::json;

// An int64 in proto JSON is a string; smaller numbers are numbers.
double Number(const json::value& value) {
  if (value.is_string()) return std::stod(std::string(value.as_string()));
  return value.to_number<double>();
}

std::string Text(const json::value& value) { return std::string(value.as_string()); }

class AppointmentsCatalogE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin_)); }

  void StartAppointments(std::map<std::string, std::string> env = {}) {
    StackOptions options;
    options.service_env = std::move(env);
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "appointments"}};
    absl::StatusOr<std::unique_ptr<Stack>> stack = Stack::StartWith({"appointments"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  HttpResult Get(const std::string& target) { return stack_->Fetch("GET", target, "", ""); }

  std::vector<std::string> OfficeIds(const std::string& target) {
    HttpResult offices = Get(target);
    EXPECT_EQ(offices.status, 200) << offices.body;
    std::vector<std::string> ids;
    if (offices.status != 200) return ids;
    const json::value answer = Json(offices);
    if (!answer.as_object().contains("offices")) return ids;
    for (const json::value& office : answer.at("offices").as_array()) {
      ids.push_back(Text(office.at("id")));
    }
    return ids;
  }

  absl::TimeZone berlin_;
  std::unique_ptr<Stack> stack_;
};

TEST_F(AppointmentsCatalogE2eTest, ServicePagesCarryDocumentsAndFeesGermanFirst) {
  StartAppointments();
  HttpResult services = Get("/v1/offices/mitte/services");
  ASSERT_EQ(services.status, 200) << services.body;
  std::optional<json::object> passport;
  const json::value services_json = Json(services);
  for (const json::value& service : services_json.at("services").as_array()) {
    if (service.at("id").as_string() == "passport") passport = service.as_object();
  }
  ASSERT_TRUE(passport.has_value()) << services.body;
  EXPECT_EQ(Text(passport->at("title").at("de")), "Reisepass beantragen");
  EXPECT_EQ(Text(passport->at("title").at("en")), "Apply for a passport");
  const json::array& documents = passport->at("requiredDocuments").as_array();
  ASSERT_GE(documents.size(), 2u);
  EXPECT_THAT(Text(documents[1].at("de")), ::testing::HasSubstr("Passfoto"));
  EXPECT_THAT(Text(documents[1].at("en")), ::testing::HasSubstr("photo"));
  EXPECT_EQ(Number(passport->at("fee").at("cents")), 7000);
  EXPECT_EQ(Text(passport->at("fee").at("currency")), "EUR");
  EXPECT_EQ(Text(passport->at("feeNote").at("de")), "Unter 24 Jahren 37,50 €");
}

TEST_F(AppointmentsCatalogE2eTest, OfficesListTheirLanguagesAndDistrictsAreListed) {
  StartAppointments();
  HttpResult office = Get("/v1/offices/mitte");
  ASSERT_EQ(office.status, 200) << office.body;
  std::vector<std::string> languages;
  const json::value office_json = Json(office);
  for (const json::value& code : office_json.at("languages").as_array()) {
    languages.push_back(Text(code));
  }
  EXPECT_THAT(languages, ::testing::ElementsAre("de", "en", "tr", "it"));

  HttpResult districts = Get("/v1/districts");
  ASSERT_EQ(districts.status, 200) << districts.body;
  EXPECT_THAT(districts.headers["cache-control"], ::testing::HasSubstr("max-age"));
  std::vector<std::pair<std::string, double>> listed;
  const json::value districts_json = Json(districts);
  for (const json::value& district : districts_json.at("districts").as_array()) {
    listed.emplace_back(Text(district.at("name")), Number(district.at("officeCount")));
  }
  EXPECT_THAT(listed, ::testing::ElementsAre(
                          ::testing::Pair("Bad Cannstatt", 1), ::testing::Pair("Degerloch", 1),
                          ::testing::Pair("Feuerbach", 1), ::testing::Pair("Mitte", 1),
                          ::testing::Pair("Vaihingen", 1), ::testing::Pair("Zuffenhausen", 1)));
}

TEST_F(AppointmentsCatalogE2eTest, DistrictFiltersIgnoreCaseAccentsAndHyphens) {
  StartAppointments();
  for (const char* district : {"bad-cannstatt", "BAD%20CANNSTATT", "B%C3%A4d%20Cannstatt"}) {
    EXPECT_THAT(OfficeIds(absl::StrCat("/v1/offices?district=", district)),
                ::testing::ElementsAre("bad-cannstatt"))
        << district;
  }
  EXPECT_THAT(OfficeIds("/v1/offices?district=mitte"), ::testing::ElementsAre("mitte"));
  EXPECT_THAT(OfficeIds("/v1/offices?district=mitt"), ::testing::IsEmpty());

  HttpResult slots = Get("/v1/slots?service_ids=id-card&district=bad%20CANNSTATT&limit=3");
  ASSERT_EQ(slots.status, 200) << slots.body;
  const json::value slots_json = Json(slots);
  const json::array& found = slots_json.at("slots").as_array();
  ASSERT_FALSE(found.empty()) << slots.body;  // weekdays within the horizon, whenever it runs
  for (const json::value& slot : found) EXPECT_EQ(Text(slot.at("officeId")), "bad-cannstatt");
}

TEST_F(AppointmentsCatalogE2eTest, OfficesAndSlotsFilterByASpokenLanguageInAnyCase) {
  StartAppointments();
  // Seed catalog: Turkish at Bad Cannstatt and Mitte, French at Vaihingen only.
  EXPECT_THAT(OfficeIds("/v1/offices?language=tr"),
              ::testing::ElementsAre("bad-cannstatt", "mitte"));
  EXPECT_THAT(OfficeIds("/v1/offices?language=TR"),
              ::testing::ElementsAre("bad-cannstatt", "mitte"));
  EXPECT_THAT(OfficeIds("/v1/offices?language=tr&district=mitte"), ::testing::ElementsAre("mitte"));
  EXPECT_THAT(OfficeIds("/v1/offices?language=Hr"), ::testing::ElementsAre("zuffenhausen"));
  // A real code nobody speaks is an empty list, not an error.
  EXPECT_THAT(OfficeIds("/v1/offices?language=ja"), ::testing::IsEmpty());

  // Pages hold only matching offices, and the token leads to the next one.
  HttpResult first = Get("/v1/offices?language=tr&page_size=1");
  ASSERT_EQ(first.status, 200) << first.body;
  const json::value first_json = Json(first);
  ASSERT_EQ(first_json.at("offices").as_array().size(), 1u);
  EXPECT_EQ(Text(first_json.at("offices").at(0).at("id")), "bad-cannstatt");
  EXPECT_THAT(OfficeIds(absl::StrCat("/v1/offices?language=tr&page_size=1&page_token=",
                                     Text(first_json.at("nextPageToken")))),
              ::testing::ElementsAre("mitte"));

  for (const char* bad : {"xx", "turkish", "t", "t%C3%BC", "tr,de"}) {
    HttpResult refused = Get(absl::StrCat("/v1/offices?language=", bad));
    EXPECT_EQ(refused.status, 400) << bad << " " << refused.body;
    EXPECT_EQ(Reason(refused), "bad_language") << bad;
    HttpResult english =
        stack_->Fetch("GET", absl::StrCat("/v1/slots?service_ids=id-card&language=", bad), "", "",
                      {{"Accept-Language", "en"}});
    EXPECT_EQ(english.status, 400) << bad << " " << english.body;
    EXPECT_EQ(Reason(english), "bad_language") << bad;
    EXPECT_THAT(Text(Json(english).at("message")), ::testing::HasSubstr("ISO 639-1"));
  }

  // The search looks at French-speaking offices only (weekdays within the horizon, whenever it
  // runs).
  HttpResult slots = Get("/v1/slots?service_ids=id-card&language=FR&limit=5");
  ASSERT_EQ(slots.status, 200) << slots.body;
  const json::value slots_json = Json(slots);
  ASSERT_FALSE(slots_json.at("slots").as_array().empty()) << slots.body;
  for (const json::value& slot : slots_json.at("slots").as_array()) {
    EXPECT_EQ(Text(slot.at("officeId")), "vaihingen");
  }
  HttpResult nobody = Get("/v1/slots?service_ids=id-card&language=ja");
  ASSERT_EQ(nobody.status, 200) << nobody.body;
  const json::value nobody_json = Json(nobody);
  EXPECT_TRUE(!nobody_json.as_object().contains("slots") ||
              nobody_json.at("slots").as_array().empty())
      << nobody.body;
}

TEST_F(AppointmentsCatalogE2eTest, SlotsHoldsAndBookingsNameTheOfficeAndTheLocalTime) {
  StartAppointments({{"APPOINTMENTS_MIN_NOTICE", "0s"}});
  HttpResult slots = Get("/v1/slots?service_ids=id-card&office_ids=vaihingen&limit=2");
  ASSERT_EQ(slots.status, 200) << slots.body;
  const json::value slots_json = Json(slots);
  const json::array& found = slots_json.at("slots").as_array();
  ASSERT_FALSE(found.empty()) << slots.body;
  for (const json::value& slot : found) {
    EXPECT_EQ(Text(slot.at("officeName")), "Buergerbuero Vaihingen");
    EXPECT_EQ(Text(slot.at("timeZone")), "Europe/Berlin");
    absl::Time utc;
    absl::Time local;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, Text(slot.at("start")), &utc, nullptr));
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, Text(slot.at("localStart")), &local, nullptr));
    EXPECT_EQ(utc, local);  // the same instant
    // Written as the office's wall clock reads it (+01:00 in winter, +02:00 in summer).
    EXPECT_EQ(Text(slot.at("localStart")), absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", utc, berlin_));
  }

  const std::string token =
      stack_->tokens().Mint("citizen-1", {"citizen"}, absl::Now(), absl::Minutes(5), kTestIssuer);
  HttpResult hold =
      stack_->Fetch("POST", "/v1/holds",
                    absl::StrCat(R"({"officeId":"vaihingen","serviceIds":["id-card"],"start":")",
                                 Text(found[0].at("start")), R"("})"),
                    token);
  ASSERT_EQ(hold.status, 200) << hold.body;
  EXPECT_EQ(Text(Json(hold).at("slot").at("officeName")), "Buergerbuero Vaihingen");
  HttpResult booked =
      stack_->Fetch("POST", absl::StrCat("/v1/holds/", Text(Json(hold).at("holdId")), "/confirm"),
                    R"({"contact":{"name":"Erika","email":"erika@example.org"}})", token);
  ASSERT_EQ(booked.status, 200) << booked.body;
  EXPECT_EQ(Text(Json(booked).at("slot").at("officeName")), "Buergerbuero Vaihingen");
  EXPECT_EQ(Text(Json(booked).at("slot").at("localStart")), Text(found[0].at("localStart")));
}

// The series of one KPI by a dimension: value -> samples over the range.
std::map<std::string, double> SamplesByValue(const HttpResult& series) {
  std::map<std::string, double> samples;
  if (series.status != 200) return samples;
  const json::value series_json = Json(series);
  for (const json::value& line : series_json.at("series").as_array()) {
    const json::object& object = line.as_object();
    const std::string value =
        object.contains("dimensionValue") ? Text(object.at("dimensionValue")) : std::string();
    for (const json::value& point : object.at("points").as_array()) {
      if (point.as_object().contains("samples")) samples[value] += Number(point.at("samples"));
    }
  }
  return samples;
}

TEST_F(AppointmentsCatalogE2eTest, TheMonitoringServiceShowsDaysToTheNextFreeSlotPerService) {
  // Monitoring first (its own stack), so appointments can be pointed at it.
  absl::StatusOr<std::unique_ptr<Stack>> monitoring = Stack::Start({"monitoring"}, {});
  ASSERT_TRUE(monitoring.ok()) << monitoring.status();
  ASSERT_TRUE((*monitoring)->WaitUntil(200, "/v1/monitoring/kpis")) << (*monitoring)->Logs();
  StartAppointments({{"MONITORING_ADDRESS",
                      absl::StrCat("127.0.0.1:", (*monitoring)->service_port("monitoring"))},
                     {"KPI_FLUSH_INTERVAL", "50ms"}});

  // Measured at start, for every office and service, without any search.
  const std::string target =
      "/v1/monitoring/kpis/appointments_days_to_next_free_slot/series?dimension=service";
  std::map<std::string, double> samples;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    samples = SamplesByValue((*monitoring)->Fetch("GET", target, "", ""));
    if (samples["passport"] >= 6 && samples["id-card"] >= 6) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  // Six offices offer ID cards (seed catalog): one measurement each per
  // period (a second one if the test runs across a full hour).
  EXPECT_GE(samples["id-card"], 6) << stack_->Logs() << (*monitoring)->Logs();
  EXPECT_GE(samples["passport"], 6);
  EXPECT_GE(samples["certificate-of-conduct"], 2);  // offered at two offices
  EXPECT_EQ(samples[""], samples["id-card"] + samples["passport"] + samples["registration"] +
                             samples["certificate-of-conduct"] + samples["residence-certificate"] +
                             samples["id-card-collection"]);

  HttpResult by_office =
      (*monitoring)
          ->Fetch("GET",
                  "/v1/monitoring/kpis/appointments_days_to_next_free_slot/series?dimension=office",
                  "", "");
  ASSERT_EQ(by_office.status, 200) << by_office.body;
  EXPECT_GT(SamplesByValue(by_office)["mitte"], 0);
}

}  // namespace
}  // namespace stadt::testing
