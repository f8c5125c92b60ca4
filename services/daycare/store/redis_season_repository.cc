#include "services/daycare/store/redis_season_repository.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "services/common/reason.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/daycare/domain/application_rules.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/season_service.h"
#include "services/daycare/store/lua/scripts.h"

namespace stadt::daycare {

namespace json = boost::json;
using Kind = Participation::Kind;
using season::Offer;

namespace {

constexpr char kOpen[] = "open";
constexpr char kClosed[] = "closed";

// Writes a value unless a round has been published: programs, policy and the
// period are the inputs of the first round and freeze with it.
const redis::Script kSetBeforeFirstRound{std::string(kSetBeforeFirstRoundLua)};

// KEYS: period, apps, owners, children, child_of, duplicates, owned:<subject>,
// withdrawn, contacts, outbox, changed_at. ARGV: id, subject, sealed
// application, "1" when new, child index hash, sealed contact, now (unix s).
const redis::Script kSubmitApplication{std::string(kSubmitApplicationLua)};

// KEYS: owners, offer, version, contacts, outbox. ARGV: id, subject, "accept" |
// "decline", now (unix s). The only writer of answers: whoever comes second
// sees the first answer; the answer's outbox event is written with it.
const redis::Script kAnswerOffer{std::string(kAnswerOfferLua)};

// KEYS: rounds, round:N+1, version, contacts, outbox, changed_at, offer keys.
// ARGV: N, version seen, sealed document, N+1, now (unix s), then per offer key
// its application id and 10 fields. Writes the parents' outbox events in the
// same step.
const redis::Script kPublishRound{std::string(kPublishRoundLua)};

// KEYS: owners, withdrawn, children, child_of, offer, version. ARGV: id, subject, now.
const redis::Script kWithdraw{std::string(kWithdrawApplicationLua)};

// KEYS: rounds, apps, evidence:<id>. ARGV: id, the verdict's field, the
// sealed verdict or "unverified", the criterion (its field before sealing).
const redis::Script kSetVerdict{std::string(kSetVerdictLua)};

// KEYS: rounds, apps, children, child_of, corrections:<id>.
// ARGV: id, sealed application, child index hash, correction JSON.
const redis::Script kCorrectApplication{std::string(kCorrectApplicationLua)};

// KEYS: version, offer keys. ARGV: round, new deadline, now.
const redis::Script kSetOfferDeadline{std::string(kSetOfferDeadlineLua)};
// KEYS: owned:<subject>, apps, owners, children, child_of, duplicates,
// withdrawn. ARGV: subject, the season's key prefix.
const redis::Script kEraseGuardian{std::string(kEraseGuardianLua)};
// KEYS: withdrawn, apps, owners, contacts, duplicates, evidence:<id>,
// corrections:<id>, offer:<id>, owned:<subject>. ARGV: id, withdrawn before
// (unix s).
const redis::Script kForgetWithdrawn{std::string(kForgetWithdrawnLua)};
// KEYS: the key. ARGV: kind, where, plain value, sealed value, new hash field.
const redis::Script kReseal{std::string(kResealLua)};
// KEYS: children, child_of. ARGV: id, plain child key, its hash.
const redis::Script kReindexChild{std::string(kReindexChildLua)};

// What a sealed value starts with; a stored value without it was written
// before sealing (plain JSON or a plain verdict).
constexpr std::string_view kSealedPrefix = "sealed:v1:";

// The mark of a season whose values a whole pass of SealWrittenBeforeSealing
// found (or left) sealed.
constexpr char kSealedVersion[] = "v1";
// changed_at of a season whose personal data the retention sweep erased.
constexpr char kErased[] = "erased";

// `text` with the glob characters of a SCAN MATCH pattern escaped.
std::string GlobEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// KEYS: contacts, outbox, offer keys. ARGV: now (unix s), lead (s), application ids.
const redis::Script kRemindExpiringOffers{std::string(kRemindExpiringOffersLua)};

std::string Prefix(std::string_view season) {
  return absl::StrCat("dc:{season:", ToAbsl(season), "}:");
}

std::string OfferKey(std::string_view season, std::string_view id) {
  return absl::StrCat(Prefix(season), "offer:", ToAbsl(id));
}

std::string Key(std::string_view season, std::string_view name) {
  return absl::StrCat(Prefix(season), ToAbsl(name));
}

// What each sealed value is bound to, so that none can be moved to another
// record or season and still open.
std::string ApplicationBinding(std::string_view season, std::string_view id) {
  return absl::StrCat("daycare:", ToAbsl(season), ":application:", ToAbsl(id));
}
std::string EvidenceBinding(std::string_view season, std::string_view id) {
  return absl::StrCat("daycare:", ToAbsl(season), ":evidence:", ToAbsl(id));
}
std::string CorrectionBinding(std::string_view season, std::string_view id) {
  return absl::StrCat("daycare:", ToAbsl(season), ":correction:", ToAbsl(id));
}
std::string ExplanationBinding(std::string_view season, std::string_view id) {
  return absl::StrCat("daycare:", ToAbsl(season), ":explanation:", ToAbsl(id));
}
std::string RoundBinding(std::string_view season, uint32_t round) {
  return absl::StrCat("daycare:", ToAbsl(season), ":round:", round);
}

std::string UnixSeconds(absl::Time time) { return absl::StrCat(absl::ToUnixSeconds(time)); }

absl::StatusOr<json::value> ParseStored(std::string_view text) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error) return absl::InternalError("stored season data is not JSON");
  return value;
}

std::string StateText(OfferState state) {
  switch (state) {
    case OfferState::kOpen:
      return "open";
    case OfferState::kAccepted:
      return "accepted";
    case OfferState::kDeclined:
      return "declined";
    case OfferState::kExpired:
      return "expired";
    case OfferState::kWithdrawn:
      return "withdrawn";
    case OfferState::kNone:
      break;
  }
  return "none";
}

OfferState StateFromText(std::string_view text) {
  if (text == "open") return OfferState::kOpen;
  if (text == "accepted") return OfferState::kAccepted;
  if (text == "declined") return OfferState::kDeclined;
  if (text == "expired") return OfferState::kExpired;
  if (text == "withdrawn") return OfferState::kWithdrawn;
  return OfferState::kNone;
}

