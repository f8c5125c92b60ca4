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
const redis::Script& EraseMentioningScript() {
  static const auto* const script = new redis::Script(std::string(kEraseMentioningLua));
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

absl::StatusOr<redis::Reply> RedisNotificationStore::Run(const Call& call) {
  return redis_.Eval(*call.script, call.keys, call.args);
}

absl::StatusOr<std::vector<redis::Reply>> RedisNotificationStore::RunAll(
    const std::vector<Call>& calls) {
  if (calls.empty()) return std::vector<redis::Reply>{};
  std::vector<std::vector<std::string>> commands;
  commands.reserve(calls.size());
  for (const Call& call : calls) {
    std::vector<std::string> command = {"EVAL", call.script->source(),
                                        absl::StrCat(call.keys.size())};
    command.insert(command.end(), call.keys.begin(), call.keys.end());
    command.insert(command.end(), call.args.begin(), call.args.end());
    commands.push_back(std::move(command));
  }
  return redis_.Pipeline(commands);
}

RedisNotificationStore::Call RedisNotificationStore::BeginCall(const OutboxEvent& event,
                                                               const std::string& delivery_key,
                                                               const std::string& consumer) const {
  return {&BeginScript(),
          {RecordKey(event.stream, delivery_key)},
          {consumer, absl::StrCat(Millis(options_.claim_idle))}};
}

RedisNotificationStore::Call RedisNotificationStore::OutcomeCall(const Outcome& outcome) const {
  const OutboxEvent& event = outcome.event;
  const std::string key = outcome.delivery_key.empty() ? "-" : outcome.delivery_key;
  std::vector<std::string> keys = {RecordKey(event.stream, key), event.stream,
                                   RetryQueueKey(event.stream),
                                   RetryEntryKey(event.stream, event.id)};
  switch (outcome.kind) {
    case Outcome::Kind::kDelivered:
      return {&FinishScript(),
              std::move(keys),
              {options_.group, event.id, absl::StrCat(Millis(options_.record_ttl))}};
    case Outcome::Kind::kAcknowledge:
      return {&FinishScript(), std::move(keys), {options_.group, event.id, "0"}};
    case Outcome::Kind::kDefer: {
      std::vector<std::string> args = {options_.group, event.id,
                                       absl::StrCat(Millis(outcome.retry_at)),
                                       absl::StrCat(event.attempts + 1)};
      for (std::string& arg : FieldArgs(event)) args.push_back(std::move(arg));
      return {&DeferScript(), std::move(keys), std::move(args)};
    }
    case Outcome::Kind::kDeadLetter: {
      keys.push_back(DeadLetterKey(event.stream));
      std::vector<std::string> args = {options_.group, event.id, outcome.reason,
                                       absl::StrCat(event.attempts + 1)};
      for (std::string& arg : FieldArgs(event)) args.push_back(std::move(arg));
      return {&DeadLetterScript(), std::move(keys), std::move(args)};
    }
  }
  return {&FinishScript(), std::move(keys), {options_.group, event.id, "0"}};
}

namespace {
DeliveryClaim ClaimOf(const redis::Reply& reply) {
  if (reply.str == "sent") return DeliveryClaim::kAlreadySent;
  if (reply.str == "busy") return DeliveryClaim::kBusy;
  return DeliveryClaim::kGo;
}
Outcome MakeOutcome(Outcome::Kind kind, const OutboxEvent& event, const std::string& key) {
  Outcome outcome;
  outcome.kind = kind;
  outcome.event = event;
  outcome.delivery_key = key;
  return outcome;
}
}  // namespace

absl::StatusOr<DeliveryClaim> RedisNotificationStore::BeginDelivery(const OutboxEvent& event,
                                                                    const std::string& delivery_key,
                                                                    const std::string& consumer) {
  absl::StatusOr<std::vector<DeliveryClaim>> claims =
      BeginDeliveries({{&event, delivery_key}}, consumer);
  if (!claims.ok()) return claims.status();
  return claims->at(0);
}

absl::StatusOr<std::vector<DeliveryClaim>> RedisNotificationStore::BeginDeliveries(
    const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
    const std::string& consumer) {
  std::vector<Call> calls;
  calls.reserve(deliveries.size());
  for (const auto& [event, key] : deliveries) calls.push_back(BeginCall(*event, key, consumer));
  STADT_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, RunAll(calls));
  std::vector<DeliveryClaim> claims;
  claims.reserve(replies.size());
  for (const redis::Reply& reply : replies) claims.push_back(ClaimOf(reply));
  return claims;
}

