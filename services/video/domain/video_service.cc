#include "services/video/domain/video_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/crypto/crypto.h"
#include "services/common/status_macros.h"

namespace stadt::video {
namespace {

constexpr int kSearchChunkDays = 7;
constexpr size_t kMaxVersionLength = 32;
constexpr std::array<std::string_view, 4> kOutcomes = {"resolved", "follow-up", "referred",
                                                       "aborted"};

absl::Status NoSuchConsultation() {
  // The same answer for an unknown code and somebody else's consultation, so
  // nobody can probe which codes exist.
  return absl::NotFoundError("no such consultation");
}

absl::Status CheckCode(const std::string& code) {
  if (!booking::IsWellFormedBookingCode(code)) {
    return absl::InvalidArgumentError("booking_code: expected a code like K7M-4QX-P2A");
  }
  return absl::OkStatus();
}

int BucketsTaken(const booking::DayUsage& usage) {
  int load = 0;
  for (const auto& [bucket, count] : usage.booked) load += count;
  for (const auto& [first, length] : usage.holds) load += length;
  return load;
}

}  // namespace

VideoService::VideoService(const VideoCatalog& catalog, booking::BookingRepository& bookings,
                           VisitRepository& visits, const Clock& clock, booking::Calendar calendar,
                           const booking::BookingSecrets& secrets, VideoSettings settings)
    : catalog_(catalog),
      visits_(visits),
      clock_(clock),
      core_(bookings, clock, calendar, secrets),
      settings_(std::move(settings)),
      user_key_(crypto::HmacSha256(secrets.token_key, "stadt.video.participant.v1")) {}

absl::StatusOr<const Topic*> VideoService::TopicFor(const std::string& topic_id) const {
  if (!booking::IsValidId(topic_id)) return absl::InvalidArgumentError("topic_id: invalid");
  const Topic* topic = catalog_.FindTopic(topic_id);
  if (topic == nullptr) return absl::NotFoundError("topic_id: unknown topic");
  return topic;
}

absl::StatusOr<std::vector<VideoSlot>> VideoService::SearchSlots(const std::string& topic_id,
                                                                 const std::string& from_date,
                                                                 const std::string& to_date,
                                                                 int limit) {
  if (limit < 0 || limit > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must be 0 to ", kMaxLimit));
  }
  const size_t wanted = limit == 0 ? kDefaultLimit : limit;
  absl::StatusOr<const Topic*> topic = TopicFor(topic_id);
  if (!topic.ok()) return topic.status();
  absl::StatusOr<std::vector<absl::CivilDay>> days =
      core_.Days(from_date, to_date, core_.rules().horizon_days + 1);
  if (!days.ok()) return days.status();
  const std::vector<const Caseworker*> caseworkers = catalog_.CaseworkersFor(topic_id);
  const int buckets = booking::BucketsFor((*topic)->duration_minutes, catalog_.slot_minutes);

  // A time is free when any caseworker of the topic is; the days are scanned
  // in order, so the first day that completes the limit ends the search.
  std::set<absl::Time> found;
  for (size_t first = 0; first < days->size() && found.size() < wanted && !caseworkers.empty();
       first += kSearchChunkDays) {
    const size_t last = std::min(days->size(), first + kSearchChunkDays);
    std::vector<booking::ResourceDay> keys;
    for (size_t d = first; d < last; ++d) {
      for (const Caseworker* caseworker : caseworkers) {
        keys.push_back({caseworker->id, booking::FormatDate((*days)[d])});
      }
    }
    absl::StatusOr<std::vector<booking::DayUsage>> usage =
        core_.repository().GetUsage(keys, clock_.Now());
    if (!usage.ok()) return usage.status();
    size_t index = 0;
    for (size_t d = first; d < last && found.size() < wanted; ++d) {
      for (const Caseworker* caseworker : caseworkers) {
        const booking::DayPlan plan = PlanDay(*caseworker, (*days)[d], catalog_.slot_minutes);
        for (absl::Time start : core_.FreeStartTimes(plan, (*usage)[index++], buckets, wanted)) {
          found.insert(start);
        }
      }
    }
  }
  std::vector<VideoSlot> slots;
  for (absl::Time start : found) {
    if (slots.size() == wanted) break;
    slots.push_back({topic_id, start, (*topic)->duration_minutes});
  }
  return slots;
}

absl::StatusOr<std::vector<VideoService::Candidate>> VideoService::FreeCaseworkers(
    const Topic& topic, absl::Time start) {
  absl::StatusOr<booking::GridPosition> position = core_.Locate(start, catalog_.slot_minutes);
  if (!position.ok()) return position.status();
  std::vector<Candidate> candidates;
  std::vector<booking::ResourceDay> keys;
  for (const Caseworker* caseworker : catalog_.CaseworkersFor(topic.id)) {
    absl::StatusOr<booking::PlacedSlot> slot =
        core_.Fit(caseworker->id, PlanDay(*caseworker, position->day, catalog_.slot_minutes),
                  *position, topic.duration_minutes);
    if (!slot.ok()) continue;  // not working then
    candidates.push_back({caseworker, *std::move(slot), 0});
    keys.push_back({caseworker->id, booking::FormatDate(position->day)});
  }
  if (candidates.empty()) {
    return absl::FailedPreconditionError("start: no caseworker consults on this topic then");
  }
  absl::StatusOr<std::vector<booking::DayUsage>> usage =
      core_.repository().GetUsage(keys, clock_.Now());
  if (!usage.ok()) return usage.status();
  for (size_t i = 0; i < candidates.size(); ++i) candidates[i].load = BucketsTaken((*usage)[i]);
  // Fair: the least booked that day first; ties keep the seed order.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.load < b.load; });
  return candidates;
}

absl::StatusOr<VideoHold> VideoService::CreateHold(const std::string& client,
                                                   const std::string& topic_id, absl::Time start) {
  if (client.empty()) return absl::UnauthenticatedError("holding a slot needs a signed-in citizen");
  absl::StatusOr<const Topic*> topic = TopicFor(topic_id);
  if (!topic.ok()) return topic.status();
  absl::StatusOr<std::vector<Candidate>> candidates = FreeCaseworkers(**topic, start);
  if (!candidates.ok()) return candidates.status();
  // The store settles every race: a caseworker taken meanwhile answers
  // ABORTED, and the next one is tried.
  for (const Candidate& candidate : *candidates) {
    absl::StatusOr<booking::HoldRecord> hold = core_.Hold(client, candidate.slot, {topic_id});
    if (hold.ok()) {
      return VideoHold{
          hold->hold_id, {topic_id, hold->start, (*topic)->duration_minutes}, hold->expires_at};
    }
    if (hold.status().code() != absl::StatusCode::kAborted) return hold.status();
  }
  return absl::AbortedError("the slot is no longer free");
}

absl::StatusOr<ConsultationView> VideoService::Confirm(const std::string& client,
                                                       const std::string& hold_id,
                                                       const booking::Contact& contact) {
  absl::StatusOr<booking::ConfirmedBooking> confirmed =
      core_.Confirm(client, hold_id, contact, NewRoomName());
  if (!confirmed.ok()) return confirmed.status();
  return View(confirmed->record, Visit{}, confirmed->manage_token);
}

absl::StatusOr<ConsultationView> VideoService::Lookup(const std::string& code,
                                                      const std::string& token) {
  absl::StatusOr<booking::BookingRecord> record = core_.Authorize(code, token);
  if (!record.ok()) return record.status();
  absl::StatusOr<Visit> visit = visits_.Get(code);
  if (!visit.ok()) return visit.status();
  return View(*record, *visit, "");
}

absl::StatusOr<ConsultationView> VideoService::Cancel(const std::string& code,
                                                      const std::string& token) {
  absl::StatusOr<booking::BookingRecord> record = core_.Authorize(code, token);
  if (!record.ok()) return record.status();
  absl::StatusOr<booking::BookingRecord> cancelled = core_.Cancel(*record);
  if (!cancelled.ok()) return cancelled.status();
  absl::StatusOr<Visit> visit = visits_.Get(code);
  if (!visit.ok()) return visit.status();
  return View(*cancelled, *visit, "");
}

absl::StatusOr<ConsultationView> VideoService::Reschedule(const std::string& code,
                                                          const std::string& token,
                                                          absl::Time start) {
  absl::StatusOr<booking::BookingRecord> record = core_.Authorize(code, token);
  if (!record.ok()) return record.status();
  if (record->status != booking::BookingStatus::kConfirmed) {
    return absl::FailedPreconditionError("the booking is cancelled");
  }
  const Topic* topic =
      record->service_ids.empty() ? nullptr : catalog_.FindTopic(record->service_ids[0]);
  if (topic == nullptr) return absl::FailedPreconditionError("the topic is no longer offered");
  absl::StatusOr<std::vector<Candidate>> candidates = FreeCaseworkers(*topic, start);
  if (!candidates.ok()) return candidates.status();
  for (const Candidate& candidate : *candidates) {
    absl::StatusOr<booking::BookingRecord> moved = core_.Move(*record, candidate.slot);
    if (moved.ok()) return View(*moved, visits_.Get(code).value_or(Visit{}), "");
    if (moved.status().code() != absl::StatusCode::kAborted) return moved.status();
  }
  return absl::AbortedError("the new slot is no longer free; the booking is unchanged");
}

absl::StatusOr<VideoService::Loaded> VideoService::Load(const std::string& code) {
  STADT_RETURN_IF_ERROR(CheckCode(code));
  absl::StatusOr<booking::BookingRecord> record = core_.repository().GetBooking(code);
  if (record.status().code() == absl::StatusCode::kNotFound) return NoSuchConsultation();
  if (!record.ok()) return record.status();
  Loaded loaded;
  loaded.topic = record->service_ids.empty() ? nullptr : catalog_.FindTopic(record->service_ids[0]);
  if (loaded.topic == nullptr) return NoSuchConsultation();
  absl::StatusOr<Visit> visit = visits_.Get(code);
  if (!visit.ok()) return visit.status();
  loaded.record = *std::move(record);
  loaded.visit = *std::move(visit);
  return loaded;
}

absl::StatusOr<VideoService::Loaded> VideoService::LoadForCitizen(const std::string& subject,
                                                                  const std::string& code) {
  if (subject.empty()) return absl::UnauthenticatedError("sign in to see your consultations");
  absl::StatusOr<Loaded> loaded = Load(code);
  if (!loaded.ok()) return loaded.status();
  if (!crypto::ConstantTimeEquals(loaded->record.client, subject)) return NoSuchConsultation();
  return loaded;
}

absl::StatusOr<const Caseworker*> VideoService::CaseworkerCalling(
    const std::string& subject) const {
  const Caseworker* caseworker = catalog_.FindCaseworker(subject);
  if (caseworker == nullptr) {
    return absl::PermissionDeniedError("the caller is not a caseworker of the video service");
  }
  return caseworker;
}

absl::StatusOr<VideoService::Loaded> VideoService::LoadForCaseworker(const std::string& subject,
                                                                     const std::string& code) {
  absl::StatusOr<const Caseworker*> caseworker = CaseworkerCalling(subject);
  if (!caseworker.ok()) return caseworker.status();
  absl::StatusOr<Loaded> loaded = Load(code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->topic->department_id != (*caseworker)->department_id) return NoSuchConsultation();
  return loaded;
}

absl::StatusOr<Visit> VideoService::Step(const Loaded& loaded, Visit to, const std::string& event) {
  const booking::BookingRules& rules = core_.rules();
  VisitStep step{loaded.visit.state, std::move(to), event,
                 loaded.record.end + absl::Hours(24) * rules.retention_days};
  STADT_RETURN_IF_ERROR(visits_.Apply(loaded.record.code, step));
  return step.to;
}

absl::Time VideoService::JoinFrom(const booking::BookingRecord& record) const {
  return record.start - settings_.join_lead;
}

absl::StatusOr<ConsultationView> VideoService::View(const booking::BookingRecord& record,
                                                    Visit visit, std::string manage_token) {
  ConsultationView view;
  view.record = record;
  view.manage_token = std::move(manage_token);
  view.visit = std::move(visit);
  view.join_from = JoinFrom(record);
  if (const Topic* topic =
          record.service_ids.empty() ? nullptr : catalog_.FindTopic(record.service_ids[0])) {
    view.topic = *topic;
  }
  if (const Caseworker* caseworker = catalog_.FindCaseworker(record.resource_id)) {
    view.caseworker_name = caseworker->name;
  }
  absl::StatusOr<booking::Contact> contact = core_.OpenContact(record);
  if (!contact.ok()) return contact.status();
  view.contact = *std::move(contact);
  booking::IcsEvent event;
  event.product = "Video consultations";
  event.uid = absl::StrCat(record.code, "@video.stadtportal");
  event.summary = absl::StrCat("Video consultation: ", view.topic.name);
  event.location = "Video (join from the waiting room in the portal)";
  event.description =
      absl::StrCat("Booking code ", record.code, ". Check in from ",
                   absl::FormatTime("%H:%M", view.join_from, core_.calendar().zone()), ".");
  event.start = record.start;
  event.end = record.end;
  event.stamp = clock_.Now();
  event.cancelled = record.status == booking::BookingStatus::kCancelled;
  view.ics = booking::MakeIcs(event);
  return view;
}

absl::StatusOr<ConsultationView> VideoService::GetConsultation(const std::string& subject,
                                                               const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  return View(loaded->record, loaded->visit, "");
}

absl::StatusOr<ConsultationView> VideoService::RecordConsent(
    const std::string& subject, const std::string& code, const std::string& privacy_notice_version,
    const std::string& terms_version) {
  if (privacy_notice_version.empty() || privacy_notice_version.size() > kMaxVersionLength ||
      terms_version.empty() || terms_version.size() > kMaxVersionLength) {
    return absl::InvalidArgumentError(
        "privacy_notice_version, terms_version: required, at most 32 bytes");
  }
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (privacy_notice_version != settings_.privacy_notice_version ||
      terms_version != settings_.terms_version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consent must be to the current privacy notice (", settings_.privacy_notice_version,
        ") and terms (", settings_.terms_version, ")"));
  }
  if (loaded->visit.state != VisitState::kBooked && loaded->visit.state != VisitState::kConsented) {
    return absl::FailedPreconditionError("consent is recorded before checking in");
  }
  Visit to = loaded->visit;
  to.state = VisitState::kConsented;
  to.privacy_notice_version = privacy_notice_version;
  to.terms_version = terms_version;
  to.consented_at = clock_.Now();
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.consented");
  if (!visit.ok()) return visit.status();
  return View(loaded->record, *visit, "");
}

