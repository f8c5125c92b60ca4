#include "services/common/booking/store/redis_booking_repository.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "boost/json/serialize.hpp"
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

// A script that runs after booking_prelude.lua.
redis::Script* WithPrelude(absl::string_view text) {
  return new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), text));
}

// KEYS: booked, holds, hold. ARGV: now, hold id, first, count, expires, prefix,
// client, office, day, services csv, start ms, end ms, capacities...
const redis::Script& PutHoldScript() {
  static const redis::Script* script = WithPrelude(
      absl::StrCat("local kHoldRecordGraceMs = ", kHoldRecordGraceMs, "\n", ToAbsl(kPutHoldLua)));
  return *script;
}

// Keeps a hold while its e-mail confirmation is pending and queues the mail.
// KEYS: hold, outbox. ARGV: now, hold id, client, prefix, until, token hash,
//       sealed contact, attributes, sealed link token.
const redis::Script& AwaitEmailScript() {
  static const redis::Script* script = WithPrelude(absl::StrCat(
      "local kHoldRecordGraceMs = ", kHoldRecordGraceMs, "\n", ToAbsl(kAwaitEmailLua)));
  return *script;
}

// Step 2 of a confirm ("take"). KEYS: hold, booking, outbox.
// ARGV: now, hold id, client, prefix, code, (unused), (unused), delete after ms,
//       token nonce, token hash, sealed contact, person keys, remind at ms,
//       attributes, booked by.
const redis::Script& ConfirmScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kConfirmHoldLua));
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

// KEYS: outbox. ARGV: now, prefix, erase-with kinds, forget-code-in kinds, items.
const redis::Script& EraseRecordsScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kEraseRecordsLua));
  return *script;
}

// KEYS: booking, outbox. ARGV: now, prefix, check-in closes, cause (3).
const redis::Script& CancelScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kCancelBookingLua));
  return *script;
}

// A move within one bucket. KEYS: booking, outbox. ARGV: now, prefix, office,
// day, first, count, start ms, end ms, delete after ms, remind at ms, cause
// (3), capacities...
const redis::Script& MoveScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kMoveBookingLua));
  return *script;
}

// The three steps of a move across buckets (move_in/out/settle.lua).
const redis::Script& MoveInScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kMoveInLua));
  return *script;
}
const redis::Script& MoveOutScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kMoveOutLua));
  return *script;
}
const redis::Script& MoveSettleScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kMoveSettleLua));
  return *script;
}

// KEYS: the stub. ARGV: bucket, expires ms, repoint ('1').
const redis::Script& PutStubScript() {
  static const redis::Script* script = new redis::Script(std::string(kPutStubLua));
  return *script;
}

// KEYS: hold. ARGV: prefix, hold id.
const redis::Script& ReleaseHoldScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kReleaseHoldLua));
  return *script;
}

// KEYS: reminders, outbox. ARGV: now, max, prefix.
const redis::Script& RemindersScript() {
  static const redis::Script* script = WithPrelude(ToAbsl(kEmitDueRemindersLua));
  return *script;
}

// The sealed contact as hex: the links event's JSON must stay valid UTF-8.
std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  return hex;
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

bool RedisBookingRepository::IdFitsResource(const std::string& id,
                                            const std::string& resource_id) const {
  return keys_.BucketOf(id) == keys_.BucketOf(resource_id);
}

std::string RedisBookingRepository::DayKey(const std::string& prefix, const char* kind,
                                           const std::string& resource,
                                           const std::string& day) const {
  return absl::StrCat(prefix, kind, ":", resource, ":", day);
}

int RedisBookingRepository::BucketOfPrefix(const std::string& prefix) const {
  for (int bucket = 0; bucket < keys_.buckets(); ++bucket) {
    if (keys_.Bucket(bucket) == prefix) return bucket;
  }
  return 0;
}

