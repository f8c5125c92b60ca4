#include "services/daycare/domain/priority_policy.h"

#include <algorithm>
#include <unordered_map>

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
    const std::string& label = criterion.label.empty() ? criterion.id : criterion.label;
    breakdown.awarded.push_back(
        {label, criterion.points, criterion.label_en.empty() ? label : criterion.label_en});
  }
  return breakdown;
}

PointsCalculator::PointsCalculator(const Policy& policy, const std::vector<Program>& programs)
    : programs_(programs), per_program_(programs.size()) {
  std::unordered_map<std::string, std::vector<const Criterion*>> by_centre;
  for (const Criterion& criterion : policy.criteria) {
    if (criterion.centre.empty()) {
      city_wide_.push_back(&criterion);
    } else {
      by_centre[criterion.centre].push_back(&criterion);
    }
  }
  for (size_t p = 0; p < programs.size(); ++p) {
    auto found = by_centre.find(CentreOf(programs[p]));
    if (found != by_centre.end()) per_program_[p] = found->second;
  }
}

int64_t PointsCalculator::CityWidePoints(const Application& application) const {
  int64_t total = 0;
  for (const Criterion* criterion : city_wide_) {
    if (Contains(application.criteria, criterion->id)) total += criterion->points;
  }
  return total;
}

int64_t PointsCalculator::Points(uint32_t program, const Application& application,
                                 int64_t city_wide_points) const {
  if (application.points) {
    auto given = application.points->find(programs_[program].id);
    return given == application.points->end() ? 0 : given->second;
  }
  int64_t total = city_wide_points;
  for (const Criterion* criterion : per_program_[program]) {
    if (Meets(*criterion, programs_[program], application)) total += criterion->points;
  }
  return total;
}

}  // namespace stadt::daycare
