#include "services/daycare/domain/instance_json.h"

#include "absl/strings/str_cat.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/daycare/domain/explanation.h"
#include "services/daycare/domain/instance_stream.h"

namespace stadt::daycare {
namespace {

namespace json = boost::json;

constexpr int64_t kMaxPoints = int64_t{1} << 40;
constexpr int64_t kMaxCapacity = 1'000'000;

absl::Status Expected(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": expected ", ToAbsl(what)));
}

std::string Member(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : absl::StrCat(ToAbsl(parent), ".", ToAbsl(key));
}

std::string Element(std::string_view parent, size_t index) {
  return absl::StrCat(ToAbsl(parent), "[", index, "]");
}

// Reads an integer in [min, max]; returns nullopt (and OK) when the member is absent.
absl::StatusOr<std::optional<int64_t>> ReadInt(const json::object& object, std::string_view key,
                                               std::string_view parent, int64_t min, int64_t max) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return std::optional<int64_t>();
  // The error text only when there is an error: this runs for every point of
  // every wish.
  auto refuse = [&] {
    return Expected(Member(parent, key), absl::StrCat("an integer from ", min, " to ", max));
  };
  if (!value->is_int64()) return refuse();  // includes uint64 above INT64_MAX
  const int64_t number = value->get_int64();
  if (number < min || number > max) return refuse();
  return std::optional<int64_t>(number);
}

absl::Status ReadString(const json::object& object, std::string_view key, std::string_view parent,
                        std::string* out) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return absl::OkStatus();
  if (!value->is_string()) return Expected(Member(parent, key), "a string");
  *out = std::string(value->get_string());
  return absl::OkStatus();
}

absl::Status ReadRequiredString(const json::object& object, std::string_view key,
                                std::string_view parent, std::string* out) {
  if (!object.contains(key)) return Expected(Member(parent, key), "a string (required)");
  STADT_RETURN_IF_ERROR(ReadString(object, key, parent, out));
  if (out->empty()) return Expected(Member(parent, key), "a non-empty string");
  return absl::OkStatus();
}

absl::Status ReadStringList(const json::value& value, std::string_view field,
                            std::vector<std::string>* out) {
  if (!value.is_array()) return Expected(field, "an array of strings");
  const json::array& array = value.get_array();
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) return Expected(Element(field, i), "a string");
    out->emplace_back(array[i].get_string());
  }
  return absl::OkStatus();
}

// "2026-08" -> Month.
absl::StatusOr<std::optional<Month>> ReadMonth(const json::object& object, std::string_view key,
                                               std::string_view parent) {
  std::string text;
  STADT_RETURN_IF_ERROR(ReadString(object, key, parent, &text));
  if (!object.contains(key) || object.at(key).is_null()) return std::optional<Month>();
  absl::StatusOr<Month> month = ParseMonth(text, Member(parent, key));
  if (!month.ok()) return month.status();
  return std::optional<Month>(*month);
}

absl::StatusOr<std::optional<Date>> ReadDate(const json::object& object, std::string_view key,
                                             std::string_view parent) {
  std::string text;
  STADT_RETURN_IF_ERROR(ReadString(object, key, parent, &text));
  if (!object.contains(key) || object.at(key).is_null()) return std::optional<Date>();
  absl::StatusOr<Date> date = ParseDate(text, Member(parent, key));
  if (!date.ok()) return date.status();
  return std::optional<Date>(*date);
}

