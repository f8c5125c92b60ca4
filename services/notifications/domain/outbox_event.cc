#include "services/notifications/domain/outbox_event.h"

#include "absl/strings/numbers.h"

namespace stadt::notifications {

const std::string& OutboxEvent::Field(const std::string& name) const {
  static const auto* const kEmpty = new std::string();
  auto it = fields.find(name);
  return it == fields.end() ? *kEmpty : it->second;
}

const std::string& OutboxEvent::type() const { return Field("type"); }

absl::Time OutboxEvent::occurred() const {
  int64_t ms = 0;
  if (!absl::SimpleAtoi(id.substr(0, id.find('-')), &ms)) return absl::UnixEpoch();
  return absl::FromUnixMillis(ms);
}

}  // namespace stadt::notifications
