#pragma once

// Random instances for the property tests, drawn from SplitMix64 so that a failing
// seed replays exactly.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/daycare/domain/lottery.h"
#include "services/daycare/domain/model.h"

namespace stadt::daycare::testing {

struct InstanceShape {
  int children = 6;
  int programs = 3;
  int max_choices = 3;
  int max_capacity = 2;
  int max_points = 3;       // small ranges make ties, so the tie-breaks get exercised
  bool birth_dates = true;  // with age bands, so some choices are ineligible
};

// Every application carries points for every program (not only the chosen ones), so a
// test may change a child's list without changing its priorities.
inline InstanceShape Shape(int children, int programs, int max_choices, int max_capacity,
                           int max_points = 3) {
  InstanceShape shape;
  shape.children = children;
  shape.programs = programs;
  shape.max_choices = max_choices;
  shape.max_capacity = max_capacity;
  shape.max_points = max_points;
  return shape;
}

// Small builders for hand-written instances (GCC warns about designated initializers
// that leave members out, so tests build values step by step).
inline Program MakeProgram(std::string id, uint32_t capacity, std::string centre = "") {
  Program program;
  program.id = std::move(id);
  program.capacity = capacity;
  program.centre = std::move(centre);
  return program;
}

inline Program WithAgeBand(Program program, std::optional<int> min_months,
                           std::optional<int> max_months, Month start) {
  program.min_age_months = min_months;
  program.max_age_months = max_months;
  program.start_month = start;
  return program;
}

inline Application MakeApplication(std::string id, std::vector<std::string> choices,
                                   std::optional<Date> birth_date = std::nullopt) {
  Application application;
  application.id = std::move(id);
  application.choices = std::move(choices);
  application.birth_date = birth_date;
  return application;
}

inline Criterion MakeCriterion(std::string id, int64_t points, std::string label,
                               std::string centre = "") {
  Criterion criterion;
  criterion.id = std::move(id);
  criterion.points = points;
  criterion.label = std::move(label);
  criterion.centre = std::move(centre);
  return criterion;
}

inline Instance RandomInstance(uint64_t seed, const InstanceShape& shape) {
  SplitMix64 random(seed);
  Instance instance;
  instance.seed = random.Next();
  for (int p = 0; p < shape.programs; ++p) {
    Program program;
    program.id = absl::StrCat("P", p);
    program.capacity = random.UniformBelow(shape.max_capacity + 1);
    program.start_month = Month::Of(2026, 8);
    if (shape.birth_dates && random.UniformBelow(2) == 0) {
      program.min_age_months = 12 + random.UniformBelow(12);
      program.max_age_months = *program.min_age_months + 12 + random.UniformBelow(24);
    }
    instance.programs.push_back(program);
  }
  for (int c = 0; c < shape.children; ++c) {
    Application application;
    application.id = absl::StrCat("A", c);
    application.points.emplace();
    for (int p = 0; p < shape.programs; ++p) {
      (*application.points)[absl::StrCat("P", p)] = random.UniformBelow(shape.max_points + 1);
    }
    if (shape.birth_dates) {
      application.birth_date = Date{2023 + static_cast<int>(random.UniformBelow(3)),
                                    1 + static_cast<int>(random.UniformBelow(12)),
                                    1 + static_cast<int>(random.UniformBelow(28))};
    }
    // A random ordered subset of the programs.
    std::vector<int> order(shape.programs);
    for (int p = 0; p < shape.programs; ++p) order[p] = p;
    for (int i = shape.programs; i > 1; --i) std::swap(order[i - 1], order[random.UniformBelow(i)]);
    const int length = random.UniformBelow(std::min(shape.max_choices, shape.programs) + 1);
    for (int i = 0; i < length; ++i) application.choices.push_back(absl::StrCat("P", order[i]));
    instance.applications.push_back(application);
  }
  return instance;
}

}  // namespace stadt::daycare::testing
