#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/daycare/domain/allocation.h"
#include "services/daycare/domain/explanation.h"
#include "services/daycare/domain/model.h"
#include "services/daycare/domain/season.h"

// The season as parents and caseworkers see it: applications for a child,
// filed by a guardian, and the offers the rounds make. The engine's own
// `Application` (model.h) is what one round reads; `ToEngine` converts.
namespace stadt::daycare::season {

struct Child {
  std::string name;  // as the guardian wrote it
  std::optional<Date> birth_date;
};

struct Guardian {
  std::string name;
  std::string email;
  std::string phone;
};

// A caseworker's verdict on a claimed criterion, after looking at the evidence.
enum class Verdict { kUnverified, kVerified, kRejected };

// A caseworker's correction of an application, kept with it.
struct Correction {
  absl::Time at;
  std::string caseworker;  // token subject
  std::string reason;
  std::string before;  // the application before, in the stored form (JSON)
};

struct Application {
  std::string id;     // given by the service
  std::string owner;  // the guardian's token subject
  Child child;
  Guardian guardian;
  std::vector<std::string> choices;  // program ids, most wanted first
  std::optional<Month> desired_start;
  std::string care_scope;
  std::string district;
  std::vector<std::string> criteria;  // claimed by the guardian
  // Centres where a sibling already attends (claimed; verified as the
  // criterion "sibling:<centre>").
  std::vector<std::string> sibling_centres;
  // A sibling applying at the same time (e.g. a twin): the id of the same
  // guardian's application for it; the round places both children at one centre
  // or neither (daycare::Application::together_with). Empty: placed on its own.
  std::string together_with;
  // Read only: refused attempts to apply for the same child again (a flag for
  // caseworkers).
  uint32_t duplicate_attempts = 0;
  bool withdrawn = false;  // read only: set by SeasonService::Withdraw
  // Read only: caseworkers' verdicts per claimed criterion (absent: unverified).
  std::map<std::string, Verdict> evidence;
  std::vector<Correction> corrections;  // read only, oldest first
  // The language the guardian applied in ("de" or "en"): the mails about the
  // application are written in it.
  std::string language = {};
  // Write only: the guardian's e-mail address, name and language sealed for
  // the notifications service (contact::Seal to the id); empty without an
  // address or without a key. Never read back.
  std::string sealed_contact = {};
};

// The claim of a sibling at `centre`, as verdicts name it: "sibling:<centre>".
std::string SiblingClaim(const std::string& centre);

// `policy` with its sibling_points as one criterion "sibling" for each centre
// of `programs` (the engine's per-centre format); unchanged without them.
Policy EffectivePolicy(const Policy& policy, const std::vector<Program>& programs);

// The claimed criteria a round counts: the verified ones.
std::vector<std::string> CountedCriteria(const Application& application);
Verdict VerdictOf(const Application& application, const std::string& criterion);

// The engine's view of an application for one round.
daycare::Application ToEngine(const Application& application);

// Siblings placed together must both be in the round and name only each other:
// a link to an application that is not in it (withdrawn before round 1, kept out
// by the policy) or to one already paired is dropped, in input order, so that
// the round runs; each of those children is then placed on its own.
void KeepSiblingPairsThatCanRun(std::vector<daycare::Application>& applications);

enum class Period { kNone, kOpen, kClosed };

// The place of an application on one wished program's waiting list after a
// round: 1 is next in line when a place there becomes free.
struct WaitingRank {
  std::string program;
  uint32_t rank = 0;
};

// The offer of one application as it stands after the last round.
struct Offer {
  OfferState state = OfferState::kNone;
  std::string program;  // offered (for an accepted offer: the place held)
  uint32_t round = 0;   // the round that made the offer
  absl::Time deadline = absl::UnixEpoch();
  Participation::Kind kind = Participation::Kind::kOpen;
  std::string held;                   // the accepted place, for kind kHoldsPlace
  std::vector<std::string> declined;  // program ids never offered again
  Explanation explanation;            // from the last round, in German
  Explanation explanation_en;         // the same in English
  uint32_t last_round = 0;            // the last round that considered the application
  // After the last round, for every wish ranked above what the child got (all
  // wishes without a place) that it can still get: its place on that list.
  std::vector<WaitingRank> waiting;
};

// Caseworkers' search; empty fields do not filter.
struct SearchFilter {
  std::string text;  // in the child's or guardian's name (normalised), or the id
  bool duplicates_only = false;
  bool unverified_only = false;  // with a claimed criterion not yet verified or rejected
};

// Where an application stands, as a guardian reads it.
enum class ApplicationState {
  kSubmitted,  // no round yet
  kOffered,    // an open offer
  kAccepted,   // holds a place (and may move up)
  kDeclined,   // declined the last offer; stays on the other lists
  kExpired,    // let an offer run out; out of the procedure
  kWaiting,    // no place after a round; on waiting lists
  kWithdrawn,
  kNotInRound,  // rounds were published without it (the policy blocked unverified claims)
};

using Language = daycare::Language;  // German first, English second

// Filters of the public directory; empty fields do not filter.
struct DirectoryFilter {
  std::string district;
  // A coarse age group ("under-1", "1-2", "2-3", "3-6", "6-plus"): programs
  // whose age band overlaps it.
  std::string age_group;
  std::string care_scope;
};

// A facility (centre) with its programs, as parents choose wishes.
struct Facility {
  std::string id;  // the centre, or the program id of a program without one
  std::string name;
  std::string address;
  std::string district;
  std::string opening_hours;
  std::vector<std::string> age_groups;   // the coarse groups its programs take
  std::vector<std::string> care_scopes;  // sorted
  std::vector<Program> programs;         // in the season's order
};

// What the season's setup holds before (and, frozen, after) round 1.
struct Setup {
  Period period = Period::kNone;
  std::vector<Program> programs;  // empty: none set yet
  std::optional<Policy> policy;   // nullopt: the city's default policy
  uint32_t rounds = 0;            // published rounds
  std::string version;            // changes with every answer and round
};

// A claimed criterion as parents and caseworkers see it.
struct CriterionView {
  std::string id;
  std::string label;  // from the points catalogue; the id without one
  Verdict verdict = Verdict::kUnverified;
  bool counted = false;  // counts in the round: verified
};

struct ApplicationView {
  Application application;
  std::vector<CriterionView> criteria;  // the claimed ones, in the guardian's order
  Offer offer;  // as the parent sees it: an open offer past its deadline is expired
  ApplicationState state = ApplicationState::kSubmitted;
  // The state in words (German or English), e.g. the offer with its deadline,
  // or the rank on each waiting list.
  std::string status_text;
  // The round the status refers to: the offer's round, else the last round
  // that considered the application (0: none yet).
  uint32_t round = 0;
};

// What one applicant got in a published round (for the placement KPIs).
struct ApplicantOutcome {
  std::string district;       // as the parent gave it; may be empty
  bool competed = false;      // open for offers in this round
  bool offered = false;       // a new offer, or moved up to a better place
  bool first_choice = false;  // the offer is the first wish
  // CoarseAgeGroup of the child's age at the desired start, else at its first
  // choice's start ("under-1", "1-2", "2-3", "3-6", "6-plus", "unknown").
  std::string age_group = "unknown";
};

// An offer that was not answered by its deadline. The season notices it when it
// publishes the next round: the offer becomes "expired" and the child leaves.
struct ExpiredOffer {
  std::string application_id;
  std::string district;  // as the parent gave it; may be empty
  uint32_t round = 0;    // the round that made the offer
};

struct RoundView {
  uint32_t round = 0;
  uint64_t seed = 0;
  RoundStats stats;
  std::string document;  // inputs, seed, participation, results: never changed
  // Filled by PublishRound only: one entry per applicant that competed or
  // moved up.
  std::vector<ApplicantOutcome> outcomes;
  // Filled by PublishRound only: the offers of earlier rounds this round found
  // unanswered past their deadline (each is in the round that expired it only).
  std::vector<ExpiredOffer> expired_offers;
};

}  // namespace stadt::daycare::season