absl::StatusOr<RedisBookingRepository::Located> RedisBookingRepository::Locate(
    const char* kind, const std::string& id) {
  // A stub points on at most twice in practice (a booking moved on again
  // before its home stub was repointed); more is a loop.
  constexpr int kMaxHops = 4;
  Located located;
  located.prefix = keys_.For(id);
  for (int hop = 0; hop < kMaxHops; ++hop) {
    absl::StatusOr<redis::Reply> reply =
        redis_.Command({"HGETALL", absl::StrCat(located.prefix, kind, ":", id)});
    if (!reply.ok()) return reply.status();
    located.fields = ToMap(*reply);
    const bool is_booking = std::string_view(kind) == "booking";
    if (is_booking && located.fields.count("code") == 0 && hop > 0) {
      // Pointed here, but no record yet: a move stopped before its step 3.
      absl::StatusOr<redis::Reply> moving =
          redis_.Command({"EXISTS", absl::StrCat(located.prefix, "moving:", id)});
      if (!moving.ok()) return moving.status();
      if (moving->integer == 1) {
        STADT_RETURN_IF_ERROR(SettleMove(located.prefix, id, absl::Now()));
        continue;  // read it again, settled
      }
    }
    auto at = located.fields.find("at");
    if (at == located.fields.end()) return located;
    const int bucket = ToInt(at->second);
    if (bucket < 0 || bucket >= keys_.buckets()) break;
    located.stubs.push_back(located.prefix);
    located.prefix = keys_.Bucket(bucket);
  }
  located.fields.clear();
  return located;
}

absl::StatusOr<std::string> RedisBookingRepository::RecordPrefix(const std::string& code) {
  absl::StatusOr<Located> located = Locate("booking", code);
  if (!located.ok()) return located.status();
  if (located->fields.empty()) {
    return Refusal(absl::StatusCode::kNotFound, "booking_not_found", "no such booking");
  }
  return located->prefix;
}

absl::Status RedisBookingRepository::PointHome(const char* kind, const std::string& id,
                                               const std::string& record_prefix, absl::Time expires,
                                               bool repoint) {
  const std::string& home = keys_.For(id);
  if (home == record_prefix) return absl::OkStatus();
  return redis_
      .Eval(PutStubScript(), {absl::StrCat(home, kind, ":", id)},
            {absl::StrCat(BucketOfPrefix(record_prefix)), Millis(expires), repoint ? "1" : "0"})
      .status();
}

absl::StatusOr<std::vector<DayUsage>> RedisBookingRepository::GetUsage(
    const std::vector<ResourceDay>& days, absl::Time now) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(days.size() * 2);
  const std::string live_from = absl::StrCat("(", absl::ToUnixMillis(now));
  for (const ResourceDay& day : days) {
    const std::string& prefix = keys_.For(day.resource_id);
    commands.push_back({"HGETALL", DayKey(prefix, "booked", day.resource_id, day.day)});
    commands.push_back(
        {"ZRANGEBYSCORE", DayKey(prefix, "holds", day.resource_id, day.day), live_from, "+inf"});
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

absl::Status RedisBookingRepository::ReleaseHold(const std::string& hold_id) {
  absl::StatusOr<Located> old = Locate("hold", hold_id);
  if (!old.ok()) return old.status();
  // Gone, or a booking now (the usual previous hold of a citizen booking
  // again): nothing to give back, and no script to run. The script checks
  // the same again, so a confirm racing this read changes nothing.
  if (old->fields.empty() || !old->fields["code"].empty()) return absl::OkStatus();
  return redis_
      .Eval(ReleaseHoldScript(), {absl::StrCat(old->prefix, "hold:", hold_id)},
            {old->prefix, hold_id})
      .status();
}

absl::Status RedisBookingRepository::PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                                             absl::Time now) {
  // The client's open hold is noted first, and the previous one read in the
  // same step (SET ... GET): one round trip for both. Noted before the hold is
  // written, like the citizen's index before a booking: a stop in between (or
  // a place taken meanwhile) leaves a note of a hold that does not exist,
  // which the next hold and the erasure skip; never a hold without its note
  // (which the erasure would not find).
  const std::string client_hold = absl::StrCat(keys_.Subject(hold.client), "client-hold");
  absl::StatusOr<redis::Reply> previous =
      redis_.Command({"SET", client_hold, hold.hold_id, "PXAT", Millis(hold.expires_at), "GET"});
  if (!previous.ok()) return previous.status();
  // The previous hold goes first (in its own bucket), so that it does not
  // stand in the way of the new one on the same place.
  if (!previous->str.empty() && previous->str != hold.hold_id) {
    STADT_RETURN_IF_ERROR(ReleaseHold(previous->str));
  }
  const std::string& prefix = keys_.For(hold.resource_id);
  const absl::Time kept_until = hold.expires_at + absl::Milliseconds(kHoldRecordGraceMs);
  STADT_RETURN_IF_ERROR(PointHome("hold", hold.hold_id, prefix, kept_until, /*repoint=*/false));
  std::vector<std::string> args = {Millis(now),
                                   hold.hold_id,
                                   absl::StrCat(hold.start_bucket),
                                   absl::StrCat(hold.buckets),
                                   Millis(hold.expires_at),
                                   prefix,
                                   hold.client,
                                   hold.resource_id,
                                   hold.day,
                                   absl::StrJoin(hold.service_ids, ","),
                                   Millis(hold.start),
                                   Millis(hold.end)};
  AppendCapacity(capacity, &args);
  return redis_
      .Eval(PutHoldScript(),
            {DayKey(prefix, "booked", hold.resource_id, hold.day),
             DayKey(prefix, "holds", hold.resource_id, hold.day),
             absl::StrCat(prefix, "hold:", hold.hold_id)},
            args)
      .status();
}

