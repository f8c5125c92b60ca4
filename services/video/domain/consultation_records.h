#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/clock.h"
#include "services/video/domain/catalog.h"
#include "services/video/domain/consent_texts.h"
#include "services/video/domain/join_token.h"
#include "services/video/domain/schedule_repository.h"
#include "services/video/domain/visit.h"

namespace stadt::video {

struct VideoSettings {
  JitsiSettings jitsi;
  // The citizen may check in and join this long before the start.
  absl::Duration join_lead = absl::Minutes(10);
  // A consultation that runs over can be (re)joined this long after its
  // scheduled end: an admitted citizen whose connection dropped gets a new
  // link, and the links' tokens expire only then. Closing it ends that.
  absl::Duration rejoin_margin = absl::Minutes(30);
  // A citizen who has not checked in this long after the start is a no-show.
  absl::Duration no_show_grace = absl::Minutes(10);
  // The versions citizens consent to; consent to an older one does not count.
  std::string privacy_notice_version = "1";
  std::string terms_version = "1";
  // Every published version's text (main sets the two versions above to the
  // file's current ones).
  ConsentTexts consent_texts;
};

struct ConsultationView {
  booking::BookingRecord record;  // resource_id: the caseworker; attributes: the room
  std::string manage_token;       // only right after booking
  Topic topic;
  std::string caseworker_name;
  Visit visit;
  booking::Contact contact;
  std::string ics;
  absl::Time join_from;
};

// The same answer for an unknown code and somebody else's consultation, so
// nobody can probe which codes exist.
absl::Status NoSuchConsultation();

// What booking a consultation (VideoBookings) and running it (Consultations)
// both need, kept in one place so that they cannot drift apart: the catalog,
// the one booking core over the bookings, the visits, loading a consultation
// and the view of it its citizen gets. main owns it; both borrow it.
class ConsultationRecords {
 public:
  // A consultation with its visit, loaded for one caller's action.
  struct Loaded {
    booking::BookingRecord record;
    const Topic* topic = nullptr;
    Visit visit;
  };

  // `schedules` may be null: then the seed file's schedules are all there is.
  ConsultationRecords(const VideoCatalog& catalog, booking::BookingRepository& bookings,
                      VisitRepository& visits, const Clock& clock, booking::Calendar calendar,
                      const booking::BookingSecrets& secrets, VideoSettings settings,
                      ScheduleRepository* schedules = nullptr);

  const VideoCatalog& catalog() const { return catalog_; }
  const VideoSettings& settings() const { return settings_; }
  const Clock& clock() const { return clock_; }
  // The zone of the city's wall clock, in which people read times.
  absl::TimeZone zone() const { return core_.calendar().zone(); }
  booking::BookingCore& core() { return core_; }
  VisitRepository& visits() { return visits_; }

  // The consultation's topic; null when the catalog no longer offers it.
  const Topic* TopicOf(const booking::BookingRecord& record) const;
  // The consultation by its code, for any caller: the caller's checks are
  // the caller's (NoSuchConsultation for an unknown code or topic).
  absl::StatusOr<Loaded> Load(const std::string& code);
  // When check-in and the join links open.
  absl::Time JoinFrom(const booking::BookingRecord& record) const;
  // Until when an admitted citizen and the caseworker may (re)join: the
  // scheduled end plus the rejoin margin.
  absl::Time JoinUntil(const booking::BookingRecord& record) const;
  absl::StatusOr<ConsultationView> View(const booking::BookingRecord& record, Visit visit,
                                        std::string manage_token);
  // The caseworkers who consult on the topic (seed order), each with the
  // availability and absences set through the routes.
  absl::StatusOr<std::vector<Caseworker>> ScheduledCaseworkersFor(const std::string& topic_id);
  // One caseworker as scheduled now.
  absl::StatusOr<Caseworker> Scheduled(const Caseworker& caseworker);

 private:
  const VideoCatalog& catalog_;
  VisitRepository& visits_;
  const Clock& clock_;
  booking::BookingCore core_;
  VideoSettings settings_;
  // Null: the seed file's schedules only.
  ScheduleRepository* schedules_;
};

}  // namespace stadt::video
