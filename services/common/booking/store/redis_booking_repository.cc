#include "services/common/booking/store/redis_booking_repository.h"

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/lua/scripts.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"

namespace stadt::booking {
namespace {

// How long a hold record outlives its expiry. put_hold.lua and await_email.lua
// get it as a Lua local put in front of the script.
constexpr int64_t kHoldRecordGraceMs = 24 * 60 * 60 * 1000;

std::string Millis(absl::Time time) { return absl::StrCat(absl::ToUnixMillis(time)); }

// KEYS: booked, holds, hold, client-hold.
// ARGV: now, hold id, first, count, expires, prefix, client, office, day,
//       services csv, start ms, end ms, capacities...
const redis::Script& PutHoldScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat("local kHoldRecordGraceMs = ", kHoldRecordGraceMs, "\n",
                                     ToAbsl(kBookingPreludeLua), ToAbsl(kPutHoldLua)));
  return *script;
}

// Keeps a hold while its e-mail confirmation is pending and queues the mail.
// KEYS: hold, outbox. ARGV: now, hold id, client, prefix, until, token hash,
//       sealed contact, attributes, sealed link token.
const redis::Script& AwaitEmailScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat("local kHoldRecordGraceMs = ", kHoldRecordGraceMs, "\n",
                                     ToAbsl(kBookingPreludeLua), ToAbsl(kAwaitEmailLua)));
  return *script;
}

// KEYS: hold, booking, outbox.
// ARGV: now, hold id, client, prefix, code, (unused), (unused), delete after ms,
//       token nonce, token hash, sealed contact, person keys, remind at ms,
//       attributes, booked by.
const redis::Script& ConfirmScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kConfirmHoldLua)));
  return *script;
}

// Step 1 of a confirm, in one person's slot (reserve_person.lua).
const redis::Script& ReservePersonScript() {
  static const redis::Script* script = new redis::Script(std::string(kReservePersonLua));
  return *script;
}

// Step 3 of a confirm, in one person's slot. KEYS: person, resv, person-svc...
// ARGV: hold id, code, start ms, delete after ms.
const redis::Script& CommitPersonScript() {
  static const redis::Script* script = new redis::Script(std::string(kCommitPersonLua));
  return *script;
}

// KEYS: subject index, client-hold, outbox. ARGV: now, prefix, erase-with
// kinds, forget-code-in kinds.
const redis::Script& EraseSubjectScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kEraseSubjectLua)));
  return *script;
}

// KEYS: booking, outbox. ARGV: now, prefix.
const redis::Script& CancelScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kCancelBookingLua)));
  return *script;
}

// KEYS: booking, outbox. ARGV: now, prefix, office, day, first, count,
// start ms, end ms, delete after ms, remind at ms, capacities...
const redis::Script& MoveScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kMoveBookingLua)));
  return *script;
}

// KEYS: reminders, outbox. ARGV: now, max, prefix.
const redis::Script& RemindersScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kEmitDueRemindersLua)));
  return *script;
}

// KEYS: resend marker, outbox. ARGV: now, min interval ms, request id,
// sealed contact, prefix, the person's active codes.
const redis::Script& RequestLinksScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kRequestLinksLua)));
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
  record.visit = fields["visit"];
  record.booked_by = fields["booked_by"];
  return record;
}

