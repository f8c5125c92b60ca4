#include "services/daycare/store/redis_season_repository.h"

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/fake_clock.h"
#include "services/common/reason.h"
#include "services/daycare/domain/application_rules.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/season_service.h"
#include "tests/harness/redis_test.h"

namespace stadt::daycare {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'780'000'000);

using season::ApplicantOutcome;
using season::ApplicationView;
using season::RoundView;

json::object Parse(std::string_view text) { return json::parse(text).as_object(); }

// Programs and an application written in the engine's instance format.
std::vector<Program> Programs(std::string_view text) {
  absl::StatusOr<ParsedInstance> parsed = ParseInstance(
      absl::StrCat(R"({"seed":0,"applications":[],"programs":)", std::string(text), "}"));
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? parsed->instance.programs : std::vector<Program>();
}

// Without a child's name or birth date, the application gets a name of its own
// (a child nobody else applied for) and a birth date in early 2024.
season::Application App(std::string_view text) {
  static int children = 0;
  json::object object = Parse(text);
  object["id"] = "x";
  if (!object.contains("birth_date")) object["birth_date"] = "2024-02-01";
  absl::StatusOr<ParsedInstance> parsed = ParseInstance(
      absl::StrCat(R"({"seed":0,"programs":[],"applications":[)", json::serialize(object), "]}"));
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  season::Application application;
  if (!parsed.ok()) return application;
  const Application& engine = parsed->instance.applications[0];
  application.choices = engine.choices;
  application.child.birth_date = engine.birth_date;
  application.desired_start = engine.desired_start;
  application.care_scope = engine.care_scope;
  application.district = engine.district;
  application.criteria = engine.criteria;
  application.child.name = object.contains("child_name")
                               ? std::string(object.at("child_name").as_string())
                               : absl::StrCat("Kind ", ++children);
  return application;
}

// The season store on a real redis-server: what runs in production, minus gRPC.
class SeasonStoreTest : public testing::RedisTest {
 protected:
  SeasonStoreTest() : RedisTest(/*pool_size=*/8) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<RedisSeasonRepository>(
        redis(), SeasonKeys::FromMasterKey("a daycare master key of 32 bytes"), clock_);
    store_ = std::make_unique<season::SeasonService>(*repository_, clock_);
  }

  // Two places, three children: "a" has priority points, "b" is older than "c".
  void OpenSeasonWithThreeApplications() {
    ASSERT_TRUE(store_
                    ->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1},
                                                        {"id":"P2","capacity":1}])"))
                    .ok());
    ASSERT_TRUE(store_
                    ->PutPolicy("s1", R"({"max_choices":2,"criteria":[
                        {"id":"single_parent","points":10,"label":"single parent"}]})")
                    .ok());
    ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
    a_ = Submit("parent-a", R"({"choices":["P1","P2"],"criteria":["single_parent"],
                                "birth_date":"2024-03-01"})");
    b_ = Submit("parent-b", R"({"choices":["P1","P2"],"birth_date":"2023-01-01"})");
    c_ = Submit("parent-c", R"({"choices":["P1","P2"],"birth_date":"2024-01-01"})");
    // A caseworker saw the evidence: "a"'s points count.
    absl::Status verified =
        store_->SetVerdict("s1", a_, "single_parent", season::Verdict::kVerified).status();
    ASSERT_TRUE(verified.ok()) << verified;
  }

  std::string Submit(const std::string& subject, std::string_view application) {
    absl::StatusOr<ApplicationView> view =
        store_->SubmitApplication("s1", subject, "", App(application));
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? view->application.id : "";
  }

  ApplicationView Status(const std::string& subject, const std::string& id) {
    absl::StatusOr<ApplicationView> view = store_->GetApplication("s1", subject, id);
    EXPECT_TRUE(view.ok()) << view.status();
    return view.value_or(ApplicationView{});
  }

  FakeClock clock_{kStart};
  std::unique_ptr<RedisSeasonRepository> repository_;
  std::unique_ptr<season::SeasonService> store_;
  std::string a_, b_, c_;
};

TEST_F(SeasonStoreTest, RunsASeasonWithAMoveUpRound) {
  OpenSeasonWithThreeApplications();
  EXPECT_EQ(store_->PublishRound("s1", 0, 7, kStart + absl::Hours(24)).status().code(),
            absl::StatusCode::kFailedPrecondition);  // the period is still open
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());

  absl::StatusOr<RoundStats> dry = store_->DryRun("s1", 7);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->placed, 2u);
  EXPECT_FALSE(store_->GetRound("s1", 1).ok());  // a dry run stores nothing

  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->seed, 7u);
  EXPECT_EQ(first->stats.placed, 2u);
  EXPECT_EQ(Status("parent-a", a_).offer.program, "P1");
  EXPECT_EQ(Status("parent-b", b_).offer.program, "P2");
  const ApplicationView c = Status("parent-c", c_);
  EXPECT_EQ(c.offer.state, OfferState::kNone);
  ASSERT_EQ(c.offer.explanation.choices.size(), 2u);
  EXPECT_FALSE(c.offer.explanation.choices[0].text.empty());

  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-b", b_, false).ok());
  absl::StatusOr<RoundView> second = store_->PublishRound("s1", 0, 0, kStart + absl::Hours(48));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->round, 2u);
  EXPECT_EQ(second->seed, 7u);  // the first round's inputs and seed carry on

  EXPECT_EQ(Status("parent-a", a_).offer.state, OfferState::kAccepted);
  EXPECT_EQ(Status("parent-a", a_).offer.program, "P1");
  EXPECT_EQ(Status("parent-b", b_).offer.state, OfferState::kDeclined);
  const ApplicationView moved_up = Status("parent-c", c_);
  EXPECT_EQ(moved_up.offer.state, OfferState::kOpen);
  EXPECT_EQ(moved_up.offer.program, "P2");
  EXPECT_EQ(moved_up.offer.round, 2u);
}

TEST_F(SeasonStoreTest, TheScheduledJobPublishesOnlyRoundsThatChangeSomething) {
  OpenSeasonWithThreeApplications();
  const absl::Time deadline = kStart + absl::Hours(24);
  EXPECT_EQ(store_->PublishNextRoundIfItChangesAnything("s1", deadline).status().code(),
            absl::StatusCode::kFailedPrecondition);  // the period is still open
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishNextRoundIfItChangesAnything("s1", deadline);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->round, 1u);
  // Offers are open: nothing is due until they are answered or expire.
  EXPECT_EQ(store_->PublishNextRoundIfItChangesAnything("s1", deadline).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // Both offers accepted: another round would change nothing, so none is published.
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-b", b_, true).ok());
  absl::StatusOr<RoundView> settled = store_->PublishNextRoundIfItChangesAnything("s1", deadline);
  EXPECT_EQ(settled.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(settled.status().message()), ::testing::HasSubstr("settled"));
  EXPECT_EQ(store_->GetRound("s1", 2).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SeasonStoreTest, TheScheduledJobPublishesAMoveUpRoundAfterADecline) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishNextRoundIfItChangesAnything("s1", kStart + absl::Hours(24)).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-b", b_, false).ok());
  absl::StatusOr<RoundView> second =
      store_->PublishNextRoundIfItChangesAnything("s1", kStart + absl::Hours(48));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->round, 2u);
  EXPECT_EQ(Status("parent-c", c_).offer.state, OfferState::kOpen);
}

TEST_F(SeasonStoreTest, APublishedRoundTellsWhatEachCompetingApplicantGot) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24));
  ASSERT_TRUE(first.ok()) << first.status();
  // Two places for three open applicants: "a" gets its first wish P1, "b" its
  // second wish P2, "c" nothing.
  int offered = 0;
  int first_choice = 0;
  for (const ApplicantOutcome& outcome : first->outcomes) {
    EXPECT_TRUE(outcome.competed);
    offered += outcome.offered;
    first_choice += outcome.first_choice;
  }
  EXPECT_EQ(first->outcomes.size(), 3u);
  EXPECT_EQ(offered, 2);
  EXPECT_EQ(first_choice, 1);
  absl::StatusOr<RoundView> stored = store_->GetRound("s1", 1);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->outcomes.empty());  // only the publishing call reports them
}

