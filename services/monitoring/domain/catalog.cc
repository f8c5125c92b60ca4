#include "services/monitoring/domain/catalog.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "services/common/strings.h"

namespace stadt::monitoring {
namespace {

constexpr int kFieldsOfAction = 5;
constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxTextLength = 2000;

// Reads members of one JSON object and remembers the first problem, so that a
// parser for an object reads like a list of its members.
class ObjectReader {
 public:
  ObjectReader(const boost::json::value& value, std::string where) : where_(std::move(where)) {
    if (value.is_object()) {
      object_ = &value.get_object();
    } else {
      Fail(where_, "expected an object");
    }
  }

  void String(std::string_view key, std::string* out, size_t max_length = kMaxTextLength) {
    const boost::json::value* value = Member(key);
    if (value == nullptr) return;
    if (!value->is_string() || value->get_string().empty() ||
        value->get_string().size() > max_length) {
      return Fail(Where(key), absl::StrCat("expected a non-empty string of at most ", max_length,
                                           " characters"));
    }
    *out = std::string(value->get_string());
  }

  void Id(std::string_view key, std::string* out) {
    String(key, out, kMaxIdLength);
    if (!ok() || out->empty()) return;
    const bool valid =
        absl::ascii_islower((*out)[0]) && std::all_of(out->begin(), out->end(), [](char c) {
          return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
        });
    if (!valid) Fail(Where(key), "expected lower-case letters, digits and '_', starting a letter");
  }

  void Int(std::string_view key, int min, int max, int* out) {
    const boost::json::value* value = Member(key);
    if (value == nullptr) return;
    if (!value->is_int64() || value->get_int64() < min || value->get_int64() > max) {
      return Fail(Where(key), absl::StrCat("expected an integer from ", min, " to ", max));
    }
    *out = static_cast<int>(value->get_int64());
  }

  void Number(std::string_view key, double* out) {
    const boost::json::value* value = Member(key);
    if (value == nullptr) return;
    if (!value->is_number()) return Fail(Where(key), "expected a number");
    *out = value->to_number<double>();
  }

  void Bool(std::string_view key, bool* out) {
    const boost::json::value* value = Member(key);
    if (value == nullptr) return;
    if (!value->is_bool()) return Fail(Where(key), "expected true or false");
    *out = value->get_bool();
  }

  // An optional array: absent means empty.
  const boost::json::array* Array(std::string_view key, bool required) {
    static const boost::json::array kEmpty;
    const boost::json::value* value = required ? Member(key) : Optional(key);
    if (value == nullptr) return &kEmpty;
    if (!value->is_array()) {
      Fail(Where(key), "expected an array");
      return &kEmpty;
    }
    return &value->get_array();
  }

  void StringList(std::string_view key, std::vector<std::string>* out) {
    const boost::json::array* array = Array(key, false);
    for (size_t i = 0; i < array->size() && ok(); ++i) {
      const boost::json::value& item = (*array)[i];
      if (!item.is_string() || item.get_string().empty() ||
          item.get_string().size() > kMaxIdLength) {
        return Fail(absl::StrCat(Where(key), "[", i, "]"), "expected a short non-empty string");
      }
      out->emplace_back(item.get_string());
    }
  }

  // Refuses members nobody read: a misspelt "warning_treshold" must not fall
  // back to a default without anyone noticing.
  void RejectUnknown(const std::set<std::string_view>& known) {
    if (object_ == nullptr || !ok()) return;
    for (const auto& member : *object_) {
      if (!known.contains(std::string_view(member.key()))) {
        return Fail(Where(member.key()), "unknown member");
      }
    }
  }

  void Fail(std::string_view where, std::string_view problem) {
    if (!status_.ok()) return;
    status_ = absl::InvalidArgumentError(absl::StrCat(ToAbsl(where), ": ", ToAbsl(problem)));
  }

  std::string Where(std::string_view key) const {
    return where_.empty() ? std::string(key) : absl::StrCat(where_, ".", ToAbsl(key));
  }
  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }

 private:
  const boost::json::value* Optional(std::string_view key) {
    return object_ == nullptr || !ok() ? nullptr : object_->if_contains(key);
  }
  const boost::json::value* Member(std::string_view key) {
    if (object_ == nullptr || !ok()) return nullptr;
    const boost::json::value* value = object_->if_contains(key);
    if (value == nullptr) Fail(Where(key), "missing");
    return value;
  }

