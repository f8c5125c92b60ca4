#include "services/daycare/domain/season.h"

#include "services/common/reason.h"

namespace stadt::daycare {

using Kind = Participation::Kind;

Season::Season(Allocator allocator)
    : allocator_(std::move(allocator)), status_(allocator_.instance().applications.size()) {}

absl::StatusOr<const RoundResult*> Season::PublishRound(absl::Time now, absl::Time deadline) {
  ExpireOffers(now);
  for (const ApplicantStatus& status : status_) {
    if (status.offer == OfferState::kOpen) {
      return WithReason(
          absl::FailedPreconditionError("offers of the previous round are still open"),
          "offers_still_open");
    }
  }
  if (deadline <= now) return absl::InvalidArgumentError("deadline: must be in the future");
  std::vector<Participation> participation;
  participation.reserve(status_.size());
  for (const ApplicantStatus& status : status_) participation.push_back(status.participation);
  last_result_ = allocator_.Run(participation);
  ++rounds_;
  for (uint32_t a = 0; a < status_.size(); ++a) {
    ApplicantStatus& status = status_[a];
    const int32_t program = last_result_.placements[a].program;
    if (status.participation.kind == Kind::kHoldsPlace) {
      // Moving up is automatic; the better place is accepted as well.
      if (program != status.participation.program) {
        status.participation.program = program;
        status.offered_program = program;
        status.offered_round = rounds_;
      }
      continue;
    }
    if (status.participation.kind != Kind::kOpen || program < 0) continue;
    status.offer = OfferState::kOpen;
    ++counts_.made;
    status.offered_program = program;
    status.offered_round = rounds_;
    status.deadline = deadline;
  }
  return &last_result_;
}

absl::StatusOr<uint32_t> Season::OpenOffer(std::string_view application_id, absl::Time now) {
  std::optional<uint32_t> found = allocator_.FindApplication(application_id);
  if (!found) return absl::NotFoundError("application not found");
  ApplicantStatus& status = status_[*found];
  if (status.offer == OfferState::kOpen && now >= status.deadline) {
    status.offer = OfferState::kExpired;
    ++counts_.expired;
    status.participation = Participation{Kind::kOut, -1, {}};
  }
  return *found;
}

absl::Status Season::Accept(std::string_view application_id, absl::Time now) {
  absl::StatusOr<uint32_t> found = OpenOffer(application_id, now);
  if (!found.ok()) return found.status();
  ApplicantStatus& status = status_[*found];
  switch (status.offer) {
    case OfferState::kAccepted:
      return absl::OkStatus();
    case OfferState::kOpen:
      status.offer = OfferState::kAccepted;
      ++counts_.accepted;
      status.participation.kind = Kind::kHoldsPlace;
      status.participation.program = status.offered_program;
      return absl::OkStatus();
    case OfferState::kExpired:
      return absl::FailedPreconditionError("the offer has expired");
    case OfferState::kDeclined:
      return absl::FailedPreconditionError("the offer was declined");
    case OfferState::kWithdrawn:
      return absl::FailedPreconditionError("the application was withdrawn");
    case OfferState::kNone:
      break;
  }
  return absl::FailedPreconditionError("there is no offer to accept");
}

absl::Status Season::Decline(std::string_view application_id, absl::Time now) {
  absl::StatusOr<uint32_t> found = OpenOffer(application_id, now);
  if (!found.ok()) return found.status();
  ApplicantStatus& status = status_[*found];
  switch (status.offer) {
    case OfferState::kDeclined:
      return absl::OkStatus();
    case OfferState::kOpen:
      status.offer = OfferState::kDeclined;
      ++counts_.declined;
      status.participation.declined_programs.push_back(status.offered_program);
      return absl::OkStatus();
    case OfferState::kExpired:
      return absl::FailedPreconditionError("the offer has expired");
    case OfferState::kAccepted:
      return absl::FailedPreconditionError("the offer was already accepted");
    case OfferState::kWithdrawn:
      return absl::FailedPreconditionError("the application was withdrawn");
    case OfferState::kNone:
      break;
  }
  return absl::FailedPreconditionError("there is no offer to decline");
}

int Season::ExpireOffers(absl::Time now) {
  int expired = 0;
  for (ApplicantStatus& status : status_) {
    if (status.offer != OfferState::kOpen || now < status.deadline) continue;
    status.offer = OfferState::kExpired;
    status.participation = Participation{Kind::kOut, -1, {}};
    ++counts_.expired;
    ++expired;
  }
  return expired;
}

}  // namespace stadt::daycare
