#include "services/appointments/domain/office_bookings.h"

#include <algorithm>
#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/booking/domain/free_slot_scan.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::appointments {
namespace {

constexpr size_t kMaxSearchOffices = 100;

absl::Status CheckServiceIds(const std::vector<std::string>& service_ids, int max) {
  if (service_ids.empty())
    return WithReason(absl::InvalidArgumentError("service_ids: at least one"),
                      "service_ids_missing");
  if (static_cast<int>(service_ids.size()) > max) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat("service_ids: at most ", max)),
                      "too_many_services");
  }
  std::set<std::string> seen;
  for (const std::string& id : service_ids) {
    if (!booking::IsValidId(id))
      return WithReason(absl::InvalidArgumentError("service_ids: contains an invalid id"),
                        "invalid_service_id");
    if (!seen.insert(id).second)
      return WithReason(absl::InvalidArgumentError("service_ids: duplicate"), "duplicate_service");
  }
  return absl::OkStatus();
}

bool Combinable(const ServiceType& a, const ServiceType& b) {
  return std::find(a.combinable_with.begin(), a.combinable_with.end(), b.id) !=
         a.combinable_with.end();
}

}  // namespace

std::vector<size_t> RanksOf(const std::vector<std::string_view>& ids) {
  std::vector<size_t> order(ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&ids](size_t a, size_t b) { return ids[a] < ids[b]; });
  std::vector<size_t> rank(ids.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const bool same_as_before = i > 0 && ids[order[i]] == ids[order[i - 1]];
    rank[order[i]] = same_as_before ? rank[order[i - 1]] : i;
  }
  return rank;
}

OfficeBookings::OfficeBookings(CatalogRepository& catalog, booking::BookingRepository& bookings,
                               const Clock& clock, booking::Calendar calendar,
                               const booking::BookingSecrets& secrets)
    : catalog_(catalog), core_(bookings, clock, calendar, secrets) {}

absl::StatusOr<std::vector<ServiceType>> OfficeBookings::ServicesFor(
    const std::vector<std::string>& service_ids) {
  STADT_RETURN_IF_ERROR(CheckServiceIds(service_ids, kMaxServicesPerAppointment));
  absl::StatusOr<std::vector<ServiceType>> services = catalog_.GetServices(service_ids);
  if (!services.ok()) return services.status();
  if (services->size() != service_ids.size()) {
    return booking::Refusal(absl::StatusCode::kNotFound, "service_unknown",
                            "service_ids: unknown service");
  }
  for (size_t i = 0; i < services->size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!Combinable((*services)[i], (*services)[j]) ||
          !Combinable((*services)[j], (*services)[i])) {
        return booking::Refusal(absl::StatusCode::kFailedPrecondition, "services_not_combinable",
                                "service_ids: these services cannot be combined");
      }
    }
  }
  return services;
}

absl::StatusOr<OfficeBookings::Appointment> OfficeBookings::Resolve(
    Office office, const std::vector<ServiceType>& services) {
  for (const ServiceType& service : services) {
    if (std::find(office.service_ids.begin(), office.service_ids.end(), service.id) ==
        office.service_ids.end()) {
      return booking::Refusal(
          absl::StatusCode::kFailedPrecondition, "service_not_offered",
          absl::StrCat("service_ids: ", service.id, " is not offered at this office"));
    }
  }
  Appointment appointment{std::move(office), 0, 0};
  for (const ServiceType& service : services) appointment.minutes += service.duration_minutes;
  appointment.buckets = booking::BucketsFor(appointment.minutes, appointment.office.slot_minutes);
  return appointment;
}

absl::StatusOr<OfficeBookings::Appointment> OfficeBookings::Resolve(
    const std::string& office_id, const std::vector<std::string>& service_ids) {
  absl::StatusOr<std::vector<ServiceType>> services = ServicesFor(service_ids);
  if (!services.ok()) return services.status();
  if (!booking::IsValidId(office_id))
    return WithReason(absl::InvalidArgumentError("office_id: invalid"), "invalid_office_id");
  absl::StatusOr<Office> office = catalog_.GetOffice(office_id);
  if (!office.ok()) return office.status();
  return Resolve(*std::move(office), *services);
}

absl::StatusOr<std::vector<Office>> OfficeBookings::OfficesFor(const SearchQuery& query) {
  if (query.language.empty()) return OfficesOfQuery(query);
  absl::StatusOr<std::string> language = ParseLanguageFilter(query.language);
  if (!language.ok()) return language.status();
  absl::StatusOr<std::vector<Office>> offices = OfficesOfQuery(query);
  if (!offices.ok()) return offices.status();
  std::erase_if(*offices, [&](const Office& office) { return !SpeaksLanguage(office, *language); });
  return offices;
}

