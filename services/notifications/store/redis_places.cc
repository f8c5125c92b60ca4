#include "services/notifications/store/redis_places.h"

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"

namespace stadt::notifications {
namespace {

std::string StringAt(const boost::json::object& object, const char* key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

// "Name, Street, 70173 City" from an office's JSON; the name of a service.
std::string Label(const std::string& json, bool office) {
  boost::system::error_code error;
  const boost::json::value parsed = boost::json::parse(json, error);
  if (error || !parsed.is_object()) return "";
  const boost::json::object& object = parsed.as_object();
  std::string label = StringAt(object, "name");
  if (!office || label.empty()) return label;
  const boost::json::value* address = object.if_contains("address");
  if (address == nullptr || !address->is_object()) return label;
  const std::string street = StringAt(address->as_object(), "street");
  const std::string city = absl::StrCat(StringAt(address->as_object(), "postal_code"), " ",
                                        StringAt(address->as_object(), "city"));
  if (!street.empty()) absl::StrAppend(&label, ", ", street);
  if (city != " ") absl::StrAppend(&label, ", ", city);
  return label;
}

}  // namespace

std::string RedisPlaces::Cached(const std::string& key, bool office) const {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && now - it->second.second < ttl_) return it->second.first;
  }
  absl::StatusOr<redis::Reply> reply = redis_.Command({"GET", key});
  if (!reply.ok()) return "";
  std::string label = reply->IsNil() ? "" : Label(reply->str, office);
  absl::MutexLock lock(&mu_);
  cache_[key] = {label, now};
  return label;
}

std::string RedisPlaces::OfficeLabel(const std::string& office_id) const {
  return Cached(absl::StrCat("appt:{catalog}:office:", office_id), true);
}

std::string RedisPlaces::ServiceName(const std::string& service_id) const {
  return Cached(absl::StrCat("appt:{catalog}:service:", service_id), false);
}

}  // namespace stadt::notifications
