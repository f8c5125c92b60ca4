#include "services/appointments/domain/booking_service.h"

#include <algorithm>
#include <limits>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/status_macros.h"

namespace stadt::appointments {
namespace {

constexpr int kSearchChunkDays = 7;
constexpr size_t kTokenNonceBytes = 16;
constexpr size_t kHoldIdBytes = 16;
constexpr int kCodeAttempts = 4;
constexpr size_t kMaxSearchOffices = 100;
constexpr size_t kMaxTokenLength = 128;

absl::Status CheckServiceIds(const std::vector<std::string>& service_ids, int max) {
  if (service_ids.empty()) return absl::InvalidArgumentError("service_ids: at least one");
  if (static_cast<int>(service_ids.size()) > max) {
    return absl::InvalidArgumentError(absl::StrCat("service_ids: at most ", max));
  }
  std::set<std::string> seen;
  for (const std::string& id : service_ids) {
    if (!IsValidId(id)) return absl::InvalidArgumentError("service_ids: contains an invalid id");
    if (!seen.insert(id).second) return absl::InvalidArgumentError("service_ids: duplicate");
  }
  return absl::OkStatus();
}

bool Combinable(const ServiceType& a, const ServiceType& b) {
  return std::find(a.combinable_with.begin(), a.combinable_with.end(), b.id) !=
         a.combinable_with.end();
}

std::string SealedContactJson(const Contact& contact) {
  return boost::json::serialize(boost::json::object{
      {"name", contact.name}, {"email", contact.email}, {"phone", contact.phone}});
}

Contact ContactFromJson(const std::string& text) {
  Contact contact;
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(text, error);
  if (error || !json.is_object()) return contact;
  auto read = [&](const char* key) -> std::string {
    const boost::json::value* value = json.as_object().if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  };
  contact.name = read("name");
  contact.email = read("email");
  contact.phone = read("phone");
  return contact;
}

absl::Status NotFoundBooking() {
  // The same answer for an unknown code and a wrong token, so nobody can probe
  // which codes exist.
  return absl::NotFoundError("no booking with this code and token");
}

}  // namespace

BookingSecrets BookingSecrets::Derive(const std::string& master_key) {
  return {crypto::HmacSha256(master_key, "stadt.appointments.contact.v1"),
          crypto::HmacSha256(master_key, "stadt.appointments.token.v1")};
}

BookingService::BookingService(CatalogRepository& catalog, BookingRepository& bookings,
                               const Clock& clock, Calendar calendar, const BookingSecrets& secrets)
    : catalog_(catalog),
      bookings_(bookings),
      clock_(clock),
      calendar_(calendar),
      contact_cipher_(crypto::Aead::Create(secrets.contact_key).value()),
      token_key_(secrets.token_key) {}

absl::StatusOr<std::vector<ServiceType>> BookingService::ServicesFor(
    const std::vector<std::string>& service_ids) {
  STADT_RETURN_IF_ERROR(CheckServiceIds(service_ids, kMaxServicesPerAppointment));
  absl::StatusOr<std::vector<ServiceType>> services = catalog_.GetServices(service_ids);
  if (!services.ok()) return services.status();
  if (services->size() != service_ids.size()) {
    return absl::NotFoundError("service_ids: unknown service");
  }
  for (size_t i = 0; i < services->size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!Combinable((*services)[i], (*services)[j]) ||
          !Combinable((*services)[j], (*services)[i])) {
        return absl::FailedPreconditionError("service_ids: these services cannot be combined");
      }
    }
  }
  return services;
}

absl::StatusOr<BookingService::Appointment> BookingService::Resolve(
    const Office& office, const std::vector<ServiceType>& services) {
  Appointment appointment{office, services, 0, 0};
  for (const ServiceType& service : services) {
    if (std::find(office.service_ids.begin(), office.service_ids.end(), service.id) ==
        office.service_ids.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("service_ids: ", service.id, " is not offered at this office"));
    }
    appointment.minutes += service.duration_minutes;
  }
  appointment.buckets = BucketsFor(appointment.minutes, office.slot_minutes);
  return appointment;
}

