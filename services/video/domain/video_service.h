#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/clock.h"
#include "services/video/domain/catalog.h"
#include "services/video/domain/join_token.h"
#include "services/video/domain/visit.h"

namespace stadt::video {

struct VideoSettings {
  JitsiSettings jitsi;
  // The citizen may check in and join this long before the start.
  absl::Duration join_lead = absl::Minutes(10);
  // A citizen who has not checked in this long after the start is a no-show.
  absl::Duration no_show_grace = absl::Minutes(10);
  // The versions citizens consent to; consent to an older one does not count.
  std::string privacy_notice_version = "1";
  std::string terms_version = "1";
};

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

struct JoinLink {
  std::string url;
  std::string room;
  std::string token;
  absl::Time valid_from;
  absl::Time valid_until;
  bool moderator = false;
};

// A consultation as the caseworkers of its department see it on their day.
struct WaitingEntry {
  std::string code;
  Topic topic;
  absl::Time start;
  absl::Time end;
  std::string caseworker_id;
  Visit visit;
  // Since check-in until admission (or until now while still waiting).
  absl::Duration waited = absl::ZeroDuration();
};

// Video consultations: the catalog resolved into caseworker day plans for the
// shared booking core (fair assignment of a free caseworker), the waiting
// room and the join tokens. Who may do what:
//  - the citizen who booked (token subject) sees and acts on their own
//    consultations only; anybody else gets NOT_FOUND;
//  - a caseworker (token subject = caseworker id) acts on the consultations of
//    their own department only; others are NOT_FOUND to them.
// Booked, admitted, no-show and closed each happen in exactly one method here
// (Confirm, Admit, MarkNoShow, Close), the places to record figures.
class VideoService {
 public:
  static constexpr int kDefaultLimit = 10;
  static constexpr int kMaxLimit = 100;

  VideoService(const VideoCatalog& catalog, booking::BookingRepository& bookings,
               VisitRepository& visits, const Clock& clock, booking::Calendar calendar,
               const booking::BookingSecrets& secrets, VideoSettings settings);

  const VideoCatalog& catalog() const { return catalog_; }

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
  absl::StatusOr<int> SendDueReminders() { return core_.SendDueReminders(); }

  // The citizen's side; `subject` is the caller.
  absl::StatusOr<ConsultationView> GetConsultation(const std::string& subject,
                                                   const std::string& code);
  absl::StatusOr<ConsultationView> RecordConsent(const std::string& subject,
                                                 const std::string& code,
                                                 const std::string& privacy_notice_version,
                                                 const std::string& terms_version);
  absl::StatusOr<ConsultationView> CheckIn(const std::string& subject, const std::string& code);
  absl::StatusOr<JoinLink> Join(const std::string& subject, const std::string& code);

  // The caseworker's side; `subject` is the caller.
  absl::StatusOr<std::vector<WaitingEntry>> WaitingRoom(const std::string& subject,
                                                        const std::string& date);
  absl::StatusOr<WaitingEntry> Admit(const std::string& subject, const std::string& code);
  absl::StatusOr<WaitingEntry> MarkIdentityChecked(const std::string& subject,
                                                   const std::string& code);
  absl::StatusOr<WaitingEntry> MarkNoShow(const std::string& subject, const std::string& code);
  absl::StatusOr<WaitingEntry> Close(const std::string& subject, const std::string& code,
                                     const std::string& outcome);
  absl::StatusOr<JoinLink> Host(const std::string& subject, const std::string& code);

  // Checks a join token for the consultation's room as the platform would.
  absl::StatusOr<JoinClaims> VerifyToken(const std::string& code, const std::string& token);

 private:
  struct Candidate {
    const Caseworker* caseworker;
    booking::PlacedSlot slot;
    int load = 0;  // buckets booked or held that day
  };
  // A consultation with its visit, loaded for one caller's action.
  struct Loaded {
    booking::BookingRecord record;
    const Topic* topic = nullptr;
    Visit visit;
  };

  absl::StatusOr<const Topic*> TopicFor(const std::string& topic_id) const;
  // The caseworkers free for the whole slot at `start`, least loaded first.
  absl::StatusOr<std::vector<Candidate>> FreeCaseworkers(const Topic& topic, absl::Time start);
  absl::StatusOr<Loaded> Load(const std::string& code);
  absl::StatusOr<Loaded> LoadForCitizen(const std::string& subject, const std::string& code);
  absl::StatusOr<Loaded> LoadForCaseworker(const std::string& subject, const std::string& code);
  absl::StatusOr<const Caseworker*> CaseworkerCalling(const std::string& subject) const;
  // Applies one waiting-room step (compare and set on `loaded.visit.state`).
  absl::StatusOr<Visit> Step(const Loaded& loaded, Visit to, const std::string& event);
  absl::StatusOr<ConsultationView> View(const booking::BookingRecord& record, Visit visit,
                                        std::string manage_token);
  WaitingEntry Entry(const booking::BookingRecord& record, const Topic& topic,
                     const Visit& visit) const;
  JoinLink Link(const booking::BookingRecord& record, JoinClaims claims) const;
  absl::Time JoinFrom(const booking::BookingRecord& record) const;

  const VideoCatalog& catalog_;
  VisitRepository& visits_;
  const Clock& clock_;
  booking::BookingCore core_;
  VideoSettings settings_;
  std::string user_key_;  // pseudonymous participant ids
};

}  // namespace stadt::video