json::object ExplanationToJson(const Explanation& explanation) {
  json::array choices;
  for (const ChoiceExplanation& choice : explanation.choices) {
    choices.push_back(json::object{
        {"choice_rank", choice.choice_rank}, {"program", choice.program}, {"why", choice.text}});
  }
  return json::object{{"summary", explanation.summary}, {"choices", std::move(choices)}};
}

// The German explanation, with the English one under "en".
std::string ExplanationToText(const Explanation& german, const Explanation& english) {
  json::object object = ExplanationToJson(german);
  object["en"] = ExplanationToJson(english);
  return json::serialize(object);
}

std::string StringMember(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
}

Explanation ExplanationFromJson(const json::object& object) {
  Explanation explanation;
  explanation.summary = StringMember(object, "summary");
  const json::value* choices = object.if_contains("choices");
  if (choices == nullptr || !choices->is_array()) return explanation;
  for (const json::value& entry : choices->as_array()) {
    if (!entry.is_object()) continue;
    const json::object& choice = entry.as_object();
    ChoiceExplanation out;
    if (const json::value* rank = choice.if_contains("choice_rank"); rank && rank->is_int64()) {
      out.choice_rank = static_cast<int32_t>(rank->as_int64());
    }
    out.program = StringMember(choice, "program");
    out.text = StringMember(choice, "why");
    explanation.choices.push_back(std::move(out));
  }
  return explanation;
}

// Offers stored before explanations were German first hold one English text:
// it stands for both languages.
void ExplanationFromText(std::string_view text, Offer* offer) {
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (error || !value.is_object()) return;
  const json::object& object = value.as_object();
  offer->explanation = ExplanationFromJson(object);
  const json::value* english = object.if_contains("en");
  offer->explanation_en = english != nullptr && english->is_object()
                              ? ExplanationFromJson(english->as_object())
                              : offer->explanation;
}

// "P1:3,P2:1"; program ids never hold ',' or ':' in practice, and a stored
// entry that does not parse is skipped.
std::string WaitingText(const std::vector<season::WaitingRank>& waiting) {
  std::string text;
  for (const season::WaitingRank& rank : waiting) {
    absl::StrAppend(&text, text.empty() ? "" : ",", rank.program, ":", rank.rank);
  }
  return text;
}

// OfferFields' order; the explanation is sealed.
constexpr size_t kExplanationField = 7;

std::vector<std::string> OfferFields(const Offer& offer) {
  return {StateText(offer.state),
          offer.program,
          absl::StrCat(offer.round),
          absl::StrCat(absl::ToUnixSeconds(offer.deadline)),
          std::string(ParticipationKindName(offer.kind)),
          offer.held,
          absl::StrJoin(offer.declined, ","),
          ExplanationToText(offer.explanation, offer.explanation_en),
          absl::StrCat(offer.last_round),
          WaitingText(offer.waiting)};
}

Offer OfferFromFields(const std::map<std::string, std::string>& fields) {
  Offer offer;
  if (fields.empty()) return offer;
  auto field = [&fields](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  offer.state = StateFromText(field("state"));
  offer.program = field("program");
  (void)absl::SimpleAtoi(field("round"), &offer.round);
  int64_t deadline = 0;
  (void)absl::SimpleAtoi(field("deadline"), &deadline);
  offer.deadline = absl::FromUnixSeconds(deadline);
  offer.kind = ParticipationKindFromName(field("kind"));
  offer.held = field("held");
  for (absl::string_view id : absl::StrSplit(field("declined"), ',', absl::SkipEmpty())) {
    offer.declined.emplace_back(id);
  }
  ExplanationFromText(field("explanation"), &offer);
  (void)absl::SimpleAtoi(field("last_round"), &offer.last_round);
  for (absl::string_view entry : absl::StrSplit(field("waiting"), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(entry, absl::MaxSplits(':', 1));
    season::WaitingRank rank;
    rank.program = parts.first;
    if (absl::SimpleAtoi(parts.second, &rank.rank)) offer.waiting.push_back(std::move(rank));
  }
  return offer;
}

// The stored application: the engine's format plus who the child and the
// guardian are.
std::string ApplicationText(const season::Application& application) {
  json::object out = ApplicationToJson(season::ToEngine(application));
  json::array criteria;  // as claimed (the engine's view keeps the verified ones only)
  for (const std::string& criterion : application.criteria) criteria.emplace_back(criterion);
  out["criteria"] = std::move(criteria);
  json::array siblings;
  for (const std::string& centre : application.sibling_centres) siblings.emplace_back(centre);
  out["sibling_centres"] = std::move(siblings);
  out.erase("centre_criteria");  // derived from the verified sibling claims
  out["child_name"] = application.child.name;
  out["guardian_name"] = application.guardian.name;
  out["guardian_email"] = application.guardian.email;
  out["guardian_phone"] = application.guardian.phone;
  out["lang"] = application.language;
  return json::serialize(out);
}

absl::StatusOr<season::Application> ApplicationFromText(std::string_view text, std::string owner,
                                                        std::string_view duplicate_attempts,
                                                        bool withdrawn) {
  absl::StatusOr<ParsedInstance> parsed = ParseInstance(
      absl::StrCat(R"({"seed":0,"programs":[],"applications":[)", ToAbsl(text), "]}"));
  if (!parsed.ok() || parsed->instance.applications.size() != 1) {
    return absl::InternalError("stored application is malformed");
  }
  STADT_ASSIGN_OR_RETURN(json::value value, ParseStored(text));
  const json::object& object = value.as_object();
  daycare::Application& engine = parsed->instance.applications[0];
  season::Application application;
  application.id = std::move(engine.id);
  application.owner = std::move(owner);
  application.child.name = StringMember(object, "child_name");
  if (const json::value* siblings = object.if_contains("sibling_centres");
      siblings != nullptr && siblings->is_array()) {
    for (const json::value& centre : siblings->as_array()) {
      if (centre.is_string()) application.sibling_centres.emplace_back(centre.as_string());
    }
  }
  application.child.birth_date = engine.birth_date;
  application.guardian.name = StringMember(object, "guardian_name");
  application.guardian.email = StringMember(object, "guardian_email");
  application.guardian.phone = StringMember(object, "guardian_phone");
  application.language = StringMember(object, "lang");
  application.choices = std::move(engine.choices);
  application.together_with = std::move(engine.together_with);
  application.desired_start = engine.desired_start;
  application.care_scope = std::move(engine.care_scope);
  application.district = std::move(engine.district);
  application.criteria = std::move(engine.criteria);
  (void)absl::SimpleAtoi(ToAbsl(duplicate_attempts), &application.duplicate_attempts);
  application.withdrawn = withdrawn;
  return application;
}

absl::StatusOr<std::map<std::string, std::string>> HashGetAll(redis::Client& redis,
                                                              const std::string& key) {
  STADT_ASSIGN_OR_RETURN(redis::Reply reply, redis.Command({"HGETALL", key}));
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  return fields;
}

std::map<std::string, std::string> FieldsOf(const redis::Reply& reply) {
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields[reply.elements[i].str] = reply.elements[i + 1].str;
  }
  return fields;
}

std::optional<season::Verdict> VerdictFromText(std::string_view text) {
  if (text == "verified") return season::Verdict::kVerified;
  if (text == "rejected") return season::Verdict::kRejected;
  return std::nullopt;
}

}  // namespace

