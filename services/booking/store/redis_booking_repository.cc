#include "services/booking/store/redis_booking_repository.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/booking/store/booking_lua.h"

namespace stadt::booking {
namespace {

constexpr int64_t kHoldRecordGraceMs = 24 * 60 * 60 * 1000;

std::string Millis(absl::Time time) { return absl::StrCat(absl::ToUnixMillis(time)); }

// KEYS: booked, holds, hold, client-hold.
// ARGV: now, hold id, first, count, expires, prefix, client, office, day,
//       services csv, start ms, end ms, capacities...
const redis::Script& PutHoldScript() {
  static const redis::Script* script = new redis::Script(absl::StrCat(kBookingLua, R"lua(
local now, first, count = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4])
local prefix = ARGV[6]
local previous = redis.call('GET', KEYS[4])
if previous then
  local old = hash(prefix .. 'hold:' .. previous)
  if old.office and (old.code == nil or old.code == '') then
    redis.call('ZREM', prefix .. 'holds:' .. old.office .. ':' .. old.day,
               previous .. ':' .. old.first .. ':' .. old.count)
    redis.call('DEL', prefix .. 'hold:' .. previous)
  end
end
if not fits(KEYS[1], KEYS[2], now, first, count, 13) then
  return redis.error_reply('ABORTED the slot is no longer free')
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2] .. ':' .. first .. ':' .. count)
redis.call('HSET', KEYS[3], 'client', ARGV[7], 'office', ARGV[8], 'day', ARGV[9],
           'first', first, 'count', count, 'services', ARGV[10], 'start_ms', ARGV[11],
           'end_ms', ARGV[12], 'expires_ms', ARGV[5], 'code', '')
redis.call('PEXPIREAT', KEYS[3], tonumber(ARGV[5]) + )lua",
                                                                      kHoldRecordGraceMs, R"lua()
redis.call('SET', KEYS[4], ARGV[2], 'PXAT', ARGV[5])
return 1
)lua"));
  return *script;
}

// Keeps a hold while its e-mail confirmation is pending and queues the mail.
// KEYS: hold, outbox. ARGV: now, hold id, client, prefix, until, token hash,
//       sealed contact, attributes, sealed link token.
const redis::Script& AwaitEmailScript() {
  static const redis::Script* script = new redis::Script(absl::StrCat(kBookingLua, R"lua(
local now, wanted = tonumber(ARGV[1]), tonumber(ARGV[5])
local prefix = ARGV[4]
local hold = hash(KEYS[1])
if hold.client == nil or hold.client ~= ARGV[3] then
  return redis.error_reply('NOT_FOUND hold not found')
end
if hold.code ~= nil and hold.code ~= '' then
  return redis.error_reply('FAILED_PRECONDITION the hold is already a booking')
end
if tonumber(hold.expires_ms) <= now then
  return redis.error_reply('FAILED_PRECONDITION the hold has expired; hold the slot again')
end
if hold.email_hash ~= nil and hold.email_hash ~= '' then return 0 end
-- The slot is counted by the hold's entry in the day's holds set: without it
-- (dropped as expired by a writer whose clock runs ahead) there is no slot
-- left to keep.
local holds_key = prefix .. 'holds:' .. hold.office .. ':' .. hold.day
local member = ARGV[2] .. ':' .. hold.first .. ':' .. hold.count
if not redis.call('ZSCORE', holds_key, member) then
  return redis.error_reply('FAILED_PRECONDITION the hold has expired; hold the slot again')
end
local expires = math.max(tonumber(hold.expires_ms), wanted)
redis.call('ZADD', holds_key, 'XX', expires, member)
redis.call('HSET', KEYS[1], 'expires_ms', expires, 'email_hash', ARGV[6],
           'pending_contact', ARGV[7], 'pending_attrs', ARGV[8])
redis.call('PEXPIREAT', KEYS[1], expires + )lua",
                                                                      kHoldRecordGraceMs, R"lua()
redis.call('SET', prefix .. 'client-hold:' .. ARGV[3], ARGV[2], 'PXAT', expires)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'type',
           'booking.email_confirmation_requested', 'hold', ARGV[2], 'office', hold.office,
           'start_ms', hold.start_ms, 'end_ms', hold.end_ms, 'services', hold.services,
           'contact', ARGV[7], 'link_token', ARGV[9], 'expires_ms', expires)
return 1
)lua"));
  return *script;
}