absl::StatusOr<ConsultationView> VideoService::CheckIn(const std::string& subject,
                                                       const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  const VisitState state = loaded->visit.state;
  if (state == VisitState::kWaiting || state == VisitState::kAdmitted) {
    return View(loaded->record, loaded->visit, "");  // a retry changes nothing
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
  const absl::Time now = clock_.Now();
  if (now < JoinFrom(loaded->record)) {
    return absl::FailedPreconditionError(
        absl::StrCat("check-in opens at ",
                     absl::FormatTime("%H:%M", JoinFrom(loaded->record), core_.calendar().zone())));
  }
  if (now >= loaded->record.end) return absl::FailedPreconditionError("the consultation is over");
  Visit to = loaded->visit;
  to.state = VisitState::kWaiting;
  to.waiting_since = now;
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.waiting");
  if (!visit.ok()) return visit.status();
  return View(loaded->record, *visit, "");
}

JoinLink VideoService::Link(const booking::BookingRecord& record, JoinClaims claims) const {
  JoinLink link;
  link.room = record.attributes;
  claims.room = link.room;
  claims.not_before = JoinFrom(record);
  claims.expires = record.end;
  link.token = SignJoinToken(settings_.jitsi, claims);
  link.url = JoinUrl(settings_.jitsi, link.room, link.token);
  link.valid_from = claims.not_before;
  link.valid_until = claims.expires;
  link.moderator = claims.moderator;
  return link;
}

absl::StatusOr<JoinLink> VideoService::Join(const std::string& subject, const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCitizen(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->visit.state != VisitState::kAdmitted) {
    return absl::FailedPreconditionError(
        "the caseworker has not admitted you yet; please wait in the waiting room");
  }
  if (clock_.Now() >= loaded->record.end) {
    return absl::FailedPreconditionError("the consultation is over");
  }
  JoinClaims claims;
  // A pseudonym: the platform learns neither the sign-in subject nor the code.
  claims.user_id = crypto::Base64Url(crypto::HmacSha256(user_key_, loaded->record.code));
  absl::StatusOr<booking::Contact> contact = core_.OpenContact(loaded->record);
  if (contact.ok()) claims.user_name = contact->name;
  return Link(loaded->record, std::move(claims));
}

WaitingEntry VideoService::Entry(const booking::BookingRecord& record, const Topic& topic,
                                 const Visit& visit) const {
  WaitingEntry entry{record.code, topic, record.start, record.end, record.resource_id, visit};
  if (visit.waiting_since != absl::InfinitePast()) {
    const absl::Time until =
        visit.admitted_at != absl::InfinitePast()
            ? visit.admitted_at
            : (visit.state == VisitState::kWaiting ? clock_.Now() : visit.waiting_since);
    entry.waited = std::max(absl::ZeroDuration(), until - visit.waiting_since);
  }
  return entry;
}

absl::StatusOr<std::vector<WaitingEntry>> VideoService::WaitingRoom(const std::string& subject,
                                                                    const std::string& date) {
  absl::StatusOr<const Caseworker*> caller = CaseworkerCalling(subject);
  if (!caller.ok()) return caller.status();
  if (!booking::IsValidIsoDate(date))
    return absl::InvalidArgumentError("date: expected YYYY-MM-DD");
  std::vector<std::string> codes;
  for (const Caseworker& colleague : catalog_.caseworkers) {
    if (colleague.department_id != (*caller)->department_id) continue;
    absl::StatusOr<std::vector<std::string>> day =
        core_.repository().DayBookings({colleague.id, date});
    if (!day.ok()) return day.status();
    codes.insert(codes.end(), day->begin(), day->end());
  }
  absl::StatusOr<std::map<std::string, Visit>> visits = visits_.GetMany(codes);
  if (!visits.ok()) return visits.status();
  std::vector<WaitingEntry> entries;
  for (const std::string& code : codes) {
    absl::StatusOr<booking::BookingRecord> record = core_.repository().GetBooking(code);
    if (record.status().code() == absl::StatusCode::kNotFound) continue;  // expired meanwhile
    if (!record.ok()) return record.status();
    const Topic* topic =
        record->service_ids.empty() ? nullptr : catalog_.FindTopic(record->service_ids[0]);
    if (topic == nullptr) continue;
    entries.push_back(Entry(*record, *topic, (*visits)[code]));
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const WaitingEntry& a, const WaitingEntry& b) { return a.start < b.start; });
  return entries;
}

