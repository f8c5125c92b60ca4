// Times the daycare allocation on synthetic city-sized instances and prints figures.
//
//   daycare_bench                  100,000 applications, 2,000 programs, 10 choices,
//                                  then how time grows with applications and choices
//   daycare_bench A P C            one run with A applications, P programs, C choices
//   daycare_bench --write-instance FILE A P C
//                                  writes that instance (with its policy) as an instance
//                                  file for daycare_allocate, to time the whole CLI
//
// Points come from a policy catalogue (city-wide and per-centre criteria), children have
// birth dates (older-first tie-break) and age bands apply, so every part of a real run is
// exercised. Popular centres are drawn more often, which makes many proposals fail.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/lottery.h"

namespace {

using stadt::daycare::Allocator;
using stadt::daycare::Application;
using stadt::daycare::Date;
using stadt::daycare::Instance;
using stadt::daycare::Month;
using stadt::daycare::Policy;
using stadt::daycare::Program;
using stadt::daycare::RoundResult;
using stadt::daycare::SplitMix64;

constexpr int kProgramsPerCentre = 2;  // e.g. under-3s and 3-6 at every centre

Policy CityPolicy(int centres) {
  Policy policy;
  policy.criteria.push_back({"both_working", 10, "beide Eltern berufstätig oder in Ausbildung", "",
                             "both parents working or in training"});
  policy.criteria.push_back({"single_parent", 8, "alleinerziehend", "", "single parent"});
  policy.criteria.push_back({"social_need", 12, "sozialer Bedarf", "", "social need"});
  // Every 10th centre gives points for siblings, every 25th for employees' children.
  for (int c = 0; c < centres; c += 10) {
    policy.criteria.push_back({"sibling", 5, "Geschwisterkind in dieser Kita", absl::StrCat("K", c),
                               "a sibling in this centre"});
  }
  for (int c = 0; c < centres; c += 25) {
    policy.criteria.push_back({"employee", 3, "Elternteil arbeitet in dieser Kita",
                               absl::StrCat("K", c), "parent works at this centre"});
  }
  return policy;
}

Instance SyntheticInstance(uint32_t applications, uint32_t programs, uint32_t choices,
                           uint64_t seed) {
  SplitMix64 random(seed);
  Instance instance;
  instance.seed = seed;
  // About 0.8 places per application, so a fifth of the children stay without a place.
  const uint32_t capacity = std::max<uint32_t>(1, applications * 4 / 5 / programs);
  for (uint32_t p = 0; p < programs; ++p) {
    Program program;
    program.id = absl::StrCat("K", p / kProgramsPerCentre, p % 2 == 0 ? "-U3" : "-KG");
    program.centre = absl::StrCat("K", p / kProgramsPerCentre);
    program.capacity = capacity;
    program.start_month = Month::Of(2026, 9);
    if (p % 2 == 0) {
      program.max_age_months = 35;
    } else {
      program.min_age_months = 30;
    }
    instance.programs.push_back(std::move(program));
  }
  static const char* const kCriteria[] = {"both_working", "single_parent", "social_need"};
  std::vector<uint32_t> picked;
  for (uint32_t a = 0; a < applications; ++a) {
    Application application;
    application.id = absl::StrCat("A", a);
    application.birth_date = Date{2021 + static_cast<int>(random.UniformBelow(5)),
                                  1 + static_cast<int>(random.UniformBelow(12)),
                                  1 + static_cast<int>(random.UniformBelow(28))};
    application.desired_start = Month::Of(2026, 9);
    for (const char* criterion : kCriteria) {
      if (random.UniformBelow(3) == 0) application.criteria.push_back(criterion);
    }
    if (random.UniformBelow(10) == 0) application.criteria.push_back("sibling");
    picked.clear();
    while (picked.size() < std::min(choices, programs)) {
      // Squaring a uniform draw favours low indices: popular centres.
      const double u = static_cast<double>(random.UniformBelow(1u << 30)) / (1u << 30);
      const uint32_t p = static_cast<uint32_t>(u * u * programs);
      if (std::find(picked.begin(), picked.end(), p) == picked.end()) picked.push_back(p);
    }
    for (uint32_t p : picked) application.choices.push_back(instance.programs[p].id);
    instance.applications.push_back(std::move(application));
  }
  return instance;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // ru_maxrss is in KiB on Linux
}

struct Figures {
  double prepare_s = 0;  // validation, lottery, points and eligibility of every choice
  double match_s = 0;    // deferred acceptance (best of 3)
  uint32_t placed = 0;
};

Figures Measure(uint32_t applications, uint32_t programs, uint32_t choices) {
  Instance instance = SyntheticInstance(applications, programs, choices, 2026);
  Policy policy = CityPolicy(programs / kProgramsPerCentre);
  policy.max_choices = std::max<uint32_t>(choices, 1);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Allocator> allocator = Allocator::Create(std::move(instance), std::move(policy));
  Figures figures;
  figures.prepare_s = Seconds(std::chrono::steady_clock::now() - start);
  if (!allocator.ok()) {
    std::fprintf(stderr, "bad instance: %s\n", std::string(allocator.status().message()).c_str());
    std::exit(1);
  }
  figures.match_s = 1e9;
  for (int repeat = 0; repeat < 3; ++repeat) {
    const auto run_start = std::chrono::steady_clock::now();
    const RoundResult result = allocator->Run();
    figures.match_s =
        std::min(figures.match_s, Seconds(std::chrono::steady_clock::now() - run_start));
    figures.placed = 0;
    for (const auto& placement : result.placements) figures.placed += placement.program >= 0;
  }
  return figures;
}

void PrintRow(uint32_t applications, uint32_t programs, uint32_t choices) {
  const Figures f = Measure(applications, programs, choices);
  std::printf("%12u %9u %8u %12.3f %10.3f %10.3f %9u\n", applications, programs, choices,
              f.prepare_s, f.match_s, f.prepare_s + f.match_s, f.placed);
}

void PrintHeader() {
  std::printf("%12s %9s %8s %12s %10s %10s %9s\n", "applications", "programs", "choices",
              "prepare_s", "match_s", "total_s", "placed");
}

boost::json::object PolicyJson(const Policy& policy) {
  boost::json::array criteria;
  for (const auto& criterion : policy.criteria) {
    boost::json::object entry{
        {"id", criterion.id}, {"points", criterion.points}, {"label", criterion.label}};
    if (!criterion.centre.empty()) entry["centre"] = criterion.centre;
    entry["label_en"] = criterion.label_en;
    criteria.push_back(std::move(entry));
  }
  return {{"max_choices", policy.max_choices}, {"criteria", std::move(criteria)}};
}

boost::json::object ProgramJson(const Program& program) {
  boost::json::object entry{{"id", program.id},
                            {"centre", program.centre},
                            {"capacity", program.capacity},
                            {"start_month", stadt::daycare::FormatMonth(*program.start_month)}};
  if (program.min_age_months) entry["min_age_months"] = *program.min_age_months;
  if (program.max_age_months) entry["max_age_months"] = *program.max_age_months;
  return entry;
}

boost::json::object ApplicationJson(const Application& application) {
  boost::json::array choices;
  for (const std::string& choice : application.choices)
    choices.push_back(boost::json::string(choice));
  boost::json::array criteria;
  for (const std::string& criterion : application.criteria) {
    criteria.push_back(boost::json::string(criterion));
  }
  return {{"id", application.id},
          {"choices", std::move(choices)},
          {"birth_date", stadt::daycare::FormatDate(*application.birth_date)},
          {"start_month", stadt::daycare::FormatMonth(*application.desired_start)},
          {"criteria", std::move(criteria)}};
}

int WriteInstance(const char* path, uint32_t applications, uint32_t programs, uint32_t choices) {
  const Instance instance = SyntheticInstance(applications, programs, choices, 2026);
  Policy policy = CityPolicy(programs / kProgramsPerCentre);
  policy.max_choices = std::max<uint32_t>(choices, 1);
  boost::json::array program_list;
  for (const Program& program : instance.programs) program_list.push_back(ProgramJson(program));
  boost::json::array application_list;
  for (const Application& application : instance.applications) {
    application_list.push_back(ApplicationJson(application));
  }
  const boost::json::object document{{"seed", instance.seed},
                                     {"policy", PolicyJson(policy)},
                                     {"programs", std::move(program_list)},
                                     {"applications", std::move(application_list)}};
  std::ofstream(path) << boost::json::serialize(document) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::string(argv[1]) == "--write-instance") {
    return WriteInstance(argv[2], std::strtoul(argv[3], nullptr, 10),
                         std::strtoul(argv[4], nullptr, 10), std::strtoul(argv[5], nullptr, 10));
  }
  if (argc == 4) {
    PrintHeader();
    PrintRow(std::strtoul(argv[1], nullptr, 10), std::strtoul(argv[2], nullptr, 10),
             std::strtoul(argv[3], nullptr, 10));
    std::printf("peak RSS: %ld MiB\n", PeakRssMiB());
    return 0;
  }
  std::printf("== issue size (peak RSS measured right after it)\n");
  PrintHeader();
  PrintRow(100'000, 2'000, 10);
  std::printf("peak RSS: %ld MiB (includes the generated instance)\n", PeakRssMiB());
  std::printf("== growth with applications (2,000 programs, 10 choices)\n");
  PrintHeader();
  for (uint32_t applications : {12'500u, 25'000u, 50'000u, 100'000u, 200'000u}) {
    PrintRow(applications, 2'000, 10);
  }
  std::printf("== growth with choices (100,000 applications, 2,000 programs)\n");
  PrintHeader();
  for (uint32_t choices : {1u, 2u, 5u, 10u, 20u}) PrintRow(100'000, 2'000, choices);
  return 0;
}
