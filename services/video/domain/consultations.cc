#include "services/video/domain/consultations.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/refusal.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status_macros.h"

namespace stadt::video {
namespace {

constexpr size_t kMaxVersionLength = 32;
constexpr std::array<std::string_view, 4> kOutcomes = {"resolved", "follow-up", "referred",
                                                       "aborted"};

}  // namespace

Consultations::Consultations(ConsultationRecords& records, const booking::BookingSecrets& secrets)
    : records_(records),
      user_key_(crypto::HmacSha256(secrets.token_key, "stadt.video.participant.v1")) {}

absl::StatusOr<Consultations::Loaded> Consultations::LoadForCitizen(const std::string& subject,
                                                                    const std::string& code) {
  if (subject.empty()) return absl::UnauthenticatedError("sign in to see your consultations");
  absl::StatusOr<Loaded> loaded = records_.Load(code);
  if (!loaded.ok()) return loaded.status();
  if (!crypto::ConstantTimeEquals(loaded->record.client, subject)) return NoSuchConsultation();
  return loaded;
}

absl::StatusOr<const Caseworker*> Consultations::CaseworkerCalling(
    const std::string& subject) const {
  const Caseworker* caseworker = catalog().FindCaseworker(subject);
  if (caseworker == nullptr) {
    return absl::PermissionDeniedError("the caller is not a caseworker of the video service");
  }
  return caseworker;
}

absl::StatusOr<Consultations::Loaded> Consultations::LoadForCaseworker(const std::string& subject,
                                                                       const std::string& code) {
  absl::StatusOr<const Caseworker*> caseworker = CaseworkerCalling(subject);
  if (!caseworker.ok()) return caseworker.status();
  absl::StatusOr<Loaded> loaded = records_.Load(code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->topic->department_id != (*caseworker)->department_id) return NoSuchConsultation();
  return loaded;
}

absl::StatusOr<Visit> Consultations::Step(const Loaded& loaded, Visit to,
                                          const std::string& event) {
  const booking::BookingRules& rules = core().rules();
  VisitStep step{loaded.visit.state, std::move(to), event,
                 loaded.record.end + absl::Hours(24) * rules.retention_days};
  STADT_RETURN_IF_ERROR(records_.visits().Apply(loaded.record.code, step));
  return step.to;
}

absl::StatusOr<ConsultationView> Consultations::GetConsultation(const std::string& subject,
                                                                const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  return records_.View(loaded->record, loaded->visit, "");
}

absl::StatusOr<ConsultationView> Consultations::RecordConsent(
    const std::string& subject, const std::string& code, const std::string& privacy_notice_version,
    const std::string& terms_version) {
  if (privacy_notice_version.empty() || privacy_notice_version.size() > kMaxVersionLength ||
      terms_version.empty() || terms_version.size() > kMaxVersionLength) {
    return absl::InvalidArgumentError(
        "privacy_notice_version, terms_version: required, at most 32 bytes");
  }
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (privacy_notice_version != settings().privacy_notice_version ||
      terms_version != settings().terms_version) {
    return booking::Refusal(absl::StatusCode::kFailedPrecondition, "consent_version_not_current",
                            absl::StrCat("Bitte stimmen Sie den aktuellen Datenschutzhinweisen (",
                                         settings().privacy_notice_version,
                                         ") und Nutzungsbedingungen (", settings().terms_version,
                                         ") zu. / Consent must be to the current privacy "
                                         "notice (",
                                         settings().privacy_notice_version, ") and terms (",
                                         settings().terms_version, ")."));
  }
  if (loaded->visit.state != VisitState::kBooked && loaded->visit.state != VisitState::kConsented) {
    return absl::FailedPreconditionError("consent is recorded before checking in");
  }
  Visit to = loaded->visit;
  to.state = VisitState::kConsented;
  to.privacy_notice_version = privacy_notice_version;
  to.terms_version = terms_version;
  to.consented_at = Now();
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.consented");
  if (!visit.ok()) return visit.status();
  return records_.View(loaded->record, *visit, "");
}

absl::StatusOr<ConsentText> Consultations::ConsentTextOf(std::string_view kind_slug,
                                                         std::string_view version) const {
  absl::StatusOr<ConsentKind> kind = ConsentKindFromSlug(kind_slug);
  const ConsentText* text = kind.ok() ? settings().consent_texts.Of(*kind).Find(version) : nullptr;
  if (text == nullptr) {
    return booking::Refusal(absl::StatusCode::kNotFound, "consent_text_not_found",
                            "Diese Fassung gibt es nicht. / No such version of the text.");
  }
  return *text;
}

const std::string& Consultations::CurrentVersion(ConsentKind kind) const {
  return kind == ConsentKind::kPrivacyNotice ? settings().privacy_notice_version
                                             : settings().terms_version;
}

absl::StatusOr<ConsultationView> Consultations::CheckIn(const std::string& subject,
                                                        const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  const VisitState state = loaded->visit.state;
  if (state == VisitState::kWaiting || state == VisitState::kAdmitted) {
    return records_.View(loaded->record, loaded->visit, "");  // a retry changes nothing
  }
  if (loaded->record.status != booking::BookingStatus::kConfirmed) {
    return absl::FailedPreconditionError("the booking is cancelled");
  }
  if (state == VisitState::kBooked) {
    return absl::FailedPreconditionError("record your consent before checking in");
  }
  if (state != VisitState::kConsented) {
    return absl::FailedPreconditionError("the consultation is over");
  }
  const absl::Time now = Now();
  if (now < records_.JoinFrom(loaded->record)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "check-in opens at ",
        absl::FormatTime("%H:%M", records_.JoinFrom(loaded->record), core().calendar().zone())));
  }
  if (now >= loaded->record.end) return absl::FailedPreconditionError("the consultation is over");
  Visit to = loaded->visit;
  to.state = VisitState::kWaiting;
  to.waiting_since = now;
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.waiting");
  if (!visit.ok()) return visit.status();
  return records_.View(loaded->record, *visit, "");
}

