#include "services/appointments/store/redis_counter_repository.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/appointments/store/lua/scripts.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/booking/store/lua/scripts.h"
#include "services/common/strings.h"

namespace stadt::appointments {
namespace {

using booking::kBookingPreludeLua;

constexpr int64_t kQueueKeyLifetimeMs = 2 * 24 * 60 * 60 * 1000;
// More tickets than an office hands out in a day are not listed.
constexpr int kMaxTicketsPerDay = 5000;

// The office's bucket: its counter day beside its bookings.
const std::string& Prefix(const booking::ResourceDay& day) {
  return AppointmentKeys().For(day.resource_id);
}
std::string DayKey(const char* kind, const booking::ResourceDay& day) {
  return absl::StrCat(Prefix(day), kind, ":", day.resource_id, ":", day.day);
}
// A booking at this office is kept in the office's bucket.
std::string BookingKey(const booking::ResourceDay& day, const std::string& code) {
  return absl::StrCat(Prefix(day), "booking:", code);
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

// KEYS: present, display, display-version. ARGV: prefix, office, day, counter, now, lifetime.
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

// KEYS: ticket, present, display, display-version.
// ARGV: prefix, queue number, counter, now, lifetime.
const redis::Script& RecallScript() {
  static const redis::Script* script = new redis::Script(std::string(kRecallTicketLua));
  return *script;
}

// KEYS: ticket, present. ARGV: prefix, queue number.
const redis::Script& ParkScript() {
  static const redis::Script* script = new redis::Script(std::string(kParkTicketLua));
  return *script;
}

// KEYS: ticket, present, outbox. ARGV: prefix, office, queue number, now.
const redis::Script& CancelTicketScript() {
  static const redis::Script* script = new redis::Script(std::string(kCancelTicketLua));
  return *script;
}

std::string TicketKey(const booking::ResourceDay& day, int queue_number) {
  return absl::StrCat(Prefix(day), "ticket:", day.resource_id, ":", day.day, ":", queue_number);
}

VisitState StateFromText(const std::string& text) {
  if (text == "waiting") return VisitState::kWaiting;
  if (text == "called") return VisitState::kCalled;
  if (text == "completed") return VisitState::kCompleted;
  if (text == "no_show") return VisitState::kNoShow;
  if (text == "parked") return VisitState::kParked;
  if (text == "cancelled") return VisitState::kCancelled;
  return VisitState::kExpected;
}

// Milliseconds as stored; absent or unreadable: never (InfinitePast).
absl::Time TimeOrNever(const std::string& millis) {
  int64_t ms = 0;
  if (millis.empty() || !absl::SimpleAtoi(millis, &ms)) return absl::InfinitePast();
  return absl::FromUnixMillis(ms);
}

absl::StatusOr<Ticket> TicketFromReply(const absl::StatusOr<redis::Reply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 6) return absl::InternalError("unexpected ticket reply");
  Ticket ticket;
  ticket.queue_number = static_cast<int>(reply->elements[0].integer);
  ticket.booking_code = reply->elements[1].str;
  ticket.state = StateFromText(reply->elements[2].str);
  ticket.counter = reply->elements[3].str;
  ticket.issued_at = TimeOrNever(reply->elements[4].str);
  ticket.called_at = TimeOrNever(reply->elements[5].str);
  return ticket;
}

// What a ticket adds to its line of the day list.
struct TicketTimes {
  std::string counter;
  absl::Time checked_in_at = absl::InfinitePast();
  absl::Time called_at = absl::InfinitePast();