  std::string where_;
  const boost::json::object* object_ = nullptr;
  absl::Status status_;
};

template <typename Enum>
bool ParseName(std::string_view text, const std::vector<std::pair<std::string_view, Enum>>& names,
               Enum* out) {
  for (const auto& [name, value] : names) {
    if (name == text) {
      *out = value;
      return true;
    }
  }
  return false;
}

const std::vector<std::pair<std::string_view, Aggregation>>& AggregationNames() {
  static const auto* names = new std::vector<std::pair<std::string_view, Aggregation>>{
      {"count", Aggregation::kCount}, {"sum", Aggregation::kSum},
      {"ratio", Aggregation::kRatio}, {"average", Aggregation::kAverage},
      {"p50", Aggregation::kP50},     {"p90", Aggregation::kP90},
      {"p95", Aggregation::kP95},     {"p99", Aggregation::kP99}};
  return *names;
}

const std::vector<std::pair<std::string_view, Direction>>& DirectionNames() {
  static const auto* names = new std::vector<std::pair<std::string_view, Direction>>{
      {"higher_is_better", Direction::kHigherIsBetter},
      {"lower_is_better", Direction::kLowerIsBetter}};
  return *names;
}

const std::vector<std::pair<std::string_view, Grain>>& GrainNames() {
  static const auto* names = new std::vector<std::pair<std::string_view, Grain>>{
      {"hour", Grain::kHour}, {"day", Grain::kDay}, {"month", Grain::kMonth}};
  return *names;
}

const std::vector<std::pair<std::string_view, MilestoneState>>& MilestoneStateNames() {
  static const auto* names = new std::vector<std::pair<std::string_view, MilestoneState>>{
      {"planned", MilestoneState::kPlanned},
      {"in_progress", MilestoneState::kInProgress},
      {"done", MilestoneState::kDone},
      {"blocked", MilestoneState::kBlocked}};
  return *names;
}

template <typename Enum>
void ReadEnum(ObjectReader& reader, std::string_view key,
              const std::vector<std::pair<std::string_view, Enum>>& names, Enum* out) {
  std::string text;
  reader.String(key, &text, kMaxIdLength);
  if (!reader.ok()) return;
  if (!ParseName(text, names, out)) {
    std::vector<std::string> allowed;
    allowed.reserve(names.size());
    for (const auto& [name, value] : names) allowed.emplace_back(name);
    reader.Fail(reader.Where(key), absl::StrCat("expected one of ", absl::StrJoin(allowed, ", ")));
  }
}

bool ParseIsoDate(std::string_view text, absl::CivilDay* out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  return absl::ParseCivilTime(ToAbsl(text), out);
}

absl::Status CheckThresholds(const KpiDefinition& kpi, const std::string& where) {
  if (!std::isfinite(kpi.target) || !std::isfinite(kpi.warning_threshold)) {
    return absl::InvalidArgumentError(where + ": target and warning_threshold must be finite");
  }
  const bool ordered = kpi.direction == Direction::kHigherIsBetter
                           ? kpi.warning_threshold <= kpi.target
                           : kpi.warning_threshold >= kpi.target;
  if (!ordered) {
    return absl::InvalidArgumentError(
        where +
        ".warning_threshold: must lie on the worse side of the target (below it for "
        "higher_is_better, above it for lower_is_better)");
  }
  if (kpi.aggregation == Aggregation::kRatio &&
      (kpi.target < 0 || kpi.target > 1 || kpi.warning_threshold < 0 ||
       kpi.warning_threshold > 1)) {
    return absl::InvalidArgumentError(where + ": a ratio's target and threshold lie in [0, 1]");
  }
  return absl::OkStatus();
}

absl::Status CheckDimensionKeys(const KpiDefinition& kpi, const std::string& where) {
  std::set<std::string> seen;
  for (const std::string& key : kpi.dimension_keys) {
    const auto& permitted = PermittedDimensionKeys();
    if (std::find(permitted.begin(), permitted.end(), key) == permitted.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".dimensions: \"", key, "\" is not one of ", absl::StrJoin(permitted, ", ")));
    }
    if (!seen.insert(key).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".dimensions: \"", key, "\" twice"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<KpiDefinition> ReadKpi(const boost::json::value& value, const std::string& where) {
  KpiDefinition kpi;
  ObjectReader reader(value, where);
  reader.Id("id", &kpi.id);
  reader.String("name", &kpi.name, 200);
  reader.String("description", &kpi.description);
  reader.String("unit", &kpi.unit, 32);
  reader.Id("owning_service", &kpi.owning_service);
  reader.Int("field_of_action", 1, kFieldsOfAction, &kpi.field_of_action);
  ReadEnum(reader, "aggregation", AggregationNames(), &kpi.aggregation);
  reader.Number("target", &kpi.target);
  ReadEnum(reader, "direction", DirectionNames(), &kpi.direction);
  reader.Number("warning_threshold", &kpi.warning_threshold);
  ReadEnum(reader, "grain", GrainNames(), &kpi.grain);
  reader.StringList("dimensions", &kpi.dimension_keys);
  reader.Bool("published", &kpi.published);
  reader.RejectUnknown({"id", "name", "description", "unit", "owning_service", "field_of_action",
                        "aggregation", "target", "direction", "warning_threshold", "grain",
                        "dimensions", "published"});
  if (!reader.ok()) return reader.status();
  if (absl::Status status = CheckThresholds(kpi, where); !status.ok()) return status;
  if (absl::Status status = CheckDimensionKeys(kpi, where); !status.ok()) return status;
  return kpi;
}

absl::StatusOr<Milestone> ReadMilestone(const boost::json::value& value, const std::string& where) {
  Milestone milestone;
  ObjectReader reader(value, where);
  reader.String("title", &milestone.title, 200);
  std::string due;
  reader.String("due", &due, 10);
  ReadEnum(reader, "state", MilestoneStateNames(), &milestone.state);
  reader.RejectUnknown({"title", "due", "state"});
  if (!reader.ok()) return reader.status();
  if (!ParseIsoDate(due, &milestone.due)) {
    return absl::InvalidArgumentError(where + ".due: expected a date YYYY-MM-DD");
  }
  return milestone;
}

absl::StatusOr<MeasureDefinition> ReadMeasure(const boost::json::value& value,
                                              const std::string& where) {
  MeasureDefinition measure;
  ObjectReader reader(value, where);
  reader.Id("id", &measure.id);
  reader.String("title", &measure.title, 300);
  reader.Int("field_of_action", 1, kFieldsOfAction, &measure.field_of_action);
  reader.Int("priority", 1, 5, &measure.priority);
  reader.String("owner_department", &measure.owner_department, 200);
  const boost::json::array* milestones = reader.Array("milestones", false);
  reader.StringList("depends_on", &measure.depends_on);
  reader.StringList("kpis", &measure.kpi_ids);
  reader.RejectUnknown({"id", "title", "field_of_action", "priority", "owner_department",
                        "milestones", "depends_on", "kpis"});
  if (!reader.ok()) return reader.status();
  for (size_t i = 0; i < milestones->size(); ++i) {
    absl::StatusOr<Milestone> milestone =
        ReadMilestone((*milestones)[i], absl::StrCat(where, ".milestones[", i, "]"));
    if (!milestone.ok()) return milestone.status();
    measure.milestones.push_back(*std::move(milestone));
  }
  return measure;
}

// Depth-first search with three colours; returns the measure ids of a cycle.
bool FindCycle(const std::map<std::string, const MeasureDefinition*>& measures,
               const std::string& id, std::map<std::string, int>& colour,
               std::vector<std::string>& path) {
  colour[id] = 1;
  path.push_back(id);
  for (const std::string& next : measures.at(id)->depends_on) {
    if (colour[next] == 1) {
      path.push_back(next);
      return true;
    }
    if (colour[next] == 0 && FindCycle(measures, next, colour, path)) return true;
  }
  path.pop_back();
  colour[id] = 2;
  return false;
}

}  // namespace

std::string_view AggregationName(Aggregation aggregation) {
  for (const auto& [name, value] : AggregationNames()) {
    if (value == aggregation) return name;
  }
  return "count";
}

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kHigherIsBetter ? "higher_is_better" : "lower_is_better";
}

