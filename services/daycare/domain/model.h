#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"

namespace stadt::daycare {

// A calendar month, e.g. 2026-08. Stored as year * 12 + (month - 1) so that months
// compare and subtract as plain integers.
struct Month {
  int index = 0;
  int year() const { return index / 12; }
  int month() const { return index % 12 + 1; }
  static Month Of(int year, int month) { return Month{year * 12 + month - 1}; }
  friend auto operator<=>(const Month&, const Month&) = default;
};

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  // Earlier dates give smaller keys.
  int SortKey() const { return year * 10000 + month * 100 + day; }
  friend auto operator<=>(const Date&, const Date&) = default;
};

bool IsValidDate(const Date& date);
// Completed months of age on the first day of `start` (negative before birth).
int AgeInMonthsAt(const Date& birth, Month start);
std::string FormatMonth(Month month);      // "2026-08"
std::string FormatDate(const Date& date);  // "2024-03-15"

// A place type at one daycare centre (e.g. centre K12, under-3s, full day).
struct Program {
  std::string id;
  std::string centre;  // empty: the program is its own centre
  uint32_t capacity = 0;
  std::optional<int> min_age_months;  // age band, inclusive, at the start month
  std::optional<int> max_age_months;
  std::string care_scope;  // e.g. "full_day"; empty accepts every scope
  std::optional<Month> start_month;
  std::string name;  // shown to parents; id when empty
  // The facility's directory entry (for parents choosing wishes; the engine
  // ignores them): shared by the programs of one centre.
  std::string centre_name;
  std::string address;
  std::string district;
  std::string opening_hours;  // as the facility words it, e.g. "Mo-Fr 7:00-17:00"
};

// Ready-made points per program id, in id order. A B-tree rather than std::map:
// a city's applications carry a million of them, and one node per entry made
// allocating and freeing them a large part of a run.
using ProgramPoints = absl::btree_map<std::string, int64_t>;

struct Application {
  std::string id;
  std::vector<std::string> choices;  // program ids, most wanted first
  // Points per chosen program, already evaluated by someone else. When absent the
  // policy computes them from the attributes below.
  std::optional<ProgramPoints> points;
  std::optional<Date> birth_date;
  std::optional<Month> desired_start;
  std::string care_scope;             // empty: any
  std::string district;               // for statistics only
  std::vector<std::string> criteria;  // city-wide criteria the family meets
  // Per-centre facts, e.g. {"K12": ["sibling_in_centre"]}.
  std::map<std::string, std::vector<std::string>> centre_criteria;
  // Siblings applying together (issue 19): the id of the sibling's application;
  // both children are placed at one centre or neither is (see matching.h). Either
  // application or both may name the other. Empty: the child is placed on its own.
  std::string together_with;
};

// One line of the points catalogue the city publishes.
struct Criterion {
  std::string id;
  int64_t points = 0;
  std::string label;   // parent-readable, e.g. "both parents working or in training"
  std::string centre;  // empty: city-wide; otherwise only for programs at this centre
};

struct Policy {
  uint32_t max_choices = 10;
  bool older_child_first = true;
  // A program starting up to this many months after the desired start is acceptable.
  int max_start_delay_months = 2;
  std::vector<Criterion> criteria;
  // The service's season only (the tool has no evidence): claimed criteria a
  // caseworker has not verified count for nothing (false, "ignore"), or keep
  // the application out of the round (true, "block").
  bool block_unverified = false;
  // The service's season only: points at a centre where a sibling already
  // attends (0: no sibling priority). The service turns them into one
  // criterion "sibling" per centre (season::EffectivePolicy), which is the
  // engine's per-centre format, so round documents replay with the tool.
  int64_t sibling_points = 0;
};

struct Instance {
  uint64_t seed = 0;
  std::vector<Program> programs;
  std::vector<Application> applications;
};

}  // namespace stadt::daycare