absl::StatusOr<Program> ProgramFromJson(const json::value& value, std::string_view field) {
  if (!value.is_object()) return Expected(field, "an object");
  const json::object& object = value.get_object();
  Program program;
  STADT_RETURN_IF_ERROR(ReadRequiredString(object, "id", field, &program.id));
  STADT_RETURN_IF_ERROR(ReadString(object, "name", field, &program.name));
  STADT_RETURN_IF_ERROR(ReadString(object, "centre", field, &program.centre));
  STADT_RETURN_IF_ERROR(ReadString(object, "care_scope", field, &program.care_scope));
  STADT_RETURN_IF_ERROR(ReadString(object, "centre_name", field, &program.centre_name));
  STADT_RETURN_IF_ERROR(ReadString(object, "address", field, &program.address));
  STADT_RETURN_IF_ERROR(ReadString(object, "district", field, &program.district));
  STADT_RETURN_IF_ERROR(ReadString(object, "opening_hours", field, &program.opening_hours));
  if (!object.contains("capacity")) return Expected(Member(field, "capacity"), "an integer");
  absl::StatusOr<std::optional<int64_t>> capacity =
      ReadInt(object, "capacity", field, 0, kMaxCapacity);
  if (!capacity.ok()) return capacity.status();
  if (!capacity->has_value()) return Expected(Member(field, "capacity"), "an integer");
  program.capacity = static_cast<uint32_t>(**capacity);
  for (const auto& [key, out] : {std::pair{"min_age_months", &program.min_age_months},
                                 std::pair{"max_age_months", &program.max_age_months}}) {
    absl::StatusOr<std::optional<int64_t>> age = ReadInt(object, key, field, 0, 1200);
    if (!age.ok()) return age.status();
    if (age->has_value()) *out = static_cast<int>(**age);
  }
  absl::StatusOr<std::optional<Month>> start = ReadMonth(object, "start_month", field);
  if (!start.ok()) return start.status();
  program.start_month = *start;
  return program;
}

absl::Status ReadPoints(const json::object& object, std::string_view field,
                        Application* application) {
  const json::value* value = object.if_contains("points");
  if (value == nullptr || value->is_null()) return absl::OkStatus();
  const std::string points_field = Member(field, "points");
  if (!value->is_object()) return Expected(points_field, "an object of program id to points");
  const json::object& points = value->get_object();
  application->points.emplace().reserve(points.size());
  for (const auto& entry : points) {
    const std::string key(entry.key());
    absl::StatusOr<std::optional<int64_t>> number =
        ReadInt(points, key, points_field, -kMaxPoints, kMaxPoints);
    if (!number.ok()) return number.status();
    if (!number->has_value()) return Expected(Member(points_field, key), "an integer");
    application->points->Append(key, **number);
  }
  application->points->SortUnique();  // the document has each key once
  return absl::OkStatus();
}

absl::Status ReadCentreCriteria(const json::object& object, std::string_view field,
                                Application* application) {
  const json::value* value = object.if_contains("centre_criteria");
  if (value == nullptr || value->is_null()) return absl::OkStatus();
  const std::string own = Member(field, "centre_criteria");
  if (!value->is_object()) return Expected(own, "an object of centre id to criteria");
  for (const auto& entry : value->get_object()) {
    const std::string centre(entry.key());
    STADT_RETURN_IF_ERROR(
        ReadStringList(entry.value(), Member(own, centre), &application->centre_criteria[centre]));
  }
  return absl::OkStatus();
}

absl::StatusOr<Application> ApplicationFromJson(const json::value& value, std::string_view field) {
  if (!value.is_object()) return Expected(field, "an object");
  const json::object& object = value.get_object();
  Application application;
  STADT_RETURN_IF_ERROR(ReadRequiredString(object, "id", field, &application.id));
  const json::value* choices = object.if_contains("choices");
  if (choices == nullptr) return Expected(Member(field, "choices"), "an array of program ids");
  STADT_RETURN_IF_ERROR(ReadStringList(*choices, Member(field, "choices"), &application.choices));
  STADT_RETURN_IF_ERROR(ReadPoints(object, field, &application));
  absl::StatusOr<std::optional<Date>> birth = ReadDate(object, "birth_date", field);
  if (!birth.ok()) return birth.status();
  application.birth_date = *birth;
  absl::StatusOr<std::optional<Month>> start = ReadMonth(object, "start_month", field);
  if (!start.ok()) return start.status();
  application.desired_start = *start;
  STADT_RETURN_IF_ERROR(ReadString(object, "care_scope", field, &application.care_scope));
  STADT_RETURN_IF_ERROR(ReadString(object, "district", field, &application.district));
  STADT_RETURN_IF_ERROR(ReadString(object, "together_with", field, &application.together_with));
  if (const json::value* criteria = object.if_contains("criteria");
      criteria != nullptr && !criteria->is_null()) {
    STADT_RETURN_IF_ERROR(
        ReadStringList(*criteria, Member(field, "criteria"), &application.criteria));
  }
  STADT_RETURN_IF_ERROR(ReadCentreCriteria(object, field, &application));
  return application;
}