TEST_F(SeasonStoreTest, OutcomesCarryACoarseAgeGroupAtTheStart) {
  ASSERT_TRUE(store_
                  ->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1,
                                                       "start_month":"2026-08"},
                                                      {"id":"P2","capacity":1,
                                                       "start_month":"2026-09"}])"))
                  .ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  // Ages at P1's start 2026-08 unless the parent wished another month.
  const std::string three = Submit("p1", R"({"choices":["P1"],"birth_date":"2023-05-01"})");
  const std::string one = Submit("p2", R"({"choices":["P1"],"birth_date":"2025-08-01"})");
  const std::string baby = Submit("p3", R"({"choices":["P1"],"birth_date":"2025-08-02"})");
  const std::string wish =
      Submit("p4", R"({"choices":["P1"],"birth_date":"2025-08-02","start_month":"2026-09"})");
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24));
  ASSERT_TRUE(first.ok()) << first.status();

  // Outcomes follow the sorted application ids; pair them up through the document.
  const json::object document = Parse(first->document);
  const json::array& applications = document.at("applications").as_array();
  ASSERT_EQ(applications.size(), first->outcomes.size());
  std::map<std::string, std::string> age_group;
  for (size_t i = 0; i < applications.size(); ++i) {
    age_group[std::string(applications[i].at("id").as_string())] = first->outcomes[i].age_group;
  }
  EXPECT_EQ(age_group[three], "3-6");     // 39 months
  EXPECT_EQ(age_group[one], "1-2");       // 12 months: born on the 1st
  EXPECT_EQ(age_group[baby], "under-1");  // 11 months
  EXPECT_EQ(age_group[wish], "1-2");      // 12 months at the wished 2026-09
}

TEST_F(SeasonStoreTest, AnOfferExpiredUnansweredIsListedOnceByTheRoundThatNoticesIt) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->expired_offers.empty());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());

  // "b" lets its offer of round 1 run out; round 2 notices it and offers P2 to "c".
  clock_.Advance(absl::Hours(2));
  absl::StatusOr<RoundView> second = store_->PublishRound("s1", 2, 0, kStart + absl::Hours(3));
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->expired_offers.size(), 1u);
  EXPECT_EQ(second->expired_offers[0].application_id, b_);
  EXPECT_EQ(second->expired_offers[0].round, 1u);
  EXPECT_EQ(second->expired_offers[0].district, "");
  EXPECT_EQ(Status("parent-b", b_).offer.state, OfferState::kExpired);
  EXPECT_EQ(Status("parent-c", c_).offer.program, "P2");

  // "c" lets round 2's offer run out too: round 3 lists "c" only, not "b" again.
  clock_.Advance(absl::Hours(2));
  absl::StatusOr<RoundView> third = store_->PublishRound("s1", 3, 0, kStart + absl::Hours(5));
  ASSERT_TRUE(third.ok()) << third.status();
  ASSERT_EQ(third->expired_offers.size(), 1u);
  EXPECT_EQ(third->expired_offers[0].application_id, c_);
  EXPECT_EQ(third->expired_offers[0].round, 2u);
  absl::StatusOr<RoundView> stored = store_->GetRound("s1", 3);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->expired_offers.empty());  // only the publishing call reports them
}

TEST_F(SeasonStoreTest, APublishedRoundIsImmutableAndKeepsItsInputs) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 99, kStart + absl::Hours(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(store_->PublishRound("s1", 1, 99, kStart + absl::Hours(1)).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->SetPeriod("s1", true).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->PutPolicy("s1", R"({"max_choices":3})").status().code(),
            absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<RoundView> read = store_->GetRound("s1", 1);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->document, first->document);
  EXPECT_EQ(read->seed, 99u);
  EXPECT_EQ(read->stats.placed, 2u);
  const json::object document = Parse(read->document);
  EXPECT_EQ(document.at("applications").as_array().size(), 3u);
  EXPECT_EQ(document.at("programs").as_array().size(), 2u);
  EXPECT_EQ(document.at("result").at("assignments").as_array().size(), 3u);
  EXPECT_EQ(store_->GetRound("s1", 2).status().code(), absl::StatusCode::kNotFound);
}

// The coordinators' policy screen: the policy as it applies (the city's until
// the season has one), refusals of bad setups by their reasons, and both
// frozen once a round is published.
TEST_F(SeasonStoreTest, CoordinatorsReadThePolicyAndBadOrLateSetupsAreRefusedByReason) {
  absl::StatusOr<season::PolicyView> initial = store_->GetPolicy("s1");
  ASSERT_TRUE(initial.ok()) << initial.status();
  EXPECT_TRUE(initial->city_default);
  EXPECT_FALSE(initial->frozen);
  EXPECT_EQ(initial->policy.max_choices, Policy{}.max_choices);

  OpenSeasonWithThreeApplications();
  absl::StatusOr<season::PolicyView> own = store_->GetPolicy("s1");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_FALSE(own->city_default);
  EXPECT_EQ(own->policy.max_choices, 2u);
  ASSERT_EQ(own->policy.criteria.size(), 1u);
  EXPECT_EQ(own->policy.criteria[0].id, "single_parent");
  EXPECT_EQ(own->policy.criteria[0].points, 10);
  EXPECT_EQ(own->policy.criteria[0].label, "single parent");

  EXPECT_EQ(ReasonOf(store_->PutPolicy("s1", R"({"max_choices":0})").status()), "invalid_policy");
  EXPECT_EQ(ReasonOf(store_
                         ->PutPolicy("s1", R"({"criteria":[{"id":"a","points":1},
                                                {"id":"a","points":2}]})")
                         .status()),
            "invalid_policy");
  EXPECT_EQ(ReasonOf(store_->PutPrograms("s1", {}).status()), "invalid_programs");
  std::vector<Program> twice = Programs(R"([{"id":"P1","capacity":1}])");
  twice.push_back(twice.front());
  EXPECT_EQ(ReasonOf(store_->PutPrograms("s1", twice).status()), "invalid_programs");
  EXPECT_EQ(store_->GetPolicy("s1")->policy.max_choices, 2u);  // the refusals changed nothing

  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 5, kStart + absl::Hours(1)).ok());
  EXPECT_TRUE(store_->GetPolicy("s1")->frozen);
  EXPECT_EQ(ReasonOf(store_->PutPolicy("s1", R"({"max_choices":3})").status()), "season_frozen");
  EXPECT_EQ(ReasonOf(store_->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":5}])")).status()),
            "season_frozen");
}

// Coordinators read why a child got its result, in the language asked for,
// without the family's contact details or the casework.
TEST_F(SeasonStoreTest, TheExplanationOfAResultLeavesOutTheFamilyAndTheCasework) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24)).ok());
  absl::StatusOr<ApplicationView> german =
      store_->ExplainResult("s1", c_, season::Language::kGerman);
  ASSERT_TRUE(german.ok()) << german.status();
  absl::StatusOr<ApplicationView> english =
      store_->ExplainResult("s1", c_, season::Language::kEnglish);
  ASSERT_TRUE(english.ok()) << english.status();
  EXPECT_EQ(german->offer.explanation.choices.size(), 2u);
  EXPECT_NE(german->status_text, english->status_text);
  EXPECT_EQ(german->application.id, c_);
  EXPECT_TRUE(german->application.owner.empty());
  EXPECT_TRUE(german->application.guardian.name.empty());
  EXPECT_TRUE(german->application.guardian.email.empty());
  EXPECT_EQ(german->application.choices, (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(ReasonOf(store_->ExplainResult("s1", "nobody", season::Language::kGerman).status()),
            "application_not_found");
}

TEST_F(SeasonStoreTest, AnswersAreIdempotentAndRefusedWhenExpired) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1)).ok());

  absl::StatusOr<ApplicationView> accepted = store_->AnswerOffer("s1", "parent-a", a_, true);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  absl::StatusOr<ApplicationView> again = store_->AnswerOffer("s1", "parent-a", a_, true);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->offer.state, OfferState::kAccepted);
  EXPECT_EQ(again->offer.program, accepted->offer.program);
  EXPECT_EQ(store_->AnswerOffer("s1", "parent-a", a_, false).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->AnswerOffer("s1", "parent-b", a_, true).status().code(),
            absl::StatusCode::kNotFound);  // someone else's application
  EXPECT_EQ(store_->AnswerOffer("s1", "parent-c", c_, true).status().code(),
            absl::StatusCode::kFailedPrecondition);  // no offer

  clock_.Advance(absl::Hours(2));
  absl::Status late = store_->AnswerOffer("s1", "parent-b", b_, true).status();
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.message(), HasSubstr("expired"));
  EXPECT_EQ(Status("parent-b", b_).offer.state, OfferState::kExpired);
}

