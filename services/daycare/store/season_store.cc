#include "services/daycare/store/season_store.h"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/store/lua/scripts.h"

namespace stadt::daycare {

namespace json = boost::json;
using Kind = Participation::Kind;

namespace {

constexpr size_t kMaxSeasonIdLength = 64;
constexpr char kOpen[] = "open";
constexpr char kClosed[] = "closed";

// Writes a value unless a round has been published: programs, policy and the
// period are the inputs of the first round and freeze with it.
const redis::Script kSetBeforeFirstRound{std::string(kSetBeforeFirstRoundLua)};

// KEYS: period, apps, owners. ARGV: id, subject, application JSON, "1" when new.
const redis::Script kSubmitApplication{std::string(kSubmitApplicationLua)};

// KEYS: owners, offer, version. ARGV: id, subject, "accept" | "decline", now (unix s).
// The only writer of answers: whoever comes second sees the first answer.
const redis::Script kAnswerOffer{std::string(kAnswerOfferLua)};

// KEYS: rounds, round:N+1, version, offer keys. ARGV: N, version seen, document,
// N+1, then 8 fields per offer key.
const redis::Script kPublishRound{std::string(kPublishRoundLua)};

// KEYS: version, offer keys. ARGV: round, new deadline, now.
const redis::Script kSetOfferDeadline{std::string(kSetOfferDeadlineLua)};

absl::StatusOr<std::string> Prefix(std::string_view season) {
  const bool valid =
      !season.empty() && season.size() <= kMaxSeasonIdLength &&
      std::all_of(season.begin(), season.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
  if (!valid) {
    return absl::InvalidArgumentError("season_id: 1 to 64 letters, digits, '-' or '_' expected");
  }
  return absl::StrCat("dc:{season:", ToAbsl(season), "}:");
}

std::string OfferKey(const std::string& prefix, std::string_view id) {
  return absl::StrCat(prefix, "offer:", ToAbsl(id));
}

std::string RoundKey(const std::string& prefix, uint32_t round) {
  return absl::StrCat(prefix, "round:", round);
}

absl::StatusOr<json::value> ParseStored(std::string_view text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error) return absl::InternalError("stored season data is not JSON");
  return value;
}

absl::StatusOr<std::string> Get(redis::Client& redis, const std::string& key) {
  absl::StatusOr<redis::Reply> reply = redis.Command({"GET", key});
  if (!reply.ok()) return reply.status();
  return reply->str;  // empty when missing
}

absl::StatusOr<uint32_t> RoundCount(redis::Client& redis, const std::string& prefix) {
  absl::StatusOr<std::string> text = Get(redis, prefix + "rounds");
  if (!text.ok()) return text.status();
  uint32_t rounds = 0;
  if (!text->empty() && !absl::SimpleAtoi(*text, &rounds)) {
    return absl::InternalError("stored round count is malformed");
  }
  return rounds;
}

absl::StatusOr<std::map<std::string, std::string>> HashGetAll(redis::Client& redis,
                                                              const std::string& key) {
  absl::StatusOr<redis::Reply> reply = redis.Command({"HGETALL", key});
  if (!reply.ok()) return reply.status();
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    fields[reply->elements[i].str] = reply->elements[i + 1].str;
  }
  return fields;
}

uint64_t DrawSeed() {
  std::random_device device;
  uint64_t seed = 0;
  while (seed == 0) seed = (uint64_t{device()} << 32) | device();
  return seed;
}

std::string NewApplicationId() {
  std::random_device device;
  return absl::StrCat("A-", absl::Hex(device(), absl::kZeroPad8), absl::Hex(device() & 0xffff));
}

OfferState StateFromText(std::string_view text) {
  if (text == "open") return OfferState::kOpen;
  if (text == "accepted") return OfferState::kAccepted;
  if (text == "declined") return OfferState::kDeclined;
  if (text == "expired") return OfferState::kExpired;
  return OfferState::kNone;
}

std::string ExplanationToText(const Explanation& explanation) {
  json::array choices;
  for (const ChoiceExplanation& choice : explanation.choices) {
    choices.push_back(json::object{
        {"choice_rank", choice.choice_rank}, {"program", choice.program}, {"why", choice.text}});
  }
  return json::serialize(
      json::object{{"summary", explanation.summary}, {"choices", std::move(choices)}});
}

Explanation ExplanationFromText(std::string_view text) {
  Explanation explanation;
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error || !value.is_object()) return explanation;
  const json::object& object = value.as_object();
  if (const json::string* summary =
          object.contains("summary") ? object.at("summary").if_string() : nullptr) {
    explanation.summary = std::string(*summary);
  }
  const json::value* choices = object.if_contains("choices");
  if (choices == nullptr || !choices->is_array()) return explanation;
  for (const json::value& entry : choices->as_array()) {
    if (!entry.is_object()) continue;
    const json::object& choice = entry.as_object();
    ChoiceExplanation out;
    if (const json::value* rank = choice.if_contains("choice_rank"); rank && rank->is_int64()) {
      out.choice_rank = static_cast<int32_t>(rank->as_int64());
    }
    if (const json::value* program = choice.if_contains("program");
        program && program->is_string()) {
      out.program = std::string(program->as_string());
    }
    if (const json::value* why = choice.if_contains("why"); why && why->is_string()) {
      out.text = std::string(why->as_string());
    }
    explanation.choices.push_back(std::move(out));
  }
  return explanation;
}