absl::StatusOr<std::vector<Office>> OfficeBookings::OfficesOfQuery(const SearchQuery& query) {
  if (query.office_ids.size() > kMaxSearchOffices) {
    return WithReason(absl::InvalidArgumentError("office_ids: too many"), "too_many_offices");
  }
  std::vector<Office> offices;
  if (!query.office_ids.empty()) {
    for (const std::string& id : query.office_ids) {
      if (!booking::IsValidId(id))
        return WithReason(absl::InvalidArgumentError("office_ids: contains an invalid id"),
                          "invalid_office_id");
      absl::StatusOr<Office> office = catalog_.GetOffice(id);
      if (!office.ok()) return office.status();
      offices.push_back(*std::move(office));
    }
    return offices;
  }
  if (query.district.size() > 100)
    return WithReason(absl::InvalidArgumentError("district: too long"), "district_too_long");
  return catalog_.ListOffices(query.district, "", static_cast<int>(kMaxSearchOffices));
}

SlotView OfficeBookings::Described(SlotView slot, std::string office_name) const {
  const absl::TimeZone zone = core_.calendar().zone();
  slot.office_name = std::move(office_name);
  slot.local_start = booking::FormatLocal(slot.start, zone);
  slot.time_zone = zone.name();
  return slot;
}

std::vector<SlotView> OfficeBookings::SlotsOfDay(const Appointment& appointment, absl::CivilDay day,
                                                 const booking::DayUsage& usage, size_t max_slots) {
  std::vector<SlotView> slots;
  for (absl::Time start : core_.FreeStartTimes(PlanDay(appointment.office, day), usage,
                                               appointment.buckets, max_slots)) {
    slots.push_back({appointment.office.id, start, appointment.minutes});
  }
  return slots;
}

absl::StatusOr<std::vector<SlotView>> OfficeBookings::SearchSlots(const SearchQuery& query) {
  if (query.limit < 0 || query.limit > kMaxLimit) {
    return WithReason(absl::InvalidArgumentError(absl::StrCat("limit: must be 0 to ", kMaxLimit)),
                      "invalid_page_size");
  }
  const size_t limit = query.limit == 0 ? kDefaultLimit : query.limit;
  // Unknown or incompatible services are the client's error, whichever office.
  absl::StatusOr<std::vector<ServiceType>> services = ServicesFor(query.service_ids);
  if (!services.ok()) return services.status();
  absl::StatusOr<std::vector<Office>> offices = OfficesFor(query);
  if (!offices.ok()) return offices.status();
  std::vector<Appointment> candidates;
  for (Office& office : *offices) {
    absl::StatusOr<Appointment> appointment = Resolve(std::move(office), *services);
    if (appointment.ok()) {
      candidates.push_back(*std::move(appointment));
    } else if (appointment.status().code() != absl::StatusCode::kFailedPrecondition) {
      return appointment.status();  // Not offered here is fine; anything else is not.
    }
  }
  absl::StatusOr<std::vector<absl::CivilDay>> days =
      core_.Days(query.from_date, query.to_date, core_.rules().horizon_days + 1);
  if (!days.ok()) return days.status();

  // No office contributes more than `limit` slots of one day; the scan stops
  // at the first day that completes the limit.
  std::vector<booking::ScanResource> resources;
  resources.reserve(candidates.size());
  for (const Appointment& candidate : candidates) {
    resources.push_back(
        {candidate.office.id,
         [&office = candidate.office](absl::CivilDay day) { return PlanDay(office, day); },
         candidate.buckets});
  }
  // Up to `limit` slots per office are found and `limit` kept, so the found
  // ones stay (start, office) pairs until the kept ones are picked.
  std::vector<FoundSlot> found;
  STADT_RETURN_IF_ERROR(booking::ScanFreeSlots(
      core_, *days, resources, limit,
      [&](size_t office, absl::Time start) {
        found.push_back({start, office});
      },
      [&] { return found.size() >= limit; }));
  std::vector<SlotView> slots;
  for (const FoundSlot& slot : EarliestFound(std::move(found), candidates, limit)) {
    const Appointment& candidate = candidates[slot.office];
    slots.push_back(
        Described({candidate.office.id, slot.start, candidate.minutes}, candidate.office.name));
  }
  return slots;
}