TEST_F(SeasonStoreTest, ConcurrentAnswersToOneOfferHaveOneEffect) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1)).ok());
  absl::StatusOr<redis::Reply> before = redis().Command({"GET", "dc:{season:s1}:version"});
  ASSERT_TRUE(before.ok());

  std::atomic<int> accepted{0};
  std::atomic<int> declined{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<ApplicationView> view = store_->AnswerOffer("s1", "parent-b", b_, t % 2 == 0);
      if (!view.ok()) {
        EXPECT_EQ(view.status().code(), absl::StatusCode::kFailedPrecondition);
        ++refused;
      } else if (t % 2 == 0) {
        ++accepted;
      } else {
        ++declined;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Either every accept succeeded and every decline was refused, or the reverse.
  EXPECT_EQ(refused.load(), 4);
  EXPECT_TRUE((accepted == 4 && declined == 0) || (accepted == 0 && declined == 4));
  absl::StatusOr<redis::Reply> after = redis().Command({"GET", "dc:{season:s1}:version"});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(std::stoi(after->str), std::stoi(before->str) + 1);  // one state change
}

TEST_F(SeasonStoreTest, ApplicationsAreValidatedAndPrivate) {
  OpenSeasonWithThreeApplications();
  auto submit = [&](std::string_view text) {
    return store_->SubmitApplication("s1", "parent-x", "", App(text)).status();
  };
  absl::Status unknown = submit(R"({"choices":["P9"]})");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(), HasSubstr("application.choices[0]"));
  EXPECT_EQ(submit(R"({"choices":["P1","P2","P1"]})").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(submit(R"({"choices":[]})").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetApplication("s1", "parent-b", a_).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetApplication("bad season!", "parent-a", a_).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Editing works while the period is open, and only for the owner.
  absl::StatusOr<ApplicationView> edited =
      store_->SubmitApplication("s1", "parent-a", a_, App(R"({"choices":["P2"]})"));
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->application.choices.size(), 1u);
  EXPECT_EQ(
      store_->SubmitApplication("s1", "parent-b", a_, App(R"({"choices":["P1"]})")).status().code(),
      absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  EXPECT_EQ(
      store_->SubmitApplication("s1", "parent-a", a_, App(R"({"choices":["P1"]})")).status().code(),
      absl::StatusCode::kFailedPrecondition);
}

// Issue 19: what a parent claims is checked against the season, each refusal
// with its own reason, and nothing is stored.
TEST_F(SeasonStoreTest, RefusesUncheckedInputWithASpecificReason) {
  ASSERT_TRUE(store_
                  ->PutPrograms("s1", Programs(R"([
                      {"id":"U3","capacity":1,"care_scope":"full_day","start_month":"2026-08",
                       "min_age_months":10,"max_age_months":35},
                      {"id":"K3","capacity":1,"care_scope":"part_day","start_month":"2026-09",
                       "min_age_months":30,"max_age_months":72}])"))
                  .ok());
  ASSERT_TRUE(store_
                  ->PutPolicy("s1", R"({"criteria":[
                      {"id":"single_parent","points":10,"label":"single parent"}]})")
                  .ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  auto reason = [&](std::string_view text) {
    absl::Status status = store_->SubmitApplication("s1", "parent-x", "", App(text)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text << " " << status;
    return ReasonOf(status);
  };
  EXPECT_EQ(reason(R"({"choices":["U3"],"criteria":["vip"]})"), "unknown_criterion");
  EXPECT_EQ(reason(R"({"choices":["U3"],"criteria":["single_parent","single_parent"]})"),
            "duplicate_criterion");
  EXPECT_EQ(reason(R"({"choices":["U3"],"care_scope":"halbtags"})"), "unknown_care_scope");
  EXPECT_EQ(reason(R"({"choices":["U3"],"birth_date":"2031-01-01"})"), "birth_date_in_future");
  EXPECT_EQ(reason(R"({"choices":["U3"],"start_month":"2027-01"})"), "start_month_outside_season");
  EXPECT_EQ(reason(R"({"choices":["U3"],"start_month":"2026-07"})"), "start_month_outside_season");
  // 2026-08: 2 months old for the under-3s (from 10 months), 2 years for 3-6.
  EXPECT_EQ(reason(R"({"choices":["U3"],"birth_date":"2026-05-20"})"), "age_outside_program");
  EXPECT_EQ(reason(R"({"choices":["U3","K3"],"birth_date":"2024-06-01"})"), "age_outside_program");
  EXPECT_EQ(reason(R"({"choices":["U9"]})"), "unknown_program");
  EXPECT_EQ(reason(R"({"choices":[]})"), "choices_required");
  season::Application no_birth_date = App(R"({"choices":["U3"]})");
  no_birth_date.child.birth_date.reset();
  absl::Status missing = store_->SubmitApplication("s1", "parent-x", "", no_birth_date).status();
  EXPECT_EQ(ReasonOf(missing), "birth_date_required");
  season::Application no_name = App(R"({"choices":["U3"]})");
  no_name.child.name = " - ";
  EXPECT_EQ(ReasonOf(store_->SubmitApplication("s1", "parent-x", "", no_name).status()),
            "child_name_required");
  absl::StatusOr<std::vector<season::Application>> stored = repository_->ListApplications("s1");
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty());

  // What the season offers is accepted.
  EXPECT_TRUE(store_
                  ->SubmitApplication("s1", "parent-x", "",
                                      App(R"({"choices":["U3"],"care_scope":"full_day",
                                              "start_month":"2026-08","criteria":["single_parent"],
                                              "birth_date":"2025-01-15"})"))
                  .ok());
}

TEST_F(SeasonStoreTest, OneApplicationPerChildAndGuardian) {
  OpenSeasonWithThreeApplications();
  const std::string lena = Submit("parent-d", R"({"choices":["P1"],"child_name":"Lena Müller",
                             "birth_date":"2024-04-04"})");
  // The same child written differently: refused, and the first is flagged.
  absl::Status again =
      store_
          ->SubmitApplication("s1", "parent-d", "",
                              App(R"({"choices":["P2"],"child_name":"  lena   MUELLER ",
                                      "birth_date":"2024-04-04"})"))
          .status();
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(ReasonOf(again), "duplicate_child");
  EXPECT_THAT(again.message(), HasSubstr(lena));
  EXPECT_EQ(Status("parent-d", lena).application.duplicate_attempts, 1u);
  // Another child of the same guardian, and the same name from another guardian, are fine.
  Submit("parent-d", R"({"choices":["P1"],"child_name":"Lena Müller","birth_date":"2025-01-01"})");
  Submit("parent-e", R"({"choices":["P1"],"child_name":"Lena Müller","birth_date":"2024-04-04"})");
  // Editing keeps the child's claim; renaming frees the old one.
  ASSERT_TRUE(store_
                  ->SubmitApplication("s1", "parent-d", lena,
                                      App(R"({"choices":["P2"],"child_name":"Lena Maria Müller",
                                              "birth_date":"2024-04-04"})"))
                  .ok());
  Submit("parent-d", R"({"choices":["P1"],"child_name":"Lena Müller","birth_date":"2024-04-04"})");
  EXPECT_EQ(season::NormaliseName("  Jürgen-Groß  O'Neil "), "juergen gross o neil");
}