absl::StatusOr<Criterion> CriterionFromJson(const json::value& value, std::string_view field) {
  if (!value.is_object()) return Expected(field, "an object");
  const json::object& object = value.get_object();
  Criterion criterion;
  STADT_RETURN_IF_ERROR(ReadRequiredString(object, "id", field, &criterion.id));
  STADT_RETURN_IF_ERROR(ReadString(object, "label", field, &criterion.label));
  STADT_RETURN_IF_ERROR(ReadString(object, "label_en", field, &criterion.label_en));
  STADT_RETURN_IF_ERROR(ReadString(object, "centre", field, &criterion.centre));
  absl::StatusOr<std::optional<int64_t>> points =
      ReadInt(object, "points", field, -1'000'000'000, 1'000'000'000);
  if (!points.ok()) return points.status();
  if (!points->has_value()) return Expected(Member(field, "points"), "an integer");
  criterion.points = **points;
  return criterion;
}

absl::Status ReadSeed(const json::object& root, uint64_t* seed) {
  const json::value* value = root.if_contains("seed");
  if (value == nullptr) return Expected("seed", "a non-negative integer (required)");
  if (value->is_uint64()) {
    *seed = value->get_uint64();
  } else if (value->is_int64() && value->get_int64() >= 0) {
    *seed = static_cast<uint64_t>(value->get_int64());
  } else {
    return Expected("seed", "a non-negative integer below 2^64");
  }
  return absl::OkStatus();
}

template <typename T, typename Parse>
absl::Status ReadList(const json::object& root, std::string_view key, Parse parse,
                      std::vector<T>* out) {
  const json::value* value = root.if_contains(key);
  if (value == nullptr || !value->is_array()) return Expected(key, "an array (required)");
  const json::array& array = value->get_array();
  out->reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    absl::StatusOr<T> item = parse(array[i], Element(key, i));
    if (!item.ok()) return item.status();
    out->push_back(*std::move(item));
  }
  return absl::OkStatus();
}

absl::StatusOr<json::value> ParseDocument(std::string_view json_text, std::string_view what) {
  boost::system::error_code error;
  // One arena for the whole document: a 20 MB instance is millions of small
  // values, and freeing them one by one cost more than parsing them.
  json::value root =
      json::parse(json_text, error, json::make_shared_resource<json::monotonic_resource>());
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(what), ": not valid JSON (", error.message(), ")"));
  }
  if (!root.is_object()) return Expected(what, "a JSON object");
  return root;
}

json::value CutoffToJson(const Allocator& allocator, uint32_t application, uint32_t program,
                         const json::storage_ptr& sp) {
  const int32_t position = allocator.ChoicePosition(application, program);
  json::object cutoff({{"application", allocator.instance().applications[application].id},
                       {"points", allocator.choices(application)[position].points},
                       {"lottery", allocator.lottery(application)}},
                      sp);
  const auto& birth = allocator.instance().applications[application].birth_date;
  if (allocator.policy().older_child_first && birth) cutoff["birth_date"] = FormatDate(*birth);
  return cutoff;
}

json::object CountsToJson(const std::map<std::string, uint32_t>& counts) {
  json::object object;
  for (const auto& [key, count] : counts) object[key] = count;
  return object;
}

json::object StatsToJson(const RoundStats& stats) {
  json::array by_rank;
  for (uint32_t count : stats.placed_by_choice_rank) by_rank.push_back(count);
  return json::object{{"applications", stats.applications},
                      {"placed", stats.placed},
                      {"placed_first_choice", stats.placed_first_choice},
                      {"unplaced", stats.unplaced},
                      {"places", stats.places},
                      {"places_filled", stats.places_filled},
                      {"ineligible_choices", stats.ineligible_choices},
                      {"placed_by_choice_rank", std::move(by_rank)},
                      {"unplaced_by_age_years", CountsToJson(stats.unplaced_by_age_years)},
                      {"unplaced_by_district", CountsToJson(stats.unplaced_by_district)}};
}

