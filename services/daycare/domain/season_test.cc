#include "services/daycare/domain/season.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "services/common/reason.h"
#include "services/daycare/domain/test_instances.h"

namespace stadt::daycare {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'775'000'000);  // spring 2026

Season MakeSeason(Instance instance) {
  absl::StatusOr<Allocator> allocator = Allocator::Create(std::move(instance), Policy{});
  EXPECT_TRUE(allocator.ok()) << allocator.status();
  return Season(*std::move(allocator));
}

// Three children, one program with two places and a fallback; A1 > A2 > A3 by points.
Instance SmallInstance() {
  Instance instance;
  instance.programs = {testing::MakeProgram("K1", 2), testing::MakeProgram("K2", 1)};
  auto points = [](int64_t k1, int64_t k2) { return ProgramPoints{{"K1", k1}, {"K2", k2}}; };
  instance.applications = {testing::MakeApplication("A1", {"K1"}),
                           testing::MakeApplication("A2", {"K1", "K2"}),
                           testing::MakeApplication("A3", {"K1", "K2"})};
  instance.applications[0].points = points(9, 0);
  instance.applications[1].points = points(8, 9);
  instance.applications[2].points = points(7, 8);
  return instance;
}

TEST(SeasonTest, OffersAcceptDeclineAndMoveUp) {
  Season season = MakeSeason(SmallInstance());
  const absl::Time deadline = kStart + absl::Hours(24 * 14);
  ASSERT_TRUE(season.PublishRound(kStart, deadline).ok());
  EXPECT_EQ(season.status(0).offered_program, 0);
  EXPECT_EQ(season.status(1).offered_program, 0);
  EXPECT_EQ(season.status(2).offered_program, 1);  // A3 gets its second choice

  // A round cannot start while offers are open.
  const absl::Status waits =
      season.PublishRound(kStart + absl::Hours(1), deadline + absl::Hours(1)).status();
  EXPECT_EQ(waits.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(waits), "offers_still_open");

  EXPECT_TRUE(season.Accept("A3", kStart + absl::Hours(1)).ok());
  EXPECT_TRUE(season.Accept("A3", kStart + absl::Hours(2)).ok());  // idempotent
  EXPECT_EQ(season.Decline("A3", kStart + absl::Hours(2)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(season.Decline("A1", kStart + absl::Hours(3)).ok());
  EXPECT_TRUE(season.Decline("A1", kStart + absl::Hours(3)).ok());  // idempotent
  EXPECT_EQ(season.Accept("A1", kStart + absl::Hours(3)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(season.Accept("nobody", kStart).code(), absl::StatusCode::kNotFound);
  // A2 never answers: after the deadline its offer expires.
  EXPECT_EQ(season.Accept("A2", deadline).code(), absl::StatusCode::kFailedPrecondition);

  // Move-up: both K1 places are free again; A3 moves up from its accepted K2 place.
  absl::StatusOr<const RoundResult*> second =
      season.PublishRound(deadline + absl::Hours(1), deadline + absl::Hours(24 * 7));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->placements[2].program, 0);
  EXPECT_EQ((*second)->placements[2].choice_rank, 1);
  EXPECT_EQ(season.status(2).offer, OfferState::kAccepted);
  EXPECT_EQ(season.status(1).offer, OfferState::kExpired);
  EXPECT_EQ((*second)->placements[1].program, -1);
  EXPECT_EQ((*second)->placements[0].program, -1);  // declined its only choice
  EXPECT_EQ(season.rounds(), 2);
  EXPECT_EQ(season.offer_counts().made, 3u);
  EXPECT_EQ(season.offer_counts().accepted, 1u);
  EXPECT_EQ(season.offer_counts().declined, 1u);
  EXPECT_EQ(season.offer_counts().expired, 1u);
}

TEST(SeasonTest, DeadlineMustBeInTheFuture) {
  Season season = MakeSeason(SmallInstance());
  EXPECT_EQ(season.PublishRound(kStart, kStart).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A snapshot of who holds an accepted place before a round.
std::vector<int32_t> AcceptedPrograms(const Season& season) {
  std::vector<int32_t> accepted;
  for (uint32_t a = 0; a < season.allocator().instance().applications.size(); ++a) {
    const ApplicantStatus& status = season.status(a);
    accepted.push_back(status.offer == OfferState::kAccepted ? status.participation.program : -1);
  }
  return accepted;
}

// "" when the round's placements are stable among the children still taking part, where
// a child keeping an accepted place has that place guaranteed.
std::string CheckMoveUpRound(const Season& season, const std::vector<Participation>& before,
                             const RoundResult& result) {
  const Allocator& allocator = season.allocator();
  const Instance& instance = allocator.instance();
  std::vector<std::vector<uint32_t>> holders(instance.programs.size());
  for (uint32_t a = 0; a < result.placements.size(); ++a) {
    if (result.placements[a].program >= 0) holders[result.placements[a].program].push_back(a);
  }
  for (uint32_t p = 0; p < holders.size(); ++p) {
    if (holders[p].size() > instance.programs[p].capacity) {
      return absl::StrCat("program ", p, " over capacity");
    }
  }
  auto priority = [&](uint32_t a, uint32_t p) {
    Priority priority =
        allocator.PriorityAt(a, allocator.choices(a)[allocator.ChoicePosition(a, p)].points);
    priority.guaranteed = before[a].kind == Participation::Kind::kHoldsPlace &&
                          before[a].program == static_cast<int32_t>(p);
    return priority;
  };
  for (uint32_t a = 0; a < result.placements.size(); ++a) {
    if (before[a].kind == Participation::Kind::kOut) continue;
    const auto choices = allocator.choices(a);
    const int end =
        result.placements[a].program < 0 ? choices.size() : result.placements[a].choice_rank - 1;
    for (int c = 0; c < end; ++c) {
      const uint32_t p = choices[c].program;
      const auto& declined = before[a].declined_programs;
      if (choices[c].ineligible || std::count(declined.begin(), declined.end(), p) > 0) continue;
      if (holders[p].size() < instance.programs[p].capacity) {
        return absl::StrCat("A", a, " wants program ", p, " which has room");
      }
      for (uint32_t holder : holders[p]) {
        if (Outranks(priority(a, p), priority(holder, p))) {
          return absl::StrCat("A", a, " outranks A", holder, " at program ", p);
        }
      }
    }
  }
  return "";
}

TEST(SeasonTest, MoveUpRoundsKeepEveryAcceptedPlaceAndStayStable) {
  int moved_up = 0;
  for (uint64_t seed = 100; seed < 250; ++seed) {
    const testing::InstanceShape shape = testing::Shape(40, 6, 4, 6);
    Season season = MakeSeason(testing::RandomInstance(seed, shape));
    SplitMix64 answers(seed);
    absl::Time now = kStart;
    for (int round = 1; round <= 3; ++round) {
      season.ExpireOffers(now);  // so that `before` shows who is still in
      const std::vector<int32_t> accepted = AcceptedPrograms(season);
      std::vector<Participation> before;
      for (uint32_t a = 0; a < accepted.size(); ++a)
        before.push_back(season.status(a).participation);
      absl::StatusOr<const RoundResult*> result = season.PublishRound(now, now + absl::Hours(100));
      ASSERT_TRUE(result.ok()) << result.status();
      ASSERT_EQ(CheckMoveUpRound(season, before, **result), "")
          << "seed " << seed << " round " << round;
      for (uint32_t a = 0; a < accepted.size(); ++a) {
        if (accepted[a] < 0) continue;
        const Placement& now_at = (*result)->placements[a];
        const int32_t old_rank = season.allocator().ChoicePosition(a, accepted[a]) + 1;
        ASSERT_GE(now_at.program, 0) << "seed " << seed << ": A" << a << " lost its place";
        ASSERT_LE(now_at.choice_rank, old_rank) << "seed " << seed << ": A" << a;
        if (now_at.choice_rank < old_rank) ++moved_up;
      }
      // Parents answer at random: accept, decline or let the offer expire.
      for (uint32_t a = 0; a < accepted.size(); ++a) {
        if (season.status(a).offer != OfferState::kOpen) continue;
        const uint64_t answer = answers.UniformBelow(4);
        const std::string& id = season.allocator().instance().applications[a].id;
        if (answer <= 1) {
          ASSERT_TRUE(season.Accept(id, now + absl::Hours(1)).ok());
        } else if (answer == 2) {
          ASSERT_TRUE(season.Decline(id, now + absl::Hours(1)).ok());
        }
      }
      now += absl::Hours(101);
    }
  }
  EXPECT_GT(moved_up, 0);  // the property was exercised, not vacuous
}

TEST(SeasonTest, AMoveUpRoundWithNothingFreedChangesNothing) {
  for (uint64_t seed = 300; seed < 340; ++seed) {
    const testing::InstanceShape shape = testing::Shape(50, 6, 4, 8);
    Season season = MakeSeason(testing::RandomInstance(seed, shape));
    absl::StatusOr<const RoundResult*> first = season.PublishRound(kStart, kStart + absl::Hours(1));
    ASSERT_TRUE(first.ok());
    const RoundResult first_result = **first;
    for (const Application& application : season.allocator().instance().applications) {
      const absl::Status status = season.Accept(application.id, kStart);
      EXPECT_TRUE(status.ok() || status.code() == absl::StatusCode::kFailedPrecondition);
    }
    absl::StatusOr<const RoundResult*> second =
        season.PublishRound(kStart + absl::Hours(2), kStart + absl::Hours(3));
    ASSERT_TRUE(second.ok());
    for (uint32_t a = 0; a < first_result.placements.size(); ++a) {
      EXPECT_EQ((*second)->placements[a].program, first_result.placements[a].program)
          << "seed " << seed << " A" << a;
    }
  }
}

}  // namespace
}  // namespace stadt::daycare
