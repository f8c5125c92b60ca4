#pragma once

#include "services/common/redis/redis_client.h"
#include "services/daycare/domain/season_repository.h"

namespace stadt::daycare {

// The seasons in Redis. One hash tag per season (`{season:<id>}`) so every
// script touches one slot:
//   dc:{season:S}:period     "open" | "closed"
//   dc:{season:S}:programs   JSON array of programs (engine format)
//   dc:{season:S}:policy     policy JSON (engine format)
//   dc:{season:S}:apps       hash application id -> application JSON (engine
//                            format plus child and guardian fields)
//   dc:{season:S}:owners     hash application id -> parent's subject
//   dc:{season:S}:rounds     number of published rounds
//   dc:{season:S}:round:N    immutable round document
//   dc:{season:S}:owned:U    set of the application ids of guardian U
//   dc:{season:S}:children   hash child key -> application id (one per child)
//   dc:{season:S}:child_of   hash application id -> child key
//   dc:{season:S}:duplicates hash application id -> refused second applications
//   dc:{season:S}:withdrawn  hash application id -> when it was withdrawn
//   dc:{season:S}:evidence:A hash criterion -> "verified" | "rejected"
//   dc:{season:S}:corrections:A  list of JSON {at, caseworker, reason, before}
//   dc:{season:S}:offer:A    hash: state, program, round, deadline, kind, held,
//                            declined, explanation, last_round, waiting
//   dc:{season:S}:version    bumped by every answer, so a round computed from
//                            stale offers is refused
//   dc:{season:S}:contacts   hash application id -> the guardian's sealed mail
//                            contact (contact::Seal, to the application id)
//   dc:{season:S}:outbox     stream of the parents' events (application.received,
//                            offer.made, offer.expiring, offer.accepted,
//                            offer.declined, round.no_place), read by the
//                            notifications service
class RedisSeasonRepository final : public season::SeasonRepository {
 public:
  explicit RedisSeasonRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<season::Setup> ReadSetup(std::string_view season) override;
  absl::Status PutPrograms(std::string_view season, const std::vector<Program>& programs) override;
  absl::Status PutPolicy(std::string_view season, const Policy& policy) override;
  absl::Status SetPeriod(std::string_view season, season::Period period) override;
  absl::Status SaveApplication(std::string_view season, const season::Application& application,
                               bool is_new) override;
  absl::StatusOr<std::optional<season::Application>> GetApplication(std::string_view season,
                                                                    std::string_view id) override;
  absl::StatusOr<std::vector<season::Application>> ListApplications(
      std::string_view season) override;
  absl::StatusOr<std::vector<season::Application>> ListApplicationsOf(
      std::string_view season, std::string_view owner) override;
  // SCANs for the owner's per-season index (a per-subject index across
  // seasons would sit in another hash slot than the application it names).
  absl::StatusOr<std::vector<std::string>> SeasonsOf(std::string_view owner) override;
  absl::StatusOr<int> EraseApplicationsOf(std::string_view season, std::string_view owner) override;
  absl::StatusOr<season::Offer> GetOffer(std::string_view season, std::string_view id) override;
  absl::StatusOr<std::vector<season::Offer>> GetOffers(
      std::string_view season, const std::vector<std::string>& ids) override;
  absl::StatusOr<OfferState> AnswerOffer(std::string_view season, std::string_view id,
                                         std::string_view owner, bool accept,
                                         absl::Time now) override;
  absl::Status Withdraw(std::string_view season, std::string_view id, std::string_view owner,
                        absl::Time now) override;
  absl::Status SetVerdict(std::string_view season, std::string_view id, std::string_view criterion,
                          season::Verdict verdict) override;
  absl::Status CorrectApplication(std::string_view season, const season::Application& application,
                                  const season::Correction& correction) override;
  absl::Status PublishRound(std::string_view season, const season::RoundWrite& round) override;
  absl::StatusOr<int> RemindExpiringOffers(std::string_view season, absl::Time now,
                                           absl::Duration lead) override;
  absl::StatusOr<std::optional<std::string>> GetRoundDocument(std::string_view season,
                                                              uint32_t round) override;
  absl::StatusOr<int> SetOfferDeadline(std::string_view season, uint32_t round, absl::Time deadline,
                                       absl::Time now) override;

 private:
  absl::StatusOr<std::vector<std::string>> ApplicationIds(std::string_view season);
  // Reads the verdicts and corrections of `application` into it.
  absl::Status ReadCasework(std::string_view season, season::Application& application);

  redis::Client& redis_;
};

}  // namespace stadt::daycare