absl::Status RedisNotificationStore::Record(const std::vector<Outcome>& outcomes) {
  std::vector<Call> calls;
  calls.reserve(outcomes.size());
  for (const Outcome& outcome : outcomes) calls.push_back(OutcomeCall(outcome));
  return RunAll(calls).status();
}

absl::StatusOr<std::vector<DeliveryClaim>> RedisNotificationStore::RecordAndBegin(
    const std::vector<Outcome>& outcomes,
    const std::vector<std::pair<const OutboxEvent*, std::string>>& deliveries,
    const std::string& consumer) {
  std::vector<Call> calls;
  calls.reserve(outcomes.size() + deliveries.size());
  for (const Outcome& outcome : outcomes) calls.push_back(OutcomeCall(outcome));
  for (const auto& [event, key] : deliveries) calls.push_back(BeginCall(*event, key, consumer));
  STADT_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, RunAll(calls));
  std::vector<DeliveryClaim> claims;
  claims.reserve(deliveries.size());
  for (size_t i = outcomes.size(); i < replies.size(); ++i) claims.push_back(ClaimOf(replies[i]));
  return claims;
}

absl::Status RedisNotificationStore::Delivered(const OutboxEvent& event,
                                               const std::string& delivery_key) {
  return Run(OutcomeCall(MakeOutcome(Outcome::Kind::kDelivered, event, delivery_key))).status();
}

absl::Status RedisNotificationStore::Acknowledge(const OutboxEvent& event) {
  return Run(OutcomeCall(MakeOutcome(Outcome::Kind::kAcknowledge, event, ""))).status();
}

absl::Status RedisNotificationStore::Defer(const OutboxEvent& event,
                                           const std::string& delivery_key, absl::Time retry_at) {
  Outcome outcome = MakeOutcome(Outcome::Kind::kDefer, event, delivery_key);
  outcome.retry_at = retry_at;
  return Run(OutcomeCall(outcome)).status();
}

absl::Status RedisNotificationStore::DeadLetter(const OutboxEvent& event,
                                                const std::string& delivery_key,
                                                const std::string& reason) {
  Outcome outcome = MakeOutcome(Outcome::Kind::kDeadLetter, event, delivery_key);
  outcome.reason = reason;
  return Run(OutcomeCall(outcome)).status();
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

absl::StatusOr<int> RedisNotificationStore::EraseMentioning(
    const std::vector<std::string>& references) {
  if (references.empty()) return 0;
  int erased = 0;
  for (const std::string& stream : streams_) {
    std::vector<std::string> args = {RetryEntryKey(stream, "")};
    args.insert(args.end(), references.begin(), references.end());
    STADT_ASSIGN_OR_RETURN(
        redis::Reply reply,
        redis_.Eval(EraseMentioningScript(), {RetryQueueKey(stream), DeadLetterKey(stream), stream},
                    args));
    erased += static_cast<int>(reply.integer);
  }
  return erased;
}

absl::StatusOr<int64_t> RedisNotificationStore::TrimDeadLetters(absl::Time older_than) {
  // A dead letter's id is the time it was written (Redis assigns it).
  const std::string min_id = absl::StrCat(std::max<int64_t>(0, absl::ToUnixMillis(older_than)));
  int64_t trimmed = 0;
  for (const std::string& stream : streams_) {
    STADT_ASSIGN_OR_RETURN(redis::Reply reply,
                           redis_.Command({"XTRIM", DeadLetterKey(stream), "MINID", min_id}));
    trimmed += reply.integer;
  }
  return trimmed;
}

}  // namespace stadt::notifications