  void AddTo(DayAppointment& appointment) const {
    appointment.counter = counter;
    appointment.checked_in_at = checked_in_at;
    appointment.called_at = called_at;
  }
};

std::string Lifetime() { return absl::StrCat(kQueueKeyLifetimeMs); }
std::string Millis(absl::Time time) { return absl::StrCat(absl::ToUnixMillis(time)); }
std::string Outbox(const booking::ResourceDay& day) { return absl::StrCat(Prefix(day), "outbox"); }

}  // namespace

const booking::BookingKeys& AppointmentKeys() {
  static const booking::BookingKeys* keys =
      new booking::BookingKeys(booking::BookingKeys::Spread("appt"));
  return *keys;
}

absl::StatusOr<DayList> RedisCounterRepository::ListDay(const booking::ResourceDay& day) {
  absl::StatusOr<std::vector<redis::Reply>> index =
      redis_.Pipeline({{"ZRANGE", DayKey("day", day), "0", "-1"},
                       {"GET", DayKey("no-shows", day)},
                       {"GET", DayKey("ticket-seq", day)}});
  if (!index.ok()) return index.status();
  DayList list;
  // Absent or unreadable numbers count as 0 (no no-shows yet, no ticket drawn).
  if (!absl::SimpleAtoi((*index)[1].str, &list.no_shows)) list.no_shows = 0;
  int tickets = 0;
  if (!absl::SimpleAtoi((*index)[2].str, &tickets)) tickets = 0;
  tickets = std::clamp(tickets, 0, kMaxTicketsPerDay);
  const std::vector<redis::Reply>& codes = (*index)[0].elements;
  std::vector<std::vector<std::string>> reads;
  reads.reserve(codes.size() + static_cast<size_t>(tickets));
  for (const redis::Reply& code : codes) {
    reads.push_back({"HMGET", BookingKey(day, code.str), "start_ms", "services", "status", "visit",
                     "ticket", "contact"});
  }
  for (int n = 1; n <= tickets; ++n) {
    reads.push_back({"HMGET", TicketKey(day, n), "code", "state", "counter", "services",
                     "arrived_ms", "called_ms", "erased"});
  }
  if (reads.empty()) return list;
  absl::StatusOr<std::vector<redis::Reply>> records = redis_.Pipeline(reads);
  if (!records.ok()) return records.status();
  // Tickets: the counter and times of each, and the lines of tickets without
  // a booking: walk-ins, and booked visits whose citizen erased the booking
  // (listed without code or name, by arrival).
  std::map<int, TicketTimes> times;
  std::vector<DayAppointment> ticket_lines;
  for (int n = 1; n <= tickets; ++n) {
    const std::vector<redis::Reply>& fields = (*records)[codes.size() + n - 1].elements;
    if (fields.size() != 7 || fields[1].str.empty()) continue;  // expired
    const TicketTimes ticket = {fields[2].str, TimeOrNever(fields[4].str),
                                TimeOrNever(fields[5].str)};
    times[n] = ticket;
    if (!fields[0].str.empty()) continue;
    DayAppointment line;
    line.walk_in = fields[6].str.empty();
    line.queue_number = n;
    line.state = StateFromText(fields[1].str);
    line.service_ids = absl::StrSplit(fields[3].str, ',', absl::SkipEmpty());
    // Its start is the arrival (0 for a ticket without one).
    line.start =
        ticket.checked_in_at == absl::InfinitePast() ? absl::UnixEpoch() : ticket.checked_in_at;
    ticket.AddTo(line);
    ticket_lines.push_back(std::move(line));
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    const std::vector<redis::Reply>& fields = (*records)[i].elements;
    if (fields.size() != 6 || fields[2].str != "confirmed") continue;
    DayAppointment appointment;
    appointment.booking_code = codes[i].str;
    int64_t start_ms = 0;
    if (!absl::SimpleAtoi(fields[0].str, &start_ms)) start_ms = 0;
    appointment.start = absl::FromUnixMillis(start_ms);
    appointment.service_ids = absl::StrSplit(fields[1].str, ',', absl::SkipEmpty());
    appointment.state = StateFromText(fields[3].str);
    if (!absl::SimpleAtoi(fields[4].str, &appointment.queue_number)) appointment.queue_number = 0;
    if (auto it = times.find(appointment.queue_number); it != times.end()) {
      it->second.AddTo(appointment);
    }
    appointment.sealed_contact = fields[5].str;
    list.appointments.push_back(std::move(appointment));
  }
  std::vector<DayAppointment> merged;
  merged.reserve(list.appointments.size() + ticket_lines.size());
  std::merge(list.appointments.begin(), list.appointments.end(), ticket_lines.begin(),
             ticket_lines.end(), std::back_inserter(merged),
             [](const DayAppointment& a, const DayAppointment& b) { return a.start < b.start; });
  list.appointments = std::move(merged);
  return list;
}

absl::StatusOr<Ticket> RedisCounterRepository::CheckIn(const booking::ResourceDay& day,
                                                       const std::string& code, absl::Time now) {
  return TicketFromReply(redis_.Eval(
      CheckInScript(),
      {BookingKey(day, code), DayKey("present", day), DayKey("ticket-seq", day), Outbox(day)},
      {Millis(now), Prefix(day), day.resource_id, day.day, code, Lifetime()}));
}

absl::StatusOr<Ticket> RedisCounterRepository::WalkIn(const booking::ResourceDay& day,
                                                      const std::vector<std::string>& service_ids,
                                                      absl::Time now) {
  return TicketFromReply(
      redis_.Eval(WalkInScript(), {DayKey("present", day), DayKey("ticket-seq", day), Outbox(day)},
                  {Millis(now), Prefix(day), day.resource_id, day.day,
                   absl::StrJoin(service_ids, ","), Lifetime()}));
}

absl::StatusOr<std::optional<Ticket>> RedisCounterRepository::CallNext(
    const booking::ResourceDay& day, const std::string& counter, absl::Time now) {
  absl::StatusOr<Ticket> ticket = TicketFromReply(
      redis_.Eval(CallNextScript(),
                  {DayKey("present", day), DayKey("display", day), DayKey("display-version", day)},
                  {Prefix(day), day.resource_id, day.day, counter, Millis(now), Lifetime()}));
  if (!ticket.ok()) return ticket.status();
  if (ticket->queue_number == 0) return std::nullopt;
  return *ticket;
}

absl::StatusOr<Ticket> RedisCounterRepository::Recall(const booking::ResourceDay& day,
                                                      int queue_number, const std::string& counter,
                                                      absl::Time now) {
  return TicketFromReply(
      redis_.Eval(RecallScript(),
                  {TicketKey(day, queue_number), DayKey("present", day), DayKey("display", day),
                   DayKey("display-version", day)},
                  {Prefix(day), absl::StrCat(queue_number), counter, Millis(now), Lifetime()}));
}

absl::StatusOr<Ticket> RedisCounterRepository::Park(const booking::ResourceDay& day,
                                                    int queue_number) {
  return TicketFromReply(redis_.Eval(ParkScript(),
                                     {TicketKey(day, queue_number), DayKey("present", day)},
                                     {Prefix(day), absl::StrCat(queue_number)}));
}

absl::StatusOr<Ticket> RedisCounterRepository::CancelTicket(const booking::ResourceDay& day,
                                                            int queue_number, absl::Time now) {
  return TicketFromReply(redis_.Eval(
      CancelTicketScript(), {TicketKey(day, queue_number), DayKey("present", day), Outbox(day)},
      {Prefix(day), day.resource_id, absl::StrCat(queue_number), Millis(now)}));
}

absl::StatusOr<CallBoard> RedisCounterRepository::Board(const booking::ResourceDay& day, int max) {
  absl::StatusOr<std::vector<redis::Reply>> replies =
      redis_.Pipeline({{"GET", DayKey("display-version", day)},
                       {"LRANGE", DayKey("display", day), "0", absl::StrCat(max - 1)}});
  if (!replies.ok()) return replies.status();
  CallBoard board;
  if (!absl::SimpleAtoi((*replies)[0].str, &board.version)) board.version = 0;
  for (const redis::Reply& entry : (*replies)[1].elements) {
    std::vector<std::string> parts = absl::StrSplit(entry.str, '|');
    DisplayCall call;
    int64_t at_ms = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &call.queue_number) ||
        !absl::SimpleAtoi(parts[2], &at_ms)) {
      continue;
    }
    call.counter = parts[1];
    call.called_at = absl::FromUnixMillis(at_ms);
    board.calls.push_back(std::move(call));
  }
  return board;
}

absl::StatusOr<Ticket> RedisCounterRepository::Complete(const booking::ResourceDay& day,
                                                        int queue_number) {
  absl::StatusOr<Ticket> ticket =
      TicketFromReply(redis_.Eval(CompleteScript(), {TicketKey(day, queue_number), Outbox(day)},
                                  {Prefix(day), day.resource_id}));
  if (ticket.ok()) ticket->queue_number = queue_number;
  return ticket;
}

absl::StatusOr<DayAppointment> RedisCounterRepository::MarkNoShow(const booking::ResourceDay& day,
                                                                  const std::string& code,
                                                                  absl::Time now) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(NoShowScript(), {BookingKey(day, code), DayKey("no-shows", day), Outbox(day)},
                  {day.resource_id, day.day, Lifetime(), Millis(now)});
  if (!reply.ok()) return reply.status();
  absl::StatusOr<DayList> list = ListDay(day);
  if (!list.ok()) return list.status();
  for (const DayAppointment& appointment : list->appointments) {
    if (appointment.booking_code == code) return appointment;
  }
  return booking::Refusal(absl::StatusCode::kNotFound, "booking_not_found",
                          "no such booking on this day");
}

}  // namespace stadt::appointments
