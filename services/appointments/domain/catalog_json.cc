#include "services/appointments/domain/catalog_json.h"

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "services/common/status_macros.h"
#include "services/common/strings.h"

namespace stadt::appointments {
namespace {

namespace json = boost::json;

absl::Status Malformed(std::string_view field, std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(ToAbsl(field), ": expected ", ToAbsl(expected)));
}

// Reads an optional string member; absent means empty.
absl::Status ReadString(const json::object& object, std::string_view key, std::string* out) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_string()) return Malformed(key, "a string");
  *out = std::string(value->get_string());
  return absl::OkStatus();
}

absl::Status ReadInt(const json::object& object, std::string_view key, int* out) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_int64() || value->get_int64() < INT32_MIN || value->get_int64() > INT32_MAX) {
    return Malformed(key, "an integer");
  }
  *out = static_cast<int>(value->get_int64());
  return absl::OkStatus();
}

absl::Status ReadArray(const json::object& object, std::string_view key, const json::array** out) {
  static const json::array kEmpty;
  *out = &kEmpty;
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_array()) return Malformed(key, "an array");
  *out = &value->get_array();
  return absl::OkStatus();
}

absl::Status ReadAddress(const json::object& object, Address* address) {
  const json::value* value = object.if_contains("address");
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_object()) return Malformed("address", "an object");
  const json::object& fields = value->get_object();
  for (const auto& [key, out] :
       {std::pair{"street", &address->street}, std::pair{"postal_code", &address->postal_code},
        std::pair{"city", &address->city}}) {
    if (absl::Status status = ReadString(fields, key, out); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<OpeningHours> OpeningHoursFromJson(const json::value& value) {
  if (!value.is_object()) return Malformed("opening_hours", "objects");
  OpeningHours hours;
  const json::object& object = value.get_object();
  for (const auto& [key, out] :
       {std::pair{"weekday", &hours.weekday}, std::pair{"opens_minute", &hours.opens_minute},
        std::pair{"closes_minute", &hours.closes_minute}}) {
    if (absl::Status status = ReadInt(object, key, out); !status.ok()) return status;
  }
  return hours;
}

absl::StatusOr<CounterWindow> CounterWindowFromJson(const json::value& value) {
  if (!value.is_object()) return Malformed("counters", "objects");
  CounterWindow window;
  const json::object& object = value.get_object();
  for (const auto& [key, out] :
       {std::pair{"weekday", &window.weekday}, std::pair{"from_minute", &window.from_minute},
        std::pair{"to_minute", &window.to_minute}, std::pair{"counters", &window.counters}}) {
    STADT_RETURN_IF_ERROR(ReadInt(object, key, out));
  }
  return window;
}

absl::Status ReadStrings(const json::object& object, std::string_view key,
                         std::vector<std::string>* out) {
  const json::array* array = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(object, key, &array));
  for (const json::value& entry : *array) {
    if (!entry.is_string()) return Malformed(key, "strings");
    out->emplace_back(entry.get_string());
  }
  return absl::OkStatus();
}

json::object LocalizedToJson(const LocalizedText& text) {
  return json::object{{"de", text.de}, {"en", text.en}};
}

// {"de": ..., "en": ...}; absent means empty.
absl::Status ReadLocalized(const json::object& object, std::string_view key, LocalizedText* out) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_object()) return Malformed(key, "an object {\"de\", \"en\"}");
  STADT_RETURN_IF_ERROR(ReadString(value->get_object(), "de", &out->de));
  return ReadString(value->get_object(), "en", &out->en);
}

absl::Status ReadDocuments(const json::object& object, std::vector<LocalizedText>* out) {
  const json::array* array = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(object, "required_documents", &array));
  for (const json::value& entry : *array) {
    if (!entry.is_object()) return Malformed("required_documents", "objects {\"de\", \"en\"}");
    LocalizedText document;
    STADT_RETURN_IF_ERROR(ReadString(entry.get_object(), "de", &document.de));
    STADT_RETURN_IF_ERROR(ReadString(entry.get_object(), "en", &document.en));
    out->push_back(std::move(document));
  }
  return absl::OkStatus();
}

json::array StringsToJson(const std::vector<std::string>& strings) {
  json::array array;
  for (const std::string& text : strings) array.push_back(json::string(text));
  return array;
}

}  // namespace

json::value OfficeToJson(const Office& office) {
  json::array hours;
  for (const OpeningHours& day : office.opening_hours) {
    hours.push_back(json::object{{"weekday", day.weekday},
                                 {"opens_minute", day.opens_minute},
                                 {"closes_minute", day.closes_minute}});
  }
  json::array counters;
  for (const CounterWindow& window : office.counters) {
    counters.push_back(json::object{{"weekday", window.weekday},
                                    {"from_minute", window.from_minute},
                                    {"to_minute", window.to_minute},
                                    {"counters", window.counters}});
  }
  json::array closures;
  for (const Closure& closure : office.closures) {
    closures.push_back(json::object{{"id", closure.id},
                                    {"from_date", closure.from_date},
                                    {"to_date", closure.to_date},
                                    {"from_minute", closure.from_minute},
                                    {"to_minute", closure.to_minute},
                                    {"counters", closure.counters},
                                    {"reason", closure.reason}});
  }
  return json::object{{"id", office.id},
                      {"name", office.name},
                      {"district", office.district},
                      {"address", json::object{{"street", office.address.street},
                                               {"postal_code", office.address.postal_code},
                                               {"city", office.address.city}}},
                      {"opening_hours", std::move(hours)},
                      {"service_ids", StringsToJson(office.service_ids)},
                      {"slot_minutes", office.slot_minutes},
                      {"counters", std::move(counters)},
                      {"closed_dates", StringsToJson(office.closed_dates)},
                      {"closures", std::move(closures)},
                      {"languages", StringsToJson(office.languages)}};
}

