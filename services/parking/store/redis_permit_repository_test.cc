// Residents' permit applications against a real redis-server: approve,
// reject and revoke are atomic and idempotent, the address is dropped once
// decided, and the officer's check sees only approved, unrevoked permits.
#include "services/parking/store/redis_permit_repository.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/parking/domain/parking_service.h"
#include "services/parking/domain/permit_office.h"
#include "services/parking/store/redis_parking_repository.h"
#include "tests/harness/redis_test.h"

namespace stadt::parking {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kZones[] = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature",
   "properties": {"zone": "1101", "tariff": "city", "permit_area": "S-Mitte-1"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[9.17, 48.77], [9.18, 48.77], [9.18, 48.78], [9.17, 48.78], [9.17, 48.77]]]}}]})";
constexpr char kTariffs[] = R"({"tariffs": [{"id": "city", "max_parking_minutes": 120,
  "windows": [{"days": [1,2,3,4,5,6], "from": "08:00", "to": "22:00", "cents_per_hour": 300}]}]})";
constexpr char kAreas[] = R"({"areas": [
  {"id": "S-Mitte-1", "name": "Mitte", "streets": ["Königstraße", "Eberhardstraße"]}]})";

// Monday 2030-03-04 10:00 in Berlin: a fixed instant, later than any test
// run, so that Redis expiries computed from it lie in the future.
const absl::Time kMondayTen = absl::FromUnixSeconds(1898845200);
// 2030-04-01 00:00 in Berlin (CEST): the day after a permit ending 2030-03-31.
const absl::Time kAprilFirst = absl::FromUnixSeconds(1901224800);

PermitApplicationRequest Request(std::string plate = "S-RE 42", std::string until = "2030-03-31") {
  return {"", std::move(plate), "S-Mitte-1", "Koenigstr.", "12", "2030-03-04", std::move(until)};
}

class RedisPermitTest : public testing::RedisTest {
 protected:
  RedisPermitTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    parking_repository_ = std::make_unique<RedisParkingRepository>(redis());
    permit_repository_ = std::make_unique<RedisPermitRepository>(redis());
    service_ =
        std::make_unique<ParkingService>(rules_, *parking_repository_, clock_, ParkingSettings());
    office_ = std::make_unique<PermitOffice>(permit_rules_, *permit_repository_, clock_);
  }

  CheckStatus Check(const std::string& plate) {
    absl::StatusOr<CheckResult> result = service_->CheckPlate("", plate, "1101");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->status : CheckStatus::kNotPaid;
  }

  // The record as stored, field by field.
  std::map<std::string, std::string> Stored(const std::string& id) {
    absl::StatusOr<redis::Reply> reply = redis().Command(
        {"HGETALL", absl::StrCat("park:{p", id.substr(0, 2), "}:application:", id)});
    std::map<std::string, std::string> fields;
    if (!reply.ok()) return fields;
    for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
      fields[reply->elements[i].str] = reply->elements[i + 1].str;
    }
    return fields;
  }

  ParkingRules rules_{ZoneDirectory::Create(ParseZonesGeoJson(kZones).value()).value(),
                      ParseTariffs(kTariffs).value(),
                      PriceCalculator(BerlinCalendar::Load().value())};
  PermitRules permit_rules_{PermitAreas::Parse(kAreas).value(), BerlinCalendar::Load().value(),
                            PermitPolicy()};
  FakeClock clock_{kMondayTen};
  std::unique_ptr<RedisParkingRepository> parking_repository_;
  std::unique_ptr<RedisPermitRepository> permit_repository_;
  std::unique_ptr<ParkingService> service_;
  std::unique_ptr<PermitOffice> office_;
};