std::vector<OfficeBookings::FoundSlot> OfficeBookings::EarliestFound(
    std::vector<FoundSlot> found, const std::vector<Appointment>& candidates, size_t limit) {
  std::vector<std::string_view> ids;
  ids.reserve(candidates.size());
  for (const Appointment& candidate : candidates) ids.push_back(candidate.office.id);
  const std::vector<size_t> rank = RanksOf(ids);
  const size_t kept = std::min(limit, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(kept), found.end(),
                    [&rank](const FoundSlot& a, const FoundSlot& b) {
                      return a.start != b.start ? a.start < b.start
                                                : rank[a.office] < rank[b.office];
                    });
  found.resize(kept);
  return found;
}

absl::StatusOr<std::vector<DayCount>> OfficeBookings::Availability(
    const std::string& office_id, const std::vector<std::string>& service_ids,
    const std::string& from_date, const std::string& to_date) {
  absl::StatusOr<Appointment> appointment = Resolve(office_id, service_ids);
  if (!appointment.ok()) return appointment.status();
  absl::StatusOr<std::vector<absl::CivilDay>> days =
      core_.Days(from_date, to_date, kMaxAvailabilityDays);
  if (!days.ok()) return days.status();
  std::vector<booking::ResourceDay> keys;
  for (absl::CivilDay day : *days) keys.push_back({office_id, booking::FormatDate(day)});
  absl::StatusOr<std::vector<booking::DayUsage>> usage =
      core_.repository().GetUsage(keys, core_.Now());
  if (!usage.ok()) return usage.status();
  std::vector<DayCount> counts;
  for (size_t i = 0; i < days->size(); ++i) {
    counts.push_back({booking::FormatDate((*days)[i]),
                      static_cast<int>(SlotsOfDay(*appointment, (*days)[i], (*usage)[i],
                                                  std::numeric_limits<size_t>::max())
                                           .size())});
  }
  return counts;
}

absl::StatusOr<booking::PlacedSlot> OfficeBookings::Place(const Appointment& appointment,
                                                          absl::Time start) {
  absl::StatusOr<booking::GridPosition> position =
      core_.Locate(start, appointment.office.slot_minutes);
  if (!position.ok()) return position.status();
  return core_.Fit(appointment.office.id, PlanDay(appointment.office, position->day), *position,
                   appointment.minutes);
}

absl::StatusOr<HoldView> OfficeBookings::CreateHold(const std::string& client,
                                                    const std::string& office_id,
                                                    const std::vector<std::string>& service_ids,
                                                    absl::Time start) {
  if (client.empty()) return absl::UnauthenticatedError("holding a slot needs a signed-in citizen");
  absl::StatusOr<Appointment> appointment = Resolve(office_id, service_ids);
  if (!appointment.ok()) return appointment.status();
  absl::StatusOr<booking::PlacedSlot> placed = Place(*appointment, start);
  if (!placed.ok()) return placed.status();
  absl::StatusOr<booking::HoldRecord> hold = core_.Hold(client, *placed, service_ids);
  if (!hold.ok()) return hold.status();
  return HoldView{
      hold->hold_id,
      Described({office_id, hold->start, appointment->minutes}, appointment->office.name),
      hold->expires_at};
}

absl::StatusOr<BookingView> OfficeBookings::Confirm(const std::string& client,
                                                    const std::string& hold_id,
                                                    const booking::Contact& contact) {
  if (core_.rules().email_confirmation_ttl > absl::ZeroDuration() &&
      !AlreadyBookedBy(client, hold_id)) {
    absl::StatusOr<booking::HoldRecord> pending =
        core_.RequestEmailConfirmation(client, hold_id, contact);
    if (!pending.ok()) return pending.status();
    // A retry (perhaps with a corrected address) shows what the mail went to.
    absl::StatusOr<booking::Contact> mailed = core_.OpenPendingContact(*pending);
    if (!mailed.ok()) return mailed.status();
    BookingView view;
    view.record.resource_id = pending->resource_id;
    view.record.service_ids = pending->service_ids;
    view.record.start = pending->start;
    view.record.end = pending->end;
    absl::StatusOr<Office> office = catalog_.GetOffice(pending->resource_id);
    view.slot = Described({pending->resource_id, pending->start,
                           static_cast<int>(absl::ToInt64Minutes(pending->end - pending->start))},
                          office.ok() ? office->name : "");
    view.contact = *std::move(mailed);
    view.confirm_by = pending->expires_at;
    return view;
  }
  absl::StatusOr<booking::ConfirmedBooking> confirmed = core_.Confirm(client, hold_id, contact);
  if (!confirmed.ok()) return confirmed.status();
  return View(confirmed->record, confirmed->manage_token);
}