absl::StatusOr<Office> OfficeFromJson(const json::value& value) {
  if (!value.is_object()) return Malformed("office", "an object");
  const json::object& object = value.get_object();
  Office office;
  STADT_RETURN_IF_ERROR(ReadString(object, "id", &office.id));
  STADT_RETURN_IF_ERROR(ReadString(object, "name", &office.name));
  STADT_RETURN_IF_ERROR(ReadString(object, "district", &office.district));
  STADT_RETURN_IF_ERROR(ReadAddress(object, &office.address));
  const json::array* hours = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(object, "opening_hours", &hours));
  for (const json::value& day : *hours) {
    absl::StatusOr<OpeningHours> parsed = OpeningHoursFromJson(day);
    if (!parsed.ok()) return parsed.status();
    office.opening_hours.push_back(*parsed);
  }
  STADT_RETURN_IF_ERROR(ReadStrings(object, "service_ids", &office.service_ids));
  STADT_RETURN_IF_ERROR(ReadInt(object, "slot_minutes", &office.slot_minutes));
  const json::array* counters = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(object, "counters", &counters));
  for (const json::value& entry : *counters) {
    absl::StatusOr<CounterWindow> window = CounterWindowFromJson(entry);
    if (!window.ok()) return window.status();
    office.counters.push_back(*window);
  }
  STADT_RETURN_IF_ERROR(ReadStrings(object, "closed_dates", &office.closed_dates));
  const json::array* closures = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(object, "closures", &closures));
  for (const json::value& entry : *closures) {
    if (!entry.is_object()) return Malformed("closures", "objects");
    const json::object& fields = entry.get_object();
    Closure closure;
    STADT_RETURN_IF_ERROR(ReadString(fields, "id", &closure.id));
    STADT_RETURN_IF_ERROR(ReadString(fields, "from_date", &closure.from_date));
    STADT_RETURN_IF_ERROR(ReadString(fields, "to_date", &closure.to_date));
    STADT_RETURN_IF_ERROR(ReadInt(fields, "from_minute", &closure.from_minute));
    STADT_RETURN_IF_ERROR(ReadInt(fields, "to_minute", &closure.to_minute));
    STADT_RETURN_IF_ERROR(ReadInt(fields, "counters", &closure.counters));
    STADT_RETURN_IF_ERROR(ReadString(fields, "reason", &closure.reason));
    office.closures.push_back(std::move(closure));
  }
  STADT_RETURN_IF_ERROR(ReadStrings(object, "languages", &office.languages));
  return office;
}

json::value ServiceTypeToJson(const ServiceType& service) {
  json::array documents;
  for (const LocalizedText& document : service.required_documents) {
    documents.push_back(LocalizedToJson(document));
  }
  return json::object{{"id", service.id},
                      {"name", service.name},
                      {"duration_minutes", service.duration_minutes},
                      {"combinable_with", StringsToJson(service.combinable_with)},
                      {"title", LocalizedToJson(service.title)},
                      {"required_documents", std::move(documents)},
                      {"fee_cents", service.fee_cents},
                      {"fee_note", LocalizedToJson(service.fee_note)}};
}

absl::StatusOr<ServiceType> ServiceTypeFromJson(const json::value& value) {
  if (!value.is_object()) return Malformed("service", "an object");
  const json::object& object = value.get_object();
  ServiceType service;
  STADT_RETURN_IF_ERROR(ReadString(object, "id", &service.id));
  STADT_RETURN_IF_ERROR(ReadString(object, "name", &service.name));
  STADT_RETURN_IF_ERROR(ReadInt(object, "duration_minutes", &service.duration_minutes));
  STADT_RETURN_IF_ERROR(ReadStrings(object, "combinable_with", &service.combinable_with));
  STADT_RETURN_IF_ERROR(ReadLocalized(object, "title", &service.title));
  STADT_RETURN_IF_ERROR(ReadDocuments(object, &service.required_documents));
  STADT_RETURN_IF_ERROR(ReadInt(object, "fee_cents", &service.fee_cents));
  STADT_RETURN_IF_ERROR(ReadLocalized(object, "fee_note", &service.fee_note));
  return service;
}

absl::StatusOr<Catalog> ParseCatalog(std::string_view json_text) {
  boost::system::error_code error;
  json::value root = json::parse(json_text, error);
  if (error) return absl::InvalidArgumentError("catalog: not valid JSON");
  if (!root.is_object()) return Malformed("catalog", "an object");
  Catalog catalog;
  const json::array* services = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(root.get_object(), "services", &services));
  for (const json::value& entry : *services) {
    absl::StatusOr<ServiceType> service = ServiceTypeFromJson(entry);
    if (!service.ok()) return service.status();
    catalog.services.push_back(*std::move(service));
  }
  const json::array* offices = nullptr;
  STADT_RETURN_IF_ERROR(ReadArray(root.get_object(), "offices", &offices));
  for (const json::value& entry : *offices) {
    absl::StatusOr<Office> office = OfficeFromJson(entry);
    if (!office.ok()) return office.status();
    catalog.offices.push_back(*std::move(office));
  }
  STADT_RETURN_IF_ERROR(ValidateCatalog(catalog));
  return catalog;
}

}  // namespace stadt::appointments
