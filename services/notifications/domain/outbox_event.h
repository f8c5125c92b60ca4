#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"

namespace stadt::notifications {

// One entry of a service's outbox stream, as the notifications service works
// on it: read from the stream (new, or reclaimed from a crashed replica), or
// taken again from the retry queue after a temporary failure.
struct OutboxEvent {
  std::string stream;  // the outbox key, e.g. "appt:{appt}:outbox"
  std::string id;      // the stream entry id, "<ms>-<seq>"
  std::map<std::string, std::string> fields;
  int attempts = 0;         // failed attempts so far (from the retry queue)
  bool from_retry = false;  // taken from the retry queue, not the stream

  const std::string& type() const;
  // When the producer wrote it: the milliseconds of the entry id.
  absl::Time occurred() const;
  // A field, or "" if absent.
  const std::string& Field(const std::string& name) const;
};

}  // namespace stadt::notifications
