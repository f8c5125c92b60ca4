#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "grpcpp/server_context.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "gtest/gtest.h"
#include "services/common/call_context.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/fake_kpi_recorder.h"
#include "services/daycare/rpc/daycare_grpc_service.h"
#include "services/daycare/store/redis_season_repository.h"
#include "tests/harness/redis_test.h"

namespace stadt::daycare {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

const absl::Time kStart = absl::FromUnixSeconds(1'780'000'000);

// The KPIs as the adapter records them from real answers and rounds: the
// season store on a real redis-server, the adapter called directly with the
// metadata the gateway would set.
class DaycareServiceKpiTest : public testing::RedisTest {
 protected:
  // A call's context as the gateway would forward it.
  struct Call {
    Call(const char* role, const std::string& subject) : spouse(&context) {
      spouse.AddClientMetadata(kRolesMetadata, role);
      spouse.AddClientMetadata(kSubjectMetadata, subject);
    }
    grpc::ServerContext context;
    // Owns the metadata strings the context refers to.
    grpc::testing::ServerContextTestSpouse spouse;
  };

  // Two places, each starting 2026-08, and three children who all want P1
  // first. Older children come first (no points), so "a" gets P1, "b" P2.
  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<RedisSeasonRepository>(
        redis(), SeasonKeys::FromMasterKey("a daycare master key of 32 bytes"), clock_);
    store_ = std::make_unique<season::SeasonService>(*repository_, clock_);
    service_ = std::make_unique<DaycareGrpcService>(*store_, kpis_);

    Program p1;
    p1.id = "P1";
    p1.capacity = 1;
    p1.start_month = Month::Of(2026, 8);
    Program p2 = p1;
    p2.id = "P2";
    ASSERT_TRUE(store_->PutPrograms("s1", {p1, p2}).ok());
    ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
    a_ = Submit("parent-a", "2023-05-01", "Mitte");  // 39 months at 2026-08
    b_ = Submit("parent-b", "2025-08-01", "Ost");    // 12 months
    c_ = Submit("parent-c", "2025-08-02", "");       // 11
    ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  }

  // Applies for P1, then P2, through the adapter as the parent.
  std::string Submit(const std::string& subject, const std::string& birth_date,
                     const std::string& district) {
    Call call("citizen", subject);
    v1::ApplyRequest request;
    request.set_season_id("s1");
    request.mutable_application()->add_choices("P1");
    request.mutable_application()->add_choices("P2");
    request.mutable_application()->set_birth_date(birth_date);
    request.mutable_application()->set_district(district);
    request.mutable_application()->set_child_name("Kind von " + subject);
    v1::ApplicationStatus response;
    grpc::Status status = service_->Apply(&call.context, &request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.application().id();
  }

  grpc::Status Publish(uint32_t round, absl::Time deadline) {
    Call call("daycare_coordinator", "coordinator-1");
    v1::PublishRoundRequest request;
    request.set_season_id("s1");
    request.set_round(round);
    request.set_seed(7);
    request.mutable_deadline()->set_seconds(absl::ToUnixSeconds(deadline));
    v1::Round response;
    return service_->PublishRound(&call.context, &request, &response);
  }

  grpc::Status Answer(const std::string& subject, const std::string& id, bool accept) {
    Call call("citizen", subject);
    v1::AnswerOfferRequest request;
    request.set_season_id("s1");
    request.set_application_id(id);
    v1::ApplicationStatus response;
    return accept ? service_->AcceptOffer(&call.context, &request, &response)
                  : service_->DeclineOffer(&call.context, &request, &response);
  }

  // What the monitoring service would count: events with the same occurrence
  // key get the same event id and count once.
  size_t Counted(std::string_view kpi) const {
    std::set<std::string> keys;
    for (const KpiSample& sample : kpis_.samples(kpi)) {
      EXPECT_FALSE(sample.occurrence_key.empty()) << kpi;
      keys.insert(sample.occurrence_key);
    }
    return keys.size();
  }

  FakeClock clock_{kStart};
  FakeKpiRecorder kpis_;
  std::unique_ptr<RedisSeasonRepository> repository_;
  std::unique_ptr<season::SeasonService> store_;
  std::unique_ptr<DaycareGrpcService> service_;
  std::string a_, b_, c_;
};

TEST_F(DaycareServiceKpiTest, PlacementRateCarriesDistrictAndAgeGroupOfEachApplicant) {
  grpc::Status published = Publish(1, kStart + absl::Hours(1));
  ASSERT_TRUE(published.ok()) << published.error_message();
  std::vector<std::tuple<std::string, std::string, double>> placement;
  for (const KpiSample& sample : kpis_.samples("daycare_placement_rate")) {
    EXPECT_EQ(sample.dimensions.size(), 2u);
    placement.emplace_back(sample.dimensions.at("district"), sample.dimensions.at("age_group"),
                           sample.value);
  }
  // Two places for three children: the youngest is the one left without.
  EXPECT_THAT(placement,
              UnorderedElementsAre(std::tuple("Mitte", "3-6", 1), std::tuple("Ost", "1-2", 1),
                                   std::tuple("unknown", "under-1", 0)));
  EXPECT_TRUE(kpis_.AllDimensionsAllowed());
}

TEST_F(DaycareServiceKpiTest, ADeclineIsCountedOnceWhenTheAnswerIsReplayed) {
  ASSERT_TRUE(Publish(1, kStart + absl::Hours(1)).ok());
  ASSERT_TRUE(Answer("parent-b", b_, /*accept=*/false).ok());
  ASSERT_TRUE(Answer("parent-b", b_, /*accept=*/false).ok());   // the retry of a lost answer
  EXPECT_FALSE(Answer("parent-c", c_, /*accept=*/false).ok());  // no offer: nothing counted
  EXPECT_FALSE(Answer("parent-a", b_, /*accept=*/false).ok());  // not a's application

  const std::vector<KpiSample> declined = kpis_.samples("daycare_offers_declined");
  ASSERT_EQ(declined.size(), 2u);
  for (const KpiSample& sample : declined) {
    EXPECT_EQ(sample.value, 1);
    EXPECT_THAT(sample.dimensions, ElementsAre(Pair("district", "Ost")));
    EXPECT_EQ(sample.occurrence_key, "s1/" + b_ + "/1");  // season, application, offer's round
  }
  EXPECT_EQ(Counted("daycare_offers_declined"), 1u);
  EXPECT_TRUE(kpis_.samples("daycare_offers_accepted").empty());
}

TEST_F(DaycareServiceKpiTest, AnExpiredOfferIsCountedOnceByTheNextPublishedRound) {
  ASSERT_TRUE(Publish(1, kStart + absl::Hours(1)).ok());
  ASSERT_TRUE(Answer("parent-a", a_, /*accept=*/true).ok());
  EXPECT_TRUE(kpis_.samples("daycare_offers_expired").empty());

  // "b" does not answer; round 2 finds the offer expired and offers P2 to "c".
  clock_.Advance(absl::Hours(2));
  grpc::Status second = Publish(2, kStart + absl::Hours(3));
  ASSERT_TRUE(second.ok()) << second.error_message();
  std::vector<KpiSample> expired = kpis_.samples("daycare_offers_expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].value, 1);
  EXPECT_THAT(expired[0].dimensions, ElementsAre(Pair("district", "Ost")));
  EXPECT_EQ(expired[0].occurrence_key, "s1/" + b_ + "/1");

  // Answering late counts nothing; the next round does not report "b" again.
  EXPECT_FALSE(Answer("parent-b", b_, /*accept=*/false).ok());
  clock_.Advance(absl::Hours(2));  // "c" lets round 2's offer run out as well
  ASSERT_TRUE(Publish(3, kStart + absl::Hours(5)).ok());
  expired = kpis_.samples("daycare_offers_expired");
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[1].occurrence_key, "s1/" + c_ + "/2");
  EXPECT_THAT(expired[1].dimensions, ElementsAre(Pair("district", "unknown")));
  EXPECT_EQ(Counted("daycare_offers_expired"), 2u);
  EXPECT_TRUE(kpis_.samples("daycare_offers_declined").empty());
  EXPECT_TRUE(kpis_.AllDimensionsAllowed());
}

}  // namespace
}  // namespace stadt::daycare
