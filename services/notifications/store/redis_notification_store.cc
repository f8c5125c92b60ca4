#include "services/notifications/store/redis_notification_store.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/status_macros.h"
#include "services/notifications/store/lua/scripts.h"

namespace stadt::notifications {
namespace {

const redis::Script& BeginScript() {
  static const auto* const script = new redis::Script(std::string(kBeginDeliveryLua));
  return *script;
}
const redis::Script& FinishScript() {
  static const auto* const script = new redis::Script(std::string(kFinishDeliveryLua));
  return *script;
}
const redis::Script& DeferScript() {
  static const auto* const script = new redis::Script(std::string(kDeferDeliveryLua));
  return *script;
}
const redis::Script& DeadLetterScript() {
  static const auto* const script = new redis::Script(std::string(kDeadLetterLua));
  return *script;
}
const redis::Script& TakeRetriesScript() {
  static const auto* const script = new redis::Script(std::string(kTakeRetriesLua));
  return *script;
}
const redis::Script& ReplayScript() {
  static const auto* const script = new redis::Script(std::string(kReplayDeadLetterLua));
  return *script;
}
const redis::Script& TrimScript() {
  static const auto* const script = new redis::Script(std::string(kTrimAcknowledgedLua));
  return *script;
}

std::string Prefix(const std::string& stream) {
  absl::string_view prefix = stream;
  absl::ConsumeSuffix(&prefix, "outbox");
  return std::string(prefix);
}
std::string RecordKey(const std::string& stream, const std::string& delivery_key) {
  return absl::StrCat(Prefix(stream), "notify:sent:", delivery_key);
}
std::string RetryQueueKey(const std::string& stream) {
  return absl::StrCat(Prefix(stream), "notify:retry");
}
std::string RetryEntryKey(const std::string& stream, const std::string& id) {
  return absl::StrCat(Prefix(stream), "notify:retry:", id);
}

int64_t Millis(absl::Time time) { return absl::ToUnixMillis(time); }
int64_t Millis(absl::Duration duration) { return absl::ToInt64Milliseconds(duration); }

// Stream entries [[id, [field, value, ...]], ...] as events; an entry
// trimmed away while pending comes back without fields and is dropped here.
void AppendEntries(const std::string& stream, const redis::Reply& entries,
                   std::vector<OutboxEvent>& out, std::vector<std::string>* empty_ids) {
  for (const redis::Reply& entry : entries.elements) {
    if (entry.elements.size() < 2) continue;
    OutboxEvent event;
    event.stream = stream;
    event.id = entry.elements[0].str;
    const std::vector<redis::Reply>& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      event.fields[fields[i].str] = fields[i + 1].str;
    }
    if (event.fields.empty()) {
      if (empty_ids != nullptr) empty_ids->push_back(event.id);
      continue;
    }
    out.push_back(std::move(event));
  }
}

std::vector<std::string> FieldArgs(const OutboxEvent& event) {
  std::vector<std::string> args;
  args.reserve(event.fields.size() * 2);
  for (const auto& [field, value] : event.fields) {
    args.push_back(field);
    args.push_back(value);
  }
  return args;
}

DeadLetterEntry ToDeadLetter(const std::string& id, const redis::Reply& flat) {
  DeadLetterEntry entry;
  entry.id = id;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    const std::string& name = flat.elements[i].str;
    const std::string& value = flat.elements[i + 1].str;
    if (name == "_source_id") entry.event_id = value;
    if (name == "_reason") entry.reason = value;
    if (name == "type") entry.event_type = value;
    if (name == "_attempts" && !absl::SimpleAtoi(value, &entry.attempts)) entry.attempts = 0;
  }
  OutboxEvent as_event;
  as_event.id = id;
  entry.failed_at = as_event.occurred();
  return entry;
}

}  // namespace

RedisNotificationStore::RedisNotificationStore(redis::Client& redis,
                                               std::vector<std::string> streams,
                                               RedisStoreOptions options)
    : redis_(redis), streams_(std::move(streams)), options_(std::move(options)) {}

std::string RedisNotificationStore::DeadLetterKey(const std::string& stream) {
  return absl::StrCat(Prefix(stream), "notify:dead");
}

