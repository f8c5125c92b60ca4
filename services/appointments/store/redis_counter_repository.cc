#include "services/appointments/store/redis_counter_repository.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/appointments/store/lua/scripts.h"
#include "services/common/booking/store/lua/scripts.h"
#include "services/common/strings.h"

namespace stadt::appointments {
namespace {

using booking::kBookingPreludeLua;

constexpr int64_t kQueueKeyLifetimeMs = 2 * 24 * 60 * 60 * 1000;

std::string DayKey(const char* kind, const booking::ResourceDay& day) {
  return absl::StrCat(kBookingPrefix, kind, ":", day.resource_id, ":", day.day);
}
std::string BookingKey(const std::string& code) {
  return absl::StrCat(kBookingPrefix, "booking:", code);
}

// Returns {queue number, booking code, state, counter} for every ticket op.
// KEYS: booking, present, ticket-seq, outbox. ARGV: now, prefix, office, day, code, lifetime.
const redis::Script& CheckInScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kCheckInLua)));
  return *script;
}

// KEYS: present, ticket-seq, outbox. ARGV: now, prefix, office, day, services, lifetime.
const redis::Script& WalkInScript() {
  static const redis::Script* script = new redis::Script(std::string(kWalkInLua));
  return *script;
}

// KEYS: present. ARGV: prefix, office, day, counter.
const redis::Script& CallNextScript() {
  static const redis::Script* script = new redis::Script(std::string(kCallNextLua));
  return *script;
}

// KEYS: ticket, outbox. ARGV: prefix, office.
const redis::Script& CompleteScript() {
  static const redis::Script* script = new redis::Script(std::string(kCompleteTicketLua));
  return *script;
}

// KEYS: booking, no-shows, outbox. ARGV: office, day, lifetime, now.
const redis::Script& NoShowScript() {
  static const redis::Script* script =
      new redis::Script(absl::StrCat(ToAbsl(kBookingPreludeLua), ToAbsl(kMarkNoShowLua)));
  return *script;
}

VisitState StateFromText(const std::string& text) {
  if (text == "waiting") return VisitState::kWaiting;
  if (text == "called") return VisitState::kCalled;
  if (text == "completed") return VisitState::kCompleted;
  if (text == "no_show") return VisitState::kNoShow;
  return VisitState::kExpected;
}

absl::StatusOr<Ticket> TicketFromReply(const absl::StatusOr<redis::Reply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 4) return absl::InternalError("unexpected ticket reply");
  Ticket ticket;
  ticket.queue_number = static_cast<int>(reply->elements[0].integer);
  ticket.booking_code = reply->elements[1].str;
  ticket.state = StateFromText(reply->elements[2].str);
  ticket.counter = reply->elements[3].str;
  return ticket;
}

std::string Lifetime() { return absl::StrCat(kQueueKeyLifetimeMs); }
std::string Millis(absl::Time time) { return absl::StrCat(absl::ToUnixMillis(time)); }
std::string Outbox() { return absl::StrCat(kBookingPrefix, "outbox"); }

}  // namespace

absl::StatusOr<DayList> RedisCounterRepository::ListDay(const booking::ResourceDay& day) {
  absl::StatusOr<std::vector<redis::Reply>> index = redis_.Pipeline(
      {{"ZRANGE", DayKey("day", day), "0", "-1"}, {"GET", DayKey("no-shows", day)}});
  if (!index.ok()) return index.status();
  DayList list;
  // Absent or unreadable numbers count as 0 (no no-shows yet, no ticket drawn).
  if (!absl::SimpleAtoi((*index)[1].str, &list.no_shows)) list.no_shows = 0;
  std::vector<std::vector<std::string>> reads;
  for (const redis::Reply& code : (*index)[0].elements) {
    reads.push_back(
        {"HMGET", BookingKey(code.str), "start_ms", "services", "status", "visit", "ticket"});
  }
  if (reads.empty()) return list;
  absl::StatusOr<std::vector<redis::Reply>> records = redis_.Pipeline(reads);
  if (!records.ok()) return records.status();
  for (size_t i = 0; i < records->size(); ++i) {
    const std::vector<redis::Reply>& fields = (*records)[i].elements;
    if (fields.size() != 5 || fields[2].str != "confirmed") continue;
    DayAppointment appointment;
    appointment.booking_code = (*index)[0].elements[i].str;
    int64_t start_ms = 0;
    if (!absl::SimpleAtoi(fields[0].str, &start_ms)) start_ms = 0;
    appointment.start = absl::FromUnixMillis(start_ms);
    appointment.service_ids = absl::StrSplit(fields[1].str, ',', absl::SkipEmpty());
    appointment.state = StateFromText(fields[3].str);
    if (!absl::SimpleAtoi(fields[4].str, &appointment.queue_number)) appointment.queue_number = 0;
    list.appointments.push_back(std::move(appointment));
  }
  return list;
}

absl::StatusOr<Ticket> RedisCounterRepository::CheckIn(const booking::ResourceDay& day,
                                                       const std::string& code, absl::Time now) {
  return TicketFromReply(
      redis_.Eval(CheckInScript(),
                  {BookingKey(code), DayKey("present", day), DayKey("ticket-seq", day), Outbox()},
                  {Millis(now), kBookingPrefix, day.resource_id, day.day, code, Lifetime()}));
}

absl::StatusOr<Ticket> RedisCounterRepository::WalkIn(const booking::ResourceDay& day,
                                                      const std::vector<std::string>& service_ids,
                                                      absl::Time now) {
  return TicketFromReply(redis_.Eval(WalkInScript(),
                                     {DayKey("present", day), DayKey("ticket-seq", day), Outbox()},
                                     {Millis(now), kBookingPrefix, day.resource_id, day.day,
                                      absl::StrJoin(service_ids, ","), Lifetime()}));
}

absl::StatusOr<Ticket> RedisCounterRepository::CallNext(const booking::ResourceDay& day,
                                                        const std::string& counter) {
  return TicketFromReply(redis_.Eval(CallNextScript(), {DayKey("present", day)},
                                     {kBookingPrefix, day.resource_id, day.day, counter}));
}

absl::StatusOr<Ticket> RedisCounterRepository::Complete(const booking::ResourceDay& day,
                                                        int queue_number) {
  absl::StatusOr<Ticket> ticket = TicketFromReply(redis_.Eval(
      CompleteScript(),
      {absl::StrCat(kBookingPrefix, "ticket:", day.resource_id, ":", day.day, ":", queue_number),
       Outbox()},
      {kBookingPrefix, day.resource_id}));
  if (ticket.ok()) ticket->queue_number = queue_number;
  return ticket;
}

absl::StatusOr<DayAppointment> RedisCounterRepository::MarkNoShow(const booking::ResourceDay& day,
                                                                  const std::string& code,
                                                                  absl::Time now) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(NoShowScript(), {BookingKey(code), DayKey("no-shows", day), Outbox()},
                  {day.resource_id, day.day, Lifetime(), Millis(now)});
  if (!reply.ok()) return reply.status();
  absl::StatusOr<DayList> list = ListDay(day);
  if (!list.ok()) return list.status();
  for (const DayAppointment& appointment : list->appointments) {
    if (appointment.booking_code == code) return appointment;
  }
  return absl::NotFoundError("no such booking on this day");
}

}  // namespace stadt::appointments
