#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/daycare/domain/model.h"

namespace stadt::daycare {

struct AwardedPoints {
  std::string label;
  int64_t points = 0;
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

}  // namespace stadt::daycare
