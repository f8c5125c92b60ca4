#include "services/parking/store/redis_parking_repository.h"

#include <algorithm>
#include <map>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/log.h"
#include "services/common/reason.h"
#include "services/common/strings.h"
#include "services/parking/store/lua/scripts.h"

namespace stadt::parking {
namespace {

absl::Status SessionNotFound() {
  return WithReason(absl::NotFoundError("session not found"), "session_not_found");
}

namespace json = boost::json;

using Fields = std::map<std::string, std::string>;

constexpr size_t kSessionIdLength = 32;
constexpr int kBuckets = 256;  // two hex digits, see PlateBucket
constexpr int kMaxScanPasses = 8;

// Stores a new session unless its owner has an active one for the plate.
// KEYS: the plate's sessions (hash owner -> latest session JSON), session,
//       idempotency record, outbox, the bucket's unsettled ends.
// ARGV: now_ms, fingerprint ("" = no key), idempotency ttl s, answer JSON,
//       retention ms, end_ms, remind_at_ms, session id, zone, owner, plate
//       memory ms, then the session's field/value pairs.
const redis::Script& StartScript() {
  static const redis::Script* script = new redis::Script(std::string(kStartSessionLua));
  return *script;
}

// Extends or stops a session that is still active and belongs to the caller.
// KEYS: session, the plate's sessions, idempotency record, outbox, the
//       bucket's unsettled ends (a stopped session is settled by the stop).
// ARGV: now_ms, fingerprint, idempotency ttl s, answer JSON, retention ms,
//       new end_ms, remind_at_ms, session id, owner, "extend"|"stop", price,
//       stopped flag, plate memory ms.
const redis::Script& UpdateScript() {
  static const redis::Script* script = new redis::Script(std::string(kUpdateSessionLua));
  return *script;
}

// Closes the listed sessions of one bucket that have ended by the cutoff and
// returns their records: a closed session refuses every later extension or
// stop (UpdateScript), so what the settlement reads is final even when the
// caller's clock and the settler's disagree about the end by a little. A
// session moved past the cutoff (extended) or stopped since it was listed is
// skipped; one past its retention leaves the ends set. Returns id, record,
// id, record, ...
// KEYS: the bucket's unsettled ends, then the sessions. ARGV: cutoff_ms, then
// the session ids in the order of their keys.
const redis::Script& CloseEndedScript() {
  static const redis::Script* script = new redis::Script(std::string(kCloseEndedSessionsLua));
  return *script;
}

// Turns the due reminders of one bucket into `session.ending_soon` events, at
// most once each (see the script).
// KEYS: the bucket's reminders, outbox, then the sessions. ARGV: now_ms, then
// the session ids in the order of their keys.
const redis::Script& SendRemindersScript() {
  static const redis::Script* script = new redis::Script(std::string(kSendDueRemindersLua));
  return *script;
}

// KEYS: session, outbox. ARGV: owner, now ms, the bucket's key prefix.
const redis::Script& EraseSessionScript() {
  static const redis::Script* script = new redis::Script(std::string(kEraseSessionLua));
  return *script;
}

// `text` with the glob characters of a SCAN MATCH pattern escaped.
std::string GlobEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Claims an idempotency key for the subject, or returns the stored answer.
// KEYS: claim. ARGV: fingerprint, ttl s.
const redis::Script& BeginScript() {
  static const redis::Script* script = new redis::Script(std::string(kClaimIdempotencyKeyLua));
  return *script;
}

// Releases a claim that has no answer yet and is still this request's.
// KEYS: claim. ARGV: fingerprint.
const redis::Script& AbandonScript() {
  static const redis::Script* script = new redis::Script(std::string(kAbandonIdempotencyClaimLua));
  return *script;
}

// Adds a permit and keeps the plate's permit record until the last one ends.
// KEYS: permits. ARGV: permit id, permit JSON, valid_until unix seconds.
const redis::Script& AddPermitScript() {
  static const redis::Script* script = new redis::Script(std::string(kAddPermitLua));
  return *script;
}

// FNV-1a: stable across processes and versions, which std::hash is not.
uint32_t Fnv1a(std::string_view text) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

// Hash owner -> that owner's latest session of the plate (JSON), in the
// plate's bucket (given, where the caller knows it from a session id).
std::string PlateSessionsKey(std::string_view bucket, std::string_view plate_key) {
  return absl::StrCat(PlateTag(bucket), "plate:", ToAbsl(plate_key));
}
std::string PlateSessionsKey(std::string_view plate_key) {
  return PlateSessionsKey(PlateBucket(plate_key), plate_key);
}
std::string SessionKey(std::string_view session_id) {
  return absl::StrCat(PlateTag(session_id.substr(0, 2)), "session:", ToAbsl(session_id));
}
std::string OutboxKey(std::string_view bucket) { return absl::StrCat(PlateTag(bucket), "outbox"); }
// Sorted set of the bucket's sessions that were not stopped, scored by their
// end in ms: those whose end has passed ran out by themselves and are still
// to be settled.
std::string EndsKey(std::string_view bucket) { return absl::StrCat(PlateTag(bucket), "ends"); }
// Sorted set of the bucket's sessions with a notification contact whose
// "ending soon" reminder is still to be sent, scored by when (ms).
std::string RemindersKey(std::string_view bucket) {
  return absl::StrCat(PlateTag(bucket), "reminders");
}
std::string IdempotencyKey(std::string_view bucket, const WriteKey& key) {
  return absl::StrCat(PlateTag(bucket), "idem:", key.operation, ":", key.subject, ":", key.key);
}
std::string ClaimKey(const WriteKey& key) {
  return absl::StrCat(SubjectTag(key.subject), "claim:", key.operation, ":", key.key);
}
std::string HistoryKey(std::string_view owner) {
  return absl::StrCat(SubjectTag(owner), "sessions");
}

bool IsSessionId(std::string_view id) { return IsHexId(id, kSessionIdLength); }

Fields SessionFields(const Session& session) {
  return {{"id", session.id},
          {"owner", session.owner},
          {"country", session.plate.country},
          {"plate", session.plate.registration},
          {"plate_key", session.plate.key},
          {"zone", session.zone_id},
          {"tariff", session.tariff_id},
          {"start", absl::StrCat(absl::ToUnixMillis(session.start))},
          {"end", absl::StrCat(absl::ToUnixMillis(session.end))},
          {"max_end", absl::StrCat(absl::ToUnixMillis(session.max_end))},
          {"stopped", session.stopped ? "1" : "0"},
          {"price", absl::StrCat(session.price_cents)}};
}

absl::StatusOr<Session> SessionFromFields(const Fields& fields) {
  auto text = [&](const char* name) -> std::string {
    auto it = fields.find(name);
    return it == fields.end() ? "" : it->second;
  };
  int64_t start = 0, end = 0, max_end = 0, price = 0;
  Session session;
  session.id = text("id");
  session.owner = text("owner");
  session.plate.country = text("country");
  session.plate.registration = text("plate");
  session.plate.key = text("plate_key");
  session.zone_id = text("zone");
  session.tariff_id = text("tariff");
  session.stopped = text("stopped") == "1";
  if (session.id.empty() || !absl::SimpleAtoi(text("start"), &start) ||
      !absl::SimpleAtoi(text("end"), &end) || !absl::SimpleAtoi(text("max_end"), &max_end) ||
      !absl::SimpleAtoi(text("price"), &price)) {
    return absl::InternalError("corrupt session record");
  }
  session.start = absl::FromUnixMillis(start);
  session.end = absl::FromUnixMillis(end);
  session.max_end = absl::FromUnixMillis(max_end);
  session.price_cents = price;
  return session;
}

Fields FieldsFromReply(const redis::Reply& reply) {
  Fields fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  return fields;
}

std::string SessionJson(const Session& session) {
  json::object object;
  for (const auto& [name, value] : SessionFields(session)) object[name] = value;
  return json::serialize(object);
}

absl::StatusOr<Session> SessionFromJson(std::string_view text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error || !value.is_object()) return absl::InternalError("corrupt stored answer");
  Fields fields;
  for (const auto& [name, field] : value.get_object()) {
    if (!field.is_string()) return absl::InternalError("corrupt stored answer");
    fields[std::string(name)] = std::string(field.get_string());
  }
  return SessionFromFields(fields);
}

absl::StatusOr<std::vector<Permit>> PermitsFromReply(const redis::Reply& reply) {
  std::vector<Permit> permits;
  for (size_t i = 1; i < reply.elements.size(); i += 2) {
    absl::StatusOr<Permit> permit = PermitFromJson(reply.elements[i].str);
    if (!permit.ok()) return permit.status();
    permits.push_back(*std::move(permit));
  }
  std::sort(permits.begin(), permits.end(),
            [](const Permit& a, const Permit& b) { return a.valid_from < b.valid_from; });
  return permits;
}

std::string Millis(absl::Time time) { return absl::StrCat(absl::ToUnixMillis(time)); }

}  // namespace