// The engine's errors name "applications[0].x"; a parent sent one application.
absl::Status ForOneApplication(const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrReplaceAll(status.message(), {{"applications[0].", "application."},
                                                             {"applications[0]", "application"}}));
}

uint32_t Count(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_int64() || value->as_int64() < 0) return 0;
  return static_cast<uint32_t>(value->as_int64());
}

RoundStats StatsFromJson(const json::value& value) {
  RoundStats stats;
  if (!value.is_object()) return stats;
  const json::object& object = value.as_object();
  stats.applications = Count(object, "applications");
  stats.placed = Count(object, "placed");
  stats.placed_first_choice = Count(object, "placed_first_choice");
  stats.unplaced = Count(object, "unplaced");
  stats.places = Count(object, "places");
  stats.places_filled = Count(object, "places_filled");
  stats.ineligible_choices = Count(object, "ineligible_choices");
  if (const json::value* ranks = object.if_contains("placed_by_choice_rank");
      ranks && ranks->is_array()) {
    for (const json::value& rank : ranks->as_array()) {
      stats.placed_by_choice_rank.push_back(rank.is_int64() ? static_cast<uint32_t>(rank.as_int64())
                                                            : 0);
    }
  }
  for (const auto& [key, out] : {std::pair{"unplaced_by_age_years", &stats.unplaced_by_age_years},
                                 std::pair{"unplaced_by_district", &stats.unplaced_by_district}}) {
    const json::value* counts = object.if_contains(key);
    if (counts == nullptr || !counts->is_object()) continue;
    for (const auto& entry : counts->as_object()) {
      (*out)[std::string(entry.key())] = Count(counts->as_object(), entry.key());
    }
  }
  return stats;
}

std::string KindText(Kind kind) {
  switch (kind) {
    case Kind::kHoldsPlace:
      return "holds";
    case Kind::kFixed:
      return "fixed";
    case Kind::kOut:
      return "out";
    case Kind::kOpen:
      break;
  }
  return "open";
}

// The stored offer record of one application.
struct OfferRecord {
  std::string state = "none";
  std::string program;
  uint32_t round = 0;
  int64_t deadline = 0;
  std::string kind = "open";
  std::string held;
  std::vector<std::string> declined;
  std::string explanation;
  // Not stored: this preparation found the offer open past its deadline.
  bool expired_now = false;

  static OfferRecord From(const std::map<std::string, std::string>& fields) {
    OfferRecord record;
    auto field = [&fields](const char* name) {
      auto it = fields.find(name);
      return it == fields.end() ? std::string() : it->second;
    };
    if (fields.empty()) return record;
    record.state = field("state");
    record.program = field("program");
    (void)absl::SimpleAtoi(field("round"), &record.round);
    (void)absl::SimpleAtoi(field("deadline"), &record.deadline);
    record.kind = field("kind");
    record.held = field("held");
    for (absl::string_view id : absl::StrSplit(field("declined"), ',', absl::SkipEmpty())) {
      record.declined.emplace_back(id);
    }
    record.explanation = field("explanation");
    return record;
  }

