#include "services/audit/store/redis_audit_repository.h"

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/audit/store/lua/scripts.h"

namespace stadt::audit {
namespace {

constexpr char kHeadKey[] = "audit:{audit}:head";
constexpr char kAnchorKey[] = "audit:{audit}:anchor";
constexpr char kRecordsKey[] = "audit:{audit}:records";
constexpr char kByTimeKey[] = "audit:{audit}:by_time";
// Long enough for any retry of one append; the records themselves stay.
constexpr int kEventKeySeconds = 24 * 3600;

std::string ActorKey(const std::string& subject) {
  return absl::StrCat("audit:{audit}:actor:", subject);
}
std::string ObjectKey(const std::string& id) { return absl::StrCat("audit:{audit}:object:", id); }
std::string EventKey(const std::string& event_id) {
  return absl::StrCat("audit:{audit}:event:", event_id);
}

// Every index a record belongs to: its actor and each distinct object id.
std::set<std::string> IndexKeys(const Record& record) {
  std::set<std::string> keys = {ActorKey(record.entry.subject)};
  for (const ObjectRef& object : record.entry.objects) keys.insert(ObjectKey(object.id));
  return keys;
}

const redis::Script& AppendScript() {
  static const auto* const script = new redis::Script(std::string(kAppendLua));
  return *script;
}
const redis::Script& TrimScript() {
  static const auto* const script = new redis::Script(std::string(kTrimLua));
  return *script;
}

absl::Status Corrupt(const char* what) {
  return absl::InternalError(absl::StrCat("audit store: unexpected ", what));
}

absl::StatusOr<uint64_t> ParseSequence(const redis::Reply& reply) {
  uint64_t sequence = 0;
  if (reply.type != redis::Reply::Type::kString || !absl::SimpleAtoi(reply.str, &sequence)) {
    return Corrupt("sequence");
  }
  return sequence;
}

// A zset score bound for a time: unix microseconds; open ends are infinite.
std::string ScoreOf(absl::Time time, bool exclusive) {
  if (time == absl::InfinitePast()) return "-inf";
  if (time == absl::InfiniteFuture()) return "+inf";
  return absl::StrCat(exclusive ? "(" : "", absl::ToUnixMicros(time));
}

}  // namespace

std::string RedisAuditRepository::RecordsKey() { return kRecordsKey; }

absl::StatusOr<ChainHead> RedisAuditRepository::Head() {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HMGET", kHeadKey, "sequence", "hash"});
  if (!reply.ok()) return reply.status();
  ChainHead head;
  if (reply->elements.size() != 2) return Corrupt("head");
  if (reply->elements[0].IsNil()) return head;
  absl::StatusOr<uint64_t> sequence = ParseSequence(reply->elements[0]);
  if (!sequence.ok()) return sequence.status();
  head.sequence = *sequence;
  head.hash = reply->elements[1].str;
  return head;
}

absl::StatusOr<ChainAnchor> RedisAuditRepository::Anchor() {
  absl::StatusOr<redis::Reply> reply =
      redis_.Command({"HMGET", kAnchorKey, "first_sequence", "previous_hash"});
  if (!reply.ok()) return reply.status();
  ChainAnchor anchor;
  if (reply->elements.size() != 2) return Corrupt("anchor");
  if (reply->elements[0].IsNil()) return anchor;
  absl::StatusOr<uint64_t> first = ParseSequence(reply->elements[0]);
  if (!first.ok()) return first.status();
  anchor.first_sequence = *first;
  anchor.previous_hash = reply->elements[1].str;
  return anchor;
}

absl::StatusOr<AppendOutcome> RedisAuditRepository::Append(const Record& record,
                                                           uint64_t expected_head) {
  std::vector<std::string> keys = {kHeadKey, kRecordsKey, kByTimeKey,
                                   EventKey(record.entry.event_id)};
  for (const std::string& key : IndexKeys(record)) keys.push_back(key);
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      AppendScript(), keys,
      {absl::StrCat(expected_head), absl::StrCat(record.sequence), Encode(record), record.hash,
       absl::StrCat(absl::ToUnixMicros(record.time)), absl::StrCat(kEventKeySeconds)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() < 2) return Corrupt("append reply");
  const std::string& kind = reply->elements[0].str;
  AppendOutcome outcome;
  if (kind == "conflict") {
    if (reply->elements.size() != 3) return Corrupt("append reply");
    absl::StatusOr<uint64_t> head = ParseSequence(reply->elements[1]);
    if (!head.ok()) return head.status();
    outcome.kind = AppendOutcome::Kind::kConflict;
    outcome.head.sequence = *head;
    if (*head > 0) outcome.head.hash = reply->elements[2].str;
    return outcome;
  }
  absl::StatusOr<uint64_t> sequence = ParseSequence(reply->elements[1]);
  if (!sequence.ok()) return sequence.status();
  outcome.sequence = *sequence;
  outcome.kind =
      kind == "duplicate" ? AppendOutcome::Kind::kDuplicate : AppendOutcome::Kind::kAppended;
  return outcome;
}

absl::StatusOr<std::vector<std::optional<std::string>>> RedisAuditRepository::Load(
    const std::vector<uint64_t>& sequences) {
  std::vector<std::optional<std::string>> stored;
  if (sequences.empty()) return stored;
  std::vector<std::string> command = {"HMGET", kRecordsKey};
  for (uint64_t sequence : sequences) command.push_back(absl::StrCat(sequence));
  absl::StatusOr<redis::Reply> reply = redis_.Command(command);
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != sequences.size()) return Corrupt("records reply");
  for (redis::Reply& element : reply->elements) {
    if (element.IsNil()) {
      stored.emplace_back(std::nullopt);
    } else {
      stored.emplace_back(std::move(element.str));
    }
  }
  return stored;
}