// Issue 19, parents' view: their own applications, the status in words that
// match the state (German and English), waiting ranks after a round, withdrawing.
TEST_F(SeasonStoreTest, ParentsSeeTheirApplicationsInWordsAndMayWithdraw) {
  using season::ApplicationState;
  using season::Language;
  OpenSeasonWithThreeApplications();
  const std::string a2 =
      Submit("parent-a", R"({"choices":["P2"],"child_name":"Tom","birth_date":"2023-03-03"})");
  absl::StatusOr<std::vector<ApplicationView>> mine = store_->ListApplications("s1", "parent-a");
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*store_->ListApplications("s1", "parent-b")).size(), 1u);
  EXPECT_EQ((*mine)[0].state, ApplicationState::kSubmitted);
  EXPECT_THAT((*mine)[0].status_text, HasSubstr("eingegangen"));
  EXPECT_THAT(store_->GetApplication("s1", "parent-a", a_, Language::kEnglish)->status_text,
              HasSubstr("received"));

  // Withdrawn before the first round: not an input of it.
  EXPECT_EQ(store_->Withdraw("s1", "parent-b", a2).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<ApplicationView> withdrawn = store_->Withdraw("s1", "parent-a", a2);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state, ApplicationState::kWithdrawn);
  EXPECT_THAT(withdrawn->status_text, HasSubstr("zurückgezogen"));
  ASSERT_TRUE(store_->Withdraw("s1", "parent-a", a2).ok());  // again: the same
  EXPECT_EQ(ReasonOf(store_
                         ->SubmitApplication("s1", "parent-a", a2,
                                             App(R"({"choices":["P2"],"child_name":"Tom"})"))
                         .status()),
            "application_withdrawn");
  // Tom may be applied for again (and that one is withdrawn too, to keep the round small).
  const std::string again =
      Submit("parent-a", R"({"choices":["P2"],"child_name":"Tom","birth_date":"2023-03-03"})");
  ASSERT_FALSE(again.empty());
  ASSERT_TRUE(store_->Withdraw("s1", "parent-a", again).ok());

  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->stats.applications, 3u);
  const ApplicationView a = Status("parent-a", a_);
  EXPECT_EQ(a.state, ApplicationState::kOffered);
  EXPECT_THAT(a.status_text, HasSubstr("angeboten (Runde 1)"));
  // "c" has no place: the round it was considered in, and its place on each list
  // ("b", older, is ahead of it for P1, which "b" wished above its offer P2).
  const ApplicationView c = Status("parent-c", c_);
  EXPECT_EQ(c.state, ApplicationState::kWaiting);
  EXPECT_EQ(c.round, 1u);
  ASSERT_EQ(c.offer.waiting.size(), 2u);
  EXPECT_EQ(c.offer.waiting[0].program, "P1");
  EXPECT_EQ(c.offer.waiting[0].rank, 2u);
  EXPECT_EQ(c.offer.waiting[1].program, "P2");
  EXPECT_EQ(c.offer.waiting[1].rank, 1u);
  EXPECT_THAT(c.status_text, HasSubstr("Nach Runde 1"));
  EXPECT_THAT(store_->GetApplication("s1", "parent-c", c_, Language::kEnglish)->status_text,
              HasSubstr("P1: position 2; P2: position 1"));

  // Declining never reads "has a place".
  absl::StatusOr<ApplicationView> declined =
      store_->AnswerOffer("s1", "parent-b", b_, false, Language::kEnglish);
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(declined->state, ApplicationState::kDeclined);
  EXPECT_THAT(declined->status_text, HasSubstr("You declined the offer for P2"));
  EXPECT_THAT(declined->status_text, ::testing::Not(HasSubstr("has a place")));

  // "a" accepts, then withdraws: the place goes to the next child.
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_TRUE(store_->Withdraw("s1", "parent-a", a_).ok());
  EXPECT_EQ(store_->AnswerOffer("s1", "parent-a", a_, true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->PublishRound("s1", 2, 0, kStart + absl::Hours(48)).ok());
  EXPECT_EQ(Status("parent-a", a_).state, ApplicationState::kWithdrawn);
  EXPECT_EQ(Status("parent-b", b_).offer.program, "P1");
  EXPECT_EQ(Status("parent-c", c_).offer.program, "P2");
}

// Issue 19: claimed criteria start unverified and count only once a caseworker
// verified them; the policy may keep applications with unchecked claims out.
TEST_F(SeasonStoreTest, OnlyVerifiedCriteriaCountAndThePolicyMayBlockUnverifiedClaims) {
  using season::Verdict;
  OpenSeasonWithThreeApplications();
  const std::string d = Submit(
      "parent-d", R"({"choices":["P1"],"criteria":["single_parent"],"birth_date":"2025-01-01"})");
  ApplicationView a = Status("parent-a", a_);
  ASSERT_EQ(a.criteria.size(), 1u);
  EXPECT_TRUE(a.criteria[0].counted);
  EXPECT_THAT(a.status_text, HasSubstr("Berücksichtigte Kriterien: single parent."));
  ApplicationView unverified = Status("parent-d", d);
  ASSERT_EQ(unverified.criteria.size(), 1u);
  EXPECT_EQ(unverified.criteria[0].verdict, Verdict::kUnverified);
  EXPECT_FALSE(unverified.criteria[0].counted);
  EXPECT_THAT(unverified.status_text, HasSubstr("Noch nicht geprüft"));
  EXPECT_EQ(ReasonOf(store_->SetVerdict("s1", d, "both_working", Verdict::kVerified).status()),
            "criterion_not_claimed");

  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  // Unverified, "d" (the youngest) has no points: two places go to "a" and "b".
  absl::StatusOr<RoundStats> ignored = store_->DryRun("s1", 7);
  ASSERT_TRUE(ignored.ok()) << ignored.status();
  EXPECT_EQ(ignored->applications, 4u);
  ASSERT_TRUE(store_->SetVerdict("s1", d, "single_parent", Verdict::kRejected).ok());
  EXPECT_THAT(Status("parent-d", d).status_text, HasSubstr("Nicht anerkannt: single parent."));
  ASSERT_TRUE(store_->SetVerdict("s1", d, "single_parent", Verdict::kUnverified).ok());
  ASSERT_TRUE(store_
                  ->PutPolicy("s1", R"({"max_choices":2,"unverified_criteria":"block","criteria":[
                      {"id":"single_parent","points":10,"label":"single parent"}]})")
                  .ok());
  absl::StatusOr<RoundStats> blocked = store_->DryRun("s1", 7);
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  EXPECT_EQ(blocked->applications, 3u);  // "d" waits for its check
  ASSERT_TRUE(store_->SetVerdict("s1", d, "single_parent", Verdict::kVerified).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->stats.applications, 4u);
  // Verified, "d" has the points of "a", who is older and keeps P1.
  EXPECT_EQ(Status("parent-a", a_).offer.program, "P1");
  EXPECT_EQ(store_->SetVerdict("s1", d, "single_parent", Verdict::kRejected).status().code(),
            absl::StatusCode::kFailedPrecondition);  // frozen with round 1
}