std::string RandomHex(int digits) {
  thread_local absl::BitGen random;
  std::string out;
  while (static_cast<int>(out.size()) < digits) {
    absl::StrAppend(&out, absl::Hex(absl::Uniform<uint64_t>(random), absl::kZeroPad16));
  }
  out.resize(digits);
  return out;
}

bool IsHexId(std::string_view id, size_t length) {
  return id.size() == length && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string PlateBucket(std::string_view plate_key) {
  return absl::StrFormat("%02x", Fnv1a(plate_key) & 0xff);
}

std::string PlateTag(std::string_view bucket) {
  return absl::StrCat("park:{p", ToAbsl(bucket), "}:");
}
std::string SubjectTag(std::string_view subject) {
  return absl::StrCat("park:{u:", ToAbsl(subject), "}:");
}

std::string PermitsKey(std::string_view plate_key) {
  return absl::StrCat(PlateTag(PlateBucket(plate_key)), "permits:", ToAbsl(plate_key));
}

std::string PermitJson(const Permit& permit) {
  json::object object{{"id", permit.id},
                      {"country", permit.plate.country},
                      {"plate", permit.plate.registration},
                      {"plate_key", permit.plate.key},
                      {"area", permit.area},
                      {"from", absl::ToUnixSeconds(permit.valid_from)},
                      {"until", absl::ToUnixSeconds(permit.valid_until)}};
  if (permit.revoked) {
    object["revoked"] = true;
    object["revoke_reason"] = permit.revoke_reason;
  }
  return json::serialize(object);
}

absl::StatusOr<Permit> PermitFromJson(std::string_view text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  const json::object* object = error ? nullptr : value.if_object();
  if (object == nullptr) return absl::InternalError("corrupt permit record");
  const json::value* id = object->if_contains("id");
  const json::value* country = object->if_contains("country");
  const json::value* plate = object->if_contains("plate");
  const json::value* plate_key = object->if_contains("plate_key");
  const json::value* area = object->if_contains("area");
  const json::value* from = object->if_contains("from");
  const json::value* until = object->if_contains("until");
  const json::value* revoked = object->if_contains("revoked");
  const json::value* reason = object->if_contains("revoke_reason");
  if (id == nullptr || !id->is_string() || country == nullptr || !country->is_string() ||
      plate == nullptr || !plate->is_string() || plate_key == nullptr || !plate_key->is_string() ||
      area == nullptr || !area->is_string() || from == nullptr || !from->is_int64() ||
      until == nullptr || !until->is_int64() || (revoked != nullptr && !revoked->is_bool()) ||
      (reason != nullptr && !reason->is_string())) {
    return absl::InternalError("corrupt permit record");
  }
  Permit permit{std::string(id->get_string()),
                {std::string(country->get_string()), std::string(plate->get_string()),
                 std::string(plate_key->get_string())},
                std::string(area->get_string()),
                absl::FromUnixSeconds(from->get_int64()),
                absl::FromUnixSeconds(until->get_int64())};
  permit.revoked = revoked != nullptr && revoked->get_bool();
  if (reason != nullptr) permit.revoke_reason = std::string(reason->get_string());
  return permit;
}

absl::StatusOr<std::optional<Session>> RedisParkingRepository::BeginWrite(const WriteKey& key) {
  if (key.key.empty()) return std::nullopt;
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(BeginScript(), {ClaimKey(key)},
                  {key.fingerprint, absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl))});
  if (!reply.ok()) return reply.status();
  if (reply->IsNil()) return std::nullopt;
  absl::StatusOr<Session> answer = SessionFromJson(reply->str);
  if (!answer.ok()) return answer.status();
  return std::optional<Session>(*std::move(answer));
}