std::set<std::string> SetOf(const std::vector<std::string>& items) {
  return std::set<std::string>(items.begin(), items.end());
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
  if (fields.empty())
    return Refusal(absl::StatusCode::kNotFound, "hold_not_found", "hold not found");
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

std::string RedisBookingRepository::PersonPrefix(const std::string& person) const {
  return absl::StrCat(prefix_.substr(0, prefix_.find(':')), ":{p:", person, "}:");
}

absl::StatusOr<std::string> RedisBookingRepository::ConfirmHold(const std::string& hold_id,
                                                                const BookingRecord& booking,
                                                                const PersonLimits& limits,
                                                                absl::Time now,
                                                                absl::Time delete_after) {
  absl::StatusOr<HoldRecord> hold = GetHold(hold_id);
  if (!hold.ok()) return hold.status();
  if (hold->client != booking.client) {
    return Refusal(absl::StatusCode::kNotFound, "hold_not_found", "hold not found");
  }
  // The persons count what the hold books; a hold that became a booking
  // already (a retry) was counted then.
  BookingRecord placed = booking;
  placed.start = hold->start;
  placed.service_ids = hold->service_ids;
  if (hold->booking_code.empty()) {
    STADT_RETURN_IF_ERROR(ReservePersons(hold_id, placed, limits, now, delete_after));
  }
  absl::StatusOr<std::string> code = TakeHold(hold_id, placed, now, delete_after);
  if (!code.ok()) {
    // A code clash is retried with a new code under the same reservations; a
    // reply lost on the way (UNAVAILABLE) may hide a booking: left to expire.
    const absl::StatusCode failure = code.status().code();
    if (failure != absl::StatusCode::kAlreadyExists && failure != absl::StatusCode::kUnavailable) {
      ReleasePersons(SplitCsv(placed.person_key), hold_id, placed.service_ids);
    }
    return code.status();
  }
  absl::StatusOr<BookingRecord> stored = GetBooking(*code);
  if (!stored.ok()) return stored.status();
  STADT_RETURN_IF_ERROR(CommitPersons(hold_id, *stored, delete_after));
  return code;
}

absl::Status RedisBookingRepository::ReservePersons(const std::string& hold_id,
                                                    const BookingRecord& booking,
                                                    const PersonLimits& limits, absl::Time now,
                                                    absl::Time delete_after) {
  std::vector<std::string> reserved;
  for (const std::string& person : SplitCsv(booking.person_key)) {
    absl::Status status = ReservePerson(person, hold_id, booking, limits, now, delete_after);
    if (!status.ok()) {
      if (status.code() != absl::StatusCode::kUnavailable) {
        ReleasePersons(reserved, hold_id, booking.service_ids);
      }
      return status;
    }
    reserved.push_back(person);
  }
  return absl::OkStatus();
}

absl::Status RedisBookingRepository::ReservePerson(const std::string& person,
                                                   const std::string& hold_id,
                                                   const BookingRecord& booking,
                                                   const PersonLimits& limits, absl::Time now,
                                                   absl::Time delete_after) {
  const std::string at = PersonPrefix(person);
  absl::StatusOr<std::vector<redis::Reply>> counted =
      redis_.Pipeline({{"HGETALL", absl::StrCat(at, "resv")},
                       {"ZRANGEBYSCORE", absl::StrCat(at, "person"), Millis(now), "+inf"}});
  if (!counted.ok()) return counted.status();
  // What the person's slot cannot know, read in the office slots: whether an
  // expired reservation's hold became a booking, and whether a booking it
  // counts was cancelled or moved since (a step between slots that never ran).
  std::set<std::string> services = SetOf(booking.service_ids);
  std::vector<std::string> checked;
  for (const auto& [held, record] : ToMap((*counted)[0])) {
    std::vector<std::string> parts = absl::StrSplit(record, '|');
    if (held == hold_id || parts.size() != 3 || FromMillis(parts[0]) > now) continue;
    absl::StatusOr<redis::Reply> code = redis_.Command({"HGET", Key("hold", held), "code"});
    if (!code.ok()) return code.status();
    checked.insert(checked.end(), {absl::StrCat("r:", held), code->str});
    for (const std::string& service : SplitCsv(parts[2])) services.insert(service);
  }
  for (const redis::Reply& member : (*counted)[1].elements) {
    if (member.str.starts_with("r:")) continue;
    absl::StatusOr<redis::Reply> fields =
        redis_.Command({"HMGET", Key("booking", member.str), "status", "start_ms", "services"});
    if (!fields.ok()) return fields.status();
    if (fields->elements.size() != 3) return absl::InternalError("unexpected HMGET reply");
    const bool counts = fields->elements[0].str == "confirmed";
    checked.insert(checked.end(), {member.str, counts ? fields->elements[1].str : ""});
    for (const std::string& service : SplitCsv(fields->elements[2].str)) services.insert(service);
  }
  std::vector<std::string> keys = {absl::StrCat(at, "person"), absl::StrCat(at, "resv")};
  for (const std::string& service : services)
    keys.push_back(absl::StrCat(at, "person-svc:", service));
  const std::string mine = absl::StrJoin(booking.service_ids, ",");
  std::vector<std::string> args = {
      Millis(now),
      hold_id,
      Millis(booking.start),
      absl::StrCat(absl::ToInt64Milliseconds(limits.same_service_window)),
      absl::StrCat(limits.max_active_bookings),
      Millis(now + kReservationTtl),
      Millis(delete_after),
      absl::StrCat(absl::ToUnixMillis(now + kReservationTtl), "|",
                   absl::ToUnixMillis(booking.start), "|", mine),
      absl::StrCat(services.size())};
  args.insert(args.end(), services.begin(), services.end());
  args.push_back(mine);
  args.push_back(absl::StrCat(checked.size() / 2));
  args.insert(args.end(), checked.begin(), checked.end());
  return redis_.Eval(ReservePersonScript(), keys, args).status();
}

absl::StatusOr<std::string> RedisBookingRepository::TakeHold(const std::string& hold_id,
                                                             const BookingRecord& booking,
                                                             absl::Time now,
                                                             absl::Time delete_after) {
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      ConfirmScript(),
      {Key("hold", hold_id), Key("booking", booking.code), absl::StrCat(prefix_, "outbox")},
      {Millis(now), hold_id, booking.client, prefix_, booking.code, "", "", Millis(delete_after),
       booking.token_nonce, booking.token_hash, booking.sealed_contact, booking.person_key,
       Millis(booking.remind_at), booking.attributes, booking.booked_by});
  if (!reply.ok()) return reply.status();
  return reply->str;
}