SeasonKeys SeasonKeys::FromMasterKey(std::string_view master_key) {
  return SeasonKeys{crypto::HmacSha256(master_key, "stadt.daycare.record.v1"),
                    crypto::HmacSha256(master_key, "stadt.daycare.index.v1")};
}

RedisSeasonRepository::RedisSeasonRepository(redis::Client& redis, const SeasonKeys& keys,
                                             const Clock& clock)
    : redis_(redis),
      clock_(clock),
      cipher_(crypto::Aead::Create(keys.record_key).value()),
      index_key_(keys.index_key) {}

std::string RedisSeasonRepository::Seal(std::string_view plaintext,
                                        std::string_view bound_to) const {
  return absl::StrCat(ToAbsl(kSealedPrefix), absl::Base64Escape(cipher_.Seal(plaintext, bound_to)));
}

absl::StatusOr<std::string> RedisSeasonRepository::Open(std::string_view stored,
                                                        std::string_view bound_to) const {
  if (!stored.starts_with(kSealedPrefix)) return std::string(stored);  // written before sealing
  std::string sealed;
  if (!absl::Base64Unescape(ToAbsl(stored.substr(kSealedPrefix.size())), &sealed)) {
    return absl::DataLossError("a sealed daycare record is malformed");
  }
  absl::StatusOr<std::string> opened = cipher_.Open(sealed, bound_to);
  if (!opened.ok()) return absl::DataLossError("a sealed daycare record cannot be opened");
  return opened;
}

std::string RedisSeasonRepository::IndexHash(std::string_view text) const {
  return absl::BytesToHexString(crypto::HmacSha256(index_key_, text));
}

std::string RedisSeasonRepository::ChildIndex(std::string_view season,
                                              const season::Application& application) const {
  return IndexHash(absl::StrCat("child\n", ToAbsl(season), "\n", season::ChildKey(application)));
}

std::map<std::string, std::string> RedisSeasonRepository::OpenExplanation(
    std::string_view season, std::string_view id, std::map<std::string, std::string> fields) const {
  auto explanation = fields.find("explanation");
  if (explanation != fields.end()) {
    explanation->second =
        Open(explanation->second, ExplanationBinding(season, id)).value_or(std::string());
  }
  return fields;
}

std::string RedisSeasonRepository::ApplicationValue(std::string_view season,
                                                    const season::Application& application) const {
  return Seal(ApplicationText(application), ApplicationBinding(season, application.id));
}

absl::StatusOr<season::Application> RedisSeasonRepository::ReadApplication(
    std::string_view season, std::string_view id, std::string_view stored, std::string owner,
    std::string_view duplicate_attempts, bool withdrawn) const {
  STADT_ASSIGN_OR_RETURN(std::string text, Open(stored, ApplicationBinding(season, id)));
  return ApplicationFromText(text, std::move(owner), duplicate_attempts, withdrawn);
}

// The verdicts (an HGETALL of evidence:<id>) and corrections (an LRANGE of
// corrections:<id>) into `application`; unreadable entries are skipped.
void RedisSeasonRepository::AddCasework(std::string_view season, const redis::Reply& evidence,
                                        const redis::Reply& corrections,
                                        season::Application& application) const {
  for (const auto& [field, value] : FieldsOf(evidence)) {
    if (std::optional<season::Verdict> legacy = VerdictFromText(value)) {
      application.evidence[field] = *legacy;  // written before sealing: the field is the criterion
      continue;
    }
    absl::StatusOr<std::string> opened = Open(value, EvidenceBinding(season, application.id));
    if (!opened.ok()) continue;
    boost::system::error_code error;
    json::value verdict = json::parse(*opened, error);
    if (error || !verdict.is_object()) continue;
    if (std::optional<season::Verdict> read =
            VerdictFromText(StringMember(verdict.as_object(), "verdict"))) {
      application.evidence[StringMember(verdict.as_object(), "criterion")] = *read;
    }
  }
  for (const redis::Reply& entry : corrections.elements) {
    boost::system::error_code error;
    json::value value = json::parse(entry.str, error);
    if (error || !value.is_object()) continue;
    const json::object& object = value.as_object();
    season::Correction correction;
    absl::Time at;
    std::string parse_error;
    if (absl::ParseTime(absl::RFC3339_full, StringMember(object, "at"), &at, &parse_error)) {
      correction.at = at;
    }
    correction.caseworker = StringMember(object, "caseworker");
    correction.reason =
        Open(StringMember(object, "reason"), CorrectionBinding(season, application.id))
            .value_or("");
    correction.before =
        Open(StringMember(object, "before"), ApplicationBinding(season, application.id))
            .value_or("");
    application.corrections.push_back(std::move(correction));
  }
}

namespace {

// The set-before-first-round script's refusal, by its reason.
absl::Status FrozenAfterFirstRound(const absl::Status& status) {
  return absl::IsFailedPrecondition(status) ? WithReason(status, "season_frozen") : status;
}

}  // namespace