absl::StatusOr<WaitingEntry> VideoService::Admit(const std::string& subject,
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
  to.admitted_at = clock_.Now();
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.admitted");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<WaitingEntry> VideoService::MarkIdentityChecked(const std::string& subject,
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
  to.identity_checked_at = clock_.Now();
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.identity_checked");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<WaitingEntry> VideoService::MarkNoShow(const std::string& subject,
                                                      const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->visit.state == VisitState::kNoShow) {
    return Entry(loaded->record, *loaded->topic, loaded->visit);
  }
  if (loaded->visit.state != VisitState::kBooked && loaded->visit.state != VisitState::kConsented) {
    return absl::FailedPreconditionError("the citizen has checked in");
  }
  const absl::Time now = clock_.Now();
  if (now < loaded->record.start + settings_.no_show_grace) {
    return absl::FailedPreconditionError("the grace period after the start has not passed yet");
  }
  Visit to = loaded->visit;
  to.state = VisitState::kNoShow;
  to.ended_at = now;
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.no_show");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<WaitingEntry> VideoService::Close(const std::string& subject,
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
  to.ended_at = clock_.Now();
  to.outcome = outcome;
  absl::StatusOr<Visit> visit = Step(*loaded, std::move(to), "consultation.closed");
  if (!visit.ok()) return visit.status();
  return Entry(loaded->record, *loaded->topic, *visit);
}