// KEYS: hold, booking, person, outbox.
// ARGV: now, hold id, client, prefix, code, max active, window ms, delete
//       after ms, token nonce, token hash, sealed contact, person key, remind at ms,
//       attributes.
const redis::Script& ConfirmScript() {
  static const redis::Script* script = new redis::Script(absl::StrCat(kBookingLua, R"lua(
local now = tonumber(ARGV[1])
local prefix = ARGV[4]
local hold = hash(KEYS[1])
if hold.client == nil or hold.client ~= ARGV[3] then
  return redis.error_reply('NOT_FOUND hold not found')
end
if hold.code ~= nil and hold.code ~= '' then return hold.code end
if tonumber(hold.expires_ms) <= now then
  return redis.error_reply('FAILED_PRECONDITION the hold has expired; hold the slot again')
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.error_reply('ALREADY_EXISTS booking code taken')
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then
  return redis.error_reply('FAILED_PRECONDITION you have reached the limit of active bookings')
end
local start_ms = tonumber(hold.start_ms)
local window = tonumber(ARGV[7])
local services = split(hold.services)
for _, service in ipairs(services) do
  local key = prefix .. 'person-svc:' .. ARGV[12] .. ':' .. service
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCOUNT', key, start_ms - window, start_ms + window) > 0 then
    return redis.error_reply('FAILED_PRECONDITION you already have a booking for this service in that period')
  end
end
local first, count = tonumber(hold.first), tonumber(hold.count)
local day_suffix = hold.office .. ':' .. hold.day
redis.call('ZREM', prefix .. 'holds:' .. day_suffix, ARGV[2] .. ':' .. first .. ':' .. count)
add_booked(prefix .. 'booked:' .. day_suffix, first, count, 1)
redis.call('HSET', KEYS[2], 'code', ARGV[5], 'nonce', ARGV[9], 'token_hash', ARGV[10],
           'office', hold.office, 'day', hold.day, 'first', first, 'count', count,
           'services', hold.services, 'start_ms', hold.start_ms, 'end_ms', hold.end_ms,
           'status', 'confirmed', 'contact', ARGV[11], 'person', ARGV[12], 'client', ARGV[3],
           'attrs', ARGV[14])
redis.call('PEXPIREAT', KEYS[2], ARGV[8])
redis.call('ZADD', KEYS[3], start_ms, ARGV[5])
redis.call('PEXPIREAT', KEYS[3], ARGV[8])
for _, service in ipairs(services) do
  local key = prefix .. 'person-svc:' .. ARGV[12] .. ':' .. service
  redis.call('ZADD', key, start_ms, ARGV[5])
  redis.call('PEXPIREAT', key, ARGV[8])
end
if tonumber(ARGV[13]) > now then
  redis.call('ZADD', prefix .. 'reminders', ARGV[13], ARGV[5])
end
local day_index = prefix .. 'day:' .. day_suffix
redis.call('ZADD', day_index, start_ms, ARGV[5])
redis.call('PEXPIREAT', day_index, ARGV[8])
redis.call('HSET', KEYS[1], 'code', ARGV[5])
redis.call('DEL', prefix .. 'client-hold:' .. ARGV[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', 100000, '*', 'type', 'booking.confirmed',
           'code', ARGV[5], 'office', hold.office, 'start_ms', hold.start_ms,
           'end_ms', hold.end_ms, 'services', hold.services, 'contact', ARGV[11])
return ARGV[5]
)lua"));
  return *script;
}

// KEYS: booking, outbox. ARGV: now, prefix.
const redis::Script& CancelScript() {
  static const redis::Script* script = new redis::Script(absl::StrCat(kBookingLua, R"lua(
local booking = hash(KEYS[1])
if booking.code == nil then return redis.error_reply('NOT_FOUND no such booking') end
if booking.status == 'cancelled' then return 0 end
local prefix = ARGV[2]
add_booked(prefix .. 'booked:' .. booking.office .. ':' .. booking.day,
           tonumber(booking.first), tonumber(booking.count), -1)
redis.call('HSET', KEYS[1], 'status', 'cancelled')
redis.call('ZREM', prefix .. 'day:' .. booking.office .. ':' .. booking.day, booking.code)
redis.call('ZREM', prefix .. 'reminders', booking.code)
redis.call('ZREM', prefix .. 'person:' .. booking.person, booking.code)
for _, service in ipairs(split(booking.services)) do
  redis.call('ZREM', prefix .. 'person-svc:' .. booking.person .. ':' .. service, booking.code)
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'type', 'booking.cancelled',
           'code', booking.code, 'office', booking.office, 'start_ms', booking.start_ms,
           'end_ms', booking.end_ms, 'services', booking.services, 'contact', booking.contact)
return 1
)lua"));
  return *script;
}

// KEYS: booking, outbox. ARGV: now, prefix, office, day, first, count,
// start ms, end ms, delete after ms, remind at ms, capacities...
const redis::Script& MoveScript() {
  static const redis::Script* script = new redis::Script(absl::StrCat(kBookingLua, R"lua(
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local booking = hash(KEYS[1])
if booking.code == nil then return redis.error_reply('NOT_FOUND no such booking') end
if booking.status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION the booking is cancelled')
end
if booking.visit ~= nil and booking.visit ~= '' then
  return redis.error_reply('FAILED_PRECONDITION the citizen has already arrived')
end
local old_booked = prefix .. 'booked:' .. booking.office .. ':' .. booking.day
local new_booked = prefix .. 'booked:' .. ARGV[3] .. ':' .. ARGV[4]
local new_holds = prefix .. 'holds:' .. ARGV[3] .. ':' .. ARGV[4]
local first, count = tonumber(ARGV[5]), tonumber(ARGV[6])
-- All in one script, so nobody sees the moment in between: the booking's own
-- old place may be reused by the new one (moving by ten minutes), and if the
-- new place does not fit the old one is restored untouched.
add_booked(old_booked, tonumber(booking.first), tonumber(booking.count), -1)
if not fits(new_booked, new_holds, now, first, count, 11) then
  add_booked(old_booked, tonumber(booking.first), tonumber(booking.count), 1)
  return redis.error_reply('ABORTED the new slot is no longer free; the booking is unchanged')
end
add_booked(new_booked, first, count, 1)
redis.call('ZREM', prefix .. 'day:' .. booking.office .. ':' .. booking.day, booking.code)
local new_index = prefix .. 'day:' .. ARGV[3] .. ':' .. ARGV[4]
redis.call('ZADD', new_index, ARGV[7], booking.code)
redis.call('PEXPIREAT', new_index, ARGV[9])
redis.call('HSET', KEYS[1], 'office', ARGV[3], 'day', ARGV[4], 'first', first, 'count', count,
           'start_ms', ARGV[7], 'end_ms', ARGV[8])
redis.call('PEXPIREAT', KEYS[1], ARGV[9])
if tonumber(ARGV[10]) > now then
  redis.call('ZADD', prefix .. 'reminders', ARGV[10], booking.code)
else
  redis.call('ZREM', prefix .. 'reminders', booking.code)
end
redis.call('ZADD', prefix .. 'person:' .. booking.person, ARGV[7], booking.code)
for _, service in ipairs(split(booking.services)) do
  redis.call('ZADD', prefix .. 'person-svc:' .. booking.person .. ':' .. service, ARGV[7],
             booking.code)
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'type', 'booking.rescheduled',
           'code', booking.code, 'office', ARGV[3], 'start_ms', ARGV[7], 'end_ms', ARGV[8],
           'services', booking.services, 'contact', booking.contact)
return 1
)lua"));
  return *script;
}

// KEYS: reminders, outbox. ARGV: now, max, prefix.
const redis::Script& RemindersScript() {
  static const redis::Script* script = new redis::Script(absl::StrCat(kBookingLua, R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local sent = 0
for _, code in ipairs(due) do
  redis.call('ZREM', KEYS[1], code)
  local booking = hash(ARGV[3] .. 'booking:' .. code)
  if booking.status == 'confirmed' then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'type', 'booking.reminder',
               'code', code, 'office', booking.office, 'start_ms', booking.start_ms,
               'end_ms', booking.end_ms, 'services', booking.services, 'contact', booking.contact)
    sent = sent + 1
  end
end
return sent
)lua"));
  return *script;
}

std::map<std::string, std::string> ToMap(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  return fields;
}

int ToInt(const std::string& text) {
  int value = 0;
  return absl::SimpleAtoi(text, &value) ? value : 0;
}

absl::Time FromMillis(const std::string& text) {
  int64_t millis = 0;
  return absl::SimpleAtoi(text, &millis) ? absl::FromUnixMillis(millis) : absl::UnixEpoch();
}

std::vector<std::string> SplitCsv(const std::string& text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
}

BookingRecord BookingFromFields(std::map<std::string, std::string> fields) {
  BookingRecord record;
  record.code = fields["code"];
  record.token_nonce = fields["nonce"];
  record.token_hash = fields["token_hash"];
  record.resource_id = fields["office"];
  record.day = fields["day"];
  record.start_bucket = ToInt(fields["first"]);
  record.buckets = ToInt(fields["count"]);
  record.service_ids = SplitCsv(fields["services"]);
  record.start = FromMillis(fields["start_ms"]);
  record.end = FromMillis(fields["end_ms"]);
  record.status =
      fields["status"] == "cancelled" ? BookingStatus::kCancelled : BookingStatus::kConfirmed;
  record.sealed_contact = fields["contact"];
  record.person_key = fields["person"];
  record.client = fields["client"];
  record.attributes = fields["attrs"];
  return record;
}

void AppendCapacity(const SlotCapacity& capacity, std::vector<std::string>* args) {
  for (int value : capacity) args->push_back(absl::StrCat(value));
}

}  // namespace

std::string RedisBookingRepository::Key(const char* kind, const std::string& id) const {
  return absl::StrCat(prefix_, kind, ":", id);
}

std::string RedisBookingRepository::DayKey(const char* kind, const std::string& resource,
                                           const std::string& day) const {
  return absl::StrCat(prefix_, kind, ":", resource, ":", day);
}

absl::StatusOr<std::vector<DayUsage>> RedisBookingRepository::GetUsage(
    const std::vector<ResourceDay>& days, absl::Time now) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(days.size() * 2);
  const std::string live_from = absl::StrCat("(", absl::ToUnixMillis(now));
  for (const ResourceDay& day : days) {
    commands.push_back({"HGETALL", DayKey("booked", day.resource_id, day.day)});
    commands.push_back(
        {"ZRANGEBYSCORE", DayKey("holds", day.resource_id, day.day), live_from, "+inf"});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<DayUsage> usage(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    for (const auto& [bucket, count] : ToMap((*replies)[2 * i])) {
      usage[i].booked[ToInt(bucket)] = ToInt(count);
    }
    for (const redis::Reply& member : (*replies)[2 * i + 1].elements) {
      std::vector<std::string> parts = absl::StrSplit(member.str, ':');
      if (parts.size() == 3) usage[i].holds.emplace_back(ToInt(parts[1]), ToInt(parts[2]));
    }
  }
  return usage;
}

absl::Status RedisBookingRepository::PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                                             absl::Time now) {
  std::vector<std::string> args = {Millis(now),
                                   hold.hold_id,
                                   absl::StrCat(hold.start_bucket),
                                   absl::StrCat(hold.buckets),
                                   Millis(hold.expires_at),
                                   prefix_,
                                   hold.client,
                                   hold.resource_id,
                                   hold.day,
                                   absl::StrJoin(hold.service_ids, ","),
                                   Millis(hold.start),
                                   Millis(hold.end)};
  AppendCapacity(capacity, &args);
  return redis_
      .Eval(PutHoldScript(),
            {DayKey("booked", hold.resource_id, hold.day),
             DayKey("holds", hold.resource_id, hold.day), Key("hold", hold.hold_id),
             Key("client-hold", hold.client)},
            args)
      .status();
}