absl::StatusOr<season::Setup> RedisSeasonRepository::ReadSetup(std::string_view season) {
  STADT_ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_.Command({"MGET", Key(season, "period"), Key(season, "programs"), Key(season, "policy"),
                      Key(season, "rounds"), Key(season, "version")}));
  if (reply.elements.size() != 5) return absl::InternalError("unexpected reply to MGET");
  season::Setup setup;
  const std::string& period = reply.elements[0].str;
  if (period == kOpen) setup.period = season::Period::kOpen;
  if (period == kClosed) setup.period = season::Period::kClosed;
  if (const std::string& programs = reply.elements[1].str; !programs.empty()) {
    absl::StatusOr<ParsedInstance> parsed =
        ParseInstance(absl::StrCat(R"({"seed":0,"applications":[],"programs":)", programs, "}"));
    if (!parsed.ok()) return absl::InternalError("stored programs are malformed");
    setup.programs = std::move(parsed->instance.programs);
  }
  if (const std::string& policy = reply.elements[2].str; !policy.empty()) {
    absl::StatusOr<Policy> parsed = ParsePolicy(policy);
    if (!parsed.ok()) return absl::InternalError("stored policy is malformed");
    setup.policy = *std::move(parsed);
  }
  if (const std::string& rounds = reply.elements[3].str;
      !rounds.empty() && !absl::SimpleAtoi(rounds, &setup.rounds)) {
    return absl::InternalError("stored round count is malformed");
  }
  setup.version = reply.elements[4].str;
  return setup;
}

absl::Status RedisSeasonRepository::PutPrograms(std::string_view season,
                                                const std::vector<Program>& programs) {
  json::array list;
  for (const Program& program : programs) list.push_back(ProgramToJson(program));
  return FrozenAfterFirstRound(redis_
                                   .Eval(kSetBeforeFirstRound,
                                         {Key(season, "programs"), Key(season, "rounds")},
                                         {json::serialize(list)})
                                   .status());
}

absl::Status RedisSeasonRepository::PutPolicy(std::string_view season, const Policy& policy) {
  return FrozenAfterFirstRound(redis_
                                   .Eval(kSetBeforeFirstRound,
                                         {Key(season, "policy"), Key(season, "rounds")},
                                         {json::serialize(PolicyToJson(policy))})
                                   .status());
}

absl::Status RedisSeasonRepository::SetPeriod(std::string_view season, season::Period period) {
  return redis_
      .Eval(kSetBeforeFirstRound, {Key(season, "period"), Key(season, "rounds")},
            {period == season::Period::kOpen ? kOpen : kClosed})
      .status();
}

absl::Status RedisSeasonRepository::SaveApplication(std::string_view season,
                                                    const season::Application& application,
                                                    bool is_new) {
  absl::Status status =
      redis_
          .Eval(kSubmitApplication,
                {Key(season, "period"), Key(season, "apps"), Key(season, "owners"),
                 Key(season, "children"), Key(season, "child_of"), Key(season, "duplicates"),
                 Key(season, absl::StrCat("owned:", application.owner)), Key(season, "withdrawn"),
                 Key(season, "contacts"), Key(season, "outbox"), Key(season, "changed_at")},
                {application.id, application.owner, ApplicationValue(season, application),
                 is_new ? "1" : "0", ChildIndex(season, application), application.sealed_contact,
                 UnixSeconds(clock_.Now())})
          .status();
  switch (status.code()) {
    case absl::StatusCode::kAlreadyExists:
      return WithReason(status, absl::StrContains(status.message(), "child")
                                    ? "duplicate_child"
                                    : "application_id_taken");
    case absl::StatusCode::kFailedPrecondition:
      return WithReason(status, absl::StrContains(status.message(), "withdrawn")
                                    ? "application_withdrawn"
                                    : "period_not_open");
    case absl::StatusCode::kNotFound:
      return WithReason(status, "application_not_found");
    default:
      return status;
  }
}

absl::StatusOr<std::optional<season::Application>> RedisSeasonRepository::GetApplication(
    std::string_view season, std::string_view id) {
  STADT_ASSIGN_OR_RETURN(redis::Reply stored,
                         redis_.Command({"HGET", Key(season, "apps"), std::string(id)}));
  if (stored.IsNil()) return std::optional<season::Application>();
  STADT_ASSIGN_OR_RETURN(redis::Reply owner,
                         redis_.Command({"HGET", Key(season, "owners"), std::string(id)}));
  STADT_ASSIGN_OR_RETURN(redis::Reply duplicates,
                         redis_.Command({"HGET", Key(season, "duplicates"), std::string(id)}));
  STADT_ASSIGN_OR_RETURN(redis::Reply withdrawn,
                         redis_.Command({"HEXISTS", Key(season, "withdrawn"), std::string(id)}));
  STADT_ASSIGN_OR_RETURN(
      season::Application application,
      ReadApplication(season, id, stored.str, owner.str, duplicates.str, withdrawn.integer == 1));
  STADT_RETURN_IF_ERROR(ReadCasework(season, application));
  return std::optional<season::Application>(std::move(application));
}

absl::StatusOr<std::vector<std::string>> RedisSeasonRepository::ApplicationIds(
    std::string_view season) {
  STADT_ASSIGN_OR_RETURN(redis::Reply reply, redis_.Command({"HKEYS", Key(season, "apps")}));
  std::vector<std::string> ids;
  for (const redis::Reply& element : reply.elements) ids.push_back(element.str);
  std::sort(ids.begin(), ids.end());  // a stable input order, whatever Redis returns
  return ids;
}

