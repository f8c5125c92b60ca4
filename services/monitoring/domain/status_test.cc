#include "services/monitoring/domain/status.h"

#include "gtest/gtest.h"

namespace stadt::monitoring {
namespace {

KpiDefinition Kpi(Direction direction, double target, double warning) {
  KpiDefinition kpi;
  kpi.id = "k";
  kpi.direction = direction;
  kpi.target = target;
  kpi.warning_threshold = warning;
  return kpi;
}

TEST(StatusTest, HigherIsBetter) {
  const KpiDefinition kpi = Kpi(Direction::kHigherIsBetter, 0.9, 0.8);
  EXPECT_EQ(EvaluateStatus(kpi, 0.95), KpiStatus::kOnTrack);
  EXPECT_EQ(EvaluateStatus(kpi, 0.9), KpiStatus::kOnTrack);
  EXPECT_EQ(EvaluateStatus(kpi, 0.85), KpiStatus::kAtRisk);
  EXPECT_EQ(EvaluateStatus(kpi, 0.8), KpiStatus::kAtRisk);
  EXPECT_EQ(EvaluateStatus(kpi, 0.79), KpiStatus::kOffTrack);
  EXPECT_EQ(EvaluateStatus(kpi, std::nullopt), KpiStatus::kNoData);
}

TEST(StatusTest, LowerIsBetter) {
  const KpiDefinition kpi = Kpi(Direction::kLowerIsBetter, 14, 21);
  EXPECT_EQ(EvaluateStatus(kpi, 3), KpiStatus::kOnTrack);
  EXPECT_EQ(EvaluateStatus(kpi, 14), KpiStatus::kOnTrack);
  EXPECT_EQ(EvaluateStatus(kpi, 15), KpiStatus::kAtRisk);
  EXPECT_EQ(EvaluateStatus(kpi, 21), KpiStatus::kAtRisk);
  EXPECT_EQ(EvaluateStatus(kpi, 21.5), KpiStatus::kOffTrack);
  EXPECT_EQ(EvaluateStatus(kpi, 0), KpiStatus::kOnTrack);
}

TEST(StatusTest, ThresholdEqualToTargetLeavesNoAtRiskBand) {
  const KpiDefinition kpi = Kpi(Direction::kLowerIsBetter, 0, 0);
  EXPECT_EQ(EvaluateStatus(kpi, 0), KpiStatus::kOnTrack);
  EXPECT_EQ(EvaluateStatus(kpi, 1), KpiStatus::kOffTrack);
}

TEST(StatusTest, WorstIgnoresMissingData) {
  EXPECT_EQ(Worst({}), KpiStatus::kNoData);
  EXPECT_EQ(Worst({KpiStatus::kNoData, KpiStatus::kOnTrack}), KpiStatus::kOnTrack);
  EXPECT_EQ(Worst({KpiStatus::kOnTrack, KpiStatus::kAtRisk, KpiStatus::kNoData}),
            KpiStatus::kAtRisk);
  EXPECT_EQ(Worst({KpiStatus::kOffTrack, KpiStatus::kAtRisk}), KpiStatus::kOffTrack);
}

}  // namespace
}  // namespace stadt::monitoring