absl::Status RedisParkingRepository::AbandonWrite(const WriteKey& key) {
  if (key.key.empty()) return absl::OkStatus();
  return redis_.Eval(AbandonScript(), {ClaimKey(key)}, {key.fingerprint}).status();
}

absl::Status RedisParkingRepository::FinishWrite(const WriteKey& key, const Session& answer) {
  const std::string history = HistoryKey(answer.owner);
  const absl::Time oldest_kept = answer.start - options_.retention;
  std::vector<std::vector<std::string>> commands = {
      {"ZADD", history, absl::StrCat(absl::ToUnixSeconds(answer.start)), answer.id},
      {"ZREMRANGEBYSCORE", history, "-inf", absl::StrCat("(", absl::ToUnixSeconds(oldest_kept))},
      {"EXPIRE", history, absl::StrCat(absl::ToInt64Seconds(options_.retention))}};
  if (!key.key.empty()) {
    commands.push_back({"SET", ClaimKey(key),
                        absl::StrCat(key.fingerprint, "\n", SessionJson(answer)), "EX",
                        absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl))});
  }
  return redis_.Pipeline(commands).status();
}

absl::StatusOr<Session> RedisParkingRepository::InsertSession(const Session& session,
                                                              absl::Time now, const WriteKey& key) {
  const std::string bucket = PlateBucket(session.plate.key);
  Session stored = session;
  stored.id = absl::StrCat(bucket, RandomHex(kSessionIdLength - bucket.size()));
  std::vector<std::string> args = {Millis(now),
                                   key.key.empty() ? "" : key.fingerprint,
                                   absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)),
                                   SessionJson(stored),
                                   absl::StrCat(absl::ToInt64Milliseconds(options_.retention)),
                                   Millis(stored.end),
                                   Millis(stored.end - options_.reminder_lead),
                                   stored.id,
                                   stored.zone_id,
                                   stored.owner,
                                   absl::StrCat(absl::ToInt64Milliseconds(options_.plate_memory)),
                                   session.reminder_contact};
  for (const auto& [name, value] : SessionFields(stored)) {
    args.push_back(name);
    args.push_back(value);
  }
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      StartScript(),
      {PlateSessionsKey(stored.plate.key), SessionKey(stored.id), IdempotencyKey(bucket, key),
       OutboxKey(bucket), EndsKey(bucket), RemindersKey(bucket)},
      args);
  if (!reply.ok()) return reply.status();
  return SessionFromJson(reply->str);
}