absl::StatusOr<std::vector<season::Application>> RedisSeasonRepository::ListApplications(
    std::string_view season) {
  // Two round trips whatever the season's size: the season's hashes, then the
  // verdicts and corrections of every application.
  STADT_ASSIGN_OR_RETURN(std::vector<redis::Reply> hashes,
                         redis_.Pipeline({{"HGETALL", Key(season, "apps")},
                                          {"HGETALL", Key(season, "owners")},
                                          {"HGETALL", Key(season, "duplicates")},
                                          {"HGETALL", Key(season, "withdrawn")}}));
  if (hashes.size() != 4) return absl::InternalError("unexpected pipeline reply");
  const std::map<std::string, std::string> stored = FieldsOf(hashes[0]);
  const std::map<std::string, std::string> owners = FieldsOf(hashes[1]);
  const std::map<std::string, std::string> duplicates = FieldsOf(hashes[2]);
  const std::map<std::string, std::string> withdrawn = FieldsOf(hashes[3]);
  std::vector<std::vector<std::string>> casework;
  casework.reserve(2 * stored.size());
  for (const auto& [id, text] : stored) {
    casework.push_back({"HGETALL", Key(season, absl::StrCat("evidence:", id))});
    casework.push_back({"LRANGE", Key(season, absl::StrCat("corrections:", id)), "0", "-1"});
  }
  std::vector<redis::Reply> replies;
  if (!casework.empty()) {
    STADT_ASSIGN_OR_RETURN(replies, redis_.Pipeline(casework));
    if (replies.size() != casework.size()) return absl::InternalError("unexpected pipeline reply");
  }
  std::vector<season::Application> applications;
  applications.reserve(stored.size());
  size_t r = 0;
  for (const auto& [id, text] : stored) {  // std::map: ordered by id
    auto owner = owners.find(id);
    auto duplicate = duplicates.find(id);
    STADT_ASSIGN_OR_RETURN(
        season::Application application,
        ReadApplication(season, id, text, owner == owners.end() ? std::string() : owner->second,
                        duplicate == duplicates.end() ? "" : duplicate->second,
                        withdrawn.contains(id)));
    AddCasework(season, replies[r], replies[r + 1], application);
    r += 2;
    applications.push_back(std::move(application));
  }
  return applications;
}

absl::StatusOr<std::vector<season::Application>> RedisSeasonRepository::ListApplicationsOf(
    std::string_view season, std::string_view owner) {
  STADT_ASSIGN_OR_RETURN(
      redis::Reply ids,
      redis_.Command({"SMEMBERS", Key(season, absl::StrCat("owned:", ToAbsl(owner)))}));
  std::vector<std::string> sorted;
  for (const redis::Reply& id : ids.elements) sorted.push_back(id.str);
  std::sort(sorted.begin(), sorted.end());
  std::vector<season::Application> applications;
  for (const std::string& id : sorted) {
    STADT_ASSIGN_OR_RETURN(std::optional<season::Application> application,
                           GetApplication(season, id));
    if (application && application->owner == owner) {
      applications.push_back(*std::move(application));
    }
  }
  return applications;
}

absl::StatusOr<std::vector<Offer>> RedisSeasonRepository::GetOffers(
    std::string_view season, const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Offer>();
  std::vector<std::vector<std::string>> commands;
  commands.reserve(ids.size());
  for (const std::string& id : ids) commands.push_back({"HGETALL", OfferKey(season, id)});
  STADT_ASSIGN_OR_RETURN(std::vector<redis::Reply> replies, redis_.Pipeline(commands));
  if (replies.size() != ids.size()) return absl::InternalError("unexpected pipeline reply");
  std::vector<Offer> offers;
  offers.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    offers.push_back(OfferFromFields(OpenExplanation(season, ids[i], FieldsOf(replies[i]))));
  }
  return offers;
}

absl::StatusOr<Offer> RedisSeasonRepository::GetOffer(std::string_view season,
                                                      std::string_view id) {
  STADT_ASSIGN_OR_RETURN(auto fields, HashGetAll(redis_, OfferKey(season, id)));
  return OfferFromFields(OpenExplanation(season, id, std::move(fields)));
}

absl::StatusOr<OfferState> RedisSeasonRepository::AnswerOffer(std::string_view season,
                                                              std::string_view id,
                                                              std::string_view owner, bool accept,
                                                              absl::Time now) {
  STADT_ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_.Eval(kAnswerOffer,
                  {Key(season, "owners"), OfferKey(season, id), Key(season, "version"),
                   Key(season, "contacts"), Key(season, "outbox")},
                  {std::string(id), std::string(owner), accept ? "accept" : "decline",
                   absl::StrCat(absl::ToUnixSeconds(now))}));
  return StateFromText(reply.str);
}

absl::Status RedisSeasonRepository::Withdraw(std::string_view season, std::string_view id,
                                             std::string_view owner, absl::Time now) {
  absl::Status status =
      redis_
          .Eval(kWithdraw,
                {Key(season, "owners"), Key(season, "withdrawn"), Key(season, "children"),
                 Key(season, "child_of"), OfferKey(season, id), Key(season, "version")},
                {std::string(id), std::string(owner), absl::StrCat(absl::ToUnixSeconds(now))})
          .status();
  if (absl::IsNotFound(status)) return WithReason(status, "application_not_found");
  return status;
}

absl::Status RedisSeasonRepository::SetVerdict(std::string_view season, std::string_view id,
                                               std::string_view criterion,
                                               season::Verdict verdict) {
  const char* text = verdict == season::Verdict::kVerified   ? "verified"
                     : verdict == season::Verdict::kRejected ? "rejected"
                                                             : "unverified";
  // The field is a keyed hash, so the hash's fields do not say which criteria
  // an application claims; the value says it, sealed.
  const std::string field = IndexHash(
      absl::StrCat("evidence\n", ToAbsl(season), "\n", ToAbsl(id), "\n", ToAbsl(criterion)));
  const std::string value =
      verdict == season::Verdict::kUnverified
          ? std::string(text)
          : Seal(json::serialize(json::object{{"criterion", criterion}, {"verdict", text}}),
                 EvidenceBinding(season, id));
  absl::Status status = redis_
                            .Eval(kSetVerdict,
                                  {Key(season, "rounds"), Key(season, "apps"),
                                   Key(season, absl::StrCat("evidence:", ToAbsl(id)))},
                                  {std::string(id), field, value, std::string(criterion)})
                            .status();
  if (absl::IsNotFound(status)) return WithReason(status, "application_not_found");
  if (absl::IsFailedPrecondition(status)) return WithReason(status, "season_frozen");
  return status;
}

