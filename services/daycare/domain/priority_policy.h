#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/daycare/domain/model.h"

namespace stadt::daycare {

struct AwardedPoints {
  std::string label;  // German (the catalogue's `label`, else the criterion's id)
  int64_t points = 0;
  std::string label_en;  // English (`label_en`, else as `label`)
};

struct PointsBreakdown {
  int64_t total = 0;
  std::vector<AwardedPoints> awarded;  // empty when the points were given ready-made
};

// The priority points of `application` at `program`: the ready-made points from the
// application when it has them, otherwise the sum of the catalogue's criteria the family
// meets. A city-wide criterion counts when listed in `criteria`; a criterion of one centre
// counts for that centre's programs when listed in `criteria` or in the application's
// `centre_criteria` for that centre (e.g. a sibling already there).
PointsBreakdown EvaluatePoints(const Policy& policy, const Program& program,
                               const Application& application);

// The same sum as EvaluatePoints without the labels, for whole runs: the city-wide part
// is computed once per application and each program only looks at its centre's criteria.
class PointsCalculator {
 public:
  PointsCalculator(const Policy& policy, const std::vector<Program>& programs);

  int64_t CityWidePoints(const Application& application) const;
  int64_t Points(uint32_t program, const Application& application, int64_t city_wide_points) const;

 private:
  const std::vector<Program>& programs_;
  std::vector<const Criterion*> city_wide_;
  std::vector<std::vector<const Criterion*>> per_program_;  // the criteria of its centre
};

}  // namespace stadt::daycare