absl::StatusOr<HoldRecord> RedisBookingRepository::GetHold(const std::string& hold_id) {
  absl::StatusOr<Located> located = Locate("hold", hold_id);
  if (!located.ok()) return located.status();
  std::map<std::string, std::string>& fields = located->fields;
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
  absl::StatusOr<Located> located = Locate("hold", hold_id);
  if (!located.ok()) return located.status();
  if (located->fields.empty()) {
    return Refusal(absl::StatusCode::kNotFound, "hold_not_found", "hold not found");
  }
  const std::string& prefix = located->prefix;
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      AwaitEmailScript(), {absl::StrCat(prefix, "hold:", hold_id), absl::StrCat(prefix, "outbox")},
      {Millis(now), hold_id, client, prefix, Millis(until), pending.token_hash,
       pending.sealed_contact, pending.attributes, pending.sealed_link_token});
  if (!reply.ok()) return reply.status();
  if (reply->integer > 0) {
    // The client's open hold, kept as long (a new hold releases it).
    STADT_RETURN_IF_ERROR(redis_
                              .Command({"SET", absl::StrCat(keys_.Subject(client), "client-hold"),
                                        hold_id, "PXAT", absl::StrCat(reply->integer)})
                              .status());
  }
  return GetHold(hold_id);
}

std::vector<std::vector<std::string>> RedisBookingRepository::IndexForSubjectCommands(
    const std::string& subject, const std::string& code, const std::string& hold_id,
    absl::Time delete_after) const {
  const std::string index = absl::StrCat(keys_.Subject(subject), "subject");
  const std::string until = Millis(delete_after);
  // NX gives a new index its expiry, GT raises an older one's (never lowers):
  // one round trip, no read of the expiry first.
  return {{"SADD", index, absl::StrCat("b:", code), absl::StrCat("h:", hold_id)},
          {"PEXPIREAT", index, until, "NX"},
          {"PEXPIREAT", index, until, "GT"}};
}

absl::StatusOr<std::string> RedisBookingRepository::ConfirmHold(const std::string& hold_id,
                                                                const BookingRecord& booking,
                                                                const PersonLimits& limits,
                                                                absl::Time now,
                                                                absl::Time delete_after) {
  // Read once: the take runs in the bucket found here.
  absl::StatusOr<Located> hold = Locate("hold", hold_id);
  if (!hold.ok()) return hold.status();
  if (hold->fields.empty() || hold->fields["client"] != booking.client) {
    return Refusal(absl::StatusCode::kNotFound, "hold_not_found", "hold not found");
  }
  // The persons count what the hold books; a hold that became a booking
  // already (a retry) was counted then.
  BookingRecord placed = booking;
  placed.start = FromMillis(hold->fields["start_ms"]);
  placed.service_ids = SplitCsv(hold->fields["services"]);
  const bool fresh = hold->fields["code"].empty();
  if (fresh) {
    // The citizen's index first (sent with the persons' reads, before any
    // reservation): a stop after it leaves an entry without a booking, which
    // readers skip; never a booking the erasure cannot find.
    std::vector<std::vector<std::string>> index;
    if (booking.booked_by.empty()) {
      index = IndexForSubjectCommands(booking.client, booking.code, hold_id, delete_after);
    }
    STADT_RETURN_IF_ERROR(ReserveAll(hold_id, placed, limits, now, delete_after, index));
  }
  absl::StatusOr<std::string> code = TakeLocated(*hold, hold_id, placed, now, delete_after);
  if (!code.ok()) {
    // A code clash is retried with a new code under the same reservations; a
    // reply lost on the way (UNAVAILABLE) may hide a booking: left to expire.
    const absl::StatusCode failure = code.status().code();
    if (failure != absl::StatusCode::kAlreadyExists && failure != absl::StatusCode::kUnavailable) {
      ReleasePersons(SplitCsv(placed.person_key), hold_id, placed.service_ids);
    }
    return code.status();
  }
  if (fresh && *code == placed.code) {
    // This take wrote the booking from `placed` (the hold had none, and the
    // script answers a hold's earlier code before writing): no read needed.
    placed.code = *code;
    STADT_RETURN_IF_ERROR(CommitPersons(hold_id, placed, delete_after));
    return code;
  }
  // A retry: the booking as stored (perhaps moved since) is what counts.
  absl::StatusOr<BookingRecord> stored = GetBooking(*code);
  if (!stored.ok()) return stored.status();
  STADT_RETURN_IF_ERROR(CommitPersons(hold_id, *stored, delete_after));
  return code;
}