std::string_view MilestoneStateName(MilestoneState state) {
  for (const auto& [name, value] : MilestoneStateNames()) {
    if (value == state) return name;
  }
  return "planned";
}

bool IsPercentile(Aggregation aggregation) { return Quantile(aggregation) > 0; }

double Quantile(Aggregation aggregation) {
  switch (aggregation) {
    case Aggregation::kP50:
      return 0.5;
    case Aggregation::kP90:
      return 0.9;
    case Aggregation::kP95:
      return 0.95;
    case Aggregation::kP99:
      return 0.99;
    default:
      return 0;
  }
}

const std::vector<std::string>& PermittedDimensionKeys() {
  static const auto* keys = new std::vector<std::string>{"office",     "district", "zone",
                                                         "department", "service",  "age_group"};
  return *keys;
}

bool KpiDefinition::AllowsDimension(std::string_view key) const {
  return std::find(dimension_keys.begin(), dimension_keys.end(), key) != dimension_keys.end();
}

bool MeasureDefinition::IsBlocked() const {
  return std::any_of(milestones.begin(), milestones.end(),
                     [](const Milestone& m) { return m.state == MilestoneState::kBlocked; });
}

const KpiDefinition* Catalog::FindKpi(std::string_view id) const {
  auto it = kpi_index_.find(id);
  return it == kpi_index_.end() ? nullptr : &kpis_[it->second];
}

