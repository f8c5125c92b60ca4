#include "services/appointments/domain/counter_day.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/reason.h"

namespace stadt::appointments {
namespace {

constexpr size_t kMaxCounterName = 16;
constexpr int kMaxWalkInServices = 3;
constexpr int kMaxQueueNumber = 1000000;

bool IsCounterName(const std::string& name) {
  return !name.empty() && name.size() <= kMaxCounterName &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '-'; });
}

}  // namespace

absl::StatusOr<booking::ResourceDay> CounterDay::Day(const std::string& office_id,
                                                     const std::string& date) const {
  if (!booking::IsValidId(office_id))
    return WithReason(absl::InvalidArgumentError("office_id: invalid"), "invalid_office_id");
  if (!booking::IsValidIsoDate(date)) {
    return booking::Refusal(absl::StatusCode::kInvalidArgument, "invalid_date",
                            "date: expected YYYY-MM-DD");
  }
  return booking::ResourceDay{office_id, date};
}

// Arrivals, calls and walk-ins happen on the day itself, not ahead of time.
absl::StatusOr<booking::ResourceDay> CounterDay::Today(const std::string& office_id,
                                                       const std::string& date) const {
  absl::StatusOr<booking::ResourceDay> day = Day(office_id, date);
  if (!day.ok()) return day.status();
  if (date != booking::FormatDate(absl::ToCivilDay(clock_.Now(), zone_))) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "not_today",
                            "date: only today's queue can be changed");
  }
  return day;
}

absl::StatusOr<booking::ResourceDay> CounterDay::Ticketed(const std::string& office_id,
                                                          const std::string& date,
                                                          int queue_number) const {
  absl::StatusOr<booking::ResourceDay> day = Today(office_id, date);
  if (!day.ok()) return day.status();
  if (queue_number <= 0 || queue_number > kMaxQueueNumber) {
    return WithReason(absl::InvalidArgumentError("queue_number: must be positive"),
                      "invalid_queue_number");
  }
  return day;
}

absl::StatusOr<DayList> CounterDay::List(const std::string& office_id, const std::string& date) {
  absl::StatusOr<booking::ResourceDay> day = Day(office_id, date);
  if (!day.ok()) return day.status();
  absl::StatusOr<DayList> list = counters_.ListDay(*day);
  if (!list.ok() || contacts_ == nullptr) return list;
  for (DayAppointment& appointment : list->appointments) {
    if (appointment.walk_in || appointment.sealed_contact.empty()) continue;
    booking::BookingRecord record;
    record.code = appointment.booking_code;
    record.sealed_contact = appointment.sealed_contact;
    absl::StatusOr<booking::Contact> contact = contacts_->OpenContact(record);
    if (contact.ok()) appointment.citizen_name = contact->name;
  }
  return list;
}

absl::StatusOr<Ticket> CounterDay::CheckIn(const std::string& office_id, const std::string& date,
                                           const std::string& booking_code) {
  absl::StatusOr<booking::ResourceDay> day = Today(office_id, date);
  if (!day.ok()) return day.status();
  absl::StatusOr<booking::BookingRecord> booking = booking::FindBooking(bookings_, booking_code);
  if (booking.status().code() == absl::StatusCode::kNotFound) {
    return booking::Refusal(absl::StatusCode::kNotFound, "booking_not_found",
                            "no booking with this code at this office today");
  }
  if (!booking.ok()) return booking.status();
  return counters_.CheckIn(*day, booking->code, clock_.Now());
}

absl::StatusOr<Ticket> CounterDay::WalkIn(const std::string& office_id, const std::string& date,
                                          const std::vector<std::string>& service_ids) {
  absl::StatusOr<booking::ResourceDay> day = Today(office_id, date);
  if (!day.ok()) return day.status();
  if (service_ids.empty()) {
    return WithReason(absl::InvalidArgumentError("service_ids: at least one"),
                      "service_ids_missing");
  }
  if (static_cast<int>(service_ids.size()) > kMaxWalkInServices) {
    return WithReason(absl::InvalidArgumentError("service_ids: at most three"),
                      "too_many_services");
  }
  if (!std::all_of(service_ids.begin(), service_ids.end(), booking::IsValidId)) {
    return WithReason(absl::InvalidArgumentError("service_ids: contains an invalid id"),
                      "invalid_service_id");
  }
  absl::StatusOr<Office> office = catalog_.GetOffice(office_id);
  if (!office.ok()) return office.status();
  for (const std::string& id : service_ids) {
    if (std::find(office->service_ids.begin(), office->service_ids.end(), id) ==
        office->service_ids.end()) {
      return booking::Refusal(
          absl::StatusCode::kFailedPrecondition, "service_not_offered",
          absl::StrCat("service_ids: ", id, " wird hier nicht angeboten / is not offered here"));
    }
  }
  const absl::Time now = clock_.Now();
  const absl::CivilMinute local = absl::ToCivilMinute(now, zone_);
  const booking::DayPlan plan = PlanDay(*office, absl::CivilDay(local));
  const int bucket =
      static_cast<int>((local.hour() * 60 + local.minute()) / std::max(1, plan.slot_minutes));
  if (bucket >= static_cast<int>(plan.capacity.size()) || plan.capacity[bucket] == 0) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "office_closed",
                            "Das Amt ist jetzt geschlossen. / The office is closed now.");
  }
  return counters_.WalkIn(*day, service_ids, now);
}