absl::Status RedisBookingRepository::ReservePersons(const std::string& hold_id,
                                                    const BookingRecord& booking,
                                                    const PersonLimits& limits, absl::Time now,
                                                    absl::Time delete_after) {
  return ReserveAll(hold_id, booking, limits, now, delete_after, {});
}

absl::Status RedisBookingRepository::ReserveAll(const std::string& hold_id,
                                                const BookingRecord& booking,
                                                const PersonLimits& limits, absl::Time now,
                                                absl::Time delete_after,
                                                std::vector<std::vector<std::string>> first) {
  const std::vector<std::string> persons = SplitCsv(booking.person_key);
  absl::StatusOr<std::vector<PersonCount>> counts =
      ReadPersonCounts(persons, hold_id, now, std::move(first));
  if (!counts.ok()) return counts.status();
  absl::StatusOr<std::map<std::string, OfficeCheck>> verdicts = CheckInOffices(*counts);
  if (!verdicts.ok()) return verdicts.status();
  std::vector<std::string> reserved;
  for (size_t i = 0; i < persons.size(); ++i) {
    absl::Status status = ReservePerson(persons[i], hold_id, booking, (*counts)[i], *verdicts,
                                        limits, now, delete_after);
    if (!status.ok()) {
      if (status.code() != absl::StatusCode::kUnavailable) {
        ReleasePersons(reserved, hold_id, booking.service_ids);
      }
      return status;
    }
    reserved.push_back(persons[i]);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RedisBookingRepository::PersonCount>>
RedisBookingRepository::ReadPersonCounts(const std::vector<std::string>& persons,
                                         const std::string& hold_id, absl::Time now,
                                         std::vector<std::vector<std::string>> first) {
  const size_t skip = first.size();
  std::vector<std::vector<std::string>> commands = std::move(first);
  for (const std::string& person : persons) {
    const std::string at = keys_.Person(person);
    commands.push_back({"HGETALL", absl::StrCat(at, "resv")});
    commands.push_back({"ZRANGEBYSCORE", absl::StrCat(at, "person"), Millis(now), "+inf"});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<PersonCount> counts(persons.size());
  for (size_t i = 0; i < persons.size(); ++i) {
    for (const auto& [held, record] : ToMap((*replies)[skip + 2 * i])) {
      std::vector<std::string> parts = absl::StrSplit(record, '|');
      if (held == hold_id || parts.size() != 3 || FromMillis(parts[0]) > now) continue;
      counts[i].expired.push_back({held, SplitCsv(parts[2])});
    }
    for (const redis::Reply& member : (*replies)[skip + 2 * i + 1].elements) {
      if (!member.str.starts_with("r:")) counts[i].bookings.push_back(member.str);
    }
  }
  return counts;
}

absl::StatusOr<std::map<std::string, RedisBookingRepository::OfficeCheck>>
RedisBookingRepository::CheckInOffices(const std::vector<PersonCount>& counts) {
  // Each entry once, though several person keys may count it.
  std::map<std::string, OfficeCheck> verdicts;  // by "r:<hold>" or code
  std::vector<std::string> entries;
  std::vector<std::vector<std::string>> commands;
  auto check = [&](const std::string& entry, std::vector<std::string> command) {
    if (!verdicts.emplace(entry, OfficeCheck{}).second) return;
    entries.push_back(entry);
    commands.push_back(std::move(command));
  };
  for (const PersonCount& count : counts) {
    for (const auto& [held, services] : count.expired) {
      check(absl::StrCat("r:", held),
            {"HMGET", absl::StrCat(keys_.For(held), "hold:", held), "at", "code"});
    }
    for (const std::string& code : count.bookings) {
      check(code, {"HMGET", absl::StrCat(keys_.For(code), "booking:", code), "at", "code", "status",
                   "start_ms", "services"});
    }
  }
  if (commands.empty()) return verdicts;
  // One round trip for every record found in its id's own bucket (the usual
  // case: ids are drawn to fit their resource); a stub is followed one by one.
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::vector<redis::Reply>& field = (*replies)[i].elements;
    const bool is_hold = entries[i].starts_with("r:");
    std::map<std::string, std::string> fields;
    if (field.size() >= 2 && !field[0].IsNil()) {
      absl::StatusOr<Located> located =
          is_hold ? Locate("hold", entries[i].substr(2)) : Locate("booking", entries[i]);
      if (!located.ok()) return located.status();
      fields = std::move(located->fields);
    } else if (is_hold && field.size() == 2) {
      fields["code"] = field[1].str;
    } else if (field.size() == 5 && !field[1].IsNil()) {
      fields = {{"status", field[2].str}, {"start_ms", field[3].str}, {"services", field[4].str}};
    }
    OfficeCheck& checked = verdicts[entries[i]];
    if (is_hold) {
      checked.verdict = fields["code"];
    } else {
      checked.verdict = fields["status"] == "confirmed" ? fields["start_ms"] : "";
      checked.services = SplitCsv(fields["services"]);
    }
  }
  return verdicts;
}

absl::Status RedisBookingRepository::ReservePerson(
    const std::string& person, const std::string& hold_id, const BookingRecord& booking,
    const PersonCount& count, const std::map<std::string, OfficeCheck>& verdicts,
    const PersonLimits& limits, absl::Time now, absl::Time delete_after) {
  const std::string at = keys_.Person(person);
  // What the person's slot cannot know, read in the office slots
  // (CheckInOffices): whether an expired reservation's hold became a booking,
  // and whether a booking it counts was cancelled or moved since (a step
  // between slots that never ran).
  std::set<std::string> services = SetOf(booking.service_ids);
  std::vector<std::string> checked;
  for (const auto& [held, held_services] : count.expired) {
    const std::string entry = absl::StrCat("r:", held);
    checked.insert(checked.end(), {entry, verdicts.at(entry).verdict});
    services.insert(held_services.begin(), held_services.end());
  }
  for (const std::string& code : count.bookings) {
    const OfficeCheck& office = verdicts.at(code);
    checked.insert(checked.end(), {code, office.verdict});
    services.insert(office.services.begin(), office.services.end());
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
  absl::StatusOr<Located> hold = Locate("hold", hold_id);
  if (!hold.ok()) return hold.status();
  return TakeLocated(*hold, hold_id, booking, now, delete_after);
}

absl::StatusOr<std::string> RedisBookingRepository::TakeLocated(Located& hold,
                                                                const std::string& hold_id,
                                                                const BookingRecord& booking,
                                                                absl::Time now,
                                                                absl::Time delete_after) {
  if (hold.fields.empty()) {
    return Refusal(absl::StatusCode::kNotFound, "hold_not_found", "hold not found");
  }
  const std::string& prefix = hold.prefix;
  if (hold.fields["code"].empty()) {
    STADT_RETURN_IF_ERROR(PointHome("booking", booking.code, prefix, delete_after, false));
  }
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      ConfirmScript(),
      {absl::StrCat(prefix, "hold:", hold_id), absl::StrCat(prefix, "booking:", booking.code),
       absl::StrCat(prefix, "outbox")},
      {Millis(now), hold_id, booking.client, prefix, booking.code, "", "", Millis(delete_after),
       booking.token_nonce, booking.token_hash, booking.sealed_contact, booking.person_key,
       Millis(booking.remind_at), booking.attributes, booking.booked_by});
  if (!reply.ok()) return reply.status();
  return reply->str;
}

absl::Status RedisBookingRepository::CommitPersons(const std::string& hold_id,
                                                   const BookingRecord& record,
                                                   absl::Time delete_after) {
  for (const std::string& person : SplitCsv(record.person_key)) {
    const std::string at = keys_.Person(person);
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
    const std::string at = keys_.Person(person);
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
    const std::string at = keys_.Person(person);
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
    const std::string at = keys_.Person(person);
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
  absl::StatusOr<Located> located = Locate("booking", code);
  if (!located.ok()) return located.status();
  if (located->fields.empty()) {
    return Refusal(absl::StatusCode::kNotFound, "booking_not_found", "no such booking");
  }
  return BookingFromFields(std::move(located->fields));
}

absl::StatusOr<std::vector<std::string>> RedisBookingRepository::DayBookings(
    const ResourceDay& day) {
  absl::StatusOr<redis::Reply> reply = redis_.Command(
      {"ZRANGE", DayKey(keys_.For(day.resource_id), "day", day.resource_id, day.day), "0", "-1"});
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
  absl::StatusOr<std::string> prefix = RecordPrefix(code);
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      CancelScript(), {absl::StrCat(*prefix, "booking:", code), absl::StrCat(*prefix, "outbox")},
      {Millis(now), *prefix, options_.check_in_closes_booking ? "1" : "0", cause.kind,
       cause.reference, cause.reason});
  if (!reply.ok()) return reply.status();
  return GetBooking(code);
}

absl::StatusOr<int> RedisBookingRepository::EmitDueReminders(absl::Time now, int max) {
  int sent = 0;
  for (const std::string& prefix : keys_.Buckets()) {
    if (sent >= max) break;
    absl::StatusOr<redis::Reply> reply = redis_.Eval(
        RemindersScript(), {absl::StrCat(prefix, "reminders"), absl::StrCat(prefix, "outbox")},
        {Millis(now), absl::StrCat(max - sent), prefix});
    if (!reply.ok()) return reply.status();
    sent += static_cast<int>(reply->integer);
  }
  return sent;
}

absl::StatusOr<int> RedisBookingRepository::RequestLinks(const std::string& person_key,
                                                         const std::string& request_id,
                                                         const std::string& sealed_contact,
                                                         absl::Time now,
                                                         absl::Duration min_interval) {
  // The person's own slot lists the active bookings (reservations aside).
  const std::string person = keys_.Person(person_key);
  absl::StatusOr<redis::Reply> active = redis_.Command(
      {"ZRANGEBYSCORE", absl::StrCat(person, "person"), Millis(now), "+inf", "LIMIT", "0", "20"});
  if (!active.ok()) return active.status();
  boost::json::array bookings;
  for (const redis::Reply& member : active->elements) {
    if (member.str.starts_with("r:")) continue;
    absl::StatusOr<Located> located = Locate("booking", member.str);
    if (!located.ok()) return located.status();
    std::map<std::string, std::string>& booking = located->fields;
    if (booking["status"] != "confirmed" || FromMillis(booking["start_ms"]) < now) continue;
    bookings.push_back(boost::json::object{{"code", member.str},
                                           {"nonce", booking["nonce"]},
                                           {"office", booking["office"]},
                                           {"start_ms", booking["start_ms"]},
                                           {"end_ms", booking["end_ms"]},
                                           {"services", booking["services"]},
                                           {"contact", Hex(booking["contact"])}});
  }
  if (bookings.empty()) return 0;
  // Once per interval: the marker first; a stop before the event costs this
  // one mail (the citizen may ask again after the interval), never two.
  absl::StatusOr<redis::Reply> marked =
      redis_.Command({"SET", absl::StrCat(person, "resend"), "1", "NX", "PX",
                      absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(min_interval)))});
  if (!marked.ok()) return marked.status();
  if (marked->type == redis::Reply::Type::kNil) return 0;
  STADT_RETURN_IF_ERROR(
      redis_
          .Command({"XADD", absl::StrCat(keys_.For(person_key), "outbox"), "*", "type",
                    "booking.links_requested", "request", request_id, "contact", sealed_contact,
                    "bookings", boost::json::serialize(bookings)})
          .status());
  return static_cast<int>(bookings.size());
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
  absl::StatusOr<Located> from = Locate("booking", code);
  if (!from.ok()) return from.status();
  if (from->fields.empty()) {
    return Refusal(absl::StatusCode::kNotFound, "booking_not_found", "no such booking");
  }
  if (keys_.For(moved.resource_id) != from->prefix) {
    return MoveAcrossBuckets(*from, code, moved, capacity, now, delete_after, cause);
  }
  const std::string& prefix = from->prefix;
  std::vector<std::string> args = {Millis(now),
                                   prefix,
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
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      MoveScript(), {absl::StrCat(prefix, "booking:", code), absl::StrCat(prefix, "outbox")}, args);
  if (!reply.ok()) return reply.status();
  absl::StatusOr<BookingRecord> stored = GetBooking(code);
  if (!stored.ok()) return stored.status();
  STADT_RETURN_IF_ERROR(MoveInPersons(*stored));
  if (stored->booked_by.empty() && !stored->client.empty()) {
    STADT_RETURN_IF_ERROR(ExtendSubject(stored->client, delete_after));
  }
  return stored;
}