// Issue 19, caseworkers: search and open applications, see duplicates
// flagged, correct data with a reason that is kept with the application.
TEST_F(SeasonStoreTest, CaseworkersSearchOpenAndCorrectWithAReason) {
  OpenSeasonWithThreeApplications();
  const std::string lena = Submit(
      "parent-d", R"({"choices":["P1"],"child_name":"Lena Groß","birth_date":"2024-04-04"})");
  EXPECT_FALSE(store_
                   ->SubmitApplication("s1", "parent-d", "",
                                       App(R"({"choices":["P1"],"child_name":"Lena Gross",
                                               "birth_date":"2024-04-04"})"))
                   .ok());
  season::SearchFilter by_name;
  by_name.text = "GROSS";
  absl::StatusOr<std::vector<ApplicationView>> found = store_->SearchApplications("s1", by_name);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].application.id, lena);
  season::SearchFilter duplicates;
  duplicates.duplicates_only = true;
  ASSERT_EQ(store_->SearchApplications("s1", duplicates)->size(), 1u);
  EXPECT_EQ((*store_->SearchApplications("s1", duplicates))[0].application.duplicate_attempts, 1u);
  season::SearchFilter unverified;
  unverified.unverified_only = true;
  EXPECT_TRUE(store_->SearchApplications("s1", unverified)->empty());  // "a" is verified

  season::Application corrected = App(R"({"choices":["P1","P2"],"child_name":"Lena Groß",
                                          "birth_date":"2024-03-04"})");
  EXPECT_EQ(ReasonOf(store_->CorrectApplication("s1", "cw-1", lena, corrected, " ").status()),
            "correction_reason_required");
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());  // caseworkers may still correct
  absl::StatusOr<ApplicationView> after =
      store_->CorrectApplication("s1", "cw-1", lena, corrected, "Geburtsurkunde: 4. März");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->application.owner, "parent-d");
  EXPECT_EQ(FormatDate(*after->application.child.birth_date), "2024-03-04");
  ASSERT_EQ(after->application.corrections.size(), 1u);
  EXPECT_EQ(after->application.corrections[0].caseworker, "cw-1");
  EXPECT_EQ(after->application.corrections[0].reason, "Geburtsurkunde: 4. März");
  EXPECT_THAT(after->application.corrections[0].before, HasSubstr("2024-04-04"));
  EXPECT_EQ(store_->OpenApplication("s1", lena)->application.corrections.size(), 1u);
  EXPECT_EQ(store_->OpenApplication("s1", "A-none").status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1)).ok());
  EXPECT_EQ(ReasonOf(store_->CorrectApplication("s1", "cw-1", lena, corrected, "again").status()),
            "season_frozen");
}

// Issue 19: "a dry run is refused while applications are open". Dry runs work
// at any time and change nothing.
TEST_F(SeasonStoreTest, DryRunsWorkAtAnyTimeAndChangeNothing) {
  OpenSeasonWithThreeApplications();
  auto snapshot = [&] {
    absl::StatusOr<std::vector<std::string>> keys = redis().ScanKeys("dc:*");
    EXPECT_TRUE(keys.ok());
    std::map<std::string, std::string> dump;
    for (const std::string& key : keys.value_or(std::vector<std::string>{})) {
      absl::StatusOr<redis::Reply> value = redis().Command({"DUMP", key});
      dump[key] = value.ok() ? value->str : "";
    }
    return dump;
  };
  const auto before = snapshot();
  absl::StatusOr<RoundStats> open = store_->DryRun("s1", 7);  // the period is open
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(open->applications, 3u);
  EXPECT_EQ(open->placed, 2u);
  EXPECT_EQ(snapshot(), before);

  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1)).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-b", b_, false).ok());
  // "a"'s offer is still open: publishing waits, a dry run assumes it is kept.
  const absl::Status waits = store_->PublishRound("s1", 2, 0, kStart + absl::Hours(2)).status();
  EXPECT_EQ(waits.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(waits), "offers_still_open");
  const auto during = snapshot();
  absl::StatusOr<RoundStats> what_if = store_->DryRun("s1", 0);
  ASSERT_TRUE(what_if.ok()) << what_if.status();
  EXPECT_EQ(what_if->placed, 2u);  // "a" keeps P1, "c" moves into P2
  EXPECT_EQ(snapshot(), during);
}

// Issue 19, siblings: the policy's sibling_points give priority at a centre
// where a sibling already attends, once a caseworker verified the claim.
TEST_F(SeasonStoreTest, AVerifiedSiblingGivesPriorityAtItsCentre) {
  ASSERT_TRUE(store_
                  ->PutPrograms("s1", Programs(R"([
                      {"id":"P1","centre":"K1","centre_name":"Kita Sonne","capacity":1},
                      {"id":"P2","centre":"K2","capacity":1}])"))
                  .ok());
  ASSERT_TRUE(store_->PutPolicy("s1", R"({"sibling_points":20})").ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  const std::string older =
      Submit("parent-o", R"({"choices":["P1","P2"],"birth_date":"2023-01-01"})");
  const std::string younger =
      store_
          ->SubmitApplication("s1", "parent-y", "",
                              [] {
                                season::Application application =
                                    App(R"({"choices":["P1","P2"],"birth_date":"2024-01-01"})");
                                application.sibling_centres = {"K1"};
                                return application;
                              }())
          ->application.id;
  season::Application unknown = App(R"({"choices":["P1"],"birth_date":"2024-05-01"})");
  unknown.sibling_centres = {"K9"};
  EXPECT_EQ(ReasonOf(store_->SubmitApplication("s1", "parent-z", "", unknown).status()),
            "unknown_centre");
  ApplicationView claimed = Status("parent-y", younger);
  ASSERT_EQ(claimed.criteria.size(), 1u);
  EXPECT_EQ(claimed.criteria[0].id, "sibling:K1");
  EXPECT_EQ(claimed.criteria[0].label, "Geschwisterkind in Kita Sonne");
  EXPECT_FALSE(claimed.criteria[0].counted);

  // Verified, the sibling's 20 points put the younger child ahead of the older at P1.
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->SetVerdict("s1", younger, "sibling:K1", season::Verdict::kVerified).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Status("parent-y", younger).offer.program, "P1");
  EXPECT_EQ(Status("parent-o", older).offer.program, "P2");
  EXPECT_TRUE(Status("parent-y", younger).criteria[0].counted);
  // The round document carries the sibling rule in the engine's own format.
  const json::object document = Parse(first->document);
  EXPECT_THAT(json::serialize(document.at("policy")), HasSubstr(R"("id":"sibling","points":20)"));
  EXPECT_THAT(json::serialize(document.at("applications")),
              HasSubstr(R"("centre_criteria":{"K1":["sibling"]})"));
}

TEST_F(SeasonStoreTest, AnApplicationBlockedByUnverifiedClaimsIsToldItTookNoPart) {
  ASSERT_TRUE(store_->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":2}])")).ok());
  ASSERT_TRUE(store_
                  ->PutPolicy("s1", R"({"unverified_criteria":"block","criteria":[
                      {"id":"single_parent","points":10}]})")
                  .ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  const std::string checked = Submit("parent-a", R"({"choices":["P1"]})");
  const std::string unchecked =
      Submit("parent-b", R"({"choices":["P1"],"criteria":["single_parent"]})");
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  absl::StatusOr<RoundView> first = store_->PublishRound("s1", 1, 7, kStart + absl::Hours(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->stats.applications, 1u);
  EXPECT_EQ(Status("parent-a", checked).state, season::ApplicationState::kOffered);
  const ApplicationView left_out = Status("parent-b", unchecked);
  EXPECT_EQ(left_out.state, season::ApplicationState::kNotInRound);
  EXPECT_THAT(left_out.status_text, HasSubstr("nicht teilgenommen"));
}

// The parents' outbox: every event in the same step as its change, once.
class SeasonOutboxTest : public SeasonStoreTest {
 protected:
  void SetUp() override {
    SeasonStoreTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<season::SeasonService>(*repository_, clock_, Policy{}, key_);
  }