absl::StatusOr<Session> RedisParkingRepository::UpdateSession(const Session& planned,
                                                              SessionChange change, absl::Time now,
                                                              const WriteKey& key) {
  if (!IsSessionId(planned.id)) return SessionNotFound();
  const std::string bucket = planned.id.substr(0, 2);
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      UpdateScript(),
      // The session's own bucket, which is its plate's: the script touches one slot
      // even for a record whose plate key is damaged or missing.
      {SessionKey(planned.id), PlateSessionsKey(bucket, planned.plate.key),
       IdempotencyKey(bucket, key), OutboxKey(bucket), EndsKey(bucket), RemindersKey(bucket)},
      {Millis(now), key.key.empty() ? "" : key.fingerprint,
       absl::StrCat(absl::ToInt64Seconds(options_.idempotency_ttl)), SessionJson(planned),
       absl::StrCat(absl::ToInt64Milliseconds(options_.retention)), Millis(planned.end),
       Millis(planned.end - options_.reminder_lead), planned.id, planned.owner,
       change == SessionChange::kExtend ? "extend" : "stop", absl::StrCat(planned.price_cents),
       planned.stopped ? "1" : "0",
       absl::StrCat(absl::ToInt64Milliseconds(options_.plate_memory))});
  if (!reply.ok()) return reply.status();
  return SessionFromJson(reply->str);
}

