#include "services/common/booking/store/redis_booking_repository.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/lua/scripts.h"
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

// KEYS: hold, booking, person, outbox.
// ARGV: now, hold id, client, prefix, code, max active, window ms, delete
//       after ms, token nonce, token hash, sealed contact, person key, remind at ms,
//       attributes.
const redis::Script& ConfirmScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kConfirmHoldLua)));
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

// KEYS: person, resend marker, outbox. ARGV: now, min interval ms, request id,
// sealed contact, prefix.
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

absl::StatusOr<std::string> RedisBookingRepository::ConfirmHold(const std::string& hold_id,
                                                                const BookingRecord& booking,
                                                                const PersonLimits& limits,
                                                                absl::Time now,
                                                                absl::Time delete_after) {
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      ConfirmScript(),
      {Key("hold", hold_id), Key("booking", booking.code),
       Key("person", booking.person_key.substr(0, booking.person_key.find(','))),
       absl::StrCat(prefix_, "outbox")},
      {Millis(now), hold_id, booking.client, prefix_, booking.code,
       absl::StrCat(limits.max_active_bookings),
       absl::StrCat(absl::ToInt64Milliseconds(limits.same_service_window)), Millis(delete_after),
       booking.token_nonce, booking.token_hash, booking.sealed_contact, booking.person_key,
       Millis(booking.remind_at), booking.attributes, booking.booked_by});
  if (!reply.ok()) return reply.status();
  return reply->str;
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
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      RequestLinksScript(),
      {absl::StrCat(prefix_, "person:", person_key), absl::StrCat(prefix_, "resend:", person_key),
       absl::StrCat(prefix_, "outbox")},
      {Millis(now), absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(min_interval))),
       request_id, sealed_contact, prefix_});
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
  return GetBooking(code);
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
  return static_cast<int>(reply->integer);
}

}  // namespace stadt::booking
