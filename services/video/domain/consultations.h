#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/video/domain/catalog.h"
#include "services/video/domain/consultation_records.h"
#include "services/video/domain/join_token.h"
#include "services/video/domain/visit.h"

namespace stadt::video {

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

// A booked consultation's life: consent, check-in, the waiting room,
// admission, the ID check, no-show, closing and the join tokens. Who may do
// what:
//  - the citizen who booked (token subject) sees and acts on their own
//    consultations only; anybody else gets NOT_FOUND;
//  - a caseworker (token subject = caseworker id) acts on the consultations of
//    their own department only; others are NOT_FOUND to them.
// Admitted, no-show and closed each happen in exactly one method here (Admit,
// MarkNoShow, Close), the places to record figures.
class Consultations {
 public:
  // `secrets` key the pseudonyms the video platform sees instead of citizens.
  Consultations(ConsultationRecords& records, const booking::BookingSecrets& secrets);

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

  // One published version of the privacy notice or the terms: NOT_FOUND
  // [consent_text_not_found] for an unknown kind or version.
  absl::StatusOr<ConsentText> ConsentTextOf(std::string_view kind_slug,
                                            std::string_view version) const;
  // The version of `kind` a consent must name now.
  const std::string& CurrentVersion(ConsentKind kind) const;

  // Checks a join token for the consultation's room as the platform would.
  absl::StatusOr<JoinClaims> VerifyToken(const std::string& code, const std::string& token);

 private:
  using Loaded = ConsultationRecords::Loaded;

  const VideoCatalog& catalog() const { return records_.catalog(); }
  const VideoSettings& settings() const { return records_.settings(); }
  booking::BookingCore& core() { return records_.core(); }
  absl::Time Now() const { return records_.clock().Now(); }

  absl::StatusOr<Loaded> LoadForCitizen(const std::string& subject, const std::string& code);
  absl::StatusOr<Loaded> LoadForCaseworker(const std::string& subject, const std::string& code);
  absl::StatusOr<const Caseworker*> CaseworkerCalling(const std::string& subject) const;
  // Applies one waiting-room step (compare and set on `loaded.visit.state`).
  absl::StatusOr<Visit> Step(const Loaded& loaded, Visit to, const std::string& event);
  WaitingEntry Entry(const booking::BookingRecord& record, const Topic& topic,
                     const Visit& visit) const;
  JoinLink Link(const booking::BookingRecord& record, JoinClaims claims) const;

  ConsultationRecords& records_;
  std::string user_key_;  // pseudonymous participant ids
};

}  // namespace stadt::video
