// The audit trail end to end (issue 18): staff actions through the gateway
// each leave one record the data-protection officer finds by actor and by
// object; a citizen's own actions leave none; a record altered in Redis makes
// the chain check name it.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "gtest/gtest.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/stack.h"

namespace stadt::testing {
namespace {

constexpr char kSeason[] = "/v1/daycare/seasons/kita-2099";
constexpr char kPutOffice[] = "stadt.appointments.v1.Appointments/PutOffice";
constexpr char kPublishRound[] = "stadt.daycare.v1.Daycare/PublishRound";
constexpr char kCreatePermit[] = "stadt.parking.v1.Parking/CreatePermit";
constexpr char kApprovePermit[] = "stadt.parking.v1.Parking/ApprovePermitApplication";

// The Berlin calendar date `days` days after today.
std::string BerlinDate(int days) {
  absl::TimeZone berlin;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), berlin) + days);
}

class AuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.gateway_env = {{"GATEWAY_READINESS_BACKENDS", "audit,appointments,daycare,parking"}};
    absl::StatusOr<std::unique_ptr<Stack>> stack =
        Stack::StartWith({"audit", "appointments", "daycare", "parking"}, options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    ASSERT_TRUE(stack_->WaitUntil(200, "/readyz")) << stack_->Logs();
  }

  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "") {
    return stack_->Fetch(method, target, body, token);
  }
  std::string Token(const std::string& subject, std::vector<std::string> roles,
                    const std::string& scope = "") {
    return stack_->tokens().Mint(subject, roles, absl::Now(), absl::Minutes(10), kTestIssuer,
                                 scope);
  }
  std::string Dpo() { return Token("dpo-1", {"data_protection_officer"}); }

  // The records a query of the DPO finds.
  boost::json::array Records(const std::string& query) {
    HttpResult result = Fetch("GET", absl::StrCat("/v1/audit/records?", query), "", Dpo());
    EXPECT_EQ(result.status, 200) << result.body;
    boost::json::value json = Json(result);
    if (!json.is_object() || !json.as_object().contains("records")) return {};
    return json.at("records").as_array();
  }
  static int CountRpc(const boost::json::array& records, const std::string& rpc) {
    int count = 0;
    for (const boost::json::value& record : records) {
      if (record.at("entry").at("rpc").as_string() == rpc) ++count;
    }
    return count;
  }
  static bool NamesObject(const boost::json::value& record, const std::string& id) {
    const boost::json::value* objects = record.at("entry").as_object().if_contains("objects");
    if (objects == nullptr) return false;
    for (const boost::json::value& object : objects->as_array()) {
      if (object.at("id").as_string() == id) return true;
    }
    return false;
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(AuditE2eTest, StaffActionsLeaveOneFindableRecordAndTamperingIsFound) {
  // An office administrator changes an office's hours.
  const std::string office_admin = Token("office-admin-1", {"office_admin"}, "office:*");
  const std::string office =
      R"({"name":"Buergerbuero Ost","district":"Ost","address":{"street":"B 2",)"
      R"("postalCode":"70190","city":"Stuttgart"},"serviceIds":["id-card"],)"
      R"("counters":[{"weekday":1,"fromMinute":480,"toMinute":720,"counters":2}]})";
  HttpResult hours = Fetch("PUT", "/v1/offices/ost", office, office_admin);
  ASSERT_EQ(hours.status, 200) << hours.body;

  // A daycare coordinator sets up a season and publishes its first round.
  const std::string coordinator = Token("coordinator-1", {"daycare_coordinator"});
  ASSERT_EQ(Fetch("PUT", absl::StrCat(kSeason, "/programs"),
                  R"({"programs":[{"id":"K1","capacity":1,"name":"Kita Sonne"}]})", coordinator)
                .status,
            200);
  ASSERT_EQ(Fetch("PUT", absl::StrCat(kSeason, "/policy"),
                  R"({"policyJson":"{\"max_choices\":1,\"criteria\":[]}"})", coordinator)
                .status,
            200);
  ASSERT_EQ(
      Fetch("POST", absl::StrCat(kSeason, "/period"), R"({"period":"PERIOD_OPEN"})", coordinator)
          .status,
      200);
  ASSERT_EQ(
      Fetch("POST", absl::StrCat(kSeason, "/period"), R"({"period":"PERIOD_CLOSED"})", coordinator)
          .status,
      200);
  HttpResult round =
      Fetch("POST", absl::StrCat(kSeason, "/rounds"),
            R"({"seed":"7","round":1,"deadline":"2099-01-01T00:00:00Z"})", coordinator);
  ASSERT_EQ(round.status, 200) << round.body;

  // A parking administrator creates a permit and approves a citizen's application.
  const std::string parking_admin = Token("parking-admin-1", {"parking_admin"});
  HttpResult permit =
      Fetch("POST", "/v1/parking/permits",
            absl::StrCat(R"({"plate":"S-AU 1","area":"S-Mitte","validFrom":")", BerlinDate(0),
                         R"(","validUntil":")", BerlinDate(30), "\"}"),
            parking_admin);
  ASSERT_EQ(permit.status, 200) << permit.body;
  const std::string permit_id(Json(permit).at("id").as_string());

  // The citizen's own application is no staff action: no record.
  const std::string citizen = Token("citizen-9", {"citizen"});
  HttpResult applied =
      Fetch("POST", "/v1/parking/permit-applications",
            absl::StrCat(R"({"plate":"S-AU 2","area":"S-Mitte","street":"Königstr.",)",
                         R"("houseNumber":"5","validFrom":")", BerlinDate(0), R"(","validUntil":")",
                         BerlinDate(30), "\"}"),
            citizen);
  ASSERT_EQ(applied.status, 200) << applied.body;
  const std::string application_id(Json(applied).at("id").as_string());
  HttpResult approved =
      Fetch("POST", absl::StrCat("/v1/parking/permit-applications/", application_id, "/approve"),
            "{}", parking_admin);
  ASSERT_EQ(approved.status, 200) << approved.body;

  // The data-protection officer finds each action once, by actor ...
  boost::json::array by_office_admin = Records("actor=office-admin-1");
  ASSERT_EQ(by_office_admin.size(), 1u);
  EXPECT_EQ(CountRpc(by_office_admin, kPutOffice), 1);
  const boost::json::value& office_record = by_office_admin[0];
  EXPECT_TRUE(NamesObject(office_record, "ost"));
  EXPECT_EQ(office_record.at("entry").at("httpStatus").as_int64(), 200);
  EXPECT_FALSE(office_record.at("entry").at("requestId").as_string().empty());
  EXPECT_EQ(office_record.at("entry").at("roles").at(0).as_string(), "office_admin");
  // Never a body: the office's name and address are not in the trail.
  EXPECT_EQ(boost::json::serialize(office_record).find("Buergerbuero"), std::string::npos);

  boost::json::array by_coordinator = Records("actor=coordinator-1");
  EXPECT_EQ(by_coordinator.size(), 5u);  // programs, policy, period twice, round
  EXPECT_EQ(CountRpc(by_coordinator, kPublishRound), 1);
  boost::json::array by_parking_admin = Records("actor=parking-admin-1");
  EXPECT_EQ(CountRpc(by_parking_admin, kCreatePermit), 1);
  EXPECT_EQ(CountRpc(by_parking_admin, kApprovePermit), 1);
  EXPECT_TRUE(Records("actor=citizen-9").empty());

  // ... and by object.
  EXPECT_EQ(CountRpc(Records("object_id=ost"), kPutOffice), 1);
  EXPECT_EQ(CountRpc(Records("object_id=kita-2099"), kPublishRound), 1);
  boost::json::array by_permit = Records(absl::StrCat("object_id=", permit_id));
  ASSERT_EQ(by_permit.size(), 1u);
  EXPECT_EQ(CountRpc(by_permit, kCreatePermit), 1);
  EXPECT_EQ(CountRpc(Records(absl::StrCat("object_id=", application_id)), kApprovePermit), 1);
  // And by time: everything of this test is after 2000 and before 2100.
  EXPECT_EQ(Records("from=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00Z").size(), 8u);
  EXPECT_TRUE(Records("until=2000-01-01T00:00:00Z").empty());

  // Only the DPO and operators read the trail.
  EXPECT_EQ(Fetch("GET", "/v1/audit/records?actor=x", "", office_admin).status, 403);
  EXPECT_EQ(Fetch("GET", "/v1/audit/verification", "", citizen).status, 403);
  HttpResult bad_time = Fetch("GET", "/v1/audit/records?from=yesterday", "", Dpo());
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_EQ(Reason(bad_time), "invalid_time");

  HttpResult intact = Fetch("GET", "/v1/audit/verification", "", Dpo());
  ASSERT_EQ(intact.status, 200) << intact.body;
  EXPECT_TRUE(Json(intact).at("intact").as_bool()) << intact.body;
  EXPECT_EQ(Json(intact).at("checked").as_string(), "8");  // uint64 is a JSON string

  // Someone with access to Redis rewrites who changed the office's hours.
  const std::string sequence(office_record.at("sequence").as_string());
  std::unique_ptr<redis::Client> redis = redis::Client::Create(stack_->redis_client_options());
  absl::StatusOr<redis::Reply> stored = redis->Command({"HGET", "audit:{audit}:records", sequence});
  ASSERT_TRUE(stored.ok() && !stored->IsNil());
  std::string forged = stored->str;
  const size_t at = forged.find("office-admin-1");
  ASSERT_NE(at, std::string::npos);
  forged.replace(at, 14, "office-admin-2");
  ASSERT_TRUE(redis->Command({"HSET", "audit:{audit}:records", sequence, forged}).ok());

  HttpResult broken = Fetch("GET", "/v1/audit/verification", "", Token("ops-1", {"operator"}));
  ASSERT_EQ(broken.status, 200) << broken.body;
  EXPECT_FALSE(Json(broken).at("intact").as_bool()) << broken.body;
  EXPECT_EQ(Json(broken).at("brokenSequence").as_string(), sequence);
  EXPECT_EQ(Json(broken).at("problem").as_string(), "hash_mismatch");
  EXPECT_TRUE(stack_->Stop().ok());
}

}  // namespace
}  // namespace stadt::testing
