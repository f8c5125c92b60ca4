#include "services/daycare/domain/priority_policy.h"

#include <algorithm>

namespace stadt::daycare {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const std::string& CentreOf(const Program& program) {
  return program.centre.empty() ? program.id : program.centre;
}

bool Meets(const Criterion& criterion, const Program& program, const Application& application) {
  if (criterion.centre.empty()) return Contains(application.criteria, criterion.id);
  const std::string& centre = CentreOf(program);
  if (criterion.centre != centre) return false;
  if (Contains(application.criteria, criterion.id)) return true;
  auto facts = application.centre_criteria.find(centre);
  return facts != application.centre_criteria.end() && Contains(facts->second, criterion.id);
}

}  // namespace

PointsBreakdown EvaluatePoints(const Policy& policy, const Program& program,
                               const Application& application) {
  PointsBreakdown breakdown;
  if (application.points) {
    auto given = application.points->find(program.id);
    if (given != application.points->end()) breakdown.total = given->second;
    return breakdown;
  }
  for (const Criterion& criterion : policy.criteria) {
    if (!Meets(criterion, program, application)) continue;
    breakdown.total += criterion.points;
    breakdown.awarded.push_back(
        {criterion.label.empty() ? criterion.id : criterion.label, criterion.points});
  }
  return breakdown;
}

}  // namespace stadt::daycare