absl::StatusOr<BookingService::Appointment> BookingService::Resolve(
    const std::string& office_id, const std::vector<std::string>& service_ids) {
  absl::StatusOr<std::vector<ServiceType>> services = ServicesFor(service_ids);
  if (!services.ok()) return services.status();
  if (!IsValidId(office_id)) return absl::InvalidArgumentError("office_id: invalid");
  absl::StatusOr<Office> office = catalog_.GetOffice(office_id);
  if (!office.ok()) return office.status();
  return Resolve(*office, *services);
}

absl::StatusOr<std::vector<Office>> BookingService::OfficesFor(const SearchQuery& query) {
  if (query.office_ids.size() > kMaxSearchOffices) {
    return absl::InvalidArgumentError("office_ids: too many");
  }
  std::vector<Office> offices;
  if (!query.office_ids.empty()) {
    for (const std::string& id : query.office_ids) {
      if (!IsValidId(id)) return absl::InvalidArgumentError("office_ids: contains an invalid id");
      absl::StatusOr<Office> office = catalog_.GetOffice(id);
      if (!office.ok()) return office.status();
      offices.push_back(*std::move(office));
    }
    return offices;
  }
  if (query.district.size() > 100) return absl::InvalidArgumentError("district: too long");
  return catalog_.ListOffices(query.district, "", static_cast<int>(kMaxSearchOffices));
}

absl::StatusOr<std::vector<absl::CivilDay>> BookingService::Days(const std::string& from_date,
                                                                 const std::string& to_date,
                                                                 int max_days) {
  const absl::Time now = clock_.Now();
  absl::CivilDay from = calendar_.Today(now);
  absl::CivilDay to = calendar_.LastBookableDay(now);
  if (!from_date.empty()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseDate(from_date);
    if (!parsed.ok()) return absl::InvalidArgumentError("from_date: expected YYYY-MM-DD");
    from = std::max(from, *parsed);
  }
  if (!to_date.empty()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseDate(to_date);
    if (!parsed.ok()) return absl::InvalidArgumentError("to_date: expected YYYY-MM-DD");
    to = std::min(to, *parsed);
  }
  std::vector<absl::CivilDay> days;
  for (absl::CivilDay day = from; day <= to && static_cast<int>(days.size()) < max_days; ++day) {
    days.push_back(day);
  }
  return days;
}

std::vector<SlotView> BookingService::SlotsOfDay(const Appointment& appointment, absl::CivilDay day,
                                                 const DayUsage& usage, size_t max_slots) {
  const DayPlan plan = PlanDay(appointment.office, day);
  const absl::Time earliest = clock_.Now() + calendar_.rules().min_notice;
  std::vector<SlotView> slots;
  for (int bucket : FreeStarts(plan, usage, appointment.buckets)) {
    if (slots.size() >= max_slots) break;
    const absl::Time start = calendar_.StartOf(day, bucket, plan.slot_minutes);
    if (start >= earliest) slots.push_back({appointment.office.id, start, appointment.minutes});
  }
  return slots;
}