absl::Status RedisNotificationStore::EnsureGroups() {
  {
    absl::MutexLock lock(&mu_);
    if (groups_ready_) return absl::OkStatus();
  }
  for (const std::string& stream : streams_) {
    absl::StatusOr<redis::Reply> created =
        redis_.Command({"XGROUP", "CREATE", stream, options_.group, "0", "MKSTREAM"});
    if (!created.ok() && !absl::StrContains(created.status().message(), "BUSYGROUP")) {
      return created.status();
    }
  }
  absl::MutexLock lock(&mu_);
  groups_ready_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<OutboxEvent>> RedisNotificationStore::Next(const std::string& consumer,
                                                                      int max, absl::Time now) {
  STADT_RETURN_IF_ERROR(EnsureGroups());
  std::vector<OutboxEvent> events;
  const auto room = [&] { return max - static_cast<int>(events.size()); };
  for (const std::string& stream : streams_) {
    if (room() <= 0) break;
    // 1. This consumer's own entries from before a restart.
    std::string own = "0";
    {
      absl::MutexLock lock(&mu_);
      if (auto it = own_cursor_.find(stream); it != own_cursor_.end()) own = it->second;
    }
    if (!own.empty()) {
      STADT_ASSIGN_OR_RETURN(
          redis::Reply reply,
          redis_.Command({"XREADGROUP", "GROUP", options_.group, consumer, "COUNT",
                          absl::StrCat(room()), "STREAMS", stream, own}));
      std::string next;
      if (!reply.IsNil() && !reply.elements.empty() && reply.elements[0].elements.size() == 2) {
        const redis::Reply& entries = reply.elements[0].elements[1];
        std::vector<std::string> gone;
        const size_t before = events.size();
        AppendEntries(stream, entries, events, &gone);
        for (const std::string& id : gone) {
          STADT_RETURN_IF_ERROR(redis_.Command({"XACK", stream, options_.group, id}).status());
        }
        if (!entries.elements.empty() && (events.size() > before || !gone.empty())) {
          next = entries.elements.back().elements[0].str;
        }
      }
      absl::MutexLock lock(&mu_);
      own_cursor_[stream] = next;
    }
    // 2. Retries that are due.
    if (room() > 0) {
      STADT_ASSIGN_OR_RETURN(
          redis::Reply due,
          redis_.Eval(TakeRetriesScript(), {RetryQueueKey(stream)},
                      {absl::StrCat(Millis(now)), absl::StrCat(Millis(options_.claim_idle)),
                       absl::StrCat(room()), RetryEntryKey(stream, "")}));
      for (const redis::Reply& entry : due.elements) {
        if (entry.elements.size() != 2) continue;
        OutboxEvent event;
        event.stream = stream;
        event.id = entry.elements[0].str;
        event.from_retry = true;
        const std::vector<redis::Reply>& fields = entry.elements[1].elements;
        for (size_t i = 0; i + 1 < fields.size(); i += 2) {
          if (fields[i].str == "_attempts") {
            if (!absl::SimpleAtoi(fields[i + 1].str, &event.attempts)) event.attempts = 1;
          } else {
            event.fields[fields[i].str] = fields[i + 1].str;
          }
        }
        events.push_back(std::move(event));
      }
    }
    // 3. Entries a crashed (or stuck) consumer left pending.
    if (room() > 0) {
      std::string cursor = "0-0";
      {
        absl::MutexLock lock(&mu_);
        if (auto it = claim_cursor_.find(stream); it != claim_cursor_.end()) cursor = it->second;
      }
      STADT_ASSIGN_OR_RETURN(redis::Reply claimed,
                             redis_.Command({"XAUTOCLAIM", stream, options_.group, consumer,
                                             absl::StrCat(Millis(options_.claim_idle)), cursor,
                                             "COUNT", absl::StrCat(room())}));
      if (claimed.elements.size() >= 2) {
        AppendEntries(stream, claimed.elements[1], events, nullptr);
        absl::MutexLock lock(&mu_);
        claim_cursor_[stream] = claimed.elements[0].str;
      }
    }
    // 4. New entries.
    if (room() > 0) {
      STADT_ASSIGN_OR_RETURN(
          redis::Reply reply,
          redis_.Command({"XREADGROUP", "GROUP", options_.group, consumer, "COUNT",
                          absl::StrCat(room()), "STREAMS", stream, ">"}));
      if (!reply.IsNil() && !reply.elements.empty() && reply.elements[0].elements.size() == 2) {
        AppendEntries(stream, reply.elements[0].elements[1], events, nullptr);
      }
    }
  }
  return events;
}

absl::StatusOr<DeliveryClaim> RedisNotificationStore::BeginDelivery(const OutboxEvent& event,
                                                                    const std::string& delivery_key,
                                                                    const std::string& consumer) {
  STADT_ASSIGN_OR_RETURN(redis::Reply reply,
                         redis_.Eval(BeginScript(), {RecordKey(event.stream, delivery_key)},
                                     {consumer, absl::StrCat(Millis(options_.claim_idle))}));
  if (reply.str == "sent") return DeliveryClaim::kAlreadySent;
  if (reply.str == "busy") return DeliveryClaim::kBusy;
  return DeliveryClaim::kGo;
}

absl::Status RedisNotificationStore::Finish(const OutboxEvent& event,
                                            const std::string& delivery_key, bool record) {
  return redis_
      .Eval(FinishScript(),
            {RecordKey(event.stream, delivery_key), event.stream, RetryQueueKey(event.stream),
             RetryEntryKey(event.stream, event.id)},
            {options_.group, event.id, record ? absl::StrCat(Millis(options_.record_ttl)) : "0"})
      .status();
}

absl::Status RedisNotificationStore::Delivered(const OutboxEvent& event,
                                               const std::string& delivery_key) {
  return Finish(event, delivery_key, true);
}

absl::Status RedisNotificationStore::Acknowledge(const OutboxEvent& event) {
  return Finish(event, "-", false);
}

absl::Status RedisNotificationStore::Defer(const OutboxEvent& event,
                                           const std::string& delivery_key, absl::Time retry_at) {
  std::vector<std::string> args = {options_.group, event.id, absl::StrCat(Millis(retry_at)),
                                   absl::StrCat(event.attempts + 1)};
  for (std::string& arg : FieldArgs(event)) args.push_back(std::move(arg));
  return redis_
      .Eval(DeferScript(),
            {RecordKey(event.stream, delivery_key), event.stream, RetryQueueKey(event.stream),
             RetryEntryKey(event.stream, event.id)},
            args)
      .status();
}

absl::Status RedisNotificationStore::DeadLetter(const OutboxEvent& event,
                                                const std::string& delivery_key,
                                                const std::string& reason) {
  std::vector<std::string> args = {options_.group, event.id, reason,
                                   absl::StrCat(event.attempts + 1)};
  for (std::string& arg : FieldArgs(event)) args.push_back(std::move(arg));
  return redis_
      .Eval(DeadLetterScript(),
            {RecordKey(event.stream, delivery_key.empty() ? "-" : delivery_key), event.stream,
             RetryQueueKey(event.stream), RetryEntryKey(event.stream, event.id),
             DeadLetterKey(event.stream)},
            args)
      .status();
}

absl::StatusOr<std::vector<DeadLetterEntry>> RedisNotificationStore::ListDeadLetters(
    const std::string& stream, const std::string& after, int limit) {
  STADT_ASSIGN_OR_RETURN(redis::Reply reply, redis_.Command({"XRANGE", DeadLetterKey(stream),
                                                             after.empty() ? "-" : "(" + after, "+",
                                                             "COUNT", absl::StrCat(limit)}));
  std::vector<DeadLetterEntry> entries;
  entries.reserve(reply.elements.size());
  for (const redis::Reply& entry : reply.elements) {
    if (entry.elements.size() == 2) {
      entries.push_back(ToDeadLetter(entry.elements[0].str, entry.elements[1]));
    }
  }
  return entries;
}

absl::StatusOr<DeadLetterEntry> RedisNotificationStore::ReplayDeadLetter(const std::string& stream,
                                                                         const std::string& id,
                                                                         absl::Time now) {
  STADT_ASSIGN_OR_RETURN(redis::Reply reply,
                         redis_.Eval(ReplayScript(), {DeadLetterKey(stream), RetryQueueKey(stream)},
                                     {id, absl::StrCat(Millis(now)), RetryEntryKey(stream, "")}));
  return ToDeadLetter(id, reply);
}

absl::StatusOr<int64_t> RedisNotificationStore::TrimAcknowledged() {
  int64_t trimmed = 0;
  for (const std::string& stream : streams_) {
    STADT_ASSIGN_OR_RETURN(redis::Reply reply, redis_.Eval(TrimScript(), {stream}, {}));
    trimmed += reply.integer;
  }
  return trimmed;
}

}  // namespace stadt::notifications
