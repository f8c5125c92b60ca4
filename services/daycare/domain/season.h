#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/daycare/domain/allocation.h"

namespace stadt::daycare {

// kWithdrawn: the guardian withdrew the application (the service's season only).
enum class OfferState { kNone, kOpen, kAccepted, kDeclined, kExpired, kWithdrawn };

struct ApplicantStatus {
  Participation participation;  // how it takes part in the next round
  OfferState offer = OfferState::kNone;
  int32_t offered_program = -1;
  int32_t offered_round = 0;
  absl::Time deadline;
};

// The rounds of one allocation season, in memory:
//  - PublishRound runs the matching: the first round for everyone, later rounds are
//    move-up rounds. Every child without a place gets an offer with `deadline`.
//  - Accept fixes the place. A child who accepted keeps that place in every later round
//    and moves up automatically when a higher choice becomes free: it ranked that choice
//    higher, and its old place then goes to the next child.
//  - Decline frees the place; the child stays in for its other choices.
//  - An offer not answered by its deadline expires: the place is freed and the
//    application leaves the procedure.
// KPIs of a season so far.
struct OfferCounts {
  uint32_t made = 0;
  uint32_t accepted = 0;
  uint32_t declined = 0;
  uint32_t expired = 0;
};

class Season {
 public:
  explicit Season(Allocator allocator);

  // Fails with FAILED_PRECONDITION while an offer is still open before its deadline.
  absl::StatusOr<const RoundResult*> PublishRound(absl::Time now, absl::Time deadline);

  // Idempotent: accepting an accepted offer (or declining a declined one) again is OK.
  absl::Status Accept(std::string_view application_id, absl::Time now);
  absl::Status Decline(std::string_view application_id, absl::Time now);
  // Expires every open offer whose deadline has passed; returns how many.
  int ExpireOffers(absl::Time now);

  int rounds() const { return rounds_; }
  const OfferCounts& offer_counts() const { return counts_; }
  const Allocator& allocator() const { return allocator_; }
  const RoundResult& last_result() const { return last_result_; }
  const ApplicantStatus& status(uint32_t application) const { return status_[application]; }

 private:
  absl::StatusOr<uint32_t> OpenOffer(std::string_view application_id, absl::Time now);

  Allocator allocator_;
  std::vector<ApplicantStatus> status_;
  RoundResult last_result_;
  int rounds_ = 0;
  OfferCounts counts_;
};

}  // namespace stadt::daycare