absl::StatusOr<std::vector<uint64_t>> RedisAuditRepository::Find(const RecordFilter& filter) {
  const std::string key = !filter.actor.empty()       ? ActorKey(filter.actor)
                          : !filter.object_id.empty() ? ObjectKey(filter.object_id)
                                                      : std::string(kByTimeKey);
  absl::StatusOr<redis::Reply> reply = redis_.Command(
      {"ZRANGEBYSCORE", key, ScoreOf(filter.from, false), ScoreOf(filter.until, true), "LIMIT",
       absl::StrCat(filter.offset), absl::StrCat(filter.limit)});
  if (!reply.ok()) return reply.status();
  std::vector<uint64_t> sequences;
  for (const redis::Reply& element : reply->elements) {
    absl::StatusOr<uint64_t> sequence = ParseSequence(element);
    if (!sequence.ok()) return sequence.status();
    sequences.push_back(*sequence);
  }
  return sequences;
}

absl::Status RedisAuditRepository::Trim(const std::vector<Record>& records,
                                        const ChainAnchor& expected, const ChainAnchor& next) {
  std::map<std::string, std::vector<std::string>> by_index;
  std::vector<std::string> args = {absl::StrCat(expected.first_sequence),
                                   absl::StrCat(next.first_sequence), next.previous_hash,
                                   absl::StrCat(records.size())};
  for (const Record& record : records) {
    const std::string sequence = absl::StrCat(record.sequence);
    args.push_back(sequence);
    for (const std::string& key : IndexKeys(record)) by_index[key].push_back(sequence);
  }
  std::vector<std::string> keys = {kAnchorKey, kRecordsKey, kByTimeKey};
  for (auto& [key, sequences] : by_index) {
    keys.push_back(key);
    args.push_back(absl::StrCat(sequences.size()));
    for (std::string& sequence : sequences) args.push_back(std::move(sequence));
  }
  absl::StatusOr<redis::Reply> reply = redis_.Eval(TrimScript(), keys, args);
  return reply.status();
}

}  // namespace stadt::audit