absl::StatusOr<int> RedisParkingRepository::SendDueReminders(absl::Time now, int limit) {
  std::vector<std::string> buckets;
  std::vector<std::vector<std::string>> due_lists;
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    buckets.push_back(absl::StrFormat("%02x", bucket));
    due_lists.push_back({"ZRANGEBYSCORE", RemindersKey(buckets.back()), "-inf", Millis(now),
                         "LIMIT", "0", absl::StrCat(limit)});
  }
  // One round trip for the 256 buckets, then one step per bucket with due ones.
  absl::StatusOr<std::vector<redis::Reply>> due = redis_.Pipeline(due_lists);
  if (!due.ok()) return due.status();
  int written = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const std::vector<redis::Reply>& ids = (*due)[i].elements;
    if (ids.empty()) continue;
    std::vector<std::string> keys = {RemindersKey(buckets[i]), OutboxKey(buckets[i])};
    std::vector<std::string> args = {Millis(now)};
    for (const redis::Reply& id : ids) {
      // A malformed member would name a key outside the bucket: it goes
      // without an event.
      const std::string session_key = IsSessionId(id.str) && id.str.substr(0, 2) == buckets[i]
                                          ? SessionKey(id.str)
                                          : absl::StrCat(PlateTag(buckets[i]), "session:invalid");
      keys.push_back(session_key);
      args.push_back(id.str);
    }
    absl::StatusOr<redis::Reply> sent = redis_.Eval(SendRemindersScript(), keys, args);
    if (!sent.ok()) return sent.status();
    written += static_cast<int>(sent->integer);
  }
  return written;
}

absl::StatusOr<Session> RedisParkingRepository::GetSession(std::string_view session_id) {
  if (!IsSessionId(session_id)) return SessionNotFound();
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", SessionKey(session_id)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return SessionNotFound();
  return SessionFromFields(FieldsFromReply(*reply));
}

absl::StatusOr<std::vector<Session>> RedisParkingRepository::ListSessions(std::string_view owner,
                                                                          int limit) {
  absl::StatusOr<redis::Reply> ids =
      redis_.Command({"ZREVRANGE", HistoryKey(owner), "0", absl::StrCat(limit - 1)});
  if (!ids.ok()) return ids.status();
  std::vector<std::vector<std::string>> reads;
  for (const redis::Reply& id : ids->elements) {
    if (IsSessionId(id.str)) reads.push_back({"HGETALL", SessionKey(id.str)});
  }
  std::vector<Session> sessions;
  if (reads.empty()) return sessions;
  absl::StatusOr<std::vector<redis::Reply>> records = redis_.Pipeline(reads);
  if (!records.ok()) return records.status();
  for (const redis::Reply& record : *records) {
    if (record.elements.empty()) continue;  // past retention
    absl::StatusOr<Session> session = SessionFromFields(FieldsFromReply(record));
    if (!session.ok()) return session.status();
    if (session->owner == owner) sessions.push_back(*std::move(session));
  }
  return sessions;
}