  std::vector<std::string> Fields() const {
    return {state, program, absl::StrCat(round),          absl::StrCat(deadline),
            kind,  held,    absl::StrJoin(declined, ","), explanation};
  }
};

int32_t ProgramIndex(const Instance& instance, std::string_view id) {
  for (size_t p = 0; p < instance.programs.size(); ++p) {
    if (instance.programs[p].id == id) return static_cast<int32_t>(p);
  }
  return -1;
}

absl::StatusOr<Participation> ParticipationOf(const Instance& instance, OfferRecord& record,
                                              absl::Time now) {
  if (record.state == "open") {
    if (now < absl::FromUnixSeconds(record.deadline)) {
      return absl::FailedPreconditionError(
          absl::StrCat("offers of round ", record.round, " are still open until ",
                       absl::FormatTime(absl::RFC3339_sec, absl::FromUnixSeconds(record.deadline),
                                        absl::UTCTimeZone())));
    }
    record.state = "expired";  // not answered in time: the child leaves
    record.kind = "out";
    record.expired_now = true;
  }
  Participation participation;
  if (record.kind == "out") participation.kind = Kind::kOut;
  if (record.kind == "holds") {
    participation.kind = Kind::kHoldsPlace;
    participation.program = ProgramIndex(instance, record.held);
  }
  for (const std::string& id : record.declined) {
    const int32_t program = ProgramIndex(instance, id);
    if (program >= 0) participation.declined_programs.push_back(static_cast<uint32_t>(program));
  }
  return participation;
}

}  // namespace

struct SeasonStore::PreparedRound {
  uint32_t round = 0;  // the number this round gets
  std::string version;
  uint64_t seed = 0;
  json::object inputs;  // seed, programs, applications, policy
  std::optional<Allocator> allocator;
  std::vector<Participation> participation;
  std::vector<OfferRecord> records;  // per application, as before this round
  RoundResult result;
};

absl::StatusOr<size_t> SeasonStore::PutPrograms(std::string_view season,
                                                const boost::json::array& programs) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  if (programs.empty()) return absl::InvalidArgumentError("programs: at least one program");
  const std::string text = json::serialize(programs);
  absl::StatusOr<ParsedInstance> parsed =
      ParseInstance(absl::StrCat(R"({"seed":0,"applications":[],"programs":)", text, "}"));
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<Allocator> checked = Allocator::Create(parsed->instance, Policy{});
  if (!checked.ok()) return checked.status();
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(kSetBeforeFirstRound, {*prefix + "programs", *prefix + "rounds"}, {text});
  if (!reply.ok()) return reply.status();
  return programs.size();
}

absl::StatusOr<Policy> SeasonStore::PutPolicy(std::string_view season,
                                              std::string_view policy_json) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<Policy> policy = ParsePolicy(policy_json);
  if (!policy.ok()) return policy.status();
  absl::StatusOr<json::value> value = ParseStored(policy_json);
  if (!value.ok()) return value.status();
  absl::StatusOr<redis::Reply> reply = redis_.Eval(
      kSetBeforeFirstRound, {*prefix + "policy", *prefix + "rounds"}, {json::serialize(*value)});
  if (!reply.ok()) return reply.status();
  return policy;
}

absl::Status SeasonStore::SetPeriod(std::string_view season, bool open) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  return redis_
      .Eval(kSetBeforeFirstRound, {*prefix + "period", *prefix + "rounds"},
            {open ? kOpen : kClosed})
      .status();
}