absl::StatusOr<BookingRecord> RedisBookingRepository::MoveAcrossBuckets(
    const Located& from, const std::string& code, const BookingRecord& moved,
    const SlotCapacity& capacity, absl::Time now, absl::Time delete_after,
    const ChangeCause& cause) {
  std::map<std::string, std::string> record = from.fields;
  if (record["status"] != "confirmed") {
    return Refusal(absl::StatusCode::kFailedPrecondition, "booking_cancelled",
                   "the booking is cancelled");
  }
  const std::string seq = record.count("seq") != 0 ? record["seq"] : "0";
  const std::string& to = keys_.For(moved.resource_id);
  record["office"] = moved.resource_id;
  record["day"] = moved.day;
  record["first"] = absl::StrCat(moved.start_bucket);
  record["count"] = absl::StrCat(moved.buckets);
  record["start_ms"] = Millis(moved.start);
  record["end_ms"] = Millis(moved.end);
  record["delete_after"] = Millis(delete_after);
  record["remind_at"] = Millis(moved.remind_at);
  record["cause"] = cause.kind;
  record["cause_ref"] = cause.reference;
  record["cause_reason"] = cause.reason;
  record.erase("at");
  const std::string member = absl::StrCat("mv-", code, ":", moved.start_bucket, ":", moved.buckets);
  // 1. The new bucket takes the new place as a hold and keeps the record. The
  // hold lasts until the appointment ends (and the staged record until the
  // booking's retention), not a few seconds: if the mover stops after step 2,
  // the booking lives only in the staged record and the held place until a
  // reader completes step 3, which may come days later. A stop after step 1
  // keeps the new place taken until a retry or the appointment's end: one
  // place too few for a while, never one booking too many or one lost.
  const absl::Time hold_until = std::max(moved.end, now + kMoveHoldTtl);
  std::vector<std::string> args = {Millis(now), member, Millis(hold_until),
                                   absl::StrCat(record.size())};
  for (const auto& [field, value] : record) args.insert(args.end(), {field, value});
  AppendCapacity(capacity, &args);
  STADT_RETURN_IF_ERROR(redis_
                            .Eval(MoveInScript(),
                                  {DayKey(to, "booked", moved.resource_id, moved.day),
                                   DayKey(to, "holds", moved.resource_id, moved.day),
                                   absl::StrCat(to, "moving:", code)},
                                  args)
                            .status());
  if (stop_moves_after_ == 1) return absl::UnavailableError("stopped after step 1 (test)");
  // 2. The old bucket gives its place back and points at the new one.
  absl::Status out =
      redis_
          .Eval(MoveOutScript(), {absl::StrCat(from.prefix, "booking:", code)},
                {from.prefix, absl::StrCat(BucketOfPrefix(to)), Millis(delete_after), seq})
          .status();
  if (!out.ok()) {
    // Nothing moved: the new place and the staged record go again.
    (void)redis_.Pipeline({{"ZREM", DayKey(to, "holds", moved.resource_id, moved.day), member},
                           {"DEL", absl::StrCat(to, "moving:", code)}});
    return out;
  }
  // The code's own bucket points straight at the new one (else through the old).
  for (const std::string& stub : from.stubs) {
    if (stub != to) {
      STADT_RETURN_IF_ERROR(redis_
                                .Eval(PutStubScript(), {absl::StrCat(stub, "booking:", code)},
                                      {absl::StrCat(BucketOfPrefix(to)), Millis(delete_after), "1"})
                                .status());
    }
  }
  if (stop_moves_after_ == 2) return absl::UnavailableError("stopped after step 2 (test)");
  // 3. The new bucket makes it the booking.
  STADT_RETURN_IF_ERROR(SettleMove(to, code, now));
  absl::StatusOr<BookingRecord> stored = GetBooking(code);
  if (!stored.ok()) return stored.status();
  STADT_RETURN_IF_ERROR(MoveInPersons(*stored));
  if (stored->booked_by.empty() && !stored->client.empty()) {
    STADT_RETURN_IF_ERROR(ExtendSubject(stored->client, delete_after));
  }
  return stored;
}