absl::StatusOr<std::optional<Ticket>> CounterDay::CallNext(const std::string& office_id,
                                                           const std::string& date,
                                                           const std::string& counter) {
  absl::StatusOr<booking::ResourceDay> day = Today(office_id, date);
  if (!day.ok()) return day.status();
  if (!IsCounterName(counter)) {
    return WithReason(absl::InvalidArgumentError("counter: 1-16 letters, digits or '-'"),
                      "invalid_counter");
  }
  return counters_.CallNext(*day, counter, clock_.Now());
}

absl::StatusOr<Ticket> CounterDay::Recall(const std::string& office_id, const std::string& date,
                                          int queue_number, const std::string& counter) {
  absl::StatusOr<booking::ResourceDay> day = Ticketed(office_id, date, queue_number);
  if (!day.ok()) return day.status();
  if (!IsCounterName(counter)) {
    return WithReason(absl::InvalidArgumentError("counter: 1-16 letters, digits or '-'"),
                      "invalid_counter");
  }
  return counters_.Recall(*day, queue_number, counter, clock_.Now());
}

absl::StatusOr<Ticket> CounterDay::Park(const std::string& office_id, const std::string& date,
                                        int queue_number) {
  absl::StatusOr<booking::ResourceDay> day = Ticketed(office_id, date, queue_number);
  if (!day.ok()) return day.status();
  return counters_.Park(*day, queue_number);
}

absl::StatusOr<Ticket> CounterDay::CancelTicket(const std::string& office_id,
                                                const std::string& date, int queue_number) {
  absl::StatusOr<booking::ResourceDay> day = Ticketed(office_id, date, queue_number);
  if (!day.ok()) return day.status();
  return counters_.CancelTicket(*day, queue_number, clock_.Now());
}

absl::StatusOr<CallBoard> CounterDay::Board(const std::string& office_id, int64_t since) {
  if (!booking::IsValidId(office_id))
    return WithReason(absl::InvalidArgumentError("office_id: invalid"), "invalid_office_id");
  if (since < 0)
    return WithReason(absl::InvalidArgumentError("since: must not be negative"), "invalid_since");
  const std::string today = booking::FormatDate(absl::ToCivilDay(clock_.Now(), zone_));
  absl::StatusOr<CallBoard> board = counters_.Board({office_id, today}, kBoardCalls);
  if (!board.ok()) return board.status();
  board->date = today;
  board->changed = board->version != since;
  if (!board->changed) board->calls.clear();
  return board;
}

absl::StatusOr<Ticket> CounterDay::Complete(const std::string& office_id, const std::string& date,
                                            int queue_number) {
  absl::StatusOr<booking::ResourceDay> day = Day(office_id, date);
  if (!day.ok()) return day.status();
  if (queue_number <= 0)
    return WithReason(absl::InvalidArgumentError("queue_number: must be positive"),
                      "invalid_queue_number");
  return counters_.Complete(*day, queue_number);
}

absl::StatusOr<DayAppointment> CounterDay::MarkNoShow(const std::string& office_id,
                                                      const std::string& date,
                                                      const std::string& booking_code) {
  absl::StatusOr<booking::ResourceDay> day = Day(office_id, date);
  if (!day.ok()) return day.status();
  absl::StatusOr<booking::BookingRecord> booking = booking::FindBooking(bookings_, booking_code);
  if (!booking.ok()) return booking.status();
  if (booking->resource_id != office_id || booking->day != date) {
    return booking::Refusal(absl::StatusCode::kNotFound, "booking_not_found",
                            "no such booking on this day");
  }
  if (clock_.Now() < booking->start + no_show_grace_) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "no_show_too_early",
                            "the grace period after the appointment has not passed");
  }
  return counters_.MarkNoShow(*day, booking->code, clock_.Now());
}

}  // namespace stadt::appointments