JoinLink Consultations::Link(const booking::BookingRecord& record, JoinClaims claims) const {
  JoinLink link;
  link.room = record.attributes;
  claims.room = link.room;
  claims.not_before = records_.JoinFrom(record);
  claims.expires = records_.JoinUntil(record);
  link.token = SignJoinToken(settings().jitsi, claims);
  link.url = JoinUrl(settings().jitsi, link.room, link.token);
  link.valid_from = claims.not_before;
  link.valid_until = claims.expires;
  link.moderator = claims.moderator;
  return link;
}

absl::StatusOr<JoinLink> Consultations::Join(const std::string& subject, const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->visit.state != VisitState::kAdmitted) {
    return absl::FailedPreconditionError(
        "the caseworker has not admitted you yet; please wait in the waiting room");
  }
  // Admitted and still running (or run over, within the rejoin margin): a
  // citizen whose connection dropped joins again with a new link.
  if (Now() >= records_.JoinUntil(loaded->record)) {
    return absl::FailedPreconditionError("the consultation is over");
  }
  JoinClaims claims;
  // A pseudonym: the platform learns neither the sign-in subject nor the code.
  claims.user_id = crypto::Base64Url(crypto::HmacSha256(user_key_, loaded->record.code));
  absl::StatusOr<booking::Contact> contact = core().OpenContact(loaded->record);
  if (contact.ok()) claims.user_name = contact->name;
  return Link(loaded->record, std::move(claims));
}

WaitingEntry Consultations::Entry(const booking::BookingRecord& record, const Topic& topic,
                                  const Visit& visit) const {
  WaitingEntry entry{record.code, topic, record.start, record.end, record.resource_id, visit};
  if (visit.waiting_since != absl::InfinitePast()) {
    const absl::Time until =
        visit.admitted_at != absl::InfinitePast()
            ? visit.admitted_at
            : (visit.state == VisitState::kWaiting ? Now() : visit.waiting_since);
    entry.waited = std::max(absl::ZeroDuration(), until - visit.waiting_since);
  }
  return entry;
}

absl::StatusOr<std::vector<WaitingEntry>> Consultations::WaitingRoom(const std::string& subject,
                                                                     const std::string& date) {
  absl::StatusOr<const Caseworker*> caller = CaseworkerCalling(subject);
  if (!caller.ok()) return caller.status();
  if (!booking::IsValidIsoDate(date))
    return absl::InvalidArgumentError("date: expected YYYY-MM-DD");
  std::vector<std::string> codes;
  for (const Caseworker& colleague : catalog().caseworkers) {
    if (colleague.department_id != (*caller)->department_id) continue;
    absl::StatusOr<std::vector<std::string>> day =
        core().repository().DayBookings({colleague.id, date});
    if (!day.ok()) return day.status();
    codes.insert(codes.end(), day->begin(), day->end());
  }
  absl::StatusOr<std::map<std::string, Visit>> visits = records_.visits().GetMany(codes);
  if (!visits.ok()) return visits.status();
  std::vector<WaitingEntry> entries;
  for (const std::string& code : codes) {
    absl::StatusOr<booking::BookingRecord> record = core().repository().GetBooking(code);
    if (record.status().code() == absl::StatusCode::kNotFound) continue;  // expired meanwhile
    if (!record.ok()) return record.status();
    const Topic* topic = records_.TopicOf(*record);
    if (topic == nullptr) continue;
    entries.push_back(Entry(*record, *topic, (*visits)[code]));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const WaitingEntry& a, const WaitingEntry& b) { return a.start < b.start; });
  return entries;
}