absl::Status RedisBookingRepository::SettleMove(const std::string& prefix, const std::string& code,
                                                absl::Time now) {
  return redis_
      .Eval(MoveSettleScript(),
            {absl::StrCat(prefix, "booking:", code), absl::StrCat(prefix, "moving:", code),
             absl::StrCat(prefix, "outbox")},
            {Millis(now), prefix})
      .status();
}

absl::Status RedisBookingRepository::ExtendSubject(const std::string& subject,
                                                   absl::Time delete_after) {
  // The citizen's index lives as long as their latest booking.
  const std::string index = absl::StrCat(keys_.Subject(subject), "subject");
  absl::StatusOr<redis::Reply> expires = redis_.Command({"PEXPIRETIME", index});
  if (!expires.ok()) return expires.status();
  if (expires->integer < 0 || absl::FromUnixMillis(expires->integer) >= delete_after) {
    return absl::OkStatus();  // no index (-2), or it lasts long enough
  }
  return redis_.Command({"PEXPIREAT", index, Millis(delete_after)}).status();
}

}  // namespace stadt::booking

namespace stadt::booking {

absl::StatusOr<std::vector<KeptBooking>> RedisBookingRepository::SubjectBookings(
    const std::string& subject) {
  absl::StatusOr<redis::Reply> members =
      redis_.Command({"SMEMBERS", absl::StrCat(keys_.Subject(subject), "subject")});
  if (!members.ok()) return members.status();
  std::vector<KeptBooking> kept;
  for (const redis::Reply& member : members->elements) {
    if (!member.str.starts_with("b:")) continue;
    const std::string code = member.str.substr(2);
    absl::StatusOr<Located> located = Locate("booking", code);
    if (!located.ok()) return located.status();
    // Gone (expired), never made (a stop before the take), or a code that
    // clashed with another citizen's: not theirs.
    if (located->fields.empty() || located->fields["client"] != subject) continue;
    absl::StatusOr<redis::Reply> expires =
        redis_.Command({"PEXPIRETIME", absl::StrCat(located->prefix, "booking:", code)});
    if (!expires.ok()) return expires.status();
    KeptBooking booking;
    booking.record = BookingFromFields(std::move(located->fields));
    if (expires->integer > 0) booking.delete_after = absl::FromUnixMillis(expires->integer);
    kept.push_back(std::move(booking));
  }
  return kept;
}

absl::StatusOr<int> RedisBookingRepository::EraseSubject(const std::string& subject,
                                                         absl::Time now) {
  const std::string at = keys_.Subject(subject);
  absl::StatusOr<std::vector<redis::Reply>> index = redis_.Pipeline(
      {{"SMEMBERS", absl::StrCat(at, "subject")}, {"GET", absl::StrCat(at, "client-hold")}});
  if (!index.ok()) return index.status();
  std::vector<std::string> items;
  for (const redis::Reply& member : (*index)[0].elements) items.push_back(member.str);
  if (!(*index)[1].str.empty()) items.push_back(absl::StrCat("h:", (*index)[1].str));
  // Each record is erased in the bucket that keeps it, its stubs in theirs
  // (with the outbox events there that name it).
  std::map<std::string, std::vector<std::string>> by_bucket;
  for (const std::string& item : items) {
    const bool booking = item.starts_with("b:");
    const std::string id = item.substr(2);
    absl::StatusOr<Located> located = Locate(booking ? "booking" : "hold", id);
    if (!located.ok()) return located.status();
    if (located->fields.empty() || located->fields["client"] != subject) continue;
    by_bucket[located->prefix].push_back(item);
    for (const std::string& stub : located->stubs) by_bucket[stub].push_back(item);
  }
  int erased = 0;
  for (const auto& [prefix, bucket_items] : by_bucket) {
    std::vector<std::string> args = {Millis(now), prefix, absl::StrJoin(erase_with_, ","),
                                     absl::StrJoin(forget_code_in_, ",")};
    args.insert(args.end(), bucket_items.begin(), bucket_items.end());
    absl::StatusOr<redis::Reply> reply =
        redis_.Eval(EraseRecordsScript(), {absl::StrCat(prefix, "outbox")}, args);
    if (!reply.ok()) return reply.status();
    if (reply->elements.size() != 2) return absl::InternalError("unexpected erasure reply");
    erased += static_cast<int>(reply->elements[0].integer);
    // Then the persons' slots: the erased bookings count no more.
    const std::vector<redis::Reply>& gone = reply->elements[1].elements;
    for (size_t i = 0; i + 2 < gone.size(); i += 3) {
      STADT_RETURN_IF_ERROR(
          DropFromPersons(gone[i].str, gone[i + 1].str, SplitCsv(gone[i + 2].str)));
    }
  }
  STADT_RETURN_IF_ERROR(
      redis_.Command({"DEL", absl::StrCat(at, "subject"), absl::StrCat(at, "client-hold")})
          .status());
  return erased;
}

absl::Status RefuseBookingsOfOldLayout(redis::Client& redis, const std::string& old_prefix) {
  absl::StatusOr<std::vector<std::string>> left =
      redis.ScanKeys(absl::StrCat(old_prefix, "booking:*"));
  if (!left.ok()) return left.status();
  if (left->empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(left->size(), " bookings are kept under the old key layout ", old_prefix,
                   " which this version does not read; drain or move them first "
                   "(docs/redis-cluster.md, \"Existing data\")"));
}

}  // namespace stadt::booking