json::value ExplanationToJson(const Allocator& allocator, const RoundResult& result,
                              uint32_t application, Language language,
                              const json::storage_ptr& sp) {
  const Explanation explanation = Explain(allocator, result, application, {}, language);
  json::array choices(sp);
  for (const ChoiceExplanation& choice : explanation.choices) {
    choices.push_back(json::object(
        {{"choice_rank", choice.choice_rank}, {"program", choice.program}, {"why", choice.text}},
        sp));
  }
  return json::object({{"summary", explanation.summary}, {"choices", std::move(choices)}}, sp);
}

}  // namespace

namespace {

// Digits text[from, from + count) as a number; -1 unless they are all digits.
int Digits(std::string_view text, size_t from, size_t count) {
  int value = 0;
  for (size_t k = from; k < from + count; ++k) {
    if (text[k] < '0' || text[k] > '9') return -1;
    value = value * 10 + (text[k] - '0');
  }
  return value;
}

}  // namespace

absl::StatusOr<Month> ParseMonth(std::string_view text, std::string_view field) {
  const int year = text.size() == 7 && text[4] == '-' ? Digits(text, 0, 4) : -1;
  const int month = year >= 0 ? Digits(text, 5, 2) : -1;
  if (year < 1900 || month < 1 || month > 12) return Expected(field, "a month like \"2026-08\"");
  return Month::Of(year, month);
}

absl::StatusOr<Date> ParseDate(std::string_view text, std::string_view field) {
  Date date;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    date = Date{Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2)};
  }
  if (!IsValidDate(date)) return Expected(field, "a date like \"2024-03-15\"");
  return date;
}

json::object ProgramToJson(const Program& program) {
  json::object out{{"id", program.id}, {"capacity", program.capacity}};
  if (!program.centre.empty()) out["centre"] = program.centre;
  if (!program.name.empty()) out["name"] = program.name;
  if (!program.care_scope.empty()) out["care_scope"] = program.care_scope;
  if (program.start_month) out["start_month"] = FormatMonth(*program.start_month);
  if (program.min_age_months) out["min_age_months"] = *program.min_age_months;
  if (program.max_age_months) out["max_age_months"] = *program.max_age_months;
  for (const auto& [key, value] :
       {std::pair{"centre_name", &program.centre_name}, std::pair{"address", &program.address},
        std::pair{"district", &program.district},
        std::pair{"opening_hours", &program.opening_hours}}) {
    if (!value->empty()) out[key] = *value;
  }
  return out;
}

json::object ApplicationToJson(const Application& application) {
  json::array choices;
  for (const std::string& choice : application.choices) choices.emplace_back(choice);
  json::object out{{"id", application.id}, {"choices", std::move(choices)}};
  if (application.points) {
    json::object points;
    for (const auto& [program, value] : *application.points) points[program] = value;
    out["points"] = std::move(points);
  }
  if (application.birth_date) out["birth_date"] = FormatDate(*application.birth_date);
  if (application.desired_start) out["start_month"] = FormatMonth(*application.desired_start);
  if (!application.care_scope.empty()) out["care_scope"] = application.care_scope;
  if (!application.district.empty()) out["district"] = application.district;
  if (!application.together_with.empty()) out["together_with"] = application.together_with;
  json::array criteria;
  for (const std::string& criterion : application.criteria) criteria.emplace_back(criterion);
  out["criteria"] = std::move(criteria);
  if (!application.centre_criteria.empty()) {
    json::object centres;
    for (const auto& [centre, list] : application.centre_criteria) {
      json::array ids;
      for (const std::string& id : list) ids.emplace_back(id);
      centres[centre] = std::move(ids);
    }
    out["centre_criteria"] = std::move(centres);
  }
  return out;
}

json::object PolicyToJson(const Policy& policy) {
  json::array criteria;
  for (const Criterion& criterion : policy.criteria) {
    json::object entry{{"id", criterion.id}, {"points", criterion.points}};
    if (!criterion.label.empty()) entry["label"] = criterion.label;
    if (!criterion.label_en.empty()) entry["label_en"] = criterion.label_en;
    if (!criterion.centre.empty()) entry["centre"] = criterion.centre;
    criteria.push_back(std::move(entry));
  }
  return json::object{{"max_choices", policy.max_choices},
                      {"older_child_first", policy.older_child_first},
                      {"max_start_delay_months", policy.max_start_delay_months},
                      {"unverified_criteria", policy.block_unverified ? "block" : "ignore"},
                      {"sibling_points", policy.sibling_points},
                      {"criteria", std::move(criteria)}};
}

