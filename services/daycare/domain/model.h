#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Ready-made points per program id, in id order: one flat list per application
// rather than a node per entry (a city's applications carry a million of them, and
// allocating and freeing the nodes was a large part of a run).
class ProgramPoints {
 public:
  using Entry = std::pair<std::string, int64_t>;
  using const_iterator = std::vector<Entry>::const_iterator;

  ProgramPoints() = default;
  ProgramPoints(std::initializer_list<Entry> entries) {
    for (const Entry& entry : entries) (*this)[entry.first] = entry.second;
  }

  // The points of `program`; 0 inserted in its place when absent.
  int64_t& operator[](std::string_view program) {
    auto it = LowerBound(program);
    if (it == entries_.end() || it->first != program) {
      it = entries_.insert(it, Entry(std::string(program), 0));
    }
    return it->second;
  }
  const_iterator find(std::string_view program) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), program, KeyBelow);
    return it != entries_.end() && it->first == program ? it : entries_.end();
  }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  void reserve(size_t entries) { entries_.reserve(entries); }

  // For readers of many entries: append in any order, then sort once; false
  // (and nothing sorted) when a program id repeats.
  void Append(std::string program, int64_t points) {
    entries_.emplace_back(std::move(program), points);
  }
  bool SortUnique() {
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.first < b.first; });
    return std::adjacent_find(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
             return a.first == b.first;
           }) == entries_.end();
  }

 private:
  static bool KeyBelow(const Entry& entry, std::string_view program) {
    return entry.first < program;
  }
  std::vector<Entry>::iterator LowerBound(std::string_view program) {
    return std::lower_bound(entries_.begin(), entries_.end(), program, KeyBelow);
  }

  std::vector<Entry> entries_;
};

// A wish already looked up in Instance::programs (see Application::resolved).
struct ResolvedWish {
  uint32_t program = 0;  // index into Instance::programs
  int64_t points = 0;    // the ready-made points, when the application has them
};

struct Application {
  std::string id;
  std::vector<std::string> choices;  // program ids, most wanted first
  // Points per chosen program, already evaluated by someone else. When absent the
  // policy computes them from the attributes below.
  std::optional<ProgramPoints> points;
  // Set instead of `choices` and `points` by the one-pass reader when asked to
  // (ParseOptions::resolve_wishes, the planners' tool) and the document lists the
  // programs before the applications: the wishes as program indices, most wanted
  // first, with their ready-made points when `resolved_points`. A city's run then
  // holds, hashes and compares no million program id strings.
  std::optional<std::vector<ResolvedWish>> resolved;
  bool resolved_points = false;
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

  // Points given with the application (either form) rather than by the policy.
  bool HasReadyMadePoints() const { return points.has_value() || resolved_points; }
};

// One line of the points catalogue the city publishes.
struct Criterion {
  std::string id;
  int64_t points = 0;
  std::string label;     // parent-readable, German: "beide Eltern berufstätig oder in Ausbildung"
  std::string centre;    // empty: city-wide; otherwise only for programs at this centre
  std::string label_en;  // the same in English; `label` when empty
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