absl::StatusOr<std::vector<SlotView>> BookingService::SearchSlots(const SearchQuery& query) {
  if (query.limit < 0 || query.limit > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must be 0 to ", kMaxLimit));
  }
  const size_t limit = query.limit == 0 ? kDefaultLimit : query.limit;
  // Unknown or incompatible services are the client's error, whichever office.
  absl::StatusOr<std::vector<ServiceType>> services = ServicesFor(query.service_ids);
  if (!services.ok()) return services.status();
  absl::StatusOr<std::vector<Office>> offices = OfficesFor(query);
  if (!offices.ok()) return offices.status();
  std::vector<Appointment> candidates;
  for (const Office& office : *offices) {
    absl::StatusOr<Appointment> appointment = Resolve(office, *services);
    if (appointment.ok()) {
      candidates.push_back(*std::move(appointment));
    } else if (appointment.status().code() != absl::StatusCode::kFailedPrecondition) {
      return appointment.status();  // Not offered here is fine; anything else is not.
    }
  }
  absl::StatusOr<std::vector<absl::CivilDay>> days =
      Days(query.from_date, query.to_date, calendar_.rules().horizon_days + 1);
  if (!days.ok()) return days.status();

  // Days are read from Redis in chunks and scanned in order: every slot of a
  // day is earlier than any slot of the next, so the scan stops at the first
  // day that completes the limit, and no office contributes more than `limit`
  // slots of one day.
  std::vector<SlotView> found;
  for (size_t first = 0; first < days->size() && found.size() < limit; first += kSearchChunkDays) {
    const size_t last = std::min(days->size(), first + kSearchChunkDays);
    std::vector<OfficeDay> keys;
    for (size_t d = first; d < last; ++d) {
      for (const Appointment& candidate : candidates) {
        keys.push_back({candidate.office.id, FormatDate((*days)[d])});
      }
    }
    if (keys.empty()) break;
    absl::StatusOr<std::vector<DayUsage>> usage = bookings_.GetUsage(keys, clock_.Now());
    if (!usage.ok()) return usage.status();
    size_t index = 0;
    for (size_t d = first; d < last && found.size() < limit; ++d) {
      for (const Appointment& candidate : candidates) {
        std::vector<SlotView> slots = SlotsOfDay(candidate, (*days)[d], (*usage)[index++], limit);
        found.insert(found.end(), slots.begin(), slots.end());
      }
    }
  }
  std::sort(found.begin(), found.end(), [](const SlotView& a, const SlotView& b) {
    return a.start != b.start ? a.start < b.start : a.office_id < b.office_id;
  });
  if (found.size() > limit) found.resize(limit);
  return found;
}

absl::StatusOr<std::vector<DayCount>> BookingService::Availability(
    const std::string& office_id, const std::vector<std::string>& service_ids,
    const std::string& from_date, const std::string& to_date) {
  absl::StatusOr<Appointment> appointment = Resolve(office_id, service_ids);
  if (!appointment.ok()) return appointment.status();
  absl::StatusOr<std::vector<absl::CivilDay>> days = Days(from_date, to_date, kMaxAvailabilityDays);
  if (!days.ok()) return days.status();
  std::vector<OfficeDay> keys;
  for (absl::CivilDay day : *days) keys.push_back({office_id, FormatDate(day)});
  absl::StatusOr<std::vector<DayUsage>> usage = bookings_.GetUsage(keys, clock_.Now());
  if (!usage.ok()) return usage.status();
  std::vector<DayCount> counts;
  for (size_t i = 0; i < days->size(); ++i) {
    counts.push_back(
        {FormatDate((*days)[i]), static_cast<int>(SlotsOfDay(*appointment, (*days)[i], (*usage)[i],
                                                             std::numeric_limits<size_t>::max())
                                                      .size())});
  }
  return counts;
}

absl::StatusOr<BookingService::PlacedSlot> BookingService::Place(const Appointment& appointment,
                                                                 absl::Time start) {
  absl::StatusOr<GridPosition> position =
      calendar_.PositionOf(start, appointment.office.slot_minutes);
  if (!position.ok()) return position.status();
  STADT_RETURN_IF_ERROR(calendar_.CheckBookable(start, clock_.Now()));
  const DayPlan plan = PlanDay(appointment.office, position->day);
  if (position->bucket + appointment.buckets > static_cast<int>(plan.capacity.size())) {
    return absl::FailedPreconditionError("start: the appointment would end after midnight");
  }
  PlacedSlot placed{*position, {}, start, start + absl::Minutes(appointment.minutes)};
  for (int i = 0; i < appointment.buckets; ++i) {
    const int capacity = plan.capacity[position->bucket + i];
    if (capacity == 0) return absl::FailedPreconditionError("start: the office is closed then");
    placed.capacity.push_back(capacity);
  }
  return placed;
}