absl::StatusOr<WaitingEntry> Consultations::Admit(const std::string& subject,
                                                  const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->visit.state == VisitState::kAdmitted) {
    return Entry(loaded->record, *loaded->topic, loaded->visit);
  }
  if (loaded->visit.state != VisitState::kWaiting) {
    return absl::FailedPreconditionError("only a citizen in the waiting room can be admitted");
  }
  Visit to = loaded->visit;
  to.state = VisitState::kAdmitted;
  to.admitted_at = Now();
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.admitted");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<WaitingEntry> Consultations::MarkIdentityChecked(const std::string& subject,
                                                                const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->topic->id_check_required) {
    return absl::FailedPreconditionError("this topic needs no ID check");
  }
  if (loaded->visit.state != VisitState::kAdmitted) {
    return absl::FailedPreconditionError("the ID check happens in the call, after admission");
  }
  if (loaded->visit.identity_checked_at != absl::InfinitePast()) {
    return Entry(loaded->record, *loaded->topic, loaded->visit);
  }
  Visit to = loaded->visit;
  to.identity_checked_at = Now();
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.identity_checked");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<WaitingEntry> Consultations::MarkNoShow(const std::string& subject,
                                                       const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->visit.state == VisitState::kNoShow) {
    return Entry(loaded->record, *loaded->topic, loaded->visit);
  }
  if (loaded->visit.state != VisitState::kBooked && loaded->visit.state != VisitState::kConsented) {
    return absl::FailedPreconditionError("the citizen has checked in");
  }
  const absl::Time now = Now();
  if (now < loaded->record.start + settings().no_show_grace) {
    return absl::FailedPreconditionError("the grace period after the start has not passed yet");
  }
  Visit to = loaded->visit;
  to.state = VisitState::kNoShow;
  to.ended_at = now;
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.no_show");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<WaitingEntry> Consultations::Close(const std::string& subject,
                                                  const std::string& code,
                                                  const std::string& outcome) {
  if (std::find(kOutcomes.begin(), kOutcomes.end(), outcome) == kOutcomes.end()) {
    return absl::InvalidArgumentError("outcome: one of resolved, follow-up, referred, aborted");
  }
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->visit.state != VisitState::kAdmitted) {
    return absl::FailedPreconditionError("only an admitted consultation can be closed");
  }
  if (loaded->topic->id_check_required && outcome == "resolved" &&
      loaded->visit.identity_checked_at == absl::InfinitePast()) {
    return absl::FailedPreconditionError("this topic needs the ID check before it is resolved");
  }
  Visit to = loaded->visit;
  to.state = VisitState::kClosed;
  to.ended_at = Now();
  to.outcome = outcome;
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.closed");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<JoinLink> Consultations::Host(const std::string& subject, const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->record.status != booking::BookingStatus::kConfirmed ||
      loaded->visit.state == VisitState::kClosed || loaded->visit.state == VisitState::kNoShow ||
      Now() >= records_.JoinUntil(loaded->record)) {
    return absl::FailedPreconditionError("the consultation is over or cancelled");
  }
  const Caseworker* caseworker = catalog().FindCaseworker(subject);
  JoinClaims claims;
  claims.user_id = caseworker->id;
  claims.user_name = caseworker->name;
  claims.moderator = true;
  return Link(loaded->record, std::move(claims));
}

absl::StatusOr<JoinClaims> Consultations::VerifyToken(const std::string& code,
                                                      const std::string& token) {
  absl::StatusOr<Loaded> loaded = records_.Load(code);
  // Anonymous callers learn nothing about which codes exist.
  if (loaded.status().code() == absl::StatusCode::kNotFound) {
    return absl::PermissionDeniedError("join token refused: for another consultation");
  }
  if (!loaded.ok()) return loaded.status();
  if (loaded->record.status != booking::BookingStatus::kConfirmed) {
    return absl::PermissionDeniedError("join token refused: the booking is cancelled");
  }
  return VerifyJoinToken(settings().jitsi, token, loaded->record.attributes, Now());
}

}  // namespace stadt::video
