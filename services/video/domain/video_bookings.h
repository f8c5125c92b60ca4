#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/video/domain/catalog.h"
#include "services/video/domain/consultation_records.h"

namespace stadt::video {

struct VideoSlot {
  std::string topic_id;
  absl::Time start;
  int duration_minutes = 0;
};

struct VideoHold {
  std::string hold_id;
  VideoSlot slot;
  absl::Time expires_at;
};

// Booking a video consultation: the catalog resolved into caseworker day
// plans for the shared booking core (fair assignment of a free caseworker);
// search, hold, confirm, and the manage code's lookup, cancel and reschedule.
// What happens once it is booked is Consultations'. A booking is made in
// exactly one method here (Confirm), the place to record the figure.
class VideoBookings {
 public:
  static constexpr int kDefaultLimit = 10;
  static constexpr int kMaxLimit = 100;

  explicit VideoBookings(ConsultationRecords& records) : records_(records) {}

  const VideoCatalog& catalog() const { return records_.catalog(); }
  absl::TimeZone zone() const { return records_.zone(); }

  absl::StatusOr<std::vector<VideoSlot>> SearchSlots(const std::string& topic_id,
                                                     const std::string& from_date,
                                                     const std::string& to_date, int limit);
  absl::StatusOr<VideoHold> CreateHold(const std::string& client, const std::string& topic_id,
                                       absl::Time start);
  absl::StatusOr<ConsultationView> Confirm(const std::string& client, const std::string& hold_id,
                                           const booking::Contact& contact);
  absl::StatusOr<ConsultationView> Lookup(const std::string& code, const std::string& token);
  absl::StatusOr<ConsultationView> Cancel(const std::string& code, const std::string& token);
  absl::StatusOr<ConsultationView> Reschedule(const std::string& code, const std::string& token,
                                              absl::Time start);
  absl::StatusOr<int> SendDueReminders() { return core().SendDueReminders(); }
  // See booking::BookingCore::RequestLinks: the same 202 whether or not the
  // address has consultations.
  absl::Status RequestLinks(const std::string& email, const std::string& language) {
    return core().RequestLinks(email, language);
  }

  // The citizen's consultations for an export, and their erasure with their
  // waiting-room records (GDPR Art. 15, 17).
  absl::StatusOr<std::vector<privacy::Record>> PersonalRecords(const std::string& subject) {
    return core().PersonalRecords(subject, "consultation");
  }
  absl::StatusOr<privacy::Erasure> ErasePersonalData(const std::string& subject) {
    return core().ErasePersonalData(subject);
  }

 private:
  booking::BookingCore& core() { return records_.core(); }

  struct Candidate {
    const Caseworker* caseworker;
    booking::PlacedSlot slot;
    int load = 0;  // buckets booked or held that day
  };

  absl::StatusOr<const Topic*> TopicFor(const std::string& topic_id) const;
  // The caseworkers free for the whole slot at `start`, least loaded first.
  absl::StatusOr<std::vector<Candidate>> FreeCaseworkers(const Topic& topic, absl::Time start);

  ConsultationRecords& records_;
};

}  // namespace stadt::video