absl::StatusOr<HoldView> BookingService::CreateHold(const std::string& client,
                                                    const std::string& office_id,
                                                    const std::vector<std::string>& service_ids,
                                                    absl::Time start) {
  if (client.empty()) return absl::UnauthenticatedError("holding a slot needs a signed-in citizen");
  absl::StatusOr<Appointment> appointment = Resolve(office_id, service_ids);
  if (!appointment.ok()) return appointment.status();
  absl::StatusOr<PlacedSlot> placed = Place(*appointment, start);
  if (!placed.ok()) return placed.status();
  const absl::Time now = clock_.Now();
  HoldRecord hold;
  hold.hold_id = crypto::Base64Url(crypto::RandomBytes(kHoldIdBytes));
  hold.client = client;
  hold.office_id = office_id;
  hold.day = FormatDate(placed->position.day);
  hold.start_bucket = placed->position.bucket;
  hold.buckets = appointment->buckets;
  hold.service_ids = service_ids;
  hold.start = placed->start;
  hold.end = placed->end;
  hold.expires_at = now + calendar_.rules().hold_ttl;
  STADT_RETURN_IF_ERROR(bookings_.PutHold(hold, placed->capacity, now));
  return HoldView{hold.hold_id, {office_id, hold.start, appointment->minutes}, hold.expires_at};
}

std::string BookingService::ManageToken(const std::string& code, const std::string& nonce) const {
  return crypto::Base64Url(crypto::HmacSha256(token_key_, absl::StrCat(code, ":", nonce)));
}

absl::StatusOr<BookingView> BookingService::Confirm(const std::string& client,
                                                    const std::string& hold_id,
                                                    const Contact& contact) {
  if (client.empty()) return absl::UnauthenticatedError("confirming needs a signed-in citizen");
  if (hold_id.empty() || hold_id.size() > 64) return absl::InvalidArgumentError("hold_id: invalid");
  STADT_RETURN_IF_ERROR(ValidateContact(contact));
  absl::StatusOr<HoldRecord> hold = bookings_.GetHold(hold_id);
  if (!hold.ok()) return hold.status();
  if (hold->client != client) return absl::NotFoundError("hold not found");

  BookingRecord booking;
  booking.token_nonce = crypto::Base64Url(crypto::RandomBytes(kTokenNonceBytes));
  booking.office_id = hold->office_id;
  booking.day = hold->day;
  booking.start_bucket = hold->start_bucket;
  booking.buckets = hold->buckets;
  booking.service_ids = hold->service_ids;
  booking.start = hold->start;
  booking.end = hold->end;
  booking.client = client;
  booking.remind_at = hold->start - calendar_.rules().reminder_lead;
  booking.person_key = crypto::Base64Url(crypto::HmacSha256(
      token_key_, absl::StrCat("person:", NormalizeEmail(contact.email).value())));
  const BookingRules& rules = calendar_.rules();
  const PersonLimits limits{rules.max_active_bookings_per_person,
                            absl::Hours(24) * rules.same_service_window_days};
  const absl::Time delete_after = hold->end + absl::Hours(24) * rules.retention_days;
  absl::StatusOr<std::string> code = absl::AlreadyExistsError("no code tried");
  for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
    booking.code = NewBookingCode();
    booking.token_hash =
        crypto::Base64Url(crypto::Sha256(ManageToken(booking.code, booking.token_nonce)));
    booking.sealed_contact = contact_cipher_.Seal(SealedContactJson(contact), booking.code);
    code = bookings_.ConfirmHold(hold_id, booking, limits, clock_.Now(), delete_after);
    if (code.status().code() != absl::StatusCode::kAlreadyExists) break;
  }
  if (!code.ok()) return code.status();
  absl::StatusOr<BookingRecord> stored = bookings_.GetBooking(*code);
  if (!stored.ok()) return stored.status();
  return View(*stored, ManageToken(stored->code, stored->token_nonce));
}

absl::StatusOr<BookingRecord> BookingService::Authorize(const std::string& code,
                                                        const std::string& token) {
  if (!IsWellFormedBookingCode(code) || token.empty() || token.size() > kMaxTokenLength) {
    return NotFoundBooking();
  }
  absl::StatusOr<BookingRecord> record = bookings_.GetBooking(code);
  if (record.status().code() == absl::StatusCode::kNotFound) return NotFoundBooking();
  if (!record.ok()) return record.status();
  if (!crypto::ConstantTimeEquals(crypto::Base64Url(crypto::Sha256(token)), record->token_hash)) {
    return NotFoundBooking();
  }
  return record;
}

