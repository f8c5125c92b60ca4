#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/appointments/domain/catalog.h"
#include "services/appointments/domain/catalog_repository.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/booking/domain/schedule.h"
#include "services/common/clock.h"

namespace stadt::appointments {

struct SlotView {
  std::string office_id;
  absl::Time start;
  int duration_minutes = 0;
  // For people reading the slot: the office's name, and `start` on the
  // office's wall clock (RFC 3339 with offset) in `time_zone`.
  std::string office_name = {};
  std::string local_start = {};
  std::string time_zone = {};
};

// Each id's place among `ids` in sorted order, equal ids placed alike: the
// search orders slots of the same start by office id and compares these
// numbers instead of the strings.
std::vector<size_t> RanksOf(const std::vector<std::string_view>& ids);

struct SearchQuery {
  std::vector<std::string> service_ids = {};
  std::vector<std::string> office_ids = {};
  std::string district = {};
  std::string from_date = {};
  std::string to_date = {};
  int limit = 0;
  // Only offices speaking it: ISO 639-1, any case; empty: all.
  std::string language = {};
};

struct DayCount {
  std::string date;
  int free_slots = 0;
};

struct HoldView {
  std::string hold_id;
  SlotView slot;
  absl::Time expires_at;
};

struct BookingView {
  booking::BookingRecord record;
  SlotView slot;
  // Only filled when the booking is made (or that request is retried).
  std::string manage_token;
  booking::Contact contact;
  std::string ics;
  // Set while the booking waits for its e-mail confirmation (then record
  // holds no code yet): the link must be used before this time.
  std::optional<absl::Time> confirm_by;
};

// Search, hold, book, look up, cancel and reschedule office appointments:
// resolves offices and services into day plans for the shared booking core.
// Free of gRPC and Redis; every race is settled by the repository.
class OfficeBookings {
 public:
  static constexpr int kDefaultLimit = 10;
  static constexpr int kMaxLimit = 100;
  static constexpr int kMaxServicesPerAppointment = 3;
  static constexpr int kMaxAvailabilityDays = 62;

  OfficeBookings(CatalogRepository& catalog, booking::BookingRepository& bookings,
                 const Clock& clock, booking::Calendar calendar,
                 const booking::BookingSecrets& secrets);

  // The zone of the offices' wall clocks, in which people read times.
  absl::TimeZone zone() const { return core_.calendar().zone(); }

  absl::StatusOr<std::vector<SlotView>> SearchSlots(const SearchQuery& query);
  absl::StatusOr<std::vector<DayCount>> Availability(const std::string& office_id,
                                                     const std::vector<std::string>& service_ids,
                                                     const std::string& from_date,
                                                     const std::string& to_date);
  absl::StatusOr<HoldView> CreateHold(const std::string& client, const std::string& office_id,
                                      const std::vector<std::string>& service_ids,
                                      absl::Time start);
  absl::StatusOr<BookingView> Confirm(const std::string& client, const std::string& hold_id,
                                      const booking::Contact& contact);
  // Staff (`staff`: their token subject) book for a caller at once (hold and
  // confirm, no e-mail step); see BookingCore::ConfirmByStaff.
  absl::StatusOr<BookingView> BookForCaller(const std::string& staff, const std::string& office_id,
                                            const std::vector<std::string>& service_ids,
                                            absl::Time start, const booking::Contact& contact);
  // With e-mail confirmation configured (BookingRules), Confirm only sends
  // the link (a view with confirm_by); the booking is made here, when the
  // link's token comes back.
  absl::StatusOr<BookingView> ConfirmByEmail(const std::string& hold_id, const std::string& token);
  absl::StatusOr<BookingView> Lookup(const std::string& code, const std::string& token);
  absl::StatusOr<BookingView> Cancel(const std::string& code, const std::string& token);
  absl::StatusOr<BookingView> Reschedule(const std::string& code, const std::string& token,
                                         const std::string& office_id, absl::Time start);
  // Called periodically by the service; safe on every replica at once.
  absl::StatusOr<int> SendDueReminders();
  // The booking core (the counter day opens contacts with it).
  const booking::BookingCore& core() const { return core_; }
  // See booking::BookingCore::RequestLinks.
  absl::Status RequestLinks(const std::string& email, const std::string& language) {
    return core_.RequestLinks(email, language);
  }
  // The citizen's bookings for an export, and their erasure (GDPR Art. 15, 17).
  absl::StatusOr<std::vector<privacy::Record>> PersonalRecords(const std::string& subject) {
    return core_.PersonalRecords(subject, "booking");
  }
  absl::StatusOr<privacy::Erasure> ErasePersonalData(const std::string& subject) {
    return core_.ErasePersonalData(subject);
  }

 private:
  // Whether the hold became the client's booking already (by its mailed link):
  // then a retried confirm shows that booking, as without the e-mail step.
  bool AlreadyBookedBy(const std::string& client, const std::string& hold_id);

  struct Appointment {
    Office office;
    int minutes = 0;
    int buckets = 0;
  };
  // A free slot a search found: its start and the index of its candidate.
  struct FoundSlot {
    absl::Time start;
    size_t office = 0;
  };
  // The first `limit` of `found` by start, then office id (the search's order).
  static std::vector<FoundSlot> EarliestFound(std::vector<FoundSlot> found,
                                              const std::vector<Appointment>& candidates,
                                              size_t limit);

  // The services, validated: known, no duplicates, combinable with each other.
  absl::StatusOr<std::vector<ServiceType>> ServicesFor(const std::vector<std::string>& service_ids);
  absl::StatusOr<Appointment> Resolve(Office office, const std::vector<ServiceType>& services);
  absl::StatusOr<Appointment> Resolve(const std::string& office_id,
                                      const std::vector<std::string>& service_ids);
  // The offices the query names (ids, a district or all), then those
  // speaking its language.
  absl::StatusOr<std::vector<Office>> OfficesFor(const SearchQuery& query);
  absl::StatusOr<std::vector<Office>> OfficesOfQuery(const SearchQuery& query);
  absl::StatusOr<booking::PlacedSlot> Place(const Appointment& appointment, absl::Time start);
  // Free slots of one office-day from the notice time on, at most `max_slots`.
  std::vector<SlotView> SlotsOfDay(const Appointment& appointment, absl::CivilDay day,
                                   const booking::DayUsage& usage, size_t max_slots);
  absl::StatusOr<BookingView> View(const booking::BookingRecord& record, std::string manage_token);
  // A slot with the office's name (empty when unknown) and its local time.
  SlotView Described(SlotView slot, std::string office_name) const;

  CatalogRepository& catalog_;
  booking::BookingCore core_;
};

}  // namespace stadt::appointments
