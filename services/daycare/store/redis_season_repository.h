#pragma once

#include <map>
#include <optional>

#include "services/common/clock.h"
#include "services/common/crypto/crypto.h"
#include "services/common/redis/redis_client.h"
#include "services/daycare/domain/season_repository.h"

namespace stadt::daycare {

// The keys that keep a season's personal data sealed at rest, both derived
// from the daycare master key (`DAYCARE_SECRET_KEY`) by HMAC-SHA256 with a
// label of their own, so neither reveals the other or the mail contact key.
struct SeasonKeys {
  std::string record_key;  // AES-256-GCM: applications, verdicts, explanations, rounds
  std::string index_key;   // HMAC-SHA256: the one-application-per-child index
  static SeasonKeys FromMasterKey(std::string_view master_key);
};

// How long a season's personal data are kept (docs/retention.md).
struct SeasonRetention {
  // After the season's last change (the last round published, else the last
  // application written): everything about its children and guardians, the
  // round documents included.
  absl::Duration season = absl::Hours(24 * 183);
  // After a withdrawal: the application itself (what is left is its id, when
  // it was withdrawn and its offer's state, which keeps it out of move-up rounds).
  absl::Duration withdrawn = absl::Hours(24 * 30);
};

// What one sweep removed.
struct SweepReport {
  int seasons_erased = 0;
  int withdrawn_erased = 0;
};

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
//   dc:{season:S}:changed_at when the season last changed (unix s): the last
//                            application written or round published; the
//                            retention period runs from it
//   dc:{season:S}:sealed     "v1" once everything written before sealing is sealed
//   dc:{season:S}:outbox     stream of the parents' events (application.received,
//                            offer.made, offer.expiring, offer.accepted,
//                            offer.declined, round.no_place), read by the
//                            notifications service
//
// Sealed at rest (AES-256-GCM, SeasonKeys::record_key, each value bound to its
// season and record): the application JSON in `apps` (child, birth date,
// criteria, guardian, district) and so the `before` of corrections, a
// correction's reason, a verdict (field: HMAC of id and criterion; value: the
// sealed criterion and verdict), an offer's explanation and every round
// document. The child index `children`/`child_of` holds an HMAC of the child
// key (SeasonKeys::index_key). Values written before sealing (plain JSON, plain
// verdicts) are still read; see the README's upgrade note.
class RedisSeasonRepository final : public season::SeasonRepository {
 public:
  RedisSeasonRepository(redis::Client& redis, const SeasonKeys& keys, const Clock& clock);

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

  // Enforces `retention` on every season at `now`: a season whose last change
  // is older than `retention.season` loses everything about its children and
  // guardians (its programs, policy and round count stay); an application
  // withdrawn longer than `retention.withdrawn` ago is erased (its offer keeps
  // only its state). Idempotent; replicas may sweep at the same time.
  absl::StatusOr<SweepReport> SweepRetention(absl::Time now, const SeasonRetention& retention);

  // Seals, in every season, what was written before sealing (applications and
  // their child index entries, verdicts, corrections, explanations, round
  // documents), each value in one step that leaves a value changed meanwhile
  // alone. Returns how many values it sealed; run once at the start, a second
  // run finds nothing.
  absl::StatusOr<int> SealWrittenBeforeSealing();

 private:
  absl::StatusOr<std::vector<std::string>> ApplicationIds(std::string_view season);
  // Reads the verdicts and corrections of `application` into it.
  absl::Status ReadCasework(std::string_view season, season::Application& application);

  // The ids of every season with a period (any season that took applications).
  absl::StatusOr<std::vector<std::string>> Seasons();
  absl::StatusOr<bool> EraseSeasonIfExpired(std::string_view season, absl::Time now,
                                            absl::Duration retention);
  absl::StatusOr<int> SealSeason(std::string_view season);
  absl::StatusOr<int> SealCasework(std::string_view season, std::string_view id);
  // One plain value replaced by `sealed` (reseal.lua).
  absl::StatusOr<int> Reseal(const std::string& key, std::string_view kind, std::string where,
                             std::string plain, std::string sealed, std::string new_field = "");
  absl::StatusOr<int> EraseWithdrawn(std::string_view season, absl::Time now,
                                     absl::Duration retention);

  std::string Seal(std::string_view plaintext, std::string_view bound_to) const;
  // Opens what Seal made; a value written before sealing (no seal prefix) is
  // returned as it is.
  absl::StatusOr<std::string> Open(std::string_view stored, std::string_view bound_to) const;
  std::string IndexHash(std::string_view text) const;
  // The one-application-per-child index entry: a keyed hash of the season and
  // season::ChildKey (normalised name, birth date, guardian), never the plain key.
  std::string ChildIndex(std::string_view season, const season::Application& application) const;
  // An offer's stored fields with the explanation opened (empty if it cannot be).
  std::map<std::string, std::string> OpenExplanation(
      std::string_view season, std::string_view id,
      std::map<std::string, std::string> fields) const;
  absl::StatusOr<season::Application> ReadApplication(std::string_view season, std::string_view id,
                                                      std::string_view stored, std::string owner,
                                                      std::string_view duplicate_attempts,
                                                      bool withdrawn) const;
  std::string ApplicationValue(std::string_view season,
                               const season::Application& application) const;
  void AddCasework(std::string_view season, const redis::Reply& evidence,
                   const redis::Reply& corrections, season::Application& application) const;

  redis::Client& redis_;
  const Clock& clock_;
  crypto::Aead cipher_;
  std::string index_key_;
};

}  // namespace stadt::daycare
