#include "services/daycare/rpc/daycare_grpc_service.h"

#include <grpcpp/server_context.h>

#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/fake_kpi_recorder.h"
#include "services/daycare/store/redis_season_repository.h"

namespace stadt::daycare {
namespace {

// Calls without the gateway's caller metadata. The store points at a Redis port
// nobody listens on: any call that reached it would fail with UNAVAILABLE, so a
// PERMISSION_DENIED shows the adapter refused before touching state.
class DaycareGrpcServiceTest : public ::testing::Test {
 protected:
  DaycareGrpcServiceTest() {
    redis::Options options;
    options.port = 1;
    redis_ = redis::Client::Create(options);
    repository_ = std::make_unique<RedisSeasonRepository>(
        *redis_, SeasonKeys::FromMasterKey("a daycare master key of 32 bytes"), clock_);
    store_ = std::make_unique<season::SeasonService>(*repository_, clock_);
    service_ = std::make_unique<DaycareGrpcService>(*store_);
  }

  FakeClock clock_{absl::FromUnixSeconds(1'780'000'000)};
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<RedisSeasonRepository> repository_;
  std::unique_ptr<season::SeasonService> store_;
  std::unique_ptr<DaycareGrpcService> service_;
  grpc::ServerContext context_;
  // Well-formed but empty requests: only the role decides.
  struct {
    v1::AnswerOfferRequest answer_offer_request;
    v1::ApplyRequest apply_request;
    v1::DryRunRequest dry_run_request;
    v1::GetApplicationRequest get_application_request;
    v1::GetPolicyRequest get_policy_request;
    v1::GetRoundRequest get_round_request;
    v1::PublishRoundRequest publish_round_request;
    v1::PutPolicyRequest put_policy_request;
    v1::PutProgramsRequest put_programs_request;
    v1::SetOfferDeadlineRequest set_offer_deadline_request;
    v1::SetPeriodRequest set_period_request;
    v1::UpdateApplicationRequest update_application_request;
  } requests_;
};

TEST_F(DaycareGrpcServiceTest, EveryCallNeedsItsRole) {
  v1::PutProgramsResponse programs;
  EXPECT_EQ(
      service_->PutPrograms(&context_, &requests_.put_programs_request, &programs).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::PutPolicyResponse policy;
  EXPECT_EQ(service_->PutPolicy(&context_, &requests_.put_policy_request, &policy).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetPolicyResponse read_policy;
  EXPECT_EQ(
      service_->GetPolicy(&context_, &requests_.get_policy_request, &read_policy).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::SetPeriodResponse period;
  EXPECT_EQ(service_->SetPeriod(&context_, &requests_.set_period_request, &period).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::RoundStats stats;
  EXPECT_EQ(service_->DryRun(&context_, &requests_.dry_run_request, &stats).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::Round round;
  EXPECT_EQ(
      service_->PublishRound(&context_, &requests_.publish_round_request, &round).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(service_->GetRound(&context_, &requests_.get_round_request, &round).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SetOfferDeadlineResponse deadline;
  EXPECT_EQ(service_->SetOfferDeadline(&context_, &requests_.set_offer_deadline_request, &deadline)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ApplicationStatus status;
  EXPECT_EQ(service_->Apply(&context_, &requests_.apply_request, &status).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(service_->UpdateApplication(&context_, &requests_.update_application_request, &status)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      service_->GetApplication(&context_, &requests_.get_application_request, &status).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      service_->ExplainResult(&context_, &requests_.get_application_request, &status).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(service_->AcceptOffer(&context_, &requests_.answer_offer_request, &status).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status denied = service_->DeclineOffer(&context_, &requests_.answer_offer_request, &status);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), ::testing::HasSubstr("citizen"));
  EXPECT_EQ(denied.error_details(), "role_not_allowed");
}

TEST(DaycareKpiTest, PublishedRoundRecordsPlacementPerApplicantAndFirstChoicePerOffer) {
  season::RoundView round;
  round.outcomes = {
      {.district = "Mitte",
       .competed = true,
       .offered = true,
       .first_choice = true,
       .age_group = "1-2"},
      {.district = "Mitte",
       .competed = true,
       .offered = true,
       .first_choice = false,
       .age_group = "3-6"},
      {.district = "Ost",
       .competed = true,
       .offered = false,
       .first_choice = false,
       .age_group = "under-1"},
      // Held a place and moved up: an offer, but not part of the placement rate.
      {.district = "Ost",
       .competed = false,
       .offered = true,
       .first_choice = true,
       .age_group = "2-3"},
      {.district = "", .competed = true, .offered = false, .first_choice = false},
  };
  FakeKpiRecorder kpis;
  RecordRoundKpis("s1", round, kpis);

  // Every placement event carries both the district and the age group, so the
  // unplaced share can be read per district and per age group.
  std::vector<std::tuple<std::string, std::string, double>> placement;
  for (const KpiSample& sample : kpis.samples("daycare_placement_rate")) {
    EXPECT_EQ(sample.dimensions.size(), 2u);
    placement.emplace_back(sample.dimensions.at("district"), sample.dimensions.at("age_group"),
                           sample.value);
  }
  EXPECT_THAT(placement, ::testing::ElementsAre(
                             std::tuple("Mitte", "1-2", 1), std::tuple("Mitte", "3-6", 1),
                             std::tuple("Ost", "under-1", 0), std::tuple("unknown", "unknown", 0)));
  std::vector<std::pair<std::string, double>> first_choice;
  for (const KpiSample& sample : kpis.samples("daycare_first_choice_share")) {
    first_choice.emplace_back(sample.dimensions.at("district"), sample.value);
  }
  EXPECT_THAT(first_choice,
              ::testing::ElementsAre(::testing::Pair("Mitte", 1), ::testing::Pair("Mitte", 0),
                                     ::testing::Pair("Ost", 1)));
  for (const KpiSample& sample : kpis.samples("daycare_first_choice_share")) {
    EXPECT_FALSE(sample.dimensions.contains("age_group"));  // declared with district only
  }
  EXPECT_TRUE(kpis.samples("daycare_offers_expired").empty());
  EXPECT_TRUE(kpis.AllDimensionsAllowed());
}

TEST(DaycareKpiTest, ExpiredOffersAreCountedPerDistrictKeyedByTheOffer) {
  season::RoundView round;
  round.round = 3;
  round.expired_offers = {{.application_id = "A-1", .district = "Ost", .round = 1},
                          {.application_id = "A-2", .district = "", .round = 2}};
  FakeKpiRecorder kpis;
  RecordRoundKpis("s1", round, kpis);
  const std::vector<KpiSample> expired = kpis.samples("daycare_offers_expired");
  ASSERT_EQ(expired.size(), 2u);
  EXPECT_EQ(expired[0].value, 1);
  EXPECT_THAT(expired[0].dimensions, ::testing::ElementsAre(::testing::Pair("district", "Ost")));
  EXPECT_EQ(expired[0].occurrence_key, "s1/A-1/1");  // the offer's round, not this one
  EXPECT_THAT(expired[1].dimensions,
              ::testing::ElementsAre(::testing::Pair("district", "unknown")));
  EXPECT_EQ(expired[1].occurrence_key, "s1/A-2/2");
  EXPECT_TRUE(kpis.AllDimensionsAllowed());
}

TEST_F(DaycareGrpcServiceTest, RefusedCallsRecordNoKpis) {
  FakeKpiRecorder kpis;
  DaycareGrpcService service(*store_, kpis);
  v1::ApplicationStatus status;
  EXPECT_FALSE(service.Apply(&context_, &requests_.apply_request, &status).ok());
  EXPECT_FALSE(service.AcceptOffer(&context_, &requests_.answer_offer_request, &status).ok());
  EXPECT_FALSE(service.DeclineOffer(&context_, &requests_.answer_offer_request, &status).ok());
  EXPECT_TRUE(kpis.samples().empty());
}

}  // namespace
}  // namespace stadt::daycare
