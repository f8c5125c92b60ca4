#include "services/video/domain/consultation_records.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/common/status_macros.h"

namespace stadt::video {
namespace {

absl::Status CheckCode(const std::string& code) {
  if (!booking::IsWellFormedBookingCode(code)) {
    return WithReason(absl::InvalidArgumentError("booking_code: expected a code like K7M-4QX-P2A"),
                      "not_a_booking_code");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NoSuchConsultation() {
  return WithReason(absl::NotFoundError("no such consultation"), "booking_not_found");
}

ConsultationRecords::ConsultationRecords(const VideoCatalog& catalog,
                                         booking::BookingRepository& bookings,
                                         VisitRepository& visits, const Clock& clock,
                                         booking::Calendar calendar,
                                         const booking::BookingSecrets& secrets,
                                         VideoSettings settings, ScheduleRepository* schedules)
    : catalog_(catalog),
      visits_(visits),
      clock_(clock),
      core_(bookings, clock, calendar, secrets),
      settings_(std::move(settings)),
      schedules_(schedules) {}

absl::StatusOr<std::vector<Caseworker>> ConsultationRecords::ScheduledCaseworkersFor(
    const std::string& topic_id) {
  std::vector<Caseworker> caseworkers;
  std::vector<std::string> ids;
  for (const Caseworker* caseworker : catalog_.CaseworkersFor(topic_id)) {
    caseworkers.push_back(*caseworker);
    ids.push_back(caseworker->id);
  }
  if (schedules_ == nullptr || ids.empty()) return caseworkers;
  absl::StatusOr<std::vector<ScheduleOverride>> changes = schedules_->Get(ids);
  if (!changes.ok()) return changes.status();
  for (size_t i = 0; i < caseworkers.size() && i < changes->size(); ++i) {
    caseworkers[i] = Apply(std::move(caseworkers[i]), (*changes)[i]);
  }
  return caseworkers;
}

absl::StatusOr<Caseworker> ConsultationRecords::Scheduled(const Caseworker& caseworker) {
  if (schedules_ == nullptr) return caseworker;
  absl::StatusOr<std::vector<ScheduleOverride>> changes = schedules_->Get({caseworker.id});
  if (!changes.ok()) return changes.status();
  return Apply(caseworker, changes->empty() ? ScheduleOverride{} : changes->front());
}

const Topic* ConsultationRecords::TopicOf(const booking::BookingRecord& record) const {
  return record.service_ids.empty() ? nullptr : catalog_.FindTopic(record.service_ids[0]);
}

absl::StatusOr<ConsultationRecords::Loaded> ConsultationRecords::Load(const std::string& code) {
  STADT_RETURN_IF_ERROR(CheckCode(code));
  absl::StatusOr<booking::BookingRecord> record = core_.repository().GetBooking(code);
  if (record.status().code() == absl::StatusCode::kNotFound) return NoSuchConsultation();
  if (!record.ok()) return record.status();
  Loaded loaded;
  loaded.topic = TopicOf(*record);
  if (loaded.topic == nullptr) return NoSuchConsultation();
  absl::StatusOr<Visit> visit = visits_.Get(code);
  if (!visit.ok()) return visit.status();
  loaded.record = *std::move(record);
  loaded.visit = *std::move(visit);
  return loaded;
}

absl::Time ConsultationRecords::JoinFrom(const booking::BookingRecord& record) const {
  return record.start - settings_.join_lead;
}

absl::Time ConsultationRecords::JoinUntil(const booking::BookingRecord& record) const {
  return record.end + settings_.rejoin_margin;
}

absl::StatusOr<ConsultationView> ConsultationRecords::View(const booking::BookingRecord& record,
                                                           Visit visit, std::string manage_token) {
  ConsultationView view;
  view.record = record;
  view.manage_token = std::move(manage_token);
  view.visit = std::move(visit);
  view.join_from = JoinFrom(record);
  if (const Topic* topic = TopicOf(record)) view.topic = *topic;
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

}  // namespace stadt::video