  // Like OpenSeasonWithThreeApplications, with addresses for "a" and "c"
  // ("b" gave none) and "c" in English.
  void OpenSeasonWithAddresses() {
    ASSERT_TRUE(store_
                    ->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1},
                                                        {"id":"P2","capacity":1}])"))
                    .ok());
    ASSERT_TRUE(store_
                    ->PutPolicy("s1", R"({"max_choices":2,"criteria":[
                        {"id":"single_parent","points":10,"label":"single parent"}]})")
                    .ok());
    ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
    a_ = SubmitWith("parent-a", "Anna.Berg@Example.ORG", season::Language::kGerman,
                    R"({"choices":["P1"],"criteria":["single_parent"],"birth_date":"2024-03-01"})");
    b_ = SubmitWith("parent-b", "", season::Language::kGerman,
                    R"({"choices":["P1","P2"],"birth_date":"2023-01-01"})");
    c_ = SubmitWith("parent-c", "carl@example.org", season::Language::kEnglish,
                    R"({"choices":["P1"],"birth_date":"2024-01-01"})");
    ASSERT_TRUE(store_->SetVerdict("s1", a_, "single_parent", season::Verdict::kVerified).ok());
  }

  std::string SubmitWith(const std::string& subject, const std::string& email,
                         season::Language language, std::string_view text) {
    season::Application application = App(text);
    application.guardian.email = email;
    application.guardian.name = "Guardian of " + subject;
    absl::StatusOr<ApplicationView> view =
        store_->SubmitApplication("s1", subject, "", application, language);
    EXPECT_TRUE(view.ok()) << view.status();
    return view.ok() ? view->application.id : "";
  }

  // The outbox's events, oldest first, as field maps.
  std::vector<std::map<std::string, std::string>> Outbox() {
    std::vector<std::map<std::string, std::string>> events;
    absl::StatusOr<redis::Reply> entries =
        redis().Command({"XRANGE", "dc:{season:s1}:outbox", "-", "+"});
    EXPECT_TRUE(entries.ok());
    if (!entries.ok()) return events;
    for (const redis::Reply& entry : entries->elements) {
      std::map<std::string, std::string> fields;
      const std::vector<redis::Reply>& pairs = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].str] = pairs[i + 1].str;
      events.push_back(std::move(fields));
    }
    return events;
  }

  // "type application" of each event, for comparing sequences.
  std::vector<std::string> Kinds(const std::vector<std::map<std::string, std::string>>& events) {
    std::vector<std::string> kinds;
    for (const auto& event : events) {
      kinds.push_back(absl::StrCat(event.at("type"), " ", event.at("application")));
    }
    return kinds;
  }

  const std::string key_ = contact::ContactKey("the daycare master key of the test", "daycare");
};

TEST_F(SeasonOutboxTest, ApplicationsRoundsAndAnswersEachWriteTheirEventOnce) {
  ASSERT_NO_FATAL_FAILURE(OpenSeasonWithAddresses());
  std::vector<std::map<std::string, std::string>> events = Outbox();
  EXPECT_THAT(Kinds(events), ::testing::ElementsAre(absl::StrCat("application.received ", a_),
                                                    absl::StrCat("application.received ", b_),
                                                    absl::StrCat("application.received ", c_)));
  // The address is normalised and sealed to its application; "b" gave none.
  absl::StatusOr<contact::MailContact> anna = contact::Open(key_, events[0].at("contact"), a_);
  ASSERT_TRUE(anna.ok()) << anna.status();
  EXPECT_EQ(anna->email, "Anna.Berg@example.org");
  EXPECT_EQ(anna->name, "Guardian of parent-a");
  EXPECT_EQ(anna->language, "de");
  EXPECT_EQ(events[1].at("contact"), "");
  EXPECT_EQ(contact::Open(key_, events[2].at("contact"), c_)->language, "en");
  EXPECT_FALSE(contact::Open(key_, events[2].at("contact"), a_).ok());
  // Changing an application writes no second "received".
  season::Application changed = App(R"({"choices":["P1","P2"],"birth_date":"2023-01-01"})");
  changed.child.name = Status("parent-b", b_).application.child.name;
  ASSERT_TRUE(store_->SubmitApplication("s1", "parent-b", b_, changed).ok());
  EXPECT_EQ(Outbox().size(), 3u);

  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  const absl::Time deadline = kStart + absl::Hours(24);
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, deadline).ok());
  // a: P1 (points); b: P2; c wanted only P1: no place this round.
  events = Outbox();
  ASSERT_EQ(events.size(), 6u);
  const std::vector<std::string> kinds = Kinds(events);
  EXPECT_THAT(std::vector<std::string>(kinds.begin() + 3, kinds.end()),
              ::testing::UnorderedElementsAre(absl::StrCat("offer.made ", a_),
                                              absl::StrCat("offer.made ", b_),
                                              absl::StrCat("round.no_place ", c_)));
  for (size_t i = 3; i < events.size(); ++i) {
    if (events[i].at("application") == a_) {
      EXPECT_EQ(events[i].at("program"), "P1");
      EXPECT_EQ(events[i].at("deadline_s"), absl::StrCat(absl::ToUnixSeconds(deadline)));
      EXPECT_EQ(events[i].at("round"), "1");
      EXPECT_TRUE(contact::Open(key_, events[i].at("contact"), a_).ok());
    }
    if (events[i].at("application") == c_) {
      EXPECT_THAT(events[i].at("waiting"), ::testing::StartsWith("P1:"));
    }
  }
  // A publish that is refused writes nothing.
  EXPECT_FALSE(store_->PublishRound("s1", 1, 7, deadline).ok());
  EXPECT_EQ(Outbox().size(), 6u);

  // Answers: one event each, none for the same answer again.
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-b", b_, false).ok());
  events = Outbox();
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(Kinds(events)[6], absl::StrCat("offer.accepted ", a_));
  EXPECT_EQ(events[6].at("program"), "P1");
  EXPECT_EQ(Kinds(events)[7], absl::StrCat("offer.declined ", b_));

  // The move-up round: c gets nothing new (P1 is held), a keeps hers: no
  // event for an unchanged accepted place.
  ASSERT_TRUE(store_->PublishRound("s1", 0, 0, kStart + absl::Hours(48)).ok());
  events = Outbox();
  for (size_t i = 8; i < events.size(); ++i) {
    EXPECT_NE(events[i].at("application"), a_) << events[i].at("type");
  }
}

TEST_F(SeasonOutboxTest, AnOpenOfferIsRemindedOnceBeforeItsDeadlineAndAgainWhenItMoves) {
  ASSERT_NO_FATAL_FAILURE(OpenSeasonWithAddresses());
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(72)).ok());
  const size_t before = Outbox().size();
  const absl::Duration lead = absl::Hours(48);
  EXPECT_EQ(store_->RemindExpiringOffers("s1", lead).value(), 0);  // 72 h ahead
  clock_.Advance(absl::Hours(24));
  // Two replicas at once: each offer reminded once (a's and b's).
  std::atomic<int> written{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back(
        [&] { written += store_->RemindExpiringOffers("s1", lead).value_or(-100); });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(written.load(), 2);
  EXPECT_EQ(store_->RemindExpiringOffers("s1", lead).value(), 0);
  std::vector<std::map<std::string, std::string>> events = Outbox();
  ASSERT_EQ(events.size(), before + 2);
  EXPECT_EQ(events.back().at("type"), "offer.expiring");

  // Answered offers are not reminded; a moved deadline is reminded again.
  ASSERT_TRUE(store_->AnswerOffer("s1", "parent-a", a_, true).ok());
  ASSERT_EQ(store_->SetOfferDeadline("s1", 1, kStart + absl::Hours(120)).value(), 1);
  EXPECT_EQ(store_->RemindExpiringOffers("s1", lead).value(), 0);
  clock_.Advance(absl::Hours(50));
  EXPECT_EQ(store_->RemindExpiringOffers("s1", lead).value(), 1);
  EXPECT_EQ(Outbox().back().at("application"), b_);
  // Past the deadline: no reminder.
  clock_.Advance(absl::Hours(100));
  EXPECT_EQ(store_->RemindExpiringOffers("s1", lead).value(), 0);
}

TEST_F(SeasonOutboxTest, AMalformedAddressIsRefusedWithAReasonAndWritesNothing) {
  ASSERT_TRUE(store_->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1}])")).ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  season::Application application = App(R"({"choices":["P1"]})");
  application.guardian.email = "x@example.org\r\nBcc: y@evil.test";
  absl::StatusOr<ApplicationView> refused =
      store_->SubmitApplication("s1", "parent-x", "", application);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(refused.status()), "invalid_email");
  EXPECT_TRUE(Outbox().empty());
}