absl::StatusOr<Policy> PolicyFromJson(const json::value& value, std::string_view field) {
  if (!value.is_object()) return Expected(field, "an object");
  const json::object& object = value.get_object();
  Policy policy;
  absl::StatusOr<std::optional<int64_t>> max_choices =
      ReadInt(object, "max_choices", field, 1, 100);
  if (!max_choices.ok()) return max_choices.status();
  if (max_choices->has_value()) policy.max_choices = static_cast<uint32_t>(**max_choices);
  absl::StatusOr<std::optional<int64_t>> delay =
      ReadInt(object, "max_start_delay_months", field, 0, 120);
  if (!delay.ok()) return delay.status();
  if (delay->has_value()) policy.max_start_delay_months = static_cast<int>(**delay);
  absl::StatusOr<std::optional<int64_t>> sibling =
      ReadInt(object, "sibling_points", field, 0, 1'000'000);
  if (!sibling.ok()) return sibling.status();
  if (sibling->has_value()) policy.sibling_points = **sibling;
  if (const json::value* unverified = object.if_contains("unverified_criteria");
      unverified != nullptr) {
    if (!unverified->is_string() ||
        (unverified->get_string() != "ignore" && unverified->get_string() != "block")) {
      return Expected(Member(field, "unverified_criteria"), "\"ignore\" or \"block\"");
    }
    policy.block_unverified = unverified->get_string() == "block";
  }
  if (const json::value* older = object.if_contains("older_child_first"); older != nullptr) {
    if (!older->is_bool()) return Expected(Member(field, "older_child_first"), "true or false");
    policy.older_child_first = older->get_bool();
  }
  if (const json::value* criteria = object.if_contains("criteria"); criteria != nullptr) {
    const std::string own = Member(field, "criteria");
    if (!criteria->is_array()) return Expected(own, "an array");
    const json::array& array = criteria->get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      absl::StatusOr<Criterion> criterion = CriterionFromJson(array[i], Element(own, i));
      if (!criterion.ok()) return criterion.status();
      policy.criteria.push_back(*std::move(criterion));
    }
  }
  return policy;
}

absl::StatusOr<Policy> ParsePolicy(std::string_view json_text) {
  absl::StatusOr<json::value> root = ParseDocument(json_text, "policy");
  if (!root.ok()) return root.status();
  return PolicyFromJson(*root, "");
}

absl::StatusOr<ParsedInstance> ParseInstance(std::string_view json_text,
                                             const ParseOptions& options) {
  // The applications straight into the engine's types when the document is
  // well-formed; otherwise the whole document as before, which names the problem.
  std::optional<StreamedInstance> streamed = StreamInstance(
      json_text, json::make_shared_resource<json::monotonic_resource>(), options.resolve_wishes);
  const bool applications_streamed = streamed && streamed->rest.is_object();
  absl::StatusOr<json::value> root = applications_streamed
                                         ? absl::StatusOr<json::value>(std::move(streamed->rest))
                                         : ParseDocument(json_text, "instance");
  if (!root.ok()) return root.status();
  const json::object& object = root->get_object();
  ParsedInstance parsed;
  STADT_RETURN_IF_ERROR(ReadSeed(object, &parsed.instance.seed));
  STADT_RETURN_IF_ERROR(
      ReadList<Program>(object, "programs", ProgramFromJson, &parsed.instance.programs));
  if (applications_streamed) {
    parsed.instance.applications = std::move(streamed->applications);
  } else {
    STADT_RETURN_IF_ERROR(ReadList<Application>(object, "applications", ApplicationFromJson,
                                                &parsed.instance.applications));
  }
  if (const json::value* policy = object.if_contains("policy");
      policy != nullptr && !policy->is_null()) {
    absl::StatusOr<Policy> parsed_policy = PolicyFromJson(*policy, "policy");
    if (!parsed_policy.ok()) return parsed_policy.status();
    parsed.policy = *std::move(parsed_policy);
  }
  return parsed;
}

