#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace stadt::monitoring {

// How the events of one KPI combine into the value of a period.
enum class Aggregation { kCount, kSum, kRatio, kAverage, kP50, kP90, kP95, kP99 };
enum class Direction { kHigherIsBetter, kLowerIsBetter };
// kAll is the all-time bucket behind the Prometheus counters.
enum class Grain { kHour, kDay, kMonth, kAll };

std::string_view AggregationName(Aggregation aggregation);
std::string_view DirectionName(Direction direction);
bool IsPercentile(Aggregation aggregation);
// 0.5 for kP50 etc.; 0 for the others.
double Quantile(Aggregation aggregation);

struct FieldOfAction {
  int number = 0;
  std::string title;
};

struct KpiDefinition {
  std::string id;
  std::string name;
  std::string description;
  std::string unit;
  std::string owning_service;
  int field_of_action = 0;
  Aggregation aggregation = Aggregation::kCount;
  double target = 0;
  Direction direction = Direction::kHigherIsBetter;
  // Between target and this value the KPI is at risk; beyond it, off track.
  double warning_threshold = 0;
  Grain grain = Grain::kDay;
  std::vector<std::string> dimension_keys;
  bool published = false;

  bool AllowsDimension(std::string_view key) const;
};

enum class MilestoneState { kPlanned, kInProgress, kDone, kBlocked };
std::string_view MilestoneStateName(MilestoneState state);

struct Milestone {
  std::string title;
  absl::CivilDay due;
  MilestoneState state = MilestoneState::kPlanned;
};

struct MeasureDefinition {
  std::string id;
  std::string title;
  int field_of_action = 0;
  int priority = 0;  // 1 is the highest
  std::string owner_department;
  std::vector<Milestone> milestones;
  std::vector<std::string> depends_on;
  std::vector<std::string> kpi_ids;

  // A measure with a blocked milestone is blocked, and holds up every measure
  // that depends on it.
  bool IsBlocked() const;
};

// The strategy as the city configures it: fields of action, KPIs with their
// targets, measures. Immutable after parsing; lookups by id.
class Catalog {
 public:
  const std::string& version() const { return version_; }
  const std::vector<FieldOfAction>& fields() const { return fields_; }
  const std::vector<KpiDefinition>& kpis() const { return kpis_; }
  const std::vector<MeasureDefinition>& measures() const { return measures_; }
  const KpiDefinition* FindKpi(std::string_view id) const;
  const MeasureDefinition* FindMeasure(std::string_view id) const;

 private:
  friend absl::StatusOr<Catalog> ParseCatalog(std::string_view json);

  std::string version_;
  std::vector<FieldOfAction> fields_;
  std::vector<KpiDefinition> kpis_;
  std::vector<MeasureDefinition> measures_;
  std::map<std::string, size_t, std::less<>> kpi_index_;
  std::map<std::string, size_t, std::less<>> measure_index_;
};

// Parses and validates the catalog file. Every problem is INVALID_ARGUMENT
// naming where it is (e.g. "kpis[3].target: ..."), so the city can fix the
// file; unknown members are refused too, since a typo would otherwise be
// silently ignored.
absl::StatusOr<Catalog> ParseCatalog(std::string_view json);

// The dimension keys any KPI may declare: all of them low-cardinality and
// free of personal data.
const std::vector<std::string>& PermittedDimensionKeys();

}  // namespace stadt::monitoring