absl::Status RedisSeasonRepository::CorrectApplication(std::string_view season,
                                                       const season::Application& application,
                                                       const season::Correction& correction) {
  const std::string record = json::serialize(
      json::object{{"at", absl::FormatTime(absl::RFC3339_sec, correction.at, absl::UTCTimeZone())},
                   {"caseworker", correction.caseworker},
                   {"reason", Seal(correction.reason, CorrectionBinding(season, application.id))}});
  absl::Status status =
      redis_
          .Eval(kCorrectApplication,
                {Key(season, "rounds"), Key(season, "apps"), Key(season, "children"),
                 Key(season, "child_of"),
                 Key(season, absl::StrCat("corrections:", ToAbsl(application.id)))},
                {application.id, ApplicationValue(season, application),
                 ChildIndex(season, application), record})
          .status();
  if (absl::IsNotFound(status)) return WithReason(status, "application_not_found");
  if (absl::IsFailedPrecondition(status)) return WithReason(status, "season_frozen");
  if (absl::IsAlreadyExists(status)) return WithReason(status, "duplicate_child");
  return status;
}

absl::Status RedisSeasonRepository::ReadCasework(std::string_view season,
                                                 season::Application& application) {
  STADT_ASSIGN_OR_RETURN(
      std::vector<redis::Reply> replies,
      redis_.Pipeline(
          {{"HGETALL", Key(season, absl::StrCat("evidence:", application.id))},
           {"LRANGE", Key(season, absl::StrCat("corrections:", application.id)), "0", "-1"}}));
  if (replies.size() != 2) return absl::InternalError("unexpected pipeline reply");
  AddCasework(season, replies[0], replies[1], application);
  return absl::OkStatus();
}

absl::Status RedisSeasonRepository::PublishRound(std::string_view season,
                                                 const season::RoundWrite& round) {
  std::vector<std::string> keys = {
      Key(season, "rounds"),  Key(season, absl::StrCat("round:", round.round)),
      Key(season, "version"), Key(season, "contacts"),
      Key(season, "outbox"),  Key(season, "changed_at")};
  std::vector<std::string> args = {absl::StrCat(round.round - 1), round.version_seen,
                                   Seal(round.document, RoundBinding(season, round.round)),
                                   absl::StrCat(round.round), UnixSeconds(clock_.Now())};
  for (const auto& [id, offer] : round.offers) {
    keys.push_back(OfferKey(season, id));
    args.push_back(id);
    std::vector<std::string> fields = OfferFields(offer);
    fields[kExplanationField] = Seal(fields[kExplanationField], ExplanationBinding(season, id));
    for (std::string& field : fields) args.push_back(std::move(field));
  }
  return redis_.Eval(kPublishRound, keys, args).status();
}

absl::StatusOr<std::optional<std::string>> RedisSeasonRepository::GetRoundDocument(
    std::string_view season, uint32_t round) {
  STADT_ASSIGN_OR_RETURN(redis::Reply reply,
                         redis_.Command({"GET", Key(season, absl::StrCat("round:", round))}));
  if (reply.IsNil()) return std::optional<std::string>();
  STADT_ASSIGN_OR_RETURN(std::string document, Open(reply.str, RoundBinding(season, round)));
  return std::optional<std::string>(std::move(document));
}

absl::StatusOr<int> RedisSeasonRepository::SetOfferDeadline(std::string_view season, uint32_t round,
                                                            absl::Time deadline, absl::Time now) {
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> ids, ApplicationIds(season));
  std::vector<std::string> keys = {Key(season, "version")};
  for (const std::string& id : ids) keys.push_back(OfferKey(season, id));
  STADT_ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_.Eval(kSetOfferDeadline, keys,
                  {absl::StrCat(round), absl::StrCat(absl::ToUnixSeconds(deadline)),
                   absl::StrCat(absl::ToUnixSeconds(now))}));
  return static_cast<int>(reply.integer);
}

absl::StatusOr<int> RedisSeasonRepository::RemindExpiringOffers(std::string_view season,
                                                                absl::Time now,
                                                                absl::Duration lead) {
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> ids, ApplicationIds(season));
  std::vector<std::string> keys = {Key(season, "contacts"), Key(season, "outbox")};
  std::vector<std::string> args = {absl::StrCat(absl::ToUnixSeconds(now)),
                                   absl::StrCat(absl::ToInt64Seconds(lead))};
  for (const std::string& id : ids) {
    keys.push_back(OfferKey(season, id));
    args.push_back(id);
  }
  STADT_ASSIGN_OR_RETURN(redis::Reply reply, redis_.Eval(kRemindExpiringOffers, keys, args));
  return static_cast<int>(reply.integer);
}

absl::StatusOr<std::vector<std::string>> RedisSeasonRepository::SeasonsOf(std::string_view owner) {
  const std::string suffix = absl::StrCat("}:owned:", ToAbsl(owner));
  const std::string pattern = absl::StrCat("dc:{season:*", GlobEscape(suffix));
  std::vector<std::string> seasons;
  // Seasons lie on every node of a cluster: ScanKeys asks each primary.
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> keys, redis_.ScanKeys(pattern));
  for (const std::string& key : keys) {
    constexpr std::string_view kHead = "dc:{season:";
    if (!key.starts_with(kHead) || !key.ends_with(suffix)) continue;
    seasons.push_back(key.substr(kHead.size(), key.size() - kHead.size() - suffix.size()));
  }
  std::sort(seasons.begin(), seasons.end());
  return seasons;
}

absl::StatusOr<int> RedisSeasonRepository::EraseApplicationsOf(std::string_view season,
                                                               std::string_view owner) {
  STADT_ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_.Eval(kEraseGuardian,
                  {Key(season, absl::StrCat("owned:", ToAbsl(owner))), Key(season, "apps"),
                   Key(season, "owners"), Key(season, "children"), Key(season, "child_of"),
                   Key(season, "duplicates"), Key(season, "withdrawn"), Key(season, "contacts"),
                   Key(season, "outbox")},
                  {std::string(owner), Prefix(season)}));
  return static_cast<int>(reply.integer);
}

}  // namespace stadt::daycare

namespace stadt::daycare {

absl::StatusOr<std::vector<std::string>> RedisSeasonRepository::Seasons() {
  constexpr std::string_view kHead = "dc:{season:";
  constexpr std::string_view kTail = "}:period";
  std::vector<std::string> seasons;
  // Seasons lie on every node of a cluster: ScanKeys asks each primary.
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> keys, redis_.ScanKeys("dc:{season:*}:period"));
  for (const std::string& key : keys) {
    if (!key.starts_with(kHead) || !key.ends_with(kTail)) continue;
    std::string season = key.substr(kHead.size(), key.size() - kHead.size() - kTail.size());
    if (season::CheckSeasonId(season).ok()) seasons.push_back(std::move(season));
  }
  std::sort(seasons.begin(), seasons.end());
  seasons.erase(std::unique(seasons.begin(), seasons.end()), seasons.end());
  return seasons;
}