absl::StatusOr<BookingView> BookingService::View(const BookingRecord& record,
                                                 std::string manage_token) {
  BookingView view;
  view.record = record;
  view.manage_token = std::move(manage_token);
  view.slot = {record.office_id, record.start,
               static_cast<int>(absl::ToInt64Minutes(record.end - record.start))};
  absl::StatusOr<std::string> contact = contact_cipher_.Open(record.sealed_contact, record.code);
  if (!contact.ok()) return absl::InternalError("contact data cannot be opened");
  view.contact = ContactFromJson(*contact);
  absl::StatusOr<Office> office = catalog_.GetOffice(record.office_id);
  absl::StatusOr<std::vector<ServiceType>> services = catalog_.GetServices(record.service_ids);
  std::vector<std::string> names;
  if (services.ok()) {
    for (const ServiceType& service : *services) names.push_back(service.name);
  }
  IcsEvent event;
  event.uid = absl::StrCat(record.code, "@stadtportal");
  event.summary = absl::StrCat("Appointment: ", absl::StrJoin(names, ", "));
  if (office.ok()) {
    event.location = absl::StrCat(office->name, ", ", office->address.street, ", ",
                                  office->address.postal_code, " ", office->address.city);
  }
  event.description = absl::StrCat("Booking code ", record.code);
  event.start = record.start;
  event.end = record.end;
  event.stamp = clock_.Now();
  event.cancelled = record.status == BookingStatus::kCancelled;
  view.ics = MakeIcs(event);
  return view;
}

absl::StatusOr<BookingView> BookingService::Lookup(const std::string& code,
                                                   const std::string& token) {
  absl::StatusOr<BookingRecord> record = Authorize(code, token);
  if (!record.ok()) return record.status();
  return View(*record, "");
}

absl::StatusOr<BookingView> BookingService::Cancel(const std::string& code,
                                                   const std::string& token) {
  absl::StatusOr<BookingRecord> record = Authorize(code, token);
  if (!record.ok()) return record.status();
  absl::StatusOr<BookingRecord> cancelled = bookings_.CancelBooking(code, clock_.Now());
  if (!cancelled.ok()) return cancelled.status();
  return View(*cancelled, "");
}

absl::StatusOr<BookingView> BookingService::Reschedule(const std::string& code,
                                                       const std::string& token,
                                                       const std::string& office_id,
                                                       absl::Time start) {
  absl::StatusOr<BookingRecord> record = Authorize(code, token);
  if (!record.ok()) return record.status();
  if (record->status != BookingStatus::kConfirmed) {
    return absl::FailedPreconditionError("the booking is cancelled");
  }
  absl::StatusOr<Appointment> appointment = Resolve(office_id, record->service_ids);
  if (!appointment.ok()) return appointment.status();
  absl::StatusOr<PlacedSlot> placed = Place(*appointment, start);
  if (!placed.ok()) return placed.status();
  BookingRecord moved = *record;
  moved.office_id = office_id;
  moved.day = FormatDate(placed->position.day);
  moved.start_bucket = placed->position.bucket;
  moved.buckets = appointment->buckets;
  moved.start = placed->start;
  moved.end = placed->end;
  moved.remind_at = moved.start - calendar_.rules().reminder_lead;
  const absl::Time delete_after = moved.end + absl::Hours(24) * calendar_.rules().retention_days;
  absl::StatusOr<BookingRecord> stored =
      bookings_.MoveBooking(code, moved, placed->capacity, clock_.Now(), delete_after);
  if (!stored.ok()) return stored.status();
  return View(*stored, "");
}

absl::StatusOr<int> BookingService::SendDueReminders() {
  constexpr int kMaxPerRun = 500;
  return bookings_.EmitDueReminders(clock_.Now(), kMaxPerRun);
}

}  // namespace stadt::appointments