absl::StatusOr<ApplicationView> SeasonStore::SubmitApplication(std::string_view season,
                                                               std::string_view subject,
                                                               std::string_view id,
                                                               boost::json::object application) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  if (subject.empty()) return absl::PermissionDeniedError("a signed-in parent is required");
  const bool is_new = id.empty();
  const std::string application_id = is_new ? NewApplicationId() : std::string(id);
  application["id"] = application_id;
  absl::StatusOr<std::string> programs = Get(redis_, *prefix + "programs");
  if (!programs.ok()) return programs.status();
  if (programs->empty()) return absl::NotFoundError("season not found or it has no programs yet");
  absl::StatusOr<std::string> policy = Get(redis_, *prefix + "policy");
  if (!policy.ok()) return policy.status();
  const std::string application_text = json::serialize(application);
  absl::StatusOr<ParsedInstance> parsed = ParseInstance(absl::StrCat(
      R"({"seed":0,"programs":)", *programs, R"(,"applications":[)", application_text, "]}"));
  if (!parsed.ok()) return ForOneApplication(parsed.status());
  if (parsed->instance.applications[0].choices.empty()) {
    return absl::InvalidArgumentError("application.choices: at least one program");
  }
  absl::StatusOr<Policy> rules = ParsePolicy(policy->empty() ? default_policy_json_ : *policy);
  if (!rules.ok()) return rules.status();
  absl::StatusOr<Allocator> checked = Allocator::Create(parsed->instance, *rules);
  if (!checked.ok()) return ForOneApplication(checked.status());
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(kSubmitApplication, {*prefix + "period", *prefix + "apps", *prefix + "owners"},
                  {application_id, std::string(subject), application_text, is_new ? "1" : "0"});
  if (!reply.ok()) return reply.status();
  return ReadApplication(*prefix, application_id);
}

absl::StatusOr<ApplicationView> SeasonStore::GetApplication(std::string_view season,
                                                            std::string_view subject,
                                                            std::string_view id) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<redis::Reply> owner =
      redis_.Command({"HGET", *prefix + "owners", std::string(id)});
  if (!owner.ok()) return owner.status();
  if (owner->IsNil() || owner->str != subject) {
    return absl::NotFoundError("application not found");
  }
  return ReadApplication(*prefix, id);
}

absl::StatusOr<ApplicationView> SeasonStore::ReadApplication(const std::string& prefix,
                                                             std::string_view id) {
  absl::StatusOr<redis::Reply> stored = redis_.Command({"HGET", prefix + "apps", std::string(id)});
  if (!stored.ok()) return stored.status();
  if (stored->IsNil()) return absl::NotFoundError("application not found");
  absl::StatusOr<json::value> application = ParseStored(stored->str);
  if (!application.ok()) return application.status();
  absl::StatusOr<std::map<std::string, std::string>> fields =
      HashGetAll(redis_, OfferKey(prefix, id));
  if (!fields.ok()) return fields.status();
  const OfferRecord record = OfferRecord::From(*fields);
  ApplicationView view;
  view.id = std::string(id);
  if (application->is_object()) view.application = application->as_object();
  view.offer.state = StateFromText(record.state);
  view.offer.program = record.state == "accepted" ? record.held : record.program;
  view.offer.round = record.round;
  view.offer.deadline = absl::FromUnixSeconds(record.deadline);
  if (view.offer.state == OfferState::kOpen && clock_.Now() >= view.offer.deadline) {
    view.offer.state = OfferState::kExpired;
  }
  view.offer.explanation = ExplanationFromText(record.explanation);
  return view;
}

absl::StatusOr<ApplicationView> SeasonStore::AnswerOffer(std::string_view season,
                                                         std::string_view subject,
                                                         std::string_view id, bool accept) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(kAnswerOffer, {*prefix + "owners", OfferKey(*prefix, id), *prefix + "version"},
                  {std::string(id), std::string(subject), accept ? "accept" : "decline",
                   absl::StrCat(absl::ToUnixSeconds(clock_.Now()))});
  if (!reply.ok()) return reply.status();
  return ReadApplication(*prefix, id);
}

absl::StatusOr<std::vector<std::string>> SeasonStore::ApplicationIds(const std::string& prefix) {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"HKEYS", prefix + "apps"});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  for (const redis::Reply& element : reply->elements) ids.push_back(element.str);
  std::sort(ids.begin(), ids.end());  // a stable input order, whatever Redis returns
  return ids;
}