absl::StatusOr<HoldRecord> RedisBookingRepository::GetHold(const std::string& hold_id) {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", Key("hold", hold_id)});
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> fields = ToMap(*reply);
  if (fields.empty()) return absl::NotFoundError("hold not found");
  HoldRecord hold;
  hold.hold_id = hold_id;
  hold.client = fields["client"];
  hold.resource_id = fields["office"];
  hold.day = fields["day"];
  hold.start_bucket = ToInt(fields["first"]);
  hold.buckets = ToInt(fields["count"]);
  hold.service_ids = SplitCsv(fields["services"]);
  hold.start = FromMillis(fields["start_ms"]);
  hold.end = FromMillis(fields["end_ms"]);
  hold.expires_at = FromMillis(fields["expires_ms"]);
  hold.booking_code = fields["code"];
  hold.email_token_hash = fields["email_hash"];
  hold.pending_contact = fields["pending_contact"];
  hold.pending_attributes = fields["pending_attrs"];
  return hold;
}

absl::StatusOr<HoldRecord> RedisBookingRepository::AwaitEmail(const std::string& hold_id,
                                                              const std::string& client,
                                                              const PendingEmail& pending,
                                                              absl::Time until, absl::Time now) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(AwaitEmailScript(), {Key("hold", hold_id), absl::StrCat(prefix_, "outbox")},
                  {Millis(now), hold_id, client, prefix_, Millis(until), pending.token_hash,
                   pending.sealed_contact, pending.attributes, pending.sealed_link_token});
  if (!reply.ok()) return reply.status();
  return GetHold(hold_id);
}