absl::StatusOr<int> RedisSeasonRepository::EraseWithdrawn(std::string_view season, absl::Time now,
                                                          absl::Duration retention) {
  const int64_t latest = absl::ToUnixSeconds(now - retention);
  STADT_ASSIGN_OR_RETURN(auto withdrawn, HashGetAll(redis_, Key(season, "withdrawn")));
  std::vector<std::string> due;
  for (const auto& [id, when] : withdrawn) {
    int64_t at = 0;
    if (absl::SimpleAtoi(when, &at) && at <= latest) due.push_back(id);
  }
  if (due.empty()) return 0;
  // An application already erased has no owner any more: no script for it.
  std::vector<std::vector<std::string>> lookups;
  lookups.reserve(due.size());
  for (const std::string& id : due) lookups.push_back({"HGET", Key(season, "owners"), id});
  STADT_ASSIGN_OR_RETURN(std::vector<redis::Reply> owners, redis_.Pipeline(lookups));
  if (owners.size() != due.size()) return absl::InternalError("unexpected pipeline reply");
  int erased = 0;
  for (size_t i = 0; i < due.size(); ++i) {
    if (owners[i].IsNil()) continue;
    const std::string& id = due[i];
    STADT_ASSIGN_OR_RETURN(
        redis::Reply reply,
        redis_.Eval(kForgetWithdrawn,
                    {Key(season, "withdrawn"), Key(season, "apps"), Key(season, "owners"),
                     Key(season, "contacts"), Key(season, "duplicates"),
                     Key(season, absl::StrCat("evidence:", id)),
                     Key(season, absl::StrCat("corrections:", id)), OfferKey(season, id),
                     Key(season, absl::StrCat("owned:", owners[i].str))},
                    {id, absl::StrCat(latest)}));
    erased += static_cast<int>(reply.integer);
  }
  return erased;
}

absl::StatusOr<bool> RedisSeasonRepository::EraseSeasonIfExpired(std::string_view season,
                                                                 absl::Time now,
                                                                 absl::Duration retention) {
  const std::string changed_key = Key(season, "changed_at");
  STADT_ASSIGN_OR_RETURN(redis::Reply changed, redis_.Command({"GET", changed_key}));
  if (changed.IsNil()) {
    // A season written before its changes were stamped: its period starts now.
    STADT_RETURN_IF_ERROR(redis_.Command({"SET", changed_key, UnixSeconds(now), "NX"}).status());
    return false;
  }
  int64_t changed_at = 0;
  if (changed.str == kErased || !absl::SimpleAtoi(changed.str, &changed_at) ||
      absl::FromUnixSeconds(changed_at) + retention > now) {
    return false;
  }
  // Every key that may name a child or guardian, found from the season's own
  // hashes (no SCAN of the keyspace per season). What stays holds nothing
  // personal: the setup (period, programs, policy), rounds, version, the
  // outbox stream (its consumer group; the notifications service trims it),
  // changed_at and the sealed mark.
  STADT_ASSIGN_OR_RETURN(std::vector<redis::Reply> lists,
                         redis_.Pipeline({{"HKEYS", Key(season, "apps")},
                                          {"HKEYS", Key(season, "withdrawn")},
                                          {"HKEYS", Key(season, "child_of")},
                                          {"HGETALL", Key(season, "owners")},
                                          {"GET", Key(season, "rounds")}}));
  if (lists.size() != 5) return absl::InternalError("unexpected pipeline reply");
  std::set<std::string> ids;
  std::set<std::string> subjects;
  for (size_t i = 0; i < 3; ++i) {
    for (const redis::Reply& id : lists[i].elements) ids.insert(id.str);
  }
  for (const auto& [id, subject] : FieldsOf(lists[3])) {
    ids.insert(id);
    subjects.insert(subject);
  }
  uint32_t rounds = 0;
  (void)absl::SimpleAtoi(lists[4].str, &rounds);
  std::vector<std::string> keys;
  for (const char* name :
       {"apps", "owners", "children", "child_of", "duplicates", "withdrawn", "contacts"}) {
    keys.push_back(Key(season, name));
  }
  for (const std::string& id : ids) {
    for (const char* kind : {"evidence:", "corrections:", "offer:"}) {
      keys.push_back(Key(season, absl::StrCat(kind, id)));
    }
  }
  for (const std::string& subject : subjects) {
    keys.push_back(Key(season, absl::StrCat("owned:", subject)));
  }
  for (uint32_t round = 1; round <= rounds; ++round) {
    keys.push_back(Key(season, absl::StrCat("round:", round)));
  }
  constexpr size_t kBatch = 500;
  for (size_t from = 0; from < keys.size(); from += kBatch) {
    std::vector<std::string> command = {"UNLINK"};
    for (size_t i = from; i < std::min(keys.size(), from + kBatch); ++i) {
      command.push_back(keys[i]);
    }
    STADT_RETURN_IF_ERROR(redis_.Command(command).status());
  }
  STADT_RETURN_IF_ERROR(redis_.Command({"SET", changed_key, kErased}).status());
  return true;
}

absl::StatusOr<SweepReport> RedisSeasonRepository::SweepRetention(
    absl::Time now, const SeasonRetention& retention) {
  SweepReport report;
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> seasons, Seasons());
  for (const std::string& season : seasons) {
    STADT_ASSIGN_OR_RETURN(int withdrawn, EraseWithdrawn(season, now, retention.withdrawn));
    report.withdrawn_erased += withdrawn;
    STADT_ASSIGN_OR_RETURN(bool erased, EraseSeasonIfExpired(season, now, retention.season));
    report.seasons_erased += erased ? 1 : 0;
  }
  return report;
}

}  // namespace stadt::daycare