absl::StatusOr<SeasonStore::PreparedRound> SeasonStore::Prepare(std::string_view season,
                                                                uint64_t seed) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  PreparedRound prepared;
  absl::StatusOr<uint32_t> rounds = RoundCount(redis_, *prefix);
  if (!rounds.ok()) return rounds.status();
  prepared.round = *rounds + 1;
  absl::StatusOr<std::string> version = Get(redis_, *prefix + "version");
  if (!version.ok()) return version.status();
  prepared.version = version->empty() ? "0" : *version;

  if (*rounds == 0) {
    absl::StatusOr<std::string> period = Get(redis_, *prefix + "period");
    if (!period.ok()) return period.status();
    if (*period != kClosed) {
      return absl::FailedPreconditionError("the application period must be closed first");
    }
    absl::StatusOr<std::string> programs = Get(redis_, *prefix + "programs");
    if (!programs.ok()) return programs.status();
    absl::StatusOr<std::string> policy = Get(redis_, *prefix + "policy");
    if (!policy.ok()) return policy.status();
    absl::StatusOr<std::vector<std::string>> ids = ApplicationIds(*prefix);
    if (!ids.ok()) return ids.status();
    json::array applications;
    for (const std::string& id : *ids) {
      absl::StatusOr<redis::Reply> stored = redis_.Command({"HGET", *prefix + "apps", id});
      if (!stored.ok()) return stored.status();
      absl::StatusOr<json::value> application = ParseStored(stored->str);
      if (!application.ok()) return application.status();
      applications.push_back(*std::move(application));
    }
    prepared.seed = seed == 0 ? DrawSeed() : seed;
    prepared.inputs["seed"] = prepared.seed;
    absl::StatusOr<json::value> program_list = ParseStored(programs->empty() ? "[]" : *programs);
    if (!program_list.ok()) return program_list.status();
    prepared.inputs["programs"] = *std::move(program_list);
    prepared.inputs["applications"] = std::move(applications);
    absl::StatusOr<json::value> policy_value =
        ParseStored(policy->empty() ? default_policy_json_ : *policy);
    if (!policy_value.ok()) return policy_value.status();
    prepared.inputs["policy"] = *std::move(policy_value);
  } else {
    // Move-up rounds run on the inputs the first round froze.
    absl::StatusOr<std::string> first = Get(redis_, RoundKey(*prefix, 1));
    if (!first.ok()) return first.status();
    absl::StatusOr<json::value> document = ParseStored(*first);
    if (!document.ok()) return document.status();
    if (!document->is_object()) return absl::InternalError("stored round is malformed");
    for (const char* key : {"seed", "programs", "applications", "policy"}) {
      const json::value* value = document->as_object().if_contains(key);
      if (value == nullptr) return absl::InternalError("stored round is malformed");
      prepared.inputs[key] = *value;
    }
    if (const uint64_t* stored_seed = prepared.inputs["seed"].if_uint64()) {
      prepared.seed = *stored_seed;
    } else if (const int64_t* signed_seed = prepared.inputs["seed"].if_int64()) {
      prepared.seed = static_cast<uint64_t>(*signed_seed);
    }
  }

  absl::StatusOr<ParsedInstance> parsed = ParseInstance(json::serialize(prepared.inputs));
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<Allocator> allocator =
      Allocator::Create(std::move(parsed->instance), parsed->policy.value_or(Policy{}));
  if (!allocator.ok()) return allocator.status();
  prepared.allocator.emplace(*std::move(allocator));

  const Instance& instance = prepared.allocator->instance();
  const absl::Time now = clock_.Now();
  for (const Application& application : instance.applications) {
    absl::StatusOr<std::map<std::string, std::string>> fields =
        HashGetAll(redis_, OfferKey(*prefix, application.id));
    if (!fields.ok()) return fields.status();
    OfferRecord record = OfferRecord::From(*fields);
    absl::StatusOr<Participation> participation = ParticipationOf(instance, record, now);
    if (!participation.ok()) return participation.status();
    prepared.participation.push_back(*std::move(participation));
    prepared.records.push_back(std::move(record));
  }
  prepared.result = prepared.allocator->Run(prepared.participation);
  return prepared;
}

absl::StatusOr<RoundStats> SeasonStore::DryRun(std::string_view season, uint64_t seed) {
  absl::StatusOr<PreparedRound> prepared = Prepare(season, seed);
  if (!prepared.ok()) return prepared.status();
  return ComputeStats(*prepared->allocator, prepared->result);
}

