#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/common/booking/store/booking_keys.h"
#include "services/common/redis/redis_client.h"

namespace stadt::booking {

// For tests: the events of every bucket's outbox as one XRANGE reply, in the
// order of their entry ids ("<ms>-<seq>"; across streams the order of time).
inline absl::StatusOr<redis::Reply> AllOutboxEvents(redis::Client& redis, const BookingKeys& keys) {
  redis::Reply all;
  all.type = redis::Reply::Type::kArray;
  for (const std::string& outbox : keys.Outboxes()) {
    absl::StatusOr<redis::Reply> events = redis.Command({"XRANGE", outbox, "-", "+"});
    if (!events.ok()) return events.status();
    for (redis::Reply& entry : events->elements) all.elements.push_back(std::move(entry));
  }
  auto id_of = [](const redis::Reply& entry) {
    std::pair<int64_t, int64_t> id{0, 0};
    std::pair<std::string, std::string> parts = absl::StrSplit(entry.elements[0].str, '-');
    (void)absl::SimpleAtoi(parts.first, &id.first);
    (void)absl::SimpleAtoi(parts.second, &id.second);
    return id;
  };
  std::stable_sort(
      all.elements.begin(), all.elements.end(),
      [&](const redis::Reply& a, const redis::Reply& b) { return id_of(a) < id_of(b); });
  return all;
}

// For tests: the fields of every outbox event of `type`, oldest first.
inline absl::StatusOr<std::vector<std::map<std::string, std::string>>> OutboxEventsOfType(
    redis::Client& redis, const BookingKeys& keys, const std::string& type) {
  absl::StatusOr<redis::Reply> all = AllOutboxEvents(redis, keys);
  if (!all.ok()) return all.status();
  std::vector<std::map<std::string, std::string>> events;
  for (const redis::Reply& entry : all->elements) {
    std::map<std::string, std::string> event;
    const std::vector<redis::Reply>& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
    if (event["type"] == type) events.push_back(std::move(event));
  }
  return events;
}

}  // namespace stadt::booking