absl::StatusOr<JoinLink> VideoService::Host(const std::string& subject, const std::string& code) {
  absl::StatusOr<Loaded> loaded = LoadForCaseworker(subject, code);
  if (!loaded.ok()) return loaded.status();
  if (loaded->record.status != booking::BookingStatus::kConfirmed ||
      loaded->visit.state == VisitState::kClosed || loaded->visit.state == VisitState::kNoShow ||
      clock_.Now() >= loaded->record.end) {
    return absl::FailedPreconditionError("the consultation is over or cancelled");
  }
  const Caseworker* caseworker = catalog_.FindCaseworker(subject);
  JoinClaims claims;
  claims.user_id = caseworker->id;
  claims.user_name = caseworker->name;
  claims.moderator = true;
  return Link(loaded->record, std::move(claims));
}

absl::StatusOr<JoinClaims> VideoService::VerifyToken(const std::string& code,
                                                     const std::string& token) {
  absl::StatusOr<Loaded> loaded = Load(code);
  // Anonymous callers learn nothing about which codes exist.
  if (loaded.status().code() == absl::StatusCode::kNotFound) {
    return absl::PermissionDeniedError("join token refused: for another consultation");
  }
  if (!loaded.ok()) return loaded.status();
  if (loaded->record.status != booking::BookingStatus::kConfirmed) {
    return absl::PermissionDeniedError("join token refused: the booking is cancelled");
  }
  return VerifyJoinToken(settings_.jitsi, token, loaded->record.attributes, clock_.Now());
}

}  // namespace stadt::video