namespace {

// Open applicants compete (placed or not); a holder that moves up got an offer
// too. Fixed and withdrawn applicants are not part of the round's outcome.
void AddOutcome(const Allocator& allocator, uint32_t a, Kind kind, const std::string& held,
                const std::string& placed_id, int32_t choice_rank,
                std::vector<ApplicantOutcome>& outcomes) {
  const Application& application = allocator.instance().applications[a];
  const bool placed = !placed_id.empty();
  const std::string age_group(CoarseAgeGroup(AgeInMonthsAtStart(allocator, a)));
  if (kind == Kind::kOpen) {
    outcomes.push_back({application.district, true, placed, placed && choice_rank == 1, age_group});
  } else if (kind == Kind::kHoldsPlace && placed && placed_id != held) {
    outcomes.push_back({application.district, false, true, choice_rank == 1, age_group});
  }
}

}  // namespace

absl::StatusOr<RoundView> SeasonStore::PublishRound(std::string_view season,
                                                    uint32_t expected_round, uint64_t seed,
                                                    absl::Time deadline) {
  return Publish(season, expected_round, seed, deadline, /*only_if_it_changes=*/false);
}

absl::StatusOr<RoundView> SeasonStore::PublishNextRoundIfItChangesAnything(std::string_view season,
                                                                           absl::Time deadline) {
  return Publish(season, 0, 0, deadline, /*only_if_it_changes=*/true);
}

absl::StatusOr<RoundView> SeasonStore::Publish(std::string_view season, uint32_t expected_round,
                                               uint64_t seed, absl::Time deadline,
                                               bool only_if_it_changes) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  const absl::Time now = clock_.Now();
  if (deadline <= now) return absl::InvalidArgumentError("deadline: must be in the future");
  absl::StatusOr<uint32_t> rounds = RoundCount(redis_, *prefix);
  if (!rounds.ok()) return rounds.status();
  if (expected_round != 0 && expected_round <= *rounds) {
    return absl::AlreadyExistsError(
        absl::StrCat("round ", expected_round, " is already published"));
  }
  if (expected_round != 0 && expected_round != *rounds + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", expected_round, " cannot follow round ", *rounds));
  }
  absl::StatusOr<PreparedRound> prepared = Prepare(season, seed);
  if (!prepared.ok()) return prepared.status();
  const Allocator& allocator = *prepared->allocator;
  const Instance& instance = allocator.instance();

  json::array participation;
  std::vector<ApplicantOutcome> outcomes;
  std::vector<ExpiredOffer> expired_offers;
  std::vector<std::string> keys = {*prefix + "rounds", RoundKey(*prefix, prepared->round),
                                   *prefix + "version"};
  std::vector<std::string> offer_fields;
  bool changes = false;  // a new offer or a held place moving up
  for (uint32_t a = 0; a < instance.applications.size(); ++a) {
    OfferRecord& record = prepared->records[a];
    const Participation& before = prepared->participation[a];
    const int32_t placed = prepared->result.placements[a].program;
    const std::string placed_id = placed >= 0 ? instance.programs[placed].id : "";
    json::array declined;
    for (const std::string& id : record.declined) declined.emplace_back(id);
    participation.push_back(json::object{{"application", instance.applications[a].id},
                                         {"kind", KindText(before.kind)},
                                         {"held", record.held},
                                         {"declined", std::move(declined)}});
    AddOutcome(allocator, a, before.kind, record.held, placed_id,
               prepared->result.placements[a].choice_rank, outcomes);
    if (record.expired_now) {
      expired_offers.push_back(
          {instance.applications[a].id, instance.applications[a].district, record.round});
    }
    if (before.kind == Kind::kHoldsPlace) {
      // Moving up is automatic; the better place counts as accepted too.
      if (placed_id != record.held) {
        changes = true;
        record.held = placed_id;
        record.program = placed_id;
        record.round = prepared->round;
      }
    } else if (before.kind == Kind::kOpen && placed >= 0) {
      changes = true;
      record.state = "open";
      record.program = placed_id;
      record.round = prepared->round;
      record.deadline = absl::ToUnixSeconds(deadline);
    }
    record.explanation =
        ExplanationToText(Explain(allocator, prepared->result, a, prepared->participation[a]));
    keys.push_back(OfferKey(*prefix, instance.applications[a].id));
    for (std::string& field : record.Fields()) offer_fields.push_back(std::move(field));
  }

  if (only_if_it_changes && !changes) {
    return absl::FailedPreconditionError(
        absl::StrCat("settled: round ", prepared->round, " would change no offer"));
  }
  absl::StatusOr<json::value> result =
      ParseStored(ResultToJson(allocator, prepared->result, /*explain=*/false));
  if (!result.ok()) return result.status();
  json::object document = prepared->inputs;
  document["round"] = prepared->round;
  document["published_at"] = absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone());
  document["deadline"] = absl::FormatTime(absl::RFC3339_sec, deadline, absl::UTCTimeZone());
  document["participation"] = std::move(participation);
  document["result"] = *std::move(result);
  RoundView view{.round = prepared->round,
                 .seed = prepared->seed,
                 .stats = ComputeStats(allocator, prepared->result),
                 .document = json::serialize(document),
                 .outcomes = std::move(outcomes),
                 .expired_offers = std::move(expired_offers)};

  std::vector<std::string> args = {absl::StrCat(prepared->round - 1), prepared->version,
                                   view.document, absl::StrCat(prepared->round)};
  args.insert(args.end(), std::make_move_iterator(offer_fields.begin()),
              std::make_move_iterator(offer_fields.end()));
  absl::StatusOr<redis::Reply> reply = redis_.Eval(kPublishRound, keys, args);
  if (!reply.ok()) return reply.status();
  return view;
}