const MeasureDefinition* Catalog::FindMeasure(std::string_view id) const {
  auto it = measure_index_.find(id);
  return it == measure_index_.end() ? nullptr : &measures_[it->second];
}

absl::StatusOr<Catalog> ParseCatalog(std::string_view json) {
  boost::system::error_code error;
  boost::json::value root = boost::json::parse(json, error);
  if (error) return absl::InvalidArgumentError("catalog: not valid JSON: " + error.message());
  Catalog catalog;
  ObjectReader reader(root, "");
  reader.String("version", &catalog.version_, kMaxIdLength);
  const boost::json::array* fields = reader.Array("fields_of_action", true);
  const boost::json::array* kpis = reader.Array("kpis", true);
  const boost::json::array* measures = reader.Array("measures", false);
  reader.RejectUnknown({"version", "fields_of_action", "kpis", "measures"});
  if (!reader.ok()) return reader.status();

  for (size_t i = 0; i < fields->size(); ++i) {
    FieldOfAction field;
    const std::string where = absl::StrCat("fields_of_action[", i, "]");
    ObjectReader field_reader((*fields)[i], where);
    field_reader.Int("number", 1, kFieldsOfAction, &field.number);
    field_reader.String("title", &field.title, 200);
    field_reader.RejectUnknown({"number", "title"});
    if (!field_reader.ok()) return field_reader.status();
    catalog.fields_.push_back(field);
  }
  std::sort(catalog.fields_.begin(), catalog.fields_.end(),
            [](const FieldOfAction& a, const FieldOfAction& b) { return a.number < b.number; });
  for (int number = 1; number <= kFieldsOfAction; ++number) {
    if (catalog.fields_.size() != kFieldsOfAction || catalog.fields_[number - 1].number != number) {
      return absl::InvalidArgumentError(
          "fields_of_action: expected exactly the five fields numbered 1 to 5");
    }
  }

  for (size_t i = 0; i < kpis->size(); ++i) {
    const std::string where = absl::StrCat("kpis[", i, "]");
    absl::StatusOr<KpiDefinition> kpi = ReadKpi((*kpis)[i], where);
    if (!kpi.ok()) return kpi.status();
    if (!catalog.kpi_index_.emplace(kpi->id, catalog.kpis_.size()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".id: \"", kpi->id, "\" twice"));
    }
    catalog.kpis_.push_back(*std::move(kpi));
  }

  for (size_t i = 0; i < measures->size(); ++i) {
    const std::string where = absl::StrCat("measures[", i, "]");
    absl::StatusOr<MeasureDefinition> measure = ReadMeasure((*measures)[i], where);
    if (!measure.ok()) return measure.status();
    if (!catalog.measure_index_.emplace(measure->id, catalog.measures_.size()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".id: \"", measure->id, "\" twice"));
    }
    catalog.measures_.push_back(*std::move(measure));
  }

  std::map<std::string, const MeasureDefinition*> by_id;
  for (const MeasureDefinition& measure : catalog.measures_) by_id[measure.id] = &measure;
  for (const MeasureDefinition& measure : catalog.measures_) {
    for (const std::string& kpi_id : measure.kpi_ids) {
      if (catalog.FindKpi(kpi_id) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("measure ", measure.id, ": unknown KPI \"", kpi_id, "\""));
      }
    }
    for (const std::string& dependency : measure.depends_on) {
      if (!by_id.contains(dependency)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "measure ", measure.id, ": depends on unknown measure \"", dependency, "\""));
      }
    }
  }
  std::map<std::string, int> colour;
  for (const MeasureDefinition& measure : catalog.measures_) {
    std::vector<std::string> path;
    if (colour[measure.id] == 0 && FindCycle(by_id, measure.id, colour, path)) {
      const auto start = std::find(path.begin(), path.end(), path.back());
      return absl::InvalidArgumentError(
          absl::StrCat("measures: dependency cycle ", absl::StrJoin(start, path.end(), " -> ")));
    }
  }
  return catalog;
}

}  // namespace stadt::monitoring