absl::StatusOr<std::string> RedisBookingRepository::ConfirmHold(const std::string& hold_id,
                                                                const BookingRecord& booking,
                                                                const PersonLimits& limits,
                                                                absl::Time now,
                                                                absl::Time delete_after) {
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      ConfirmScript(),
      {Key("hold", hold_id), Key("booking", booking.code), Key("person", booking.person_key),
       absl::StrCat(prefix_, "outbox")},
      {Millis(now), hold_id, booking.client, prefix_, booking.code,
       absl::StrCat(limits.max_active_bookings),
       absl::StrCat(absl::ToInt64Milliseconds(limits.same_service_window)), Millis(delete_after),
       booking.token_nonce, booking.token_hash, booking.sealed_contact, booking.person_key,
       Millis(booking.remind_at), booking.attributes});
  if (!reply.ok()) return reply.status();
  return reply->str;
}

absl::StatusOr<BookingRecord> RedisBookingRepository::GetBooking(const std::string& code) {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", Key("booking", code)});
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> fields = ToMap(*reply);
  if (fields.empty()) return absl::NotFoundError("no such booking");
  return BookingFromFields(std::move(fields));
}

absl::StatusOr<std::vector<std::string>> RedisBookingRepository::DayBookings(
    const ResourceDay& day) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Command({"ZRANGE", DayKey("day", day.resource_id, day.day), "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> codes;
  for (const redis::Reply& member : reply->elements) codes.push_back(member.str);
  return codes;
}

absl::StatusOr<BookingRecord> RedisBookingRepository::CancelBooking(const std::string& code,
                                                                    absl::Time now) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(CancelScript(), {Key("booking", code), absl::StrCat(prefix_, "outbox")},
                  {Millis(now), prefix_});
  if (!reply.ok()) return reply.status();
  return GetBooking(code);
}

absl::StatusOr<int> RedisBookingRepository::EmitDueReminders(absl::Time now, int max) {
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      RemindersScript(), {absl::StrCat(prefix_, "reminders"), absl::StrCat(prefix_, "outbox")},
      {Millis(now), absl::StrCat(max), prefix_});
  if (!reply.ok()) return reply.status();
  return static_cast<int>(reply->integer);
}

absl::StatusOr<BookingRecord> RedisBookingRepository::MoveBooking(const std::string& code,
                                                                  const BookingRecord& moved,
                                                                  const SlotCapacity& capacity,
                                                                  absl::Time now,
                                                                  absl::Time delete_after) {
  std::vector<std::string> args = {Millis(now),
                                   prefix_,
                                   moved.resource_id,
                                   moved.day,
                                   absl::StrCat(moved.start_bucket),
                                   absl::StrCat(moved.buckets),
                                   Millis(moved.start),
                                   Millis(moved.end),
                                   Millis(delete_after),
                                   Millis(moved.remind_at)};
  AppendCapacity(capacity, &args);
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(MoveScript(), {Key("booking", code), absl::StrCat(prefix_, "outbox")}, args);
  if (!reply.ok()) return reply.status();
  return GetBooking(code);
}

}  // namespace stadt::booking