absl::StatusOr<std::vector<Session>> RedisParkingRepository::ListUnsettledEndedSessions(
    absl::Time now, int limit) {
  std::vector<Session> sessions;
  // Dropping strays and damaged records can leave a pass empty while sessions
  // wait behind them: then look again, a few times at most.
  for (int pass = 0; pass < kMaxScanPasses; ++pass) {
    absl::StatusOr<int> dropped = ScanEnded(now, limit, sessions);
    if (!dropped.ok()) return dropped.status();
    if (!sessions.empty() || *dropped == 0) break;
  }
  return sessions;
}

absl::StatusOr<int> RedisParkingRepository::ScanEnded(absl::Time now, int limit,
                                                      std::vector<Session>& sessions) {
  // A few per bucket: plates hash evenly over the buckets, and the caller
  // asks again until nothing is left.
  const int per_bucket = limit / kBuckets + 1;
  std::vector<std::vector<std::string>> due_reads;
  due_reads.reserve(kBuckets);
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    due_reads.push_back({"ZRANGE", EndsKey(absl::StrFormat("%02x", bucket)), "-inf", Millis(now),
                         "BYSCORE", "LIMIT", "0", absl::StrCat(per_bucket)});
  }
  absl::StatusOr<std::vector<redis::Reply>> due = redis_.Pipeline(due_reads);
  if (!due.ok()) return due.status();
  int dropped = 0;
  std::vector<std::vector<std::string>> strays;
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    const std::string name = absl::StrFormat("%02x", bucket);
    const int room = limit - static_cast<int>(sessions.size());
    std::vector<std::string> ids;
    for (const redis::Reply& id : (*due)[bucket].elements) {
      // Anything but a session id of this bucket cannot be settled (and its
      // key would lie in another hash slot): it must not hold the bucket up.
      if (!IsSessionId(id.str) || !id.str.starts_with(name)) {
        strays.push_back({"ZREM", EndsKey(name), id.str});
      } else if (static_cast<int>(ids.size()) < room) {
        ids.push_back(id.str);
      }
    }
    if (ids.empty()) continue;
    absl::StatusOr<int> unreadable = CloseEnded(name, ids, now, sessions);
    if (!unreadable.ok()) return unreadable.status();
    dropped += *unreadable;
  }
  if (!strays.empty()) {
    if (absl::Status removed = redis_.Pipeline(strays).status(); !removed.ok()) return removed;
  }
  return dropped + static_cast<int>(strays.size());
}

absl::StatusOr<int> RedisParkingRepository::CloseEnded(const std::string& bucket,
                                                       const std::vector<std::string>& ids,
                                                       absl::Time cutoff,
                                                       std::vector<Session>& closed) {
  std::vector<std::string> keys = {EndsKey(bucket)};
  std::vector<std::string> args = {Millis(cutoff)};
  for (const std::string& id : ids) {
    keys.push_back(SessionKey(id));
    args.push_back(id);
  }
  absl::StatusOr<redis::Reply> records = redis_.Eval(CloseEndedScript(), keys, args);
  if (!records.ok()) return records.status();
  std::vector<std::string> unreadable;
  for (size_t i = 0; i + 1 < records->elements.size(); i += 2) {
    const std::string& id = records->elements[i].str;
    absl::StatusOr<Session> session = SessionFromFields(FieldsFromReply(records->elements[i + 1]));
    if (session.ok() && session->id == id) {
      closed.push_back(*std::move(session));
      continue;
    }
    // One damaged record must not stop every later settlement: it is dropped
    // from the ends set and named by id (never by plate) for an operator.
    log::Error("parking_session_unreadable", {{"session", id}});
    unreadable.push_back(id);
  }
  if (absl::Status removed = MarkSettled(unreadable); !removed.ok()) return removed;
  return static_cast<int>(unreadable.size());
}