absl::Status RedisBookingRepository::CommitPersons(const std::string& hold_id,
                                                   const BookingRecord& record,
                                                   absl::Time delete_after) {
  for (const std::string& person : SplitCsv(record.person_key)) {
    const std::string at = PersonPrefix(person);
    std::vector<std::string> keys = {absl::StrCat(at, "person"), absl::StrCat(at, "resv")};
    for (const std::string& service : record.service_ids) {
      keys.push_back(absl::StrCat(at, "person-svc:", service));
    }
    STADT_RETURN_IF_ERROR(
        redis_
            .Eval(CommitPersonScript(), keys,
                  {hold_id, record.code, Millis(record.start), Millis(delete_after)})
            .status());
  }
  return absl::OkStatus();
}

void RedisBookingRepository::ReleasePersons(const std::vector<std::string>& persons,
                                            const std::string& hold_id,
                                            const std::vector<std::string>& services) {
  const std::string member = absl::StrCat("r:", hold_id);
  for (const std::string& person : persons) {
    const std::string at = PersonPrefix(person);
    std::vector<std::vector<std::string>> commands = {{"ZREM", absl::StrCat(at, "person"), member}};
    for (const std::string& service : services) {
      commands.push_back({"ZREM", absl::StrCat(at, "person-svc:", service), member});
    }
    commands.push_back({"HDEL", absl::StrCat(at, "resv"), hold_id});
    // Best effort: what is not released here expires with the reservation.
    (void)redis_.Pipeline(commands);
  }
}

absl::Status RedisBookingRepository::DropFromPersons(const std::string& code,
                                                     const std::string& persons,
                                                     const std::vector<std::string>& services) {
  for (const std::string& person : SplitCsv(persons)) {
    const std::string at = PersonPrefix(person);
    std::vector<std::vector<std::string>> commands = {{"ZREM", absl::StrCat(at, "person"), code}};
    for (const std::string& service : services) {
      commands.push_back({"ZREM", absl::StrCat(at, "person-svc:", service), code});
    }
    STADT_RETURN_IF_ERROR(redis_.Pipeline(commands).status());
  }
  return absl::OkStatus();
}

absl::Status RedisBookingRepository::MoveInPersons(const BookingRecord& record) {
  const std::string start = Millis(record.start);
  for (const std::string& person : SplitCsv(record.person_key)) {
    const std::string at = PersonPrefix(person);
    // XX: a booking the person's slot does not count (yet) is not added here;
    // its reservation or the next confirm's check counts it.
    std::vector<std::vector<std::string>> commands = {
        {"ZADD", absl::StrCat(at, "person"), "XX", start, record.code}};
    for (const std::string& service : record.service_ids) {
      commands.push_back(
          {"ZADD", absl::StrCat(at, "person-svc:", service), "XX", start, record.code});
    }
    STADT_RETURN_IF_ERROR(redis_.Pipeline(commands).status());
  }
  return absl::OkStatus();
}

absl::StatusOr<BookingRecord> RedisBookingRepository::GetBooking(const std::string& code) {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HGETALL", Key("booking", code)});
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> fields = ToMap(*reply);
  if (fields.empty()) {
    return Refusal(absl::StatusCode::kNotFound, "booking_not_found", "no such booking");
  }
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
  return CancelBookingBecause(code, now, ChangeCause{});
}

absl::StatusOr<BookingRecord> RedisBookingRepository::CancelBookingBecause(
    const std::string& code, absl::Time now, const ChangeCause& cause) {
  absl::StatusOr<BookingRecord> cancelled = CancelInOffice(code, now, cause);
  if (!cancelled.ok()) return cancelled.status();
  STADT_RETURN_IF_ERROR(
      DropFromPersons(cancelled->code, cancelled->person_key, cancelled->service_ids));
  return cancelled;
}

absl::StatusOr<BookingRecord> RedisBookingRepository::CancelInOffice(const std::string& code,
                                                                     absl::Time now,
                                                                     const ChangeCause& cause) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(CancelScript(), {Key("booking", code), absl::StrCat(prefix_, "outbox")},
                  {Millis(now), prefix_, options_.check_in_closes_booking ? "1" : "0", cause.kind,
                   cause.reference, cause.reason});
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