TEST_F(RedisPermitTest, ApprovedApplicationBecomesThePermitTheOfficerSees) {
  PermitApplication applied = office_->Apply("citizen-1", Request()).value();
  EXPECT_EQ(applied.status, ApplicationStatus::kPending);
  EXPECT_EQ(applied.id.substr(0, 2), PlateBucket("DE:S-RE42"));
  EXPECT_EQ(Check("S-RE 42"), CheckStatus::kNotPaid);  // pending is no permit

  std::vector<PermitApplication> own = office_->OwnApplications("citizen-1", 0).value();
  ASSERT_THAT(own, SizeIs(1));
  EXPECT_EQ(own[0], applied);
  std::vector<PermitApplication> pending = office_->PendingApplications(0).value();
  ASSERT_THAT(pending, SizeIs(1));
  EXPECT_EQ(pending[0].street, "Koenigstr.");  // the caseworker needs the address

  PermitApplication approved = office_->Approve("caseworker-7", applied.id).value();
  EXPECT_EQ(approved.status, ApplicationStatus::kApproved);
  EXPECT_EQ(approved.permit_id, applied.id);
  EXPECT_EQ(approved.decided, kMondayTen);
  // Decided: the address is gone from the record, the queue is empty.
  EXPECT_EQ(approved.street, "");
  EXPECT_FALSE(Stored(applied.id).contains("street"));
  EXPECT_FALSE(Stored(applied.id).contains("house_number"));
  EXPECT_THAT(office_->PendingApplications(0).value(), IsEmpty());
  EXPECT_EQ(office_->OwnApplication("citizen-1", applied.id)->status, ApplicationStatus::kApproved);

  // Valid from the start of 2030-03-04 to the end of 2030-03-31, Berlin time.
  EXPECT_EQ(Check("s re 42"), CheckStatus::kPermit);
  std::vector<Permit> permits = service_->ListPermits("", "S-RE 42").value();
  ASSERT_THAT(permits, SizeIs(1));
  EXPECT_EQ(permit_rules_.FirstDay(permits[0]), absl::CivilDay(2030, 3, 4));
  EXPECT_EQ(permit_rules_.LastDay(permits[0]), absl::CivilDay(2030, 3, 31));
  clock_.Set(kAprilFirst - absl::Seconds(1));
  EXPECT_EQ(Check("S-RE 42"), CheckStatus::kPermit);
  // The day after its last (at 10:00, when the zone charges): no permit.
  clock_.Set(kAprilFirst + absl::Hours(10));
  EXPECT_EQ(Check("S-RE 42"), CheckStatus::kNotPaid);
  clock_.Set(kMondayTen);

  // Approving again is no second permit; rejecting now is refused.
  EXPECT_EQ(office_->Approve("caseworker-8", applied.id).value(), approved);
  EXPECT_EQ(permit_repository_
                ->Approve(applied, permit_rules_.PlanApproval(applied, kMondayTen).value(),
                          "caseworker-8", kMondayTen)
                .value(),
            approved);
  EXPECT_THAT(service_->ListPermits("", "S-RE 42").value(), SizeIs(1));
  absl::Status reject = office_->Reject("caseworker-8", applied.id, "zu spät").status();
  EXPECT_EQ(reject.code(), absl::StatusCode::kFailedPrecondition);
  // The same request from the store's side: the script refuses it as well.
  EXPECT_EQ(
      permit_repository_->Reject(applied, "zu spät", "caseworker-8", kMondayTen).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST_F(RedisPermitTest, RejectedApplicationKeepsItsReasonAndIsNoPermit) {
  PermitApplication applied = office_->Apply("citizen-1", Request()).value();
  PermitApplication rejected =
      office_->Reject("caseworker-7", applied.id, "Kein Hauptwohnsitz im Gebiet").value();
  EXPECT_EQ(rejected.status, ApplicationStatus::kRejected);
  EXPECT_EQ(rejected.reason, "Kein Hauptwohnsitz im Gebiet");
  EXPECT_FALSE(Stored(applied.id).contains("street"));
  EXPECT_EQ(office_->OwnApplications("citizen-1", 0)->at(0).reason, "Kein Hauptwohnsitz im Gebiet");
  EXPECT_EQ(Check("S-RE 42"), CheckStatus::kNotPaid);
  EXPECT_THAT(service_->ListPermits("", "S-RE 42").value(), IsEmpty());

  // A repeat is answered unchanged, even with another reason.
  EXPECT_EQ(office_->Reject("caseworker-8", applied.id, "anders").value(), rejected);
  // Approving it is refused with the reason, also by the script itself.
  absl::Status approve = office_->Approve("caseworker-8", applied.id).status();
  EXPECT_EQ(approve.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(approve.message(), HasSubstr("rejected: Kein Hauptwohnsitz im Gebiet"));
  absl::Status scripted =
      permit_repository_
          ->Approve(applied, permit_rules_.PlanApproval(applied, kMondayTen).value(),
                    "caseworker-8", kMondayTen)
          .status();
  EXPECT_EQ(scripted.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(scripted.message(), HasSubstr("rejected: Kein Hauptwohnsitz im Gebiet"));
  EXPECT_THAT(service_->ListPermits("", "S-RE 42").value(), IsEmpty());
}

TEST_F(RedisPermitTest, RevokedPermitCoversNothingAndTheCitizenSeesWhy) {
  PermitApplication applied = office_->Apply("citizen-1", Request()).value();
  ASSERT_TRUE(office_->Approve("caseworker-7", applied.id).ok());
  ASSERT_EQ(Check("S-RE 42"), CheckStatus::kPermit);

  EXPECT_EQ(office_->Revoke("", "S-RE 43", applied.id, "Umzug nach Tübingen").status().code(),
            absl::StatusCode::kNotFound);  // not this plate's permit
  Permit revoked = office_->Revoke("", "s-re 42", applied.id, "Umzug nach Tübingen").value();
  EXPECT_TRUE(revoked.revoked);
  EXPECT_EQ(revoked.revoke_reason, "Umzug nach Tübingen");
  EXPECT_EQ(Check("S-RE 42"), CheckStatus::kNotPaid);
  EXPECT_EQ(service_->ListPermits("", "S-RE 42").value(), std::vector<Permit>{revoked});
  PermitApplication own = office_->OwnApplication("citizen-1", applied.id).value();
  EXPECT_EQ(own.status, ApplicationStatus::kRevoked);
  EXPECT_EQ(own.reason, "Umzug nach Tübingen");

  // Repeats change nothing; the application cannot be approved back.
  EXPECT_EQ(office_->Revoke("", "S-RE 42", applied.id, "anders").value(), revoked);
  EXPECT_THAT(office_->Approve("caseworker-7", applied.id).status().message(),
              HasSubstr("revoked: Umzug nach Tübingen"));
  EXPECT_EQ(Check("S-RE 42"), CheckStatus::kNotPaid);

  // A permit a caseworker issued directly can be revoked just the same.
  const PermitRules::Span span = permit_rules_.Validity("2030-03-01", "2030-03-31").value();
  Permit direct = service_->IssuePermit("", "S-XY 7", "S-Mitte-1", span.from, span.until).value();
  EXPECT_EQ(Check("S-XY 7"), CheckStatus::kPermit);
  EXPECT_TRUE(office_->Revoke("", "S-XY 7", direct.id, "Fahrzeug abgemeldet")->revoked);
  EXPECT_EQ(Check("S-XY 7"), CheckStatus::kNotPaid);
  EXPECT_EQ(office_->Revoke("", "S-XY 7", "0000000000000000", "x").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RedisPermitTest, RacingApprovalsAndRejectionsDecideOnce) {
  constexpr int kThreads = 16;
  PermitApplication applied = office_->Apply("citizen-1", Request()).value();
  const Permit permit = permit_rules_.PlanApproval(applied, kMondayTen).value();
  std::atomic<int> approved = 0;
  std::atomic<int> rejected = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      // Every thread read the application while it was pending.
      absl::StatusOr<PermitApplication> result =
          i % 2 == 0 ? permit_repository_->Approve(applied, permit, "caseworker-a", kMondayTen)
                     : permit_repository_->Reject(applied, "nein", "caseworker-b", kMondayTen);
      if (!result.ok()) {
        EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
        ++refused;
      } else if (result->status == ApplicationStatus::kApproved) {
        ++approved;
      } else {
        ++rejected;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // One decision won; the same decision repeated was answered, the other refused.
  EXPECT_EQ(refused, kThreads / 2);
  EXPECT_TRUE((approved == kThreads / 2 && rejected == 0) ||
              (rejected == kThreads / 2 && approved == 0));
  EXPECT_THAT(service_->ListPermits("", "S-RE 42").value(), SizeIs(approved > 0 ? 1 : 0));
  EXPECT_EQ(Check("S-RE 42"), approved > 0 ? CheckStatus::kPermit : CheckStatus::kNotPaid);
}

TEST_F(RedisPermitTest, ConcurrentApprovalsIssueOnePermit) {
  constexpr int kThreads = 16;
  PermitApplication applied = office_->Apply("citizen-1", Request()).value();
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      absl::StatusOr<PermitApplication> result = office_->Approve("caseworker-7", applied.id);
      EXPECT_TRUE(result.ok()) << result.status();
      if (result.ok() && result->status == ApplicationStatus::kApproved) ++ok;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok, kThreads);
  EXPECT_THAT(service_->ListPermits("", "S-RE 42").value(), SizeIs(1));
}

TEST_F(RedisPermitTest, ApplicationsAreTheApplicantsOwn) {
  PermitApplication applied = office_->Apply("citizen-1", Request()).value();
  EXPECT_EQ(office_->OwnApplication("citizen-2", applied.id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(office_->OwnApplications("citizen-2", 0).value(), IsEmpty());
  EXPECT_EQ(office_->OwnApplication("citizen-1", "not-an-id").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RedisPermitTest, ARetriedApplicationIsTheSameOne) {
  PermitApplication first = office_->Apply("citizen-1", Request()).value();
  EXPECT_EQ(office_->Apply("citizen-1", Request()).value(), first);
  EXPECT_THAT(office_->OwnApplications("citizen-1", 0).value(), SizeIs(1));
  // Another request for the same plate and area while one is pending.
  absl::Status other = office_->Apply("citizen-1", Request("S-RE 42", "2030-03-30")).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(other.message(), HasSubstr(first.id));
  // Another citizen, another plate: independent.
  clock_.Advance(absl::Minutes(1));
  EXPECT_NE(office_->Apply("citizen-2", Request()).value().id, first.id);
  EXPECT_NE(office_->Apply("citizen-1", Request("S-RE 43")).value().id, first.id);
  EXPECT_THAT(office_->PendingApplications(0).value(), SizeIs(3));
  // Once decided, the citizen may apply again.
  ASSERT_TRUE(office_->Reject("caseworker-7", first.id, "Nachweis fehlt").ok());
  PermitApplication again = office_->Apply("citizen-1", Request()).value();
  EXPECT_NE(again.id, first.id);
  std::vector<PermitApplication> own = office_->OwnApplications("citizen-1", 0).value();
  ASSERT_THAT(own, SizeIs(3));
  EXPECT_EQ(own.back().id, first.id);  // newest first
}

TEST_F(RedisPermitTest, PendingListIsOldestFirst) {
  PermitApplication a = office_->Apply("citizen-1", Request("S-A 1")).value();
  clock_.Advance(absl::Minutes(1));
  PermitApplication b = office_->Apply("citizen-2", Request("S-B 2")).value();
  clock_.Advance(absl::Minutes(1));
  PermitApplication c = office_->Apply("citizen-3", Request("S-C 3")).value();
  ASSERT_TRUE(office_->Approve("caseworker-7", b.id).ok());
  std::vector<PermitApplication> pending = office_->PendingApplications(0).value();
  ASSERT_THAT(pending, SizeIs(2));
  EXPECT_EQ(pending[0].id, a.id);
  EXPECT_EQ(pending[1].id, c.id);
  EXPECT_THAT(office_->PendingApplications(1).value(), SizeIs(1));
  EXPECT_EQ(office_->PendingApplications(101).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisPermitTest, RedisDownIsUnavailable) {
  redis_server().Kill();
  EXPECT_EQ(office_->Apply("citizen-1", Request()).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(office_->Approve("caseworker-7", "ab00000000000000").status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace stadt::parking
