#include "services/notifications/store/redis_program_names.h"

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"

namespace stadt::notifications {
namespace {

std::string Member(const boost::json::object& object, const char* key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

std::map<std::string, std::string> NamesOf(const std::string& document) {
  std::map<std::string, std::string> names;
  boost::system::error_code error;
  const boost::json::value programs = boost::json::parse(document, error);
  if (error || !programs.is_array()) return names;
  for (const boost::json::value& entry : programs.as_array()) {
    if (!entry.is_object()) continue;
    const std::string id = Member(entry.as_object(), "id");
    const std::string name = Member(entry.as_object(), "name");
    const std::string centre = Member(entry.as_object(), "centre_name");
    if (id.empty() || (name.empty() && centre.empty())) continue;
    names[id] = centre.empty() || centre == name ? (name.empty() ? centre : name)
                : name.empty()                   ? centre
                                                 : absl::StrCat(centre, ", ", name);
  }
  return names;
}

}  // namespace

std::string RedisProgramNames::ProgramName(const std::string& program_id) const {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    if (now - read_at_ < ttl_) {
      auto it = names_.find(program_id);
      return it == names_.end() ? "" : it->second;
    }
  }
  absl::StatusOr<redis::Reply> reply = redis_.Command({"GET", key_});
  std::map<std::string, std::string> names;
  if (reply.ok() && !reply->IsNil()) names = NamesOf(reply->str);
  absl::MutexLock lock(&mu_);
  if (reply.ok()) {
    names_ = std::move(names);
    read_at_ = now;
  }
  auto it = names_.find(program_id);
  return it == names_.end() ? "" : it->second;
}

}  // namespace stadt::notifications