absl::StatusOr<int> RedisBookingRepository::RequestLinks(const std::string& person_key,
                                                         const std::string& request_id,
                                                         const std::string& sealed_contact,
                                                         absl::Time now,
                                                         absl::Duration min_interval) {
  // The person's own slot lists the active bookings (reservations aside).
  absl::StatusOr<redis::Reply> active =
      redis_.Command({"ZRANGEBYSCORE", absl::StrCat(PersonPrefix(person_key), "person"),
                      Millis(now), "+inf", "LIMIT", "0", "20"});
  if (!active.ok()) return active.status();
  std::vector<std::string> args = {
      Millis(now), absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(min_interval))),
      request_id, sealed_contact, prefix_};
  for (const redis::Reply& member : active->elements) {
    if (!member.str.starts_with("r:")) args.push_back(member.str);
  }
  if (args.size() == 5) return 0;
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      RequestLinksScript(),
      {absl::StrCat(prefix_, "resend:", person_key), absl::StrCat(prefix_, "outbox")}, args);
  if (!reply.ok()) return reply.status();
  return static_cast<int>(reply->integer);
}

absl::StatusOr<BookingRecord> RedisBookingRepository::MoveBooking(const std::string& code,
                                                                  const BookingRecord& moved,
                                                                  const SlotCapacity& capacity,
                                                                  absl::Time now,
                                                                  absl::Time delete_after) {
  return MoveBookingBecause(code, moved, capacity, now, delete_after, ChangeCause{});
}

absl::StatusOr<BookingRecord> RedisBookingRepository::MoveBookingBecause(
    const std::string& code, const BookingRecord& moved, const SlotCapacity& capacity,
    absl::Time now, absl::Time delete_after, const ChangeCause& cause) {
  std::vector<std::string> args = {Millis(now),
                                   prefix_,
                                   moved.resource_id,
                                   moved.day,
                                   absl::StrCat(moved.start_bucket),
                                   absl::StrCat(moved.buckets),
                                   Millis(moved.start),
                                   Millis(moved.end),
                                   Millis(delete_after),
                                   Millis(moved.remind_at),
                                   cause.kind,
                                   cause.reference,
                                   cause.reason};
  AppendCapacity(capacity, &args);
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(MoveScript(), {Key("booking", code), absl::StrCat(prefix_, "outbox")}, args);
  if (!reply.ok()) return reply.status();
  absl::StatusOr<BookingRecord> stored = GetBooking(code);
  if (!stored.ok()) return stored.status();
  STADT_RETURN_IF_ERROR(MoveInPersons(*stored));
  return stored;
}

}  // namespace stadt::booking

namespace stadt::booking {

absl::StatusOr<std::vector<KeptBooking>> RedisBookingRepository::SubjectBookings(
    const std::string& subject) {
  absl::StatusOr<redis::Reply> members = redis_.Command({"SMEMBERS", Key("subject", subject)});
  if (!members.ok()) return members.status();
  std::vector<KeptBooking> kept;
  for (const redis::Reply& member : members->elements) {
    if (!member.str.starts_with("b:")) continue;
    const std::string code = member.str.substr(2);
    absl::StatusOr<std::vector<redis::Reply>> replies =
        redis_.Pipeline({{"HGETALL", Key("booking", code)}, {"PEXPIRETIME", Key("booking", code)}});
    if (!replies.ok()) return replies.status();
    std::map<std::string, std::string> fields = ToMap((*replies)[0]);
    if (fields.empty()) continue;  // expired: the index outlives no booking for long
    KeptBooking booking;
    booking.record = BookingFromFields(std::move(fields));
    if ((*replies)[1].integer > 0)
      booking.delete_after = absl::FromUnixMillis((*replies)[1].integer);
    kept.push_back(std::move(booking));
  }
  return kept;
}

absl::StatusOr<int> RedisBookingRepository::EraseSubject(const std::string& subject,
                                                         absl::Time now) {
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      EraseSubjectScript(),
      {Key("subject", subject), Key("client-hold", subject), absl::StrCat(prefix_, "outbox")},
      {Millis(now), prefix_, absl::StrJoin(erase_with_, ","), absl::StrJoin(forget_code_in_, ",")});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 2) return absl::InternalError("unexpected erasure reply");
  // Then the persons' slots: the erased bookings count no more.
  const std::vector<redis::Reply>& erased = reply->elements[1].elements;
  for (size_t i = 0; i + 2 < erased.size(); i += 3) {
    STADT_RETURN_IF_ERROR(
        DropFromPersons(erased[i].str, erased[i + 1].str, SplitCsv(erased[i + 2].str)));
  }
  return static_cast<int>(reply->elements[0].integer);
}

}  // namespace stadt::booking