namespace stadt::daycare {

absl::StatusOr<int> RedisSeasonRepository::Reseal(const std::string& key, std::string_view kind,
                                                  std::string where, std::string plain,
                                                  std::string sealed, std::string new_field) {
  if (new_field.empty()) new_field = where;
  STADT_ASSIGN_OR_RETURN(redis::Reply reply,
                         redis_.Eval(kReseal, {key},
                                     {std::string(kind), std::move(where), std::move(plain),
                                      std::move(sealed), std::move(new_field)}));
  return static_cast<int>(reply.integer);
}

absl::StatusOr<int> RedisSeasonRepository::SealCasework(std::string_view season,
                                                        std::string_view id) {
  int sealed = 0;
  const std::string evidence_key = Key(season, absl::StrCat("evidence:", ToAbsl(id)));
  STADT_ASSIGN_OR_RETURN(auto verdicts, HashGetAll(redis_, evidence_key));
  for (const auto& [criterion, verdict] : verdicts) {
    if (!VerdictFromText(verdict)) continue;  // sealed already
    const std::string field =
        IndexHash(absl::StrCat("evidence\n", ToAbsl(season), "\n", ToAbsl(id), "\n", criterion));
    const std::string value =
        Seal(json::serialize(json::object{{"criterion", criterion}, {"verdict", verdict}}),
             EvidenceBinding(season, id));
    STADT_ASSIGN_OR_RETURN(int done,
                           Reseal(evidence_key, "hash", criterion, verdict, value, field));
    sealed += done;
  }
  const std::string corrections_key = Key(season, absl::StrCat("corrections:", ToAbsl(id)));
  STADT_ASSIGN_OR_RETURN(redis::Reply corrections,
                         redis_.Command({"LRANGE", corrections_key, "0", "-1"}));
  for (size_t i = 0; i < corrections.elements.size(); ++i) {
    const std::string& entry = corrections.elements[i].str;
    boost::system::error_code error;
    json::value value = json::parse(entry, error);
    if (error || !value.is_object()) continue;
    json::object& record = value.as_object();
    bool changed = false;
    const std::string reason = StringMember(record, "reason");
    if (!reason.starts_with(kSealedPrefix)) {
      record["reason"] = Seal(reason, CorrectionBinding(season, id));
      changed = true;
    }
    const std::string before = StringMember(record, "before");
    if (!before.empty() && !before.starts_with(kSealedPrefix)) {
      record["before"] = Seal(before, ApplicationBinding(season, id));
      changed = true;
    }
    if (!changed) continue;
    STADT_ASSIGN_OR_RETURN(
        int done, Reseal(corrections_key, "list", absl::StrCat(i), entry, json::serialize(record)));
    sealed += done;
  }
  const std::string offer_key = OfferKey(season, id);
  STADT_ASSIGN_OR_RETURN(redis::Reply explanation,
                         redis_.Command({"HGET", offer_key, "explanation"}));
  if (!explanation.IsNil() && !explanation.str.starts_with(kSealedPrefix)) {
    STADT_ASSIGN_OR_RETURN(int done, Reseal(offer_key, "hash", "explanation", explanation.str,
                                            Seal(explanation.str, ExplanationBinding(season, id))));
    sealed += done;
  }
  return sealed;
}

absl::StatusOr<int> RedisSeasonRepository::SealSeason(std::string_view season) {
  // A season that a whole pass found sealed stays so: every write seals.
  const std::string marker = Key(season, "sealed");
  STADT_ASSIGN_OR_RETURN(redis::Reply done_before, redis_.Command({"GET", marker}));
  if (done_before.str == kSealedVersion) return 0;
  int sealed = 0;
  STADT_ASSIGN_OR_RETURN(auto stored, HashGetAll(redis_, Key(season, "apps")));
  STADT_ASSIGN_OR_RETURN(auto owners, HashGetAll(redis_, Key(season, "owners")));
  STADT_ASSIGN_OR_RETURN(auto child_of, HashGetAll(redis_, Key(season, "child_of")));
  for (const auto& [id, value] : stored) {
    if (!value.starts_with(kSealedPrefix)) {
      auto owner = owners.find(id);
      absl::StatusOr<season::Application> application =
          ReadApplication(season, id, value, owner == owners.end() ? "" : owner->second, "", false);
      if (!application.ok()) continue;  // unreadable: left for the retention to erase
      STADT_ASSIGN_OR_RETURN(int done, Reseal(Key(season, "apps"), "hash", id, value,
                                              ApplicationValue(season, *application)));
      sealed += done;
      auto child = child_of.find(id);
      const std::string index = ChildIndex(season, *application);
      if (child != child_of.end() && child->second != index) {
        STADT_ASSIGN_OR_RETURN(
            redis::Reply moved,
            redis_.Eval(kReindexChild, {Key(season, "children"), Key(season, "child_of")},
                        {id, child->second, index}));
        sealed += static_cast<int>(moved.integer);
      }
    }
    STADT_ASSIGN_OR_RETURN(int casework, SealCasework(season, id));
    sealed += casework;
  }
  STADT_ASSIGN_OR_RETURN(redis::Reply rounds, redis_.Command({"GET", Key(season, "rounds")}));
  uint32_t count = 0;
  (void)absl::SimpleAtoi(rounds.str, &count);
  for (uint32_t round = 1; round <= count; ++round) {
    const std::string key = Key(season, absl::StrCat("round:", round));
    STADT_ASSIGN_OR_RETURN(redis::Reply document, redis_.Command({"GET", key}));
    if (document.IsNil() || document.str.starts_with(kSealedPrefix)) continue;
    STADT_ASSIGN_OR_RETURN(int done, Reseal(key, "string", "", document.str,
                                            Seal(document.str, RoundBinding(season, round))));
    sealed += done;
  }
  STADT_RETURN_IF_ERROR(redis_.Command({"SET", marker, kSealedVersion}).status());
  return sealed;
}

absl::StatusOr<int> RedisSeasonRepository::SealWrittenBeforeSealing() {
  STADT_ASSIGN_OR_RETURN(std::vector<std::string> seasons, Seasons());
  int sealed = 0;
  for (const std::string& season : seasons) {
    STADT_ASSIGN_OR_RETURN(int done, SealSeason(season));
    sealed += done;
  }
  return sealed;
}

}  // namespace stadt::daycare