absl::StatusOr<BookingView> OfficeBookings::BookForCaller(
    const std::string& staff, const std::string& office_id,
    const std::vector<std::string>& service_ids, absl::Time start,
    const booking::Contact& contact) {
  if (staff.empty()) return absl::UnauthenticatedError("booking for a caller needs staff");
  // The contact first: nothing is held for a booking that cannot be made.
  STADT_RETURN_IF_ERROR(booking::ValidateContact(contact));
  absl::StatusOr<HoldView> hold = CreateHold(staff, office_id, service_ids, start);
  if (!hold.ok()) return hold.status();
  absl::StatusOr<booking::ConfirmedBooking> confirmed =
      core_.ConfirmByStaff(staff, hold->hold_id, contact);
  if (!confirmed.ok()) return confirmed.status();
  return View(confirmed->record, confirmed->manage_token);
}

bool OfficeBookings::AlreadyBookedBy(const std::string& client, const std::string& hold_id) {
  absl::StatusOr<booking::HoldRecord> hold = core_.repository().GetHold(hold_id);
  return hold.ok() && hold->client == client && !hold->booking_code.empty();
}

absl::StatusOr<BookingView> OfficeBookings::ConfirmByEmail(const std::string& hold_id,
                                                           const std::string& token) {
  absl::StatusOr<booking::ConfirmedBooking> confirmed = core_.ConfirmByEmail(hold_id, token);
  if (!confirmed.ok()) return confirmed.status();
  return View(confirmed->record, confirmed->manage_token);
}

absl::StatusOr<BookingView> OfficeBookings::View(const booking::BookingRecord& record,
                                                 std::string manage_token) {
  BookingView view;
  view.record = record;
  view.manage_token = std::move(manage_token);
  view.slot = {record.resource_id, record.start,
               static_cast<int>(absl::ToInt64Minutes(record.end - record.start))};
  absl::StatusOr<booking::Contact> contact = core_.OpenContact(record);
  if (!contact.ok()) return contact.status();
  view.contact = *std::move(contact);
  absl::StatusOr<Office> office = catalog_.GetOffice(record.resource_id);
  view.slot = Described(std::move(view.slot), office.ok() ? office->name : "");
  absl::StatusOr<std::vector<ServiceType>> services = catalog_.GetServices(record.service_ids);
  std::vector<std::string> names;
  if (services.ok()) {
    for (const ServiceType& service : *services) names.push_back(service.name);
  }
  booking::IcsEvent event;
  event.uid = absl::StrCat(record.code, "@stadtportal");
  event.summary = absl::StrCat("Appointment: ", absl::StrJoin(names, ", "));
  if (office.ok()) {
    event.location = absl::StrCat(office->name, ", ", office->address.street, ", ",
                                  office->address.postal_code, " ", office->address.city);
  }
  event.description = absl::StrCat("Booking code ", record.code);
  event.start = record.start;
  event.end = record.end;
  event.stamp = core_.Now();
  event.cancelled = record.status == booking::BookingStatus::kCancelled;
  view.ics = booking::MakeIcs(event);
  return view;
}

absl::StatusOr<BookingView> OfficeBookings::Lookup(const std::string& code,
                                                   const std::string& token) {
  absl::StatusOr<booking::BookingRecord> record = core_.Authorize(code, token);
  if (!record.ok()) return record.status();
  return View(*record, "");
}

absl::StatusOr<BookingView> OfficeBookings::Cancel(const std::string& code,
                                                   const std::string& token) {
  absl::StatusOr<booking::BookingRecord> record = core_.Authorize(code, token);
  if (!record.ok()) return record.status();
  absl::StatusOr<booking::BookingRecord> cancelled = core_.Cancel(*record);
  if (!cancelled.ok()) return cancelled.status();
  return View(*cancelled, "");
}

absl::StatusOr<BookingView> OfficeBookings::Reschedule(const std::string& code,
                                                       const std::string& token,
                                                       const std::string& office_id,
                                                       absl::Time start) {
  absl::StatusOr<booking::BookingRecord> record = core_.Authorize(code, token);
  if (!record.ok()) return record.status();
  if (record->status != booking::BookingStatus::kConfirmed) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "booking_cancelled",
                            "Der Termin ist abgesagt. / The booking is cancelled.");
  }
  STADT_RETURN_IF_ERROR(booking::CheckVisitOpen(record->visit));
  absl::StatusOr<Appointment> appointment = Resolve(office_id, record->service_ids);
  if (!appointment.ok()) return appointment.status();
  absl::StatusOr<booking::PlacedSlot> placed = Place(*appointment, start);
  if (!placed.ok()) return placed.status();
  absl::StatusOr<booking::BookingRecord> stored = core_.Move(*record, *placed);
  if (!stored.ok()) return stored.status();
  return View(*stored, "");
}

absl::StatusOr<int> OfficeBookings::SendDueReminders() { return core_.SendDueReminders(); }

}  // namespace stadt::appointments