// Everything Redis holds, as text: every key with its value(s), whatever the
// type, for scans for personal data.
std::vector<std::string> RawContents(redis::Client& redis, std::string_view except_key = "") {
  std::vector<std::string> contents;
  absl::StatusOr<std::vector<std::string>> keys = redis.ScanKeys("*");
  EXPECT_TRUE(keys.ok()) << keys.status();
  if (!keys.ok()) return contents;
  auto flatten = [&contents](const redis::Reply& reply, auto& self) -> void {
    if (!reply.str.empty()) contents.push_back(reply.str);
    for (const redis::Reply& element : reply.elements) self(element, self);
  };
  for (const std::string& key : *keys) {
    if (key == except_key) continue;
    contents.push_back(key);
    absl::StatusOr<redis::Reply> type = redis.Command({"TYPE", key});
    if (!type.ok()) continue;
    std::vector<std::string> read;
    if (type->str == "string") read = {"GET", key};
    if (type->str == "hash") read = {"HGETALL", key};
    if (type->str == "list") read = {"LRANGE", key, "0", "-1"};
    if (type->str == "set") read = {"SMEMBERS", key};
    if (type->str == "stream") read = {"XRANGE", key, "-", "+"};
    if (read.empty()) continue;
    absl::StatusOr<redis::Reply> value = redis.Command(read);
    if (value.ok()) flatten(*value, flatten);
  }
  return contents;
}

// The needles found anywhere in Redis.
std::vector<std::string> FoundInRedis(redis::Client& redis, const std::vector<std::string>& needles,
                                      std::string_view except_key = "") {
  std::vector<std::string> found;
  const std::vector<std::string> contents = RawContents(redis, except_key);
  for (const std::string& needle : needles) {
    for (const std::string& text : contents) {
      if (text.find(needle) != std::string::npos) {
        found.push_back(needle);
        break;
      }
    }
  }
  return found;
}

// Issue 18: the child's name and birth date, the claimed and verified criteria
// and the guardian's data are sealed at rest; the season's readers open them.
TEST_F(SeasonStoreTest, ChildrenAndGuardiansAreSealedAtRest) {
  ASSERT_TRUE(store_
                  ->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1},
                                                      {"id":"P2","capacity":1}])"))
                  .ok());
  ASSERT_TRUE(store_
                  ->PutPolicy("s1", R"({"max_choices":2,"criteria":[
                      {"id":"single_parent","points":10,"label":"single parent"}]})")
                  .ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  season::Application application =
      App(R"({"choices":["P1","P2"],"criteria":["single_parent"],"birth_date":"2023-05-17",
              "child_name":"Kunigunde Siegelkind","district":"Wolkenviertel"})");
  application.guardian.name = "Evelyn Siegelmutter";
  application.guardian.email = "evelyn.siegel@example.org";
  application.guardian.phone = "0711 5550199";
  absl::StatusOr<ApplicationView> submitted =
      store_->SubmitApplication("s1", "parent-sealed", "", application);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const std::string id = submitted->application.id;
  ASSERT_TRUE(store_->SetVerdict("s1", id, "single_parent", season::Verdict::kVerified).ok());
  season::Application corrected = submitted->application;
  corrected.guardian.phone = "0711 5550200";
  ASSERT_TRUE(store_
                  ->CorrectApplication("s1", "cw-1", id, corrected,
                                       "Telefonnummer laut Anruf von Evelyn Siegelmutter")
                  .ok());
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24)).ok());

  // Nothing of the child or guardian in plain, in any key or value; the
  // normalised name (the duplicate index's input) neither.
  EXPECT_THAT(FoundInRedis(redis(), {"Kunigunde", "kunigunde", "Siegelkind", "siegelkind",
                                     "2023-05-17", "Siegelmutter", "evelyn", "5550199", "5550200",
                                     "Wolkenviertel", "Telefonnummer"}),
              ::testing::IsEmpty());
  // The verdicts' fields do not name the criterion either.
  absl::StatusOr<redis::Reply> evidence =
      redis().Command({"HKEYS", absl::StrCat("dc:{season:s1}:evidence:", id)});
  ASSERT_TRUE(evidence.ok());
  ASSERT_EQ(evidence->elements.size(), 1u);
  EXPECT_NE(evidence->elements[0].str, "single_parent");
  absl::StatusOr<redis::Reply> stored = redis().Command({"HGET", "dc:{season:s1}:apps", id});
  ASSERT_TRUE(stored.ok());
  EXPECT_THAT(stored->str, ::testing::StartsWith("sealed:v1:"));

  // The service opens what it needs: the parent's status, the caseworker's view
  // with verdict and correction, the round's inputs.
  ApplicationView parent = Status("parent-sealed", id);
  EXPECT_EQ(parent.application.child.name, "Kunigunde Siegelkind");
  EXPECT_EQ(parent.application.guardian.phone, "0711 5550200");
  EXPECT_EQ(parent.offer.state, OfferState::kOpen);
  absl::StatusOr<ApplicationView> casework = store_->OpenApplication("s1", id);
  ASSERT_TRUE(casework.ok()) << casework.status();
  ASSERT_EQ(casework->criteria.size(), 1u);
  EXPECT_EQ(casework->criteria[0].verdict, season::Verdict::kVerified);
  ASSERT_EQ(casework->application.corrections.size(), 1u);
  EXPECT_THAT(casework->application.corrections[0].reason, HasSubstr("Evelyn Siegelmutter"));
  EXPECT_THAT(casework->application.corrections[0].before, HasSubstr("0711 5550199"));
  absl::StatusOr<RoundView> round = store_->GetRound("s1", 1);
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_THAT(round->document, HasSubstr("2023-05-17"));
  EXPECT_FALSE(parent.offer.explanation.summary.empty());
}

TEST_F(SeasonStoreTest, TheDuplicateIndexHoldsAKeyedHashAndStillFindsTheChild) {
  ASSERT_TRUE(store_->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1}])")).ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  const std::string first = Submit(
      "parent-x", R"({"choices":["P1"],"child_name":"Lotte Hashkind","birth_date":"2024-04-04"})");
  ASSERT_FALSE(first.empty());
  absl::StatusOr<ApplicationView> again = store_->SubmitApplication(
      "s1", "parent-x", "",
      App(R"({"choices":["P1"],"child_name":"lotte  hashkind","birth_date":"2024-04-04"})"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(again.status()), "duplicate_child");
  absl::StatusOr<redis::Reply> index = redis().Command({"HKEYS", "dc:{season:s1}:children"});
  ASSERT_TRUE(index.ok());
  ASSERT_EQ(index->elements.size(), 1u);
  EXPECT_EQ(index->elements[0].str.size(), 64u);  // hex of an HMAC-SHA256
  EXPECT_THAT(FoundInRedis(redis(), {"hashkind", "2024-04-04"}), ::testing::IsEmpty());
}