absl::Status RedisParkingRepository::MarkSettled(const std::vector<std::string>& session_ids) {
  std::vector<std::vector<std::string>> removals;
  for (const std::string& id : session_ids) {
    if (IsSessionId(id)) removals.push_back({"ZREM", EndsKey(id.substr(0, 2)), id});
  }
  if (removals.empty()) return absl::OkStatus();
  return redis_.Pipeline(removals).status();
}

absl::StatusOr<PlateRecord> RedisParkingRepository::ReadPlate(std::string_view plate_key) {
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(
      {{"HGETALL", PlateSessionsKey(plate_key)}, {"HGETALL", PermitsKey(plate_key)}});
  if (!replies.ok()) return replies.status();
  PlateRecord record;
  const std::vector<redis::Reply>& sessions = (*replies)[0].elements;
  for (size_t i = 1; i < sessions.size(); i += 2) {
    absl::StatusOr<Session> session = SessionFromJson(sessions[i].str);
    // One damaged copy must not keep the officer from seeing the others; the
    // next start for the plate removes it.
    if (!session.ok()) {
      log::Error("parking_plate_session_unreadable");
      continue;
    }
    record.sessions.push_back(*std::move(session));
  }
  absl::StatusOr<std::vector<Permit>> permits = PermitsFromReply((*replies)[1]);
  if (!permits.ok()) return permits.status();
  record.permits = *std::move(permits);
  return record;
}

absl::StatusOr<Permit> RedisParkingRepository::AddPermit(const Permit& permit) {
  Permit stored = permit;
  // The plate's bucket first, like a session id: a revocation finds the
  // permit's keys by id and plate (RedisPermitRepository).
  stored.id = absl::StrCat(PlateBucket(stored.plate.key), RandomHex(14));
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      AddPermitScript(), {PermitsKey(stored.plate.key)},
      {stored.id, PermitJson(stored), absl::StrCat(absl::ToUnixSeconds(stored.valid_until))});
  if (!reply.ok()) return reply.status();
  return stored;
}

absl::StatusOr<std::vector<Permit>> RedisParkingRepository::ListPermits(
    std::string_view plate_key) {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", PermitsKey(plate_key)});
  if (!reply.ok()) return reply.status();
  return PermitsFromReply(*reply);
}

absl::StatusOr<int> RedisParkingRepository::EraseOwner(std::string_view owner, absl::Time now) {
  absl::StatusOr<redis::Reply> ids = redis_.Command({"ZRANGE", HistoryKey(owner), "0", "-1"});
  if (!ids.ok()) return ids.status();
  int erased = 0;
  for (const redis::Reply& id : ids->elements) {
    if (!IsSessionId(id.str)) continue;
    const std::string bucket = id.str.substr(0, 2);
    absl::StatusOr<redis::Reply> done =
        redis_.Eval(EraseSessionScript(), {SessionKey(id.str), OutboxKey(bucket)},
                    {std::string(owner), absl::StrCat(absl::ToUnixMillis(now)), PlateTag(bucket)});
    if (!done.ok()) return done.status();
    erased += static_cast<int>(done->integer);
  }
  // The subject's claims and history, then each bucket's idempotency answers
  // (they hold the plate), found by name.
  const std::string escaped = GlobEscape(owner);
  for (const std::string& pattern :
       {absl::StrCat(GlobEscape(SubjectTag(owner)), "claim:*"), GlobEscape(HistoryKey(owner)),
        absl::StrCat("park:{p*}:idem:*:", escaped, ":*")}) {
    // The buckets lie on every node of a cluster: ScanKeys asks each primary.
    absl::StatusOr<std::vector<std::string>> keys = redis_.ScanKeys(pattern);
    if (!keys.ok()) return keys.status();
    for (const std::string& key : *keys) {
      absl::StatusOr<redis::Reply> deleted = redis_.Command({"DEL", key});
      if (!deleted.ok()) return deleted.status();
      erased += static_cast<int>(deleted->integer);
    }
  }
  return erased;
}

}  // namespace stadt::parking