namespace {

// Appends `text` as a JSON string, escaped the way boost::json::serialize does
// (short escapes for \b \f \n \r \t, \u00XX for other control characters,
// UTF-8 as is), so that the direct writer below gives the bytes the document
// model gave.
void AppendString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (byte < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Siblings applying together, only when there are any (so results without them
// keep their bytes): each pair with where it was placed, and whether the
// allocation is stable.
void AppendCouples(const Allocator& allocator, const RoundResult& result, std::string& out) {
  const Instance& instance = allocator.instance();
  out.append(",\"couples\":[");
  for (size_t c = 0; c < result.couples.size(); ++c) {
    const CoupleOutcome& couple = result.couples[c];
    if (c != 0) out.push_back(',');
    out.append("{\"applications\":[");
    AppendString(out, instance.applications[couple.first].id);
    out.push_back(',');
    AppendString(out, instance.applications[couple.second].id);
    const int32_t program = result.placements[couple.first].program;
    const bool together = couple.as_pair && program >= 0;
    absl::StrAppend(&out, "],\"as_pair\":", couple.as_pair ? "true" : "false",
                    ",\"placed_together\":", together ? "true" : "false", ",\"centre\":");
    if (together) {
      const Program& placed = instance.programs[program];
      AppendString(out, placed.centre.empty() ? placed.id : placed.centre);
    } else {
      out.append("null");
    }
    absl::StrAppend(&out, ",\"blocking\":", couple.blocking ? "true" : "false", "}");
  }
  absl::StrAppend(&out, "],\"stable\":", result.stable ? "true" : "false",
                  ",\"repair_rounds\":", result.repair_rounds);
}

}  // namespace

// Written directly rather than through a document model: for 100,000
// applications the model cost more than the allocation itself.
std::string ResultToJson(const Allocator& allocator, const RoundResult& result, bool explain,
                         Language language) {
  const Instance& instance = allocator.instance();
  std::string out;
  out.reserve(instance.applications.size() * 160 + instance.programs.size() * 120 + 1024);
  out.append("{\"assignments\":[");
  for (uint32_t a = 0; a < instance.applications.size(); ++a) {
    const Placement& placement = result.placements[a];
    if (a != 0) out.push_back(',');
    out.append("{\"application\":");
    AppendString(out, instance.applications[a].id);
    if (placement.program < 0) {
      out.append(",\"program\":null,\"choice_rank\":null");
    } else {
      out.append(",\"program\":");
      AppendString(out, instance.programs[placement.program].id);
      absl::StrAppend(&out, ",\"choice_rank\":", placement.choice_rank);
    }
    absl::StrAppend(&out, ",\"lottery\":", allocator.lottery(a));
    const auto choices = allocator.choices(a);
    bool any_dropped = false;
    for (size_t c = 0; c < choices.size(); ++c) {
      if (!choices[c].ineligible) continue;
      out.append(any_dropped ? ",{" : ",\"ineligible\":[{");
      any_dropped = true;
      absl::StrAppend(&out, "\"choice_rank\":", c + 1, ",\"program\":");
      AppendString(out, instance.programs[choices[c].program].id);
      out.append(",\"reason\":");
      AppendString(out, ReasonCode(*choices[c].ineligible));
      out.push_back('}');
    }
    if (any_dropped) out.push_back(']');
    if (explain) {
      out.append(",\"explanation\":");
      out.append(
          json::serialize(ExplanationToJson(allocator, result, a, language, json::storage_ptr())));
    }
    out.push_back('}');
  }
  out.append("],\"programs\":[");
  for (uint32_t p = 0; p < instance.programs.size(); ++p) {
    const ProgramOutcome& outcome = result.programs[p];
    if (p != 0) out.push_back(',');
    out.append("{\"id\":");
    AppendString(out, instance.programs[p].id);
    absl::StrAppend(&out, ",\"capacity\":", outcome.capacity, ",\"filled\":", outcome.filled,
                    ",\"cutoff\":");
    if (outcome.cutoff_application) {
      out.append(json::serialize(
          CutoffToJson(allocator, *outcome.cutoff_application, p, json::storage_ptr())));
    } else {
      out.append("null");
    }
    out.push_back('}');
  }
  out.push_back(']');
  if (!allocator.couples().empty()) AppendCouples(allocator, result, out);
  out.append(",\"stats\":");
  out.append(json::serialize(StatsToJson(ComputeStats(allocator, result))));
  out.push_back('}');
  return out;
}

}  // namespace stadt::daycare