absl::StatusOr<RoundView> SeasonStore::GetRound(std::string_view season, uint32_t round) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  if (round == 0) return absl::InvalidArgumentError("round: rounds count from 1");
  absl::StatusOr<std::string> text = Get(redis_, RoundKey(*prefix, round));
  if (!text.ok()) return text.status();
  if (text->empty()) return absl::NotFoundError(absl::StrCat("round ", round, " not found"));
  absl::StatusOr<json::value> document = ParseStored(*text);
  if (!document.ok()) return document.status();
  RoundView view;
  view.round = round;
  view.document = *std::move(text);
  if (!document->is_object()) return view;
  const json::object& object = document->as_object();
  if (const json::value* seed = object.if_contains("seed")) {
    if (seed->is_uint64()) view.seed = seed->as_uint64();
    if (seed->is_int64()) view.seed = static_cast<uint64_t>(seed->as_int64());
  }
  if (const json::value* result = object.if_contains("result"); result && result->is_object()) {
    if (const json::value* stats = result->as_object().if_contains("stats")) {
      view.stats = StatsFromJson(*stats);
    }
  }
  return view;
}

absl::StatusOr<int> SeasonStore::SetOfferDeadline(std::string_view season, uint32_t round,
                                                  absl::Time deadline) {
  absl::StatusOr<std::string> prefix = Prefix(season);
  if (!prefix.ok()) return prefix.status();
  const absl::Time now = clock_.Now();
  if (deadline <= now) return absl::InvalidArgumentError("deadline: must be in the future");
  absl::StatusOr<uint32_t> rounds = RoundCount(redis_, *prefix);
  if (!rounds.ok()) return rounds.status();
  if (round == 0 || round > *rounds) {
    return absl::NotFoundError(absl::StrCat("round ", round, " not found"));
  }
  absl::StatusOr<std::vector<std::string>> ids = ApplicationIds(*prefix);
  if (!ids.ok()) return ids.status();
  std::vector<std::string> keys = {*prefix + "version"};
  for (const std::string& id : *ids) keys.push_back(OfferKey(*prefix, id));
  absl::StatusOr<redis::Reply> reply =
      redis_.Eval(kSetOfferDeadline, keys,
                  {absl::StrCat(round), absl::StrCat(absl::ToUnixSeconds(deadline)),
                   absl::StrCat(absl::ToUnixSeconds(now))});
  if (!reply.ok()) return reply.status();
  return static_cast<int>(reply->integer);
}

}  // namespace stadt::daycare