// Records written before sealing (plain JSON, plain verdicts, a plain child
// key, correction and explanation) are still read, and the first pass of
// SealWrittenBeforeSealing seals them all; the child is still found as a
// duplicate; a second pass finds nothing.
TEST_F(SeasonStoreTest, ValuesWrittenBeforeSealingAreReadThenSealed) {
  ASSERT_TRUE(store_->PutPrograms("s1", Programs(R"([{"id":"P1","capacity":1}])")).ok());
  ASSERT_TRUE(store_
                  ->PutPolicy("s1", R"({"criteria":[
                      {"id":"single_parent","points":10,"label":"single parent"}]})")
                  .ok());
  ASSERT_TRUE(store_->SetPeriod("s1", true).ok());
  const std::string legacy =
      R"({"id":"old-1","choices":["P1"],"birth_date":"2024-02-02","criteria":["single_parent"],)"
      R"("child_name":"Alte Akte","guardian_name":"Vor Siegel","guardian_email":"",)"
      R"("guardian_phone":"","lang":"de"})";
  season::Application same_child = App(R"({"choices":["P1"],"birth_date":"2024-02-02",
                                           "child_name":"Alte Akte"})");
  same_child.owner = "parent-old";
  const std::string plain_child_key = season::ChildKey(same_child);
  const std::string correction =
      json::serialize(json::object{{"at", "2026-05-01T10:00:00Z"},
                                   {"caseworker", "cw-old"},
                                   {"reason", "Name laut Urkunde Vor Siegel"},
                                   {"before", legacy}});
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"HSET", "dc:{season:s1}:apps", "old-1", legacy},
           {"HSET", "dc:{season:s1}:owners", "old-1", "parent-old"},
           {"SADD", "dc:{season:s1}:owned:parent-old", "old-1"},
           {"HSET", "dc:{season:s1}:children", plain_child_key, "old-1"},
           {"HSET", "dc:{season:s1}:child_of", "old-1", plain_child_key},
           {"HSET", "dc:{season:s1}:evidence:old-1", "single_parent", "rejected"},
           {"RPUSH", "dc:{season:s1}:corrections:old-1", correction},
           {"HSET", "dc:{season:s1}:offer:old-1", "state", "none", "explanation",
            R"({"summary":"Alte Erklaerung fuer Alte Akte","choices":[]})"}}) {
    ASSERT_TRUE(redis().Command(command).ok());
  }
  auto check_reads = [&] {
    ApplicationView old = Status("parent-old", "old-1");
    EXPECT_EQ(old.application.child.name, "Alte Akte");
    EXPECT_EQ(old.application.guardian.name, "Vor Siegel");
    ASSERT_EQ(old.criteria.size(), 1u);
    EXPECT_EQ(old.criteria[0].verdict, season::Verdict::kRejected);
    EXPECT_THAT(old.offer.explanation.summary, HasSubstr("Alte Erklaerung"));
    absl::StatusOr<ApplicationView> casework = store_->OpenApplication("s1", "old-1");
    ASSERT_TRUE(casework.ok()) << casework.status();
    ASSERT_EQ(casework->application.corrections.size(), 1u);
    EXPECT_EQ(casework->application.corrections[0].reason, "Name laut Urkunde Vor Siegel");
    EXPECT_THAT(casework->application.corrections[0].before, HasSubstr("Alte Akte"));
  };
  check_reads();
  EXPECT_THAT(FoundInRedis(redis(), {"Alte Akte"}), ::testing::Not(::testing::IsEmpty()));

  absl::StatusOr<int> sealed = repository_->SealWrittenBeforeSealing();
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(*sealed, 5);  // the application, its child index, verdict, correction, explanation
  check_reads();
  EXPECT_THAT(FoundInRedis(redis(), {"Alte Akte", "alte akte", "2024-02-02", "Vor Siegel",
                                     "Alte Erklaerung"}),
              ::testing::IsEmpty());
  absl::StatusOr<redis::Reply> fields = redis().Command({"HKEYS", "dc:{season:s1}:evidence:old-1"});
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->elements.size(), 1u);
  EXPECT_NE(fields->elements[0].str, "single_parent");
  absl::StatusOr<ApplicationView> again =
      store_->SubmitApplication("s1", "parent-old", "", same_child);
  EXPECT_EQ(ReasonOf(again.status()), "duplicate_child");
  absl::StatusOr<int> second = repository_->SealWrittenBeforeSealing();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 0);

  // A new verdict still replaces the sealed one of the same criterion.
  absl::StatusOr<ApplicationView> verified =
      store_->SetVerdict("s1", "old-1", "single_parent", season::Verdict::kVerified);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->criteria[0].verdict, season::Verdict::kVerified);
}

// Issue 18: retention enforced by the store, on a fake clock. A withdrawn
// application goes 30 days after the withdrawal (its offer keeps only its
// state, so move-up rounds keep it out); the whole season's personal data go
// 183 days after its last round; the setup stays.
TEST_F(SeasonStoreTest, RetentionErasesWithdrawnApplicationsThenTheSeason) {
  OpenSeasonWithThreeApplications();
  ASSERT_TRUE(store_->SetPeriod("s1", false).ok());
  ASSERT_TRUE(store_->PublishRound("s1", 1, 7, kStart + absl::Hours(24)).ok());
  const absl::Time last_round = clock_.Now();
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(store_->Withdraw("s1", "parent-c", c_).ok());
  const absl::Time withdrawn_at = clock_.Now();
  const SeasonRetention retention;  // the defaults: 183 days, 30 days
  EXPECT_EQ(retention.season, absl::Hours(24 * 183));
  EXPECT_EQ(retention.withdrawn, absl::Hours(24 * 30));

  auto sweep = [&](absl::Time at) {
    absl::StatusOr<SweepReport> report = repository_->SweepRetention(at, retention);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(SweepReport{});
  };
  SweepReport early = sweep(withdrawn_at + retention.withdrawn - absl::Seconds(1));
  EXPECT_EQ(early.withdrawn_erased, 0);
  EXPECT_EQ(Status("parent-c", c_).state, season::ApplicationState::kWithdrawn);

  SweepReport due = sweep(withdrawn_at + retention.withdrawn);
  EXPECT_EQ(due.withdrawn_erased, 1);
  EXPECT_EQ(due.seasons_erased, 0);
  EXPECT_EQ(store_->GetApplication("s1", "parent-c", c_).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<season::Offer> offer = repository_->GetOffer("s1", c_);
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->state, OfferState::kWithdrawn);
  EXPECT_TRUE(offer->explanation.summary.empty());
  EXPECT_EQ(sweep(withdrawn_at + retention.withdrawn).withdrawn_erased, 0);  // idempotent
  // The others are untouched, and the season still runs.
  EXPECT_EQ(Status("parent-a", a_).application.id, a_);
  clock_.Set(withdrawn_at + retention.withdrawn);
  EXPECT_TRUE(store_->DryRun("s1", 0).ok());

  EXPECT_EQ(sweep(last_round + retention.season - absl::Seconds(1)).seasons_erased, 0);
  EXPECT_TRUE(store_->GetRound("s1", 1).ok());
  EXPECT_EQ(sweep(last_round + retention.season).seasons_erased, 1);
  EXPECT_EQ(sweep(last_round + retention.season + absl::Hours(1)).seasons_erased, 0);
  absl::StatusOr<std::vector<std::string>> keys = redis().ScanKeys("dc:{season:s1}:*");
  ASSERT_TRUE(keys.ok());
  std::set<std::string> left(keys->begin(), keys->end());
  EXPECT_THAT(left, ::testing::IsSubsetOf(std::set<std::string>{
                        "dc:{season:s1}:period", "dc:{season:s1}:programs", "dc:{season:s1}:policy",
                        "dc:{season:s1}:rounds", "dc:{season:s1}:version", "dc:{season:s1}:outbox",
                        "dc:{season:s1}:changed_at", "dc:{season:s1}:sealed"}));
  EXPECT_EQ(store_->GetRound("s1", 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetApplication("s1", "parent-a", a_).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::vector<ApplicationView>> listed = store_->ListApplications("s1", "parent-b");
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

// A season without a round: the period runs from its last application. A
// season written before changes were stamped starts its period at the first
// sweep that sees it (never shorter than documented).
TEST_F(SeasonStoreTest, RetentionOfASeasonWithoutARoundRunsFromItsLastApplication) {
  OpenSeasonWithThreeApplications();
  const absl::Time last_application = clock_.Now();
  const SeasonRetention retention;
  absl::StatusOr<SweepReport> kept = repository_->SweepRetention(
      last_application + retention.season - absl::Seconds(1), retention);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->seasons_erased, 0);
  absl::StatusOr<SweepReport> erased =
      repository_->SweepRetention(last_application + retention.season, retention);
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->seasons_erased, 1);
  // Only the outbox still names the applications (by id, the events the
  // notifications service has not acknowledged yet; it trims them).
  EXPECT_THAT(FoundInRedis(redis(), {a_, b_, c_}, "dc:{season:s1}:outbox"), ::testing::IsEmpty());

  ASSERT_TRUE(redis().Command({"HSET", "dc:{season:old}:apps", "x", "{}"}).ok());
  ASSERT_TRUE(redis().Command({"SET", "dc:{season:old}:period", "closed"}).ok());
  const absl::Time first_sweep = last_application + retention.season;
  absl::StatusOr<SweepReport> stamped =
      repository_->SweepRetention(first_sweep + absl::Hours(24 * 1000), retention);
  ASSERT_TRUE(stamped.ok());
  EXPECT_EQ(stamped->seasons_erased, 0);  // its period starts now
  absl::StatusOr<SweepReport> later = repository_->SweepRetention(
      first_sweep + absl::Hours(24 * 1000) + retention.season, retention);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->seasons_erased, 1);
}

}  // namespace
}  // namespace stadt::daycare
